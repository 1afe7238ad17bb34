/* The question bank of a course: list, create, read, edit, delete questions; GIFT import and
 * export. JSON under /api/v1/courses/CODE/questions (a question is the object of
 * src/model/assessments/assessments.h), pages under /courses/CODE/questions where a question is written as
 * GIFT. Administrators and the course's instructors only (CAP_QUIZZES_MANAGE, then the course
 * role: web_assess_manage_course). */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* Members of the API's question answers that are not part of the question itself. */
static const char *const meta_keys[] = {"id", "version", "category_id", "shared", "course", NULL};

/* The question as GIFT text (in the arena). */
static const char *question_gift(struct request *req, json_t *q)
{
    json_t *one = json_array();
    json_t *copy = json_deep_copy(q);
    for (size_t i = 0; meta_keys[i]; i++) json_object_del(copy, meta_keys[i]);
    json_array_append_new(one, copy);
    char *text = gift_write(one);
    json_decref(one);
    const char *out = text ? arena_strdup(req->arena, text) : "";
    free(text);
    return out;
}

/* The question the request sends: the JSON body (API), or one question written in GIFT in
 * the form field "gift" (the page). NULL with p set when there is none or it does not parse. */
static json_t *question_input(struct request *req, struct problem *p)
{
    json_t *body = req_json(req);
    if (body) {
        json_t *q = json_deep_copy(body);
        for (size_t i = 0; meta_keys[i]; i++) json_object_del(q, meta_keys[i]);
        return q;
    }
    if (req_has_param(req, "type")) return question_from_form(req, p);
    const char *gift = req_param(req, "gift");
    if (!gift || !*gift) {
        problem_set(p, LE_INVALID, "gift", "Write the question in GIFT, e.g. What is 2+2? {=4 ~3 ~5}");
        return NULL;
    }
    struct gift_file f = {0};
    if (gift_parse(gift, strlen(gift), &f, p)) {
        if (!p->field[0]) snprintf(p->field, sizeof p->field, "gift");
        return NULL;
    }
    json_t *q = NULL;
    if (f.n != 1) {
        problem_set(p, LE_INVALID, "gift", f.n ? "Write one question here (found %zu); import several from a file."
                                               : "Write the question in GIFT, e.g. What is 2+2? {=4 ~3 ~5}",
                    f.n);
    } else if (!f.entries[0].question) {
        problem_set(p, LE_INVALID, "gift", "%s", f.entries[0].error);
    } else {
        q = json_incref(f.entries[0].question);
    }
    gift_file_free(&f);
    return q;
}

static void bank_page_extras(struct request *req, struct response *res, const struct course *c)
{
    json_t *m = web_model(res);
    json_object_set_new(m, "course", web_assess_course_json(c));
    json_t *cats = qcategories_json(req->db, req->arena, c->id);
    json_object_set(m, "categories", json_object_get(cats, "categories"));
    json_decref(cats);
}

/* A question's form page: model from question_form_of or question_form_sent. */
static void type_form(struct request *req, struct response *res, const struct course *c, json_t *form)
{
    res->model = form;
    if (!json_object_get(form, "shared"))
        json_object_set_new(form, "shared", json_boolean(req_param_bool(req, "shared")));
    if (req_has_param(req, "id")) json_object_set_new(form, "id", json_integer(req_param_int(req, "id", 0)));
    json_object_set_new(form, "course", web_assess_course_json(c));
    res->template = "courses/question_form";
    res->title = T(req, "questions.edit");
}

static json_t *bank_categories(struct request *req, const struct course *c)
{
    json_t *cats = qcategories_json(req->db, req->arena, c->id);
    json_t *list = json_incref(json_object_get(cats, "categories"));
    json_decref(cats);
    return list;
}

/* The edit form again after a problem, with what was sent. */
static void edit_form(struct request *req, struct response *res, const struct course *c, const struct problem *p)
{
    if (req_has_param(req, "type") && !req->is_api) {
        json_t *cats = bank_categories(req, c);
        type_form(req, res, c, question_form_sent(req, cats));
        json_decref(cats);
        web_fail(res, p);
        return;
    }
    res->model = json_pack("{s:s, s:b}", "gift", req_param(req, "gift") ? req_param(req, "gift") : "", "shared",
                           req_param_bool(req, "shared"));
    if (req_has_param(req, "id")) json_object_set_new(res->model, "id", json_integer(req_param_int(req, "id", 0)));
    bank_page_extras(req, res, c);
    res->template = "courses/question_edit";
    res->title = T(req, "questions.edit");
    web_fail(res, p);
}

