/* Time buckets for reports, as SQL arithmetic both engines compute alike: the UTC day, the
 * Monday-based week, the month and the year of an epoch-seconds expression (days to civil
 * dates as in Howard Hinnant's "days_from_civil" algorithms, in integer arithmetic for dates
 * from 1970). No engine's date functions, so a report groups the same on SQLite and
 * PostgreSQL. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "report_internal.h"
#include "report_time.h"

/* Replaces each '@' of pattern by arg. */
static const char *subst(struct arena *a, const char *pattern, const char *arg)
{
    const char *out = "";
    for (const char *q; (q = strchr(pattern, '@')); pattern = q + 1)
        out = arena_sprintf(a, "%s%.*s(%s)", out, (int)(q - pattern), pattern, arg);
    return arena_sprintf(a, "%s%s", out, pattern);
}

const char *report_bucket_sql(struct arena *a, const char *x, enum report_period b)
{
    const char *day = arena_sprintf(a, "(%s) / 86400", x);
    if (b == PERIOD_DAY) return day;
    if (b == PERIOD_WEEK) return arena_sprintf(a, "((%s) + 3) / 7", day);
    const char *z = arena_sprintf(a, "%s + 719468", day);
    const char *doe = subst(a, "@ - (@ / 146097) * 146097", z);
    const char *yoe = subst(a, "(@ - @ / 1460 + @ / 36524 - @ / 146096) / 365", doe);
    const char *doy = arena_sprintf(a, "(%s) - (365 * (%s) + (%s) / 4 - (%s) / 100)", doe, yoe, yoe, yoe);
    const char *mp = subst(a, "(5 * @ + 2) / 153", doy);
    const char *month = subst(a, "CASE WHEN @ < 10 THEN @ + 3 ELSE @ - 9 END", mp);
    const char *year = arena_sprintf(a, "(%s) + ((%s) / 146097) * 400 + CASE WHEN (%s) <= 2 THEN 1 ELSE 0 END", yoe,
                                     z, month);
    if (b == PERIOD_YEAR) return year;
    return arena_sprintf(a, "(%s) * 100 + (%s)", year, month);
}

const char *report_bucket_label(struct arena *a, int64_t v, enum report_period b)
{
    if (b == PERIOD_YEAR) return arena_sprintf(a, "%lld", (long long)v);
    if (b == PERIOD_MONTH) return arena_sprintf(a, "%04lld-%02lld", (long long)(v / 100), (long long)(v % 100));
    int64_t day = b == PERIOD_WEEK ? v * 7 - 3 : v;
    char iso[21];
    time_iso8601(day * 86400, iso);
    iso[10] = '\0';
    return arena_strdup(a, iso);
}

bool report_bucket_parse(const char *name, enum report_period *out)
{
    static const char *const names[] = {"day", "week", "month", "year"};
    for (int i = 0; i < 4; i++)
        if (str_eq(name, names[i])) {
            *out = (enum report_period)(i + 1);
            return true;
        }
    return false;
}
