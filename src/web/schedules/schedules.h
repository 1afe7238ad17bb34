/* The schedules domain's pages (web/schedules/): programmes for administrators, My plan for
 * learners, the team's plan for managers, and their API (docs/schedules.md). The training
 * record (web/records/) shows a person's plan with the words below. */
#ifndef LECTERN_WEB_SCHEDULES_H
#define LECTERN_WEB_SCHEDULES_H

#include "../web.h"

extern const struct web_domain web_schedules;
/* Adds "state_label" (the state in words) and "step" (the progress bar's width class) to each
 * assignment of list, for a page. */
void web_assignment_labels(struct request *req, json_t *list);

#endif
