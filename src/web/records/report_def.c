/* A report definition from the builder form's parameters (GET, so a report is an address that
 * can be bookmarked and shared): the same JSON the API takes, so both are checked by the model
 * alike. A ready-made report (?ready=ID) starts from its definition; the form's fields override. */
#include <string.h>
#include "internal.h"

/* "a,b, c" into a JSON array of its non-empty items. */
static json_t *list_param(struct request *req, const char *name)
{
    json_t *list = json_array();
    const char *s = req_param(req, name);
    while (s && *s) {
        while (*s == ',' || *s == ' ') s++;
        const char *end = s;
        while (*end && *end != ',') end++;
        size_t n = (size_t)(end - s);
        while (n && s[n - 1] == ' ') n--;
        if (n) json_array_append_new(list, json_stringn(s, n));
        s = end;
    }
    return list;
}

static void set_list(struct request *req, json_t *def, const char *name)
{
    json_t *list = list_param(req, name);
    if (json_array_size(list) || req_has_param(req, name))
        json_object_set_new(def, name, list);
    else
        json_decref(list);
}

static void set_filters(struct request *req, json_t *def)
{
    json_t *f = json_object_get(def, "filters");
    if (!f) json_object_set_new(def, "filters", f = json_object());
    static const char *const ids[] = {"department", "job_role", "category"};
    for (size_t i = 0; i < 3; i++)
        if (req_param_int(req, ids[i], 0) > 0) json_object_set_new(f, ids[i], json_integer(req_param_int(req, ids[i], 0)));
    static const char *const texts[] = {"manager", "course", "status", "username"};
    for (size_t i = 0; i < 4; i++) {
        const char *v = req_param(req, texts[i]);
        if (v && *v) json_object_set_new(f, texts[i], json_string(v));
    }
    const char *range = req_param(req, "range"), *from = req_param(req, "from"), *to = req_param(req, "to");
    if (range && *range && ((from && *from) || (to && *to))) {
        json_t *r = json_object();
        if (from && *from) json_object_set_new(r, "from", json_string(from));
        if (to && *to) json_object_set_new(r, "to", json_string(to));
        json_object_set_new(f, range, r);
    }
}

json_t *web_report_def(struct request *req, struct problem *p)
{
    json_t *def = NULL;
    const char *ready_id = req_param(req, "ready");
    if (ready_id && *ready_id) {
        const struct report_ready *r = report_ready_find(ready_id);
        if (!r) {
            problem_set(p, LE_NOTFOUND, "ready", "There is no ready-made report '%s'.", ready_id);
            return NULL;
        }
        def = json_loads(r->definition, 0, NULL);
    }
    if (!def) def = json_object();
    const char *source = req_param(req, "source");
    if (source && *source) {
        const char *before = json_string_value(json_object_get(def, "source"));
        if (before && !str_eq(before, source)) json_object_clear(def); /* another source: start again */
        json_object_set_new(def, "source", json_string(source));
    }
    set_list(req, def, "columns");
    set_list(req, def, "group_by");
    set_list(req, def, "aggregates");
    set_filters(req, def);
    const char *sort = req_param(req, "sort");
    if (sort && *sort) json_object_set_new(def, "sort", json_string(sort));
    if (req_has_param(req, "page")) json_object_set_new(def, "page", json_integer(req_param_int(req, "page", 1)));
    if (req_has_param(req, "per_page"))
        json_object_set_new(def, "per_page", json_integer(req_param_int(req, "per_page", 50)));
    return def;
}
