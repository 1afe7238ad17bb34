/* Certificates on the web (docs/records.md): a course's or programme's template page with a
 * preview PDF and the certificates issued from it (revoke, reissue), the PDF for the person and
 * those who may read their record, and the public verification page /verify/CODE with its JSON
 * twin. */
#include <stdio.h>
#include <string.h>
#include "../../core/json_set.h"
#include "../courses/courses.h"
#include "internal.h"

#define CERTIFICATES_SHOWN 200

/* A day as the certificate and the verification page show it: "2026-12-07" (UTC), "" for 0. */
static const char *day_text(struct arena *a, int64_t t)
{
    if (!t) return "";
    char iso[21];
    time_iso8601(t, iso);
    return arena_strndup(a, iso, 10);
}

/* The address in the QR code: under the site address (Settings, or the one `lectern serve` was
 * given); the request's own host only when neither is set, as on a bare test server. */
static const char *verify_url(struct request *req, const char *code)
{
    const char *base = mail_base_url(req->db, req->arena);
    if (!base) {
        const char *host = req_header(req, "Host");
        base = arena_sprintf(req->arena, "%s://%s", req->https ? "https" : "http", host ? host : "localhost");
    }
    return arena_sprintf(req->arena, "%s/verify/%s", base, code);
}

/* Draws the PDF and sends it (as an attachment, or inline for a preview). */
static void send_pdf(struct request *req, struct response *res, const struct cert_template *t, json_t *vars,
                     const char *code, bool attachment)
{
    const char *logo = NULL, *mime;
    int64_t size;
    if (*t->logo_sha256) file_find(req->db, req->arena, web_app.data_dir, t->logo_sha256, &mime, &size, &logo);
    struct certificate_page page = {
        .portrait = str_eq(t->layout, "portrait"), .title = t->title, .body = t->body, .vars = vars,
        .vars_title = json_string_value(json_object_get(vars, "course")), .verify_url = verify_url(req, code),
        .verify_caption = T(req, "certificates.verify_caption"), .logo_path = logo};
    struct buf pdf = {0};
    struct problem p = {0};
    lerr e = certificate_pdf(&page, &pdf, &p);
    json_decref(vars);
    if (e) {
        buf_release(&pdf);
        web_fail(res, &p);
        return;
    }
    res_header(res, "Content-Disposition",
               attachment ? arena_sprintf(req->arena, "attachment; filename=\"certificate-%s.pdf\"", code) : "inline");
    res_header(res, "Cache-Control", "private, no-store");
    res->body = pdf.data;
    res->body_len = pdf.len;
    res->body_owned = true;
    res->content_type = "application/pdf";
}

/* ---- A course's or programme's template ---- */

/* The course or programme whose template a page is about. */
struct owner_page {
    struct cert_owner o;
    struct course course;         /* a course's: its management tabs */
    const char *code, *title;
    bool programme;
};

/* The course ("course" parameter) or programme ("code") the path names. The routes are
 * administrators' (CAP_COURSES_MANAGE, CAP_PROGRAMMES_MANAGE). */
static bool find_owner(struct request *req, struct response *res, bool programme, struct owner_page *w)
{
    struct problem p = {0};
    *w = (struct owner_page){.programme = programme};
    if (programme) {
        w->code = req_param(req, "code");
        if (cert_programme_by_code(req->db, req->arena, w->code, &w->o, &w->title, &p) == LE_OK) return true;
    } else if (course_get(req->db, req->arena, req_param(req, "course"), req->user->id, &w->course, &p) == LE_OK) {
        w->o.course_id = w->course.id, w->code = w->course.code, w->title = w->course.title;
        return true;
    }
    web_fail(res, &p);
    return false;
}

static const char *owner_href(struct request *req, const struct owner_page *w)
{
    return arena_sprintf(req->arena, w->programme ? "/admin/programmes/%s/certificate" : "/courses/%s/certificate",
                         w->code);
}

/* The template there is, or the words a first one starts from (id 0). */
static lerr template_or_default(struct request *req, const struct owner_page *w, struct cert_template *t)
{
    struct problem p = {0};
    lerr e = cert_template_get(req->db, req->arena, w->o, t, &p);
    if (e != LE_NOTFOUND) return e;
    *t = (struct cert_template){.layout = "landscape", .title = T(req, "certificates.default_title"),
                                .body = T(req, "certificates.default_body"), .logo_sha256 = ""};
    return LE_OK;
}

