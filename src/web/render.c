/* The view hook: one model, two views. API clients get the model as JSON; browsers get the
 * template rendered inside the site layout, with the page chrome (branding, navigation, the
 * CSRF token, the flash message, translations) that the JSON never carries. */
#include <string.h>
#include <time.h>
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
        /* A refusal for conflicts lists them beside the error (planning.md). */
        json_t *conflicts = res->model ? json_object_get(res->model, "conflicts") : NULL;
        if (conflicts) json_object_set(body, "conflicts", conflicts);
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
    jset_bool(me, "can_rooms", role_has_cap(u->roles, CAP_ROOMS_MANAGE));
    jset_bool(me, "can_programmes", role_has_cap(u->roles, CAP_PROGRAMMES_MANAGE));
    jset_bool(me, "can_audit", role_has_cap(u->roles, CAP_AUDIT_VIEW));
    jset_bool(me, "can_reports", role_has_cap(u->roles, CAP_REPORTS_VIEW));
    jset_bool(me, "can_admin_requests", role_has_cap(u->roles, CAP_REQUESTS_FILE));
    jset_bool(me, "is_admin", (u->roles & ROLE_ADMIN) != 0);
    /* enrolment requests to decide (courses.md): administrators and managers */
    jset_bool(me, "can_requests", role_has_cap(u->roles, CAP_APPROVALS_DECIDE));
    /* bookings awaiting a line manager's approval (planning.md): the same people */
    jset_bool(me, "can_approvals", role_has_cap(u->roles, CAP_APPROVALS_DECIDE));
    return me;
}

#define CHROME_PARTS_MAX 8
static web_chrome_part_fn chrome_parts[CHROME_PARTS_MAX];
static size_t n_chrome_parts;

void web_chrome_part_register(web_chrome_part_fn fn)
{
    if (n_chrome_parts < CHROME_PARTS_MAX) chrome_parts[n_chrome_parts++] = fn;
}

/* Set without json_pack on every page (json_set.h); the request path alone is checked, as a
 * URL may carry bytes that are not UTF-8. */
static json_t *chrome(struct request *req, struct response *res)
{
    const struct web_site *site = req->site;
    const struct site_settings *s = site ? &site->settings : NULL;
    json_t *c = json_object(), *brand = json_object();
    jset_str(brand, "name", s && s->site_name ? s->site_name : T(req, "app.name"));
    jset_str(brand, "primary_color", s && s->primary_color ? s->primary_color : "#0d6efd");
    jset_bool(brand, "has_logo", s && s->logo_sha256);
    jset_int(brand, "version", s ? s->version : 0);
    jset(c, "site", brand);
    jset(c, "me", chrome_me(req));
    /* Signed in: the session's token; else the pre-session token a public form's page set. */
    const char *csrf = req->user ? req->user->csrf : req->form_token;
    jset_str(c, "csrf", csrf ? csrf : "");
    if (site && site->flash) json_object_set_new(c, "flash", json_string(site->flash));
    if (site && site->maintenance) jset(c, "maintenance", json_incref(site->maintenance));
    /* "Log in as" (support.c): the banner on every page. */
    if (req->user && req->user->impersonator_id) {
        json_t *banner = json_object();
        jset_str(banner, "user", req->user->display_name);
        jset_str(banner, "by", req->user->impersonator_name ? req->user->impersonator_name : "");
        jset(c, "impersonation", banner);
    }
    for (size_t i = 0; req->user && i < n_chrome_parts; i++) chrome_parts[i](req, c);
    jset(c, "t", json_incref(i18n_catalog(web_lang(req))));
    jset_str(c, "lang", web_lang(req));
    jset_str(c, "page_title", res->title ? res->title : "");
    json_object_set_new(c, "path", json_string(req->path));
    return c;
}

/* ---- Times people read ----
 * Templates show a time as <time datetime="{{x}}">{{x}}</time>, with the model's ISO 8601 UTC
 * value (what the JSON twin carries). Here, once for every page, the element's text becomes
 * the time in the viewer's zone, "7 Dec 2026, 14:05", and "7 Dec 2026, 14:05 GMT" where the
 * element has data-zone (times that matter across zones: opening, closing, deadlines). A date
 * alone (datetime="2027-01-31") reads "31 Jan 2027". Text a template wrote itself is left. */

/* The number written by the n digits at s. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
    return v;
}

/* "2026-12-07T14:05:00Z" (or "2026-12-07T14:05Z") into *t; "2027-01-31" into *t (its midnight)
 * with *date_only. False for anything else. */
