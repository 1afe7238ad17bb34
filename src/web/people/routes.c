/* The people domain's routes: signing in and out, the signed-in user, accounts, sign-in
 * support (docs/support.md), the organisation, profile fields and bulk upload (docs/people.md). */
#include "internal.h"

#define PW ROUTE_PASSWORD_CHANGE

static const struct param_spec p_signin[] = {
    {"username", P_STR, PARAM_REQUIRED, 1, 200},
    {"password", P_SECRET, PARAM_REQUIRED, 1, PASSWORD_MAX_LEN},
    {"next", P_STR, 0, 0, 500},
    PARAMS_END,
};
static const struct param_spec p_password[] = {
    {"current_password", P_SECRET, PARAM_REQUIRED, 1, PASSWORD_MAX_LEN},
    {"new_password", P_SECRET, PARAM_REQUIRED, 1, PASSWORD_MAX_LEN},
    {"confirm_password", P_SECRET, 0, 0, PASSWORD_MAX_LEN},
    PARAMS_END,
};
/* One's own profile (profile.c). "roles" is declared only to be refused with a reason. */
static const struct param_spec p_profile[] = {
    {"first_name", P_STR, 0, 0, 100},
    {"last_name", P_STR, 0, 0, 100},
    {"email", P_EMAIL, 0, 3, 254},
    {"lang", P_STR, 0, 0, 20},
    {"timezone", P_STR, 0, 0, 64},
    {"roles", P_STR, 0, 0, 200},
    PARAMS_END,
};
static const struct param_spec p_users_list[] = {
    {"q", P_STR, 0, 0, 200},
    {"page", P_INT, 0, 1, 1000000},
    {"per_page", P_INT, 0, 1, 100},
    {"sort", P_STR, 0, 0, 40},
    {"dir", P_STR, 0, 0, 10},
    {"role", P_STR, 0, 0, 40},
    {"department", P_INT, 0, 0, 0},
    {"status", P_STR, 0, 0, 40},
    PARAMS_END,
};
static const struct param_spec p_user_show[] = {
    {"username", P_USERNAME, PARAM_REQUIRED, 1, 100},
    PARAMS_END,
};
/* Roles come as "roles" (JSON array or comma list) or, from the HTML form, one checkbox each. */
#define USER_FIELDS                                   \
    {"email", P_EMAIL, 0, 3, 254},                    \
    {"first_name", P_STR, 0, 0, 100},                 \
    {"last_name", P_STR, 0, 0, 100},                  \
    {"roles", P_STR, 0, 0, 200},                      \
    {"role_admin", P_BOOL, 0, 0, 0},                  \
    {"role_manager", P_BOOL, 0, 0, 0},                \
    {"role_instructor", P_BOOL, 0, 0, 0},             \
    {"role_learner", P_BOOL, 0, 0, 0}
static const struct param_spec p_user_create[] = {
    {"username", P_USERNAME, PARAM_REQUIRED, 1, 100},
    USER_FIELDS,
    {"password", P_SECRET, 0, 0, PASSWORD_MAX_LEN},
    PARAMS_END,
};
static const struct param_spec p_user_update[] = {
    {"username", P_USERNAME, PARAM_REQUIRED, 1, 100},
    USER_FIELDS,
    PARAMS_END,
};

/* Password and sign-in support (support.c, docs/support.md). */
static const struct param_spec p_forgot[] = {
    {"login", P_STR, PARAM_REQUIRED, 1, 254},
    PARAMS_END,
};
static const struct param_spec p_reset_page[] = {
    {"token", P_STR, 0, 0, 100},
    PARAMS_END,
};
static const struct param_spec p_reset[] = {
    {"token", P_STR, PARAM_REQUIRED, 1, 100},
    {"new_password", P_SECRET, PARAM_REQUIRED, 1, PASSWORD_MAX_LEN},
    {"confirm_password", P_SECRET, 0, 0, PASSWORD_MAX_LEN},
    PARAMS_END,
};
static const struct param_spec p_temporary_password[] = {
    {"username", P_USERNAME, PARAM_REQUIRED, 1, 100},
    {"password", P_SECRET, PARAM_REQUIRED, 1, PASSWORD_MAX_LEN},
    PARAMS_END,
};
static const struct param_spec p_signin_help[] = {
    {"contact_text", P_TEXT, 0, 0, SIGNIN_HELP_MAX},
    PARAMS_END,
};

