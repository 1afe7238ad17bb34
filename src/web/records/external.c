/* External training: entered on the record's form (with evidence) or through the API, decided
 * on the record or in the queue of entries awaiting the viewer (/external-training), and the
 * evidence file, for those who may read the record. */
#include "internal.h"

void h_external_add(struct request *req, struct response *res)
{
    struct user u;
    if (!web_record_person(req, res, &u)) return;
    const struct uploaded_file *f = req_file(req, "evidence");
    struct external_input in = {
        .title = req_param(req, "title"),
        .provider = req_param(req, "provider"),
        .date = req_param(req, "date"),
        .hours = req_param(req, "hours"),
        .evidence_name = f ? f->filename : NULL,
        .evidence_mime = f ? f->content_type : NULL,
        .evidence_data = f ? f->data : NULL,
        .evidence_len = f ? f->len : 0,
    };
    struct problem p = {0};
    int64_t id;
    struct external_entry e;
    if (external_add(req->db, req->arena, web_app.data_dir, u.id, &in, req->user->id, req->user->roles, &id, &p) ||
        external_get(req->db, req->arena, id, &e, &p)) {
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:o}", "external", external_entry_json(&e));
    web_flash(req, res, str_eq(e.state, "approved") ? "flash.external_recorded" : "flash.external_pending");
    res->redirect = u.id == req->user->id ? "/record" : arena_sprintf(req->arena, "/users/%s/record", u.username);
}

void h_external_pending(struct request *req, struct response *res)
{
    json_t *list = external_pending_json(req->db, req->arena, req->user->id, req->user->roles);
    if (!list) {
        res_error(res, LE_DB, NULL, "The entries awaiting approval could not be read; try again.");
        return;
    }
    res->model = json_pack("{s:o}", "entries", list);
    res->template = "records/external_pending";
    res->title = T(req, "records.pending_title");
}

/* After a decision the browser goes back where it was: the record or the queue. */
static void decided(struct request *req, struct response *res, bool approve)
{
    struct problem p = {0};
    int64_t id = req_param_int(req, "id", 0);
    struct external_entry e;
    if (external_decide(req->db, req->arena, id, approve, req_param(req, "reason"), req->user->id, req->user->roles,
                        &p) ||
        external_get(req->db, req->arena, id, &e, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o}", "external", external_entry_json(&e));
    web_flash(req, res, approve ? "flash.external_approved" : "flash.external_declined");
    const char *back = req_param(req, "back");
    res->redirect = str_eq(back, "record") ? arena_sprintf(req->arena, "/users/%s/record", e.username)
                                           : "/external-training";
}

void h_external_approve(struct request *req, struct response *res)
{
    decided(req, res, true);
}

void h_external_decline(struct request *req, struct response *res)
{
    decided(req, res, false);
}

void h_external_evidence(struct request *req, struct response *res)
{
    struct problem p = {0};
    struct external_entry e;
    if (external_get(req->db, req->arena, req_param_int(req, "id", 0), &e, &p) == LE_OK &&
        !record_visible_to(req->db, req->user->id, req->user->roles, e.user_id))
        problem_set(&p, LE_NOTFOUND, "id", "There is no such external training entry.");
    else if (!p.code && !*e.evidence_sha256)
        problem_set(&p, LE_NOTFOUND, "id", "This entry has no evidence file.");
    if (p.code) {
        web_fail(res, &p);
        return;
    }
    web_send_stored_file(req, res, e.evidence_sha256, e.evidence_mime, e.evidence_name);
}
