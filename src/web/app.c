/* The web layer's hooks into the HTTP server: a database connection and the signed-in user
 * for each request, site branding, and the capability check. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "web.h"
#include "../model/people/people.h"
#include "communication/maintenance.h"
#include "../core/asset.h"

struct web_app web_app;

/* Branding changes rarely but is on every page: keep a copy, refreshed after a local change
 * or when it is older than a few seconds (another node may have changed it). */
#define SETTINGS_TTL_S 5
static struct {
    pthread_mutex_t lock;
    struct arena *arena;
    struct site_settings settings;
    int64_t loaded_at;
    bool valid;
} settings_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

void web_settings_changed(void)
{
    pthread_mutex_lock(&settings_cache.lock);
    settings_cache.valid = false;
    pthread_mutex_unlock(&settings_cache.lock);
}

static void load_settings(struct request *req, struct site_settings *out)
{
    pthread_mutex_lock(&settings_cache.lock);
    int64_t now = time_now();
    if (!settings_cache.valid || now - settings_cache.loaded_at >= SETTINGS_TTL_S) {
        struct arena *fresh = arena_new(1024);
        struct site_settings s;
        if (settings_get(req->db, fresh, &s) == LE_OK) {
            arena_free(settings_cache.arena);
            settings_cache.arena = fresh;
            settings_cache.settings = s;
            settings_cache.loaded_at = now;
            settings_cache.valid = true;
        } else {
            arena_free(fresh);
        }
    }
    /* Copy the strings into the request's arena: the cache may be replaced meanwhile. */
    const struct site_settings *c = &settings_cache.settings;
    out->site_name = arena_strdup(req->arena, c->site_name ? c->site_name : "Lectern");
    out->primary_color = arena_strdup(req->arena, c->primary_color ? c->primary_color : "#0d6efd");
    out->logo_sha256 = arena_strdup(req->arena, c->logo_sha256);
    out->logo_type = arena_strdup(req->arena, c->logo_type);
    out->timezone = arena_strdup(req->arena, c->timezone ? c->timezone : "UTC");
    out->version = c->version;
    pthread_mutex_unlock(&settings_cache.lock);
}

/* The flash message travels in a short-lived cookie holding a translation key, never text,
 * so nothing a visitor puts there is ever shown. */
static const char *read_flash(struct request *req)
{
    const char *cookie = req_header(req, "Cookie");
    if (!cookie) return NULL;
    const char *p = strstr(cookie, "lectern_flash=");
    if (!p) return NULL;
    p += strlen("lectern_flash=");
    size_t n = strcspn(p, "; ");
    if (n == 0 || n > 64) return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(p[i] == '.' || p[i] == '_' || (p[i] >= 'a' && p[i] <= 'z'))) return NULL;
    char *key = arena_strndup(req->arena, p, n);
    return T(req, key);
}

/* A "log in as" session that ended on its own (its administrator suspended or signed out,
 * its time up...): a browser forgets the cookie and lands on the sign-in page with the reason
 * in words; an API client gets 401 with the reason as the error's code. Public pages go on,
 * signed out. */
static void impersonation_ended(struct request *req, struct response *res, const char *reason)
{
    /* words: flash.impersonation_ended_{expired,impersonator_suspended,impersonator_capability}
     * words: flash.impersonation_ended_{impersonator_signed_out,target_privileged} */
    const char *key = arena_sprintf(req->arena, "flash.impersonation_ended_%s", reason);
    bool needs_user = req->route && req->route->capability != CAP_PUBLIC;
    if (req->is_api) {
        if (!needs_user) return;
        problem_set(&res->problem, LE_AUTH, NULL, "%s", T(req, key));
        snprintf(res->problem.reason, sizeof res->problem.reason, "impersonation_ended");
        res->status = 401;
        return;
    }
    res_set_session_cookie(req, res, NULL);
    web_flash(req, res, key);
    if (needs_user) res->redirect = "/signin";
}

