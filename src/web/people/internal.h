/* What only the people domain's pages share: their handlers, for the route table (routes.c),
 * and the parts of the user page that come from support.c and organisation.c. */
#ifndef LECTERN_WEB_PEOPLE_INTERNAL_H
#define LECTERN_WEB_PEOPLE_INTERNAL_H

#include "people.h"
#include "../../model/people/people.h"

/* Plugs the people pages into the platform's: the settings page's "cannot sign in?" section. */
void web_people_init(void);

void h_signin_page(struct request *req, struct response *res);   /* sessions.c */
void h_signin(struct request *req, struct response *res);
void h_signout(struct request *req, struct response *res);
void h_me(struct request *req, struct response *res);   /* account.c */
void h_password_page(struct request *req, struct response *res);
void h_password_change(struct request *req, struct response *res);
void h_profile_page(struct request *req, struct response *res);   /* profile.c */
void h_profile_update(struct request *req, struct response *res);
void h_my_sessions(struct request *req, struct response *res);
void h_sessions_end_others(struct request *req, struct response *res);
void h_users_list(struct request *req, struct response *res);   /* users.c */
void h_user_new_page(struct request *req, struct response *res);
void h_user_create(struct request *req, struct response *res);
void h_user_show(struct request *req, struct response *res);
void h_user_update(struct request *req, struct response *res);
void h_user_suspend(struct request *req, struct response *res);
void h_user_reactivate(struct request *req, struct response *res);
void h_user_unlock(struct request *req, struct response *res);
void h_user_reset_password(struct request *req, struct response *res);

/* Password and sign-in support (support.c). */
void h_forgot_page(struct request *req, struct response *res);
void h_forgot(struct request *req, struct response *res);
void h_reset_page(struct request *req, struct response *res);
void h_reset(struct request *req, struct response *res);
void h_signin_help(struct request *req, struct response *res);
void h_user_send_reset_link(struct request *req, struct response *res);
void h_user_temporary_password(struct request *req, struct response *res);
void h_user_impersonate(struct request *req, struct response *res);
void h_impersonation_show(struct request *req, struct response *res);
void h_impersonation_end(struct request *req, struct response *res);
void h_signin_help_update(struct request *req, struct response *res);
/* The support part of the user page (links, "log in as"), for users.c. */
json_t *web_support_user_model(struct request *req, const struct user *u);

/* People: organisation, profile fields and bulk upload (organisation.c, imports.c; docs/people.md). */
void h_departments_list(struct request *req, struct response *res);
void h_department_create(struct request *req, struct response *res);
void h_department_update(struct request *req, struct response *res);
void h_department_delete(struct request *req, struct response *res);
void h_job_roles_list(struct request *req, struct response *res);
void h_job_role_create(struct request *req, struct response *res);
void h_job_role_update(struct request *req, struct response *res);
void h_job_role_delete(struct request *req, struct response *res);
void h_profile_fields_list(struct request *req, struct response *res);
void h_profile_field_create(struct request *req, struct response *res);
void h_profile_field_update(struct request *req, struct response *res);
void h_profile_field_delete(struct request *req, struct response *res);
void h_user_org_update(struct request *req, struct response *res);
/* Adds the user's custom profile values ("profile") to a user page's model, and for
 * administrators the organisation form's choices ("org"). */
void web_user_org_model(struct request *req, json_t *model, const struct user *u);
void h_import_page(struct request *req, struct response *res);
void h_import_upload(struct request *req, struct response *res);
void h_import_show(struct request *req, struct response *res);
void h_import_commit(struct request *req, struct response *res);
void h_import_options(struct request *req, struct response *res);
void h_user_export(struct request *req, struct response *res);

#endif
