/* Programmes for administrators: /admin/programmes (the list and a form for a new one), a
 * programme's page (its settings, course sets, assignment rules and the people assigned, with
 * their state, filterable and exported as CSV), and /api/v1/programmes. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "../people/people.h"

bool web_find_programme(struct request *req, struct response *res, int64_t *id)
{
    struct problem p = {0};
    if (programme_id_by_code(req->db, req_param(req, "code"), id, &p) == LE_OK) return true;
    web_fail(res, &p);
    return false;
}

/* "all" (or nothing) is 0; a number of courses from 1; anything else -1. */
static int require_parse(const char *s)
{
    if (!s || !*s || str_eq(s, "all")) return 0;
    char *end;
    long n = strtol(s, &end, 10);
    return *end || n < 1 || n > 1000 ? -1 : (int)n;
}

bool web_programme_set_from_json(struct request *req, json_t *j, const char *list_name, int i,
                                 struct programme_set_input *out, struct problem *p)
{
    const char *field = arena_sprintf(req->arena, "%s[%d]", list_name, i);
    json_t *courses = json_object_get(j, "courses"), *req_n = json_object_get(j, "require");
    if (!json_is_object(j) || !(json_is_array(courses) || json_is_string(courses))) {
        problem_set(p, LE_INVALID, field, "Set %d: give its courses as a list of course codes.", i + 1);
        return false;
    }
    const char *list = json_is_string(courses) ? json_string_value(courses) : "";
    size_t k;
    json_t *c;
    json_array_foreach(courses, k, c) list = arena_sprintf(req->arena, "%s%s%s", list, k ? "," : "",
                                                           json_is_string(c) ? json_string_value(c) : "?");
    out->courses = list;
    out->require_n = json_is_integer(req_n) ? (int)json_integer_value(req_n)
                     : json_is_string(req_n) ? require_parse(json_string_value(req_n))
                     : req_n ? -1 : 0;
    if (out->require_n < 0 || (json_is_integer(req_n) && json_integer_value(req_n) < 1)) {
        problem_set(p, LE_INVALID, field, "Set %d: require is \"all\" or how many of its courses (from 1).", i + 1);
        return false;
    }
    out->after_previous = json_is_true(json_object_get(j, "after_previous"));
    return true;
}

/* The sets and the due date of an API body into in. */
static bool programme_from_json(struct request *req, struct programme_input *in, struct problem *p)
{
    json_t *body = req_json(req);
    json_t *sets = json_object_get(body, "sets"), *due = json_object_get(body, "due");
    if (sets && !json_is_array(sets)) {
        problem_set(p, LE_INVALID, "sets", "Give the sets as a list: [{\"courses\": [...], \"require\": \"all\"}].");
        return false;
    }
    in->n_sets = (int)json_array_size(sets);
    if (in->n_sets > PROGRAMME_SETS_MAX) return true; /* the model says so */
    struct programme_set_input *list = arena_alloc(req->arena, (size_t)(in->n_sets + 1) * sizeof *list);
    for (int i = 0; i < in->n_sets; i++)
        if (!web_programme_set_from_json(req, json_array_get(sets, (size_t)i), "sets", i, &list[i], p)) return false;
    in->sets = list;
    if (!web_certification_from_json(req, body, in, p)) return false;
    if (!due || json_is_null(due)) return true;
    json_t *days = json_object_get(due, "days_after_assignment"), *date = json_object_get(due, "date");
    json_t *start = json_object_get(due, "days_after_start");
    int rules = !!days + !!date + !!start;
    if (rules == 1 && json_is_integer(days) && json_integer_value(days) >= 1 && json_integer_value(days) <= 3650)
        in->due_days = (int)json_integer_value(days);
    else if (rules == 1 && json_is_integer(start) && json_integer_value(start) >= 1 && json_integer_value(start) <= 3650)
        in->due_start_days = (int)json_integer_value(start);
    else if (rules == 1 && json_is_string(date))
        in->due_date = json_string_value(date);
    else {
        problem_set(p, LE_INVALID, "due",
                    "Give the due date as {\"days_after_assignment\": N} or {\"days_after_start\": N} (1 to 3650), or "
                    "{\"date\": \"YYYY-MM-DD\"}.");
        return false;
    }
    return true;
}

