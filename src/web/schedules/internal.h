/* What only the schedules domain's pages share: the handlers the route table names. */
#ifndef LECTERN_WEB_SCHEDULES_INTERNAL_H
#define LECTERN_WEB_SCHEDULES_INTERNAL_H

#include "schedules.h"
#include "../../model/schedules/schedules.h"


/* One set of an API body: {"courses": [CODE] or "A, B", "require": "all" | N, "after_previous"};
 * errors name list_name[i] ("sets[1]"). */
bool web_programme_set_from_json(struct request *req, json_t *j, const char *list_name, int i,
                                 struct programme_set_input *out, struct problem *p);
/* An API body's "certification" {valid_days | valid_until, renew_window_days, rhythm,
 * renewal_sets} into in (its renewal sets after in's sets); false with p set on bad input
 * (certification.c). */
bool web_certification_from_json(struct request *req, json_t *body, struct programme_input *in, struct problem *p);
/* The programme form's certification fields (valid_days, valid_until, renew_window_days, rhythm). */
void web_certification_from_form(struct request *req, struct programme_input *in);
/* The choices of the programme form's certification fields, into the page's model. */
void web_certification_choices(struct request *req, json_t *model);
/* A score in words ("87%") on each archived completion of a page's history. */
void web_history_labels(struct request *req, json_t *history);

/* The programme the path names ("code"); false with a 404 answered when there is none. */
bool web_find_programme(struct request *req, struct response *res, int64_t *id);
/* A rule's kind in words ("A manager's reporting line"). */
const char *web_rule_kind_label(struct request *req, const char *kind);

/* A confirm step before a change that affects people (rules.c): what it is, how many people,
 * what happens to them, and a button that sends the same request again with confirm=true. */
struct confirm_field {
    const char *name, *value;
};
struct programme_confirm {
    const char *heading_key, *consequence_key, *button_key;   /* translation keys */
    const char *what;             /* the thing changed, in words */
    int64_t affected;             /* how many people */
    const char *action;           /* where the button posts */
    const struct confirm_field *fields;   /* what the request sent, sent again */
    int n_fields;
};
void web_programme_confirm(struct request *req, struct response *res, const struct programme_confirm *c);

void h_programmes_list(struct request *req, struct response *res);
void h_programme_create(struct request *req, struct response *res);
void h_programme_show(struct request *req, struct response *res);
void h_programme_update(struct request *req, struct response *res);
void h_programme_set_add(struct request *req, struct response *res);
void h_programme_set_delete(struct request *req, struct response *res);
void h_programme_assign(struct request *req, struct response *res);
void h_programme_rule_confirm(struct request *req, struct response *res);
void h_programme_rule_delete(struct request *req, struct response *res);
void h_programme_assignments(struct request *req, struct response *res);
void h_programme_assignments_csv(struct request *req, struct response *res);
void h_programme_extend(struct request *req, struct response *res);
void h_programme_reminders_update(struct request *req, struct response *res);
void h_my_plan(struct request *req, struct response *res);
void h_schedule(struct request *req, struct response *res);
void h_schedule_csv(struct request *req, struct response *res);
void h_team_plan(struct request *req, struct response *res);

#endif
