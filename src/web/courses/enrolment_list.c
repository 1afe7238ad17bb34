/* A course's enrolments as a list to work with: sorted by a header click, filtered by name,
 * role and progress, paged by number; and the due date or unenrolment of many at once, after a
 * confirmation page. The JSON twin without paging parameters answers every enrolment, as it
 * always did. */
#include "internal.h"
#include "../../model/courses/courses.h"

#define ENROLMENTS_ALL 5000 /* the API's rows when it asks for no page */

static const struct sort_column enrolment_columns[] = {
    {"name", "users.name"},          {"username", "users.username"},      {"role", "enrolments.role"},
    {"due", "enrolments.due"},       {"enrolled", "enrolments.enrolled"}, {"completed", "enrolments.completed"},
    {"last_access", "enrolments.last_access"}, {NULL, NULL},
};

/* The course, for administrators and its instructors; false with the answer on res. */
static bool course_for_staff(struct request *req, struct response *res, struct course *c)
{
    struct problem p = {0};
    if (course_get(req->db, req->arena, req_param(req, "course"), req->user->id, c, &p)) {
        web_fail(res, &p);
        return false;
    }
    if (web_may_manage_course(req, c)) return true;
    res_error(res, LE_FORBIDDEN, NULL, "Only administrators and the course's instructors can see its enrolments.");
    return false;
}

/* Reads the filters; false with a 422 naming the field when one is not a choice. */
static bool enrolment_filter_read(struct request *req, struct response *res, struct enrolment_filter *f)
{
    *f = (struct enrolment_filter){.q = req_param(req, "q"), .state = req_param(req, "state"), .role = req_param(req, "role")};
    if (f->state && *f->state && !str_eq(f->state, "completed") && !str_eq(f->state, "in_progress") &&
        !str_eq(f->state, "overdue")) {
        res_error(res, LE_INVALID, "state", "The progress is completed, in_progress or overdue.");
        return false;
    }
    if (f->role && *f->role && !str_eq(f->role, "learner") && !str_eq(f->role, "instructor")) {
        res_error(res, LE_INVALID, "role", "The course role is learner or instructor.");
        return false;
    }
    return true;
}

/* The filter form's choices, each marked when it is the one shown. */
static json_t *filter_choices(struct request *req, const struct enrolment_filter *f)
{
    static const char *const states[] = {"in_progress", "completed", "overdue"};
    static const char *const roles[] = {"learner", "instructor"};
    /* words: enrolments.state_{completed,in_progress,overdue} enrolments.role_{learner,instructor} */
    json_t *sv = json_array(), *rv = json_array();
    for (size_t i = 0; i < 3; i++)
        json_array_append_new(sv, json_pack("{s:s, s:s, s:b}", "value", states[i], "label",
                                            T(req, arena_sprintf(req->arena, "enrolments.state_%s", states[i])),
                                            "selected", str_eq(f->state, states[i])));
    for (size_t i = 0; i < 2; i++)
        json_array_append_new(rv, json_pack("{s:s, s:s, s:b}", "value", roles[i], "label",
                                            T(req, arena_sprintf(req->arena, "enrolments.role_%s", roles[i])),
                                            "selected", str_eq(f->role, roles[i])));
    return json_pack("{s:o, s:o, s:b}", "states", sv, "roles", rv, "any",
                     (f->q && *f->q) || (f->state && *f->state) || (f->role && *f->role));
}

void h_enrolments_list(struct request *req, struct response *res)
{
    struct course c;
    struct enrolment_filter f;
    if (!course_for_staff(req, res, &c) || !enrolment_filter_read(req, res, &f)) return;
    bool paged = !req->is_api || req_has_param(req, "page") || req_has_param(req, "per_page");
    struct list_link l = {.per_page = (int)req_param_int(req, "per_page", paged ? 25 : ENROLMENTS_ALL)};
    l.base_path = arena_sprintf(req->arena, "%s/courses/%s/enrolments", req->is_api ? "/api/v1" : "", c.code);
    if (!web_list_sort(req, res, enrolment_columns, &l.sort)) return;
    f.sort = l.sort.key;
    f.desc = l.sort.desc;
    int page = (int)req_param_int(req, "page", 1), total = 0;
    json_t *items = course_enrolments_page(req->db, req->arena, c.id, &f, page, l.per_page, &total);
    if (!items) {
        res_error(res, LE_DB, NULL, "the enrolments could not be read; try again");
        return;
    }
    l.keep = web_query_string(req, (const char *const[]){"q", f.q, "state", f.state, "role", f.role, NULL});
    res->model = web_list_model(req, items, page, total, &l);
    json_object_set_new(res->model, "code", json_string(c.code));
    json_object_set_new(res->model, "title", json_string(c.title));
    if (!req->is_api) {
        /* The list is the participants tab's own view: the page keeps the course's tabs. */
        json_t *tabs = web_manage_model(req, &c, "participants");
        json_object_update(res->model, tabs);
        json_decref(tabs);
        json_object_set_new(res->model, "columns", web_sort_headers(req, &l, enrolment_columns));
        json_object_set_new(res->model, "filters", filter_choices(req, &f));
        if (f.q) json_object_set_new(res->model, "q", json_string(f.q));
    }
    res->template = "admin/enrolments";
    res->title = T(req, "enrolments.title");
}

/* Unenrol or change the due date of the people ticked: the first post shows them, the
 * confirmed one changes them all in one transaction. */
void h_enrolments_bulk(struct request *req, struct response *res)
{
    struct course c;
    if (!course_for_staff(req, res, &c)) return;
    const char *action = req_param(req, "action"), *users = req_param(req, "users"), *due = req_param(req, "due");
    res->model = json_pack("{s:s, s:s, s:s?, s:s, s:s, s:b}", "code", c.code, "title", c.title, "action", action,
                           "users", users ? users : "", "due", due ? due : "", "unenrol", str_eq(action, "unenrol"));
    json_t *people = json_array();
    for (const char *s = users ? users : ""; *s;) {
        s += strspn(s, " ,");
        size_t len = strcspn(s, " ,");
        if (len) json_array_append_new(people, json_string(arena_strndup(req->arena, s, len)));
        s += len;
    }
    json_object_set_new(res->model, "people", people);
    res->template = "admin/enrolments_bulk";
    res->title = T(req, "enrolments.bulk_title");
    if (!str_eq(action, "unenrol") && !str_eq(action, "due")) {
        res_error(res, LE_INVALID, "action", "The action is due (change the due date) or unenrol.");
        return;
    }
    if (!json_array_size(people)) {
        res_error(res, LE_INVALID, "users", "Choose at least one person from the list.");
        return;
    }
    if (!req_param_bool(req, "confirm")) return;
    struct problem p = {0};
    int n = 0;
    if (enrolments_bulk(req->db, req->arena, &c, users, str_eq(action, "unenrol"), due, req->user->id, req->user->roles,
                        &n, &p)) {
        web_fail(res, &p);
        return;
    }
    json_object_set_new(res->model, "done", json_integer(n));
    web_flash(req, res, str_eq(action, "unenrol") ? "flash.bulk_unenrolled" : "flash.bulk_due_changed");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/enrolments", c.code);
}
