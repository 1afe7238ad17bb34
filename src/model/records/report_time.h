/* Time buckets of a report's group by (report_time.c). */
#ifndef LECTERN_MODEL_RECORDS_REPORT_TIME_H
#define LECTERN_MODEL_RECORDS_REPORT_TIME_H

#include "../../core/core.h"

enum report_period { PERIOD_NONE, PERIOD_DAY, PERIOD_WEEK, PERIOD_MONTH, PERIOD_YEAR };
/* The SQL of the bucket of epoch-seconds expression x: the day number, the week number (weeks
 * from Monday), the month as YYYYMM, the year. */
const char *report_bucket_sql(struct arena *a, const char *x, enum report_period b);
/* A bucket's value in words: "2026-03-02" (a day, or a week's Monday), "2026-03", "2026". */
const char *report_bucket_label(struct arena *a, int64_t v, enum report_period b);
/* "day", "week", "month", "year"; false for anything else. */
bool report_bucket_parse(const char *name, enum report_period *out);

#endif
