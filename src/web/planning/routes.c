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
    {"dial_in", P_TEXT, 0, 0, ROOM_TEXT_MAX},
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
/* The new-event form, filled in from a request for a class (communication's requests). */
static const struct param_spec p_event_new_page[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"seats", P_INT, 0, 0, 100000},
    {"note", P_TEXT, 0, 0, 20000},
    PARAMS_END,
};
#define EVENT_FIELDS                                                                                      \
    {"title", P_STR, 0, 0, EVENT_TITLE_MAX}, {"starts_at", P_STR, 0, 0, 40}, {"ends_at", P_STR, 0, 0, 40}, \
        {"timezone", P_STR, 0, 0, 64}, {"room_id", P_INT, 0, 0, 0}, {"meeting_url", P_STR, 0, 0, 2000},    \
        {"seats", P_INT, 0, 0, 100000}, {"min_seats", P_INT, 0, 0, 100000},                                \
        {"trainers", P_STR, 0, 0, 2000}, {"activity_id", P_INT, 0, 0, 0},                                 \
        {"signup_opens", P_STR, 0, 0, 40}, {"signup_closes", P_STR, 0, 0, 40},                            \
        {"cancel_cutoff", P_STR, 0, 0, 40}, {"cost_per_seat", P_STR, 0, 0, 40}, {"note", P_TEXT, 0, 0, 20000}, \
        {"external_trainers", P_STR, 0, 0, 4200}, {"override_reason", P_STR, 0, 0, 1000},                    \
        {"part2_starts_at", P_STR, 0, 0, 40}, {"part2_ends_at", P_STR, 0, 0, 40},                            \
        {"part3_starts_at", P_STR, 0, 0, 40}, {"part3_ends_at", P_STR, 0, 0, 40},                            \
        {"part4_starts_at", P_STR, 0, 0, 40}, {"part4_ends_at", P_STR, 0, 0, 40}
static const struct param_spec p_event_new[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, 0, 1, 0},
    EVENT_FIELDS,
    PARAMS_END,
};
/* The pages that change or copy an event (event_edit.c): the event's form under its session. */
static const struct param_spec p_event_page[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"event", P_INT, PARAM_REQUIRED, 1, 0},
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
    {"override_reason", P_STR, 0, 0, 1000},
    {"part", P_INT, 0, 1, EVENT_PARTS_MAX},
    PARAMS_END,
};
/* The API's "usernames" may be a list, which the handler reads from the body itself. */
#define BULK_FIELDS                                                                                  \
    {"id", P_INT, PARAM_REQUIRED, 1, 0}, {"course", P_STR, 0, 1, 100}, {"event", P_INT, 0, 1, 0},   \
        {"department", P_INT, 0, 0, 0}, {"job_role", P_INT, 0, 0, 0}, {"dry_run", P_BOOL, 0, 0, 0}, \
        {"confirm", P_BOOL, 0, 0, 0}, {"override_reason", P_STR, 0, 0, 1000}
