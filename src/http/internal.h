/* Private to src/http: what server.c, request.c, params.c, response.c and static.c share.
 * Nothing outside src/http includes this (unit tests may). */
#ifndef LECTERN_HTTP_INTERNAL_H
#define LECTERN_HTTP_INTERNAL_H

#include <microhttpd.h>
#include "http.h"

/* A validated parameter (req_param and friends read these). */
struct req_param {
    const char *name;
    const char *value;                   /* NULL for a file */
    const struct uploaded_file *file;
};

/* One parameter as the client sent it, before the route's spec is applied. */
enum raw_source { RAW_QUERY, RAW_FORM, RAW_JSON };
struct raw_param {
    const char *name;
    const char *value;                   /* decoded, NUL-terminated; NULL for files and JSON */
    size_t len;
    const struct uploaded_file *file;    /* multipart part with a filename */
    json_t *json;                        /* borrowed from the request's JSON body */
};
struct raw_params {
    struct raw_param items[HTTP_MAX_PARAMS];
    size_t n;
    enum raw_source source;
};

/* ---- Body parsers (params.c). Each fills raw (appending) and on failure sets p: LE_INVALID
 * with reason "bad_request" (400) or LE_TOOBIG (400 too many parameters is LE_INVALID too).
 * Every name and text value is checked for UTF-8; the error names the parameter. */
lerr raw_add(struct raw_params *raw, const char *name, const char *value, size_t len,
             struct problem *p);
lerr parse_urlencoded(const char *body, size_t len, struct arena *a, struct raw_params *raw,
                      struct problem *p);
/* content_type is the whole header ("multipart/form-data; boundary=..."). File data points
 * into body, which must outlive raw. */
lerr parse_multipart(const char *body, size_t len, const char *content_type, struct arena *a,
                     struct raw_params *raw, struct problem *p);
/* Parses a JSON object body (depth-capped) and adds its members; *root receives the tree
 * (caller owns it, also on failure NULL). */
lerr parse_json_body(const char *body, size_t len, struct raw_params *raw, json_t **root,
                     struct problem *p);
/* Applies a route's spec: path captures first (they win over body and query), then the
 * raw parameters; undeclared ones are dropped, captures always kept. Fills *out and *n_out. */
lerr params_apply(const struct param_spec *spec, const struct route_match *m,
                  const struct raw_params *raw, struct arena *a, struct req_param **out,
                  size_t *n_out, struct problem *p);
/* The raw value of a parameter (last one sent), for the CSRF token; NULL if absent. */
const char *raw_get(const struct raw_params *raw, const char *name);

/* ---- Request setup (request.c) ---- */
/* Fills method, path, ip, user agent, accept, is_api, session token from the connection. */
void request_fill(struct request *req, struct MHD_Connection *conn, const char *method,
                  const char *path);
/* Adds the query string's arguments to raw (GET, HEAD, DELETE). */
lerr request_query_params(struct request *req, struct raw_params *raw, struct problem *p);

/* ---- Responses (response.c) ---- */
/* Adds the headers every response carries (CSP, nosniff, referrer policy, frame rules). */
void http_security_headers(struct MHD_Response *r);
/* Percent-encodes s for a query value, in a. */
char *url_encode(struct arena *a, const char *s);

/* ---- Static files (static.c) ---- */
struct static_cache;
struct static_cache *static_cache_new(void);
void static_cache_free(struct static_cache *c);
/* Answers GET/HEAD under the static prefix; returns the status sent (0 if queueing failed)
 * and the body size in *bytes. */
int static_serve(struct static_cache *c, struct MHD_Connection *conn, const char *rest,
                 bool vendor, bool closing, size_t *bytes);
/* Content type for a file name by its extension. */
const char *static_content_type(const char *path);

/* ---- Connection limits (limits.c, docs/deploy.md) ---- */
/* Sets the per-address limit, the first-request timeout and the trusted proxies, and raises
 * the open-file limit; returns the total number of connections to allow. */
unsigned conn_limits_init(const struct server_config *cfg);
/* libmicrohttpd's accept policy: refuses an address that holds its share already. */
enum MHD_Result conn_limits_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
/* A connection opened or closed (the notify-connection callback's socket context). */
void conn_limits_opened(struct MHD_Connection *conn, void **socket_context);
void conn_limits_closed(void **socket_context);
/* A connection's first complete request: from now on it has the usual idle timeout. */
void conn_limits_request_started(struct MHD_Connection *conn, unsigned idle_timeout_s);
/* Whether addr (n bytes) is one of the comma- or space-separated addresses of list. */
bool http_addr_in_list(const char *list, const char *addr, size_t n);

/* ---- Metrics (metrics.c): per-thread counters, no locks on the hot path ---- */
enum metrics_kind { METRICS_ROUTE, METRICS_STATIC };
/* The route table whose entries label the counters (server_start calls it). */
void metrics_bind(const struct route *routes, size_t n);
/* One answered request: route NULL when none matched. */
void metrics_record(const struct route *route, enum metrics_kind kind, int status, double ms,
                    uint64_t nqueries);
void metrics_connection(bool opened);

#endif