/* The issued list's words and links for the page. */
static void list_labels(struct request *req, json_t *list)
{
    size_t i;
    json_t *row;
    json_array_foreach(list, i, row)
    {
        const char *state = json_string_value(json_object_get(row, "state"));
        /* words: records.status_{valid,expired,revoked} */
        jset_str(row, "status_label", T(req, arena_sprintf(req->arena, "records.status_%s", state)));
        jset_bool(row, "is_revoked", str_eq(state, "revoked"));
        jset_str(row, "back", "owner");
        jset_str(row, "record_href", arena_sprintf(req->arena, "/users/%s/record",
                                                   json_string_value(json_object_get(row, "username"))));
    }
}

static void template_page(struct request *req, struct response *res, const struct owner_page *w)
{
    struct cert_template t;
    json_t *list = NULL;
    if (template_or_default(req, w, &t) ||
        !(list = owner_certificates_json(req->db, req->arena, w->o, CERTIFICATES_SHOWN))) {
        res_error(res, LE_DB, NULL, "The certificates could not be read; try again.");
        return;
    }
    json_t *m = w->programme ? json_pack("{s:{s:s, s:s}}", "programme", "code", w->code, "title", w->title)
                             : web_manage_model(req, &w->course, "certificate");
    jset(m, "template", t.id ? cert_template_json(&t) : json_null());
    jset(m, "certificates", list);
    if (!req->is_api) {
        json_t *form = cert_template_json(&t);
        jset_bool(form, "portrait", str_eq(t.layout, "portrait"));
        jset(m, "form", form);
        jset_bool(m, "is_programme", w->programme);
        jset_str(m, "action", owner_href(req, w));
        list_labels(req, list);
    }
    res->model = m;
    res->template = "records/certificate_template";
    res->title = arena_sprintf(req->arena, "%s: %s", T(req, "certificates.title"), w->title);
}

static void template_show(struct request *req, struct response *res, bool programme)
{
    struct owner_page w;
    if (find_owner(req, res, programme, &w)) template_page(req, res, &w);
}

static void template_save(struct request *req, struct response *res, bool programme)
{
    struct owner_page w;
    if (!find_owner(req, res, programme, &w)) return;
    const struct uploaded_file *f = req_file(req, "logo");
    struct cert_template_input in = {
        .layout = req_param(req, "layout"), .title = req_param(req, "title"), .body = req_param(req, "body"),
        .valid_days = req_param(req, "valid_days"), .logo_name = f ? f->filename : NULL,
        .logo_mime = f ? f->content_type : NULL, .logo_data = f ? f->data : NULL, .logo_len = f ? f->len : 0,
        .remove_logo = str_eq(req_param(req, "remove_logo"), "1")};
    struct problem p = {0};
    lerr e = cert_template_set(req->db, req->arena, web_app.data_dir, w.o, &in, req->user->id, &p);
    template_page(req, res, &w);
    if (e) {
        web_fail(res, &p);
        return;
    }
    web_flash(req, res, "flash.certificate_template_saved");
    res->redirect = owner_href(req, &w);
}

