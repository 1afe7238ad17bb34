/* Bookings and attendance of an event: a learner books or cancels their own place; the
 * course's instructors and administrators book and cancel for others, and with the event's
 * trainers take attendance. */
#include "internal.h"

/* The person a booking request is about: the one named, else the viewer. Booking someone else
 * takes managing the course. */
static bool booking_person(struct request *req, struct response *res, const struct event_access *ev, int64_t *user_id)
{
    const char *username = req_param(req, "username");
    if (!username || !*username || str_eq(username, req->user->username)) {
        *user_id = req->user->id;
        return true;
    }
    if (!ev->manager) {
        res_error(res, LE_FORBIDDEN, "username", "You can book and cancel only your own place.");
        return false;
    }
    struct user u;
    struct problem p = {0};
    if (user_get_by_username(req->db, req->arena, username, &u, &p)) {
        res_error(res, LE_INVALID, "username", "There is no account '%s'.", username);
        return false;
    }
    *user_id = u.id;
    return true;
}

void h_bookings_list(struct request *req, struct response *res)
{
    struct event_access ev;
    if (!web_event_access(req, res, &ev)) return;
    if (!ev.manager && !ev.trainer) {
        res_error(res, LE_FORBIDDEN, "id", "Only the event's trainers, the course's instructors and administrators see its bookings.");
        return;
    }
    res->model = json_pack("{s:o}", "bookings", bookings_json(req->db, ev.ref.id));
}

void h_booking_create(struct request *req, struct response *res)
{
    struct event_access ev;
    int64_t user_id;
    if (!web_event_access(req, res, &ev) || !booking_person(req, res, &ev, &user_id)) return;
    struct problem p = {0};
    const char *state;
    json_t *conflicts = NULL;
    /* Whoever books someone else may book them despite an overlapping booking, with a reason. */
    struct booking_options o = {req_param(req, "override_reason"), ev.manager && user_id != req->user->id, &conflicts};
    if (booking_create_with(req->db, req->arena, ev.ref.id, user_id, req->user->id, &o, &state, &p)) {
        /* A page: the session's page again, with the clashing bookings listed. */
        if (str_eq(p.reason, "conflicts") && !req->is_api) h_session_show(req, res);
        web_fail_with_conflicts(req, res, &p, conflicts);
        return;
    }
    json_decref(conflicts);
    res->status = 201;
    res->model = json_pack("{s:s}", "state", state);
    web_flash(req, res, str_eq(state, "booked")       ? "flash.event_booked"
                        : str_eq(state, "waitlisted") ? "flash.event_waitlisted"
                                                      : "flash.event_awaiting_approval");
    res->redirect = web_session_href(req, &ev);
}

void h_booking_delete(struct request *req, struct response *res)
{
    struct event_access ev;
    int64_t user_id;
    if (!web_event_access(req, res, &ev) || !booking_person(req, res, &ev, &user_id)) return;
    struct problem p = {0};
    bool admin = role_has_cap(req->user->roles, CAP_BOOKINGS_MANAGE);
    if (booking_cancel(req->db, req->arena, ev.ref.id, user_id, admin, req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:s}", "state", "cancelled");
    web_flash(req, res, "flash.booking_cancelled");
    res->redirect = web_session_href(req, &ev);
}

void h_attendance(struct request *req, struct response *res)
{
    struct event_access ev;
    if (!web_event_access(req, res, &ev) || !web_may_take_attendance(res, &ev)) return;
    struct problem p = {0};
    const char *username = req_param(req, "username"), *status = req_param(req, "status");
    int64_t part = req_param_int(req, "part", 0);
    lerr e = req_has_param(req, "part")
                 ? attendance_record_part(req->db, req->arena, ev.ref.id, username, part, status, req->user->id, &p)
                 : attendance_record(req->db, req->arena, ev.ref.id, username, status, req->user->id, &p);
    if (e) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:s, s:s}", "username", username, "status", status);
    if (req_has_param(req, "part")) json_object_set_new(res->model, "part", json_integer(part));
    web_flash(req, res, "flash.attendance_saved");
    res->redirect = req_has_param(req, "part") ? web_attendance_href(req, &ev) : web_session_href(req, &ev);
}
