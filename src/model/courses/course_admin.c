/* The administrators' course list (/admin/courses): every course whatever its status, with its
 * category and its live enrolment and completion counts, filtered, sorted and paged in one
 * query (the counts of the page's rows only, unless the list is sorted by a count). */
#include <string.h>
#include "internal.h"

/* The columns a list may be sorted by, and the SQL each stands for. A table, so that a sort
 * key from the address never reaches the SQL text. */
static const struct {
    const char *key, *sql;
} sort_columns[] = {
    {"title", "c.title"},
    {"code", "c.code"},
    {"status", "c.status"},
    {"kind", "c.kind"},
    {"category", "COALESCE(g.path, '')"},
    {"enrolled", "COALESCE(n.enrolled, 0)"}, /* "n.": COUNTS_JOIN's columns */
    {"completed", "COALESCE(n.completed, 0)"},
    {"updated", "c.updated_at"},
};

bool course_admin_sort_known(const char *key)
{
    for (size_t i = 0; i < sizeof sort_columns / sizeof sort_columns[0]; i++)
        if (str_eq(sort_columns[i].key, key)) return true;
    return false;
}

static const char *sort_sql(const char *key)
{
    for (size_t i = 0; i < sizeof sort_columns / sizeof sort_columns[0]; i++)
        if (str_eq(sort_columns[i].key, key)) return sort_columns[i].sql;
    return sort_columns[0].sql;
}

/* "%word%" for a LIKE over code and title, with LIKE's own characters taken literally. */
static const char *like_pattern(struct arena *a, const char *q)
{
    if (!q || !*q) return "";
    size_t n = strlen(q);
    char *out = arena_alloc(a, n * 2 + 3), *o = out;
    *o++ = '%';
    for (const char *s = q; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\') *o++ = '\\';
        *o++ = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
    }
    *o++ = '%';
    *o = 0;
    return out;
}

/* The counts of one course, for the page's rows only (enrolments_live holds the live rows). */
#define LIVE_ENROLMENTS "FROM enrolments e WHERE e.course_id = c.id AND e.unenrolled_at IS NULL"
/* Sorting by a count needs every course's count: one grouped pass, joined only then. */
#define COUNTS_JOIN                                                                                        \
    " LEFT JOIN (SELECT course_id, COUNT(*) AS enrolled, COUNT(completed_at) AS completed FROM enrolments " \
    "WHERE unenrolled_at IS NULL GROUP BY course_id) n ON n.course_id = c.id"

lerr course_admin_list(struct db *db, struct arena *a, const struct course_admin_query *q,
                       struct course_admin_row **out, int *n_out, int *total_out)
{
    int per_page = q->per_page > 0 ? q->per_page : 25, page = q->page > 0 ? q->page : 1;
    const char *key = sort_sql(q->sort), *dir = q->descending ? "DESC" : "ASC";
    bool by_count = strstr(key, "n.") != NULL;
    /* The matches are found, counted, ordered and paged on the sort key alone; only the page's
     * rows are then read whole, with their counts. */
    const char *sql = arena_sprintf(
        a,
        "SELECT c.code, c.title, c.status, c.kind, c.visible, COALESCE(g.path, ''), (SELECT COUNT(*) " LIVE_ENROLMENTS
        "), (SELECT COUNT(e.completed_at) " LIVE_ENROLMENTS "), c.updated_at, hit.total FROM (SELECT c.id, %s AS "
        "sort_key, COUNT(*) OVER () AS total FROM courses c LEFT JOIN course_categories g ON g.id = c.category_id%s "
        "WHERE (?1 = '' OR c.status = ?1) AND (?2 = '' OR c.kind = ?2) AND (?3 = 0 OR c.category_id IN "
        "(WITH RECURSIVE sub(id) AS (SELECT CAST(?3 AS BIGINT) UNION ALL SELECT s.id FROM course_categories s "
        "JOIN sub ON s.parent_id = sub.id) SELECT id FROM sub)) AND (?4 = '' OR LOWER(c.code) LIKE ?4 ESCAPE '\\' "
        "OR LOWER(c.title) LIKE ?4 ESCAPE '\\') ORDER BY sort_key %s, c.id LIMIT ?5 OFFSET ?6) hit JOIN courses c "
        "ON c.id = hit.id LEFT JOIN course_categories g ON g.id = c.category_id ORDER BY hit.sort_key %s, hit.id",
        key, by_count ? COUNTS_JOIN : "", dir, dir);
    struct db_stmt *st = db_query(db, sql, "ssisii", q->status ? q->status : "", q->kind ? q->kind : "",
                                  q->category_id, like_pattern(a, q->q), (int64_t)per_page,
                                  (int64_t)(page - 1) * per_page);
    struct course_admin_row *rows = arena_alloc(a, sizeof *rows * (size_t)per_page);
    int n = 0, total = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < per_page) {
        rows[n++] = (struct course_admin_row){
            .code = model_col_str(a, st, 0),
            .title = model_col_str(a, st, 1),
            .status = model_col_str(a, st, 2),
            .kind = model_col_str(a, st, 3),
            .visible = db_col_int(st, 4) != 0,
            .category_path = model_col_str(a, st, 5),
            .n_enrolled = db_col_int(st, 6),
            .n_completed = db_col_int(st, 7),
            .updated_at = db_col_int(st, 8),
        };
        total = (int)db_col_int(st, 9);
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return LE_DB;
    *out = rows;
    *n_out = n;
    *total_out = total;
    return LE_OK;
}

json_t *course_admin_row_json(const struct course_admin_row *r)
{
    json_t *j = json_object();
    jset_str(j, "code", r->code);
    jset_str(j, "title", r->title);
    jset_str(j, "status", r->status);
    jset_str(j, "kind", r->kind);
    jset_bool(j, "visible", r->visible);
    jset_str(j, "category", *r->category_path ? r->category_path : NULL);
    jset_int(j, "enrolled", r->n_enrolled);
    jset_int(j, "completed", r->n_completed);
    jset(j, "updated_at", model_json_time(r->updated_at));
    return j;
}

lerr course_enrolment_counts(struct db *db, int64_t course_id, int64_t *enrolled, int64_t *completed)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT COUNT(*), COUNT(completed_at) FROM enrolments WHERE course_id = ?1 AND "
                                  "unenrolled_at IS NULL",
                                  "i", course_id);
    int rc = db_step(st);
    if (rc == DB_ROW) *enrolled = db_col_int(st, 0), *completed = db_col_int(st, 1);
    db_done(st);
    return rc == DB_ROW ? LE_OK : LE_DB;
}

lerr course_choices(struct db *db, struct arena *a, int max, struct course_choice **out, int *n_out, bool *more)
{
    *out = arena_alloc(a, sizeof **out * (size_t)(max + 1));
    *n_out = 0;
    *more = false;
    struct db_stmt *st = db_query(db, "SELECT code, title FROM courses WHERE status <> 'archived' ORDER BY title, code LIMIT ?1",
                                  "i", (int64_t)max + 1);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n_out == max) {
            *more = true;
            continue;
        }
        (*out)[*n_out] = (struct course_choice){model_col_str(a, st, 0), model_col_str(a, st, 1)};
        (*n_out)++;
    }
    db_done(st);
    return rc == DB_DONE ? LE_OK : LE_DB;
}
