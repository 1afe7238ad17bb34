/* The CSV upload pages (courses here; events in web/planning) and their JSON twins, with the
 * shape of the user upload: send the file, see every row's outcome (create, update, errors by
 * line and column), then write all rows or nothing. The preview carries the file's text in a
 * hidden field to the commit, so nothing is kept on the server in between. One template,
 * templates/admin/csv_import.mustache, with the words of each upload. */
#include <string.h>
#include "internal.h"

/* The words and links of the page, for the template. */
static json_t *page_model(struct request *req, const struct web_csv_upload *u)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "action", u->action, "heading", T(req, u->title_key), "help",
                     T(req, u->help_key), "back_href", u->back_href, "back", T(req, u->back_key), "code_label",
                     T(req, u->code_key), "commit_label", T(req, u->commit_key));
}

void web_csv_upload_page(struct request *req, struct response *res, const struct web_csv_upload *u)
{
    res->model = page_model(req, u);
    res->template = "admin/csv_import";
    res->title = T(req, u->title_key);
}

static json_t *rows_json(const struct course_import_result *r)
{
    json_t *rows = json_array();
    for (int i = 0; i < r->n_rows; i++) {
        json_t *errs = json_array();
        for (int k = 0; k < r->rows[i].n_errors; k++)
            json_array_append_new(errs, json_pack("{s:i, s:s, s:s}", "line", r->rows[i].errors[k].line, "column",
                                                  r->rows[i].errors[k].column, "message", r->rows[i].errors[k].message));
        json_array_append_new(rows, json_pack("{s:i, s:s, s:s, s:s?, s:o, s:b}", "line", r->rows[i].line, "code",
                                              r->rows[i].code ? r->rows[i].code : "", "outcome", r->rows[i].outcome,
                                              "note", r->rows[i].note, "errors", errs, "error",
                                              r->rows[i].n_errors > 0));
    }
    return rows;
}

void web_csv_upload(struct request *req, struct response *res, const struct web_csv_upload *u)
{
    const struct uploaded_file *f = req_file(req, "file");
    const char *data = f && f->len ? (const char *)f->data : req_param(req, "data");
    size_t len = f && f->len ? f->len : data ? strlen(data) : 0;
    bool commit = req_param_bool(req, "commit");
    struct problem p = {0};
    web_csv_upload_page(req, res, u);
    if (!data || !len) {
        problem_set(&p, LE_INVALID, "file", "%s", u->missing_file);
        web_fail(res, &p);
        return;
    }
    struct course_import_result r;
    /* A commit is checked first as a preview, so a file with errors writes nothing and shows why. */
    lerr e = u->run(req->db, req->arena, data, len, false, req->user->id, &r, &p);
    bool write = !e && commit && !r.file_error && !r.n_errors;
    if (write) {
        json_decref(r.unknown);
        e = u->run(req->db, req->arena, data, len, true, req->user->id, &r, &p);
    }
    if (e) {
        web_fail(res, &p);
        return;
    }
    json_t *m = json_pack("{s:o, s:i, s:i, s:i, s:i, s:b, s:o, s:s?, s:b, s:b}", "rows", rows_json(&r), "n_create",
                          r.n_create, "n_update", r.n_update, "n_unchanged", r.n_unchanged, "n_errors", r.n_errors,
                          "committed", r.committed, "unknown", r.unknown ? r.unknown : json_array(), "file_error",
                          r.file_error, "previewed", true, "can_commit", !r.file_error && !r.n_errors && !r.committed);
    if (req->is_api) {
        json_decref(res->model);
        res->model = m;
    } else {
        json_object_update(res->model, m);
        json_decref(m);
        if (!r.committed) json_object_set_new(res->model, "data", json_stringn(data, len));
    }
    if (r.file_error) {
        problem_set(&p, LE_INVALID, "file", "%s", r.file_error);
        web_fail(res, &p);
    } else if (commit && !r.committed) {
        problem_set(&p, LE_INVALID, "file", "Nothing was written: %d row(s) have errors; fix them and upload again.",
                    r.n_errors);
        web_fail(res, &p);
    } else if (r.committed) {
        web_flash(req, res, u->flash_key);
        res->redirect = u->done_href;
    }
}
