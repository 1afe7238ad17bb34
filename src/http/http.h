/* Lectern's HTTP layer on libmicrohttpd: server, route table, declared parameters,
 * requests and responses. It knows nothing of SQL; the web layer plugs in through hooks. */
#ifndef LECTERN_HTTP_H
#define LECTERN_HTTP_H

#include <jansson.h>
#include "../core/core.h"

struct db;            /* carried for handlers, never used here */
struct request;
struct response;

/* ---- Declared parameters: a handler never parses a raw query string or body. ----
 * Values come from the path pattern, the query string (GET/HEAD), a form body
 * (urlencoded or multipart) or a JSON object body, validated against the route's spec;
 * undeclared parameters are dropped. A failing parameter answers 422 naming the field. */
enum param_type {
    P_STR,       /* one line of UTF-8 text, trimmed, no control characters */
    P_TEXT,      /* multi-line UTF-8 text */
    P_INT,       /* decimal integer within [min, max] */
    P_BOOL,      /* true/false/1/0/on/off; absent = false */
    P_EMAIL,     /* something@something.tld */
    P_USERNAME,  /* [a-z0-9._-@], 1..100, lower-cased */
    P_SECRET,    /* passwords: not trimmed, never logged */
    P_COLOR,     /* #RRGGBB */
    P_FILE,      /* multipart upload: req_file() */
};
#define PARAM_REQUIRED 1u
struct param_spec {
    const char *name;
    enum param_type type;
    unsigned flags;
    int64_t min;   /* length for text types, value for P_INT; 0 = default */
    int64_t max;   /* ditto; 0 = default (P_STR 200, P_TEXT 20000, P_FILE 2 MiB) */
};
#define PARAMS_END { NULL, 0, 0, 0, 0 }
/* Limits on what a request may carry (the body cap: server_config.max_body, or more for a
 * route that declares a larger P_FILE; see struct route). */
#define HTTP_MAX_PARAMS 128     /* query + body parameters (a bulk form ticks a page of 100); more answers 400 */
#define HTTP_MAX_JSON_DEPTH 32  /* nesting of a JSON body; deeper answers 400 */

/* Validates one value against its spec (params.c; no connection needed, so tests call it).
 * value NULL (with len 0) means absent. On success *out is the normalised value (trimmed,
 * lower-cased username, "true"/"false", CRLF -> LF for P_TEXT, ...), allocated in a, or NULL
 * when the parameter is absent or an optional non-text value was left empty. On failure p
 * names the field and says what to fix: LE_INVALID (422) or LE_TOOBIG (413).
 * Rules: empty required -> "<name> is required"; an empty optional P_STR/P_TEXT stays "" (a
 * form can clear a field); min/max count characters for text and are only checked on
 * non-empty values; for P_INT min = max = 0 means any int64, otherwise [min, max or INT64_MAX].
 * Invalid UTF-8 is LE_INVALID with p->reason "bad_request" (answered 400).
 * P_FILE values are checked by the server (size against max); here they always pass. */
lerr param_validate(const struct param_spec *spec, const char *value, size_t len,
                    struct arena *a, const char **out, struct problem *p);

/* ---- Routes ----
 * pattern: literal segments and typed captures, e.g. "/api/v1/users/{id:int}",
 * "/admin/users/{username:name}"; types: int, name (username-like), str (one segment). */
typedef void (*handler_fn)(struct request *req, struct response *res);
#define ROUTE_CSRF_EXEMPT   1u   /* the sign-in form: no session yet (its origin is checked
                                  * instead: origin.c) */
#define ROUTE_PASSWORD_CHANGE 2u /* reachable while a password change is forced */
#define ROUTE_MACHINE 4u         /* for programs (/metrics): answered like the API, so an
                                  * anonymous caller gets 401, never a redirect to /signin */
/* The body cap is per route: server_config.max_body (4 MiB by default), unless the route
 * declares a P_FILE parameter whose max is larger; then that max plus HTTP_BODY_SLACK (for the
 * multipart envelope and the form's other fields). A bulk upload route declares, say, a 64 MiB
 * file and accepts bodies up to 65 MiB; every other route keeps 4 MiB. Above its cap a request
 * answers 413 naming the limit (before reading the body when Content-Length says so). */
#define HTTP_BODY_SLACK (1024 * 1024)
struct route {
    const char *method;          /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *pattern;
    handler_fn handler;
    int capability;              /* enum capability from the model; 0 = public */
    const struct param_spec *params;  /* NULL = none */
    unsigned flags;
};

