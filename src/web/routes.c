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
static const struct param_spec p_mail_settings[] = {
    {"smtp_host", P_STR, 0, 0, 253},
    {"smtp_port", P_INT, 0, 1, 65535},
    {"smtp_tls", P_STR, 0, 0, 10},
    {"smtp_username", P_STR, 0, 0, 200},
    {"smtp_password", P_SECRET, 0, 0, 500},
    {"clear_password", P_BOOL, 0, 0, 0},
    {"from_address", P_STR, 0, 0, 254},
    {"from_name", P_STR, 0, 0, 100},
    {"site_url", P_STR, 0, 0, 300},
    PARAMS_END,
};
static const struct param_spec p_signin_help[] = {
    {"contact_text", P_TEXT, 0, 0, SIGNIN_HELP_MAX},
    PARAMS_END,
};
static const struct param_spec p_outbox[] = {
    {"state", P_STR, 0, 0, 10},
    {"page", P_INT, 0, 1, 1000000},
    {"per_page", P_INT, 0, 1, 100},
    PARAMS_END,
};
static const struct param_spec p_outbox_retry[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    PARAMS_END,
};
static const struct param_spec p_mail_test[] = {
    {"to", P_EMAIL, PARAM_REQUIRED, 3, 254},
    PARAMS_END,
};

/* People: organisation, profile fields, bulk upload (people.c, imports.c, docs/people.md). */
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
    {"username_template", P_STR, 0, 0, 100},
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

#define PW ROUTE_PASSWORD_CHANGE

/* Courses (courses.c, docs/courses.md). */
static const struct param_spec p_courses[] = {
    {"q", P_STR, 0, 0, 200},
    {"kind", P_STR, 0, 0, 20},
    {"tag", P_STR, 0, 0, 50},
    {"category_id", P_INT, 0, 0, 0},
    {"all", P_BOOL, 0, 0, 0},
    {"page", P_INT, 0, 1, 1000000},
    {"per_page", P_INT, 0, 1, 100},
    PARAMS_END,
};
static const struct param_spec p_course[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    PARAMS_END,
};
#define COURSE_FIELDS                                  \
    {"code", P_STR, 0, 0, 100},                        \
    {"title", P_STR, 0, 0, 255},                       \
    {"summary", P_TEXT, 0, 0, 20000},                  \
    {"kind", P_STR, 0, 0, 20},                         \
    {"status", P_STR, 0, 0, 20},                       \
    {"category_id", P_INT, 0, 0, 0},                   \
    {"visible", P_BOOL, 0, 0, 0},                      \
    {"self_enrol", P_BOOL, 0, 0, 0},                   \
    {"self_enrol_approval", P_BOOL, 0, 0, 0},          \
    {"start_date", P_STR, 0, 0, 10},                   \
    {"end_date", P_STR, 0, 0, 10},                     \
    {"duration_minutes", P_INT, 0, 0, 100000},         \
    {"policy", P_TEXT, 0, 0, 20000},                   \
    {"tags", P_STR, 0, 0, 2000}
