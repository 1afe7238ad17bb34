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

const struct tz *web_zone(struct request *req)
{
    const struct tz *z = NULL;
    if (req->user && req->user->timezone && *req->user->timezone) z = tz_get(req->user->timezone);
    const struct web_site *site = req->site;
    if (!z && site && site->settings.timezone) z = tz_get(site->settings.timezone);
    return z ? z : tz_utc();
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
