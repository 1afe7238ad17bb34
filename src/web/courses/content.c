/* Course content: adding sections and activities, opening an activity (which completes it by
 * its kind), serving a course file (with byte ranges so video can seek), following a link and
 * marking an activity done. docs/courses.md describes the rules. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

bool web_visible_course(struct request *req, struct response *res, struct course *c)
{
    struct problem p = {0};
    const char *code = req_param(req, "course");
    if (course_get(req->db, req->arena, code, req->user->id, c, &p) == LE_OK) {
        if (role_has_cap(req->user->roles, CAP_COURSES_MANAGE) || c->my_role ||
            (str_eq(c->status, "published") && c->visible))
            return true;
        problem_set(&p, LE_NOTFOUND, "code", "There is no course with the code '%s'.", code);
    }
    web_fail(res, &p);
    return false;
}

/* An enrolled learner starts once the current policy is acknowledged. */
static bool policy_ok(struct request *req, struct response *res, const struct course *c)
{
    if (!c->my_role || !str_eq(c->my_role, "learner") || !*c->policy || c->my_policy_version >= c->policy_version)
        return true;
    struct problem p = {0};
    problem_set(&p, LE_FORBIDDEN, "policy",
                "Read and acknowledge the course policy (version %d) on the course page before starting.",
                c->policy_version);
    snprintf(p.reason, sizeof p.reason, "policy_not_acknowledged");
    web_fail(res, &p);
    return false;
}

static bool content_activity(struct request *req, struct response *res, struct course *c, struct activity *x)
{
    if (!web_visible_course(req, res, c)) return false;
    struct problem p = {0};
    /* The catalogue shows a course to everyone; its activities are for the people enrolled. */
    if (!c->my_role && !role_has_cap(req->user->roles, CAP_COURSES_MANAGE)) {
        problem_set(&p, LE_FORBIDDEN, "code", "Enrol in %s to open its activities; %s", c->code,
                    c->self_enrol ? "you can enrol yourself on the course page."
                                  : "ask your training administrator or the course's instructor.");
        snprintf(p.reason, sizeof p.reason, "not_enrolled");
        web_fail(res, &p);
        return false;
    }
    if (activity_get(req->db, req->arena, c->id, req_param_int(req, "id", 0), req->user->id, x, &p)) {
        web_fail(res, &p);
        return false;
    }
    return policy_ok(req, res, c);
}

static json_t *activity_json(struct request *req, const struct course *c, const struct activity *x)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:b}", "id", (json_int_t)x->id, "course", c->code, "kind",
                          x->kind, "title", x->title, "required", x->required, "allow_mark_done", x->allow_mark_done,
                          "completed", x->completed_at != 0);
    if (*x->body) {
        json_object_set_new(j, "body", json_string(x->body));
        json_object_set_new(j, "body_html", json_string(markdown_to_html(req->arena, x->body)));
    }
    if (*x->url) json_object_set_new(j, "url", json_string(x->url));
    if (*x->file_sha256)
        json_object_set_new(j, "file",
                            json_pack("{s:s, s:s, s:I, s:s, s:s}", "name", x->file_name, "type", x->file_mime, "size",
                                      (json_int_t)x->file_size, "sha256", x->file_sha256, "href",
                                      arena_sprintf(req->arena, "/courses/%s/activities/%lld/file", c->code,
                                                    (long long)x->id)));
    return j;
}

/* A course whose sections and activities the viewer may change: administrators, and the
 * course's instructors (the route's capability lets instructors in; this checks the course). */
static bool content_editor_course(struct request *req, struct response *res, struct course *c)
{
    if (!web_visible_course(req, res, c)) return false;
    if (web_may_manage_course(req, c)) return true;
    struct problem p = {0};
    problem_set(&p, LE_FORBIDDEN, NULL, "Only administrators and the course's instructors change its content.");
    web_fail(res, &p);
    return false;
}

