/* The route table: every URL Lectern answers, with its handler, the capability the router
 * checks before calling it, and the parameters it accepts. Pages and their JSON twins share
 * handlers; the view picks HTML or JSON. */
#include "web.h"

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
static const struct param_spec p_list[] = {
    {"q", P_STR, 0, 0, 200},
    {"page", P_INT, 0, 1, 1000000},
    {"per_page", P_INT, 0, 1, 100},
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
static const struct param_spec p_settings[] = {
    {"site_name", P_STR, 0, 1, 100},
    {"primary_color", P_COLOR, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_logo[] = {
    {"logo", P_FILE, PARAM_REQUIRED, 1, 1024 * 1024},
    PARAMS_END,
};
static const struct param_spec p_audit[] = {
    {"limit", P_INT, 0, 1, 500},
    PARAMS_END,
};

#define PW ROUTE_PASSWORD_CHANGE

const struct route web_routes[] = {
    /* health and branding */
    {"GET", "/healthz", h_healthz, CAP_PUBLIC, NULL, 0},
    {"GET", "/branding/logo", h_logo, CAP_PUBLIC, NULL, 0},
    {"GET", "/branding/theme.css", h_theme_css, CAP_PUBLIC, NULL, 0},

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
    {"GET", "/", h_dashboard, CAP_SIGNED_IN, NULL, 0},
    {"GET", "/api/v1/dashboard", h_dashboard, CAP_SIGNED_IN, NULL, 0},

    /* people */
    {"GET", "/admin/users", h_users_list, CAP_USERS_VIEW, p_list, 0},
    {"GET", "/api/v1/users", h_users_list, CAP_USERS_VIEW, p_list, 0},
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

    /* site settings and branding */
    {"GET", "/admin/settings", h_settings_show, CAP_SETTINGS_MANAGE, NULL, 0},
    {"GET", "/api/v1/settings", h_settings_show, CAP_SETTINGS_MANAGE, NULL, 0},
    {"POST", "/admin/settings", h_settings_update, CAP_SETTINGS_MANAGE, p_settings, 0},
    {"PATCH", "/api/v1/settings", h_settings_update, CAP_SETTINGS_MANAGE, p_settings, 0},
    {"POST", "/admin/settings/logo", h_settings_logo, CAP_SETTINGS_MANAGE, p_logo, 0},
    {"POST", "/api/v1/settings/logo", h_settings_logo, CAP_SETTINGS_MANAGE, p_logo, 0},

    /* audit log */
    {"GET", "/admin/audit", h_audit_list, CAP_AUDIT_VIEW, p_audit, 0},
    {"GET", "/api/v1/audit", h_audit_list, CAP_AUDIT_VIEW, p_audit, 0},
};
const size_t web_n_routes = sizeof web_routes / sizeof web_routes[0];
