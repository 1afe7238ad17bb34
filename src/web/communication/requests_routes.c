/* The requests' routes (requests.c): instructors and managers file requests and follow them at
 * /requests; administrators work the queue there and change a request's state
 * (docs/communication.md, docs/api.md). */
#include "internal.h"

static const struct param_spec p_list[] = {
    {"state", P_STR, 0, 0, 20},
    PARAMS_END,
};
static const struct param_spec p_new[] = {
    {"kind", P_STR, 0, 0, 20},
    PARAMS_END,
};
static const struct param_spec p_create[] = {
    {"kind", P_STR, 0, 0, 20},
    {"needed_by", P_STR, 0, 0, 20},
    {"title", P_STR, 0, 0, 255},
    {"course_kind", P_STR, 0, 0, 20},
    {"course", P_STR, 0, 0, 100},
    {"usernames", P_TEXT, 0, 0, 64 * 1024},
    {"file", P_FILE, 0, 0, 64 * 1024},
    {"due_date", P_STR, 0, 0, 20},
    {"wanted_dates", P_TEXT, 0, 0, REQUEST_TEXT_MAX},
    {"seats", P_INT, 0, 0, 100000},
    {"notes", P_TEXT, 0, 0, REQUEST_TEXT_MAX},
    PARAMS_END,
};
static const struct param_spec p_id[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    PARAMS_END,
};
static const struct param_spec p_state[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"state", P_STR, 0, 0, 20},
    {"reason", P_TEXT, 0, 0, REQUEST_TEXT_MAX},
    PARAMS_END,
};

static const struct route routes[] = {
    {"GET", "/requests", h_requests, CAP_REQUESTS_FILE, p_list, 0},
    {"GET", "/requests/new", h_request_new, CAP_REQUESTS_FILE, p_new, 0},
    {"POST", "/requests", h_request_create, CAP_REQUESTS_FILE, p_create, 0},
    {"GET", "/requests/{id:int}", h_request_show, CAP_REQUESTS_FILE, p_id, 0},
    {"POST", "/requests/{id:int}/state", h_request_state, CAP_REQUESTS_WORK, p_state, 0},
    {"GET", "/api/v1/requests", h_requests, CAP_REQUESTS_FILE, p_list, 0},
    {"POST", "/api/v1/requests", h_request_create, CAP_REQUESTS_FILE, p_create, 0},
    {"GET", "/api/v1/requests/{id:int}", h_request_show, CAP_REQUESTS_FILE, p_id, 0},
    {"POST", "/api/v1/requests/{id:int}/state", h_request_state, CAP_REQUESTS_WORK, p_state, 0},
};

const struct web_domain web_requests = {
    .name = "requests",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .warm = admin_requests_summary_warm,
};
