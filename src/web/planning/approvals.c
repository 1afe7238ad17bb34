/* Approvals of bookings (docs/planning.md): the queue of requests a line manager decides (an
 * administrator sees everyone's, and decides for learners without a manager), and the
 * decisions, as pages (/approvals) and the API. Whether the viewer may decide is the model's
 * question (booking_approve / booking_decline): someone else's report is answered as no
 * request at all. */
#include "internal.h"

/* Whether the viewer sees and decides every request, not only their reports'. */
static bool is_admin(const struct request *req)
{
    return role_has_cap(req->user->roles, CAP_BOOKINGS_MANAGE);
}

/* A request's names in words for the page, and where its session is. */
static json_t *approvals_for_page(struct request *req, json_t *list)
{
    size_t i;
    json_t *r;
    json_array_foreach(list, i, r) {
        json_object_set_new(r, "session_href",
                            json_string(arena_sprintf(req->arena, "/courses/%s/sessions/%lld",
                                                      json_string_value(json_object_get(r, "course")),
                                                      (long long)json_integer_value(json_object_get(r, "activity_id")))));
        json_object_set_new(r, "no_manager", json_boolean(json_is_null(json_object_get(r, "manager"))));
    }
    return list;
}

void h_approvals_list(struct request *req, struct response *res)
{
    json_t *list = approvals_json(req->db, req->user->id, is_admin(req));
    res->model = json_pack("{s:o, s:b}", "approvals", req->is_api ? list : approvals_for_page(req, list), "is_admin",
                           is_admin(req));
    res->template = "planning/approvals";
    res->title = T(req, "approvals.title");
}

/* The event and the person a decision names; false with the answer set. */
static bool decision_target(struct request *req, struct response *res, int64_t *event_id, int64_t *user_id)
{
    *event_id = req_has_param(req, "event") ? req_param_int(req, "event", 0) : req_param_int(req, "id", 0);
    const char *username = req_param(req, "username");
    struct user u;
    struct problem p = {0};
    if (user_get_by_username(req->db, req->arena, username ? username : "", &u, &p)) {
        res_error(res, LE_NOTFOUND, "username", "There is no request from '%s' for this event awaiting your decision.",
                  username ? username : "");
        return false;
    }
    *user_id = u.id;
    return true;
}

void h_booking_approve(struct request *req, struct response *res)
{
    int64_t event_id, user_id;
    if (!decision_target(req, res, &event_id, &user_id)) return;
    struct problem p = {0};
    const char *state;
    if (booking_approve(req->db, req->arena, event_id, user_id, req->user->id, is_admin(req), &state, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:s}", "state", state);
    web_flash(req, res, str_eq(state, "booked") ? "flash.approval_booked" : "flash.approval_waitlisted");
    res->redirect = "/approvals";
}

void h_booking_decline(struct request *req, struct response *res)
{
    int64_t event_id, user_id;
    if (!decision_target(req, res, &event_id, &user_id)) return;
    struct problem p = {0};
    if (booking_decline(req->db, req->arena, event_id, user_id, req_param(req, "reason"), req->user->id, is_admin(req),
                        &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:s}", "state", "declined");
    web_flash(req, res, "flash.approval_declined");
    res->redirect = "/approvals";
}