static const struct param_spec p_course_create[] = {
    COURSE_FIELDS,
    PARAMS_END,
};
static const struct param_spec p_course_update[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    COURSE_FIELDS,
    PARAMS_END,
};
static const struct param_spec p_course_copy[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"new_code", P_STR, PARAM_REQUIRED, 1, 100},
    {"title", P_STR, 0, 0, 255},
    PARAMS_END,
};
static const struct param_spec p_enrol[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"username", P_USERNAME, 0, 0, 100},
    {"usernames", P_TEXT, 0, 0, 100000},
    {"pick", P_STR, 0, 0, 100000},
    {"role", P_STR, 0, 0, 20},
    {"due", P_STR, 0, 0, 10},
    PARAMS_END,
};
static const struct param_spec p_unenrol[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"username", P_USERNAME, PARAM_REQUIRED, 1, 100},
    PARAMS_END,
};
static const struct param_spec p_learners[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"q", P_STR, 0, 0, 100},
    {"state", P_STR, 0, 0, 20},
    PARAMS_END,
};
static const struct param_spec p_rule[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, 0, 1, 0},
    {"kind", P_STR, 0, 0, 20},
    {"department_id", P_INT, 0, 0, 0},
    {"job_role_id", P_INT, 0, 0, 0},
    {"due_days", P_INT, 0, 0, 3650},
    PARAMS_END,
};
static const struct param_spec p_structure[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"title", P_STR, 0, 0, 255},
    {"move", P_STR, 0, 0, 10},
    PARAMS_END,
};
static const struct param_spec p_cover[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"alt", P_STR, 0, 0, 1000},
    {"file", P_FILE, 0, 0, 6 * 1024 * 1024},
    PARAMS_END,
};
static const struct param_spec p_cover_get[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"v", P_STR, 0, 0, 64},
    PARAMS_END,
};
static const struct param_spec p_course_import[] = {
    {"file", P_FILE, 0, 0, 16 * 1024 * 1024},
    {"data", P_TEXT, 0, 0, 16 * 1024 * 1024},
    {"commit", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_candidates[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"q", P_STR, 0, 0, 100},
    {"page", P_INT, 0, 1, 1000000},
    {"per_page", P_INT, 0, 1, 100},
    PARAMS_END,
};
static const struct param_spec p_enrol_requests[] = {
    {"status", P_STR, 0, 0, 20},
    {"course", P_STR, 0, 0, 100},
    PARAMS_END,
};
static const struct param_spec p_enrol_decide[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"decision", P_STR, PARAM_REQUIRED, 1, 20},
    {"reason", P_STR, 0, 0, 500},
    PARAMS_END,
};
static const struct param_spec p_section[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"title", P_STR, PARAM_REQUIRED, 1, 255},
    PARAMS_END,
};
static const struct param_spec p_activity_create[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"section_id", P_INT, PARAM_REQUIRED, 1, 0},
    {"kind", P_STR, PARAM_REQUIRED, 1, 20},
    {"title", P_STR, 0, 0, 255},
    {"body", P_TEXT, 0, 0, 200000},
    {"url", P_STR, 0, 0, 2000},
    {"required", P_BOOL, 0, 0, 0},
    {"allow_mark_done", P_BOOL, 0, 0, 0},
    {"file", P_FILE, 0, 0, 64 * 1024 * 1024},
    PARAMS_END,
};
static const struct param_spec p_activity[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    PARAMS_END,
};
static const struct param_spec p_category[] = {
    {"id", P_INT, 0, 1, 0},
    {"name", P_STR, 0, 0, 200},
    {"parent_id", P_INT, 0, 0, 0},
    PARAMS_END,
};

/* Assessments (questions.c, quizzes.c, docs/assessments.md). A question's body is read whole
 * with req_json (its "answers" are objects), so only flat members are declared here. */