struct uploaded_file {
    const char *filename;
    const char *content_type;
    const unsigned char *data;
    size_t len;
};

/* The signed-in user as the HTTP layer sees it; filled by the web layer's authenticate hook. */
struct request_user {
    int64_t id;
    int64_t session_id;
    const char *username;
    const char *display_name;
    unsigned roles;
    bool must_change_password;
    const char *csrf;            /* the session's CSRF token */
    bool via_bearer;             /* API token: no CSRF check */
    int64_t impersonator_id;     /* "log in as": the administrator behind the session, 0 = none */
    const char *impersonator_name;
    const char *timezone;        /* the user's IANA time zone; "" = the site's */
    int64_t shown_version;       /* auth_version.shown_version, read with the session; 0 = unknown */
    int64_t notify_version;      /* auth_version.notify_version, the same; 0 = unknown */
    int64_t unread, unread_version; /* unread notifications as of notify_version unread_version */
};

struct MHD_Connection;
struct server_config;

struct request {
    struct arena *arena;
    const char *method;
    const char *path;
    const char *ip;
    const char *user_agent;
    const char *accept;
    bool is_api;                 /* path under /api/v1/ or Accept: application/json */
    bool https;                  /* the client reached us over TLS: --secure-cookies, or a
                                  * trusted proxy's X-Forwarded-Proto: https */
    const char *session_token;   /* from the cookie or the Bearer header, NULL if none */
    bool via_bearer;             /* session_token came from "Authorization: Bearer": no CSRF
                                  * check; the server copies it into user->via_bearer after begin */
    const char *form_token;      /* the pre-session form token from its cookie (origin.c), NULL
                                  * if none; res_form_token sets it */
    struct request_user *user;   /* NULL when not signed in */
    struct db *db;               /* set by the begin hook */
    const struct route *route;
    void *site;                  /* web layer's per-request site data (branding) */
    /* validated parameters (internal; use the accessors) */
    struct req_param *params;
    size_t n_params;
    /* raw body (internal; use req_body / req_json) */
    const char *body;
    size_t body_len;
    uint64_t nqueries_start;     /* web layer: db->nqueries when begin took the connection */
    /* Database queries this request ran. The web layer sets it (in the end hook, e.g.
     * db->nqueries - nqueries_start); the server sends it as the X-Lectern-Queries header. */
    uint64_t nqueries;
    /* internal to src/http */
    struct MHD_Connection *conn;         /* valid while the request is handled */
    const struct server_config *cfg;
    bool peer_trusted;                   /* the peer is one of cfg->trusted_proxies */
    const char *content_type;            /* of the body, NULL if none */
    json_t *json;                        /* parsed JSON object body (req_json) */
    struct raw_params *raw;              /* everything the client sent, before validation */
    double start_ms;                     /* time_monotonic_ms() at the first byte handled */
};

const char *req_param(struct request *req, const char *name);          /* NULL if absent */
int64_t req_param_int(struct request *req, const char *name, int64_t dflt);
bool req_param_bool(struct request *req, const char *name);
bool req_has_param(struct request *req, const char *name);
const struct uploaded_file *req_file(struct request *req, const char *name);
const char *req_header(struct request *req, const char *name);           /* NULL if absent */
/* A form body's fields as the client sent them, before validation, in the order sent (files
 * skipped; nothing for a JSON body or a query string): for showing a failed form again. */
void req_each_sent(struct request *req, void (*fn)(void *ctx, const char *name, const char *value),
                   void *ctx);
/* The body as received (any content type), NULL with *len 0 if none. Valid for the request. */
const char *req_body(struct request *req, size_t *len);
/* A JSON object body, parsed once (borrowed; freed with the request), NULL if not JSON.
 * For handlers that need structure beyond flat parameters (e.g. xAPI statements). */
json_t *req_json(struct request *req);

