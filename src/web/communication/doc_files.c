/* A process document's attachments: uploading one (administrators), reading one (the page's
 * readers, through the content store like a course file), and removing one. */
#include "internal.h"

void h_doc_attach(struct request *req, struct response *res)
{
    const char *slug = req_param(req, "slug");
    const struct uploaded_file *up = req_file(req, "file");
    struct doc_file f = {0};
    if (up) f = (struct doc_file){up->filename, up->content_type, up->data, up->len};
    struct problem p = {0};
    int64_t id = 0;
    if (doc_attach(req->db, req->arena, web_app.data_dir, slug, &f, req->user->id, &id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:{s:I, s:s}}", "attachment", "id", (json_int_t)id, "name", f.name ? f.name : "file");
    web_flash(req, res, "flash.doc_attached");
    res->redirect = arena_sprintf(req->arena, "/docs/%s", slug);
}

void h_doc_file(struct request *req, struct response *res)
{
    struct doc_file_ref f;
    struct problem p = {0};
    if (doc_attachment_get(req->db, req->arena, req_param(req, "slug"), req_param_int(req, "id", 0), req->user->roles,
                           &f, &p)) {
        web_fail(res, &p);
        return;
    }
    web_send_stored_file(req, res, f.sha256, f.mime, f.name);
}

void h_doc_detach(struct request *req, struct response *res)
{
    const char *slug = req_param(req, "slug");
    struct problem p = {0};
    if (doc_detach(req->db, req->arena, slug, req_param_int(req, "id", 0), req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:b}", "removed", 1);
    web_flash(req, res, "flash.doc_detached");
    res->redirect = arena_sprintf(req->arena, "/docs/%s", slug);
}