void h_questions_list(struct request *req, struct response *res)
{
    struct course c;
    if (!web_assess_manage_course(req, res, &c)) return;
    int page = (int)req_param_int(req, "page", 1), per_page = (int)req_param_int(req, "per_page", 25);
    const char *q = req_param(req, "q");
    res->model = questions_json(req->db, req->arena, c.id, req_param_int(req, "category_id", 0), q, page, per_page);
    if (!res->model) res->model = json_object();
    json_object_set_new(res->model, "page", json_integer(page));
    json_object_set_new(res->model, "per_page", json_integer(per_page));
    bank_page_extras(req, res, &c);
    if (!req->is_api) {
        json_object_set_new(res->model, "q", json_string(q ? q : ""));
        json_int_t total = json_integer_value(json_object_get(res->model, "total"));
        json_object_set_new(res->model, "prev_page", page > 1 ? json_integer(page - 1) : json_null());
        json_object_set_new(res->model, "next_page",
                            (json_int_t)page * per_page < total ? json_integer(page + 1) : json_null());
        json_object_set_new(res->model, "any",
                            json_boolean(json_array_size(json_object_get(res->model, "questions")) > 0));
    }
    web_assess_tabs(req, res, &c, "questions");
    res->template = "courses/questions";
    res->title = T(req, "questions.title");
}

void h_question_new_page(struct request *req, struct response *res)
{
    struct course c;
    if (!web_assess_manage_course(req, res, &c)) return;
    const char *type = req_param(req, "type");
    if (question_form_type_known(type)) {
        json_t *cats = bank_categories(req, &c);
        json_t *blank = json_pack("{s:s}", "type", type);
        type_form(req, res, &c, question_form_of(req, blank, cats));
        json_decref(blank);
        json_decref(cats);
        res->title = T(req, "questions.new");
        return;
    }
    res->model = json_pack("{s:s, s:b, s:o}", "gift", "", "shared", 0, "types", question_form_types(req));
    bank_page_extras(req, res, &c);
    res->template = "courses/question_edit";
    res->title = T(req, "questions.new");
}

void h_question_create(struct request *req, struct response *res)
{
    struct course c;
    if (!web_assess_manage_course(req, res, &c)) return;
    struct problem p = {0};
    json_t *q = question_input(req, &p);
    bool shared = req_param_bool(req, "shared");
    int64_t id = 0;
    json_t *got = NULL;
    if (!q || question_create(req->db, req->arena, c.id, shared, q, req->user->id, &id, &p) ||
        !(got = question_get_json(req->db, req->arena, c.id, id, &p))) {
        json_decref(q);
        edit_form(req, res, &c, &p);
        return;
    }
    json_decref(q);
    res->status = 201;
    res->model = json_pack("{s:o}", "question", got);
    web_flash(req, res, "flash.question_saved");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/questions", c.code);
}

void h_question_show(struct request *req, struct response *res)
{
    struct course c;
    if (!web_assess_manage_course(req, res, &c)) return;
    struct problem p = {0};
    json_t *q = question_get_json(req->db, req->arena, c.id, req_param_int(req, "id", 0), &p);
    if (!q) {
        web_fail(res, &p);
        return;
    }
    if (!req->is_api && req_param_bool(req, "form") &&
        question_form_type_known(json_string_value(json_object_get(q, "type")))) {
        json_t *cats = bank_categories(req, &c);
        json_t *form = question_form_of(req, q, cats);
        json_object_set(form, "shared", json_object_get(q, "shared"));
        json_decref(cats);
        json_decref(q);
        type_form(req, res, &c, form);
        return;
    }
    res->model = json_pack("{s:o, s:s}", "question", q, "gift", question_gift(req, q));
    if (!req->is_api) {
        json_object_set_new(res->model, "id", json_integer(req_param_int(req, "id", 0)));
        json_object_set(res->model, "shared", json_object_get(q, "shared"));
        bank_page_extras(req, res, &c);
    }
    res->template = "courses/question_edit";
    res->title = T(req, "questions.edit");
}

void h_question_update(struct request *req, struct response *res)
{
    struct course c;
    if (!web_assess_manage_course(req, res, &c)) return;
    struct problem p = {0};
    int64_t id = req_param_int(req, "id", 0);
    json_t *q = question_input(req, &p);
    int regraded = 0;
    json_t *got = NULL;
    if (!q || question_update(req->db, req->arena, c.id, id, q, req->user->id, &regraded, &p) ||
        !(got = question_get_json(req->db, req->arena, c.id, id, &p))) {
        json_decref(q);
        if (p.code == LE_NOTFOUND || req->is_api) {
            web_fail(res, &p);
            return;
        }
        edit_form(req, res, &c, &p);
        return;
    }
    json_decref(q);
    res->model = json_pack("{s:o, s:i}", "question", got, "regraded", regraded);
    web_flash(req, res, "flash.question_saved");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/questions", c.code);
}

