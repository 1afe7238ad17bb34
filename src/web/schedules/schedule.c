/* The administrators' schedule (/admin/schedule, /api/v1/schedule and its CSV): who is due in
 * each of the next weeks, who is overdue and whose certification is expiring, filtered by
 * programme, department or job role. Two queries beside the session's: the filters' choices
 * and the rows (docs/schedules.md). */
#include <string.h>
#include "internal.h"

/* The id of the choice in list whose code is code, or whose id is id; 0 for none. */
static int64_t choice_id(json_t *list, const char *code, int64_t id)
{
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        int64_t xid = json_integer_value(json_object_get(x, "id"));
        if (code ? str_eq(json_string_value(json_object_get(x, "code")), code) : xid == id) return xid;
    }
    return 0;
}

/* Each department's name with its parents' before it ("Operations / North"), and which filter
 * options are chosen. */
static void choices_words(struct request *req, json_t *choices, const struct schedule_filter *f)
{
    json_t *depts = json_object_get(choices, "departments"), *x, *y;
    size_t i, j;
    json_array_foreach(depts, i, x)
    {
        const char *path = json_string_value(json_object_get(x, "name"));
        int64_t parent = json_integer_value(json_object_get(x, "parent_id"));
        for (int depth = 0; parent && depth < 50; depth++) {
            json_t *up = NULL;
            json_array_foreach(depts, j, y) if (json_integer_value(json_object_get(y, "id")) == parent) up = y;
            if (!up) break;
            path = arena_sprintf(req->arena, "%s / %s", json_string_value(json_object_get(up, "name")), path);
            parent = json_integer_value(json_object_get(up, "parent_id"));
        }
        json_object_set_new(x, "path", json_string(path));
        json_object_set_new(x, "selected", json_boolean(json_integer_value(json_object_get(x, "id")) == f->department_id));
    }
    json_array_foreach(json_object_get(choices, "job_roles"), i, x) json_object_set_new(
        x, "selected", json_boolean(json_integer_value(json_object_get(x, "id")) == f->job_role_id));
    json_array_foreach(json_object_get(choices, "programmes"), i, x) json_object_set_new(
        x, "selected", json_boolean(json_integer_value(json_object_get(x, "id")) == f->programme_id));
}

/* The filters the query asks for, checked against the choices; false with a 422 answered. */
static bool schedule_filter_read(struct request *req, struct response *res, json_t *choices, struct schedule_filter *f)
{
    const char *code = req_param(req, "programme");
    f->weeks = req_has_param(req, "weeks") ? (int)req_param_int(req, "weeks", 0) : SCHEDULE_WEEKS_DEFAULT;
    f->department_id = req_param_int(req, "department_id", 0);
    f->job_role_id = req_param_int(req, "job_role_id", 0);
    f->programme_id = code && *code ? choice_id(json_object_get(choices, "programmes"), code, 0) : 0;
    if (f->weeks < 1 || f->weeks > SCHEDULE_WEEKS_MAX)
        res_error(res, LE_INVALID, "weeks", "Give the weeks ahead as a number from 1 to %d.", SCHEDULE_WEEKS_MAX);
    else if (code && *code && !f->programme_id)
        res_error(res, LE_INVALID, "programme", "There is no active programme '%s'; choose one from the list.", code);
    else if (f->department_id &&
             !choice_id(json_object_get(choices, "departments"), NULL, f->department_id))
        res_error(res, LE_INVALID, "department_id", "The chosen department no longer exists; choose another.");
    else if (f->job_role_id && !choice_id(json_object_get(choices, "job_roles"), NULL, f->job_role_id))
        res_error(res, LE_INVALID, "job_role_id", "The chosen job role no longer exists; choose another.");
    return !res->problem.code;
}