static const struct param_spec p_questions_list[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"category_id", P_INT, 0, 0, 0},
    {"q", P_STR, 0, 0, 200},
    {"page", P_INT, 0, 1, 1000000},
    {"per_page", P_INT, 0, 1, 100},
    PARAMS_END,
};
static const struct param_spec p_question[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, 0, 1, 0},
    {"shared", P_BOOL, 0, 0, 0},
    {"gift", P_TEXT, 0, 0, 200000},
    PARAMS_END,
};
static const struct param_spec p_questions_import[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"file", P_FILE, 0, 0, 8 * 1024 * 1024},
    {"data", P_TEXT, 0, 0, 4 * 1024 * 1024},
    {"dry_run", P_BOOL, 0, 0, 0},
    {"skip_bad", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_quiz[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    PARAMS_END,
};
static const struct param_spec p_quiz_settings[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"question_ids", P_STR, 0, 0, 20000},
    {"points", P_STR, 0, 0, 20000},
    {"random_category_id", P_INT, 0, 0, 0},
    {"random_count", P_INT, 0, 0, 1000},
    {"shuffle_questions", P_BOOL, 0, 0, 0},
    {"shuffle_answers", P_BOOL, 0, 0, 0},
    {"open_at", P_STR, 0, 0, 40},
    {"close_at", P_STR, 0, 0, 40},
    {"time_limit_seconds", P_INT, 0, 0, 31 * 24 * 3600},
    {"time_limit_minutes", P_INT, 0, 0, 31 * 24 * 60},
    {"attempts_allowed", P_INT, 0, 0, 1000},
    {"grading_method", P_STR, 0, 0, 20},
    {"pass_percent", P_STR, 0, 0, 20},
    {"per_page", P_INT, 0, 0, 1000},
    {"review_answers", P_STR, 0, 0, 20},
    {"review_correct", P_STR, 0, 0, 20},
    {"review_feedback", P_STR, 0, 0, 20},
    {"complete_on", P_STR, 0, 0, 20},
    PARAMS_END,
};
/* The attempt page's form (no JavaScript): q<slot> and t<slot> (essays); see quizzes.c. */
#define QF(n) {"q" #n, P_STR, 0, 0, 2000}, {"t" #n, P_TEXT, 0, 0, 100000}
static const struct param_spec p_attempt[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"page", P_INT, 0, 0, 100000},
    {"from_page", P_INT, 0, 0, 100000},
    QF(1), QF(2), QF(3), QF(4), QF(5), QF(6),
    QF(7), QF(8), QF(9), QF(10), QF(11), QF(12),
    QF(13), QF(14), QF(15), QF(16), QF(17), QF(18),
    QF(19), QF(20), QF(21), QF(22), QF(23), QF(24),
    QF(25), QF(26), QF(27), QF(28), QF(29), QF(30),
    QF(31), QF(32), QF(33), QF(34), QF(35), QF(36),
    QF(37), QF(38), QF(39), QF(40), QF(41), QF(42),
    QF(43), QF(44), QF(45), QF(46), QF(47), QF(48),
    QF(49), QF(50), QF(51), QF(52), QF(53), QF(54),
    QF(55), QF(56), QF(57), QF(58), QF(59), QF(60),
    PARAMS_END,
};
#undef QF
static const struct param_spec p_attempt_grade[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"slot", P_INT, PARAM_REQUIRED, 1, 100000},
    {"fraction", P_STR, 0, 0, 32},
    {"mark", P_STR, 0, 0, 32},
    {"comment", P_TEXT, 0, 0, 20000},
    PARAMS_END,
};
static const struct param_spec p_quiz_override[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"username", P_USERNAME, 0, 0, 100},
    {"extra_seconds", P_INT, 0, 0, 31 * 24 * 3600},
    {"extra_minutes", P_INT, 0, 0, 31 * 24 * 60},
    {"extra_attempts", P_INT, 0, 0, 1000},
    PARAMS_END,
};

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

    /* monitoring: Prometheus text format (docs/bench.md) */
    {"GET", "/metrics", h_metrics, CAP_METRICS_VIEW, NULL, ROUTE_MACHINE},
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
    {"GET", "/api/v1/settings/mail", h_mail_settings_show, CAP_SETTINGS_MANAGE, NULL, 0},
    {"POST", "/admin/settings/mail", h_mail_settings_update, CAP_SETTINGS_MANAGE, p_mail_settings, 0},
    {"PATCH", "/api/v1/settings/mail", h_mail_settings_update, CAP_SETTINGS_MANAGE, p_mail_settings, 0},
    {"POST", "/admin/settings/signin-help", h_signin_help_update, CAP_SETTINGS_MANAGE, p_signin_help, 0},
    {"PATCH", "/api/v1/settings/signin-help", h_signin_help_update, CAP_SETTINGS_MANAGE, p_signin_help, 0},
    {"GET", "/admin/mail", h_outbox_list, CAP_SETTINGS_MANAGE, p_outbox, 0},
    {"GET", "/api/v1/mail/outbox", h_outbox_list, CAP_SETTINGS_MANAGE, p_outbox, 0},
    {"POST", "/admin/mail/{id:int}/retry", h_outbox_retry, CAP_SETTINGS_MANAGE, p_outbox_retry, 0},
    {"POST", "/api/v1/mail/outbox/{id:int}/retry", h_outbox_retry, CAP_SETTINGS_MANAGE, p_outbox_retry, 0},
    {"POST", "/admin/mail/test", h_mail_test, CAP_SETTINGS_MANAGE, p_mail_test, 0},
    {"POST", "/api/v1/mail/test", h_mail_test, CAP_SETTINGS_MANAGE, p_mail_test, 0},

    /* people: organisation, profile fields, bulk upload (people.c, imports.c, docs/people.md) */
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
    {"POST", "/api/v1/user-imports/{id:str}/commit", h_import_commit, CAP_USERS_MANAGE, p_import_commit, 0},
    {"GET", "/api/v1/user-export", h_user_export, CAP_USERS_MANAGE, NULL, 0},

    /* courses: catalogue, course pages, categories, enrolments (courses.c, docs/courses.md) */
    {"GET", "/courses", h_courses_list, CAP_SIGNED_IN, p_courses, 0},
    {"GET", "/api/v1/courses", h_courses_list, CAP_SIGNED_IN, p_courses, 0},
    {"GET", "/admin/courses/new", h_course_new_page, CAP_COURSES_MANAGE, NULL, 0},
    {"GET", "/admin/courses/import", h_course_import_page, CAP_COURSES_MANAGE, NULL, 0},
    {"POST", "/admin/courses/import", h_course_import, CAP_COURSES_MANAGE, p_course_import, 0},
    {"POST", "/api/v1/courses/import", h_course_import, CAP_COURSES_MANAGE, p_course_import, 0},
    {"POST", "/admin/courses", h_course_create, CAP_COURSES_MANAGE, p_course_create, 0},
    {"POST", "/api/v1/courses", h_course_create, CAP_COURSES_MANAGE, p_course_create, 0},
    {"GET", "/courses/{course:str}", h_course_show, CAP_SIGNED_IN, p_course, 0},
    {"GET", "/api/v1/courses/{course:str}", h_course_show, CAP_SIGNED_IN, p_course, 0},
    {"POST", "/admin/courses/{course:str}", h_course_update, CAP_COURSES_MANAGE, p_course_update, 0},
    {"PATCH", "/api/v1/courses/{course:str}", h_course_update, CAP_COURSES_MANAGE, p_course_update, 0},
    {"POST", "/admin/courses/{course:str}/copy", h_course_copy, CAP_COURSES_MANAGE, p_course_copy, 0},
    {"POST", "/api/v1/courses/{course:str}/copy", h_course_copy, CAP_COURSES_MANAGE, p_course_copy, 0},
    {"POST", "/admin/courses/{course:str}/archive", h_course_archive, CAP_COURSES_MANAGE, p_course, 0},
    {"POST", "/api/v1/courses/{course:str}/archive", h_course_archive, CAP_COURSES_MANAGE, p_course, 0},
    {"POST", "/courses/{course:str}/policy", h_course_policy_ack, CAP_SIGNED_IN, p_course, 0},
    {"POST", "/api/v1/courses/{course:str}/policy/acknowledgements", h_course_policy_ack, CAP_SIGNED_IN, p_course, 0},
    {"GET", "/api/v1/courses/{course:str}/enrolments", h_course_enrolments, CAP_COURSES_ENROL, p_learners, 0},
    {"GET", "/api/v1/courses/{course:str}/enrolments.csv", h_course_learners_csv, CAP_COURSES_ENROL, p_learners, 0},
    {"GET", "/courses/{course:str}/enrolments.csv", h_course_learners_csv, CAP_COURSES_ENROL, p_learners, 0},
    {"GET", "/api/v1/courses/{course:str}/rules", h_course_rules, CAP_COURSES_MANAGE, p_course, 0},
    {"POST", "/api/v1/courses/{course:str}/rules", h_course_rule_create, CAP_COURSES_MANAGE, p_rule, 0},
    {"POST", "/admin/courses/{course:str}/rules", h_course_rule_create, CAP_COURSES_MANAGE, p_rule, 0},
    {"DELETE", "/api/v1/courses/{course:str}/rules/{id:int}", h_course_rule_delete, CAP_COURSES_MANAGE, p_rule, 0},
    {"POST", "/admin/courses/{course:str}/rules/{id:int}/delete", h_course_rule_delete, CAP_COURSES_MANAGE, p_rule, 0},
    {"POST", "/api/v1/enrolment-rules/sync", h_enrol_rules_sync, CAP_COURSES_MANAGE, NULL, 0},
    {"POST", "/courses/{course:str}/self-enrolment", h_course_enrol_self, CAP_SIGNED_IN, p_course, 0},
    {"POST", "/api/v1/courses/{course:str}/self-enrolment", h_course_enrol_self, CAP_SIGNED_IN, p_course, 0},
    {"PATCH", "/api/v1/courses/{course:str}/sections/{id:int}", h_section_update, CAP_COURSES_MANAGE, p_structure, 0},
    {"POST", "/admin/courses/{course:str}/sections/{id:int}", h_section_update, CAP_COURSES_MANAGE, p_structure, 0},
    {"DELETE", "/api/v1/courses/{course:str}/sections/{id:int}", h_section_delete, CAP_COURSES_MANAGE, p_structure, 0},
    {"POST", "/admin/courses/{course:str}/sections/{id:int}/delete", h_section_delete, CAP_COURSES_MANAGE, p_structure, 0},
    {"PATCH", "/api/v1/courses/{course:str}/activities/{id:int}", h_activity_update, CAP_COURSES_MANAGE, p_structure, 0},
    {"POST", "/admin/courses/{course:str}/activities/{id:int}", h_activity_update, CAP_COURSES_MANAGE, p_structure, 0},
    {"DELETE", "/api/v1/courses/{course:str}/activities/{id:int}", h_activity_delete, CAP_COURSES_MANAGE, p_structure, 0},
    {"POST", "/admin/courses/{course:str}/activities/{id:int}/delete", h_activity_delete, CAP_COURSES_MANAGE, p_structure, 0},
    {"GET", "/courses/{course:str}/cover", h_course_cover, CAP_SIGNED_IN, p_cover_get, 0},
    {"GET", "/api/v1/courses/{course:str}/cover", h_course_cover, CAP_SIGNED_IN, p_cover_get, 0},
    {"POST", "/admin/courses/{course:str}/cover", h_course_cover_set, CAP_COURSES_MANAGE, p_cover, 0},
    {"POST", "/api/v1/courses/{course:str}/cover", h_course_cover_set, CAP_COURSES_MANAGE, p_cover, 0},
    {"POST", "/admin/courses/{course:str}/cover/delete", h_course_cover_delete, CAP_COURSES_MANAGE, p_course, 0},
    {"DELETE", "/api/v1/courses/{course:str}/cover", h_course_cover_delete, CAP_COURSES_MANAGE, p_course, 0},
    {"GET", "/courses/{course:str}/enrol", h_course_candidates, CAP_COURSES_ENROL, p_candidates, 0},
    {"GET", "/api/v1/courses/{course:str}/candidates", h_course_candidates, CAP_COURSES_ENROL, p_candidates, 0},
    {"GET", "/enrolment-requests", h_enrol_requests, CAP_SIGNED_IN, p_enrol_requests, 0},
    {"GET", "/api/v1/enrolment-requests", h_enrol_requests, CAP_SIGNED_IN, p_enrol_requests, 0},
    {"POST", "/enrolment-requests/{id:int}", h_enrol_request_decide, CAP_SIGNED_IN, p_enrol_decide, 0},
    {"POST", "/api/v1/enrolment-requests/{id:int}", h_enrol_request_decide, CAP_SIGNED_IN, p_enrol_decide, 0},
    {"POST", "/courses/{course:str}/enrolments", h_course_enrol, CAP_COURSES_ENROL, p_enrol, 0},
    {"POST", "/api/v1/courses/{course:str}/enrolments", h_course_enrol, CAP_COURSES_ENROL, p_enrol, 0},
    {"POST", "/courses/{course:str}/enrolments/{username:name}/delete", h_course_unenrol, CAP_COURSES_ENROL, p_unenrol, 0},
    {"DELETE", "/api/v1/courses/{course:str}/enrolments/{username:name}", h_course_unenrol, CAP_COURSES_ENROL, p_unenrol, 0},
    {"POST", "/admin/courses/{course:str}/sections", h_section_create, CAP_COURSES_MANAGE, p_section, 0},
    {"POST", "/api/v1/courses/{course:str}/sections", h_section_create, CAP_COURSES_MANAGE, p_section, 0},
    {"POST", "/admin/courses/{course:str}/activities", h_activity_create, CAP_COURSES_MANAGE, p_activity_create, 0},
    {"POST", "/api/v1/courses/{course:str}/activities", h_activity_create, CAP_COURSES_MANAGE, p_activity_create, 0},
    {"GET", "/courses/{course:str}/activities/{id:int}", h_activity_show, CAP_SIGNED_IN, p_activity, 0},
    {"GET", "/api/v1/courses/{course:str}/activities/{id:int}", h_activity_show, CAP_SIGNED_IN, p_activity, 0},
    {"GET", "/courses/{course:str}/activities/{id:int}/go", h_activity_go, CAP_SIGNED_IN, p_activity, 0},
    {"POST", "/api/v1/courses/{course:str}/activities/{id:int}/follow", h_activity_go, CAP_SIGNED_IN, p_activity, 0},
    {"GET", "/courses/{course:str}/activities/{id:int}/file", h_activity_file, CAP_SIGNED_IN, p_activity, 0},
    {"GET", "/api/v1/courses/{course:str}/activities/{id:int}/file", h_activity_file, CAP_SIGNED_IN, p_activity, 0},
    {"POST", "/courses/{course:str}/activities/{id:int}/done", h_activity_done, CAP_SIGNED_IN, p_activity, 0},
    {"POST", "/api/v1/courses/{course:str}/activities/{id:int}/done", h_activity_done, CAP_SIGNED_IN, p_activity, 0},
    {"GET", "/api/v1/me/dashboard", h_dashboard, CAP_SIGNED_IN, NULL, 0},
    {"GET", "/admin/categories", h_categories_list, CAP_COURSES_MANAGE, NULL, 0},
    {"GET", "/api/v1/categories", h_categories_list, CAP_SIGNED_IN, NULL, 0},
    {"POST", "/admin/categories", h_category_create, CAP_COURSES_MANAGE, p_category, 0},
    {"POST", "/api/v1/categories", h_category_create, CAP_COURSES_MANAGE, p_category, 0},
    {"POST", "/admin/categories/{id:int}", h_category_update, CAP_COURSES_MANAGE, p_category, 0},
    {"PATCH", "/api/v1/categories/{id:int}", h_category_update, CAP_COURSES_MANAGE, p_category, 0},

    /* assessments: question bank (questions.c), quizzes and attempts (quizzes.c) */
