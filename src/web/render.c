/* The view hook: one model, two views. API clients get the model as JSON; browsers get the
 * template rendered inside the site layout, with the page chrome (branding, navigation, the
 * CSRF token, the flash message, translations) that the JSON never carries. */
#include <string.h>
#include "web.h"
#include "../core/json_set.h"

struct json_sink {
    struct buf *out;
    lerr e;
};

static int json_to_buf(const char *text, size_t n, void *data)
{
    struct json_sink *sink = data;
    sink->e = buf_add(sink->out, text, n);
    return sink->e ? -1 : 0;
}

static lerr render_json(struct request *req, struct response *res, struct buf *out)
{
    json_t *body;
    if (res->problem.code) {
        json_t *err = json_pack("{s:s, s:s}", "code", res->problem.reason[0] ? res->problem.reason
                                                                           : lerr_code(res->problem.code),
                                "message", res->problem.message);
        if (res->problem.field[0]) json_object_set_new(err, "field", json_string(res->problem.field));
        body = json_pack("{s:o}", "error", err);
    } else {
        body = res->model ? json_incref(res->model) : json_object();
    }
    /* Written straight into the response buffer, without a copy of the whole text. */
    struct json_sink sink = {out, LE_OK};
    int failed = json_dump_callback(body, json_to_buf, &sink, JSON_COMPACT);
    json_decref(body);
    (void)req;
    return failed ? (sink.e ? sink.e : LE_NOMEM) : LE_OK;
}

/* The signed-in user as the layout sees it: name, and which parts of the navigation to show. */
static json_t *chrome_me(struct request *req)
{
    const struct request_user *u = req->user;
    if (!u) return json_null();
    json_t *me = json_object();
    jset_str(me, "username", u->username);
    jset_str(me, "display_name", u->display_name);
    jset_bool(me, "must_change_password", u->must_change_password);
    jset_bool(me, "can_users", role_has_cap(u->roles, CAP_USERS_VIEW));
    jset_bool(me, "can_settings", role_has_cap(u->roles, CAP_SETTINGS_MANAGE));
    jset_bool(me, "can_courses", role_has_cap(u->roles, CAP_COURSES_MANAGE));
    jset_bool(me, "can_audit", role_has_cap(u->roles, CAP_AUDIT_VIEW));
    jset_bool(me, "is_admin", (u->roles & ROLE_ADMIN) != 0);
    /* enrolment requests to decide (courses.md): administrators and managers */
    jset_bool(me, "can_requests", (u->roles & (ROLE_ADMIN | ROLE_MANAGER)) != 0);
    return me;
}

/* Set without json_pack on every page (json_set.h); the request path alone is checked, as a
 * URL may carry bytes that are not UTF-8. */
static json_t *chrome(struct request *req, struct response *res)
{
    const struct web_site *site = req->site;
    const struct site_settings *s = site ? &site->settings : NULL;
    json_t *c = json_object(), *brand = json_object();
    jset_str(brand, "name", s && s->site_name ? s->site_name : "Lectern");
    jset_str(brand, "primary_color", s && s->primary_color ? s->primary_color : "#0d6efd");
    jset_bool(brand, "has_logo", s && s->logo_sha256);
    jset_int(brand, "version", s ? s->version : 0);
    jset(c, "site", brand);
    jset(c, "me", chrome_me(req));
    jset_str(c, "csrf", req->user && req->user->csrf ? req->user->csrf : "");
    if (site && site->flash) json_object_set_new(c, "flash", json_string(site->flash));
    /* "Log in as" (support.c): the banner on every page. */
    if (req->user && req->user->impersonator_id) {
        json_t *banner = json_object();
        jset_str(banner, "user", req->user->display_name);
        jset_str(banner, "by", req->user->impersonator_name ? req->user->impersonator_name : "");
        jset(c, "impersonation", banner);
    }
    jset(c, "t", json_incref(i18n_catalog(web_lang(req))));
    jset_str(c, "lang", web_lang(req));
    jset_str(c, "page_title", res->title ? res->title : "");
    json_object_set_new(c, "path", json_string(req->path));
    return c;
}

static lerr render_html(struct request *req, struct response *res, struct buf *out)
{
    const char *tpl = res->template;
    if (!tpl || !tpl_set_has(web_app.templates, tpl)) tpl = "error";
    json_t *stack[3];
    size_t n = 0;
    stack[n++] = chrome(req, res);
    stack[n++] = res->model ? json_incref(res->model) : json_object();
    if (res->problem.code) {
        json_t *err = json_pack("{s:s, s:i}", "message", res->problem.message, "status", res->status);
        if (res->problem.field[0]) json_object_set_new(err, "field", json_string(res->problem.field));
        json_t *top = json_pack("{s:o}", "error", err);
        if (!res->title) json_object_set_new(top, "page_title", json_string(T(req, "error.title")));
        stack[n++] = top;
    }
    lerr e = tpl_set_render(web_app.templates, tpl, stack, n, out);
    for (size_t i = 0; i < n; i++) json_memory_release(stack[i]);
    return e;
}

lerr web_render(struct request *req, struct response *res, struct buf *out, const char **ctype)
{
    if (req->is_api) {
        *ctype = "application/json; charset=utf-8";
        return render_json(req, res, out);
    }
    *ctype = "text/html; charset=utf-8";
    return render_html(req, res, out);
}