/* A page's form: its fields as sent (an empty number or date is none). */
static void programme_from_form(struct request *req, struct programme_input *in)
{
    in->title = req_param(req, "title");
    in->summary = req_param(req, "summary");
    in->status = req_param(req, "status");
    if (req_has_param(req, "due_days") || !req->is_api) in->due_days = (int)req_param_int(req, "due_days", 0);
    if (req_has_param(req, "due_start_days") || !req->is_api)
        in->due_start_days = (int)req_param_int(req, "due_start_days", 0);
    in->due_date = req_param(req, "due_date");
    if (!in->due_date && !req->is_api) in->due_date = "";
    web_certification_from_form(req, in);
}

/* words: programmes.kind_{user,department,job_role,team,everyone} */
const char *web_rule_kind_label(struct request *req, const char *kind)
{
    return T(req, arena_sprintf(req->arena, "programmes.kind_%s", kind ? kind : ""));
}

/* words: programmes.status_{draft,active,archived} */
static const char *status_label(struct request *req, json_t *j)
{
    return T(req, arena_sprintf(req->arena, "programmes.status_%s", json_string_value(json_object_get(j, "status"))));
}

/* After a change: the programme as it is now, and for a page its address with a flash. */
static void programme_changed(struct request *req, struct response *res, int64_t id, int status, const char *flash)
{
    json_t *programme = programme_json(req->db, req->arena, id);
    if (status) res->status = status;
    const char *code = json_string_value(json_object_get(programme, "code"));
    res->redirect = code ? arena_sprintf(req->arena, "/admin/programmes/%s", code) : "/admin/programmes";
    res->model = json_pack("{s:o*}", "programme", programme);
    web_flash(req, res, flash);
}

void h_programmes_list(struct request *req, struct response *res)
{
    json_t *list = programmes_json(req->db, req->arena);
    size_t i;
    json_t *x;
    if (!req->is_api) json_array_foreach(list, i, x) json_object_set_new(x, "status_label", json_string(status_label(req, x)));
    res->model = json_pack("{s:o}", "programmes", list);
    res->template = "schedules/programmes";
    res->title = T(req, "programmes.title");
}

void h_programme_create(struct request *req, struct response *res)
{
    struct programme_input in = PROGRAMME_INPUT_INIT;
    struct problem p = {0};
    programme_from_form(req, &in);
    in.code = req_param(req, "code");
    int64_t id;
    if ((req_json(req) && !programme_from_json(req, &in, &p)) ||
        programme_create(req->db, req->arena, &in, req->user->id, &id, &p)) {
        web_fail(res, &p);
        return;
    }
    programme_changed(req, res, id, 201, "flash.programme_saved");
}

/* The programme's status, its sets' requirements and its rules in words, and the choices of
 * the forms that change them. */
