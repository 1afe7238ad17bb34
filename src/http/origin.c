/* Where a form came from: the check that keeps another site from posting Lectern's public
 * forms (sign-in, forgotten password, the reset and welcome link page) in a visitor's browser.
 * Signed-in forms carry the session's CSRF token; these have no session yet, so another site
 * could otherwise sign a visitor in to an account of its choosing ("login CSRF"). Browsers say
 * where a post comes from in Origin (every current browser, on every POST) or at least Referer;
 * the pre-session cookie covers the rare browser that sends neither (docs/people.md). */
#include <string.h>
#include <strings.h>
#include "internal.h"

#define FORM_COOKIE "lectern_form" /* read in request.c */

const char *http_origin_of(struct arena *a, const char *url)
{
    if (!url) return NULL;
    const char *sep = strstr(url, "://");
    if (!sep || sep == url) return NULL;
    size_t scheme_len = (size_t)(sep - url);
    const char *host = sep + 3;
    size_t host_len = strcspn(host, "/?#");
    if (host_len == 0 || strcspn(host, "@") < host_len) return NULL; /* no credentials in an origin */
    const char *dflt = scheme_len == 4 && strncasecmp(url, "http", 4) == 0    ? ":80"
                       : scheme_len == 5 && strncasecmp(url, "https", 5) == 0 ? ":443"
                                                                              : NULL;
    if (dflt && host_len > strlen(dflt) && strncmp(host + host_len - strlen(dflt), dflt, strlen(dflt)) == 0)
        host_len -= strlen(dflt);
    char *out = arena_strndup(a, url, (size_t)(host - url) + host_len);
    for (char *c = out; *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
    return out;
}

/* The host the client asked for: a trusted proxy's X-Forwarded-Host (its first entry), else
 * the Host header. */
static const char *requested_host(struct request *req)
{
    const char *fwd = req->peer_trusted ? req_header(req, "X-Forwarded-Host") : NULL;
    if (fwd) {
        size_t n = strcspn(fwd, ", ");
        if (n) return arena_strndup(req->arena, fwd, n);
    }
    return req_header(req, "Host");
}

static bool is_own_origin(struct request *req, const char *origin)
{
    const char *host = requested_host(req);
    if (host) {
        const char *own = arena_sprintf(req->arena, "%s://%s", req->https ? "https" : "http", host);
        const char *mine = http_origin_of(req->arena, own);
        if (mine && strcmp(mine, origin) == 0) return true;
    }
    const char *configured = req->cfg && req->cfg->hooks.site_address ? req->cfg->hooks.site_address(req) : NULL;
    const char *site = http_origin_of(req->arena, configured);
    return site && strcmp(site, origin) == 0;
}

enum form_origin http_form_origin(struct request *req, const char *form_field)
{
    /* Origin wins; "Origin: null" (a sandboxed frame, a privacy redirect) names no site. */
    const char *said = req_header(req, "Origin");
    if (!said) said = req_header(req, "Referer");
    if (said) {
        const char *origin = http_origin_of(req->arena, said);
        return origin && is_own_origin(req, origin) ? FORM_FROM_SITE : FORM_CROSS_SITE;
    }
    /* A program (the API) sends neither and holds no cookies another site could ride on. */
    if (req->is_api) return FORM_FROM_SITE;
    if (req->form_token && form_field && secret_eq(form_field, req->form_token)) return FORM_FROM_SITE;
    return FORM_ORIGIN_UNKNOWN;
}

const char *res_form_token(struct request *req, struct response *res)
{
    if (req->form_token) return req->form_token;
    char *token = arena_alloc(req->arena, 65);
    random_hex(token, 32);
    /* SameSite=Lax: a cross-site post never carries it, so another site cannot match it. */
    res_header(res, "Set-Cookie",
               arena_sprintf(req->arena, FORM_COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax%s", token,
                             req->https ? "; Secure" : ""));
    req->form_token = token;
    return token;
}
