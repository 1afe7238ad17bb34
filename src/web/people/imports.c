/* Bulk user upload: upload a CSV file, read the preview (every row's outcome, errors with
 * their line and column), then commit it all or only the valid rows. The file is kept under
 * DATA_DIR/imports between the preview and the commit, so the commit checks the very same
 * bytes again (src/model/people/user_import.c). Pages under /admin/user-imports, JSON under
 * /api/v1/user-imports; the export is GET /api/v1/user-export. */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "../../jobs/jobs.h"

#define PAGE_HTML 100
#define PAGE_API 1000

/* words: import.mode_{upsert,add,update} import.phase_{queued,hashing,writing,done} */
static const char *const modes[] = {"upsert", "add", "update"};

static json_t *mode_choices(struct request *req, const char *selected)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", modes[i], "label",
                                             T(req, arena_sprintf(req->arena, "import.mode_%s", modes[i])),
                                             "selected", str_eq(selected, modes[i])));
    return arr;
}

static void upload_form(struct request *req, struct response *res, const struct import_options *o)
{
    res->model = json_pack("{s:o, s:o, s:i}", "modes", mode_choices(req, import_mode_name(o->mode)), "options",
                           import_options_to_json(o), "max_mib", IMPORT_FILE_MAX / (1024 * 1024));
    res->template = "admin/import";
    res->title = T(req, "import.title");
}

void h_import_page(struct request *req, struct response *res)
{
    struct import_options o = {.mode = IMPORT_UPSERT};
    upload_form(req, res, &o);
}

static void read_options(struct request *req, struct import_options *o)
{
    import_mode_parse(req_param(req, "mode"), &o->mode);
    o->allow_renames = req_param_bool(req, "allow_renames");
    o->allow_suspend = req_param_bool(req, "allow_suspend");
    o->allow_delete = req_param_bool(req, "allow_delete");
    o->force_password_change = req_param_bool(req, "force_password_change");
    o->weak_password_link = req_param_bool(req, "weak_password_link");
    o->create_departments = req_param_bool(req, "create_departments");
    const char *t = req_param(req, "username_template");
    o->username_template = t && *t ? t : NULL;
}

