/* The home page's routes: the dashboard, as a page and as JSON. */
#include "internal.h"

static const struct route routes[] = {
    {"GET", "/", h_dashboard, CAP_SIGNED_IN, NULL, 0},
    {"GET", "/api/v1/dashboard", h_dashboard, CAP_SIGNED_IN, NULL, 0},
    {"GET", "/api/v1/me/dashboard", h_dashboard, CAP_SIGNED_IN, NULL, 0},
};

const struct web_domain web_home = {
    .name = "home",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
};
