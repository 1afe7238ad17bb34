/* The notification centre's routes (notifications.c, notification_preferences.c,
 * notification_bell.c): the list at /notifications, marking read, the person's choices per
 * type, and their API (docs/notifications.md, docs/api.md). Everyone signed in has their own;
 * nobody reads another's. */
#include "internal.h"

static const struct param_spec p_list[] = {
    {"before", P_INT, 0, 1, 0},
    {"limit", P_INT, 0, 1, NOTIFICATIONS_PAGE_MAX},
    PARAMS_END,
};
static const struct param_spec p_read[] = {
    {"id", P_INT, 0, 1, 0},
    {"all", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_none[] = {
    PARAMS_END,
};
/* One parameter per notification type, named by its key: filled from the type table at
 * start (web_notifications_init), before any request. */
#define TYPES_MAX 120
static struct param_spec p_preferences[TYPES_MAX + 1];

static const struct route routes[] = {
    {"GET", "/notifications", h_notifications, CAP_SIGNED_IN, p_list, 0},
    {"POST", "/notifications/read", h_notifications_read, CAP_SIGNED_IN, p_read, 0},
    {"GET", "/notifications/preferences", h_notification_preferences, CAP_SIGNED_IN, p_none, 0},
    {"POST", "/notifications/preferences", h_notification_preferences_save, CAP_SIGNED_IN, p_preferences, 0},
    {"GET", "/api/v1/me/notifications", h_notifications, CAP_SIGNED_IN, p_list, 0},
    {"POST", "/api/v1/me/notifications/read", h_notifications_read, CAP_SIGNED_IN, p_read, 0},
    {"GET", "/api/v1/me/notifications/preferences", h_notification_preferences, CAP_SIGNED_IN, p_none, 0},
    {"PUT", "/api/v1/me/notifications/preferences", h_notification_preferences_save, CAP_SIGNED_IN, p_preferences, 0},
};

static void init(void)
{
    const struct notification_type *types;
    size_t n = notification_types(&types);
    for (size_t i = 0; i < n && i < TYPES_MAX; i++)
        p_preferences[i] = (struct param_spec){types[i].key, P_STR, 0, 0, 20};
    web_notifications_init();
}

const struct web_domain web_notifications = {
    .name = "notifications",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .init = init,
};
