/* Managing a course on its own pages, one tab each (docs/courses.md): overview, content,
 * participants, enrolment rules and settings here; the question bank, quizzes and grading are
 * assessments' pages under the same tabs. For administrators and the course's instructors;
 * what a learner sees stays on the course page. */
#include <string.h>
#include "internal.h"
#include "../people/people.h"

bool web_may_manage_course(struct request *req, const struct course *c)
{
    return req->user && ((req->user->roles & ROLE_ADMIN) || (c->my_role && str_eq(c->my_role, "instructor")));
}

/* The course named by the path if the viewer may manage it (else 404 or 403). */
static bool managed_course(struct request *req, struct response *res, struct course *c)
{
    struct problem p = {0};
    const char *code = req_param(req, "course");
    if (course_get(req->db, req->arena, code, req->user->id, c, &p) == LE_OK) {
        if (web_may_manage_course(req, c)) return true;
        problem_set(&p, LE_FORBIDDEN, NULL, "Only administrators and the course's instructors manage this course.");
    }
    web_fail(res, &p);
    return false;
}

json_t *web_manage_model(struct request *req, const struct course *c, const char *tab)
{
    json_t *course = course_to_json(req->arena, c);
    json_object_del(course, "policy_html");
    json_object_set_new(course, "kind_label",
                        /* words: courses.kind_{page,file,link,quiz,elearning,classroom,blended} courses.status_{draft,published,archived} */
                        json_string(T(req, arena_sprintf(req->arena, "courses.kind_%s", c->kind))));
    json_object_set_new(course, "status_label",
                        json_string(T(req, arena_sprintf(req->arena, "courses.status_%s", c->status))));
    json_t *tabs = json_object();
    json_object_set_new(tabs, tab, json_true());
    return json_pack("{s:o, s:o, s:b}", "course", course, "tab", tabs, "is_admin",
                     role_has_cap(req->user->roles, CAP_COURSES_MANAGE));
}

static void manage_page(struct request *req, struct response *res, const struct course *c, const char *tab,
                        const char *title_key)
{
    res->model = web_manage_model(req, c, tab);
    res->template = arena_sprintf(req->arena, "courses/manage_%s", tab);
    res->title = arena_sprintf(req->arena, "%s: %s", T(req, title_key), c->title);
}

/* ---- Overview ---- */

void h_course_manage(struct request *req, struct response *res)
{
    struct course c;
    if (!managed_course(req, res, &c)) return;
    manage_page(req, res, &c, "overview", "manage.title");
    int64_t enrolled = 0, completed = 0;
    if (course_enrolment_counts(req->db, c.id, &enrolled, &completed)) {
        res_error(res, LE_DB, NULL, "The course's enrolments could not be counted; try again.");
        return;
    }
    json_t *content = course_content_json(req->db, req->arena, &c, 0);
    json_t *sections = json_object_get(content, "sections");
    size_t n_activities = 0, i;
    json_t *s;
    json_array_foreach(sections, i, s) n_activities += json_array_size(json_object_get(s, "activities"));
    json_object_set_new(res->model, "counts",
                        json_pack("{s:I, s:I, s:I, s:I}", "sections", (json_int_t)json_array_size(sections),
                                  "activities", (json_int_t)n_activities, "enrolled", (json_int_t)enrolled,
                                  "completed", (json_int_t)completed));
    json_decref(content);
}

/* ---- Content ---- */

/* The kinds the activity form offers: every registered kind, so that a kind added by a domain
 * above courses appears by itself. Its label is "courses.kind_<name>", or its name. */
static json_t *activity_kind_choices(struct request *req)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < activity_kind_count(); i++) {
        const char *name = activity_kind_at(i)->name;
        const char *key = arena_sprintf(req->arena, "courses.kind_%s", name);
        const char *label = T(req, key);
        json_array_append_new(arr, json_pack("{s:s, s:s}", "value", name, "label", str_eq(label, key) ? name : label));
    }
    return arr;
}

