/* Mail for administrators (docs/support.md): the SMTP settings on the settings page, the
 * outbox with its retries, and a test message. */
#include "internal.h"

/* ---- Mail settings ---- */

/* The settings page's mail section (settings.c). */
void web_mail_settings_model(struct request *req, json_t *model)
{
    struct mail_settings s;
    if (mail_settings_get(req->db, req->arena, &s) == LE_OK) {
        json_t *m = mail_settings_to_json(&s);
        if (!req->is_api) {
            json_object_set_new(m, "tls_none", json_boolean(str_eq(s.tls, "none")));
            json_object_set_new(m, "tls_starttls", json_boolean(str_eq(s.tls, "starttls")));
            json_object_set_new(m, "tls_tls", json_boolean(str_eq(s.tls, "tls")));
        }
        json_object_set_new(model, "mail", m);
    }
}

void h_mail_settings_show(struct request *req, struct response *res)
{
    struct mail_settings s;
    if (mail_settings_get(req->db, req->arena, &s)) {
        res_error(res, LE_DB, NULL, "the mail settings could not be read; try again");
        return;
    }
    res->model = mail_settings_to_json(&s);
}

void h_mail_settings_update(struct request *req, struct response *res)
{
    struct mail_settings_input in = {
        .host = req_param(req, "smtp_host"),
        .port = req_param(req, "smtp_port"),
        .tls = req_param(req, "smtp_tls"),
        .username = req_param(req, "smtp_username"),
        .password = req_param(req, "smtp_password"),
        .clear_password = req_param_bool(req, "clear_password"),
        .from_address = req_param(req, "from_address"),
        .from_name = req_param(req, "from_name"),
        .site_url = req_param(req, "site_url"),
    };
    struct problem p = {0};
    if (mail_settings_update(req->db, &in, req->user->id, &p)) {
        h_settings_show(req, res);
        web_fail(res, &p);
        return;
    }
    h_mail_settings_show(req, res);
    web_flash(req, res, "flash.settings_saved");
    res->redirect = "/admin/settings#mail-heading";
}

/* ---- The outbox (administrators) ---- */

void h_outbox_list(struct request *req, struct response *res)
{
    const char *state = req_param(req, "state");
    if (state && !*state) state = NULL;
    int page = (int)req_param_int(req, "page", 1);
    int per_page = (int)req_param_int(req, "per_page", 25);
    struct mail_message *list;
    int n, total;
    if (mail_list(req->db, req->arena, state, page, per_page, &list, &n, &total)) {
        res_error(res, LE_DB, NULL, "the outbox could not be read; try again");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *m = mail_to_json(&list[i]);
        if (!req->is_api) {
            const char *st = list[i].state; /* words: outbox.state_{queued,sending,sent,failed,superseded} */
            json_object_set_new(m, "retryable", json_boolean(str_eq(st, "failed") || str_eq(st, "queued")));
            json_object_set_new(m, "is_failed", json_boolean(str_eq(st, "failed")));
            json_object_set_new(m, "is_sent", json_boolean(str_eq(st, "sent")));
            json_object_set_new(m, "state_text", json_string(T(req, arena_sprintf(req->arena, "outbox.state_%s", st))));
        }
        json_array_append_new(items, m);
    }
    res->model = web_page_model(req, items, page, per_page, total, req->is_api ? "/api/v1/mail/outbox" : "/admin/mail",
                                NULL);
    if (state) json_object_set_new(res->model, "state", json_string(state));
    res->template = "admin/mail";
    res->title = T(req, "outbox.title");
}

void h_outbox_retry(struct request *req, struct response *res)
{
    int64_t id = req_param_int(req, "id", 0);
    struct problem p = {0};
    if (mail_retry(req->db, id, req->user->id, &p)) {
        h_outbox_list(req, res);
        web_fail(res, &p);
        return;
    }
    struct mail_message m;
    if (mail_get(req->db, req->arena, id, &m) == LE_OK) res->model = json_pack("{s:o}", "message", mail_to_json(&m));
    web_flash(req, res, "flash.mail_retry_queued");
    res->redirect = "/admin/mail";
}

void h_mail_test(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id = 0;
    json_t *data = json_pack("{s:s}", "requested_by", req->user->username);
    lerr e = mail_enqueue(req->db, req_param(req, "to"), "test", data, 0, true, &id, &p);
    json_decref(data);
    if (e) {
        h_outbox_list(req, res);
        web_fail(res, &p);
        return;
    }
    res->status = 202;
    res->model = json_pack("{s:I}", "outbox_id", (json_int_t)id);
    web_flash(req, res, "flash.mail_test_queued");
    res->redirect = "/admin/mail";
}
