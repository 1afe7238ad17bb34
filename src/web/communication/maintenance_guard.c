/* Read-only mode on every request, and the banner on every page. The state comes from the
 * copy kept in memory (maintenance_mode.c), so neither costs a page a query. */
#include <stdio.h>
#include <string.h>
#include "maintenance.h"

#define RETRY_AFTER_DEFAULT_S 300

void web_maintenance_load(struct request *req, struct maintenance_state *out)
{
    if (maintenance_state_get(req->db, req->arena, time_now(), out)) memset(out, 0, sizeof *out);
}

/* Writes that stay open while the site reads only: signing in and out, so that an
 * administrator can come in, and ending read-only mode (the router still checks that only
 * administrators may). */
static bool stays_open(const struct route *rt)
{
    static const char *const open[] = {
        "/signin", "/signout", "/api/v1/sessions", "/api/v1/sessions/current",
        "/admin/maintenance/read-only", "/api/v1/maintenance/read-only",
    };
    for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
        if (str_eq(rt->pattern, open[i])) return true;
    return false;
}

static bool is_write(const char *method)
{
    return !(str_eq(method, "GET") || str_eq(method, "HEAD") || str_eq(method, "OPTIONS"));
}

bool web_maintenance_refuse(struct request *req, struct response *res, const struct maintenance_state *s)
{
    if (!s->read_only || !req->route || !is_write(req->method) || stays_open(req->route)) return false;
    int64_t left = s->until_at ? s->until_at - time_now() : RETRY_AFTER_DEFAULT_S;
    res_header(res, "Retry-After", arena_sprintf(req->arena, "%lld", (long long)(left > 0 ? left : 1)));
    const char *msg = T(req, s->until_at ? "maintenance.refused_until" : "maintenance.refused");
    if (s->until_at) {
        char iso[21];
        time_iso8601(s->until_at, iso);
        msg = arena_sprintf(req->arena, "%s %s (UTC).", msg, iso);
    }
    problem_set(&res->problem, LE_CONFLICT, NULL, "%s", msg);
    snprintf(res->problem.reason, sizeof res->problem.reason, "read_only");
    res->status = 503;
    json_t *model = json_object();
    jset_str(model, "message", s->message);
    if (s->until_at) {
        char iso[21];
        time_iso8601(s->until_at, iso);
        jset_str(model, "until", iso);
    }
    res->model = model;
    res->template = "maintenance_read_only";
    res->title = T(req, "maintenance.read_only_title");
    return true;
}

json_t *web_maintenance_banner(struct request *req, const struct maintenance_state *s)
{
    (void)req;
    if (!s->read_only && !s->window_id) return NULL;
    json_t *b = json_object();
    jset_bool(b, "read_only", s->read_only);
    char iso[21];
    if (s->read_only && s->until_at) {
        time_iso8601(s->until_at, iso);
        jset_str(b, "until", iso);
    }
    if (s->read_only && *s->message) jset_str(b, "read_only_message", s->message);
    if (s->window_id) {
        time_iso8601(s->window_starts_at, iso);
        jset_str(b, "starts_at", iso);
        time_iso8601(s->window_ends_at, iso);
        jset_str(b, "ends_at", iso);
        jset_str(b, "message", s->window_message);
        jset_str(b, "affected", s->window_affected);
        jset_bool(b, "now", s->window_starts_at <= time_now());
    }
    return b;
}