static const struct param_spec p_bulk_page[] = {
    BULK_FIELDS,
    {"usernames", P_TEXT, 0, 0, 40000},
    PARAMS_END,
};
static const struct param_spec p_bulk_api[] = {
    BULK_FIELDS,
    PARAMS_END,
};
#undef BULK_FIELDS
static const struct param_spec p_move[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"course", P_STR, 0, 1, 100},
    {"event", P_INT, 0, 1, 0},
    {"username", P_USERNAME, PARAM_REQUIRED, 1, 100},
    {"to_event", P_INT, PARAM_REQUIRED, 1, 0},
    {"override_reason", P_STR, 0, 0, 1000},
    PARAMS_END,
};
static const struct param_spec p_decision[] = {
    {"id", P_INT, 0, 1, 0},
    {"event", P_INT, 0, 1, 0},
    {"username", P_USERNAME, PARAM_REQUIRED, 1, 100},
    {"reason", P_TEXT, 0, 0, DECLINE_REASON_MAX + 100},
    PARAMS_END,
};
static const struct param_spec p_session_settings[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"needs_approval", P_BOOL, 0, 0, 0},
    {"partly_completes", P_BOOL, 0, 0, 0},
    {"reminders", P_STR, 0, 0, 100},
    PARAMS_END,
};
/* A calendar page's view and day, or the API's range (calendar.c). */
static const struct param_spec p_calendar[] = {
    {"course", P_STR, 0, 1, 100},
    {"id", P_INT, 0, 1, 0},
    {"username", P_USERNAME, 0, 0, 100},
    {"view", P_STR, 0, 0, 10},
    {"date", P_STR, 0, 0, 10},
    {"from", P_STR, 0, 0, 40},
    {"to", P_STR, 0, 0, 40},
    PARAMS_END,
};
static const struct param_spec p_feed[] = {
    {"token", P_STR, PARAM_REQUIRED, 1, 100},
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
    {"GET", S "/events/new", h_event_new_page, CAP_COURSES_CONTENT, p_event_new_page, 0},
    {"POST", S "/events", h_event_create, CAP_COURSES_CONTENT, p_event_new, 0},
    {"POST", SE "/cancel", h_event_cancel, CAP_COURSES_CONTENT, p_event, 0},
    {"POST", SE "/bookings", h_booking_create, CAP_SIGNED_IN, p_event, 0},
    {"POST", SE "/bookings/cancel", h_booking_delete, CAP_SIGNED_IN, p_event, 0},
    {"POST", SE "/attendance", h_attendance, CAP_SIGNED_IN, p_event, 0},
    {"GET", SE "/attendance", h_attendance_parts, CAP_SIGNED_IN, p_event, 0},
    {"GET", SE "/book-people", h_bulk_booking_page, CAP_COURSES_CONTENT, p_bulk_page, 0},
    {"POST", SE "/book-people", h_bulk_booking, CAP_COURSES_CONTENT, p_bulk_page, 0},
    {"POST", SE "/bookings/move", h_booking_move, CAP_COURSES_CONTENT, p_move, 0},
    {"GET", SE "/edit", h_event_edit_page, CAP_COURSES_CONTENT, p_event_page, 0},
    {"POST", SE "/edit", h_event_edit, CAP_COURSES_CONTENT, p_event_page, 0},
    {"GET", SE "/copy", h_event_copy_page, CAP_COURSES_CONTENT, p_event_page, 0},
    {"POST", SE "/copy", h_event_copy, CAP_COURSES_CONTENT, p_event_page, 0},
    {"GET", "/api/v1/courses/{course:str}/events", h_events_list, CAP_SIGNED_IN, p_course, 0},
    {"POST", "/api/v1/courses/{course:str}/events", h_event_create, CAP_COURSES_CONTENT, p_event_new, 0},
    {"GET", "/api/v1/events/{id:int}", h_event_show, CAP_SIGNED_IN, p_event, 0},
    {"PATCH", "/api/v1/events/{id:int}", h_event_update, CAP_COURSES_CONTENT, p_event_edit, 0},
    {"POST", "/api/v1/events/{id:int}/cancel", h_event_cancel, CAP_COURSES_CONTENT, p_event, 0},
    {"GET", "/api/v1/events/{id:int}/bookings", h_bookings_list, CAP_SIGNED_IN, p_event, 0},
    {"POST", "/api/v1/events/{id:int}/bookings", h_booking_create, CAP_SIGNED_IN, p_event, 0},
    {"DELETE", "/api/v1/events/{id:int}/bookings/{username:name}", h_booking_delete, CAP_SIGNED_IN, p_event, 0},
    {"POST", "/api/v1/events/{id:int}/attendance", h_attendance, CAP_SIGNED_IN, p_event, 0},
    {"GET", "/api/v1/events/{id:int}/attendance", h_attendance_parts, CAP_SIGNED_IN, p_event, 0},
    /* Approvals (approvals.c): any line manager decides for their reports, so signed in is
     * enough to ask; the model answers 404 for anyone else's. */
    {"GET", "/approvals", h_approvals_list, CAP_SIGNED_IN, NULL, 0},
    {"POST", "/approvals/{event:int}/{username:name}/approve", h_booking_approve, CAP_SIGNED_IN, p_decision, 0},
    {"POST", "/approvals/{event:int}/{username:name}/decline", h_booking_decline, CAP_SIGNED_IN, p_decision, 0},
    {"GET", "/api/v1/me/approvals", h_approvals_list, CAP_SIGNED_IN, NULL, 0},
    {"POST", "/api/v1/events/{id:int}/bookings/{username:name}/approve", h_booking_approve, CAP_SIGNED_IN, p_decision, 0},
    {"POST", "/api/v1/events/{id:int}/bookings/{username:name}/decline", h_booking_decline, CAP_SIGNED_IN, p_decision, 0},
    /* A session's settings and the one-click "all attended" (session_settings.c). */
    {"POST", S "/settings", h_session_settings_update, CAP_COURSES_CONTENT, p_session_settings, 0},
    {"PATCH", "/api/v1/courses/{course:str}/sessions/{id:int}/settings", h_session_settings_update, CAP_COURSES_CONTENT,
     p_session_settings, 0},
    {"POST", SE "/attendance/all", h_attendance_all, CAP_SIGNED_IN, p_event, 0},
    {"POST", "/api/v1/events/{id:int}/attendance/all", h_attendance_all, CAP_SIGNED_IN, p_event, 0},
    /* Calendars (calendar.c). */
    {"GET", "/calendar", h_my_calendar, CAP_SIGNED_IN, p_calendar, 0},
    {"POST", "/calendar/feed", h_feed_renew, CAP_SIGNED_IN, NULL, 0},
    /* The feed is read by calendar programs, which hold no session: the token is the key. */
    {"GET", "/calendar/feed/{token:str}", h_feed, CAP_PUBLIC, p_feed, 0},
    {"GET", "/courses/{course:str}/calendar", h_course_calendar, CAP_SIGNED_IN, p_calendar, 0},
    {"GET", "/admin/rooms/{id:int}/calendar", h_room_calendar, CAP_ROOMS_MANAGE, p_calendar, 0},
    {"GET", "/admin/trainers/{username:name}/calendar", h_trainer_calendar, CAP_ROOMS_MANAGE, p_calendar, 0},
    {"GET", "/api/v1/me/calendar", h_my_calendar, CAP_SIGNED_IN, p_calendar, 0},
    {"POST", "/api/v1/me/calendar/feed", h_feed_renew, CAP_SIGNED_IN, NULL, 0},
    {"GET", "/api/v1/courses/{course:str}/calendar", h_course_calendar, CAP_SIGNED_IN, p_calendar, 0},
    {"GET", "/api/v1/rooms/{id:int}/calendar", h_room_calendar, CAP_COURSES_CONTENT, p_calendar, 0},
    {"POST", "/api/v1/events/{id:int}/bookings/bulk", h_bulk_booking, CAP_COURSES_CONTENT, p_bulk_api, 0},
    {"POST", "/api/v1/events/{id:int}/bookings/{username:name}/move", h_booking_move, CAP_COURSES_CONTENT, p_move, 0},
};
#undef S
#undef SE

const struct web_domain web_planning = {
    .name = "planning",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .init = web_planning_init,
};