/* The import's model: its record, the preview (or the committed result) and the page of rows. */
static void import_model(struct request *req, struct response *res, const struct stored_import *si,
                         const struct import_result *r, json_t *stored_result)
{
    int per_page = (int)req_param_int(req, "per_page", req->is_api ? PAGE_API : PAGE_HTML);
    int page = (int)req_param_int(req, "page", 1);
    bool errors_only = str_eq(req_param(req, "only"), "errors");
    json_t *j;
    if (r) {
        j = import_result_to_json(r, (page - 1) * per_page, per_page, errors_only);
    } else {
        j = stored_result ? json_incref(stored_result) : json_object();
    }
    json_t *opts = json_loads(si->options, 0, NULL);
    char created[21];
    time_iso8601(si->created_at, created);
    json_object_set_new(j, "id", json_string(si->token));
    json_object_set_new(j, "filename", json_string(si->filename));
    json_object_set_new(j, "size", json_integer(si->size));
    bool committing = stored_import_committing(si);
    bool failed = str_eq(si->status, "previewed") && str_eq(si->commit_phase, "failed");
    json_object_set_new(j, "status", json_string(committing ? "committing" : failed ? "failed" : si->status));
    if (committing || str_eq(si->status, "committed")) {
        /* This node's memory is fresher than the row while the job writes (src/jobs/import.c). */
        const char *phase = str_eq(si->status, "committed") ? "done" : si->commit_phase;
        int64_t done = si->progress_done, total = si->progress_total;
        struct import_progress mp;
        if (committing && import_progress_get(si->id, &mp)) {
            phase = arena_strdup(req->arena, mp.phase);
            done = mp.done;
            total = mp.total;
        }
        if (str_eq(phase, "done")) done = total;
        int percent = total > 0 ? (int)(done * 100 / total) : (str_eq(phase, "done") ? 100 : 0);
        json_object_set_new(j, "progress", json_pack("{s:s, s:I, s:I, s:i}", "phase", phase, "done", (json_int_t)done,
                                                     "total", (json_int_t)total, "percent", percent));
        if (!req->is_api) {
            /* The bar's width without an inline style (the CSP): a class per 5 %. */
            json_object_set_new(j, "bar", json_pack("{s:i, s:i, s:s, s:b}", "percent", percent, "step",
                                                    (percent / 5) * 5, "label",
                                                    T(req, arena_sprintf(req->arena, "import.phase_%s", phase)),
                                                    "counts", total > 0));
        }
    }
    if (failed) json_object_set_new(j, "error", json_string(si->commit_error));
    json_object_set_new(j, "options", opts ? opts : json_object());
    json_object_set_new(j, "created_at", json_string(created));
    if (si->committed_at) {
        char at[21];
        time_iso8601(si->committed_at, at);
        json_object_set_new(j, "committed_at", json_string(at));
    }
    res->model = json_pack("{s:o}", "import", j);
    if (r) {
        int matching = (int)json_integer_value(json_object_get(j, "rows_matching"));
        int pages = matching ? (matching + per_page - 1) / per_page : 1;
        const char *base = req->is_api ? "/api/v1/user-imports" : "/admin/user-imports";
        const char *only = errors_only ? "&only=errors" : "";
        json_object_set_new(res->model, "page", json_integer(page));
        json_object_set_new(res->model, "pages", json_integer(pages));
        json_object_set_new(res->model, "per_page", json_integer(per_page));
        json_object_set_new(res->model, "next", page < pages ? json_string(arena_sprintf(req->arena, "%s/%s?page=%d&per_page=%d%s", base, si->token, page + 1, per_page, only)) : json_null());
        json_object_set_new(res->model, "prev", page > 1 ? json_string(arena_sprintf(req->arena, "%s/%s?page=%d&per_page=%d%s", base, si->token, page - 1, per_page, only)) : json_null());
        if (!req->is_api) {
            int64_t errors = r->counts[IO_ERROR];
            int64_t writable = r->counts[IO_CREATE] + r->counts[IO_UPDATE];
            json_object_set_new(res->model, "errors_only", json_boolean(errors_only));
            json_object_set_new(res->model, "has_errors", json_boolean(errors || r->n_file_errors));
            json_object_set_new(res->model, "can_commit_all", json_boolean(!errors && !r->n_file_errors && writable));
            json_object_set_new(res->model, "can_commit_valid", json_boolean(errors && !r->n_file_errors && writable));
            json_object_set_new(res->model, "nothing_to_do", json_boolean(!errors && !r->n_file_errors && !writable));
            /* About 20 argon2id hashes a second on two cores: warn when the commit will take long. */
            json_t *sum = json_object_get(j, "summary");
            int64_t pw = json_integer_value(json_object_get(sum, "passwords"));
            if (pw >= 200)
                json_object_set_new(res->model, "slow_passwords",
                                    json_pack("{s:I, s:I}", "count", (json_int_t)pw, "minutes", (json_int_t)(pw / 600 + 1)));
        }
    }
    if (!req->is_api) {
        json_object_set_new(res->model, "previewing",
                            json_boolean(str_eq(si->status, "previewed") && !stored_import_committing(si)));
        json_object_set_new(res->model, "committing", json_boolean(stored_import_committing(si)));
    }
    res->template = "admin/import_preview";
    res->title = T(req, "import.preview_title");
}

void h_import_upload(struct request *req, struct response *res)
{
    struct import_options o = {.actor_id = req->user->id};
    read_options(req, &o);
    const struct uploaded_file *f = req_file(req, "file");
    struct problem p = {0};
    if (!f || !f->len) {
        upload_form(req, res, &o);
        problem_set(&p, LE_INVALID, "file", "%s", T(req, "import.no_file"));
        web_fail(res, &p);
        return;
    }
    json_t *opts = import_options_to_json(&o);
    const char *token = NULL;
    lerr e = user_import_store(req->db, req->arena, web_app.data_dir, (const char *)f->data, f->len, f->filename,
                               opts, req->user->id, &token, &p);
    json_decref(opts);
    if (e) {
        upload_form(req, res, &o);
        web_fail(res, &p);
        return;
    }
    if (!req->is_api) {
        res->redirect = arena_sprintf(req->arena, "/admin/user-imports/%s", token);
        return;
    }
    struct stored_import si;
    struct import_result r;
    if (user_import_find(req->db, req->arena, token, &si, &p) ||
        user_import_preview(req->db, req->arena, (const char *)f->data, f->len, &o, &r, &p)) {
        web_fail(res, &p);
        return;
    }
    import_model(req, res, &si, &r, NULL);
    res->status = 201;
}

static bool load(struct request *req, struct response *res, struct stored_import *si, char **data, size_t *len,
                 struct import_options *o)
{
    struct problem p = {0};
    if (user_import_find(req->db, req->arena, req_param(req, "id"), si, &p)) {
        web_fail(res, &p);
        return false;
    }
    json_t *opts = json_loads(si->options, 0, NULL);
    *o = (struct import_options){.mode = IMPORT_UPSERT, .actor_id = req->user->id};
    import_options_from_json(opts, o);
    if (o->username_template) o->username_template = arena_strdup(req->arena, o->username_template);
    json_decref(opts);
    if (!data) return true;
    if (user_import_read_file(req->arena, web_app.data_dir, si, data, len, &p)) {
        web_fail(res, &p);
        return false;
    }
    return true;
}