/* Each activity's "Move to section" choices, its own section selected. */
static void add_move_choices(json_t *sections)
{
    size_t i, k, m;
    json_t *section, *activity, *other;
    json_array_foreach(sections, i, section) {
        json_array_foreach(json_object_get(section, "activities"), k, activity) {
            json_t *choices = json_array();
            json_array_foreach(sections, m, other)
                json_array_append_new(choices, json_pack("{s:O, s:O, s:b}", "id", json_object_get(other, "id"), "title",
                                                         json_object_get(other, "title"), "selected", m == i));
            json_object_set_new(activity, "move_choices", choices);
        }
    }
}

void h_course_manage_content(struct request *req, struct response *res)
{
    struct course c;
    if (!managed_course(req, res, &c)) return;
    manage_page(req, res, &c, "content", "manage.content");
    json_t *content = course_content_json(req->db, req->arena, &c, 0);
    json_t *sections = json_object_get(content, "sections");
    add_move_choices(sections);
    json_object_set(res->model, "sections", sections);
    json_decref(content);
    json_object_set_new(res->model, "activity_kinds", activity_kind_choices(req));
}

/* ---- Participants ---- */

void web_manage_participants(struct request *req, struct response *res, const struct course *c)
{
    manage_page(req, res, c, "participants", "manage.participants");
    json_object_set_new(res->model, "enrolments", course_learners_json(req->db, req->arena, c->id, NULL, NULL));
}

void h_course_manage_participants(struct request *req, struct response *res)
{
    struct course c;
    if (managed_course(req, res, &c)) web_manage_participants(req, res, &c);
}

static json_t *import_rows_json(const struct course_import_result *r)
{
    json_t *rows = json_array();
    for (int i = 0; i < r->n_rows; i++) {
        json_t *errs = json_array();
        for (int k = 0; k < r->rows[i].n_errors; k++)
            json_array_append_new(errs, json_pack("{s:i, s:s, s:s}", "line", r->rows[i].errors[k].line, "column",
                                                  r->rows[i].errors[k].column, "message",
                                                  r->rows[i].errors[k].message));
        json_array_append_new(rows, json_pack("{s:i, s:s, s:s, s:s?, s:o, s:b}", "line", r->rows[i].line, "who",
                                              r->rows[i].code ? r->rows[i].code : "", "outcome", r->rows[i].outcome,
                                              "note", r->rows[i].note, "errors", errs, "error",
                                              r->rows[i].n_errors > 0));
    }
    return rows;
}

/* The participants tab's CSV upload: a preview first; the commit checks the file again and
 * writes every row or, when any row has an error, none. */
/* The upload's outcome on the page: the preview, or after a commit the tab again. */
static void upload_outcome(struct request *req, struct response *res, const struct course *c,
                           const struct course_import_result *r, const char *data, size_t len, bool commit)
{
    json_t *upload = json_pack("{s:o, s:i, s:i, s:i, s:b, s:o, s:b}", "rows", import_rows_json(r), "n_enrol",
                               r->n_create, "n_unenrol", r->n_update, "n_errors", r->n_errors, "committed",
                               r->committed, "unknown", r->unknown ? r->unknown : json_array(), "can_commit",
                               !r->file_error && !r->n_errors && !r->committed);
    if (!r->committed) json_object_set_new(upload, "data", json_stringn(data, len)); /* the commit button's copy */
    json_object_set_new(res->model, "upload", upload);
    struct problem p = {0};
    if (r->file_error) {
        problem_set(&p, LE_INVALID, "file", "%s", r->file_error);
        web_fail(res, &p);
    } else if (commit && !r->committed) {
        problem_set(&p, LE_INVALID, "file", "Nothing was written: %d row(s) have errors; fix them and upload again.",
                    r->n_errors);
        web_fail(res, &p);
    } else if (r->committed) {
        web_flash(req, res, "flash.enrolled");
        res->redirect = arena_sprintf(req->arena, "/courses/%s/manage/participants", c->code);
    }
}

