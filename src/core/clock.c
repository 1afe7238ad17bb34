/* The test clock (docs/schedules.md, "Time in tests"): in a build made with LECTERN_TEST_CLOCK
 * (build/test/lectern and the unit tests, never build/lectern), time_now() adds an offset kept in
 * the file DATA_DIR/test-clock, so `lectern clock set|advance` moves a running server's "now"
 * forward for expiry and renewals. The file is read at most once a second. A release build has
 * none of this: the file is ignored and the command does not exist. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core.h"

#ifdef LECTERN_TEST_CLOCK

static char clock_path[4096];
static _Atomic int64_t clock_offset_s, clock_read_at;

void time_clock_use(const char *data_dir)
{
    snprintf(clock_path, sizeof clock_path, "%s/test-clock", data_dir ? data_dir : ".");
    atomic_store(&clock_read_at, 0);
}

/* The offset in the file; 0 when there is none or it holds no number. */
static int64_t clock_file_offset(void)
{
    FILE *f = fopen(clock_path, "r");
    if (!f) return 0;
    long long v = 0;
    if (fscanf(f, "%lld", &v) != 1) v = 0;
    fclose(f);
    return (int64_t)v;
}

int64_t time_clock_offset(void)
{
    if (!clock_path[0]) return 0;
    int64_t real = (int64_t)time(NULL), last = atomic_load(&clock_read_at);
    if (real != last && atomic_compare_exchange_strong(&clock_read_at, &last, real))
        atomic_store(&clock_offset_s, clock_file_offset());
    return atomic_load(&clock_offset_s);
}

lerr time_clock_write(const char *data_dir, int64_t offset, struct problem *p)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/test-clock", data_dir);
    snprintf(tmp, sizeof tmp, "%s.new", path);
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "%lld\n", (long long)offset) < 0 || fclose(f) != 0 || rename(tmp, path) != 0)
        return problem_set(p, LE_IO, "data", "cannot write the test clock '%s': %s", path, strerror(errno));
    time_clock_use(data_dir);
    return LE_OK;
}

#else

void time_clock_use(const char *data_dir)
{
    (void)data_dir;
}

int64_t time_clock_offset(void)
{
    return 0;
}

#endif