/* ---- Responses ----
 * A handler fills a model and a template name; the view answers JSON (API) or HTML
 * (template inside the layout). redirect: for HTML, answer 303 to it after a successful
 * form post (JSON ignores it and answers status + model). A problem answers an error:
 * JSON {"error": {...}}, HTML re-renders the template (if any) with "error" in the model.
 *
 * How the server turns a response into bytes (server.c):
 *  - status: with a problem, res->status if it is >= 400, else lerr_http_status(code)
 *    (res_problem/res_error set it from the code; the server's own 400/405 set it explicitly).
 *  - HTML with redirect and no problem: 303 (or the handler's 3xx) with Location, empty body;
 *    render is NOT called, so set flash cookies in the handler.
 *  - problem: hooks.render is called (raw body ignored); otherwise body != NULL sends it
 *    as is with content_type; otherwise hooks.render. If render is NULL or fails, a plain
 *    JSON {"error":{...}} (API) or text body is sent instead (no render hook and no problem:
 *    the model as JSON). A render failure on a good response becomes a 500.
 *  - body (not owned) must stay valid until the request ends: static data or req->arena.
 *  - headers: res->headers as given; Content-Type from render/content_type unless the
 *    handler set one; Cache-Control "private, no-cache" unless the handler set one; the
 *    security headers (CSP, nosniff, Referrer-Policy, X-Frame-Options); X-Lectern-Queries.
 * Header names and values are pointers kept until the request ends (use req->arena); a
 * value with CR or LF is refused by libmicrohttpd and logged. */