void h_course_enrol_upload(struct request *req, struct response *res)
{
    struct course c;
    if (!managed_course(req, res, &c)) return;
    web_manage_participants(req, res, &c);
    const struct uploaded_file *f = req_file(req, "file");
    const char *data = f && f->len ? (const char *)f->data : req_param(req, "data");
    size_t len = f && f->len ? f->len : data ? strlen(data) : 0;
    bool commit = req_param_bool(req, "commit");
    struct problem p = {0};
    if (!data || !len) {
        problem_set(&p, LE_INVALID, "file", "Choose a CSV file with a username column (and role and due if you like).");
        web_fail(res, &p);
        return;
    }
    struct course_import_result r;
    lerr e = enrol_import_course(req->db, req->arena, &c, data, len, false, req->user->id, req->user->roles, &r, &p);
    if (!e && commit && !r.file_error && !r.n_errors) {
        json_decref(r.unknown);
        e = enrol_import_course(req->db, req->arena, &c, data, len, true, req->user->id, req->user->roles, &r, &p);
    }
    if (e)
        web_fail(res, &p);
    else
        upload_outcome(req, res, &c, &r, data, len, commit);
}

/* ---- Enrolment rules (administrators: the rule routes are theirs) ---- */

void h_course_manage_rules(struct request *req, struct response *res)
{
    struct course c;
    if (!managed_course(req, res, &c)) return;
    manage_page(req, res, &c, "rules", "manage.rules");
    json_object_set_new(res->model, "rules", enrol_rules_json(req->db, c.id));
    if (!role_has_cap(req->user->roles, CAP_COURSES_MANAGE)) return; /* the rules' routes need it */
    web_org_choices(req, res->model);
}

/* ---- Settings ---- */

void web_manage_settings(struct request *req, struct response *res, const struct course *c)
{
    manage_page(req, res, c, "settings", "manage.settings");
    json_t *course = json_object_get(res->model, "course");
    json_object_set_new(res->model, "categories", web_category_choices(req, c->category_id));
    json_object_set_new(res->model, "kinds", web_course_kind_choices(req, c->kind));
    json_object_set_new(res->model, "is_draft", json_boolean(str_eq(c->status, "draft")));
    json_object_set_new(res->model, "is_published", json_boolean(str_eq(c->status, "published")));
    json_object_set_new(res->model, "is_archived", json_boolean(str_eq(c->status, "archived")));
    static const char *const fields[] = {"code",       "title",  "summary", "start_date", "end_date",
                                         "duration_minutes", "policy", "visible", "self_enrol",
                                         "self_enrol_approval"};
    json_t *form = json_object();
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        json_object_set(form, fields[i], json_object_get(course, fields[i]));
    json_object_set_new(form, "tags", json_string(c->tag_list));
    json_object_set_new(res->model, "form", form);
}

void h_course_manage_settings(struct request *req, struct response *res)
{
    struct course c;
    if (managed_course(req, res, &c)) web_manage_settings(req, res, &c);
}

/* ---- The administrators' course list ---- */

static const char *const admin_sort_keys[] = {"title", "code", "status", "kind", "category", "enrolled", "completed",
                                              "updated"};

static json_t *status_choices(struct request *req, const char *selected)
{
    static const char *const statuses[] = {"draft", "published", "archived"};
    json_t *arr = json_array();
    for (size_t i = 0; i < 3; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", statuses[i], "label",
                                             T(req, arena_sprintf(req->arena, "courses.status_%s", statuses[i])),
                                             "selected", str_eq(statuses[i], selected)));
    return arr;
}

/* The filters as an address's query ("status=draft&kind=..."), for the sort links and pager. */
static const char *filter_query(struct request *req, const struct course_admin_query *q)
{
    struct arena *a = req->arena;
    return arena_sprintf(a, "status=%s&kind=%s&category_id=%lld&q=%s", web_query_value(a, q->status),
                         web_query_value(a, q->kind), (long long)q->category_id, web_query_value(a, q->q));
}

