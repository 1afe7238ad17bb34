/* The HTTP server on libmicrohttpd: one epoll thread per core, a per-request arena, the
 * request flow (route, parameters, session, capability, CSRF, handler, view), the caps that
 * keep bad input cheap, graceful shutdown and the access log.
 *
 * libmicrohttpd calls the access handler several times per request: once when the headers
 * are in, once per chunk of body, and once more when the upload is complete. Answering on
 * the first call makes 0.9.75 close the connection (it cannot know whether a body follows),
 * so the first call only sets up state and the answer is queued on the last call. Keep-alive
 * then holds, which matters as much as anything else for throughput. */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

#define DEFAULT_MAX_BODY (4u * 1024 * 1024)
#define RENDER_MAX (64u * 1024 * 1024)
#define RENDER_INITIAL (16u * 1024) /* a response body's first allocation; a dashboard is some 5 KiB */
#define HEADER_MEMORY_LIMIT (32u * 1024) /* per connection: request line and headers (MHD zeroes it per request) */
#define CONNECTION_TIMEOUT_S 30
#define STOP_WAIT_MS 10000.0
#define SESSION_REDIRECT "/signin"
#define PASSWORD_REDIRECT "/password"

struct server {
    struct server_config cfg;
    struct MHD_Daemon *daemon;
    struct static_cache *statics;
    size_t prefix_len;
    int port;
    atomic_int inflight;     /* requests between their first call and completion */
    atomic_bool stopping;    /* answers carry Connection: close */
};

/* *con_cls of a static-file request: it needs no state of its own. */
static char static_tag;

/* Per-request state, allocated in the request's arena. */
struct conn_state {
    struct server *s;
    struct request req;
    struct response res;
    struct raw_params raw;
    struct buf body;
    size_t max_body;         /* this request's body cap (its route's, see struct route) */
    size_t max_file;         /* the route's declared file cap that set max_body, 0 = none */
    const char *file_param;  /* that file's parameter */
    size_t discarded;        /* bytes thrown away after the body went over the cap */
    bool too_big;
    bool answered;
};

/* ---- helpers ---- */

static void release_buf(void *p)
{
    buf_release(p);
}

static void release_json(void *p)
{
    json_decref(p);
}

static bool is_method(const char *m, const char *want)
{
    return strcmp(m, want) == 0;
}

static bool state_changing(const char *m)
{
    return is_method(m, "POST") || is_method(m, "PUT") || is_method(m, "PATCH") ||
           is_method(m, "DELETE");
}

/* The media type of a Content-Type header equals type (case-insensitive, parameters ignored). */
static bool media_type_is(const char *ct, const char *type)
{
    if (!ct) return false;
    while (*ct == ' ') ct++;
    size_t n = strlen(type);
    if (strncasecmp(ct, type, n) != 0) return false;
    char c = ct[n];
    return c == '\0' || c == ';' || c == ' ' || c == '\t';
}

static bool is_json_type(const char *ct)
{
    if (media_type_is(ct, "application/json")) return true;
    /* application/<something>+json, e.g. application/problem+json */
    if (!ct || strncasecmp(ct, "application/", 12) != 0) return false;
    size_t n = strcspn(ct, "; \t");
    return n > 17 && strncasecmp(ct + n - 5, "+json", 5) == 0;
}

static void size_text(size_t n, char *out, size_t out_size)
{
    if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
        snprintf(out, out_size, "%zu MiB", n / (1024 * 1024));
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(out, out_size, "%zu KiB", n / 1024);
    else
        snprintf(out, out_size, "%zu bytes", n);
}

