/* Requests: filling struct request from the connection, and the accessors handlers use for
 * validated parameters, uploaded files and headers. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "internal.h"

#define SESSION_COOKIE "lectern_session"
#define FORM_COOKIE "lectern_form"
#define TOKEN_MAX 512

static const char *header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* Header text a handler may show or store: dropped when it is not valid UTF-8. */
static const char *clean_header(struct MHD_Connection *conn, const char *name)
{
    const char *v = header(conn, name);
    return v && utf8_valid(v, strlen(v)) ? v : NULL;
}

static const char *client_ip(struct request *req, struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr) return "-";
    char text[INET6_ADDRSTRLEN];
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) {
        if (!inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text,
                       sizeof text))
            return "-";
    } else if (sa->sa_family == AF_INET6) {
        if (!inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                       text, sizeof text))
            return "-";
    } else {
        return "-";
    }
    return arena_strdup(req->arena, text);
}

bool http_addr_in_list(const char *list, const char *addr, size_t n)
{
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ", ");
        if (len == n && strncmp(p, addr, n) == 0) return true;
        p += len;
        p += strspn(p, ", ");
    }
    return false;
}

/* Behind a trusted proxy the client is the rightmost X-Forwarded-For entry that is not itself
 * a trusted proxy; entries further left were written by the client and prove nothing. Lockout,
 * rate limits and the audit log then see people, not the proxy. */
static const char *forwarded_ip(struct request *req, struct MHD_Connection *conn, const char *peer)
{
    const char *list = req->cfg ? req->cfg->trusted_proxies : NULL;
    if (!req->peer_trusted) return peer;
    const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
    if (!xff) return peer;
    size_t end = strlen(xff);
    while (end > 0) {
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',') start--;
        size_t a = start, b = end;
        while (a < b && (xff[a] == ' ' || xff[a] == '\t')) a++;
        while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t')) b--;
        if (b > a && !http_addr_in_list(list, xff + a, b - a)) {
            char candidate[INET6_ADDRSTRLEN];
            unsigned char bin[sizeof(struct in6_addr)];
            if (b - a >= sizeof candidate) return peer;
            memcpy(candidate, xff + a, b - a);
            candidate[b - a] = '\0';
            if (inet_pton(AF_INET, candidate, bin) != 1 && inet_pton(AF_INET6, candidate, bin) != 1)
                return peer;
            return arena_strdup(req->arena, candidate);
        }
        end = start > 0 ? start - 1 : 0;
    }
    return peer;
}

/* A token is printable ASCII of sane length; anything else is ignored (no session). */
static bool token_ok(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > TOKEN_MAX) return false;
    for (size_t i = 0; i < n; i++)
        if (t[i] <= ' ' || t[i] > '~') return false;
    return true;
}

/* Whether the client's connection was TLS: configured (--secure-cookies), or said by a
 * trusted proxy in X-Forwarded-Proto (anyone else's header proves nothing). */
static bool forwarded_https(struct request *req, struct MHD_Connection *conn)
{
    if (req->cfg && req->cfg->secure_cookies) return true;
    if (!req->peer_trusted) return false;
    const char *proto = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
    return proto && strcasecmp(proto, "https") == 0;
}

void request_fill(struct request *req, struct MHD_Connection *conn, const char *method,
                  const char *path)
{
    req->conn = conn;
    req->method = arena_strdup(req->arena, method);
    req->path = arena_strdup(req->arena, path);
    const char *peer = client_ip(req, conn);
    const char *proxies = req->cfg ? req->cfg->trusted_proxies : NULL;
    req->peer_trusted = proxies && http_addr_in_list(proxies, peer, strlen(peer));
    req->ip = forwarded_ip(req, conn, peer);
    req->https = forwarded_https(req, conn);
    req->user_agent = clean_header(conn, MHD_HTTP_HEADER_USER_AGENT);
    req->accept = clean_header(conn, MHD_HTTP_HEADER_ACCEPT);
    req->content_type = clean_header(conn, MHD_HTTP_HEADER_CONTENT_TYPE);
    req->is_api = strncmp(path, "/api/v1/", 8) == 0 ||
                  (req->accept && strstr(req->accept, "application/json"));

    const char *form = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, FORM_COOKIE);
    if (form && token_ok(form)) req->form_token = form;

    /* An API client's bearer token wins over a cookie; only a cookie needs CSRF protection,
     * because a browser never adds an Authorization header to a cross-site request. */
    const char *auth = header(conn, MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
        const char *t = auth + 7;
        while (*t == ' ') t++;
        if (token_ok(t)) {
            req->session_token = t;
            req->via_bearer = true;
            return;
        }
    }
    const char *cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, SESSION_COOKIE);
    if (cookie && token_ok(cookie)) req->session_token = cookie;
}

struct query_ctx {
    struct request *req;
    struct raw_params *raw;
    struct problem *p;
    lerr err;
};

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    struct query_ctx *q = cls;
    if (!key || key_size == 0) return MHD_YES;
    if (strlen(key) != key_size) {
        q->err = problem_set(q->p, LE_INVALID, NULL, "A parameter name contains a NUL byte");
        snprintf(q->p->reason, sizeof q->p->reason, "bad_request");
        return MHD_NO;
    }
    /* MHD has already decoded %XX and '+'; a key without '=' has a NULL value. */
    const char *v = value ? value : "";
    q->err = raw_add(q->raw, key, v, value ? value_size : 0, q->p);
    return q->err ? MHD_NO : MHD_YES;
}

lerr request_query_params(struct request *req, struct raw_params *raw, struct problem *p)
{
    if (!req->conn) return LE_OK;
    struct query_ctx q = {req, raw, p, LE_OK};
    MHD_get_connection_values_n(req->conn, MHD_GET_ARGUMENT_KIND, query_arg, &q);
    return q.err;
}

/* ---- Accessors ---- */

static const struct req_param *find(struct request *req, const char *name)
{
    for (size_t i = 0; i < req->n_params; i++)
        if (strcmp(req->params[i].name, name) == 0) return &req->params[i];
    return NULL;
}

const char *req_param(struct request *req, const char *name)
{
    const struct req_param *p = find(req, name);
    return p ? p->value : NULL;
}

int64_t req_param_int(struct request *req, const char *name, int64_t dflt)
{
    const char *v = req_param(req, name);
    if (!v || !*v) return dflt;
    char *end;
    long long x = strtoll(v, &end, 10);
    return *end ? dflt : (int64_t)x;
}

bool req_param_bool(struct request *req, const char *name)
{
    const char *v = req_param(req, name);
    return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcasecmp(v, "on") == 0 ||
                 strcasecmp(v, "yes") == 0);
}

bool req_has_param(struct request *req, const char *name)
{
    return find(req, name) != NULL;
}

const struct uploaded_file *req_file(struct request *req, const char *name)
{
    const struct req_param *p = find(req, name);
    return p ? p->file : NULL;
}

const char *req_header(struct request *req, const char *name)
{
    return req->conn ? header(req->conn, name) : NULL;
}

const char *req_body(struct request *req, size_t *len)
{
    if (len) *len = req->body ? req->body_len : 0;
    return req->body;
}

json_t *req_json(struct request *req)
{
    return req->json;
}

void req_each_sent(struct request *req, void (*fn)(void *ctx, const char *name, const char *value),
                   void *ctx)
{
    const struct raw_params *raw = req->raw;
    if (!raw || raw->source != RAW_FORM) return;
    for (size_t i = 0; i < raw->n; i++)
        if (raw->items[i].value && !raw->items[i].file) fn(ctx, raw->items[i].name, raw->items[i].value);
}
