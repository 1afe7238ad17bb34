/* Maintenance's routes (docs/communication.md): the administrators' page and API, read-only
 * mode, and the public status endpoint for monitoring. */
#include "maintenance.h"
#include "../platform/platform.h"

/* The settings page says whether the site reads only and leads to the maintenance page. */
static void settings_section(struct request *req, json_t *model)
{
    struct maintenance_state s;
    web_maintenance_load(req, &s);
    json_object_set_new(model, "maintenance_settings", json_pack("{s:b}", "read_only", s.read_only));
}

static void maintenance_init(void)
{
    web_settings_section_register(settings_section);
}

static const struct param_spec p_window[] = {
    {"starts_at", P_STR, 0, 0, 40},
    {"ends_at", P_STR, 0, 0, 40},
    {"message", P_TEXT, 0, 0, MAINTENANCE_TEXT_MAX},
    {"affected", P_TEXT, 0, 0, MAINTENANCE_TEXT_MAX},
    {"read_only", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_id[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    PARAMS_END,
};
static const struct param_spec p_read_only[] = {
    {"on", P_BOOL, 0, 0, 0},
    {"until", P_STR, 0, 0, 40},
    {"message", P_TEXT, 0, 0, MAINTENANCE_TEXT_MAX},
    PARAMS_END,
};
static const struct param_spec p_lead[] = {
    {"lead_hours", P_INT, PARAM_REQUIRED, 0, 720},
    PARAMS_END,
};
static const struct param_spec p_none[] = {
    PARAMS_END,
};

static const struct route routes[] = {
    {"GET", "/admin/maintenance", h_maintenance_page, CAP_SETTINGS_MANAGE, p_window, 0},
    {"POST", "/admin/maintenance", h_maintenance_create, CAP_SETTINGS_MANAGE, p_window, 0},
    {"POST", "/admin/maintenance/read-only", h_maintenance_read_only, CAP_SETTINGS_MANAGE, p_read_only, 0},
    {"POST", "/admin/maintenance/lead-time", h_maintenance_lead_time, CAP_SETTINGS_MANAGE, p_lead, 0},
    {"GET", "/admin/maintenance/{id:int}", h_maintenance_show, CAP_SETTINGS_MANAGE, p_id, 0},
    {"POST", "/admin/maintenance/{id:int}/delete", h_maintenance_delete, CAP_SETTINGS_MANAGE, p_id, 0},
    {"GET", "/api/v1/maintenance", h_maintenance_page, CAP_SETTINGS_MANAGE, p_window, 0},
    {"POST", "/api/v1/maintenance", h_maintenance_create, CAP_SETTINGS_MANAGE, p_window, 0},
    {"POST", "/api/v1/maintenance/read-only", h_maintenance_read_only, CAP_SETTINGS_MANAGE, p_read_only, 0},
    {"GET", "/api/v1/maintenance/{id:int}", h_maintenance_show, CAP_SETTINGS_MANAGE, p_id, 0},
    {"DELETE", "/api/v1/maintenance/{id:int}", h_maintenance_delete, CAP_SETTINGS_MANAGE, p_id, 0},
    {"GET", "/api/v1/status", h_status, CAP_PUBLIC, p_none, 0},
};

const struct web_domain web_maintenance = {
    .name = "maintenance",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .init = maintenance_init,
};