/* Answers an error from the HTTP layer: status, problem (with a finer reason), message. */
static void fail(struct response *res, int status, lerr code, const char *reason,
                 const char *field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void fail(struct response *res, int status, lerr code, const char *reason,
                 const char *field, const char *fmt, ...)
{
    char msg[sizeof res->problem.message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    problem_set(&res->problem, code, field, "%s", msg);
    if (reason) snprintf(res->problem.reason, sizeof res->problem.reason, "%s", reason);
    res->status = status;
}

/* A problem from the parameter readers: "bad_request" means malformed input (400). */
static void fail_problem(struct response *res, const struct problem *p)
{
    res->problem = *p;
    res->status = strcmp(p->reason, "bad_request") == 0 ? 400 : lerr_http_status(p->code);
}

static void redirect(struct response *res, const char *to)
{
    res->redirect = to;
    res->status = 303;
}

/* ---- access log ---- */

/* Appends s to line, %-escaping control bytes, spaces and quotes so a client cannot forge or
 * split log lines; stops at max bytes of line. */
static size_t log_append(char *line, size_t len, size_t max, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *c = (const unsigned char *)s; *c && len + 3 < max; c++) {
        if (*c <= ' ' || *c == 0x7F || *c == '"') {
            line[len++] = '%';
            line[len++] = hex[*c >> 4];
            line[len++] = hex[*c & 15];
        } else {
            line[len++] = (char)*c;
        }
    }
    return len;
}

/* One line per request on stdout, written with one write() so lines from several threads
 * never interleave (a pipe write under PIPE_BUF is atomic):
 *   2026-11-28T10:58:39Z GET /admin/users 200 3.2 42 5120
 * time, method, path (no query string; control bytes and spaces %-escaped), status,
 * milliseconds to produce the answer, user id or "-", body bytes. */
static void access_log(const char *method, const char *path, int status, double ms,
                       int64_t user_id, size_t bytes)
{
    char line[2048];
    char ts[21];
    time_iso8601((int64_t)time(NULL), ts);
    size_t len = (size_t)snprintf(line, sizeof line, "%s ", ts);
    len = log_append(line, len, len + 48, method);
    line[len++] = ' ';
    len = log_append(line, len, 1800, path);
    char uid[24] = "-";
    if (user_id) snprintf(uid, sizeof uid, "%lld", (long long)user_id);
    len += (size_t)snprintf(line + len, sizeof line - len, " %d %.1f %s %zu\n", status, ms, uid,
                            bytes);
    if (len > sizeof line) len = sizeof line;
    while (write(STDOUT_FILENO, line, len) < 0 && errno == EINTR) {
    }
}

/* ---- building the answer ---- */

/* When the view cannot render (or there is no render hook): the error as plain JSON or text;
 * without an error, the model as JSON. */
static void fallback_body(struct request *req, struct response *res, struct buf *out,
                          const char **ctype)
{
    buf_reset(out);
    const struct problem *p = &res->problem;
    if (!p->code) {
        char *text = res->model ? json_dumps(res->model, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        buf_adds(out, text ? text : "{}");
        json_text_free(text);
        *ctype = "application/json; charset=utf-8";
        return;
    }
    if (req->is_api) {
        json_t *err = json_object();
        const char *code = p->reason[0] ? p->reason : lerr_code(p->code);
        json_object_set_new(err, "code", json_string(code));
        json_t *msg = json_string(p->message);
        json_object_set_new(err, "message", msg ? msg : json_string("error"));
        if (p->field[0]) {
            json_t *f = json_string(p->field);
            if (f) json_object_set_new(err, "field", f);
        }
        json_t *root = json_object();
        json_object_set_new(root, "error", err);
        char *text = json_dumps(root, JSON_COMPACT);
        json_decref(root);
        if (text) {
            buf_adds(out, text);
            json_text_free(text);
        }
        *ctype = "application/json; charset=utf-8";
    } else {
        buf_adds(out, p->message[0] ? p->message : lerr_code(p->code));
        buf_addc(out, '\n');
        *ctype = "text/plain; charset=utf-8";
    }
}

static bool header_set(const struct response *res, const char *name)
{
    for (int i = 0; i < res->n_headers; i++)
        if (strcasecmp(res->headers[i].name, name) == 0) return true;
    return false;
}

static void add_header(struct MHD_Response *r, const char *name, const char *value)
{
    if (MHD_add_response_header(r, name, value) != MHD_YES)
        log_error("http: refused response header %s (empty, or contains a line break)", name);
}

/* Renders (unless the body is raw or a redirect), runs the end hook and queues the answer. */
static enum MHD_Result respond(struct conn_state *st, struct MHD_Connection *conn, bool began)
{
    struct server *s = st->s;
    struct request *req = &st->req;
    struct response *res = &st->res;
    const struct server_hooks *hooks = &s->cfg.hooks;

    if (res->problem.code && res->status < 400) res->status = lerr_http_status(res->problem.code);
    if (!res->status) res->status = 200;

    struct buf out;
    buf_init(&out, RENDER_MAX);
    const void *body = NULL;
    size_t body_len = 0;
    enum MHD_ResponseMemoryMode mode = MHD_RESPMEM_PERSISTENT;
    const char *ctype = NULL;
    bool location = false;

    if (!res->problem.code && res->redirect && !req->is_api) {
        /* HTML redirect after a form: no body, so no render. */
        if (res->status < 300 || res->status > 399) res->status = 303;
        location = true;
    } else if (!res->problem.code && res->body) {
        body = res->body;
        body_len = res->body_len;
        ctype = res->content_type ? res->content_type : "application/octet-stream";
        if (res->body_owned) {
            mode = MHD_RESPMEM_MUST_FREE;
            res->body_owned = false;
        }
    } else {
        /* Most pages fit: no reallocation while rendering (failing here only defers it). */
        buf_reserve(&out, RENDER_INITIAL);
        lerr e = hooks->render ? hooks->render(req, res, &out, &ctype) : LE_INTERNAL;
        if (e && hooks->render && !res->problem.code) {
            log_error("http: rendering %s %s failed: %s", req->method, req->path, lerr_code(e));
            fail(res, 500, LE_INTERNAL, NULL, NULL,
                 "The page could not be shown because of an internal error; try again later");
            buf_reset(&out);
            e = hooks->render(req, res, &out, &ctype);
        }
        if (e) fallback_body(req, res, &out, &ctype);
        if (!ctype)
            ctype = req->is_api ? "application/json; charset=utf-8" : "text/html; charset=utf-8";
        body_len = out.len;
        body = body_len ? buf_detach(&out) : NULL;
        if (body) mode = MHD_RESPMEM_MUST_FREE;
    }
    /* A raw body that lost to a problem is still ours to free. */
    if (res->body_owned) {
        free((void *)res->body);
        res->body_owned = false;
    }
    buf_release(&out);
    json_memory_release(res->model);
    res->model = NULL;

    if (began && hooks->end) hooks->end(req);

    struct MHD_Response *r = MHD_create_response_from_buffer(body_len, (void *)body, mode);
    if (!r) {
        if (mode == MHD_RESPMEM_MUST_FREE) free((void *)body);
        return MHD_NO;
    }
    for (int i = 0; i < res->n_headers; i++)
        if (res->headers[i].name && res->headers[i].value)
            add_header(r, res->headers[i].name, res->headers[i].value);
    if (ctype && !header_set(res, "Content-Type")) add_header(r, "Content-Type", ctype);
    if (location) add_header(r, "Location", res->redirect);
    if (!header_set(res, "Cache-Control")) add_header(r, "Cache-Control", "private, no-cache");
    http_security_headers(r);
    /* Over TLS, browsers are told to use it from now on (a year, as is usual). */
    if (req->https) add_header(r, "Strict-Transport-Security", "max-age=31536000");
    char nq[24];
    snprintf(nq, sizeof nq, "%llu", (unsigned long long)req->nqueries);
    add_header(r, "X-Lectern-Queries", nq);
    if (atomic_load(&s->stopping)) add_header(r, "Connection", "close");

    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)res->status, r);
    MHD_destroy_response(r);
    st->answered = true;
    double ms = time_monotonic_ms() - req->start_ms;
    metrics_record(req->route, METRICS_ROUTE, res->status, ms, req->nqueries);
    if (s->cfg.access_log)
        access_log(req->method, req->path, res->status, ms, req->user ? req->user->id : 0,
                   body_len);
    return ok;
}