/* The list's query from the address; false (422 naming the field) for an unknown order. */
static bool admin_query(struct request *req, struct response *res, struct course_admin_query *q)
{
    const char *sort = req_param(req, "sort"), *dir = req_param(req, "dir");
    bool sort_ok = !sort || !*sort || course_admin_sort_known(sort);
    if (!sort_ok || (dir && *dir && !str_eq(dir, "asc") && !str_eq(dir, "desc"))) {
        res_error(res, LE_INVALID, sort_ok ? "dir" : "sort",
                  "Sort by title, code, status, kind, category, enrolled, completed or updated, in the direction asc "
                  "or desc.");
        return false;
    }
    *q = (struct course_admin_query){
        .status = req_param(req, "status"),
        .kind = req_param(req, "kind"),
        .q = req_param(req, "q"),
        .sort = sort && *sort ? sort : "title",
        .descending = dir && str_eq(dir, "desc"),
        .category_id = req_param_int(req, "category_id", 0),
        .page = (int)req_param_int(req, "page", 1),
        .per_page = (int)req_param_int(req, "per_page", 25),
    };
    return true;
}

static json_t *admin_rows_json(struct request *req, const struct course_admin_row *rows, int n)
{
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *row = course_admin_row_json(&rows[i]);
        if (!req->is_api) {
            json_object_set_new(row, "kind_label",
                                json_string(T(req, arena_sprintf(req->arena, "courses.kind_%s", rows[i].kind))));
            json_object_set_new(row, "status_label",
                                json_string(T(req, arena_sprintf(req->arena, "courses.status_%s", rows[i].status))));
            json_object_set_new(row, "is_draft", json_boolean(str_eq(rows[i].status, "draft")));
        }
        json_array_append_new(items, row);
    }
    return items;
}

/* The pager's links keep the filters and the order. */
static void admin_pager(struct request *req, json_t *model, const char *base, const char *filters,
                        const struct course_admin_query *q)
{
    const char *keep = arena_sprintf(req->arena, "%s?%s&sort=%s&dir=%s&per_page=%d", base, filters, q->sort,
                                     q->descending ? "desc" : "asc", q->per_page);
    if (json_is_string(json_object_get(model, "next")))
        json_object_set_new(model, "next", json_string(arena_sprintf(req->arena, "%s&page=%d", keep, q->page + 1)));
    if (json_is_string(json_object_get(model, "prev")))
        json_object_set_new(model, "prev", json_string(arena_sprintf(req->arena, "%s&page=%d", keep, q->page - 1)));
}

void h_admin_courses(struct request *req, struct response *res)
{
    struct course_admin_query q;
    if (!admin_query(req, res, &q)) return;
    struct course_admin_row *rows;
    int n, total;
    if (course_admin_list(req->db, req->arena, &q, &rows, &n, &total)) {
        res_error(res, LE_DB, NULL, "The courses could not be listed; try again.");
        return;
    }
    const char *base = req->is_api ? "/api/v1/admin/courses" : "/admin/courses";
    const char *filters = filter_query(req, &q);
    res->model = web_page_model(req, admin_rows_json(req, rows, n), q.page, q.per_page, total, base, NULL);
    admin_pager(req, res->model, base, filters, &q);
    json_object_set_new(res->model, "sort", json_string(q.sort));
    json_object_set_new(res->model, "dir", json_string(q.descending ? "desc" : "asc"));
    if (req->is_api) return;
    json_object_set_new(res->model, "columns",
                        web_sort_columns(req, arena_sprintf(req->arena, "/admin/courses?%s", filters), admin_sort_keys,
                                         sizeof admin_sort_keys / sizeof admin_sort_keys[0], q.sort, q.descending));
    json_object_set_new(res->model, "filter",
                        json_pack("{s:s, s:o, s:o, s:o}", "q", q.q ? q.q : "", "statuses",
                                  status_choices(req, q.status), "kinds", web_course_kind_choices(req, q.kind),
                                  "categories", web_category_choices(req, q.category_id)));
    res->template = "admin/courses";
    res->title = T(req, "admin_courses.title");
}
