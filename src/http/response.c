/* Responses: headers, problems, the session cookie, and the headers every answer carries. */
#include <stdio.h>
#include <string.h>
#include "internal.h"

#define SESSION_COOKIE "lectern_session"

void res_header(struct response *res, const char *name, const char *value)
{
    int max = (int)(sizeof res->headers / sizeof res->headers[0]);
    if (res->n_headers >= max) {
        log_error("http: response header %s dropped: more than %d headers", name, max);
        return;
    }
    res->headers[res->n_headers++] = (struct response_header){name, value};
}

void res_problem(struct response *res, const struct problem *p)
{
    res->problem = *p;
    if (!res->problem.code) res->problem.code = LE_INTERNAL;
    res->status = lerr_http_status(res->problem.code);
}

void res_error(struct response *res, lerr code, const char *field, const char *fmt, ...)
{
    char msg[sizeof res->problem.message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct problem p;
    problem_set(&p, code ? code : LE_INTERNAL, field, "%s", msg);
    res_problem(res, &p);
}

void res_set_session_cookie(struct request *req, struct response *res, const char *token)
{
    bool secure = req->https;
    const char *value;
    if (token)
        value = arena_sprintf(req->arena, SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax%s",
                              token, secure ? "; Secure" : "");
    else
        value = arena_sprintf(req->arena,
                              SESSION_COOKIE "=; Path=/; Max-Age=0; "
                                             "Expires=Thu, 01 Jan 1970 00:00:00 GMT; "
                                             "HttpOnly; SameSite=Lax%s",
                              secure ? "; Secure" : "");
    res_header(res, "Set-Cookie", value);
}

void http_security_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                            "script-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                            "base-uri 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
}

char *url_encode(struct arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = arena_alloc(a, n * 3 + 1), *o = out;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            *c == '-' || *c == '_' || *c == '.' || *c == '~' || *c == '/') {
            *o++ = (char)*c;
        } else {
            *o++ = '%';
            *o++ = hex[*c >> 4];
            *o++ = hex[*c & 15];
        }
    }
    *o = '\0';
    return out;
}
