/* Helpers shared by the model's files (internal.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

lerr model_db_problem(struct problem *p)
{
    return problem_set(p, LE_DB, "",
                       "The database could not complete the change; nothing was saved. Try again, "
                       "and tell the administrator if it keeps happening.");
}

const char *model_col_str(struct arena *a, struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return arena_strdup(a, s ? s : "");
}

json_t *model_json_time(int64_t t)
{
    if (!t) return json_null();
    char s[21];
    time_iso8601(t, s);
    return json_string_nocheck(s); /* digits and punctuation only */
}

/* The fragment with each "?" replaced by the value's placeholder number. */
static const char *numbered(struct arena *a, const char *fragment, int idx)
{
    const char *out = "";
    for (const char *q; (q = strchr(fragment, '?')); fragment = q + 1)
        out = arena_sprintf(a, "%s%.*s?%d", out, (int)(q - fragment), fragment, idx);
    return arena_sprintf(a, "%s%s", out, fragment);
}

int sql_where_param_int(struct sql_where *w, int64_t v)
{
    if (w->n >= SQL_WHERE_MAX) abort(); /* a list declares more filters than it can bind */
    w->v[w->n].is_text = false;
    w->v[w->n].i = v;
    return ++w->n;
}

void sql_where_cond(struct arena *a, struct sql_where *w, const char *fragment)
{
    w->sql = arena_sprintf(a, "%s AND %s", w->sql ? w->sql : "", fragment);
}

void sql_where_int(struct arena *a, struct sql_where *w, const char *fragment, int64_t v)
{
    int idx = sql_where_param_int(w, v);
    w->sql = arena_sprintf(a, "%s AND %s", w->sql ? w->sql : "", numbered(a, fragment, idx));
}

void sql_where_text(struct arena *a, struct sql_where *w, const char *fragment, const char *v)
{
    if (w->n >= SQL_WHERE_MAX) abort();
    w->v[w->n].is_text = true;
    w->v[w->n].s = v;
    int idx = ++w->n;
    w->sql = arena_sprintf(a, "%s AND %s", w->sql ? w->sql : "", numbered(a, fragment, idx));
}

struct db_stmt *sql_where_query(struct db *db, const char *sql, const struct sql_where *w)
{
    struct db_stmt *st = db_prepare(db, sql);
    if (!st) return NULL;
    for (int i = 0; i < w->n; i++) {
        if (w->v[i].is_text)
            db_bind_text(st, i + 1, w->v[i].s);
        else
            db_bind_int(st, i + 1, w->v[i].i);
    }
    return st;
}

const char *model_search_terms(struct arena *a, const char *q, bool pg)
{
    struct buf b;
    buf_init(&b, 2048);
    int words = 0;
    for (const unsigned char *s = (const unsigned char *)(q ? q : ""); *s && words < 8;) {
        while (*s && !(isalnum(*s) || *s >= 0x80)) s++;
        const unsigned char *start = s;
        while (*s && (isalnum(*s) || *s >= 0x80)) s++;
        if (s == start) continue;
        char *w = arena_strndup(a, (const char *)start, (size_t)(s - start));
        for (char *c = w; *c; c++) *c = (char)tolower((unsigned char)*c);
        if (!utf8_valid(w, strlen(w))) continue;
        if (words++) buf_adds(&b, pg ? " & " : " ");
        buf_addf(&b, pg ? "%s:*" : "\"%s\"*", w);
    }
    const char *out = arena_strdup(a, b.data ? b.data : "");
    buf_release(&b);
    return out;
}
