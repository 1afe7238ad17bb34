/* The records domain's pages (web/records/): a person's training record with its JSON twin
 * and print view, external training entered and approved, and their API (docs/records.md).
 * Nothing of it is used by other web code but its routes. */
#ifndef LECTERN_WEB_RECORDS_H
#define LECTERN_WEB_RECORDS_H

#include "../web.h"

extern const struct web_domain web_records;

#endif