#define QM CAP_QUIZZES_MANAGE
    {"GET", "/courses/{course:str}/questions", h_questions_list, QM, p_questions_list, 0},
    {"GET", "/api/v1/courses/{course:str}/questions", h_questions_list, QM, p_questions_list, 0},
    {"POST", "/courses/{course:str}/questions", h_question_create, QM, p_question, 0},
    {"POST", "/api/v1/courses/{course:str}/questions", h_question_create, QM, p_question, 0},
    {"GET", "/courses/{course:str}/questions/new", h_question_new_page, QM, p_question, 0},
    {"GET", "/courses/{course:str}/questions/import", h_questions_import_page, QM, p_question, 0},
    {"POST", "/courses/{course:str}/questions/import", h_questions_import, QM, p_questions_import, 0},
    {"POST", "/api/v1/courses/{course:str}/questions/import", h_questions_import, QM, p_questions_import, 0},
    {"GET", "/courses/{course:str}/questions/export", h_questions_export, QM, p_question, 0},
    {"GET", "/api/v1/courses/{course:str}/questions/export", h_questions_export, QM, p_question, 0},
    {"GET", "/courses/{course:str}/questions/{id:int}", h_question_show, QM, p_question, 0},
    {"GET", "/api/v1/courses/{course:str}/questions/{id:int}", h_question_show, QM, p_question, 0},
    {"POST", "/courses/{course:str}/questions/{id:int}", h_question_update, QM, p_question, 0},
    {"PUT", "/api/v1/courses/{course:str}/questions/{id:int}", h_question_update, QM, p_question, 0},
    {"POST", "/courses/{course:str}/questions/{id:int}/delete", h_question_delete, QM, p_question, 0},
    {"DELETE", "/api/v1/courses/{course:str}/questions/{id:int}", h_question_delete, QM, p_question, 0},
    {"GET", "/api/v1/courses/{course:str}/question-categories", h_question_categories, QM, p_question, 0},
    {"GET", "/courses/{course:str}/quizzes/{id:int}", h_quiz_show, CAP_SIGNED_IN, p_quiz, 0},
    {"GET", "/api/v1/courses/{course:str}/quizzes/{id:int}", h_quiz_show, CAP_SIGNED_IN, p_quiz, 0},
    {"GET", "/courses/{course:str}/quizzes/{id:int}/settings", h_quiz_settings_page, QM, p_quiz, 0},
    {"POST", "/courses/{course:str}/quizzes/{id:int}/settings", h_quiz_settings, QM, p_quiz_settings, 0},
    {"PUT", "/api/v1/courses/{course:str}/quizzes/{id:int}", h_quiz_settings, QM, p_quiz_settings, 0},
    {"POST", "/courses/{course:str}/quizzes/{id:int}/attempts", h_attempt_start, CAP_SIGNED_IN, p_quiz, 0},
    {"POST", "/api/v1/courses/{course:str}/quizzes/{id:int}/attempts", h_attempt_start, CAP_SIGNED_IN, p_quiz, 0},
    {"GET", "/courses/{course:str}/quizzes/{id:int}/results", h_quiz_results, QM, p_quiz, 0},
    {"GET", "/api/v1/courses/{course:str}/quizzes/{id:int}/results", h_quiz_results, QM, p_quiz, 0},
    {"GET", "/courses/{course:str}/quizzes/{id:int}/results.csv", h_quiz_results_csv, QM, p_quiz, 0},
    {"GET", "/api/v1/courses/{course:str}/quizzes/{id:int}/results.csv", h_quiz_results_csv, QM, p_quiz, 0},
    {"POST", "/courses/{course:str}/quizzes/{id:int}/overrides", h_quiz_override, QM, p_quiz_override, 0},
    {"PUT", "/api/v1/courses/{course:str}/quizzes/{id:int}/overrides/{username:name}", h_quiz_override, QM,
     p_quiz_override, 0},
    {"GET", "/courses/{course:str}/grading", h_grading_queue, QM, p_course, 0},
    {"GET", "/api/v1/courses/{course:str}/grading", h_grading_queue, QM, p_course, 0},
    {"GET", "/attempts/{id:int}", h_attempt_show, CAP_SIGNED_IN, p_attempt, 0},
    {"GET", "/api/v1/attempts/{id:int}", h_attempt_show, CAP_SIGNED_IN, p_attempt, 0},
    {"POST", "/attempts/{id:int}/answers", h_attempt_save, CAP_SIGNED_IN, p_attempt, 0},
    {"PUT", "/api/v1/attempts/{id:int}/answers", h_attempt_save, CAP_SIGNED_IN, p_attempt, 0},
    {"POST", "/attempts/{id:int}/submit", h_attempt_submit, CAP_SIGNED_IN, p_attempt, 0},
    {"POST", "/api/v1/attempts/{id:int}/submit", h_attempt_submit, CAP_SIGNED_IN, p_attempt, 0},
    {"POST", "/attempts/{id:int}/slots/{slot:int}/grade", h_attempt_grade, QM, p_attempt_grade, 0},
    {"POST", "/api/v1/attempts/{id:int}/slots/{slot:int}/grade", h_attempt_grade, QM, p_attempt_grade, 0},
#undef QM
};
const size_t web_n_routes = sizeof web_routes / sizeof web_routes[0];