static void programme_page_words(struct request *req, json_t *model)
{
    json_t *programme = json_object_get(model, "programme"), *x;
    size_t i;
    json_object_set_new(programme, "status_label", json_string(status_label(req, programme)));
    json_object_set(model, "programme_code", json_object_get(programme, "code"));
    json_array_foreach(json_object_get(programme, "sets"), i, x)
    {
        json_t *require = json_object_get(x, "require");
        if (json_is_integer(require)) json_object_set(x, "require_any", require);
    }
    static const char *const kinds[] = {"job_role", "department", "team", "user", "everyone"};
    json_array_foreach(json_object_get(model, "rules"), i, x) json_object_set_new(
        x, "kind_label", json_string(web_rule_kind_label(req, json_string_value(json_object_get(x, "kind")))));
    json_t *kind_options = json_array(), *status_options = json_array();
    for (i = 0; i < sizeof kinds / sizeof *kinds; i++)
        json_array_append_new(kind_options,
                              json_pack("{s:s, s:s}", "value", kinds[i], "label", web_rule_kind_label(req, kinds[i])));
    static const char *const statuses[] = {"draft", "active", "archived"};
    const char *status = json_string_value(json_object_get(programme, "status"));
    for (i = 0; i < 3; i++)
        json_array_append_new(status_options,
                              json_pack("{s:s, s:s, s:b}", "value", statuses[i], "label",
                                        T(req, arena_sprintf(req->arena, "programmes.status_%s", statuses[i])), "selected",
                                        str_eq(status, statuses[i])));
    json_object_set_new(model, "kinds", kind_options);
    json_object_set_new(model, "statuses", status_options);
}

/* The managers a reporting line may be assigned by, by name, so nobody copies a username. */
static void manager_choices(struct request *req, json_t *model)
{
    struct user_filter mf = {.role = ROLE_MANAGER, .status = "active", .sort = "name"};
    struct user *managers;
    int n = 0, total = 0;
    json_t *list = json_array();
    if (user_list_filtered(req->db, req->arena, req->user->id, req->user->roles, &mf, 1, 200, &managers, &n, &total))
        n = 0;
    for (int i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:s, s:s}", "username", managers[i].username, "name",
                                              arena_sprintf(req->arena, "%s %s", managers[i].first_name,
                                                            managers[i].last_name)));
    json_object_set_new(model, "managers", list);
}

/* The page's choices and words: courses for a new set, the organisation for an assignment,
 * the states to filter by. */
static void programme_page(struct request *req, struct response *res, int64_t id, json_t *assignments)
{
    /* words: schedules.state_{assigned,in_progress,complete,overdue,certified,renewal_open,expired} */
    static const char *const states[] = {"assigned",  "in_progress",  "complete", "overdue",
                                         "certified", "renewal_open", "expired"};
    const char *chosen = req_param(req, "state");
    json_t *filter = json_array();
    for (size_t i = 0; i < sizeof states / sizeof *states; i++)
        json_array_append_new(filter, json_pack("{s:s, s:s, s:b}", "value", states[i], "label",
                                                T(req, arena_sprintf(req->arena, "schedules.state_%s", states[i])),
                                                "selected", str_eq(chosen, states[i])));
    web_assignment_labels(req, assignments);
    json_object_set_new(res->model, "states", filter);
    programme_page_words(req, res->model);
    json_object_set_new(res->model, "courses", programme_course_choices(req->db));
    json_object_set_new(res->model, "csv_href",
                        json_string(arena_sprintf(req->arena, "/admin/programmes/%s/assignments.csv%s%s",
                                                  req_param(req, "code"), chosen && *chosen ? "?state=" : "",
                                                  chosen && *chosen ? web_query_value(req->arena, chosen) : "")));
    web_org_choices(req, res->model);
    manager_choices(req, res->model);
    web_certification_choices(req, res->model);
    res->template = "schedules/programme";
}

/* The assignments the request asks for (?state=); false with a 422 for an unknown state. */
static json_t *assignments_asked(struct request *req, struct response *res, int64_t id)
{
    const char *state = req_param(req, "state");
    enum assignment_state s;
    if (state && *state && !assignment_state_parse(state, &s)) {
        res_error(res, LE_INVALID, "state", "Choose the state: assigned, in_progress, complete, overdue, certified, renewal_open or expired.");
        return NULL;
    }
    json_t *list = programme_assignments_json(req->db, req->arena, id, state);
    if (!list) res_error(res, LE_DB, NULL, "The assignments could not be read; try again.");
    return list;
}

