/* Requests to the administrators' pages and API: the list (the administrators' queue, soonest
 * needed first, and everyone's own requests), the form of each kind, one request with what an
 * administrator does about it in place, and its state changes (docs/communication.md). */
#include <string.h>
#include "internal.h"

#define QUEUE_MAX 200

/* The words a page shows beside a request's stored names. */
static void request_labels(struct request *req, json_t *r)
{
    /* words: requests.kind_{course,enrol,class} requests.state_{new,in_progress,done,declined} */
    const char *kind = json_string_value(json_object_get(r, "kind"));
    const char *state = json_string_value(json_object_get(r, "state"));
    json_object_set_new(r, "kind_label", json_string(T(req, arena_sprintf(req->arena, "requests.kind_%s", kind))));
    json_object_set_new(r, "state_label",
                        json_string(T(req, arena_sprintf(req->arena, "requests.state_%s", state))));
    const char *course_kind = json_string_value(json_object_get(r, "course_kind"));
    if (course_kind && *course_kind) /* words: courses.kind_{elearning,classroom,blended} */
        json_object_set_new(r, "course_kind_label",
                            json_string(T(req, arena_sprintf(req->arena, "courses.kind_%s", course_kind))));
    json_object_set_new(r, "is_open", json_boolean(str_eq(state, "new") || str_eq(state, "in_progress")));
    json_object_set_new(r, "is_new", json_boolean(str_eq(state, "new")));
    json_object_set_new(r, "is_done", json_boolean(str_eq(state, "done")));
    json_object_set_new(r, "is_declined", json_boolean(str_eq(state, "declined")));
    json_object_set_new(r, "is_course", json_boolean(str_eq(kind, "course")));
    json_object_set_new(r, "is_enrol", json_boolean(str_eq(kind, "enrol")));
    json_object_set_new(r, "is_class", json_boolean(str_eq(kind, "class")));
}

static void list_labels(struct request *req, json_t *list)
{
    size_t i;
    json_t *r;
    json_array_foreach(list, i, r) request_labels(req, r);
}

/* Cuts a list read with one row more than max back to max: true when there were more. */
static bool cut(json_t *list, size_t max)
{
    if (json_array_size(list) <= max) return false;
    while (json_array_size(list) > max) json_array_remove(list, json_array_size(list) - 1);
    return true;
}

void h_requests(struct request *req, struct response *res)
{
    const char *state = req_param(req, "state");
    json_t *mine = admin_requests_mine(req->db, req->arena, req->user->id, REQUEST_LIST_MAX + 1);
    json_t *m = json_pack("{s:b}", "mine_more", cut(mine, REQUEST_LIST_MAX));
    json_object_set_new(m, "mine", mine);
    if (role_has_cap(req->user->roles, CAP_REQUESTS_WORK)) {
        json_t *queue = admin_requests_queue(req->db, req->arena, state ? state : "open", QUEUE_MAX + 1);
        json_object_set_new(m, "queue_more", json_boolean(cut(queue, QUEUE_MAX)));
        if (!req->is_api) {
            list_labels(req, queue);
            /* words: requests.filter_{open,done,declined,all} */
            static const char *const filters[] = {"open", "done", "declined", "all"};
            json_t *tabs = json_array();
            for (size_t i = 0; i < 4; i++)
                json_array_append_new(tabs, json_pack("{s:s, s:s, s:b}", "value", filters[i], "label",
                                                      T(req, arena_sprintf(req->arena, "requests.filter_%s",
                                                                           filters[i])),
                                                      "current", str_eq(filters[i], state ? state : "open")));
            json_object_set_new(m, "filters", tabs);
        }
        json_object_set_new(m, "queue", queue);
    }
    if (!req->is_api) list_labels(req, mine);
    res->model = m;
    res->template = "communication/requests";
    res->title = T(req, "requests.title");
}

/* The form of one kind: its fields and the choices they need. */
static void form_page(struct request *req, struct response *res, const char *kind)
{
    if (!str_eq(kind, "course") && !str_eq(kind, "class")) kind = "enrol";
    json_t *m = web_model(res);
    json_object_set_new(m, "kind", json_string(kind));
    json_object_set_new(m, "is_course", json_boolean(str_eq(kind, "course")));
    json_object_set_new(m, "is_enrol", json_boolean(str_eq(kind, "enrol")));
    json_object_set_new(m, "is_class", json_boolean(str_eq(kind, "class")));
    if (str_eq(kind, "course")) {
        /* words: courses.kind_{elearning,classroom,blended} */
        static const char *const kinds[] = {"elearning", "classroom", "blended"};
        json_t *list = json_array();
        for (size_t i = 0; i < 3; i++)
            json_array_append_new(list, json_pack("{s:s, s:s}", "value", kinds[i], "label",
                                                  T(req, arena_sprintf(req->arena, "courses.kind_%s", kinds[i]))));
        json_object_set_new(m, "course_kinds", list);
    } else
        json_object_set_new(m, "courses", request_course_choices(req->db, req->arena, req->user->id));
    if (!json_object_get(m, "form")) json_object_set_new(m, "form", json_object());
    res->template = "communication/request_new";
    /* words: requests.new_{course,enrol,class} */
    res->title = T(req, arena_sprintf(req->arena, "requests.new_%s", kind));
}