void h_section_create(struct request *req, struct response *res)
{
    struct course c;
    if (!content_editor_course(req, res, &c)) return;
    struct problem p = {0};
    int64_t id;
    if (section_create(req->db, req->arena, c.id, req_param(req, "title"), req->user->id, &id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:I, s:s}", "id", (json_int_t)id, "title", req_param(req, "title"));
    web_flash(req, res, "flash.section_saved");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/manage/content", c.code);
}

/* ---- Editing the structure ---- */

static int move_param(struct request *req)
{
    const char *m = req_param(req, "move");
    return m && str_eq(m, "up") ? -1 : m && str_eq(m, "down") ? 1 : 0;
}

static bool structure_input_ok(struct request *req, struct response *res)
{
    const char *m = req_param(req, "move");
    if (m && *m && !str_eq(m, "up") && !str_eq(m, "down")) {
        struct problem p = {0};
        problem_set(&p, LE_INVALID, "move", "Move \"up\" or \"down\".");
        web_fail(res, &p);
        return false;
    }
    return true;
}

static void structure_done(struct request *req, struct response *res, const struct course *c, const char *flash)
{
    res->model = course_content_json(req->db, req->arena, c, 0);
    web_flash(req, res, flash);
    res->redirect = arena_sprintf(req->arena, "/courses/%s/manage/content", c->code);
}

void h_section_update(struct request *req, struct response *res)
{
    struct course c;
    if (!content_editor_course(req, res, &c) || !structure_input_ok(req, res)) return;
    struct problem p = {0};
    const char *title = req_has_param(req, "title") ? req_param(req, "title") : NULL;
    if (section_update(req->db, req->arena, c.id, req_param_int(req, "id", 0), title,
                       move_param(req), req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    structure_done(req, res, &c, "flash.structure_saved");
}

void h_section_delete(struct request *req, struct response *res)
{
    struct course c;
    if (!content_editor_course(req, res, &c)) return;
    struct problem p = {0};
    if (section_delete(req->db, req->arena, c.id, req_param_int(req, "id", 0), req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    structure_done(req, res, &c, "flash.content_deleted");
}

void h_activity_update(struct request *req, struct response *res)
{
    struct course c;
    if (!content_editor_course(req, res, &c) || !structure_input_ok(req, res)) return;
    struct problem p = {0};
    const char *title = req_has_param(req, "title") ? req_param(req, "title") : NULL;
    int64_t id = req_param_int(req, "id", 0), section_id = req_param_int(req, "section_id", 0);
    if (activity_update(req->db, req->arena, c.id, id, title, move_param(req), req->user->id, &p) ||
        (section_id && activity_move_to_section(req->db, req->arena, c.id, id, section_id, req->user->id, &p))) {
        web_fail(res, &p);
        return;
    }
    structure_done(req, res, &c, "flash.structure_saved");
}

void h_activity_delete(struct request *req, struct response *res)
{
    struct course c;
    if (!content_editor_course(req, res, &c)) return;
    struct problem p = {0};
    if (activity_delete(req->db, req->arena, c.id, req_param_int(req, "id", 0), req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    structure_done(req, res, &c, "flash.content_deleted");
}

void h_activity_create(struct request *req, struct response *res)
{
    struct course c;
    if (!content_editor_course(req, res, &c)) return;
    const struct uploaded_file *f = req_file(req, "file");
    struct activity_input in = {
        .kind = req_param(req, "kind"),
        .title = req_param(req, "title"),
        .body = req_param(req, "body"),
        .url = req_param(req, "url"),
        .required = req->is_api && !req_has_param(req, "required") ? 1 : req_param_bool(req, "required"),
        .allow_mark_done = req_param_bool(req, "allow_mark_done"),
        .file_name = f ? f->filename : NULL,
        .file_mime = f ? f->content_type : NULL,
        .file_data = f ? f->data : NULL,
        .file_len = f ? f->len : 0,
    };
    struct problem p = {0};
    int64_t id;
    struct activity x;
    if (activity_create(req->db, req->arena, web_app.data_dir, c.id, req_param_int(req, "section_id", 0), &in,
                        req->user->id, &id, &p) ||
        activity_get(req->db, req->arena, c.id, id, 0, &x, &p)) {
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:o}", "activity", activity_json(req, &c, &x));
    web_flash(req, res, "flash.activity_saved");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/manage/content", c.code);
}

/* Opening an activity: a page is viewed here; a file and a link are completed when opened or
 * followed (their own routes). */
/* Kinds from domains above courses with pages of their own, registered at start. */
#define VIEWS_MAX 8
static const struct web_activity_view *views[VIEWS_MAX];
static int n_views;

void web_activity_view_register(const struct web_activity_view *view)
{
    if (n_views == VIEWS_MAX) abort(); /* a programming error: raise VIEWS_MAX */
    views[n_views++] = view;
}

static const struct web_activity_view *activity_view_find(const char *kind)
{
    for (int i = 0; i < n_views; i++)
        if (str_eq(views[i]->kind, kind)) return views[i];
    return NULL;
}

void h_activity_show(struct request *req, struct response *res)
{
    struct course c;
    struct activity x;
    if (!content_activity(req, res, &c, &x)) return;
    struct problem p = {0};
    /* A kind with pages of its own (the quiz, quizzes.c): browsers go there; the JSON carries
     * the kind's own model. */
    const struct web_activity_view *view = activity_view_find(x.kind);
    if (view) {
        const char *href = arena_sprintf(req->arena, view->path_format, c.code, (long long)x.id);
        if (!req->is_api) {
            res->redirect = href;
            return;
        }
        json_t *own = view->json(req, &c, x.id, &p);
        if (!own) {
            web_fail(res, &p);
            return;
        }
        res->model = json_pack("{s:o, s:{s:s, s:s}, s:o}", "activity", activity_json(req, &c, &x), "course", "code",
                               c.code, "title", c.title, view->key, own);
        json_object_set_new(json_object_get(res->model, "activity"), "href", json_string(href));
        return;
    }
    const struct activity_kind *k = activity_kind_find(x.kind);
    if (k && str_eq(k->name, "page") && !x.completed_at) {
        if (activity_complete(req->db, x.id, req->user->id, k->completes_on, &p)) {
            web_fail(res, &p);
            return;
        }
        x.completed_at = time_now();
    }
    json_t *j = activity_json(req, &c, &x);
    res->model = json_pack("{s:o, s:{s:s, s:s}}", "activity", j, "course", "code", c.code, "title", c.title);
    if (!req->is_api) {
        json_object_set_new(res->model, "is_page", json_boolean(str_eq(x.kind, "page")));
        json_object_set_new(res->model, "is_file", json_boolean(str_eq(x.kind, "file")));
        json_object_set_new(res->model, "is_link", json_boolean(str_eq(x.kind, "link")));
        json_object_set_new(res->model, "can_mark",
                            json_boolean(x.allow_mark_done && !x.completed_at && c.my_role != NULL));
    }
    res->template = "courses/activity";
    res->title = x.title;
}

void h_activity_go(struct request *req, struct response *res)
{
    struct course c;
    struct activity x;
    if (!content_activity(req, res, &c, &x)) return;
    struct problem p = {0};
    if (!*x.url) {
        res_error(res, LE_NOTFOUND, "id", "This activity is not a link.");
        return;
    }
    if (activity_complete(req->db, x.id, req->user->id, "followed", &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:s}", "url", x.url);
    res->redirect = arena_strdup(req->arena, x.url);
}

void h_activity_done(struct request *req, struct response *res)
{
    struct course c;
    struct activity x;
    if (!content_activity(req, res, &c, &x)) return;
    struct problem p = {0};
    if (!x.allow_mark_done) {
        res_error(res, LE_CONFLICT, "id", "This activity completes when it is %s; it cannot be marked done.",
                  activity_kind_find(x.kind) ? activity_kind_find(x.kind)->completes_on : "used");
        return;
    }
    if (activity_complete(req->db, x.id, req->user->id, "marked", &p)) {
        web_fail(res, &p);
        return;
    }
    activity_get(req->db, req->arena, c.id, x.id, req->user->id, &x, &p);
    res->model = json_pack("{s:o}", "activity", activity_json(req, &c, &x));
    res->redirect = arena_sprintf(req->arena, "/courses/%s", c.code);
}

/* A course file, served as every stored file is (web_send_stored_file); opening it completes
 * the activity (a range request is opening too). */
void h_activity_file(struct request *req, struct response *res)
{
    struct course c;
    struct activity x;
    if (!content_activity(req, res, &c, &x)) return;
    if (!*x.file_sha256) {
        res_error(res, LE_NOTFOUND, "id", "This activity has no file.");
        return;
    }
    if (!web_send_stored_file(req, res, x.file_sha256, x.file_mime, x.file_name)) return;
    struct problem p = {0};
    if (!x.completed_at) activity_complete(req->db, x.id, req->user->id, "opened", &p);
}