/* People: organisation, profile fields, bulk upload (organisation.c, imports.c, docs/people.md). */
static const struct param_spec p_department[] = {
    {"id", P_INT, 0, 1, 0},
    {"name", P_STR, 0, 0, 200},
    {"idnumber", P_STR, 0, 0, 100},
    {"parent_id", P_INT, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_org_id[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    PARAMS_END,
};
static const struct param_spec p_job_role[] = {
    {"id", P_INT, 0, 1, 0},
    {"name", P_STR, 0, 0, 200},
    {"idnumber", P_STR, 0, 0, 100},
    PARAMS_END,
};
static const struct param_spec p_profile_field[] = {
    {"id", P_INT, 0, 1, 0},
    {"shortname", P_STR, 0, 0, 50},
    {"name", P_STR, 0, 0, 100},
    {"type", P_STR, 0, 0, 20},
    {"options", P_TEXT, 0, 0, 20000},
    {"required", P_BOOL, 0, 0, 0},
    {"sort_order", P_INT, 0, 0, 100000},
    PARAMS_END,
};
#define PROFILE_SLOT(n) {"pf" #n, P_TEXT, 0, 0, 1000}
static const struct param_spec p_user_org[] = {
    {"username", P_USERNAME, PARAM_REQUIRED, 1, 100},
    {"idnumber", P_STR, 0, 0, 100},
    {"institution", P_STR, 0, 0, 255},
    {"phone", P_STR, 0, 0, 50},
    {"city", P_STR, 0, 0, 120},
    {"country", P_STR, 0, 0, 10},
    {"lang", P_STR, 0, 0, 20},
    {"timezone", P_STR, 0, 0, 64},
    {"start_date", P_STR, 0, 0, 20},
    {"department_id", P_INT, 0, 0, 0},
    {"job_role_id", P_INT, 0, 0, 0},
    {"manager", P_STR, 0, 0, 100},
    {"profile_fields", P_STR, 0, 0, 2000},
    PROFILE_SLOT(1), PROFILE_SLOT(2), PROFILE_SLOT(3), PROFILE_SLOT(4), PROFILE_SLOT(5), PROFILE_SLOT(6),
    PROFILE_SLOT(7), PROFILE_SLOT(8), PROFILE_SLOT(9), PROFILE_SLOT(10), PROFILE_SLOT(11), PROFILE_SLOT(12),
    PROFILE_SLOT(13), PROFILE_SLOT(14), PROFILE_SLOT(15), PROFILE_SLOT(16), PROFILE_SLOT(17), PROFILE_SLOT(18),
    PROFILE_SLOT(19), PROFILE_SLOT(20), PROFILE_SLOT(21), PROFILE_SLOT(22), PROFILE_SLOT(23), PROFILE_SLOT(24),
    PARAMS_END,
};
/* The file's cap is the route's body cap (struct route in http.h): 64 MiB, not 4 MiB. */
static const struct param_spec p_import_upload[] = {
    {"file", P_FILE, 0, 0, IMPORT_FILE_MAX},
    {"mode", P_STR, 0, 0, 10},
    {"allow_renames", P_BOOL, 0, 0, 0},
    {"allow_suspend", P_BOOL, 0, 0, 0},
    {"allow_delete", P_BOOL, 0, 0, 0},
    {"force_password_change", P_BOOL, 0, 0, 0},
    {"weak_password_link", P_BOOL, 0, 0, 0},
    {"create_departments", P_BOOL, 0, 0, 0},
    {"username_template", P_STR, 0, 0, 100},
    PARAMS_END,
};
/* The preview page's options that change the outcome of rows (the others are chosen with the
 * file); the preview is then made again from the same file. */
static const struct param_spec p_import_options[] = {
    {"id", P_STR, PARAM_REQUIRED, 32, 32},
    {"weak_password_link", P_BOOL, 0, 0, 0},
    {"create_departments", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_import_show[] = {
    {"id", P_STR, PARAM_REQUIRED, 32, 32},
    {"page", P_INT, 0, 1, 1000000},
    {"per_page", P_INT, 0, 1, 10000},
    {"only", P_STR, 0, 0, 10},
    PARAMS_END,
};
static const struct param_spec p_import_commit[] = {
    {"id", P_STR, PARAM_REQUIRED, 32, 32},
    {"valid_only", P_BOOL, 0, 0, 0},
    PARAMS_END,
};

static const struct route routes[] = {
    /* signing in and out */
    {"GET", "/signin", h_signin_page, CAP_PUBLIC, p_signin + 2, 0},
    {"POST", "/signin", h_signin, CAP_PUBLIC, p_signin, ROUTE_CSRF_EXEMPT},
    {"POST", "/signout", h_signout, CAP_SIGNED_IN, NULL, PW},
    {"POST", "/api/v1/sessions", h_signin, CAP_PUBLIC, p_signin, ROUTE_CSRF_EXEMPT},
    {"DELETE", "/api/v1/sessions/current", h_signout, CAP_SIGNED_IN, NULL, PW},

    /* the signed-in user */
    {"GET", "/api/v1/me", h_me, CAP_SIGNED_IN, NULL, PW},
    {"GET", "/password", h_password_page, CAP_SIGNED_IN, NULL, PW},
    {"POST", "/password", h_password_change, CAP_SIGNED_IN, p_password, PW},
    {"POST", "/api/v1/me/password", h_password_change, CAP_SIGNED_IN, p_password, PW},
    {"GET", "/profile", h_profile_page, CAP_SIGNED_IN, NULL, 0},
    {"POST", "/profile", h_profile_update, CAP_SIGNED_IN, p_profile, 0},
    {"PATCH", "/api/v1/me", h_profile_update, CAP_SIGNED_IN, p_profile, 0},
    {"GET", "/api/v1/me/sessions", h_my_sessions, CAP_SIGNED_IN, NULL, 0},
    {"POST", "/profile/sessions/end-others", h_sessions_end_others, CAP_SIGNED_IN, NULL, 0},
    {"DELETE", "/api/v1/me/sessions/others", h_sessions_end_others, CAP_SIGNED_IN, NULL, 0},

    /* people */
    {"GET", "/admin/users", h_users_list, CAP_USERS_VIEW, p_users_list, 0},
    {"GET", "/api/v1/users", h_users_list, CAP_USERS_VIEW, p_users_list, 0},
    {"GET", "/admin/users/new", h_user_new_page, CAP_USERS_MANAGE, NULL, 0},
    {"POST", "/admin/users", h_user_create, CAP_USERS_MANAGE, p_user_create, 0},
    {"POST", "/api/v1/users", h_user_create, CAP_USERS_MANAGE, p_user_create, 0},
    {"GET", "/admin/users/{username:name}", h_user_show, CAP_USERS_VIEW, p_user_show, 0},
    {"GET", "/api/v1/users/{username:name}", h_user_show, CAP_USERS_VIEW, p_user_show, 0},
    {"POST", "/admin/users/{username:name}", h_user_update, CAP_USERS_MANAGE, p_user_update, 0},
    {"PATCH", "/api/v1/users/{username:name}", h_user_update, CAP_USERS_MANAGE, p_user_update, 0},
    {"POST", "/admin/users/{username:name}/suspend", h_user_suspend, CAP_USERS_MANAGE, p_user_show, 0},
    {"POST", "/api/v1/users/{username:name}/suspend", h_user_suspend, CAP_USERS_MANAGE, p_user_show, 0},
    {"POST", "/admin/users/{username:name}/reactivate", h_user_reactivate, CAP_USERS_MANAGE, p_user_show, 0},
    {"POST", "/api/v1/users/{username:name}/reactivate", h_user_reactivate, CAP_USERS_MANAGE, p_user_show, 0},
    {"POST", "/admin/users/{username:name}/unlock", h_user_unlock, CAP_USERS_MANAGE, p_user_show, 0},
    {"POST", "/api/v1/users/{username:name}/unlock", h_user_unlock, CAP_USERS_MANAGE, p_user_show, 0},
    {"POST", "/admin/users/{username:name}/reset-password", h_user_reset_password, CAP_USERS_MANAGE, p_user_show, 0},
    {"POST", "/api/v1/users/{username:name}/reset-password", h_user_reset_password, CAP_USERS_MANAGE, p_user_show, 0},

    /* password and sign-in support (support.c, docs/support.md) */
    {"GET", "/forgot-password", h_forgot_page, CAP_PUBLIC, NULL, 0},
    {"POST", "/forgot-password", h_forgot, CAP_PUBLIC, p_forgot, ROUTE_CSRF_EXEMPT},
    {"POST", "/api/v1/password-resets", h_forgot, CAP_PUBLIC, p_forgot, ROUTE_CSRF_EXEMPT},
    {"GET", "/reset-password", h_reset_page, CAP_PUBLIC, p_reset_page, 0},
    {"POST", "/reset-password", h_reset, CAP_PUBLIC, p_reset, ROUTE_CSRF_EXEMPT},
    {"POST", "/api/v1/password-resets/confirm", h_reset, CAP_PUBLIC, p_reset, ROUTE_CSRF_EXEMPT},
    {"GET", "/signin-help", h_signin_help, CAP_PUBLIC, NULL, 0},
    {"GET", "/api/v1/signin-help", h_signin_help, CAP_PUBLIC, NULL, 0},
    {"POST", "/admin/users/{username:name}/send-reset-link", h_user_send_reset_link, CAP_USERS_MANAGE, p_user_show, 0},
    {"POST", "/api/v1/users/{username:name}/send-reset-link", h_user_send_reset_link, CAP_USERS_MANAGE, p_user_show, 0},
    {"POST", "/admin/users/{username:name}/temporary-password", h_user_temporary_password, CAP_USERS_MANAGE, p_temporary_password, 0},
    {"POST", "/api/v1/users/{username:name}/temporary-password", h_user_temporary_password, CAP_USERS_MANAGE, p_temporary_password, 0},
    {"POST", "/admin/users/{username:name}/impersonate", h_user_impersonate, CAP_USERS_IMPERSONATE, p_user_show, 0},
    {"POST", "/api/v1/users/{username:name}/impersonate", h_user_impersonate, CAP_USERS_IMPERSONATE, p_user_show, 0},
    {"POST", "/impersonation/end", h_impersonation_end, CAP_SIGNED_IN, NULL, PW},
    {"DELETE", "/api/v1/impersonation", h_impersonation_end, CAP_SIGNED_IN, NULL, PW},
    {"GET", "/api/v1/impersonation", h_impersonation_show, CAP_SIGNED_IN, NULL, PW},
    {"POST", "/admin/settings/signin-help", h_signin_help_update, CAP_SETTINGS_MANAGE, p_signin_help, 0},
    {"PATCH", "/api/v1/settings/signin-help", h_signin_help_update, CAP_SETTINGS_MANAGE, p_signin_help, 0},

    /* people: organisation, profile fields, bulk upload (organisation.c, imports.c, docs/people.md) */
    {"GET", "/admin/departments", h_departments_list, CAP_USERS_MANAGE, NULL, 0},
    {"GET", "/api/v1/departments", h_departments_list, CAP_USERS_VIEW, NULL, 0},
    {"POST", "/admin/departments", h_department_create, CAP_USERS_MANAGE, p_department, 0},
    {"POST", "/api/v1/departments", h_department_create, CAP_USERS_MANAGE, p_department, 0},
    {"POST", "/admin/departments/{id:int}", h_department_update, CAP_USERS_MANAGE, p_department, 0},
    {"PATCH", "/api/v1/departments/{id:int}", h_department_update, CAP_USERS_MANAGE, p_department, 0},
    {"POST", "/admin/departments/{id:int}/delete", h_department_delete, CAP_USERS_MANAGE, p_org_id, 0},
    {"DELETE", "/api/v1/departments/{id:int}", h_department_delete, CAP_USERS_MANAGE, p_org_id, 0},
    {"GET", "/admin/job-roles", h_job_roles_list, CAP_USERS_MANAGE, NULL, 0},
    {"GET", "/api/v1/job-roles", h_job_roles_list, CAP_USERS_VIEW, NULL, 0},
    {"POST", "/admin/job-roles", h_job_role_create, CAP_USERS_MANAGE, p_job_role, 0},
    {"POST", "/api/v1/job-roles", h_job_role_create, CAP_USERS_MANAGE, p_job_role, 0},
    {"POST", "/admin/job-roles/{id:int}", h_job_role_update, CAP_USERS_MANAGE, p_job_role, 0},
    {"PATCH", "/api/v1/job-roles/{id:int}", h_job_role_update, CAP_USERS_MANAGE, p_job_role, 0},
    {"POST", "/admin/job-roles/{id:int}/delete", h_job_role_delete, CAP_USERS_MANAGE, p_org_id, 0},
    {"DELETE", "/api/v1/job-roles/{id:int}", h_job_role_delete, CAP_USERS_MANAGE, p_org_id, 0},
    {"GET", "/admin/profile-fields", h_profile_fields_list, CAP_USERS_MANAGE, NULL, 0},
    {"GET", "/api/v1/profile-fields", h_profile_fields_list, CAP_USERS_VIEW, NULL, 0},
    {"POST", "/admin/profile-fields", h_profile_field_create, CAP_USERS_MANAGE, p_profile_field, 0},
    {"POST", "/api/v1/profile-fields", h_profile_field_create, CAP_USERS_MANAGE, p_profile_field, 0},
    {"POST", "/admin/profile-fields/{id:int}", h_profile_field_update, CAP_USERS_MANAGE, p_profile_field, 0},
    {"PATCH", "/api/v1/profile-fields/{id:int}", h_profile_field_update, CAP_USERS_MANAGE, p_profile_field, 0},
    {"POST", "/admin/profile-fields/{id:int}/delete", h_profile_field_delete, CAP_USERS_MANAGE, p_org_id, 0},
    {"DELETE", "/api/v1/profile-fields/{id:int}", h_profile_field_delete, CAP_USERS_MANAGE, p_org_id, 0},
    {"POST", "/admin/users/{username:name}/profile", h_user_org_update, CAP_USERS_MANAGE, p_user_org, 0},
    {"PATCH", "/api/v1/users/{username:name}/profile", h_user_org_update, CAP_USERS_MANAGE, p_user_org, 0},
    {"GET", "/admin/user-imports", h_import_page, CAP_USERS_MANAGE, NULL, 0},
    {"POST", "/admin/user-imports", h_import_upload, CAP_USERS_MANAGE, p_import_upload, 0},
    {"POST", "/api/v1/user-imports", h_import_upload, CAP_USERS_MANAGE, p_import_upload, 0},
    {"GET", "/admin/user-imports/{id:str}", h_import_show, CAP_USERS_MANAGE, p_import_show, 0},
    {"GET", "/api/v1/user-imports/{id:str}", h_import_show, CAP_USERS_MANAGE, p_import_show, 0},
    {"POST", "/admin/user-imports/{id:str}/commit", h_import_commit, CAP_USERS_MANAGE, p_import_commit, 0},
    {"POST", "/admin/user-imports/{id:str}/options", h_import_options, CAP_USERS_MANAGE, p_import_options, 0},
    {"POST", "/api/v1/user-imports/{id:str}/options", h_import_options, CAP_USERS_MANAGE, p_import_options, 0},
    {"POST", "/api/v1/user-imports/{id:str}/commit", h_import_commit, CAP_USERS_MANAGE, p_import_commit, 0},
    {"GET", "/api/v1/user-export", h_user_export, CAP_USERS_MANAGE, NULL, 0},
};

const struct web_domain web_people = {
    .name = "people",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .init = web_people_init,
};