void h_request_new(struct request *req, struct response *res)
{
    form_page(req, res, req_param(req, "kind"));
}

/* The people of an enrolment request: the text typed, or the CSV file chosen instead. */
static const char *usernames_given(struct request *req)
{
    const struct uploaded_file *f = req_file(req, "file");
    if (f && f->len) return arena_strndup(req->arena, (const char *)f->data, f->len);
    return req_param(req, "usernames");
}

void h_request_create(struct request *req, struct response *res)
{
    struct request_input in = {
        .kind = req_param(req, "kind"),
        .needed_by = req_param(req, "needed_by"),
        .title = req_param(req, "title"),
        .course_kind = req_param(req, "course_kind"),
        .course_code = req_param(req, "course"),
        .usernames = usernames_given(req),
        .due_date = req_param(req, "due_date"),
        .wanted_dates = req_param(req, "wanted_dates"),
        .seats = req_param_int(req, "seats", 0),
        .notes = req_param(req, "notes"),
    };
    struct problem p = {0};
    int64_t id = 0;
    json_t *one = NULL;
    if (admin_request_create(req->db, req->arena, &in, req->user->id, &id, &p) ||
        admin_request_json(req->db, req->arena, id, req->user->id, req->user->roles, &one, &p)) {
        if (!req->is_api) form_page(req, res, in.kind);
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:o}", "request", one);
    web_flash(req, res, "flash.request_sent");
    res->redirect = arena_sprintf(req->arena, "/requests/%lld", (long long)id);
}

/* What an administrator does about an open request in place: the enrolment preview with the
 * list as a CSV, the new-course form filled in, the new-event form of the course's session. */
static void request_actions(struct request *req, json_t *r)
{
    const char *names = json_string_value(json_object_get(r, "usernames"));
    const char *due = json_string_value(json_object_get(r, "due_date"));
    if (names && *names) {
        const char *csv = "username,due\n";
        char *all = arena_strdup(req->arena, names), *save = NULL;
        for (char *u = strtok_r(all, "\n", &save); u; u = strtok_r(NULL, "\n", &save))
            csv = arena_sprintf(req->arena, "%s%s,%s\n", csv, u, due ? due : "");
        json_object_set_new(r, "enrol_csv", json_string(csv));
    }
    json_object_set_new(r, "new_course_href",
                        json_string(arena_sprintf(req->arena, "/admin/courses/new?title=%s&kind=%s",
                                                  web_query_value(req->arena,
                                                                  json_string_value(json_object_get(r, "title"))),
                                                  json_string_value(json_object_get(r, "course_kind")))));
    const char *wanted = json_string_value(json_object_get(r, "wanted_dates"));
    const char *notes = json_string_value(json_object_get(r, "notes"));
    const char *note = notes && *notes ? arena_sprintf(req->arena, "%s\n%s", wanted, notes) : wanted;
    json_t *course = json_object_get(r, "course");
    json_int_t session = json_integer_value(json_object_get(r, "session_id"));
    if (json_is_object(course) && session)
        json_object_set_new(r, "new_event_href",
                            json_string(arena_sprintf(
                                req->arena, "/courses/%s/sessions/%lld/events/new?seats=%lld&note=%s",
                                json_string_value(json_object_get(course, "code")), (long long)session,
                                (long long)json_integer_value(json_object_get(r, "seats")),
                                web_query_value(req->arena, note))));
}

void h_request_show(struct request *req, struct response *res)
{
    struct problem p = {0};
    json_t *one = NULL;
    if (admin_request_json(req->db, req->arena, req_param_int(req, "id", 0), req->user->id, req->user->roles, &one,
                           &p)) {
        web_fail(res, &p);
        return;
    }
    bool works = role_has_cap(req->user->roles, CAP_REQUESTS_WORK);
    if (!req->is_api) {
        request_labels(req, one);
        json_object_set_new(one, "may_work", json_boolean(works));
        if (works) request_actions(req, one);
    }
    res->model = json_pack("{s:o}", "request", one);
    res->template = "communication/request";
    res->title = T(req, "requests.one");
}

void h_request_state(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id = req_param_int(req, "id", 0);
    json_t *one = NULL;
    if (admin_request_set_state(req->db, req->arena, id, req_param(req, "state"), req_param(req, "reason"),
                                req->user->id, &p) ||
        admin_request_json(req->db, req->arena, id, req->user->id, req->user->roles, &one, &p)) {
        if (!req->is_api && p.code != LE_NOTFOUND && !admin_request_json(req->db, req->arena, id, req->user->id,
                                                                          req->user->roles, &one, &(struct problem){0})) {
            request_labels(req, one);
            json_object_set_new(one, "may_work", json_true());
            request_actions(req, one);
            res->model = json_pack("{s:o}", "request", one);
            res->template = "communication/request";
            res->title = T(req, "requests.one");
        }
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o}", "request", one);
    web_flash(req, res, "flash.request_updated");
    res->redirect = arena_sprintf(req->arena, "/requests/%lld", (long long)id);
}
