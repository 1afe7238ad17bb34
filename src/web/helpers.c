/* Small helpers shared by the handlers. */
#include <string.h>
#include "web.h"

const char *web_lang(struct request *req)
{
    (void)req; /* one language for now; the user's preference comes with profiles */
    return "en";
}

const char *T(struct request *req, const char *key)
{
    return i18n_text(web_lang(req), key);
}

json_t *web_model(struct response *res)
{
    if (!res->model) res->model = json_object();
    return res->model;
}

void web_fail(struct response *res, const struct problem *p)
{
    res_problem(res, p);
}

void web_flash(struct request *req, struct response *res, const char *key)
{
    if (req->is_api) return;
    res_header(res, "Set-Cookie",
               arena_sprintf(req->arena, "lectern_flash=%s; Path=/; Max-Age=60; HttpOnly; SameSite=Lax", key));
}

/* Percent-encodes a query value for a link. */
static const char *url_encode(struct arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = arena_alloc(a, n * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-_.~", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

json_t *web_page_model(struct request *req, json_t *items, int page, int per_page, int total,
                       const char *base_path, const char *q)
{
    int pages = total ? (total + per_page - 1) / per_page : 1;
    const char *qpart = q && *q ? arena_sprintf(req->arena, "&q=%s", url_encode(req->arena, q)) : "";
    json_t *m = json_pack("{s:o, s:i, s:i, s:i, s:i}", "items", items, "page", page, "per_page",
                          per_page, "total", total, "pages", pages);
    json_object_set_new(m, "next",
                        page < pages ? json_string(arena_sprintf(req->arena, "%s?page=%d&per_page=%d%s",
                                                                 base_path, page + 1, per_page, qpart))
                                     : json_null());
    json_object_set_new(m, "prev",
                        page > 1 ? json_string(arena_sprintf(req->arena, "%s?page=%d&per_page=%d%s",
                                                             base_path, page - 1, per_page, qpart))
                                 : json_null());
    return m;
}

json_t *web_sort_columns(struct request *req, const char *base, const char *const *keys, size_t n,
                         const char *sort, bool descending)
{
    json_t *cols = json_object();
    for (size_t i = 0; i < n; i++) {
        bool current = sort && str_eq(sort, keys[i]);
        /* A click on the current column turns its order round; another column starts ascending. */
        const char *dir = current && !descending ? "desc" : "asc";
        json_object_set_new(cols, keys[i],
                            json_pack("{s:s, s:s, s:b}", "href",
                                      arena_sprintf(req->arena, "%s&sort=%s&dir=%s", base, keys[i], dir), "aria",
                                      !current ? "none" : descending ? "descending" : "ascending", "current",
                                      current));
    }
    return cols;
}

const char *web_query_value(struct arena *a, const char *s)
{
    return url_encode(a, s ? s : "");
}
