/* The report builder: a definition (JSON) checked against the sources table, turned into one
 * query of fixed fragments with bound values, within the viewer's scope, and answered as a
 * page of rows or of groups with their aggregates. Grouped reports read every group (at most
 * REPORT_GROUPS_MAX) and sort and page them here, so the totals, the department roll-up and
 * the order need nothing more from the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_internal.h"
#include "report_time.h"

int report_bind_int(struct binds *b, int64_t v)
{
    if (b->n >= BINDS_MAX) abort(); /* more filters than the table of filters allows */
    b->v[b->n].is_text = false, b->v[b->n].i = v;
    return ++b->n;
}

int report_bind_text(struct binds *b, const char *s)
{
    if (b->n >= BINDS_MAX) abort();
    b->v[b->n].is_text = true, b->v[b->n].s = s;
    return ++b->n;
}

void report_where(struct arena *a, struct plan *pl, const char *cond)
{
    pl->where = arena_sprintf(a, "%s AND %s", pl->where, cond);
}

const struct report_aggregate report_aggregates[] = {
    {"count", AGG_COUNT}, {"completion_rate", AGG_RATE}, {"average_score", AGG_SCORE}, {"hours", AGG_HOURS}};
const size_t n_report_aggregates = sizeof report_aggregates / sizeof report_aggregates[0];

/* ---- Checking the definition ---- */

static lerr check_source(json_t *def, struct plan *pl, struct problem *p)
{
    const char *key = json_string_value(json_object_get(def, "source"));
    pl->src = report_source_find(key);
    if (pl->src) return LE_OK;
    return problem_set(p, LE_INVALID, "source",
                       "Choose a source: enrolments, activity_progress, quiz_attempts, quiz_answers, people, signins, "
                       "attendance, certifications or training_hours.");
}

static lerr check_columns(json_t *def, struct plan *pl, struct problem *p)
{
    json_t *cols = json_object_get(def, "columns");
    if (cols && !json_is_array(cols)) return problem_set(p, LE_INVALID, "columns", "columns is a list of column names.");
    size_t i;
    json_t *c;
    json_array_foreach(cols, i, c)
    {
        char field[48];
        snprintf(field, sizeof field, "columns[%zu]", i);
        const struct report_column *col = report_column_find(pl->src, json_string_value(c));
        if (!col)
            return problem_set(p, LE_INVALID, field, "'%s' is not a column of %s.",
                               json_is_string(c) ? json_string_value(c) : "?", pl->src->key);
        if (pl->n_cols == COLUMNS_MAX) return problem_set(p, LE_INVALID, field, "Choose at most %d columns.", COLUMNS_MAX);
        pl->cols[pl->n_cols++] = col;
    }
    return LE_OK;
}

static lerr check_groups(json_t *def, struct arena *a, struct plan *pl, struct problem *p)
{
    json_t *groups = json_object_get(def, "group_by");
    if (groups && !json_is_array(groups)) return problem_set(p, LE_INVALID, "group_by", "group_by is a list.");
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g)
    {
        char field[48];
        snprintf(field, sizeof field, "group_by[%zu]", i);
        if (i == GROUPS_BY_MAX) return problem_set(p, LE_INVALID, field, "Group by at most %d things.", GROUPS_BY_MAX);
        const char *name = json_is_string(g) ? json_string_value(g) : "";
        const char *colon = strchr(name, ':');
        const char *key = colon ? arena_strndup(a, name, (size_t)(colon - name)) : name;
        struct group_key *gk = &pl->groups[pl->n_groups];
        gk->col = report_column_find(pl->src, key);
        gk->name = name;
        if (!gk->col || !gk->col->group_sql)
            return problem_set(p, LE_INVALID, field, "%s cannot be grouped by '%s'.", pl->src->key, name);
        if (gk->col->type == RC_TIME && (!colon || !report_bucket_parse(colon + 1, &gk->bucket)))
            return problem_set(p, LE_INVALID, field, "Group a time by day, week, month or year: '%s:month'.", key);
        if (gk->col->type != RC_TIME && colon)
            return problem_set(p, LE_INVALID, field, "Only a time is grouped by a period; write '%s'.", key);
        pl->n_groups++;
    }
    return LE_OK;
}

