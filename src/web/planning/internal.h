/* What only the planning domain's pages share (docs/planning.md): the event access check and
 * the handlers the route table names. */
#ifndef LECTERN_WEB_PLANNING_INTERNAL_H
#define LECTERN_WEB_PLANNING_INTERNAL_H

#include "planning.h"
#include "../courses/courses.h"
#include "../../model/planning/planning.h"

/* Plugs the session page into the course pages (web_activity_view_register). */
void web_planning_init(void);

/* The event a request names ("event", else "id") and the viewer's relation to it. */
struct event_access {
    struct event_ref ref;
    struct course course;
    bool manager;                 /* an administrator or the course's instructor */
    bool trainer;                 /* one of the event's trainers */
};
/* False (the answer set: 404 for people outside the course) when the viewer may not see it. */
bool web_event_access(struct request *req, struct response *res, struct event_access *ev);
/* Where a page's form about an event goes back to: the session page. */
const char *web_session_href(struct request *req, const struct event_access *ev);

/* The fields of the event form or the API body (trainers as a list, comma-separated names or
 * ticked boxes) into in (events.c). */
void web_read_event(struct request *req, struct event_input *in);
/* The event form's rows of dates: starts_at/ends_at, then part2_ ... part4_ (event_extras.c). */
#define EVENT_FORM_PARTS 4

/* Whether the viewer may override a conflict with a reason: an administrator. */
bool web_may_override(struct request *req);
/* Reads the parts (the API's "parts", or the form's extra rows), external trainers and the
 * override of an event's form or API body into in (event_extras.c). */
void web_read_event_extras(struct request *req, struct event_input *in, json_t **conflicts_out);
/* Conflicts with words for the page: each one's "kind_text" (stolen and returned). */
json_t *web_conflicts_in_words(struct request *req, json_t *conflicts);
/* Fails with p; when p is about conflicts, the API's answer carries them as "conflicts" and a
 * page (res->model already the page's) lists them in words. conflicts is stolen (NULL = none). */
void web_fail_with_conflicts(struct request *req, struct response *res, const struct problem *p, json_t *conflicts);

void h_rooms_list(struct request *req, struct response *res);
void h_room_create(struct request *req, struct response *res);
void h_room_show(struct request *req, struct response *res);
void h_room_update(struct request *req, struct response *res);
void h_room_delete(struct request *req, struct response *res);
void h_session_show(struct request *req, struct response *res);
void h_events_list(struct request *req, struct response *res);
void h_event_create(struct request *req, struct response *res);
void h_event_new_page(struct request *req, struct response *res);
void h_event_show(struct request *req, struct response *res);
void h_event_update(struct request *req, struct response *res);
void h_event_cancel(struct request *req, struct response *res);
void h_bookings_list(struct request *req, struct response *res);
void h_booking_create(struct request *req, struct response *res);
void h_booking_delete(struct request *req, struct response *res);
void h_attendance(struct request *req, struct response *res);
void h_attendance_parts(struct request *req, struct response *res);
/* Whether the viewer takes the event's attendance (its trainers, the course's instructors,
 * administrators); false with the answer set (attendance.c). */
bool web_may_take_attendance(struct response *res, const struct event_access *ev);
/* The event's attendance sheet page. */
const char *web_attendance_href(struct request *req, const struct event_access *ev);
void h_my_calendar(struct request *req, struct response *res);
void h_feed_renew(struct request *req, struct response *res);
void h_feed(struct request *req, struct response *res);
void h_course_calendar(struct request *req, struct response *res);
void h_room_calendar(struct request *req, struct response *res);
void h_trainer_calendar(struct request *req, struct response *res);
void h_approvals_list(struct request *req, struct response *res);
void h_booking_approve(struct request *req, struct response *res);
void h_booking_decline(struct request *req, struct response *res);
void h_session_settings_update(struct request *req, struct response *res);
void h_attendance_all(struct request *req, struct response *res);
void h_bulk_booking_page(struct request *req, struct response *res);
void h_bulk_booking(struct request *req, struct response *res);
void h_booking_move(struct request *req, struct response *res);
void h_event_import_page(struct request *req, struct response *res);
void h_event_import(struct request *req, struct response *res);
void h_event_edit_page(struct request *req, struct response *res);
void h_event_edit(struct request *req, struct response *res);
void h_event_copy_page(struct request *req, struct response *res);
void h_event_copy(struct request *req, struct response *res);

#endif