static int hook_begin(struct request *req, struct response *res)
{
    req->db = db_pool_get(web_app.pool);
    /* Read before the count starts: its refresh, once a second, is no page's own query. */
    struct maintenance_state maintenance;
    web_maintenance_load(req, &maintenance);
    req->nqueries_start = req->db->nqueries;
    const char *ended = NULL;
    /* A page view reads from one snapshot (a form post writes, which ends it at once). */
    if (str_eq(req->method, "GET") || str_eq(req->method, "HEAD")) db_read_begin(req->db);
    if (req->session_token) {
        struct session_user su;
        lerr found = session_lookup(req->db, req->arena, req->session_token, &su);
        if (found == LE_AUTH) ended = su.impersonation_ended;
        if (found == LE_OK) {
            struct request_user *u = arena_alloc(req->arena, sizeof *u);
            u->id = su.user_id;
            u->session_id = su.session_id;
            u->username = su.username;
            const char *first = su.first_name ? su.first_name : "";
            const char *last = su.last_name ? su.last_name : "";
            u->display_name = (*first || *last) ? arena_sprintf(req->arena, "%s%s%s", first,
                                                                *first && *last ? " " : "", last)
                                                : su.username;
            u->roles = su.roles;
            /* A support session ("log in as") never makes the administrator choose the
             * user's password. */
            u->must_change_password = su.must_change_password && !su.impersonator_id;
            u->impersonator_id = su.impersonator_id;
            u->impersonator_name = su.impersonator_name;
            u->csrf = su.csrf;
            u->timezone = su.timezone;
            u->shown_version = su.shown_version;
            u->notify_version = su.notify_version;
            u->unread = su.unread;
            u->unread_version = su.unread_version;
            u->via_bearer = req->via_bearer; /* the server knows whether it was a Bearer token */
            req->user = u;
        }
    }
    /* The configured metrics token signs a request in as the metrics scraper, which holds
     * CAP_METRICS_VIEW only; other routes never see it. */
    if (!req->user && req->via_bearer && web_app.metrics_token && req->route &&
        req->route->capability == CAP_METRICS_VIEW && secret_eq(req->session_token, web_app.metrics_token)) {
        struct request_user *u = arena_alloc(req->arena, sizeof *u);
        u->username = u->display_name = "metrics";
        u->roles = ROLE_METRICS_SCRAPER;
        u->csrf = "";
        req->user = u;
    }
    if (!req->is_api) {
        struct web_site *site = arena_alloc(req->arena, sizeof *site);
        load_settings(req, &site->settings);
        site->flash = read_flash(req);
        site->maintenance = web_maintenance_banner(req, &maintenance);
        if (site->flash)
            res_header(res, "Set-Cookie", "lectern_flash=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
        req->site = site;
    }
    if (ended) impersonation_ended(req, res, ended);
    else web_maintenance_refuse(req, res, &maintenance);
    return 0;
}

static void hook_end(struct request *req)
{
    if (!req->db) return;
    req->nqueries = req->db->nqueries - req->nqueries_start;
    db_read_end(req->db);
    db_pool_put(web_app.pool, req->db);
    req->db = NULL;
}

static bool hook_allowed(const struct request_user *user, int capability)
{
    if (capability == CAP_PUBLIC) return true;
    if (!user) return false;
    return role_has_cap(user->roles, (enum capability)capability);
}

lerr web_render(struct request *req, struct response *res, struct buf *out, const char **ctype);

/* The site address set for links in messages (Settings, Mail) is also where the site's own
 * forms come from when a proxy rewrites the Host header (origin.c). */
static const char *hook_site_address(struct request *req)
{
    return req->db ? mail_base_url(req->db, req->arena) : NULL;
}

struct server_hooks web_hooks(void)
{
    return (struct server_hooks){
        .begin = hook_begin,
        .end = hook_end,
        .render = web_render,
        .allowed = hook_allowed,
        .site_address = hook_site_address,
    };
}

struct compile_ctx {
    struct tpl_set *set;
    struct problem *p;
    lerr err;
};

static void compile_one(const struct asset *a, void *ctx)
{
    struct compile_ctx *c = ctx;
    if (c->err) return;
    /* "templates/admin/users.mustache" is known as "admin/users". */
    const char *name = a->path + strlen("templates/");
    size_t n = strlen(name);
    const char *ext = ".mustache";
    if (n <= strlen(ext) || strcmp(name + n - strlen(ext), ext) != 0) return;
    char key[256];
    snprintf(key, sizeof key, "%.*s", (int)(n - strlen(ext)), name);
    c->err = tpl_set_add(c->set, key, (const char *)a->data, a->len, c->p);
}

lerr web_init(struct db_pool *pool, const char *data_dir, struct problem *p)
{
    web_app.pool = pool;
    web_app.data_dir = data_dir;
    web_app.templates = tpl_set_new();
    /* Scores and percentages read 60.71, not 60.7142857142857. */
    tpl_set_round_reals(web_app.templates, 2);
    struct compile_ctx c = {web_app.templates, p, LE_OK};
    asset_each("templates/", compile_one, &c);
    if (c.err) return c.err;
    lerr e = i18n_load();
    if (e) return problem_set(p, e, NULL, "the translation catalogues could not be loaded");
    if (web_routes_join(p)) return p->code;
    struct db *db = pool ? db_pool_get(pool) : NULL;
    if (db) {
        web_domains_warm(db);
        db_pool_put(pool, db);
    }
    return LE_OK;
}

void web_shutdown(void)
{
    tpl_set_free(web_app.templates);
    web_app.templates = NULL;
    arena_free(settings_cache.arena);
    settings_cache.arena = NULL;
    settings_cache.valid = false;
}
