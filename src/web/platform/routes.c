/* The platform's routes (docs/architecture.md): health, branding and site settings, the audit
 * log, /metrics, the mail settings and the outbox. */
#include "internal.h"

static const struct param_spec p_settings[] = {
    {"site_name", P_STR, 0, 1, 100},
    {"primary_color", P_COLOR, 0, 0, 0},
    {"timezone", P_STR, 0, 1, 64},
    PARAMS_END,
};
static const struct param_spec p_logo[] = {
    {"logo", P_FILE, PARAM_REQUIRED, 1, 1024 * 1024},
    PARAMS_END,
};
static const struct param_spec p_audit[] = {
    {"limit", P_INT, 0, 1, 500},
    {"actor", P_STR, 0, 0, 100},
    {"action", P_STR, 0, 0, 100},
    {"target", P_STR, 0, 0, 200},
    {"from", P_STR, 0, 0, 10},
    {"to", P_STR, 0, 0, 10},
    {"before", P_INT, 0, 1, 0},
    {"after", P_INT, 0, 1, 0},
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

static const struct param_spec p_message[] = {
    {"name", P_STR, PARAM_REQUIRED, 1, MAIL_TEMPLATE_MAX},
    {"body", P_TEXT, 0, 0, MAIL_TEMPLATE_TEXT_MAX},
    {"line", P_STR, 0, 0, NOTIFICATION_LINE_MAX},
    {"preview", P_BOOL, 0, 0, 0},
    PARAMS_END,
};

static const struct route routes[] = {
    /* health and branding */
    {"GET", "/healthz", h_healthz, CAP_PUBLIC, NULL, 0},
    {"GET", "/branding/logo", h_logo, CAP_PUBLIC, NULL, 0},
    {"GET", "/branding/theme.css", h_theme_css, CAP_PUBLIC, NULL, 0},

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

    /* mail settings, the outbox and a test message (mail.c, docs/support.md) */
    {"GET", "/api/v1/settings/mail", h_mail_settings_show, CAP_SETTINGS_MANAGE, NULL, 0},
    {"POST", "/admin/settings/mail", h_mail_settings_update, CAP_SETTINGS_MANAGE, p_mail_settings, 0},
    {"PATCH", "/api/v1/settings/mail", h_mail_settings_update, CAP_SETTINGS_MANAGE, p_mail_settings, 0},
    {"GET", "/admin/mail", h_outbox_list, CAP_SETTINGS_MANAGE, p_outbox, 0},
    {"GET", "/api/v1/mail/outbox", h_outbox_list, CAP_SETTINGS_MANAGE, p_outbox, 0},
    {"POST", "/admin/mail/{id:int}/retry", h_outbox_retry, CAP_SETTINGS_MANAGE, p_outbox_retry, 0},
    {"POST", "/api/v1/mail/outbox/{id:int}/retry", h_outbox_retry, CAP_SETTINGS_MANAGE, p_outbox_retry, 0},
    /* messages administrators rewrite (messages.c, docs/support.md) */
    {"GET", "/admin/messages", h_messages_list, CAP_SETTINGS_MANAGE, NULL, 0},
    {"GET", "/admin/messages/{name:str}", h_message_show, CAP_SETTINGS_MANAGE, p_message, 0},
    {"POST", "/admin/messages/{name:str}", h_message_save, CAP_SETTINGS_MANAGE, p_message, 0},
    {"POST", "/admin/messages/{name:str}/reset", h_message_reset, CAP_SETTINGS_MANAGE, p_message, 0},
    {"POST", "/admin/mail/test", h_mail_test, CAP_SETTINGS_MANAGE, p_mail_test, 0},
    {"POST", "/api/v1/mail/test", h_mail_test, CAP_SETTINGS_MANAGE, p_mail_test, 0},
};

const struct web_domain web_platform = {
    .name = "platform",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
};