/* How many each part holds, and the expiring items' state in words. */
static void schedule_words(struct request *req, json_t *s)
{
    json_t *w, *x;
    size_t i;
    json_array_foreach(json_object_get(s, "due"), i, w)
        json_object_set_new(w, "count", json_integer((json_int_t)json_array_size(json_object_get(w, "items"))));
    json_object_set_new(s, "overdue_count", json_integer((json_int_t)json_array_size(json_object_get(s, "overdue"))));
    /* words: schedule.state_{expiring,expired} */
    json_array_foreach(json_object_get(s, "expiring"), i, x) json_object_set_new(
        x, "state_label",
        json_string(T(req, arena_sprintf(req->arena, "schedule.state_%s", json_string_value(json_object_get(x, "state"))))));
}

/* The schedule as asked, or NULL with the error answered. */
static json_t *schedule_asked(struct request *req, struct response *res, struct schedule_filter *f, json_t **choices)
{
    *choices = schedule_choices(req->db, req->arena);
    json_t *s = schedule_filter_read(req, res, *choices, f) ? schedule_json(req->db, req->arena, f, time_now()) : NULL;
    if (!s && !res->problem.code) res_error(res, LE_DB, NULL, "The schedule could not be read; try again.");
    return s;
}

/* The filters as a query string, for the CSV link. */
static const char *schedule_query(struct request *req)
{
    static const char *const keys[] = {"programme", "department_id", "job_role_id", "weeks"};
    const char *pairs[2 * 4 + 1];
    for (int i = 0; i < 4; i++) {
        pairs[2 * i] = keys[i];
        pairs[2 * i + 1] = req_param(req, keys[i]);
    }
    pairs[8] = NULL;
    const char *q = web_query_string(req, pairs);
    return q && *q ? arena_sprintf(req->arena, "?%s", q) : "";
}

void h_schedule(struct request *req, struct response *res)
{
    struct schedule_filter f = {0};
    json_t *choices, *s = schedule_asked(req, res, &f, &choices);
    res->template = "schedules/schedule";
    res->title = T(req, "schedule.title");
    if (!s) {
        /* A page keeps its filters to correct the one refused. */
        if (!req->is_api) {
            choices_words(req, choices, &f);
            res->model = json_pack("{s:o, s:s?}", "choices", choices, "weeks_value", req_param(req, "weeks"));
        } else {
            json_decref(choices);
        }
        return;
    }
    if (req->is_api) {
        json_decref(choices);
        res->model = json_pack("{s:o}", "schedule", s);
        return;
    }
    choices_words(req, choices, &f);
    schedule_words(req, s);
    res->model = json_pack("{s:o, s:o, s:s, s:i}", "schedule", s, "choices", choices, "csv_href",
                           arena_sprintf(req->arena, "/admin/schedule.csv%s", schedule_query(req)), "weeks_value",
                           f.weeks);
}

/* One CSV row per person and item: which part of the schedule, the week, the programme, the
 * person and the dates. */
void h_schedule_csv(struct request *req, struct response *res)
{
    struct schedule_filter f = {.max_rows = SCHEDULE_CSV_ROWS_MAX};
    json_t *choices, *s = schedule_asked(req, res, &f, &choices);
    json_decref(choices);
    if (!s) return;
    json_t *rows = json_array(), *w, *x;
    size_t i, j;
    json_array_foreach(json_object_get(s, "due"), i, w) json_array_foreach(json_object_get(w, "items"), j, x)
    {
        json_object_set(x, "week", json_object_get(w, "week"));
        json_object_set(x, "week_from", json_object_get(w, "from"));
        json_array_append(rows, x);
    }
    json_array_foreach(json_object_get(s, "overdue"), i, x) json_array_append(rows, x);
    json_array_foreach(json_object_get(s, "expiring"), i, x) json_array_append(rows, x);
    static const char *const cols[] = {"state", "week", "week_from", "code", "title", "username", "name",
                                       "department", "job_role", "due", "expires"};
    web_csv_answer(req, res, cols, sizeof cols / sizeof cols[0], rows, "schedule.csv");
    json_decref(rows);
    json_decref(s);
}