static lerr check_aggregates(json_t *def, struct plan *pl, struct problem *p)
{
    json_t *list = json_object_get(def, "aggregates");
    if (list && !json_is_array(list)) return problem_set(p, LE_INVALID, "aggregates", "aggregates is a list.");
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        char field[48];
        snprintf(field, sizeof field, "aggregates[%zu]", i);
        unsigned bit = 0;
        for (size_t k = 0; k < n_report_aggregates; k++)
            if (str_eq(report_aggregates[k].name, json_string_value(x))) bit = report_aggregates[k].bit;
        if (!bit)
            return problem_set(p, LE_INVALID, field, "Aggregates are count, completion_rate, average_score and hours.");
        if ((bit == AGG_RATE && !pl->src->done_sql) || (bit == AGG_SCORE && !pl->src->score_sql) ||
            (bit == AGG_HOURS && !pl->src->hours_sql))
            return problem_set(p, LE_INVALID, field, "%s has no %s.", pl->src->key, json_string_value(x));
        pl->aggs |= bit;
    }
    if (pl->n_groups && !pl->aggs) pl->aggs = AGG_COUNT;
    if (!pl->n_groups && pl->aggs)
        return problem_set(p, LE_INVALID, "group_by", "Aggregates need something to group by.");
    if (!pl->n_groups && !pl->n_cols) return problem_set(p, LE_INVALID, "columns", "Choose the columns to show.");
    return LE_OK;
}

static lerr check_paging(json_t *def, struct plan *pl, struct problem *p)
{
    json_t *page = json_object_get(def, "page"), *per = json_object_get(def, "per_page");
    pl->page = page ? (int)json_integer_value(page) : 1;
    pl->per_page = per ? (int)json_integer_value(per) : 50;
    if ((page && !json_is_integer(page)) || pl->page < 1 || pl->page > 1000000)
        return problem_set(p, LE_INVALID, "page", "page is a number from 1.");
    if ((per && !json_is_integer(per)) || pl->per_page < 1 || pl->per_page > REPORT_PER_PAGE_MAX)
        return problem_set(p, LE_INVALID, "per_page", "per_page is a number from 1 to %d.", REPORT_PER_PAGE_MAX);
    const char *sort = json_string_value(json_object_get(def, "sort"));
    if (json_object_get(def, "sort") && !sort) return problem_set(p, LE_INVALID, "sort", "sort is a name.");
    if (!sort) return LE_OK;
    pl->desc = *sort == '-';
    pl->sort = pl->desc ? sort + 1 : sort;
    bool known = false;
    for (size_t i = 0; i < pl->n_cols && !pl->n_groups; i++) known |= str_eq(pl->cols[i]->key, pl->sort);
    for (size_t i = 0; i < pl->n_groups; i++) known |= str_eq(pl->groups[i].name, pl->sort);
    for (size_t k = 0; k < n_report_aggregates && pl->n_groups; k++)
        known |= (pl->aggs & report_aggregates[k].bit) && str_eq(report_aggregates[k].name, pl->sort);
    if (!known) return problem_set(p, LE_INVALID, "sort", "Sort by one of the report's columns: '%s' is not one.", pl->sort);
    return LE_OK;
}

/* ---- The viewer's scope ---- */

static void scope(struct arena *a, struct plan *pl, const struct report_viewer *v)
{
    if (role_has_cap(v->roles, CAP_REPORTS_ALL)) return;
    int me = report_bind_int(&pl->b, v->id);
    const char *line = arena_sprintf(a,
                                     "u.id IN (WITH RECURSIVE line(id) AS (SELECT id FROM users WHERE manager_id = ?%d "
                                     "UNION SELECT uu.id FROM users uu JOIN line ON uu.manager_id = line.id) SELECT id "
                                     "FROM line)",
                                     me);
    if (pl->src->has_course)
        line = arena_sprintf(a,
                             "(%s OR c.id IN (SELECT t.course_id FROM enrolments t WHERE t.user_id = ?%d AND t.role = "
                             "'instructor' AND t.unenrolled_at IS NULL))",
                             line, me);
    report_where(a, pl, line);
}

/* ---- Running ---- */

struct db_stmt *report_prepare(struct db *db, const char *sql, const struct binds *b)
{
    struct db_stmt *st = db_prepare(db, sql);
    if (!st) return NULL;
    for (int i = 0; i < b->n; i++) {
        if (b->v[i].is_text)
            db_bind_text(st, i + 1, b->v[i].s);
        else
            db_bind_int(st, i + 1, b->v[i].i);
    }
    return st;
}

static json_t *cell(struct arena *a, struct db_stmt *st, int col, enum report_column_type type)
{
    if (db_col_is_null(st, col)) return json_null();
    switch (type) {
    case RC_INT: return json_integer(db_col_int(st, col));
    case RC_NUMBER: return json_real(db_col_double(st, col));
    case RC_TIME: return model_json_time(db_col_int(st, col));
    default: return json_string(model_col_str(a, st, col));
    }
}

