/* The people domain's pages (web/people/): signing in, the signed-in user, accounts, sign-in
 * support, the organisation and bulk upload. Other web code uses its routes and the tables of
 * sections a person's page and the users list take from domains above people. */
#ifndef LECTERN_WEB_PEOPLE_H
#define LECTERN_WEB_PEOPLE_H

#include "../web.h"

extern const struct web_domain web_people;

struct user;
/* A section a domain above people adds to a person's page (/admin/users/{username}) and its
 * JSON (courses: the person's training, for their manager and the administrators). It adds
 * its keys to model. Registered by the domain's init; called in registration order. */
typedef void (*web_user_section_fn)(struct request *req, json_t *model, const struct user *u);
void web_user_section_register(web_user_section_fn fn);
/* The same for the users list page (pages only; courses: the courses its bulk "enrol in a
 * course" offers). */
typedef void (*web_users_list_section_fn)(struct request *req, json_t *model);
void web_users_list_section_register(web_users_list_section_fn fn);

/* The organisation as a form's choices: "departments" [{id, path}] and "job_roles" [{id,
 * name}], added to model (a rule's form: a course's enrolment rules, a programme's
 * assignment). */
void web_org_choices(struct request *req, json_t *model);

#endif
