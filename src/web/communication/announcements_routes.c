/* The announcements' routes (announcements.c): the archive and the form at /announcements,
 * one announcement with its seen counts, ending one, dismissing a banner; and the API
 * (docs/communication.md, docs/api.md). Who may announce to whom the model decides. */
#include "internal.h"

#define ANNOUNCEMENT_FIELDS                                                                                        \
    {"title", P_STR, 0, 0, ANNOUNCEMENT_TITLE_MAX}, {"body", P_TEXT, 0, 0, ANNOUNCEMENT_BODY_MAX},                 \
        {"course", P_STR, 0, 0, 100}, {"department_id", P_INT, 0, 0, 0}, {"job_role_id", P_INT, 0, 0, 0},          \
        {"role", P_STR, 0, 0, 100}, {"importance", P_STR, 0, 0, 20}, {"pinned", P_BOOL, 0, 0, 0},                  \
        {"email", P_BOOL, 0, 0, 0}, {"publish_at", P_STR, 0, 0, 40}, {"expire_at", P_STR, 0, 0, 40}
/* The form names its audience in a field; the API sends an object ({"site": true}), which the
 * handler reads from the JSON body itself. */
static const struct param_spec p_form[] = {
    ANNOUNCEMENT_FIELDS,
    {"audience", P_STR, 0, 0, 20},
    PARAMS_END,
};
static const struct param_spec p_api[] = {
    ANNOUNCEMENT_FIELDS,
    PARAMS_END,
};
#undef ANNOUNCEMENT_FIELDS
static const struct param_spec p_none[] = {
    PARAMS_END,
};
static const struct param_spec p_id[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    PARAMS_END,
};

static const struct param_spec p_dismiss[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"back", P_STR, 0, 0, 2000},
    PARAMS_END,
};

static const struct route routes[] = {
    {"GET", "/announcements", h_announcements, CAP_SIGNED_IN, p_none, 0},
    {"POST", "/announcements", h_announcement_create, CAP_ANNOUNCE, p_form, 0},
    {"GET", "/announcements/{id:int}", h_announcement_show, CAP_SIGNED_IN, p_id, 0},
    {"POST", "/announcements/{id:int}/expire", h_announcement_expire, CAP_ANNOUNCE, p_id, 0},
    {"POST", "/announcements/{id:int}/dismiss", h_announcement_dismiss, CAP_SIGNED_IN, p_dismiss, 0},
    {"POST", "/api/v1/announcements", h_announcement_create, CAP_ANNOUNCE, p_api, 0},
    {"GET", "/api/v1/announcements", h_announcements, CAP_SIGNED_IN, p_none, 0},
    {"GET", "/api/v1/announcements/{id:int}", h_announcement_show, CAP_SIGNED_IN, p_id, 0},
    {"DELETE", "/api/v1/announcements/{id:int}", h_announcement_expire, CAP_ANNOUNCE, p_id, 0},
    {"POST", "/api/v1/announcements/{id:int}/dismiss", h_announcement_dismiss, CAP_SIGNED_IN, p_dismiss, 0},
    {"GET", "/api/v1/me/announcements", h_my_announcements, CAP_SIGNED_IN, p_none, 0},
};

const struct web_domain web_announcements = {
    .name = "announcements",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .init = web_announcements_init,
    .warm = announcements_summary_warm,
};
