/* The schedules domain's pages (web/schedules/): programmes for administrators, My plan for
 * learners, the team's plan for managers, and their API (docs/schedules.md). Nothing of it is
 * used by other web code but its routes. */
#ifndef LECTERN_WEB_SCHEDULES_H
#define LECTERN_WEB_SCHEDULES_H

#include "../web.h"

extern const struct web_domain web_schedules;

#endif
