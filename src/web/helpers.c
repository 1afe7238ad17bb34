/* Small helpers shared by the handlers. */
#include <stdio.h>
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

const struct tz *web_zone(struct request *req)
{
    const struct tz *z = NULL;
    if (req->user && req->user->timezone && *req->user->timezone) z = tz_get(req->user->timezone);
    const struct web_site *site = req->site;
    if (!z && site && site->settings.timezone) z = tz_get(site->settings.timezone);
    return z ? z : tz_utc();
}

const char *web_site_name(struct request *req)
{
    const struct web_site *site = req->site;
    return site ? site->settings.site_name : NULL;
}

json_t *web_model(struct response *res)
{
    if (!res->model) res->model = json_object();
    return res->model;
}

void web_public_form(struct request *req, struct response *res)
{
    if (!req->user && !req->is_api) res_form_token(req, res);
}

void web_wait(struct request *req, struct response *res, int64_t seconds, const char *key, struct problem *p)
{
    if (seconds < 1) seconds = 1;
    res_header(res, "Retry-After", arena_sprintf(req->arena, "%lld", (long long)seconds));
    if (req->is_api) return;
    const char *text = T(req, key), *at = strstr(text, "{wait}");
    if (at)
        snprintf(p->message, sizeof p->message, "%.*s%s%s", (int)(at - text), text, web_duration(req, seconds),
                 at + strlen("{wait}"));
    else
        snprintf(p->message, sizeof p->message, "%s", text);
}

void web_fail(struct response *res, const struct problem *p)
{
    res_problem(res, p);
}