struct response_header { const char *name; const char *value; };
struct response {
    int status;                  /* default 200 */
    json_t *model;               /* owned by the response */
    const char *template;        /* "admin/users" -> templates/admin/users.mustache */
    const char *title;           /* page title (translated text) */
    const char *redirect;
    const char *flash;           /* shown once on the next HTML page */
    struct problem problem;      /* problem.code != 0 means error */
    /* raw bodies (static files, metrics): take precedence over model/template */
    const void *body;
    size_t body_len;
    const char *content_type;
    bool body_owned;             /* free(body) after sending */
    struct response_header headers[8];
    int n_headers;
};
void res_header(struct response *res, const char *name, const char *value);
void res_problem(struct response *res, const struct problem *p);
void res_error(struct response *res, lerr code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Session cookie: token NULL clears it. */
void res_set_session_cookie(struct request *req, struct response *res, const char *token);
/* The pre-session form token of a public form's page (origin.c): the one the browser holds,
 * or a new one set in a cookie. The page puts it in the form's hidden "_csrf" field, for the
 * browser that sends neither Origin nor Referer with the form. */
const char *res_form_token(struct request *req, struct response *res);

/* ---- Server ----
 * Request flow (server.c), for everything but static files:
 *   route (404, 405 + Allow) -> read parameters (400 malformed, 413 too big) -> begin
 *   -> capability (401 API / 303 /signin?next= HTML; 403) -> forced password change
 *   (403 reason "password_change_required" / 303 /password) -> CSRF (403 reason
 *   "csrf_failed"), or for a post no session token protects, its origin (403 reason
 *   "cross_site" or "form_origin_unknown": origin.c) -> validate parameters against the
 *   route's spec (422 naming the field) -> handler -> render -> end -> send.
 * begin is called once for every request that reached the end of its upload, also when
 * routing or reading failed, so error pages get the user and site data; it is not called
 * for a body refused by its Content-Length (413 at once, connection closed). end is called
 * iff begin was (also when begin returned non-zero). render must therefore cope with
 * req->db, req->site, req->user and req->route being NULL. */
struct server_hooks {
    /* Acquire a database connection, resolve req->session_token to req->user, load site
     * data. Returns non-zero (with res filled) to answer at once (e.g. 503). */
    int (*begin)(struct request *req, struct response *res);
    /* After the response is built (before sending): release what begin took, and set
     * req->nqueries. */
    void (*end)(struct request *req);
    /* Renders the response body for the client: JSON or HTML. Called for the server's own
     * errors too, with res->problem set (reason "bad_request", "method_not_allowed",
     * "csrf_failed", "password_change_required" or empty) and res->status already final. */
    lerr (*render)(struct request *req, struct response *res, struct buf *out,
                   const char **content_type);
    /* Capability check: does this user (NULL = anonymous) hold capability cap? */
    bool (*allowed)(const struct request_user *user, int capability);
    /* The site's configured public address ("https://lms.example.org"), or NULL: a form
     * posted from there is the site's own even when the Host header says otherwise (origin.c).
     * Asked only when the request's own host does not match. May be NULL. */
    const char *(*site_address)(struct request *req);
};
struct server_config {
    const char *host;            /* "127.0.0.1" */
    int port;
    int threads;                 /* 0 = number of cores */
    const struct route *routes;
    size_t n_routes;
    struct server_hooks hooks;
    size_t max_body;             /* 413 above it; default 4 MiB */
    bool secure_cookies;         /* add Secure to cookies (behind TLS) */
    /* Comma-separated addresses of reverse proxies (nginx, a load balancer) whose
     * X-Forwarded-For is believed; NULL = take the peer's address as the client's. */
    const char *trusted_proxies;
    bool access_log;             /* one line per request on stdout */
    /* Connection limits (limits.c; 0 = the default): connections in all (10000), per client
     * address (256; trusted proxies are exempt), and the seconds a connection may take to
     * send its first complete request (10) before it is closed. */
    unsigned max_connections, max_connections_per_ip, first_request_timeout_s;
    const char *static_prefix;   /* "/static/" served from assets "static/..." */
};
struct server;
/* Blocks SIGTERM and SIGINT in the calling thread so that every thread created after it
 * inherits the mask and server_wait_for_signal() receives them. Call it first thing in main,
 * before any thread (database pool, workers) starts; server_start calls it too (harmless
 * twice), which covers libmicrohttpd's threads but not threads started earlier. */
void server_block_signals(void);
/* Starts listening on cfg->host:cfg->port (port 0 picks a free port: see server_port).
 * cfg is copied, but routes, hooks and strings must outlive the server. Ignores SIGPIPE. */
lerr server_start(const struct server_config *cfg, struct server **out, struct problem *p);
int server_port(const struct server *s);
/* Stops accepting (the listening socket closes at once), waits up to 10 s for in-flight
 * requests to finish (idle keep-alive connections do not count), then stops and frees. */
void server_stop(struct server *s);
/* Blocks until SIGTERM or SIGINT (see server_block_signals). */
void server_wait_for_signal(void);

/* ---- Metrics (metrics.c) ----
 * Appends the HTTP layer's series in Prometheus text format: lectern_http_requests_total
 * {method, route, status}, lectern_http_request_duration_seconds (histogram by route),
 * lectern_http_request_queries_total {method, route}, open and accepted connections. Routes
 * are labelled by their pattern; static files as "/static/..." and unmatched paths as
 * "(unmatched)". */
lerr http_metrics_write(struct buf *out);

/* ---- Byte ranges (range.c) ----
 * One range of a "Range: bytes=..." header for a body of size bytes: 1 with the inclusive
 * [*start, *end] to answer 206; 0 to answer the whole body (no header, another unit, several
 * ranges, or a malformed one); -1 when it cannot be satisfied (416 with "bytes * /size"). */
int http_range_parse(const char *header, int64_t size, int64_t *start, int64_t *end);

/* ---- Where a form came from (origin.c) ----
 * A state-changing request that no session's CSRF token protects (no session yet, or a
 * CSRF-exempt route such as the sign-in form) must come from the site itself: its Origin
 * header, else its Referer, names this site (the scheme and host the request came to, as a
 * trusted proxy's X-Forwarded-Proto and X-Forwarded-Host say, or the configured site address).
 * Without either header, an API request (a program, not a browser) passes, and a form passes
 * when its "_csrf" field matches the pre-session cookie (res_form_token). */
enum form_origin { FORM_FROM_SITE, FORM_CROSS_SITE, FORM_ORIGIN_UNKNOWN };
enum form_origin http_form_origin(struct request *req, const char *form_field);
/* "scheme://host[:port]" of a URL, lower-cased and without a default port (":80" for http,
 * ":443" for https), in a; NULL when url has no scheme and host (e.g. Origin: null). */
const char *http_origin_of(struct arena *a, const char *url);

/* ---- Router (router.c), usable on its own in tests ---- */
struct route_match {
    const struct route *route;
    const char *names[8];
    const char *values[8];       /* allocated in the arena */
    int n;
    bool method_mismatch;        /* path matched some route with another method (405) */
};
/* First route in table order whose pattern and method match (HEAD matches GET routes);
 * exact matches only ("/a/" is not "/a"). Captures go to m->names/values (in a). False when
 * nothing matches; then m->method_mismatch tells 405 from 404. */
bool router_match(const struct route *routes, size_t n, const char *method, const char *path,
                  struct arena *a, struct route_match *m);
/* The Allow header for a path: the methods of every route matching it, e.g. "GET, HEAD, POST"
 * (HEAD added after GET). Returns the length written (0: no route has this path). */
size_t router_allow(const struct route *routes, size_t n, const char *path, char *out,
                    size_t out_size);
/* The nearest page a browser may open at or above path: path itself when a GET route matches
 * it, else the longest leading part ("/admin/users/bob/profile" -> "/admin/users/bob") that
 * one matches, else "/". At each length an "/admin/..." address also tries itself without
 * "/admin" ("/admin/courses/x/copy" -> "/courses/x"): the administration of a thing acts on the
 * thing's own page. Where a form post's address leads when it is opened as a page. */
const char *router_page_above(const struct route *routes, size_t n, const char *path,
                              struct arena *a);

#endif
