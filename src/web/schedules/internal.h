/* What only the schedules domain's pages share: the handlers the route table names. */
#ifndef LECTERN_WEB_SCHEDULES_INTERNAL_H
#define LECTERN_WEB_SCHEDULES_INTERNAL_H

#include "schedules.h"
#include "../../model/schedules/schedules.h"

/* Adds "state_label" (the state in words) to each assignment of list, for a page. */
void web_assignment_labels(struct request *req, json_t *list);

void h_programmes_list(struct request *req, struct response *res);
void h_programme_create(struct request *req, struct response *res);
void h_programme_show(struct request *req, struct response *res);
void h_programme_update(struct request *req, struct response *res);
void h_programme_set_add(struct request *req, struct response *res);
void h_programme_set_delete(struct request *req, struct response *res);
void h_programme_assign(struct request *req, struct response *res);
void h_programme_assignments(struct request *req, struct response *res);
void h_programme_assignments_csv(struct request *req, struct response *res);
void h_programme_extend(struct request *req, struct response *res);
void h_programme_reminders_update(struct request *req, struct response *res);
void h_my_plan(struct request *req, struct response *res);
void h_team_plan(struct request *req, struct response *res);

#endif
