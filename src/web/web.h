/* Lectern's web layer: the hooks that plug the model and the view into the HTTP server, the
 * helpers every handler uses, and the domains (web/<domain>/, each with its handlers and its
 * routes next to them) joined into the one route table the router walks. */
#ifndef LECTERN_WEB_H
#define LECTERN_WEB_H

#include "../http/http.h"
#include "../model/platform/platform.h"
#include "../view/view.h"

/* Process-wide state of a serving node. */
struct web_app {
    struct db_pool *pool;
    struct tpl_set *templates;
    const char *data_dir;
    const char *metrics_token;   /* Bearer token that may read /metrics; NULL = admins only */
};
extern struct web_app web_app;

/* Compiles every template under templates/ and loads translations. */
lerr web_init(struct db_pool *pool, const char *data_dir, struct problem *p);
void web_shutdown(void);
/* The hooks for server_config. */
struct server_hooks web_hooks(void);

/* A domain's part of the web layer: its routes, declared next to its handlers, and what it
 * plugs into the domains below it (init, NULL = nothing). routes.c lists the domains. */
struct web_domain {
    const char *name;
    const struct route *routes;
    size_t n_routes;
    void (*init)(void);
    /* Reads what the domain keeps in memory before the first request (NULL = nothing), so the
     * first pages cost no more than later ones; web_init calls it with a pooled connection. */
    void (*warm)(struct db *db);
};
/* Joins the domains' routes, in the domains' order and each domain's own order, into
 * web_routes (web_init calls it; calling it again does nothing) and runs their inits. The
 * router takes the first route that matches, so a domain lists a literal segment before a
 * capture at the same place, and no route of a later domain may be reached by an earlier
 * one's pattern (tests/unit/web/test_routes.c checks it). */
lerr web_routes_join(struct problem *p);
/* Runs each domain's warm (web_init calls it). */
void web_domains_warm(struct db *db);
extern const struct route *web_routes;
extern size_t web_n_routes;

/* Per-request site data (req->site): branding for the layout. */
struct web_site {
    struct site_settings settings;
    const char *flash;            /* the flash message carried by cookie, if any */
    json_t *maintenance;          /* the maintenance banner (communication/maintenance_guard.c), or NULL */
};
/* The site's name as the settings give it (NULL before they are read). */
const char *web_site_name(struct request *req);
/* Forgets cached settings after a change, so the next page shows it. */
void web_settings_changed(void);
/* Parts of every page's chrome from a domain (communication: the urgent announcements'
 * banner), added for signed-in pages only, never to the JSON. Registered by the domain's init. */
typedef void (*web_chrome_part_fn)(struct request *req, json_t *chrome);
void web_chrome_part_register(web_chrome_part_fn fn);

/* Helpers for handlers. */
const char *web_lang(struct request *req);
const char *T(struct request *req, const char *key);   /* translated text */
/* The zone a page shows times in: the viewer's own, else the site's, else UTC (an API request
 * has no site settings, so its own zone or UTC; the JSON itself is always UTC). */
const struct tz *web_zone(struct request *req);
/* A page with a form anyone may send (sign-in, forgotten password, a reset link): gives an
 * anonymous visitor the pre-session token its hidden "_csrf" field carries (origin.c). */
void web_public_form(struct request *req, struct response *res);
/* A refusal to listen yet (429, docs/people.md): sets Retry-After to the seconds left and, for
 * a page, puts the translated text of key, its "{wait}" replaced by the time left, in
 * p->message. */
void web_wait(struct request *req, struct response *res, int64_t seconds, const char *key, struct problem *p);
/* Answers a problem from the model: keeps res->template so a form re-renders with the error. */
void web_fail(struct response *res, const struct problem *p);
/* For a page shown with a problem (render.c; form.c describes it): adds "errors" by field to
 * top and, after a form post, what was typed ("form_echo", and into the model's "form"). */
void web_form_failed(struct request *req, struct response *res, json_t *top);
/* Sets model to an object (created if missing) and returns it. */
json_t *web_model(struct response *res);
/* A duration as people read it, in whole minutes rounded up: "20 minutes", "1 hour",
 * "1 hour 30 minutes". The one style for every duration a page shows. */
const char *web_duration(struct request *req, int64_t seconds);
/* A time in the viewer's zone as pages show it ("7 Dec 2026, 14:05"), for text that cannot
 * hold a <time> element (an option of a select). */
const char *web_time_text(struct request *req, int64_t t);
/* A flash message for the next HTML page (ignored by the API). */
void web_flash(struct request *req, struct response *res, const char *key);
/* Builds the {"items","page","per_page","total","next"} list model. */
json_t *web_page_model(struct request *req, json_t *items, int page, int per_page, int total,
                       const char *base_path, const char *q);
/* s encoded for an address's query (a list's filters in its sort and pager links). */
const char *web_query_value(struct arena *a, const char *s);
/* Sortable column headers for a list page: for each of the n keys, {"href": base with
 * "&sort=<key>&dir=<asc|desc>" (the other direction when it is the current column), "aria":
 * "ascending" | "descending" | "none", "current"}, keyed by column. base ends in a query. */
json_t *web_sort_columns(struct request *req, const char *base, const char *const *keys, size_t n,
                         const char *sort, bool descending);

/* ---- Lists an administrator works with (helpers.c) ----
 * A list declares its sortable columns; ?sort= names one of them (anything else is refused
 * with 422, so SQL is never built from input: the model maps the key to a fixed ORDER BY) and
 * ?dir= is asc or desc. Links keep the list's filters, sort and page size, so a sorted,
 * filtered page can be bookmarked. */
struct sort_column {
    const char *key;              /* the ?sort= value */
    const char *label_key;        /* the header's translation key */
};
struct list_sort {
    const char *key;              /* one of the columns' keys; the first column by default */
    bool desc;
};
struct list_link {
    const char *base_path;        /* "/admin/users" */
    const char *keep;             /* the filters as a query string (web_query_string), or "" */
    struct list_sort sort;
    int per_page;
};
/* "k1=v1&k2=v2" from NULL-terminated key, value pairs, url-encoded; empty values left out. */
const char *web_query_string(struct request *req, const char *const *pairs);
/* Reads ?sort= and ?dir= against cols (ending with a {NULL} row). False, with a 422 on res
 * naming the field and the choices, when either is not allowed. */
bool web_list_sort(struct request *req, struct response *res, const struct sort_column *cols,
                   struct list_sort *out);
/* {key: {label, href, active, aria_sort}} for the table's header cells: a click sorts by the
 * column, a second click reverses. */
json_t *web_sort_headers(struct request *req, const struct list_link *l, const struct sort_column *cols);
/* The list model: items, page, per_page, total, pages, sort, dir, next and prev (links with
 * the filters kept), and for pages "pager" (numbered page links with gaps) and "page_sizes"
 * (25, 50, 100). */
json_t *web_list_model(struct request *req, json_t *items, int page, int total, const struct list_link *l);

/* Answers the content store's file sha256 (stored_file.c) under name, with its type, inline for
 * PDF and media, as a download otherwise, and one byte range when asked. False when it answered
 * an error instead (the file missing, an unsatisfiable range). */
bool web_send_stored_file(struct request *req, struct response *res, const char *sha256, const char *mime,
                          const char *name);

/* Answers a CSV file (an attachment named filename) of rows, a JSON array of objects: a header
 * of the n column keys, then each row's values (text as is, true/false as yes/no, integers in
 * digits, anything else empty). */
void web_csv_answer(struct request *req, struct response *res, const char *const *cols, size_t n, json_t *rows,
                    const char *filename);

#endif
