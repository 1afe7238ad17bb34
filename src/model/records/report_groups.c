/* Grouped reports: one query reads every group's sums (rows, completions, scores, hours); the
 * groups are then named (a period's label, a department's path), a department grouping rolls
 * each department's subtree up into it, and the groups are sorted and paged here. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "report_internal.h"

struct group_row {
    json_t *keys[GROUPS_BY_MAX];  /* the group's values as the report shows them */
    int64_t dept;                 /* the department id when grouped by department alone; 0 = none */
    int64_t count, done, scored;
    double score_sum, hours;
};

struct groups {
    struct group_row *v;
    size_t n, cap;
};

static bool groups_add(struct groups *g, const struct group_row *r)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        struct group_row *grown = realloc(g->v, cap * sizeof *grown);
        if (!grown) return false;
        g->v = grown, g->cap = cap;
    }
    g->v[g->n++] = *r;
    return true;
}

static void groups_free(struct groups *g)
{
    for (size_t i = 0; i < g->n; i++)
        for (size_t k = 0; k < GROUPS_BY_MAX; k++) json_decref(g->v[i].keys[k]);
    free(g->v);
}

static const char *group_sql(struct arena *a, const struct plan *pl)
{
    const struct report_source *s = pl->src;
    const char *keys = "";
    for (size_t i = 0; i < pl->n_groups; i++) {
        const struct group_key *g = &pl->groups[i];
        const char *k = g->bucket ? report_bucket_sql(a, g->col->group_sql, g->bucket) : g->col->group_sql;
        keys = arena_sprintf(a, "%s%s%s", keys, i ? ", " : "", k);
    }
    const char *positions = "";
    for (size_t i = 0; i < pl->n_groups; i++) positions = arena_sprintf(a, "%s%s%zu", positions, i ? ", " : "", i + 1);
    return arena_sprintf(a,
                         "SELECT %s, COUNT(*), SUM(%s), SUM(%s), COUNT(%s), SUM(%s) FROM %s WHERE %s%s GROUP BY %s "
                         "LIMIT %d",
                         keys, s->done_sql ? s->done_sql : "0", s->score_sql ? s->score_sql : "CAST(NULL AS REAL)",
                         s->score_sql ? s->score_sql : "CAST(NULL AS REAL)",
                         s->hours_sql ? s->hours_sql : "CAST(NULL AS REAL)", s->from, s->where,
                         pl->where, positions, REPORT_GROUPS_MAX + 1);
}

/* A group's value as shown: a period's label, a department's id for now (named later). */
static json_t *key_json(struct arena *a, struct db_stmt *st, int col, const struct group_key *g)
{
    if (db_col_is_null(st, col)) return json_null();
    if (g->bucket) return json_string(report_bucket_label(a, db_col_int(st, col), g->bucket));
    if (str_eq(g->col->key, "department")) return json_integer(db_col_int(st, col));
    if (g->col->type == RC_INT) return json_integer(db_col_int(st, col));
    return json_string(model_col_str(a, st, col));
}

static lerr read_groups(struct db *db, struct arena *a, struct plan *pl, struct groups *g, struct problem *p)
{
    struct db_stmt *st = report_prepare(db, group_sql(a, pl), &pl->b);
    int rc = st ? DB_DONE : DB_ERR, k = (int)pl->n_groups;
    while (st && (rc = db_step(st)) == DB_ROW) {
        struct group_row r = {0};
        for (int i = 0; i < k; i++) r.keys[i] = key_json(a, st, i, &pl->groups[i]);
        r.count = db_col_int(st, k), r.done = db_col_int(st, k + 1), r.score_sum = db_col_double(st, k + 2);
        r.scored = db_col_int(st, k + 3), r.hours = db_col_double(st, k + 4);
        if (!groups_add(g, &r)) break;
    }
    if (st) db_done(st);
    if (rc != DB_DONE) return problem_set(p, LE_DB, "", "The report could not be read; try again.");
    if (g->n > REPORT_GROUPS_MAX)
        return problem_set(p, LE_TOOBIG, "group_by",
                           "This grouping gives more than %d groups; group by something coarser or add a filter.",
                           REPORT_GROUPS_MAX);
    return LE_OK;
}

