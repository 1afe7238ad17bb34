/* The planning domain's routes: rooms (rooms.c), a session's page and events (events.c),
 * bookings and attendance (bookings.c); docs/planning.md. */
#include "internal.h"

static const struct param_spec p_rooms[] = {
    {"archived", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_room[] = {
    {"id", P_INT, 0, 1, 0},
    {"name", P_STR, 0, 0, 200},
    {"site", P_STR, 0, 0, 200},
    {"address", P_TEXT, 0, 0, ROOM_TEXT_MAX},
    {"capacity", P_INT, 0, 0, 100000},
    {"resources", P_TEXT, 0, 0, ROOM_TEXT_MAX},
    {"notes", P_TEXT, 0, 0, ROOM_TEXT_MAX},
    {"meeting_url", P_STR, 0, 0, 2000},
    {"archived", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_course[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    PARAMS_END,
};
static const struct param_spec p_session[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    PARAMS_END,
};
#define EVENT_FIELDS                                                                                      \
    {"title", P_STR, 0, 0, EVENT_TITLE_MAX}, {"starts_at", P_STR, 0, 0, 40}, {"ends_at", P_STR, 0, 0, 40}, \
        {"timezone", P_STR, 0, 0, 64}, {"room_id", P_INT, 0, 0, 0}, {"meeting_url", P_STR, 0, 0, 2000},    \
        {"seats", P_INT, 0, 0, 100000}, {"min_seats", P_INT, 0, 0, 100000},                                \
        {"trainers", P_STR, 0, 0, 2000}, {"activity_id", P_INT, 0, 0, 0},                                 \
        {"signup_opens", P_STR, 0, 0, 40}, {"signup_closes", P_STR, 0, 0, 40},                            \
        {"cancel_cutoff", P_STR, 0, 0, 40}, {"cost_per_seat", P_STR, 0, 0, 40}, {"note", P_TEXT, 0, 0, 20000}
static const struct param_spec p_event_new[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, 0, 1, 0},
    EVENT_FIELDS,
    PARAMS_END,
};
static const struct param_spec p_event_edit[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    EVENT_FIELDS,
    PARAMS_END,
};
#undef EVENT_FIELDS
static const struct param_spec p_event[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"course", P_STR, 0, 1, 100},
    {"event", P_INT, 0, 1, 0},
    {"username", P_USERNAME, 0, 0, 100},
    {"status", P_STR, 0, 0, 20},
    PARAMS_END,
};

/* Pages post under the session they are shown on (/courses/X/sessions/ID/events/EVENT/...), so
 * a refused form shows that page again; the API names the event alone. */
static const struct param_spec p_event_import[] = {
    {"file", P_FILE, 0, 0, 16 * 1024 * 1024},
    {"data", P_TEXT, 0, 0, 16 * 1024 * 1024},
    {"commit", P_BOOL, 0, 0, 0},
    PARAMS_END,
};

#define S "/courses/{course:str}/sessions/{id:int}"
#define SE S "/events/{event:int}"
static const struct route routes[] = {
    {"GET", "/admin/rooms", h_rooms_list, CAP_ROOMS_MANAGE, p_rooms, 0},
    {"POST", "/admin/rooms", h_room_create, CAP_ROOMS_MANAGE, p_room, 0},
    {"POST", "/admin/rooms/{id:int}", h_room_update, CAP_ROOMS_MANAGE, p_room, 0},
    {"POST", "/admin/rooms/{id:int}/delete", h_room_delete, CAP_ROOMS_MANAGE, p_room, 0},
    /* Instructors choose rooms for their events, so they read the register. */
    {"GET", "/api/v1/rooms", h_rooms_list, CAP_COURSES_CONTENT, p_rooms, 0},
    {"POST", "/api/v1/rooms", h_room_create, CAP_ROOMS_MANAGE, p_room, 0},
    {"GET", "/api/v1/rooms/{id:int}", h_room_show, CAP_COURSES_CONTENT, p_room, 0},
    {"PATCH", "/api/v1/rooms/{id:int}", h_room_update, CAP_ROOMS_MANAGE, p_room, 0},
    {"DELETE", "/api/v1/rooms/{id:int}", h_room_delete, CAP_ROOMS_MANAGE, p_room, 0},
    /* Events from CSV (event_import.c), as `lectern event import`. */
    {"GET", "/admin/events/import", h_event_import_page, CAP_COURSES_MANAGE, NULL, 0},
    {"POST", "/admin/events/import", h_event_import, CAP_COURSES_MANAGE, p_event_import, 0},
    {"POST", "/api/v1/events/import", h_event_import, CAP_COURSES_MANAGE, p_event_import, 0},
    {"GET", S, h_session_show, CAP_SIGNED_IN, p_session, 0},
    {"POST", S "/events", h_event_create, CAP_COURSES_CONTENT, p_event_new, 0},
    {"POST", SE "/cancel", h_event_cancel, CAP_COURSES_CONTENT, p_event, 0},
    {"POST", SE "/bookings", h_booking_create, CAP_SIGNED_IN, p_event, 0},
    {"POST", SE "/bookings/cancel", h_booking_delete, CAP_SIGNED_IN, p_event, 0},
    {"POST", SE "/attendance", h_attendance, CAP_SIGNED_IN, p_event, 0},
    {"GET", "/api/v1/courses/{course:str}/events", h_events_list, CAP_SIGNED_IN, p_course, 0},
    {"POST", "/api/v1/courses/{course:str}/events", h_event_create, CAP_COURSES_CONTENT, p_event_new, 0},
    {"GET", "/api/v1/events/{id:int}", h_event_show, CAP_SIGNED_IN, p_event, 0},
    {"PATCH", "/api/v1/events/{id:int}", h_event_update, CAP_COURSES_CONTENT, p_event_edit, 0},
    {"POST", "/api/v1/events/{id:int}/cancel", h_event_cancel, CAP_COURSES_CONTENT, p_event, 0},
    {"GET", "/api/v1/events/{id:int}/bookings", h_bookings_list, CAP_SIGNED_IN, p_event, 0},
    {"POST", "/api/v1/events/{id:int}/bookings", h_booking_create, CAP_SIGNED_IN, p_event, 0},
    {"DELETE", "/api/v1/events/{id:int}/bookings/{username:name}", h_booking_delete, CAP_SIGNED_IN, p_event, 0},
    {"POST", "/api/v1/events/{id:int}/attendance", h_attendance, CAP_SIGNED_IN, p_event, 0},
};
#undef S
#undef SE

const struct web_domain web_planning = {
    .name = "planning",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .init = web_planning_init,
};