/* ---- the request flow ---- */

/* Reads the query string (GET, HEAD, DELETE) and the body into st->raw. */
static lerr read_params(struct conn_state *st, struct problem *p)
{
    struct request *req = &st->req;
    struct raw_params *raw = &st->raw;
    req->raw = raw;
    const char *m = req->method;
    lerr e = LE_OK;
    if (is_method(m, "GET") || is_method(m, "HEAD") || is_method(m, "DELETE"))
        e = request_query_params(req, raw, p);
    if (e || !req->body_len || is_method(m, "GET") || is_method(m, "HEAD")) return e;
    const char *ct = req->content_type;
    if (media_type_is(ct, "application/x-www-form-urlencoded")) {
        raw->source = RAW_FORM;
        return parse_urlencoded(req->body, req->body_len, req->arena, raw, p);
    }
    if (media_type_is(ct, "multipart/form-data")) {
        raw->source = RAW_FORM;
        return parse_multipart(req->body, req->body_len, ct, req->arena, raw, p);
    }
    if (is_json_type(ct)) {
        raw->source = RAW_JSON;
        json_t *root = NULL;
        e = parse_json_body(req->body, req->body_len, raw, &root, p);
        if (root) {
            arena_defer(req->arena, release_json, root);
            if (!e) req->json = root;
        }
        return e;
    }
    /* Any other type: no parameters; the handler may read it with req_body(). */
    return LE_OK;
}

