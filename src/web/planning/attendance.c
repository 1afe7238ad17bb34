/* The attendance sheet of an event by dated part (docs/planning.md): a class over several days
 * is taken day by day, and the event's own attendance follows once every part is marked. */
#include "internal.h"

/* Whether the viewer takes the event's attendance; false with the answer set. */
bool web_may_take_attendance(struct response *res, const struct event_access *ev)
{
    if (ev->manager || ev->trainer) return true;
    res_error(res, LE_FORBIDDEN, "id", "Only the event's trainers, the course's instructors and administrators take attendance.");
    return false;
}

const char *web_attendance_href(struct request *req, const struct event_access *ev)
{
    return arena_sprintf(req->arena, "%s/events/%lld/attendance", web_session_href(req, ev), (long long)ev->ref.id);
}

/* The sheet's states in words, and which button each part shows as chosen. */
static void attendance_in_words(struct request *req, json_t *sheet)
{
    size_t i, j;
    json_t *person, *part;
    json_array_foreach(json_object_get(sheet, "people"), i, person) {
        const char *att = json_string_value(json_object_get(person, "attendance"));
        /* words: session.attendance_{attended,partly,no_show,excused} */
        if (att)
            json_object_set_new(person, "attendance_text",
                                json_string(T(req, arena_sprintf(req->arena, "session.attendance_%s", att))));
        json_array_foreach(json_object_get(person, "parts"), j, part) {
            const char *status = json_string_value(json_object_get(part, "status"));
            json_object_set_new(part, "username", json_incref(json_object_get(person, "username")));
            if (status)
                json_object_set_new(part, "status_text",
                                    json_string(T(req, arena_sprintf(req->arena, "session.attendance_%s", status))));
        }
    }
}

/* The attendance page of an event: each booked person by dated part. */
void h_attendance_parts(struct request *req, struct response *res)
{
    struct event_access ev;
    if (!web_event_access(req, res, &ev) || !web_may_take_attendance(res, &ev)) return;
    struct problem p = {0};
    json_t *event = event_json(req->db, req->arena, ev.ref.id, req->user->id, &p);
    if (!event) {
        web_fail(res, &p);
        return;
    }
    json_t *sheet = attendance_parts_json(req->db, ev.ref.id);
    if (req->is_api) {
        json_decref(event);
        res->model = sheet;
        return;
    }
    json_object_set_new(sheet, "event", event);
    json_object_set_new(sheet, "course", json_pack("{s:s, s:s}", "code", ev.course.code, "title", ev.course.title));
    json_object_set_new(sheet, "session_href", json_string(web_session_href(req, &ev)));
    json_object_set_new(sheet, "action", json_string(web_attendance_href(req, &ev)));
    attendance_in_words(req, sheet);
    res->model = sheet;
    res->template = "planning/attendance";
    res->title = T(req, "attendance.title");
}