/* The chosen column first, then every column in order, then the person: the same order on
 * both engines, page after page. */
static const char *order_of_columns(struct arena *a, const struct plan *pl)
{
    const char *order = "";
    for (size_t i = 0; pl->sort && i < pl->n_cols; i++)
        if (str_eq(pl->cols[i]->key, pl->sort))
            order = arena_sprintf(a, "%s %s, ", pl->cols[i]->sql, pl->desc ? "DESC" : "ASC");
    for (size_t i = 0; i < pl->n_cols; i++) order = arena_sprintf(a, "%s%zu, ", order, i + 1);
    return arena_sprintf(a, "%su.id", order);
}

static lerr run_rows(struct db *db, struct arena *a, struct plan *pl, json_t *out, struct problem *p)
{
    const char *select = "";
    for (size_t i = 0; i < pl->n_cols; i++)
        select = arena_sprintf(a, "%s%s%s", select, i ? ", " : "", pl->cols[i]->sql);
    const char *sql = arena_sprintf(a, "SELECT %s, COUNT(*) OVER () FROM %s WHERE %s%s ORDER BY %s LIMIT %d OFFSET %lld",
                                    select, pl->src->from, pl->src->where, pl->where, order_of_columns(a, pl),
                                    pl->per_page, (long long)(pl->page - 1) * pl->per_page);
    struct db_stmt *st = report_prepare(db, sql, &pl->b);
    json_t *rows = json_array();
    int64_t total = 0;
    int rc = st ? DB_DONE : DB_ERR;
    while (st && (rc = db_step(st)) == DB_ROW) {
        json_t *row = json_object();
        for (size_t i = 0; i < pl->n_cols; i++) json_object_set_new(row, pl->cols[i]->key, cell(a, st, (int)i, pl->cols[i]->type));
        total = db_col_int(st, (int)pl->n_cols);
        json_array_append_new(rows, row);
    }
    if (st) db_done(st);
    if (rc != DB_DONE) {
        json_decref(rows);
        return problem_set(p, LE_DB, "", "The report could not be read; try again.");
    }
    json_object_set_new(out, "rows", rows);
    json_object_set_new(out, "total", json_integer(total));
    json_object_set_new(out, "totals", json_pack("{s:I}", "rows", (json_int_t)total));
    return LE_OK;
}

static json_t *columns_json(const struct plan *pl)
{
    static const char *const types[] = {"text", "int", "number", "time"};
    json_t *cols = json_array();
    for (size_t i = 0; i < pl->n_groups; i++)
        json_array_append_new(cols, json_pack("{s:s, s:s}", "key", pl->groups[i].name, "type",
                                              pl->groups[i].bucket ? "period" : types[pl->groups[i].col->type]));
    for (size_t k = 0; k < n_report_aggregates && pl->n_groups; k++)
        if (pl->aggs & report_aggregates[k].bit)
            json_array_append_new(cols, json_pack("{s:s, s:s}", "key", report_aggregates[k].name, "type", "number"));
    for (size_t i = 0; i < pl->n_cols && !pl->n_groups; i++)
        json_array_append_new(cols, json_pack("{s:s, s:s}", "key", pl->cols[i]->key, "type", types[pl->cols[i]->type]));
    return cols;
}

/* Checks def into a plan within the viewer's scope. */
static lerr report_plan(struct db *db, struct arena *a, json_t *def, const struct report_viewer *v, int per_page_max,
                        struct plan **out, struct problem *p)
{
    if (!json_is_object(def)) return problem_set(p, LE_INVALID, "source", "Send the report as a JSON object.");
    struct plan *pl = arena_alloc(a, sizeof *pl);
    memset(pl, 0, sizeof *pl);
    /* ?1: now, which status expressions read; PostgreSQL binds only what a statement names, so
     * every statement names it. */
    pl->where = " AND CAST(?1 AS BIGINT) > 0";
    report_bind_int(&pl->b, time_now());
    lerr e = check_source(def, pl, p);
    if (!e) e = check_columns(def, pl, p);
    if (!e) e = check_groups(def, a, pl, p);
    if (!e) e = check_aggregates(def, pl, p);
    if (!e) e = check_paging(def, pl, p);
    if (!e) e = report_filters(def, a, db, pl, p);
    if (e) return e;
    if (per_page_max) pl->page = 1, pl->per_page = per_page_max;
    scope(a, pl, v);
    *out = pl;
    return LE_OK;
}