static void too_big(struct conn_state *st)
{
    char limit[32];
    /* An upload route's body cap is its file's cap plus room for the form: the limit people
     * are told (and the documentation gives) is the file's. */
    if (st->max_file) {
        size_text(st->max_file, limit, sizeof limit);
        fail(&st->res, 413, LE_TOOBIG, NULL, st->file_param, "The file is larger than the limit of %s; send a smaller file",
             limit);
        return;
    }
    size_text(st->max_body ? st->max_body : st->s->cfg.max_body, limit, sizeof limit);
    fail(&st->res, 413, LE_TOOBIG, NULL, NULL,
         "The request body is larger than the limit of %s; send less data", limit);
}

/* The body cap of the route a request is for (struct route): the server's, or a larger
 * declared file plus room for the form around it. */
static size_t route_body_cap(const struct server *s, const char *method, const char *url,
                             struct arena *a, size_t *file_max, const char **file_param)
{
    size_t cap = s->cfg.max_body;
    *file_max = 0;
    struct route_match m;
    memset(&m, 0, sizeof m);
    if (!router_match(s->cfg.routes, s->cfg.n_routes, method, url, a, &m)) return cap;
    for (const struct param_spec *ps = m.route->params; ps && ps->name; ps++)
        if (ps->type == P_FILE && ps->max > 0 && (size_t)ps->max + HTTP_BODY_SLACK > cap) {
            cap = (size_t)ps->max + HTTP_BODY_SLACK;
            *file_max = (size_t)ps->max;
            *file_param = ps->name;
        }
    return cap;
}

/* A post that no session's CSRF token protects (anonymous, or a CSRF-exempt route such as the
 * sign-in form) must come from the site itself (origin.c); a refusal says what to do and
 * links back to the form's page. */
