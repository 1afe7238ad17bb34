/* Booking many people on an event (a list of usernames, a department or a job role): the page
 * reached from the session page's "Book people", which previews person by person and then
 * books on confirmation, and POST /api/v1/events/ID/bookings/bulk. Moving a person to another
 * event of the course is here too. */
#include "internal.h"

/* The event, for its course's instructors and administrators only. */
static bool managed_event(struct request *req, struct response *res, struct event_access *ev)
{
    if (!web_event_access(req, res, ev)) return false;
    if (ev->manager) return true;
    res_error(res, LE_FORBIDDEN, "id", "Only the course's instructors and administrators book others.");
    return false;
}

/* The page: the event, the departments and job roles to choose from. */
static void bulk_page(struct request *req, struct response *res, const struct event_access *ev)
{
    struct problem p = {0};
    json_t *event = event_json(req->db, req->arena, ev->ref.id, req->user->id, &p);
    struct department *depts;
    struct job_role *roles;
    int nd = 0, nr = 0;
    if (department_list(req->db, req->arena, &depts, &nd)) nd = 0;
    if (job_role_list(req->db, req->arena, &roles, &nr)) nr = 0;
    json_t *dj = json_array(), *rj = json_array();
    for (int i = 0; i < nd; i++)
        json_array_append_new(dj, json_pack("{s:I, s:s}", "id", (json_int_t)depts[i].id, "path", depts[i].path));
    for (int i = 0; i < nr; i++)
        json_array_append_new(rj, json_pack("{s:I, s:s}", "id", (json_int_t)roles[i].id, "name", roles[i].name));
    res->model = json_pack("{s:o, s:{s:s, s:s}, s:I, s:o, s:o, s:b}", "event", event ? event : json_null(), "course",
                           "code", ev->course.code, "title", ev->course.title, "activity_id",
                           (json_int_t)ev->ref.activity_id, "departments", dj, "job_roles", rj, "may_override",
                           web_may_override(req));
    res->template = "courses/book_people";
    res->title = T(req, "book_people.title");
}

void h_bulk_booking_page(struct request *req, struct response *res)
{
    struct event_access ev;
    if (!managed_event(req, res, &ev)) return;
    bulk_page(req, res, &ev);
}

/* Each result's outcome and conflicts in words, and the counts of booked and waitlisted. */
static json_t *results_in_words(struct request *req, json_t *results, int *booked, int *waitlisted)
{
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) {
        const char *outcome = json_string_value(json_object_get(r, "outcome"));
        *booked += str_eq(outcome, "booked");
        *waitlisted += str_eq(outcome, "waitlisted");
        if (req->is_api) continue;
        /* words: book_people.outcome_{booked,waitlisted,already_booked,already_waitlisted,not_enrolled,no_account,conflict,refused} */
        json_object_set_new(r, "outcome_text", json_string(T(req, arena_sprintf(req->arena, "book_people.outcome_%s", outcome))));
        web_conflicts_in_words(req, json_object_get(r, "conflicts"));
    }
    return results;
}

/* The page's text box, or the API's list (or text) of usernames, one a line. */
static const char *usernames_sent(struct request *req)
{
    json_t *body = req->is_api ? req_json(req) : NULL;
    json_t *v = body ? json_object_get(body, "usernames") : NULL;
    if (json_is_string(v)) return json_string_value(v);
    if (!json_is_array(v)) return req_param(req, "usernames");
    const char *text = "";
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) if (json_is_string(x) && i < BULK_BOOKING_MAX)
        text = arena_sprintf(req->arena, "%s%s\n", text, json_string_value(x));
    return text;
}

void h_bulk_booking(struct request *req, struct response *res)
{
    struct event_access ev;
    if (!managed_event(req, res, &ev)) return;
    /* The page previews first and books on its confirm button; the API says which. */
    bool dry_run = req->is_api ? req_param_bool(req, "dry_run") : !req_param_bool(req, "confirm");
    struct bulk_booking_input in = {usernames_sent(req), req_param_int(req, "department", 0),
                                    req_param_int(req, "job_role", 0),  dry_run,
                                    req_param(req, "override_reason"),  ev.manager};
    struct problem p = {0};
    json_t *results = NULL;
    if (booking_bulk(req->db, req->arena, ev.ref.id, &in, req->user->id, &results, &p)) {
        web_fail(res, &p);
        return;
    }
    int booked = 0, waitlisted = 0;
    results_in_words(req, results, &booked, &waitlisted);
    if (req->is_api) {
        res->model = json_pack("{s:b, s:o, s:i, s:i}", "dry_run", dry_run, "results", results, "booked", booked,
                               "waitlisted", waitlisted);
        return;
    }
    if (!dry_run) {
        json_decref(results);
        web_flash(req, res, "flash.bulk_booked");
        res->redirect = web_session_href(req, &ev);
        return;
    }
    bulk_page(req, res, &ev);
    json_object_set_new(res->model, "preview",
                        json_pack("{s:o, s:i, s:i, s:s, s:I, s:I, s:s}", "results", results, "booked", booked,
                                  "waitlisted", waitlisted, "usernames", in.usernames ? in.usernames : "", "department",
                                  (json_int_t)in.department_id, "job_role", (json_int_t)in.job_role_id,
                                  "override_reason", in.override_reason ? in.override_reason : ""));
}

void h_booking_move(struct request *req, struct response *res)
{
    struct event_access ev;
    if (!managed_event(req, res, &ev)) return;
    const char *username = req_param(req, "username");
    struct user u;
    struct problem p = {0};
    if (!username || user_get_by_username(req->db, req->arena, username, &u, &p)) {
        res_error(res, LE_INVALID, "username", "There is no account '%s'.", username ? username : "");
        return;
    }
    const char *state = NULL;
    json_t *conflicts = NULL;
    struct booking_options o = {req_param(req, "override_reason"), true, &conflicts};
    if (booking_move(req->db, req->arena, ev.ref.id, u.id, req_param_int(req, "to_event", 0), req->user->id, &o, &state,
                     &p)) {
        if (str_eq(p.reason, "conflicts") && !req->is_api) h_session_show(req, res);
        web_fail_with_conflicts(req, res, &p, conflicts);
        return;
    }
    json_decref(conflicts);
    res->model = json_pack("{s:s, s:s}", "username", u.username, "state", state);
    web_flash(req, res, str_eq(state, "booked") ? "flash.booking_moved" : "flash.booking_moved_waitlisted");
    res->redirect = web_session_href(req, &ev);
}