void h_import_show(struct request *req, struct response *res)
{
    struct stored_import si;
    struct import_options o;
    if (!load(req, res, &si, NULL, NULL, &o)) return;
    if (!str_eq(si.status, "previewed") || stored_import_committing(&si)) {
        json_t *result = json_loads(si.result, 0, NULL);
        import_model(req, res, &si, NULL, result);
        json_decref(result);
        return;
    }
    char *data;
    size_t len;
    struct problem p = {0};
    if (user_import_read_file(req->arena, web_app.data_dir, &si, &data, &len, &p)) {
        web_fail(res, &p);
        return;
    }
    struct import_result r;
    if (user_import_preview(req->db, req->arena, data, len, &o, &r, &p)) {
        web_fail(res, &p);
        return;
    }
    import_model(req, res, &si, &r, NULL);
}

/* The preview page's checkboxes: the options are kept with the upload and the preview is made
 * again from the same file (the page after a redirect; the preview itself for the API). */
void h_import_options(struct request *req, struct response *res)
{
    struct stored_import si;
    struct import_options o;
    if (!load(req, res, &si, NULL, NULL, &o)) return;
    o.weak_password_link = req_param_bool(req, "weak_password_link");
    o.create_departments = req_param_bool(req, "create_departments");
    struct problem p = {0};
    if (user_import_set_options(req->db, &si, &o, &p)) {
        web_fail(res, &p);
        return;
    }
    if (!req->is_api) {
        res->redirect = arena_sprintf(req->arena, "/admin/user-imports/%s", si.token);
        return;
    }
    h_import_show(req, res);
}

/* Checks the file again (a refusal answers at once, with the preview) and queues the
 * 'user_import.commit' job (src/jobs/import.c), which hashes the passwords and writes the rows
 * while the page shows its progress: 202 with the import, or a redirect to its page. */
void h_import_commit(struct request *req, struct response *res)
{
    struct stored_import si;
    struct import_options o;
    char *data;
    size_t len;
    if (!load(req, res, &si, &data, &len, &o)) return;
    struct problem p = {0};
    if (stored_import_committing(&si)) {
        problem_set(&p, LE_CONFLICT, "id", "%s", "This upload is being committed already.");
        web_fail(res, &p);
        return;
    }
    o.valid_only = req_param_bool(req, "valid_only");
    struct import_result r;
    lerr e = user_import_preview(req->db, req->arena, data, len, &o, &r, &p);
    if (!e) e = user_import_check_commit(&r, &o, &p);
    if (e) {
        /* The preview again, with what stopped the commit. */
        if (e == LE_INVALID) import_model(req, res, &si, &r, NULL);
        web_fail(res, &p);
        return;
    }
    int64_t job_id = 0;
    if (user_import_queue_commit(req->db, &si, o.valid_only, req->user->id, &job_id, &p) ||
        user_import_find(req->db, req->arena, si.token, &si, &p)) {
        web_fail(res, &p);
        return;
    }
    if (req->is_api) {
        import_model(req, res, &si, NULL, NULL);
        json_object_set_new(json_object_get(res->model, "import"), "job_id", json_integer(job_id));
        res->status = 202;
        res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/user-imports/%s", si.token));
        return;
    }
    web_flash(req, res, "flash.import_queued");
    res->redirect = arena_sprintf(req->arena, "/admin/user-imports/%s", si.token);
}

static lerr to_buf(void *ctx, const char *s, size_t n)
{
    return buf_add(ctx, s, n);
}

static void release(void *p)
{
    buf_release(p);
}

void h_user_export(struct request *req, struct response *res)
{
    struct buf *b = arena_alloc(req->arena, sizeof *b);
    buf_init(b, (size_t)1 << 30);
    arena_defer(req->arena, release, b);
    struct problem p = {0};
    if (user_export_csv(req->db, req->arena, to_buf, b, &p)) {
        web_fail(res, &p);
        return;
    }
    res->body = b->data ? b->data : "";
    res->body_len = b->len;
    res->content_type = "text/csv; charset=utf-8";
    char name[64], day[21];
    time_iso8601(time_now(), day);
    snprintf(name, sizeof name, "attachment; filename=\"users-%.10s.csv\"", day);
    res_header(res, "Content-Disposition", arena_strdup(req->arena, name));
}