static bool form_from_site(struct conn_state *st)
{
    struct request *req = &st->req;
    struct response *res = &st->res;
    bool token_protected = req->user && !(req->route->flags & ROUTE_CSRF_EXEMPT);
    if (token_protected || (req->user && req->via_bearer)) return true;
    enum form_origin from = http_form_origin(req, raw_get(&st->raw, "_csrf"));
    if (from == FORM_FROM_SITE) return true;
    if (from == FORM_CROSS_SITE)
        fail(res, 403, LE_FORBIDDEN, "cross_site", NULL,
             "This form was sent from another site, so it was not accepted; open this site's own "
             "page and send the form from there.");
    else
        fail(res, 403, LE_FORBIDDEN, "form_origin_unknown", NULL,
             "Your browser did not say which site this form came from; reload the page and send "
             "the form again.");
    const struct server_config *cfg = &st->s->cfg;
    res->model = json_pack("{s:s}", "form_page", router_page_above(cfg->routes, cfg->n_routes, req->path, req->arena));
    return false;
}

/* Everything up to the handler; returns true when the handler may run. */
static bool admit(struct conn_state *st, struct route_match *m, bool *began)
{
    struct server *s = st->s;
    struct request *req = &st->req;
    struct response *res = &st->res;
    const struct server_config *cfg = &s->cfg;
    struct problem p = {0};

    req->body = st->body.data;
    req->body_len = st->body.len;
    if (st->too_big) {
        too_big(st);
    } else if (!utf8_valid(req->path, strlen(req->path))) {
        fail(res, 400, LE_INVALID, "bad_request", NULL, "The address is not valid UTF-8");
    } else if (!router_match(cfg->routes, cfg->n_routes, req->method, req->path, req->arena, m)) {
        if (m->method_mismatch && !req->is_api &&
            (is_method(req->method, "GET") || is_method(req->method, "HEAD"))) {
            /* A form's address opened as a page (a reload after a failed post, a bookmark):
             * the page it belongs to, not a 405 for a person to puzzle over. */
            redirect(res, router_page_above(cfg->routes, cfg->n_routes, req->path, req->arena));
        } else if (m->method_mismatch) {
            char allow[128];
            router_allow(cfg->routes, cfg->n_routes, req->path, allow, sizeof allow);
            res_header(res, "Allow", arena_strdup(req->arena, allow));
            /* The method is the client's text: echo it only when it is a plain token. */
            bool plain = strlen(req->method) <= 16;
            for (const char *c = req->method; plain && *c; c++) plain = *c >= 'A' && *c <= 'Z';
            fail(res, 405, LE_INVALID, "method_not_allowed", NULL,
                 "%s is not allowed at this address; use %s", plain ? req->method : "This method",
                 allow);
        } else {
            fail(res, 404, LE_NOTFOUND, NULL, NULL,
                 "There is nothing at this address; check it for typos");
        }
    } else {
        req->route = m->route;
        if (m->route->flags & ROUTE_MACHINE) req->is_api = true;
        if (read_params(st, &p)) fail_problem(res, &p);
    }

    /* begin runs for errors too, so their pages know the user and the site. */
    if (cfg->hooks.begin) {
        *began = true;
        if (cfg->hooks.begin(req, res)) {
            if (!res->problem.code && !res->body && !res->redirect)
                fail(res, 503, LE_INTERNAL, NULL, NULL, "The service is busy; try again shortly");
            return false;
        }
    }
    if (res->problem.code || res->redirect) return false;
    if (req->user) req->user->via_bearer = req->via_bearer;

    const struct route *rt = req->route;
    if (rt->capability != 0) {
        if (!req->user) {
            if (req->is_api) {
                fail(res, 401, LE_AUTH, NULL, NULL,
                     "Sign in first: send a valid session cookie or an "
                     "Authorization: Bearer token");
            } else {
                redirect(res, arena_sprintf(req->arena, SESSION_REDIRECT "?next=%s",
                                            url_encode(req->arena, req->path)));
            }
            return false;
        }
        if (!cfg->hooks.allowed || !cfg->hooks.allowed(req->user, rt->capability)) {
            fail(res, 403, LE_FORBIDDEN, NULL, NULL,
                 "You do not have permission to do this; ask an administrator if you need it");
            return false;
        }
        /* Public routes stay reachable (the stylesheet the password page itself uses). */
        if (req->user->must_change_password && !(rt->flags & ROUTE_PASSWORD_CHANGE)) {
            if (req->is_api)
                fail(res, 403, LE_FORBIDDEN, "password_change_required", NULL,
                     "Change your password first (POST /api/v1/me/password)");
            else
                redirect(res, PASSWORD_REDIRECT);
            return false;
        }
    }
    if (state_changing(req->method) && req->user && !req->via_bearer &&
        !(rt->flags & ROUTE_CSRF_EXEMPT)) {
        const char *token = raw_get(&st->raw, "_csrf");
        if (!token) token = req_header(req, "X-CSRF-Token");
        if (!secret_eq(token, req->user->csrf)) {
            fail(res, 403, LE_FORBIDDEN, "csrf_failed", NULL,
                 "The form expired or was sent from another site; reload the page and try again.");
            return false;
        }
    }
    if (state_changing(req->method) && !form_from_site(st)) return false;
    if (params_apply(rt->params, m, &st->raw, req->arena, &req->params, &req->n_params, &p)) {
        fail_problem(res, &p);
        return false;
    }
    return true;
}

