/* lectern maintenance: turns read-only mode on or off from the terminal (the same switch as
 * the maintenance page), for an operator who takes a backup or upgrades. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../model/communication/communication.h"

static const char maintenance_usage[] =
    "usage: lectern maintenance on [--until TIME] [--message TEXT]\n"
    "       lectern maintenance off\n"
    "       lectern maintenance status\n"
    "\n"
    "Read-only mode: pages and the API still read; every write answers 503 with Retry-After,\n"
    "except signing in and out and an administrator ending it. Every node obeys a change\n"
    "within a second.\n"
    "\n"
    "  --until TIME     end it by itself then: 2027-03-28T18:00:00Z, or with an offset\n"
    "                   (+01:00); a time without one is UTC\n"
    "  --message TEXT   what people are told, such as \"Upgrading Lectern\"\n"
    "\n"
    "Exit status: 0 done, 1 failed, 2 usage.\n";

static int show_status(struct cli_ctx *ctx, struct arena *a)
{
    struct maintenance_state s;
    maintenance_state_changed();
    if (maintenance_state_get(ctx->db, a, time_now(), &s)) return cli_fail("maintenance", "cannot read the state: %s", db_errmsg(ctx->db));
    char until[21];
    if (!s.read_only) printf("read-only mode: off\n");
    else printf("read-only mode: on, until %s%s%s\n", cli_time(s.until_at, until, "turned off"), *s.message ? ": " : "", s.message);
    return EXIT_OK;
}

int cmd_maintenance(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *cmd = "maintenance";
    if (cli_wants_help(argc, argv)) return cli_help(maintenance_usage);
    enum { OPT_UNTIL = 1, OPT_MESSAGE };
    static const struct cli_opt opts[] = {{"until", 0, true, OPT_UNTIL}, {"message", 0, true, OPT_MESSAGE}, {0}};
    struct cli_parser ps;
    cli_parser_init(&ps, cmd, argc, argv, opts);
    const char *what = NULL, *until_text = NULL, *message = NULL;
    for (int o; (o = cli_next(&ps)) != CLI_OPT_END;) {
        if (o == CLI_OPT_ERROR) return EXIT_USAGE;
        if (o == OPT_UNTIL) until_text = ps.value;
        else if (o == OPT_MESSAGE) message = ps.value;
        else if (!what) what = ps.value;
        else return cli_usage_error(cmd, "unexpected argument '%s'", ps.value);
    }
    if (!what || !(str_eq(what, "on") || str_eq(what, "off") || str_eq(what, "status")))
        return cli_usage_error(cmd, "say on, off or status");
    bool on = str_eq(what, "on");
    if (!on && (until_text || message)) return cli_usage_error(cmd, "--until and --message go with 'on'");
    int64_t until = 0;
    if (until_text && !planning_parse_time(until_text, NULL, &until))
        return cli_usage_error(cmd, "--until takes a date and time such as 2027-03-28T18:00:00Z, not '%s'", until_text);
    struct arena *a = arena_new(4096);
    int rc;
    if (str_eq(what, "status")) {
        rc = show_status(ctx, a);
    } else {
        struct problem p = {0};
        if (maintenance_read_only_set(ctx->db, a, on, until, message, 0, &p)) rc = cli_fail(cmd, "%s", p.message);
        else rc = show_status(ctx, a);
    }
    arena_free(a);
    return rc;
}