static void template_delete(struct request *req, struct response *res, bool programme)
{
    struct owner_page w;
    if (!find_owner(req, res, programme, &w)) return;
    struct problem p = {0};
    if (cert_template_delete(req->db, req->arena, w.o, req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->status = 204;
    web_flash(req, res, "flash.certificate_template_deleted");
    res->redirect = owner_href(req, &w);
}

/* A sample certificate from the saved template (or the first one's words): the viewer's name. */
static void template_preview(struct request *req, struct response *res, bool programme)
{
    struct owner_page w;
    struct cert_template t;
    if (!find_owner(req, res, programme, &w)) return;
    if (template_or_default(req, &w, &t)) {
        res_error(res, LE_DB, NULL, "The certificate template could not be read; try again.");
        return;
    }
    const char *code = "SAMPLE0000000000";
    int64_t now = time_now();
    json_t *vars = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", req->user->username, "course", w.title, "date",
                             day_text(req->arena, now), "expires",
                             t.valid_days ? day_text(req->arena, now + t.valid_days * 86400) : "", "code", code);
    send_pdf(req, res, &t, vars, code, false);
}

void h_cert_template_page(struct request *req, struct response *res)
{
    template_show(req, res, false);
}
void h_cert_template_save(struct request *req, struct response *res)
{
    template_save(req, res, false);
}
void h_cert_template_delete(struct request *req, struct response *res)
{
    template_delete(req, res, false);
}
void h_cert_template_preview(struct request *req, struct response *res)
{
    template_preview(req, res, false);
}
void h_cert_programme_page(struct request *req, struct response *res)
{
    template_show(req, res, true);
}
void h_cert_programme_save(struct request *req, struct response *res)
{
    template_save(req, res, true);
}
void h_cert_programme_delete(struct request *req, struct response *res)
{
    template_delete(req, res, true);
}
void h_cert_programme_preview(struct request *req, struct response *res)
{
    template_preview(req, res, true);
}

/* ---- Issued certificates ---- */

/* The certificate the path names, for those who may read its person's record (else 404). */
static bool readable_certificate(struct request *req, struct response *res, struct certificate *c)
{
    struct problem p = {0};
    if (certificate_by_code(req->db, req->arena, req_param(req, "code"), c, &p) == LE_OK &&
        !record_visible_to(req->db, req->user->id, req->user->roles, c->user_id))
        problem_set(&p, LE_NOTFOUND, "code", "There is no certificate with this code.");
    if (!p.code) return true;
    web_fail(res, &p);
    return false;
}

void h_cert_pdf(struct request *req, struct response *res)
{
    struct certificate c;
    if (!readable_certificate(req, res, &c)) return;
    /* A template deleted after issuing: the certificate is drawn with the first template's words. */
    struct cert_template t = {.layout = c.layout, .title = c.title, .body = c.body, .logo_sha256 = c.logo_sha256};
    if (!*t.title) t.title = T(req, "certificates.default_title"), t.body = T(req, "certificates.default_body");
    json_t *vars = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", c.name, "course", c.what_title, "date",
                             day_text(req->arena, c.completed_at), "expires", day_text(req->arena, c.expires_at),
                             "code", c.code);
    send_pdf(req, res, &t, vars, c.code, true);
}

/* After revoking or reissuing, the browser goes back to the record or the course's page. */
static void changed(struct request *req, struct response *res, const char *code, const char *flash)
{
    struct certificate c;
    struct problem p = {0};
    if (certificate_by_code(req->db, req->arena, code, &c, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o}", "certificate", certificate_json(&c, time_now()));
    web_flash(req, res, flash);
    const char *owner = c.course_id ? "/courses/%s/certificate" : "/admin/programmes/%s/certificate";
    res->redirect = str_eq(req_param(req, "back"), "owner") ? arena_sprintf(req->arena, owner, c.what_code)
                                                            : arena_sprintf(req->arena, "/users/%s/record", c.username);
}

void h_cert_revoke(struct request *req, struct response *res)
{
    struct problem p = {0};
    const char *code = req_param(req, "code");
    if (certificate_revoke(req->db, req->arena, code, req_param(req, "reason"), req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    changed(req, res, code, "flash.certificate_revoked");
}

void h_cert_reissue(struct request *req, struct response *res)
{
    struct problem p = {0};
    const char *fresh = NULL;
    if (certificate_reissue(req->db, req->arena, req_param(req, "code"), req->user->id, &fresh, &p)) {
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    changed(req, res, fresh, "flash.certificate_reissued");
}

/* ---- Public verification ---- */

/* Valid and expired certificates show the name, what it is for and the dates; a revoked one
 * and a code that was never issued get the same answer (404, state "not_valid"), so the page
 * tells nobody whether a code exists. */
void h_verify(struct request *req, struct response *res)
{
    struct certificate c;
    struct problem p = {0};
    const char *code = req_param(req, "code");
    lerr e = certificate_by_code(req->db, req->arena, code, &c, &p);
    if (e && e != LE_NOTFOUND) {
        web_fail(res, &p);
        return;
    }
    const char *state = e ? "revoked" : cert_state(c.expires_at, c.revoked_at, time_now());
    json_t *v = json_object();
    if (str_eq(state, "revoked")) {
        jset_str(v, "state", "not_valid");
        res->status = 404;
    } else {
        jset_str(v, "state", state);
        jset_str(v, "code", c.code);
        jset_str(v, "name", c.name);
        jset_str(v, "title", c.what_title);
        jset(v, "completed_on", json_string(day_text(req->arena, c.completed_at)));
        jset(v, "issued_on", json_string(day_text(req->arena, c.issued_at)));
        jset(v, "expires_on", c.expires_at ? json_string(day_text(req->arena, c.expires_at)) : json_null());
        if (!req->is_api) jset_bool(v, str_eq(state, "valid") ? "is_valid" : "is_expired", true);
    }
    res->model = json_pack("{s:o}", "verification", v);
    res->template = "records/verify";
    res->title = T(req, "certificates.verify_title");
}