/* The path of the page a same-site Referer names, or NULL. */
static const char *referer_path(struct request *req)
{
    const char *ref = req_header(req, "Referer"), *host = req_header(req, "Host");
    if (!ref || !host || !utf8_valid(ref, strlen(ref))) return NULL;
    const char *authority = strstr(ref, "://");
    if (!authority) return NULL;
    authority += 3;
    size_t host_len = strlen(host);
    if (strncmp(authority, host, host_len) != 0 || authority[host_len] != '/') return NULL;
    const char *path = authority + host_len;
    return arena_strndup(req->arena, path, strcspn(path, "?#"));
}

/* A browser's form post that failed on something the person can fix, where the handler did
 * not choose the page to show it on. */
static bool form_needs_page(const struct conn_state *st)
{
    const struct request *req = &st->req;
    const struct response *res = &st->res;
    int status = res->status >= 400 ? res->status : lerr_http_status(res->problem.code);
    return !req->is_api && req->route && req->db && is_method(req->method, "POST") &&
           res->problem.code && !res->template && (status == 422 || status == 409);
}

/* Shows the page the failed form lives on (the page it was sent from, else the nearest page
 * above its address) with the problem, so the person fixes the field instead of meeting an
 * error page; the view echoes what they typed back into the form. The page's handler runs as
 * for a GET of it, with its own captures and capability; if it cannot, the error page stays. */
static void show_form_page(struct conn_state *st)
{
    struct request *req = &st->req;
    struct response *res = &st->res;
    const struct server_config *cfg = &st->s->cfg;
    struct route_match m;
    const char *page = referer_path(req);
    if (!page || !router_match(cfg->routes, cfg->n_routes, "GET", page, req->arena, &m))
        page = router_page_above(cfg->routes, cfg->n_routes, req->path, req->arena);
    if (!router_match(cfg->routes, cfg->n_routes, "GET", page, req->arena, &m)) return;
    if (m.route->capability && (!cfg->hooks.allowed || !cfg->hooks.allowed(req->user, m.route->capability)))
        return;
    struct raw_params *none = arena_alloc(req->arena, sizeof *none);
    memset(none, 0, sizeof *none);
    struct req_param *params;
    size_t n_params;
    struct problem p = {0};
    if (params_apply(m.route->params, &m, none, req->arena, &params, &n_params, &p)) return;

    struct problem failed = res->problem;
    int status = res->status >= 400 ? res->status : lerr_http_status(failed.code);
    const struct route *posted = req->route;
    struct req_param *posted_params = req->params;
    size_t posted_n = req->n_params;
    json_memory_release(res->model);
    res->model = NULL;
    memset(&res->problem, 0, sizeof res->problem);
    req->route = m.route;
    req->params = params;
    req->n_params = n_params;
    m.route->handler(req, res);
    /* The page is shown for the post: its problem, its route (for the echo and the metrics). */
    req->route = posted;
    req->params = posted_params;
    req->n_params = posted_n;
    res->problem = failed;
    res->status = status;
    res->redirect = NULL;
}