void h_question_delete(struct request *req, struct response *res)
{
    struct course c;
    if (!web_assess_manage_course(req, res, &c)) return;
    struct problem p = {0};
    if (question_delete(req->db, req->arena, c.id, req_param_int(req, "id", 0), req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    if (req->is_api) {
        res->status = 204;
        res->body = "";
        res->body_len = 0;
        res->content_type = "text/plain; charset=utf-8";
        return;
    }
    web_flash(req, res, "flash.question_deleted");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/questions", c.code);
}

void h_question_categories(struct request *req, struct response *res)
{
    struct course c;
    if (!web_assess_manage_course(req, res, &c)) return;
    res->model = qcategories_json(req->db, req->arena, c.id);
}

/* ---- Import (GIFT, Moodle XML, Aiken) and export (GIFT, Moodle XML) ---- */

void h_questions_import_page(struct request *req, struct response *res)
{
    struct course c;
    if (!web_assess_manage_course(req, res, &c)) return;
    res->model = json_pack("{s:o}", "course", web_assess_course_json(&c));
    res->template = "courses/questions_import";
    res->title = T(req, "questions.import");
}

void h_questions_import(struct request *req, struct response *res)
{
    struct course c;
    if (!web_assess_manage_course(req, res, &c)) return;
    res->template = "courses/questions_import";
    res->title = T(req, "questions.import");
    const struct uploaded_file *f = req_file(req, "file");
    const char *data = f && f->len ? (const char *)f->data : req_param(req, "data");
    size_t len = f && f->len ? f->len : data ? strlen(data) : 0;
    struct problem p = {0};
    if (!data || !len) {
        res->model = json_pack("{s:o}", "course", web_assess_course_json(&c));
        problem_set(&p, LE_INVALID, "file", "Choose a GIFT, Moodle XML or Aiken file (or paste its text) to import.");
        web_fail(res, &p);
        return;
    }
    bool dry_run = req_param_bool(req, "dry_run"), skip_bad = req_param_bool(req, "skip_bad");
    json_t *report = NULL;
    lerr e = question_import(req->db, req->arena, c.id, req_param(req, "format"), data, len, dry_run, skip_bad,
                             req->user->id, &report, &p);
    if (e && !report) {
        res->model = json_pack("{s:o}", "course", web_assess_course_json(&c));
        web_fail(res, &p);
        return;
    }
    res->model = report;
    json_object_set_new(res->model, "course", web_assess_course_json(&c));
    json_object_set_new(res->model, "dry_run", json_boolean(dry_run));
    /* the page names the format it read ({{#format_moodlexml}}) */
    if (!req->is_api)
        json_object_set_new(res->model, arena_sprintf(req->arena, "format_%s", json_string_value(json_object_get(report, "format"))), json_true());
    if (e) {
        /* Errors stopped the import: 422 with the report, so the client sees every line. */
        json_t *err = json_pack("{s:s, s:s, s:s}", "code", lerr_code(e), "message", p.message, "field",
                                p.field[0] ? p.field : "file");
        json_object_set_new(res->model, "error", err);
        if (!req->is_api) {
            json_object_set_new(json_object_get(res->model, "error"), "status", json_integer(422));
            if (!f || !f->len) json_object_set_new(res->model, "data", json_stringn(data, len));
        }
        res->status = lerr_http_status(e);
        return;
    }
    if (!req->is_api && dry_run && (!f || !f->len)) json_object_set_new(res->model, "data", json_stringn(data, len));
    if (!dry_run && json_is_true(json_object_get(report, "saved"))) {
        web_flash(req, res, "flash.questions_imported");
        res->redirect = arena_sprintf(req->arena, "/courses/%s/questions", c.code);
    }
}

void h_questions_export(struct request *req, struct response *res)
{
    struct course c;
    if (!web_assess_manage_course(req, res, &c)) return;
    struct problem p = {0};
    const char *format = req_param(req, "format") && *req_param(req, "format") ? req_param(req, "format") : "gift";
    char *text = question_export(req->db, req->arena, c.id, format, &p);
    if (!text) {
        web_fail(res, &p);
        return;
    }
    bool xml = !strcmp(format, "moodlexml");
    res->body = text;
    res->body_len = strlen(text);
    res->body_owned = true;
    res->content_type = xml ? "application/xml; charset=utf-8" : "text/plain; charset=utf-8";
    if (!req->is_api)
        res_header(res, "Content-Disposition",
                   arena_sprintf(req->arena, "attachment; filename=\"%s.%s\"", c.code, xml ? "xml" : "gift"));
}
