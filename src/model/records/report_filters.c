/* A report's filters: each key is one of a fixed set (or a time column of the source), its
 * value checked for its type, and its condition a fixed fragment with the value bound. */
#include <stdio.h>
#include <string.h>
#include "report_internal.h"

static lerr bad(struct problem *p, const char *key, const char *what)
{
    char field[80];
    snprintf(field, sizeof field, "filters.%s", key);
    return problem_set(p, LE_INVALID, field, "filters.%s %s", key, what);
}

static lerr filter_id(struct arena *a, struct plan *pl, const char *key, json_t *v, const char *cond, struct problem *p)
{
    if (!json_is_integer(v) || json_integer_value(v) < 1) return bad(p, key, "is an id: a whole number from 1.");
    int n = report_bind_int(&pl->b, json_integer_value(v));
    report_where(a, pl, arena_sprintf(a, cond, n));
    return LE_OK;
}

static lerr filter_text(struct arena *a, struct plan *pl, const char *key, json_t *v, const char *cond, struct problem *p)
{
    if (!json_is_string(v) || !*json_string_value(v) || json_string_length(v) > 200)
        return bad(p, key, "is a name or code in quotes.");
    int n = report_bind_text(&pl->b, json_string_value(v));
    report_where(a, pl, arena_sprintf(a, cond, n));
    return LE_OK;
}

static lerr filter_manager(struct arena *a, struct db *db, struct plan *pl, json_t *v, struct problem *p)
{
    int64_t id = 0;
    if (!json_is_string(v) || db_query_int(db, &id, "SELECT id FROM users WHERE username = ?1 AND deleted_at IS NULL",
                                           "s", json_string_value(v)))
        return bad(p, "manager", "names a manager by username, and there is no such person.");
    int n = report_bind_int(&pl->b, id);
    report_where(a, pl,
                 arena_sprintf(a,
                               "u.id IN (WITH RECURSIVE fline(id) AS (SELECT id FROM users WHERE manager_id = ?%d "
                               "UNION SELECT uu.id FROM users uu JOIN fline ON uu.manager_id = fline.id) SELECT id "
                               "FROM fline)",
                               n));
    return LE_OK;
}

static lerr filter_status(struct arena *a, struct plan *pl, json_t *v, struct problem *p)
{
    const struct report_column *col = report_column_find(pl->src, "status");
    if (!col) return bad(p, "status", "is not a filter of this source.");
    const char *s = json_string_value(v);
    bool known = !pl->src->statuses && s && *s;
    for (const char *const *x = pl->src->statuses; x && *x && s; x++) known |= str_eq(*x, s);
    if (!known) {
        const char *list = "";
        for (const char *const *x = pl->src->statuses; x && *x; x++) list = arena_sprintf(a, "%s%s%s", list, *list ? ", " : "", *x);
        return bad(p, "status", arena_sprintf(a, "is one of: %s.", list));
    }
    int n = report_bind_text(&pl->b, s);
    report_where(a, pl, arena_sprintf(a, "(%s) = ?%d", col->sql, n));
    return LE_OK;
}

/* A day of a range: YYYY-MM-DD, or relative to today ("today", "+90d", "-30d"). */
static bool range_day(json_t *v, int64_t *out)
{
    const char *s = json_string_value(v);
    if (!s) return false;
    int64_t today = time_now() / 86400 * 86400;
    if (str_eq(s, "today")) return *out = today, true;
    int n = 0, used = 0;
    if ((*s == '+' || *s == '-') && sscanf(s + 1, "%6dd%n", &n, &used) == 1 && !s[1 + used]) {
        *out = today + (*s == '+' ? 1 : -1) * (int64_t)n * 86400;
        return true;
    }
    return course_parse_date(s, out);
}

/* {from, to}: days, the end included; either may be left out. */
static lerr filter_range(struct arena *a, struct plan *pl, const struct report_column *col, json_t *v, struct problem *p)
{
    const char *key = col->key;
    if (!json_is_object(v)) return bad(p, key, "is a range: {\"from\": \"2026-01-01\", \"to\": \"2026-12-31\"}.");
    int64_t from = 0, to = 0;
    json_t *f = json_object_get(v, "from"), *t = json_object_get(v, "to");
    if (f && !range_day(f, &from)) return bad(p, key, "from is a date written YYYY-MM-DD (or today, +90d, -30d).");
    if (t && !range_day(t, &to)) return bad(p, key, "to is a date written YYYY-MM-DD (or today, +90d, -30d).");
    if (!f && !t) return bad(p, key, "needs from, to or both.");
    if (f && t && to < from) return bad(p, key, "ends before it starts: swap from and to.");
    if (f) report_where(a, pl, arena_sprintf(a, "%s >= ?%d", col->sql, report_bind_int(&pl->b, from)));
    if (t) report_where(a, pl, arena_sprintf(a, "%s < ?%d", col->sql, report_bind_int(&pl->b, to + 86400)));
    return LE_OK;
}

static lerr one_filter(struct arena *a, struct db *db, struct plan *pl, const char *key, json_t *v, struct problem *p)
{
    if (str_eq(key, "department"))
        return filter_id(a, pl, key, v,
                         "u.department_id IN (WITH RECURSIVE sub(id) AS (SELECT id FROM departments WHERE id = ?%d "
                         "UNION SELECT dd.id FROM departments dd JOIN sub ON dd.parent_id = sub.id) SELECT id FROM sub)",
                         p);
    if (str_eq(key, "job_role")) return filter_id(a, pl, key, v, "u.job_role_id = ?%d", p);
    if (str_eq(key, "manager")) return filter_manager(a, db, pl, v, p);
    if (str_eq(key, "username")) return filter_text(a, pl, key, v, "u.username = ?%d", p);
    if (str_eq(key, "status")) return filter_status(a, pl, v, p);
    if (pl->src->has_course && str_eq(key, "course")) return filter_text(a, pl, key, v, "c.code = ?%d", p);
    if (pl->src->has_course && str_eq(key, "category")) return filter_id(a, pl, key, v, "c.category_id = ?%d", p);
    const struct report_column *col = report_column_find(pl->src, key);
    if (col && col->type == RC_TIME) return filter_range(a, pl, col, v, p);
    return bad(p, key, arena_sprintf(a, "is not a filter of %s.", pl->src->key));
}

lerr report_filters(json_t *def, struct arena *a, struct db *db, struct plan *pl, struct problem *p)
{
    json_t *filters = json_object_get(def, "filters");
    if (!filters || json_is_null(filters)) return LE_OK;
    if (!json_is_object(filters)) return problem_set(p, LE_INVALID, "filters", "filters is an object of name: value.");
    const char *key;
    json_t *v;
    json_object_foreach(filters, key, v)
    {
        if (json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) continue; /* a form's empty field */
        lerr e = one_filter(a, db, pl, key, v, p);
        if (e) return e;
    }
    return LE_OK;
}