static enum MHD_Result handle(struct conn_state *st, struct MHD_Connection *conn)
{
    struct route_match m;
    memset(&m, 0, sizeof m);
    bool began = false;
    /* The request's JSON (its body, the model, the rendering) lives on its arena. */
    struct arena *before = json_memory_use(st->req.arena);
    if (admit(st, &m, &began)) st->req.route->handler(&st->req, &st->res);
    if (began && form_needs_page(st)) show_form_page(st);
    enum MHD_Result r = respond(st, conn, began);
    json_memory_use(before);
    return r;
}

static bool is_static(const struct server *s, const char *method, const char *url)
{
    return s->prefix_len && (is_method(method, "GET") || is_method(method, "HEAD")) &&
           strncmp(url, s->cfg.static_prefix, s->prefix_len) == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    struct server *s = cls;

    if (!*con_cls) { /* first call: headers are in; set up, answer later */
        atomic_fetch_add(&s->inflight, 1);
        conn_limits_request_started(conn, CONNECTION_TIMEOUT_S);
        if (is_static(s, method, url)) {
            *con_cls = &static_tag;
            return MHD_YES;
        }
        struct arena *a = arena_new(16384);
        struct conn_state *st = arena_alloc(a, sizeof *st);
        *con_cls = st;
        st->s = s;
        st->req.arena = a;
        st->req.cfg = &s->cfg;
        st->req.start_ms = time_monotonic_ms();
        st->res.status = 200;
        st->max_body = route_body_cap(s, method, url, a, &st->max_file, &st->file_param);
        buf_init(&st->body, st->max_body);
        arena_defer(a, release_buf, &st->body);
        request_fill(&st->req, conn, method, url);
        /* A declared length over the cap is refused before any of the body is read; answering
         * now also closes the connection, which is what we want here. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno == ERANGE || n > st->max_body) {
                too_big(st);
                return respond(st, conn, false);
            }
        }
        return MHD_YES;
    }

    if (*con_cls == &static_tag) {
        if (*upload_data_size) return MHD_NO; /* a body on a static GET: drop the connection */
        double t0 = time_monotonic_ms();
        size_t bytes;
        const char *rest = url + s->prefix_len;
        bool vendor = strncmp(rest, "vendor/", 7) == 0;
        bool closing = atomic_load(&s->stopping);
        int status = static_serve(s->statics, conn, rest, vendor, closing, &bytes);
        if (status) {
            double ms = time_monotonic_ms() - t0;
            metrics_record(NULL, METRICS_STATIC, status, ms, 0);
            if (s->cfg.access_log) access_log(method, url, status, ms, 0, bytes);
        }
        return status ? MHD_YES : MHD_NO;
    }

    struct conn_state *st = *con_cls;
    if (st->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!st->too_big && buf_add(&st->body, upload_data, *upload_data_size)) {
            /* Over the cap (a chunked body has no length to check up front): keep reading
             * and discard, then answer 413; a client that keeps going far beyond is cut off. */
            st->too_big = true;
            buf_release(&st->body);
        }
        if (st->too_big) {
            st->discarded += *upload_data_size;
            if (st->discarded > 4 * st->max_body) return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    return handle(st, conn);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    struct server *s = cls;
    void *state = *con_cls;
    if (!state) return;
    *con_cls = NULL;
    if (state != &static_tag) arena_free(((struct conn_state *)state)->req.arena);
    atomic_fetch_sub(&s->inflight, 1);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes %XX in the path and query arguments, in place, like libmicrohttpd's own, except that
 * %00 is left as it is: a NUL would silently cut a C string short ("/admin%00.css"). */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    char *r = s, *w = s;
    while (*r) {
        int h = r[0] == '%' && r[1] ? hex_digit(r[1]) : -1;
        int l = h >= 0 && r[2] ? hex_digit(r[2]) : -1;
        if (h >= 0 && l >= 0 && (h | l) != 0) {
            *w++ = (char)(h * 16 + l);
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    bool opened = code == MHD_CONNECTION_NOTIFY_STARTED;
    if (opened) conn_limits_opened(conn, socket_context);
    else conn_limits_closed(socket_context);
    metrics_connection(opened);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = '\0';
    log_error("http: %s", msg);
}

/* ---- start, stop, signals ---- */

static void stop_signal_set(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
}

void server_block_signals(void)
{
    sigset_t set;
    stop_signal_set(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

void server_wait_for_signal(void)
{
    sigset_t set;
    stop_signal_set(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    int sig = 0;
    while (sigwait(&set, &sig) != 0) {
    }
    log_info("received %s; stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

lerr server_start(const struct server_config *cfg, struct server **out, struct problem *p)
{
    *out = NULL;
    server_block_signals();
    /* A client that hangs up, or a closed stdout under the access log, must not kill us. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);

    struct server *s = calloc(1, sizeof *s);
    if (!s) return problem_set(p, LE_NOMEM, NULL, "out of memory");
    s->cfg = *cfg;
    if (!s->cfg.host || !*s->cfg.host) s->cfg.host = "127.0.0.1";
    if (!s->cfg.max_body) s->cfg.max_body = DEFAULT_MAX_BODY;
    if (!s->cfg.static_prefix) s->cfg.static_prefix = "/static/";
    s->prefix_len = strlen(s->cfg.static_prefix);
    metrics_bind(cfg->routes, cfg->n_routes);
    s->statics = static_cache_new();
    if (!s->statics) {
        free(s);
        return problem_set(p, LE_NOMEM, NULL, "out of memory");
    }
    long threads = cfg->threads > 0 ? cfg->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1) threads = 1;
    if (threads > 1024) threads = 1024;

    char port[16];
    snprintf(port, sizeof port, "%d", cfg->port);
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int gai = getaddrinfo(s->cfg.host, port, &hints, &ai);
    if (gai != 0 || !ai) {
        problem_set(p, LE_INVALID, "listen",
                    "cannot listen on %s: %s; give an IP address or host name such as 127.0.0.1",
                    s->cfg.host, gai_strerror(gai));
        static_cache_free(s->statics);
        free(s);
        return LE_INVALID;
    }

    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (ai->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
    struct MHD_OptionItem pool[] = {
        {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    unsigned max_connections = conn_limits_init(&s->cfg);
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->port, conn_limits_accept, NULL, on_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, ai->ai_addr,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONNECTION_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY_LIMIT,
        MHD_OPTION_CONNECTION_LIMIT, max_connections,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_ARRAY, pool,
        MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!s->daemon) {
        static_cache_free(s->statics);
        free(s);
        return problem_set(p, LE_IO, "listen",
                           "cannot listen on %s port %d; is another program using the port?",
                           cfg->host ? cfg->host : "127.0.0.1", cfg->port);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    log_info("listening on http://%s:%d/ with %ld thread%s", s->cfg.host, s->port, threads,
             threads == 1 ? "" : "s");
    *out = s;
    return LE_OK;
}

int server_port(const struct server *s)
{
    return s ? s->port : 0;
}

void server_stop(struct server *s)
{
    if (!s) return;
    atomic_store(&s->stopping, true);
    /* Stop accepting: the listening socket is ours to close after quiescing, and closing it
     * at once makes a load balancer move new connections to another node. */
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET) close(fd);
    double deadline = time_monotonic_ms() + STOP_WAIT_MS;
    while (atomic_load(&s->inflight) > 0 && time_monotonic_ms() < deadline) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    int left = atomic_load(&s->inflight);
    if (left > 0) log_error("http: %d request%s still running after 10 s; stopping anyway", left,
                            left == 1 ? "" : "s");
    MHD_stop_daemon(s->daemon);
    static_cache_free(s->statics);
    free(s);
}