static bool parse_iso(const char *s, size_t n, int64_t *t, bool *date_only)
{
    static const char *const shapes[] = {"9999-99-99", "9999-99-99T99:99Z", "9999-99-99T99:99:99Z"}; /* 9: a digit */
    bool shaped = false;
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0] && !shaped; k++) {
        shaped = strlen(shapes[k]) == n;
        for (size_t i = 0; shaped && i < n; i++)
            shaped = shapes[k][i] == '9' ? s[i] >= '0' && s[i] <= '9' : s[i] == shapes[k][i];
    }
    if (!shaped) return false;
    struct tm tm = {.tm_year = digits(s, 4) - 1900, .tm_mon = digits(s + 5, 2) - 1, .tm_mday = digits(s + 8, 2)};
    *date_only = n == 10;
    if (!*date_only) {
        tm.tm_hour = digits(s + 11, 2);
        tm.tm_min = digits(s + 14, 2);
        tm.tm_sec = n == 20 ? digits(s + 17, 2) : 0;
    }
    if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31) return false;
    *t = (int64_t)timegm(&tm);
    return true;
}

/* words: date.month_{1,2,3,4,5,6,7,8,9,10,11,12} */
static lerr time_text(struct request *req, const struct tz *z, int64_t t, bool date_only, bool zoned, struct buf *out)
{
    const char *abbr = "";
    time_t local = (time_t)(date_only ? t : t + tz_offset(z, t, &abbr));
    struct tm tm;
    if (!gmtime_r(&local, &tm)) return LE_INVALID;
    const char *month = T(req, arena_sprintf(req->arena, "date.month_%d", tm.tm_mon + 1));
    if (date_only) return buf_addf(out, "%d %s %d", tm.tm_mday, month, tm.tm_year + 1900);
    return buf_addf(out, "%d %s %d, %02d:%02d%s%s", tm.tm_mday, month, tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                    zoned ? " " : "", zoned ? abbr : "");
}

const char *web_time_text(struct request *req, int64_t t)
{
    struct buf b;
    buf_init(&b, 128);
    const char *text = time_text(req, web_zone(req), t, false, false, &b) ? "" : arena_strndup(req->arena, b.data, b.len);
    buf_release(&b);
    return text;
}

/* Rewrites the page's <time> elements (above); a page without any is left as it is. */
static lerr localise_times(struct request *req, struct buf *out)
{
    static const char tag[] = "<time datetime=\"";
    const size_t tag_len = sizeof tag - 1;
    const char *end = out->data + out->len;
    const char *p = memmem(out->data, out->len, tag, tag_len);
    if (!p) return LE_OK;
    const struct tz *z = web_zone(req);
    struct buf fixed;
    buf_init(&fixed, out->max);
    lerr e = buf_reserve(&fixed, out->len + 1024);
    const char *copied = out->data; /* out's bytes before this are in fixed */
    while (p && !e) {
        const char *value = p + tag_len, *quote = memchr(value, '"', (size_t)(end - value));
        const char *gt = quote ? memchr(quote, '>', (size_t)(end - quote)) : NULL;
        if (!gt) break;
        size_t n = (size_t)(quote - value);
        const char *text = gt + 1;
        int64_t t;
        bool date_only;
        if ((size_t)(end - text) >= n + 7 && memcmp(text, value, n) == 0 && memcmp(text + n, "</time>", 7) == 0 &&
            parse_iso(value, n, &t, &date_only)) {
            bool zoned = memmem(quote, (size_t)(gt - quote), " data-zone", 10) != NULL;
            e = buf_add(&fixed, copied, (size_t)(text - copied));
            if (!e) e = time_text(req, z, t, date_only, zoned, &fixed);
            copied = text + n;
        }
        p = memmem(text, (size_t)(end - text), tag, tag_len);
    }
    if (!e) e = buf_add(&fixed, copied, (size_t)(end - copied));
    if (e) {
        buf_release(&fixed);
        return e;
    }
    buf_release(out);
    *out = fixed;
    return LE_OK;
}

/* The server's own refusals of a form (src/http) in the reader's language; the model's
 * messages come translated already, or are the field-level English the API documents.
 * words: problem.cross_site problem.form_origin_unknown */
static const char *problem_text(struct request *req, const struct problem *p)
{
    static const char *const translated[] = {"cross_site", "form_origin_unknown"};
    for (size_t i = 0; i < sizeof translated / sizeof translated[0]; i++)
        if (str_eq(p->reason, translated[i])) return T(req, arena_sprintf(req->arena, "problem.%s", p->reason));
    return p->message;
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
        json_t *err = json_pack("{s:s, s:i}", "message", problem_text(req, &res->problem), "status", res->status);
        /* Always set, so the layout's {{#field}} never finds another "field" further down. */
        json_object_set_new(err, "field", json_string(res->problem.field));
        json_t *top = json_pack("{s:o}", "error", err);
        web_form_failed(req, res, top); /* form.c: the form as typed, the error at its field */
        if (!res->title) json_object_set_new(top, "page_title", json_string(T(req, "error.title")));
        stack[n++] = top;
    }
    lerr e = tpl_set_render(web_app.templates, tpl, stack, n, out);
    for (size_t i = 0; i < n; i++) json_memory_release(stack[i]);
    return e ? e : localise_times(req, out);
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
