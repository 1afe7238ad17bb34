/* What only the records domain's files share. */
#ifndef LECTERN_MODEL_RECORDS_INTERNAL_H
#define LECTERN_MODEL_RECORDS_INTERNAL_H

#include "records.h"
#include "../internal.h"
#include "../people/people.h"
#include "../platform/platform.h"

/* A day as JSON: "2027-01-31" (the UTC day of t, a date's midnight), or null for 0. A date
 * has no time of day, so pages show it as it is in every zone. */
json_t *record_date_json(int64_t t);

#endif