lerr report_run(struct db *db, struct arena *a, json_t *def, const struct report_viewer *v, json_t **out,
                struct problem *p)
{
    *out = NULL;
    struct plan *pl;
    lerr e = report_plan(db, a, def, v, 0, &pl, p);
    if (e) return e;
    json_t *o = json_pack("{s:s, s:o, s:i, s:i, s:b}", "source", pl->src->key, "columns", columns_json(pl), "page",
                          pl->page, "per_page", pl->per_page, "grouped", pl->n_groups > 0);
    e = pl->n_groups ? report_run_groups(db, a, pl, o, p) : run_rows(db, a, pl, o, p);
    if (e) {
        json_decref(o);
        return e;
    }
    *out = o;
    return LE_OK;
}

/* ---- Export ---- */

static lerr csv_value(struct buf *b, json_t *v, bool first)
{
    if (!first && buf_addc(b, ',')) return LE_NOMEM;
    char num[64];
    const char *s = "";
    if (json_is_string(v)) s = json_string_value(v);
    else if (json_is_integer(v)) snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v)), s = num;
    else if (json_is_real(v)) snprintf(num, sizeof num, "%.10g", json_real_value(v)), s = num;
    return csv_write_field(b, s, ',');
}

static lerr csv_json_rows(struct buf *b, json_t *cols, json_t *rows)
{
    size_t i, k;
    json_t *row, *c;
    json_array_foreach(rows, i, row)
    {
        json_array_foreach(cols, k, c)
        {
            if (csv_value(b, json_object_get(row, json_string_value(json_object_get(c, "key"))), k == 0)) return LE_NOMEM;
        }
        if (buf_adds(b, "\r\n")) return LE_NOMEM;
    }
    return LE_OK;
}

/* Every row of a plain report straight from the database into CSV, REPORT_EXPORT_MAX at most. */
static lerr csv_rows(struct db *db, struct arena *a, struct plan *pl, struct buf *b, struct problem *p)
{
    const char *select = "";
    for (size_t i = 0; i < pl->n_cols; i++) select = arena_sprintf(a, "%s%s%s", select, i ? ", " : "", pl->cols[i]->sql);
    const char *sql = arena_sprintf(a, "SELECT %s FROM %s WHERE %s%s ORDER BY %s LIMIT %d", select, pl->src->from,
                                    pl->src->where, pl->where, order_of_columns(a, pl), REPORT_EXPORT_MAX + 1);
    struct db_stmt *st = report_prepare(db, sql, &pl->b);
    int rc = st ? DB_DONE : DB_ERR, n = 0;
    lerr e = LE_OK;
    while (!e && st && (rc = db_step(st)) == DB_ROW) {
        if (++n > REPORT_EXPORT_MAX) {
            e = problem_set(p, LE_TOOBIG, "", "The report has more than %d rows; add a filter.", REPORT_EXPORT_MAX);
            break;
        }
        for (size_t i = 0; !e && i < pl->n_cols; i++) {
            json_t *v = cell(a, st, (int)i, pl->cols[i]->type);
            e = csv_value(b, v, i == 0);
            json_decref(v);
        }
        if (!e) e = buf_adds(b, "\r\n") ? LE_NOMEM : LE_OK;
    }
    if (st) db_done(st);
    if (!e && rc != DB_DONE) e = problem_set(p, LE_DB, "", "The report could not be read; try again.");
    return e;
}

lerr report_export_csv(struct db *db, struct arena *a, json_t *def, const struct report_viewer *v, bool bom,
                       struct buf *out, struct problem *p)
{
    struct plan *pl;
    lerr e = report_plan(db, a, def, v, REPORT_GROUPS_MAX, &pl, p);
    if (e) return e;
    json_t *cols = columns_json(pl);
    if (bom) buf_adds(out, "\xEF\xBB\xBF"); /* Excel reads the file as UTF-8 then */
    size_t k;
    json_t *c;
    json_array_foreach(cols, k, c)
    {
        if (k) buf_addc(out, ',');
        csv_write_field(out, json_string_value(json_object_get(c, "key")), ',');
    }
    buf_adds(out, "\r\n");
    if (pl->n_groups) {
        json_t *o = json_object();
        e = report_run_groups(db, a, pl, o, p);
        if (!e) e = csv_json_rows(out, cols, json_object_get(o, "rows"));
        json_decref(o);
    } else {
        e = csv_rows(db, a, pl, out, p);
    }
    json_decref(cols);
    return e;
}
