/* lectern clock: moves the test clock (src/core/clock.c) of the servers using a data directory.
 * Test builds only: a release build has no such command. */
#ifdef LECTERN_TEST_CLOCK
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

static const char clock_usage[] =
    "usage: lectern clock show [--data DIR]\n"
    "       lectern clock set YYYY-MM-DDTHH:MM:SSZ [--data DIR]\n"
    "       lectern clock advance N{d|h|m|s} [--data DIR]\n"
    "       lectern clock reset [--data DIR]\n"
    "\n"
    "Test builds only. Moves \"now\" for the servers serving DIR (they read DIR/test-clock at\n"
    "most once a second) and for commands run on it: set to a moment (UTC), advance by days,\n"
    "hours, minutes or seconds, or reset to the real time. 'show' prints the clock's time.\n";

/* "2027-11-01T09:00:00Z" (or a date alone, midnight UTC) into epoch seconds. */
static bool parse_moment(const char *s, int64_t *out)
{
    struct tm tm = {0};
    int n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec, &n) != 6 || s[n]) {
        n = 0;
        tm = (struct tm){0};
        if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3 || s[n]) return false;
    }
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31) return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = (int64_t)timegm(&tm);
    return true;
}

/* "335d", "12h", "30m", "90s" (a plain number is seconds) into seconds; may be negative. */
static bool parse_span(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s) return false;
    int64_t unit = !*end ? 1 : !strcmp(end, "d") ? 86400 : !strcmp(end, "h") ? 3600 : !strcmp(end, "m") ? 60
                 : !strcmp(end, "s") ? 1 : 0;
    if (!unit) return false;
    *out = (int64_t)v * unit;
    return true;
}

static int clock_write(struct cli_ctx *ctx, int64_t offset)
{
    struct problem p = {0};
    if (time_clock_write(ctx->data_dir, offset, &p)) {
        fprintf(stderr, "lectern: %s\n", p.message);
        return EXIT_FAIL;
    }
    char at[21];
    time_iso8601(time_now(), at);
    printf("%s\n", at);
    return EXIT_OK;
}

int cmd_clock(int argc, char **argv, struct cli_ctx *ctx)
{
    if (cli_wants_help(argc, argv)) return cli_help(clock_usage);
    const char *verb = argc > 1 ? argv[1] : "";
    int64_t v = 0;
    time_clock_use(ctx->data_dir);
    if (!strcmp(verb, "show") && argc == 2) return clock_write(ctx, time_clock_offset());
    if (!strcmp(verb, "reset") && argc == 2) return clock_write(ctx, 0);
    if (!strcmp(verb, "set") && argc == 3) {
        if (!parse_moment(argv[2], &v))
            return cli_usage_error("clock", "'%s' is not a moment: write it as 2027-11-01T09:00:00Z", argv[2]);
        return clock_write(ctx, v - (int64_t)time(NULL));
    }
    if (!strcmp(verb, "advance") && argc == 3) {
        if (!parse_span(argv[2], &v))
            return cli_usage_error("clock", "'%s' is not a span: write it as 335d, 12h, 30m or 90s", argv[2]);
        return clock_write(ctx, time_clock_offset() + v);
    }
    return cli_usage_error("clock", "say 'show', 'set MOMENT', 'advance SPAN' or 'reset' (see 'lectern clock --help')");
}
#endif