const char *web_duration(struct request *req, int64_t seconds)
{
    int64_t minutes = seconds > 0 ? (seconds + 59) / 60 : 0, hours = minutes / 60;
    minutes %= 60;
    const char *h = hours ? arena_sprintf(req->arena, "%lld %s", (long long)hours,
                                          T(req, hours == 1 ? "duration.hour" : "duration.hours"))
                          : "";
    const char *m = minutes || !hours ? arena_sprintf(req->arena, "%lld %s", (long long)minutes,
                                                      T(req, minutes == 1 ? "duration.minute" : "duration.minutes"))
                                      : "";
    return arena_sprintf(req->arena, "%s%s%s", h, *h && *m ? " " : "", m);
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

/* ---- Lists: the query string a list keeps, sortable headers, numbered pages ---- */

const char *web_query_string(struct request *req, const char *const *pairs)
{
    const char *out = "";
    for (size_t i = 0; pairs[i]; i += 2) {
        const char *v = pairs[i + 1];
        if (!v || !*v) continue;
        out = arena_sprintf(req->arena, "%s%s%s=%s", out, *out ? "&" : "", pairs[i], url_encode(req->arena, v));
    }
    return out;
}

bool web_list_sort(struct request *req, struct response *res, const struct sort_column *cols,
                   struct list_sort *out)
{
    const char *key = req_param(req, "sort"), *dir = req_param(req, "dir");
    out->key = cols[0].key;
    out->desc = false;
    if (key && *key) {
        size_t i = 0;
        while (cols[i].key && !str_eq(cols[i].key, key)) i++;
        if (!cols[i].key) {
            const char *names = "";
            for (i = 0; cols[i].key; i++)
                names = arena_sprintf(req->arena, "%s%s%s", names, i ? ", " : "", cols[i].key);
            res_error(res, LE_INVALID, "sort", "Sort by one of: %s.", names);
            return false;
        }
        out->key = cols[i].key;
    }
    if (dir && *dir && !str_eq(dir, "asc") && !str_eq(dir, "desc")) {
        res_error(res, LE_INVALID, "dir", "The sort direction is asc or desc.");
        return false;
    }
    out->desc = dir && str_eq(dir, "desc");
    return true;
}

/* A link to the list with the kept filters and the given sort, page and page size. */
static const char *list_href(struct request *req, const struct list_link *l, const char *sort, bool desc,
                             int page, int per_page)
{
    return arena_sprintf(req->arena, "%s?%s%ssort=%s&dir=%s&per_page=%d&page=%d", l->base_path, l->keep,
                         *l->keep ? "&" : "", sort, desc ? "desc" : "asc", per_page, page);
}

json_t *web_sort_headers(struct request *req, const struct list_link *l, const struct sort_column *cols)
{
    json_t *heads = json_object();
    for (size_t i = 0; cols[i].key; i++) {
        bool active = str_eq(cols[i].key, l->sort.key);
        /* A click on the sorted column reverses it; on another, sorts by it ascending. */
        bool next_desc = active && !l->sort.desc;
        json_object_set_new(heads, cols[i].key,
                            json_pack("{s:s, s:s, s:b, s:s}", "label", T(req, cols[i].label_key), "href",
                                      list_href(req, l, cols[i].key, next_desc, 1, l->per_page), "active",
                                      active, "aria_sort",
                                      active ? (l->sort.desc ? "descending" : "ascending") : "none"));
    }
    return heads;
}

/* The page numbers shown: the first, the last, and two either side of the current one, with
 * a gap marked where numbers are left out. */
static json_t *pager_numbers(struct request *req, const struct list_link *l, int page, int pages)
{
    json_t *nums = json_array();
    int last_shown = 0;
    for (int n = 1; n <= pages; n++) {
        if (n != 1 && n != pages && (n < page - 2 || n > page + 2)) continue;
        if (last_shown && n > last_shown + 1) json_array_append_new(nums, json_pack("{s:b}", "gap", 1));
        json_array_append_new(nums, json_pack("{s:i, s:s, s:b}", "number", n, "href",
                                              list_href(req, l, l->sort.key, l->sort.desc, n, l->per_page),
                                              "current", n == page));
        last_shown = n;
    }
    return nums;
}

json_t *web_list_model(struct request *req, json_t *items, int page, int total, const struct list_link *l)
{
    static const int sizes[] = {25, 50, 100};
    int per_page = l->per_page;
    int pages = total ? (total + per_page - 1) / per_page : 1;
    json_t *m = json_pack("{s:o, s:i, s:i, s:i, s:i, s:s, s:s}", "items", items, "page", page, "per_page",
                          per_page, "total", total, "pages", pages, "sort", l->sort.key, "dir",
                          l->sort.desc ? "desc" : "asc");
    json_object_set_new(m, "next", page < pages ? json_string(list_href(req, l, l->sort.key, l->sort.desc,
                                                                        page + 1, per_page))
                                                : json_null());
    json_object_set_new(m, "prev", page > 1 ? json_string(list_href(req, l, l->sort.key, l->sort.desc,
                                                                    page - 1, per_page))
                                            : json_null());
    if (req->is_api) return m;
    json_object_set_new(m, "pager", pager_numbers(req, l, page, pages));
    json_t *size_links = json_array();
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        json_array_append_new(size_links, json_pack("{s:i, s:s, s:b}", "size", sizes[i], "href",
                                                    list_href(req, l, l->sort.key, l->sort.desc, 1, sizes[i]),
                                                    "current", sizes[i] == per_page));
    json_object_set_new(m, "page_sizes", size_links);
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

void web_csv_answer(struct request *req, struct response *res, const char *const *cols, size_t n, json_t *rows,
                    const char *filename)
{
    struct buf b;
    buf_init(&b, 64 * 1024 * 1024);
    for (size_t i = 0; i < n; i++) {
        if (i) buf_addc(&b, ',');
        csv_write_field(&b, cols[i], ',');
    }
    buf_adds(&b, "\r\n");
    size_t k;
    json_t *r;
    json_array_foreach(rows, k, r) {
        for (size_t i = 0; i < n; i++) {
            json_t *v = json_object_get(r, cols[i]);
            const char *s = json_is_string(v)    ? json_string_value(v)
                            : json_is_true(v)    ? "yes"
                            : json_is_false(v)   ? "no"
                            : json_is_integer(v) ? arena_sprintf(req->arena, "%lld", (long long)json_integer_value(v))
                                                 : "";
            if (i) buf_addc(&b, ',');
            csv_write_field(&b, s, ',');
        }
        buf_adds(&b, "\r\n");
    }
    res->body = buf_detach(&b);
    res->body_len = strlen(res->body);
    res->body_owned = true;
    res->content_type = "text/csv; charset=utf-8";
    res_header(res, "Content-Disposition", arena_sprintf(req->arena, "attachment; filename=\"%s\"", filename));
}