struct dept_at {
    int64_t id;
    int index;
};

static int dept_at_cmp(const void *x, const void *y)
{
    int64_t a = ((const struct dept_at *)x)->id, b = ((const struct dept_at *)y)->id;
    return a < b ? -1 : a > b;
}

/* The index in d of the department id, -1 when none. */
static int dept_index(const struct dept_at *by_id, int nd, int64_t id)
{
    struct dept_at key = {id, 0};
    const struct dept_at *hit = id ? bsearch(&key, by_id, (size_t)nd, sizeof key, dept_at_cmp) : NULL;
    return hit ? hit->index : -1;
}

static void add_sums(struct group_row *to, const struct group_row *from)
{
    to->count += from->count, to->done += from->done, to->scored += from->scored;
    to->score_sum += from->score_sum, to->hours += from->hours;
}

/* Grouped by department alone, each department's row holds its whole subtree: every group's
 * sums go to its department and to each one above it. Rows are named by the department's path;
 * people without a department stay one row of their own. */
static lerr roll_up(struct group_row **tree_out, const struct department *d, int nd, const struct dept_at *by_id,
                    struct groups *g, int at)
{
    struct group_row *tree = calloc((size_t)nd + 1, sizeof *tree);
    if (!tree) return LE_NOMEM;
    size_t kept = 0;
    for (size_t r = 0; r < g->n; r++) {
        int i = dept_index(by_id, nd, g->v[r].dept);
        if (i < 0) {
            g->v[kept++] = g->v[r];
            continue;
        }
        for (int depth = 0; i >= 0 && depth < 64; depth++, i = dept_index(by_id, nd, d[i].parent_id))
            add_sums(&tree[i], &g->v[r]);
        json_decref(g->v[r].keys[at]);
    }
    g->n = kept;
    *tree_out = tree;
    return LE_OK;
}

static lerr name_departments(struct db *db, struct arena *a, struct plan *pl, struct groups *g, struct problem *p)
{
    int at = -1;
    for (size_t i = 0; i < pl->n_groups; i++)
        if (!pl->groups[i].bucket && str_eq(pl->groups[i].col->key, "department")) at = (int)i;
    if (at < 0) return LE_OK;
    struct department *d;
    struct job_role *j;
    int nd, nj;
    if (org_choices(db, a, &d, &nd, &j, &nj)) return problem_set(p, LE_DB, "", "The report could not be read; try again.");
    struct dept_at *by_id = arena_alloc(a, sizeof *by_id * (size_t)(nd + 1));
    for (int i = 0; i < nd; i++) by_id[i] = (struct dept_at){d[i].id, i};
    qsort(by_id, (size_t)nd, sizeof *by_id, dept_at_cmp);
    for (size_t r = 0; r < g->n; r++) {
        json_t *k = g->v[r].keys[at];
        g->v[r].dept = json_is_integer(k) ? json_integer_value(k) : 0;
        int i = dept_index(by_id, nd, g->v[r].dept);
        g->v[r].keys[at] = i >= 0 ? json_string(d[i].path) : json_null();
        json_decref(k);
    }
    if (pl->n_groups > 1) return LE_OK;
    struct group_row *tree;
    if (roll_up(&tree, d, nd, by_id, g, at)) return problem_set(p, LE_NOMEM, "", "out of memory");
    for (int i = 0; i < nd; i++) {
        if (!tree[i].count) continue;
        tree[i].keys[at] = json_string(d[i].path);
        tree[i].dept = d[i].id;
        if (!groups_add(g, &tree[i])) break;
    }
    free(tree);
    return LE_OK;
}

/* ---- Aggregates, order and paging ---- */

