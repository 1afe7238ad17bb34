/* The courses domain's routes: the catalogue, course pages, categories, enrolment, content and
 * covers (course_pages.c, content.c, docs/courses.md). */
#include "internal.h"

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
/* The enrolments list (enrolment_list.c): filters, sort and page. */
static const struct param_spec p_enrolments[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"q", P_STR, 0, 0, 100},
    {"state", P_STR, 0, 0, 20},
    {"role", P_STR, 0, 0, 20},
    {"sort", P_STR, 0, 0, 40},
    {"dir", P_STR, 0, 0, 10},
    {"page", P_INT, 0, 1, 1000000},
    {"per_page", P_INT, 0, 1, 5000},
    PARAMS_END,
};
static const struct param_spec p_enrolments_bulk[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"users", P_STR, 0, 0, 20000},
    {"action", P_STR, PARAM_REQUIRED, 1, 20},
    {"due", P_STR, 0, 0, 10},
    {"confirm", P_BOOL, 0, 0, 0},
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
    {"section_id", P_INT, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_admin_courses[] = {
    {"q", P_STR, 0, 0, 200},
    {"status", P_STR, 0, 0, 20},
    {"kind", P_STR, 0, 0, 20},
    {"category_id", P_INT, 0, 0, 0},
    {"sort", P_STR, 0, 0, 20},
    {"dir", P_STR, 0, 0, 4},
    {"page", P_INT, 0, 1, 1000000},
    {"per_page", P_INT, 0, 1, 100},
    PARAMS_END,
};
/* The new-course form, filled in from a request to host a course. */
static const struct param_spec p_course_new[] = {
    {"title", P_STR, 0, 0, 255},
    {"kind", P_STR, 0, 0, 20},
    PARAMS_END,
};
static const struct param_spec p_enrol_upload[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"file", P_FILE, 0, 0, 4 * 1024 * 1024},
    {"data", P_TEXT, 0, 0, 4 * 1024 * 1024},
    {"commit", P_BOOL, 0, 0, 0},
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
/* Bulk actions from the users list (user_actions.c): users is a list of usernames (the form's
 * checkboxes, joined with commas, or a JSON array). */
static const struct param_spec p_user_actions[] = {
    {"users", P_STR, 0, 0, 20000},
    {"action", P_STR, PARAM_REQUIRED, 1, 40},
    {"course", P_STR, 0, 0, 100},
    {"confirm", P_BOOL, 0, 0, 0},
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

static const struct route routes[] = {
    /* courses: catalogue, course pages, categories, enrolments (course_pages.c, docs/courses.md) */
    {"GET", "/courses", h_courses_list, CAP_SIGNED_IN, p_courses, 0},
    {"GET", "/api/v1/courses", h_courses_list, CAP_SIGNED_IN, p_courses, 0},
    {"GET", "/admin/courses", h_admin_courses, CAP_COURSES_MANAGE, p_admin_courses, 0},
    {"GET", "/api/v1/admin/courses", h_admin_courses, CAP_COURSES_MANAGE, p_admin_courses, 0},
    {"GET", "/admin/courses/new", h_course_new_page, CAP_COURSES_MANAGE, p_course_new, 0},
    {"GET", "/admin/courses/import", h_course_import_page, CAP_COURSES_MANAGE, NULL, 0},
    {"POST", "/admin/courses/import", h_course_import, CAP_COURSES_MANAGE, p_course_import, 0},
    {"POST", "/api/v1/courses/import", h_course_import, CAP_COURSES_MANAGE, p_course_import, 0},
    {"POST", "/admin/courses", h_course_create, CAP_COURSES_MANAGE, p_course_create, 0},
    {"POST", "/api/v1/courses", h_course_create, CAP_COURSES_MANAGE, p_course_create, 0},
    {"GET", "/courses/{course:str}", h_course_show, CAP_SIGNED_IN, p_course, 0},
    {"GET", "/api/v1/courses/{course:str}", h_course_show, CAP_SIGNED_IN, p_course, 0},
    /* managing a course, a tab a page (manage.c); administrators and the course's instructors */
    {"GET", "/courses/{course:str}/manage", h_course_manage, CAP_COURSES_ENROL, p_course, 0},
    {"GET", "/api/v1/courses/{course:str}/manage", h_course_manage, CAP_COURSES_ENROL, p_course, 0},
    {"GET", "/courses/{course:str}/manage/content", h_course_manage_content, CAP_COURSES_ENROL, p_course, 0},
    {"GET", "/courses/{course:str}/manage/participants", h_course_manage_participants, CAP_COURSES_ENROL, p_course, 0},
    {"POST", "/courses/{course:str}/manage/participants/upload", h_course_enrol_upload, CAP_COURSES_ENROL,
     p_enrol_upload, 0},
    {"POST", "/api/v1/courses/{course:str}/enrolments/import", h_course_enrol_upload, CAP_COURSES_ENROL,
     p_enrol_upload, 0},
    {"GET", "/courses/{course:str}/manage/rules", h_course_manage_rules, CAP_COURSES_ENROL, p_course, 0},
    {"GET", "/courses/{course:str}/manage/settings", h_course_manage_settings, CAP_COURSES_ENROL, p_course, 0},
    {"POST", "/admin/courses/{course:str}", h_course_update, CAP_COURSES_MANAGE, p_course_update, 0},
    {"PATCH", "/api/v1/courses/{course:str}", h_course_update, CAP_COURSES_MANAGE, p_course_update, 0},
    {"POST", "/admin/courses/{course:str}/copy", h_course_copy, CAP_COURSES_MANAGE, p_course_copy, 0},
    {"POST", "/api/v1/courses/{course:str}/copy", h_course_copy, CAP_COURSES_MANAGE, p_course_copy, 0},
    {"POST", "/admin/courses/{course:str}/archive", h_course_archive, CAP_COURSES_MANAGE, p_course, 0},
    {"POST", "/api/v1/courses/{course:str}/archive", h_course_archive, CAP_COURSES_MANAGE, p_course, 0},
    {"POST", "/courses/{course:str}/policy", h_course_policy_ack, CAP_SIGNED_IN, p_course, 0},
    {"POST", "/api/v1/courses/{course:str}/policy/acknowledgements", h_course_policy_ack, CAP_SIGNED_IN, p_course, 0},
    {"GET", "/api/v1/courses/{course:str}/enrolments", h_enrolments_list, CAP_COURSES_ENROL, p_enrolments, 0},
    {"GET", "/courses/{course:str}/enrolments", h_enrolments_list, CAP_COURSES_ENROL, p_enrolments, 0},
    {"POST", "/courses/{course:str}/enrolments/bulk", h_enrolments_bulk, CAP_COURSES_ENROL, p_enrolments_bulk, 0},
    {"POST", "/api/v1/courses/{course:str}/enrolments/bulk", h_enrolments_bulk, CAP_COURSES_ENROL, p_enrolments_bulk, 0},
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
    {"PATCH", "/api/v1/courses/{course:str}/sections/{id:int}", h_section_update, CAP_COURSES_CONTENT, p_structure, 0},
    {"POST", "/admin/courses/{course:str}/sections/{id:int}", h_section_update, CAP_COURSES_CONTENT, p_structure, 0},
    {"DELETE", "/api/v1/courses/{course:str}/sections/{id:int}", h_section_delete, CAP_COURSES_CONTENT, p_structure, 0},
    {"POST", "/admin/courses/{course:str}/sections/{id:int}/delete", h_section_delete, CAP_COURSES_CONTENT, p_structure, 0},
    {"PATCH", "/api/v1/courses/{course:str}/activities/{id:int}", h_activity_update, CAP_COURSES_CONTENT, p_structure, 0},
    {"POST", "/admin/courses/{course:str}/activities/{id:int}", h_activity_update, CAP_COURSES_CONTENT, p_structure, 0},
    {"DELETE", "/api/v1/courses/{course:str}/activities/{id:int}", h_activity_delete, CAP_COURSES_CONTENT, p_structure, 0},
    {"POST", "/admin/courses/{course:str}/activities/{id:int}/delete", h_activity_delete, CAP_COURSES_CONTENT, p_structure, 0},
    {"GET", "/courses/{course:str}/cover", h_course_cover, CAP_SIGNED_IN, p_cover_get, 0},
    {"GET", "/api/v1/courses/{course:str}/cover", h_course_cover, CAP_SIGNED_IN, p_cover_get, 0},
    {"POST", "/admin/courses/{course:str}/cover", h_course_cover_set, CAP_COURSES_MANAGE, p_cover, 0},
    {"POST", "/api/v1/courses/{course:str}/cover", h_course_cover_set, CAP_COURSES_MANAGE, p_cover, 0},
    {"POST", "/admin/courses/{course:str}/cover/delete", h_course_cover_delete, CAP_COURSES_MANAGE, p_course, 0},
    {"DELETE", "/api/v1/courses/{course:str}/cover", h_course_cover_delete, CAP_COURSES_MANAGE, p_course, 0},
    {"GET", "/courses/{course:str}/enrol", h_course_candidates, CAP_COURSES_ENROL, p_candidates, 0},
    {"GET", "/api/v1/courses/{course:str}/candidates", h_course_candidates, CAP_COURSES_ENROL, p_candidates, 0},
    {"POST", "/admin/user-actions", h_user_actions, CAP_USERS_MANAGE, p_user_actions, 0},
    {"POST", "/api/v1/user-actions", h_user_actions, CAP_USERS_MANAGE, p_user_actions, 0},
    {"GET", "/enrolment-requests", h_enrol_requests, CAP_SIGNED_IN, p_enrol_requests, 0},
    {"GET", "/api/v1/enrolment-requests", h_enrol_requests, CAP_SIGNED_IN, p_enrol_requests, 0},
    {"POST", "/enrolment-requests/{id:int}", h_enrol_request_decide, CAP_SIGNED_IN, p_enrol_decide, 0},
    {"POST", "/api/v1/enrolment-requests/{id:int}", h_enrol_request_decide, CAP_SIGNED_IN, p_enrol_decide, 0},
    {"POST", "/courses/{course:str}/enrolments", h_course_enrol, CAP_COURSES_ENROL, p_enrol, 0},
    {"POST", "/api/v1/courses/{course:str}/enrolments", h_course_enrol, CAP_COURSES_ENROL, p_enrol, 0},
    {"POST", "/courses/{course:str}/enrolments/{username:name}/delete", h_course_unenrol, CAP_COURSES_ENROL, p_unenrol, 0},
    {"DELETE", "/api/v1/courses/{course:str}/enrolments/{username:name}", h_course_unenrol, CAP_COURSES_ENROL, p_unenrol, 0},
    {"POST", "/admin/courses/{course:str}/sections", h_section_create, CAP_COURSES_CONTENT, p_section, 0},
    {"POST", "/api/v1/courses/{course:str}/sections", h_section_create, CAP_COURSES_CONTENT, p_section, 0},
    {"POST", "/admin/courses/{course:str}/activities", h_activity_create, CAP_COURSES_CONTENT, p_activity_create, 0},
    {"POST", "/api/v1/courses/{course:str}/activities", h_activity_create, CAP_COURSES_CONTENT, p_activity_create, 0},
    {"GET", "/courses/{course:str}/activities/{id:int}", h_activity_show, CAP_SIGNED_IN, p_activity, 0},
    {"GET", "/api/v1/courses/{course:str}/activities/{id:int}", h_activity_show, CAP_SIGNED_IN, p_activity, 0},
    {"GET", "/courses/{course:str}/activities/{id:int}/go", h_activity_go, CAP_SIGNED_IN, p_activity, 0},
    {"POST", "/api/v1/courses/{course:str}/activities/{id:int}/follow", h_activity_go, CAP_SIGNED_IN, p_activity, 0},
    {"GET", "/courses/{course:str}/activities/{id:int}/file", h_activity_file, CAP_SIGNED_IN, p_activity, 0},
    {"GET", "/api/v1/courses/{course:str}/activities/{id:int}/file", h_activity_file, CAP_SIGNED_IN, p_activity, 0},
    {"POST", "/courses/{course:str}/activities/{id:int}/done", h_activity_done, CAP_SIGNED_IN, p_activity, 0},
    {"POST", "/api/v1/courses/{course:str}/activities/{id:int}/done", h_activity_done, CAP_SIGNED_IN, p_activity, 0},
    {"GET", "/admin/categories", h_categories_list, CAP_COURSES_MANAGE, NULL, 0},
    {"GET", "/api/v1/categories", h_categories_list, CAP_SIGNED_IN, NULL, 0},
    {"POST", "/admin/categories", h_category_create, CAP_COURSES_MANAGE, p_category, 0},
    {"POST", "/api/v1/categories", h_category_create, CAP_COURSES_MANAGE, p_category, 0},
    {"POST", "/admin/categories/{id:int}", h_category_update, CAP_COURSES_MANAGE, p_category, 0},
    {"PATCH", "/api/v1/categories/{id:int}", h_category_update, CAP_COURSES_MANAGE, p_category, 0},
};

const struct web_domain web_courses = {
    .name = "courses",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .init = web_courses_init,
};
