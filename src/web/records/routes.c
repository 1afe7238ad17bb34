/* The records domain's routes: the training record (record.c) and external training
 * (external.c), certificates and their verification (certificate.c); docs/records.md. Who may read a record and decide an entry the model says:
 * the person, their managers up the line and administrators. */
#include "internal.h"

static const struct param_spec p_person[] = {
    {"username", P_USERNAME, PARAM_REQUIRED, 1, 100},
    PARAMS_END,
};
static const struct param_spec p_none[] = {
    PARAMS_END,
};
static const struct param_spec p_external[] = {
    {"username", P_USERNAME, PARAM_REQUIRED, 1, 100},
    {"title", P_STR, 0, 0, EXTERNAL_TITLE_MAX},
    {"provider", P_STR, 0, 0, EXTERNAL_PROVIDER_MAX},
    {"date", P_STR, 0, 0, 20},
    {"hours", P_STR, 0, 0, 20},
    {"evidence", P_FILE, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_decide[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"reason", P_TEXT, 0, 0, EXTERNAL_REASON_MAX},
    {"back", P_STR, 0, 0, 20},
    PARAMS_END,
};
static const struct param_spec p_team[] = {
    {"scope", P_STR, 0, 0, 10},
    {"page", P_INT, 0, 1, 100000},
    PARAMS_END,
};
#define REPORT_FIELDS                                                                                       \
    {"ready", P_STR, 0, 0, 60}, {"source", P_STR, 0, 0, 40}, {"columns", P_STR, 0, 0, 2000},                 \
        {"group_by", P_STR, 0, 0, 200}, {"aggregates", P_STR, 0, 0, 200}, {"department", P_INT, 0, 0, 0},   \
        {"job_role", P_INT, 0, 0, 0}, {"manager", P_STR, 0, 0, 100}, {"course", P_STR, 0, 0, 100},           \
        {"category", P_INT, 0, 0, 0}, {"status", P_STR, 0, 0, 40}, {"username", P_STR, 0, 0, 100},          \
        {"range", P_STR, 0, 0, 40}, {"from", P_STR, 0, 0, 20}, {"to", P_STR, 0, 0, 20},                     \
        {"sort", P_STR, 0, 0, 60}, {"page", P_INT, 0, 1, 1000000}, {"per_page", P_INT, 0, 1, REPORT_PER_PAGE_MAX}
static const struct param_spec p_builder[] = {
    REPORT_FIELDS,
    PARAMS_END,
};
static const struct param_spec p_export[] = {
    REPORT_FIELDS,
    {"id", P_STR, 0, 0, 60},
    {"format", P_STR, 0, 0, 10},
    {"bom", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
#undef REPORT_FIELDS
static const struct param_spec p_run[] = {
    {"source", P_STR, 0, 0, 40},
    PARAMS_END,
};
static const struct param_spec p_id[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    PARAMS_END,
};
static const struct param_spec p_course[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    PARAMS_END,
};
static const struct param_spec p_template[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"layout", P_STR, 0, 0, 20},
    {"title", P_TEXT, 0, 0, CERT_TITLE_MAX * 4},
    {"body", P_TEXT, 0, 0, CERT_BODY_MAX * 4},
    {"valid_days", P_STR, 0, 0, 20},
    {"remove_logo", P_STR, 0, 0, 1},
    {"logo", P_FILE, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_programme[] = {
    {"code", P_STR, PARAM_REQUIRED, 1, 100},
    PARAMS_END,
};
static const struct param_spec p_programme_template[] = {
    {"code", P_STR, PARAM_REQUIRED, 1, 100},
    {"layout", P_STR, 0, 0, 20},
    {"title", P_TEXT, 0, 0, CERT_TITLE_MAX * 4},
    {"body", P_TEXT, 0, 0, CERT_BODY_MAX * 4},
    {"valid_days", P_STR, 0, 0, 20},
    {"remove_logo", P_STR, 0, 0, 1},
    {"logo", P_FILE, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_code[] = {
    {"code", P_STR, PARAM_REQUIRED, 1, 64},
    PARAMS_END,
};
static const struct param_spec p_cert_change[] = {
    {"code", P_STR, PARAM_REQUIRED, 1, 64},
    {"reason", P_TEXT, 0, 0, 4000},
    {"back", P_STR, 0, 0, 20},
    PARAMS_END,
};

static const struct route routes[] = {
    {"GET", "/record", h_my_record, CAP_SIGNED_IN, p_none, 0},
    {"GET", "/users/{username:name}/record", h_record, CAP_SIGNED_IN, p_person, 0},
    {"POST", "/users/{username:name}/record/external", h_external_add, CAP_SIGNED_IN, p_external, 0},
    {"GET", "/team", h_team, CAP_SIGNED_IN, p_team, 0},
    {"GET", "/external-training", h_external_pending, CAP_SIGNED_IN, p_none, 0},
    {"POST", "/external-training/{id:int}/approve", h_external_approve, CAP_SIGNED_IN, p_decide, 0},
    {"POST", "/external-training/{id:int}/decline", h_external_decline, CAP_SIGNED_IN, p_decide, 0},
    {"GET", "/external-training/{id:int}/evidence", h_external_evidence, CAP_SIGNED_IN, p_id, 0},
    {"GET", "/reports", h_reports, CAP_REPORTS_VIEW, p_none, 0},
    {"GET", "/reports/builder", h_report_builder, CAP_REPORTS_VIEW, p_builder, 0},
    {"GET", "/reports/export", h_report_export, CAP_REPORTS_VIEW, p_export, 0},
    {"GET", "/api/v1/reports", h_reports, CAP_REPORTS_VIEW, p_none, 0},
    {"GET", "/api/v1/reports/sources", h_report_sources, CAP_REPORTS_VIEW, p_none, 0},
    {"POST", "/api/v1/reports/run", h_report_run, CAP_REPORTS_VIEW, p_run, 0},
    {"GET", "/api/v1/reports/{id:str}/export", h_report_export, CAP_REPORTS_VIEW, p_export, 0},
    {"GET", "/courses/{course:str}/certificate", h_cert_template_page, CAP_COURSES_MANAGE, p_course, 0},
    {"POST", "/courses/{course:str}/certificate", h_cert_template_save, CAP_COURSES_MANAGE, p_template, 0},
    {"POST", "/courses/{course:str}/certificate/delete", h_cert_template_delete, CAP_COURSES_MANAGE, p_course, 0},
    {"GET", "/courses/{course:str}/certificate/preview", h_cert_template_preview, CAP_COURSES_MANAGE, p_course, 0},
    {"GET", "/admin/programmes/{code:str}/certificate", h_cert_programme_page, CAP_PROGRAMMES_MANAGE, p_programme, 0},
    {"POST", "/admin/programmes/{code:str}/certificate", h_cert_programme_save, CAP_PROGRAMMES_MANAGE,
     p_programme_template, 0},
    {"POST", "/admin/programmes/{code:str}/certificate/delete", h_cert_programme_delete, CAP_PROGRAMMES_MANAGE,
     p_programme, 0},
    {"GET", "/admin/programmes/{code:str}/certificate/preview", h_cert_programme_preview, CAP_PROGRAMMES_MANAGE,
     p_programme, 0},
    {"GET", "/certificates/{code:str}/pdf", h_cert_pdf, CAP_SIGNED_IN, p_code, 0},
    {"POST", "/certificates/{code:str}/revoke", h_cert_revoke, CAP_COURSES_MANAGE, p_cert_change, 0},
    {"POST", "/certificates/{code:str}/reissue", h_cert_reissue, CAP_COURSES_MANAGE, p_cert_change, 0},
    {"GET", "/verify/{code:str}", h_verify, CAP_PUBLIC, p_code, 0},
    {"GET", "/api/v1/me/record", h_my_record, CAP_SIGNED_IN, p_none, 0},
    {"GET", "/api/v1/users/{username:name}/record", h_record, CAP_SIGNED_IN, p_person, 0},
    {"POST", "/api/v1/users/{username:name}/record/external", h_external_add, CAP_SIGNED_IN, p_external, 0},
    {"GET", "/api/v1/me/team", h_team, CAP_SIGNED_IN, p_team, 0},
    {"GET", "/api/v1/external-training", h_external_pending, CAP_SIGNED_IN, p_none, 0},
    {"POST", "/api/v1/external-training/{id:int}/approve", h_external_approve, CAP_SIGNED_IN, p_decide, 0},
    {"POST", "/api/v1/external-training/{id:int}/decline", h_external_decline, CAP_SIGNED_IN, p_decide, 0},
    {"GET", "/api/v1/courses/{course:str}/certificate", h_cert_template_page, CAP_COURSES_MANAGE, p_course, 0},
    {"PUT", "/api/v1/courses/{course:str}/certificate", h_cert_template_save, CAP_COURSES_MANAGE, p_template, 0},
    {"DELETE", "/api/v1/courses/{course:str}/certificate", h_cert_template_delete, CAP_COURSES_MANAGE, p_course, 0},
    {"GET", "/api/v1/courses/{course:str}/certificate/preview", h_cert_template_preview, CAP_COURSES_MANAGE, p_course,
     0},
    {"GET", "/api/v1/programmes/{code:str}/certificate", h_cert_programme_page, CAP_PROGRAMMES_MANAGE, p_programme, 0},
    {"PUT", "/api/v1/programmes/{code:str}/certificate", h_cert_programme_save, CAP_PROGRAMMES_MANAGE,
     p_programme_template, 0},
    {"DELETE", "/api/v1/programmes/{code:str}/certificate", h_cert_programme_delete, CAP_PROGRAMMES_MANAGE,
     p_programme, 0},
    {"GET", "/api/v1/programmes/{code:str}/certificate/preview", h_cert_programme_preview, CAP_PROGRAMMES_MANAGE,
     p_programme, 0},
    {"GET", "/api/v1/certificates/{code:str}/pdf", h_cert_pdf, CAP_SIGNED_IN, p_code, 0},
    {"POST", "/api/v1/certificates/{code:str}/revoke", h_cert_revoke, CAP_COURSES_MANAGE, p_cert_change, 0},
    {"POST", "/api/v1/certificates/{code:str}/reissue", h_cert_reissue, CAP_COURSES_MANAGE, p_cert_change, 0},
    {"GET", "/api/v1/verify/{code:str}", h_verify, CAP_PUBLIC, p_code, 0},
};

const struct web_domain web_records = {
    .name = "records",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
};