static json_t *aggregate_value(const struct group_row *r, unsigned bit)
{
    switch (bit) {
    case AGG_COUNT: return json_integer(r->count);
    case AGG_RATE: return r->count ? json_real((double)((r->done * 1000 + r->count / 2) / r->count) / 10.0) : json_null();
    case AGG_SCORE: return r->scored ? json_real((double)(long long)(r->score_sum / (double)r->scored * 10 + 0.5) / 10.0) : json_null();
    default: return json_real((double)(long long)(r->hours * 10 + 0.5) / 10.0);
    }
}

static json_t *group_json(const struct plan *pl, const struct group_row *r)
{
    json_t *row = json_object();
    for (size_t i = 0; i < pl->n_groups; i++) json_object_set(row, pl->groups[i].name, r->keys[i]);
    for (size_t k = 0; k < n_report_aggregates; k++)
        if (pl->aggs & report_aggregates[k].bit)
            json_object_set_new(row, report_aggregates[k].name, aggregate_value(r, report_aggregates[k].bit));
    if (r->dept) json_object_set_new(row, "department_id", json_integer(r->dept));
    return row;
}

/* What the groups are sorted by: a group key's position, or an aggregate's bit. */
static struct {
    int key;
    unsigned agg;
    bool desc;
} order;

static int compare_json(json_t *x, json_t *y)
{
    if (json_is_null(x) || json_is_null(y)) return json_is_null(x) - json_is_null(y); /* empty last */
    if (json_is_number(x) && json_is_number(y)) {
        double a = json_number_value(x), b = json_number_value(y);
        return a < b ? -1 : a > b;
    }
    return strcmp(json_string_value(x) ? json_string_value(x) : "", json_string_value(y) ? json_string_value(y) : "");
}

static int compare_groups(const void *x, const void *y)
{
    const struct group_row *a = x, *b = y;
    int c;
    if (order.agg) {
        json_t *va = aggregate_value(a, order.agg), *vb = aggregate_value(b, order.agg);
        c = compare_json(va, vb);
        json_decref(va);
        json_decref(vb);
    } else {
        c = compare_json(a->keys[order.key], b->keys[order.key]);
    }
    if (order.desc) c = -c;
    /* Ties in the order of the group keys, so pages are stable. */
    for (size_t i = 0; !c && i < GROUPS_BY_MAX && a->keys[i]; i++) c = compare_json(a->keys[i], b->keys[i]);
    return c;
}

/* qsort's comparator reads `order`; the lock keeps two requests from sorting at once. */
static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;

static void sort_groups(const struct plan *pl, struct groups *g)
{
    pthread_mutex_lock(&order_lock);
    order.key = 0, order.agg = 0, order.desc = pl->desc;
    for (size_t i = 0; pl->sort && i < pl->n_groups; i++)
        if (str_eq(pl->groups[i].name, pl->sort)) order.key = (int)i;
    for (size_t k = 0; pl->sort && k < n_report_aggregates; k++)
        if (str_eq(report_aggregates[k].name, pl->sort)) order.agg = report_aggregates[k].bit;
    if (g->n) qsort(g->v, g->n, sizeof *g->v, compare_groups);
    pthread_mutex_unlock(&order_lock);
}

lerr report_run_groups(struct db *db, struct arena *a, struct plan *pl, json_t *out, struct problem *p)
{
    struct groups g = {0};
    lerr e = read_groups(db, a, pl, &g, p);
    struct group_row totals = {0};
    for (size_t i = 0; !e && i < g.n; i++) add_sums(&totals, &g.v[i]);
    if (!e) e = name_departments(db, a, pl, &g, p);
    if (e) {
        groups_free(&g);
        return e;
    }
    sort_groups(pl, &g);
    json_t *rows = json_array();
    size_t first = (size_t)(pl->page - 1) * (size_t)pl->per_page;
    for (size_t i = first; i < g.n && i < first + (size_t)pl->per_page; i++) json_array_append_new(rows, group_json(pl, &g.v[i]));
    json_t *t = group_json(pl, &totals);
    json_object_set_new(t, "rows", json_integer(totals.count));
    json_object_set_new(out, "rows", rows);
    json_object_set_new(out, "total", json_integer((json_int_t)g.n));
    json_object_set_new(out, "totals", t);
    groups_free(&g);
    return LE_OK;
}