void h_programme_show(struct request *req, struct response *res)
{
    int64_t id;
    if (!web_find_programme(req, res, &id)) return;
    json_t *programme = programme_json(req->db, req->arena, id);
    json_t *assignments = req->is_api ? NULL : assignments_asked(req, res, id);
    if (!programme || (!req->is_api && !assignments)) {
        json_decref(programme);
        if (!res->problem.code) res_error(res, LE_DB, NULL, "The programme could not be read; try again.");
        return;
    }
    res->model = json_pack("{s:o, s:o, s:o*}", "programme", programme, "rules", programme_rules_json(req->db, req->arena, id),
                           "reminders", programme_reminders_json(req->db, id));
    res->title = json_string_value(json_object_get(programme, "title"));
    if (req->is_api) return;
    json_object_set_new(res->model, "assignments", assignments);
    programme_page(req, res, id, assignments);
}

void h_programme_update(struct request *req, struct response *res)
{
    int64_t id;
    if (!web_find_programme(req, res, &id)) return;
    struct programme_input in = PROGRAMME_INPUT_INIT;
    programme_from_form(req, &in);
    struct problem p = {0};
    if (programme_update(req->db, req->arena, id, &in, req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    programme_changed(req, res, id, 0, "flash.programme_saved");
}

void h_programme_set_add(struct request *req, struct response *res)
{
    int64_t id;
    if (!web_find_programme(req, res, &id)) return;
    struct programme_set_input in = {.courses = req_param(req, "courses"),
                                     .require_n = require_parse(req_param(req, "require")),
                                     .after_previous = req_param_bool(req, "after_previous"),
                                     .renewal = req_param_bool(req, "renewal")};
    struct problem p = {0};
    if (in.require_n < 0)
        problem_set(&p, LE_INVALID, "require", "Leave how many empty for all of the courses, or give a number from 1.");
    if (p.code || programme_set_add(req->db, req->arena, id, &in, req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    programme_changed(req, res, id, 201, "flash.programme_set_added");
}

/* Before a set is removed from a programme people are part-way through: how many, and what
 * becomes of them; true when the request is answered with that confirm step (a page) or a 409
 * naming "confirm" (the API). */
static bool set_delete_needs_confirm(struct request *req, struct response *res, int64_t id, int64_t set_id)
{
    int64_t part_way = 0;
    struct problem p = {0};
    if (req_param_bool(req, "confirm")) return false;
    if (programme_part_way(req->db, req->arena, id, &part_way, &p)) {
        web_fail(res, &p);
        return true;
    }
    if (!part_way) return false;
    if (req->is_api) {
        res_error(res, LE_CONFLICT, "confirm",
                  "%lld %s part-way through this programme: the set stops counting for them (their courses and "
                  "completions stay). Send confirm=true to remove it.",
                  (long long)part_way, part_way == 1 ? "person is" : "people are");
        return true;
    }
    web_programme_confirm(req, res,
                          &(struct programme_confirm){
                              .heading_key = "programmes.set_remove_heading",
                              .what = T(req, "programmes.set_remove_what"),
                              .consequence_key = "programmes.set_remove_consequence",
                              .affected = part_way,
                              .button_key = "programmes.set_remove_button",
                              .action = arena_sprintf(req->arena, "/admin/programmes/%s/sets/%lld/delete",
                                                      req_param(req, "code"), (long long)set_id)});
    return true;
}

void h_programme_set_delete(struct request *req, struct response *res)
{
    int64_t id, set_id = req_param_int(req, "id", 0);
    if (!web_find_programme(req, res, &id) || set_delete_needs_confirm(req, res, id, set_id)) return;
    struct problem p = {0};
    if (programme_set_delete(req->db, req->arena, id, set_id, req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    programme_changed(req, res, id, 0, "flash.programme_set_deleted");
}

/* Whom to assign: the kind sent, or the one the API body's field implies. */
static const char *assign_kind(struct request *req)
{
    const char *kind = req_param(req, "kind");
    if (kind && *kind) return kind;
    if (req_param(req, "username")) return "user";
    if (req_param(req, "manager")) return "team";
    if (req_has_param(req, "department_id")) return "department";
    if (req_has_param(req, "job_role_id")) return "job_role";
    if (req_param_bool(req, "everyone")) return "everyone";
    return "";
}

/* The confirm step of an assignment whose fixed due date has passed: the same choice sent again. */
static void assign_confirm(struct request *req, struct response *res, const struct programme_rule_input *in,
                           int64_t added, const char *message)
{
    static const char *const names[] = {"kind", "username", "department_id", "job_role_id", "manager"};
    struct confirm_field fields[5];
    int n = 0;
    for (int i = 0; i < 5; i++) {
        const char *v = str_eq(names[i], "kind") ? in->kind : req_param(req, names[i]);
        if (v && *v) fields[n++] = (struct confirm_field){names[i], v};
    }
    web_programme_confirm(req, res,
                          &(struct programme_confirm){.heading_key = "programmes.assign_past_due_heading",
                                                      .what = message,
                                                      .consequence_key = "programmes.assign_past_due_consequence",
                                                      .affected = added,
                                                      .button_key = "programmes.assign_past_due_button",
                                                      .action = arena_sprintf(req->arena, "/admin/programmes/%s/assignments",
                                                                              req_param(req, "code")),
                                                      .fields = fields,
                                                      .n_fields = n});
}

void h_programme_assign(struct request *req, struct response *res)
{
    int64_t id, added = 0;
    if (!web_find_programme(req, res, &id)) return;
    struct programme_rule_input in = {.kind = assign_kind(req), .username = req_param(req, "username"),
                                      .manager = req_param(req, "manager"),
                                      .department_id = req_param_int(req, "department_id", 0),
                                      .job_role_id = req_param_int(req, "job_role_id", 0)};
    in.confirm_past_due = req_param_bool(req, "confirm");
    struct problem p = {0};
    if (programme_assign(req->db, req->arena, id, &in, req->user->id, &added, &p)) {
        if (!req->is_api && str_eq(p.field, "confirm")) assign_confirm(req, res, &in, added, p.message);
        else web_fail(res, &p);
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:I, s:o}", "added", (json_int_t)added, "rules", programme_rules_json(req->db, req->arena, id));
    web_flash(req, res, "flash.programme_assigned");
    res->redirect = arena_sprintf(req->arena, "/admin/programmes/%s", req_param(req, "code"));
}

/* The assignments of the programme the path names, as the request asks; NULL when answered. */
static json_t *programme_assignments_asked(struct request *req, struct response *res)
{
    int64_t id;
    return web_find_programme(req, res, &id) ? assignments_asked(req, res, id) : NULL;
}

void h_programme_assignments(struct request *req, struct response *res)
{
    json_t *list = programme_assignments_asked(req, res);
    if (list) res->model = json_pack("{s:o}", "items", list);
}

void h_programme_assignments_csv(struct request *req, struct response *res)
{
    json_t *list = programme_assignments_asked(req, res);
    if (!list) return;
    static const char *const cols[] = {"username", "name", "state", "due", "assigned_at", "completed_at",
                                       "expires", "done", "required", "percent"};
    web_csv_answer(req, res, cols, sizeof cols / sizeof cols[0], list,
                   arena_sprintf(req->arena, "%s-assignments.csv", req_param(req, "code")));
    json_decref(list);
}

void h_programme_extend(struct request *req, struct response *res)
{
    int64_t id;
    if (!web_find_programme(req, res, &id)) return;
    struct problem p = {0};
    if (programme_extend(req->db, req->arena, id, req_param(req, "username"), req_param(req, "due"),
                         req_param(req, "reason"), req->user->id, req->user->roles, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:s, s:s}", "username", req_param(req, "username"), "due", req_param(req, "due"));
    web_flash(req, res, "flash.programme_extended");
    res->redirect = "/team/plan";
}
