/* A course's enrolments as a list an administrator works with: sorted on an allowed column,
 * filtered, paged in two queries; and changes to many at once (due date, unenrol) in one
 * transaction, each person audited. */
#include <ctype.h>
#include <string.h>
#include "internal.h"

/* The orders the list offers, each ending in a unique column. Only these texts reach SQL. */
static const struct {
    const char *key, *asc, *desc;
} enrolment_orders[] = {
    {"name", "u.last_name, u.first_name, u.username", "u.last_name DESC, u.first_name DESC, u.username DESC"},
    {"username", "u.username", "u.username DESC"},
    {"role", "e.role, u.last_name, u.username", "e.role DESC, u.last_name DESC, u.username DESC"},
    {"due", "COALESCE(e.due_at, 0), u.username", "COALESCE(e.due_at, 0) DESC, u.username DESC"},
    {"enrolled", "e.enrolled_at, e.id", "e.enrolled_at DESC, e.id DESC"},
    {"completed", "COALESCE(e.completed_at, 0), u.username", "COALESCE(e.completed_at, 0) DESC, u.username DESC"},
    {"last_access", "COALESCE(e.last_access_at, 0), u.username", "COALESCE(e.last_access_at, 0) DESC, u.username DESC"},
};

static const char *enrolment_order(const struct enrolment_filter *f)
{
    for (size_t i = 0; f->sort && i < sizeof enrolment_orders / sizeof enrolment_orders[0]; i++)
        if (str_eq(f->sort, enrolment_orders[i].key)) return f->desc ? enrolment_orders[i].desc : enrolment_orders[i].asc;
    return f->desc ? enrolment_orders[0].desc : enrolment_orders[0].asc;
}

/* "Ann" -> "%ann%", LIKE's own characters escaped. */
static const char *contains(struct arena *a, const char *q)
{
    size_t n = strlen(q);
    char *out = arena_alloc(a, 2 * n + 3), *o = out;
    *o++ = '%';
    for (const char *c = q; *c; c++) {
        if (*c == '%' || *c == '_' || *c == '\\') *o++ = '\\';
        *o++ = (char)tolower((unsigned char)*c);
    }
    strcpy(o, "%");
    return out;
}

static void enrolment_where(struct arena *a, int64_t course_id, const struct enrolment_filter *f, struct sql_where *w)
{
    *w = (struct sql_where){.sql = ""};
    sql_where_int(a, w, "e.course_id = ? AND e.unenrolled_at IS NULL", course_id);
    if (f->q && *f->q)
        sql_where_text(a, w, "(lower(u.username) LIKE ? ESCAPE '\\' OR lower(u.first_name || ' ' || u.last_name) LIKE ? "
                             "ESCAPE '\\')",
                       contains(a, f->q));
    if (f->role && *f->role) sql_where_text(a, w, "e.role = ?", f->role);
    if (str_eq(f->state, "completed")) sql_where_cond(a, w, "e.completed_at IS NOT NULL");
    if (str_eq(f->state, "in_progress")) sql_where_cond(a, w, "e.completed_at IS NULL");
    if (str_eq(f->state, "overdue")) sql_where_int(a, w, "e.completed_at IS NULL AND e.due_at < ?", time_now());
}

#define ENROLMENT_PAGE_COLS                                                                                          \
    "SELECT u.username, u.first_name, u.last_name, e.role, COALESCE(e.due_at, 0), COALESCE(e.completed_at, 0), "    \
    "e.enrolled_at, COALESCE(e.last_access_at, 0), e.source, (SELECT COUNT(*) FROM activities x WHERE x.course_id " \
    "= e.course_id AND x.required = 1 AND x.deleted_at IS NULL), (SELECT COUNT(*) FROM activities x JOIN "           \
    "activity_progress g ON g.activity_id = x.id AND x.deleted_at IS NULL AND g.user_id = e.user_id WHERE "          \
    "x.course_id = e.course_id AND x.required = 1) FROM enrolments e JOIN users u ON u.id = e.user_id WHERE 1 = 1"

static json_t *enrolment_row(struct arena *a, struct db_stmt *st, int64_t now)
{
    int64_t due = db_col_int(st, 4), done = db_col_int(st, 5), last = db_col_int(st, 7);
    int64_t req = db_col_int(st, 9), req_done = db_col_int(st, 10);
    char due_s[21] = "";
    if (due) time_iso8601(due, due_s);
    due_s[10] = '\0';
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:b, s:o, s:o, s:o, s:s, s:i, s:I}", "username",
                          model_col_str(a, st, 0), "first_name", model_col_str(a, st, 1), "last_name",
                          model_col_str(a, st, 2), "role", model_col_str(a, st, 3), "due",
                          due ? json_string(due_s) : json_null(), "overdue", due && !done && due < now, "completed",
                          done != 0, "completed_at", model_json_time(done), "enrolled_at",
                          model_json_time(db_col_int(st, 6)), "last_access_at", model_json_time(last), "source",
                          model_col_str(a, st, 8), "percent", req ? (int)(req_done * 100 / req) : 0,
                          "required_done", (json_int_t)req_done);
    return j;
}

json_t *course_enrolments_page(struct db *db, struct arena *a, int64_t course_id, const struct enrolment_filter *f,
                               int page, int per_page, int *total_out)
{
    struct sql_where w;
    enrolment_where(a, course_id, f, &w);
    *total_out = 0;
    struct db_stmt *st = sql_where_query(
        db, arena_sprintf(a, "SELECT COUNT(*) FROM enrolments e JOIN users u ON u.id = e.user_id WHERE 1 = 1%s", w.sql), &w);
    if (!st) return NULL;
    int rc = db_step(st);
    if (rc == DB_ROW) *total_out = (int)db_col_int(st, 0);
    db_done(st);
    if (rc != DB_ROW) return NULL;
    int lim = sql_where_param_int(&w, per_page);
    int off = sql_where_param_int(&w, (int64_t)(page > 0 ? page - 1 : 0) * per_page);
    st = sql_where_query(db,
                         arena_sprintf(a, ENROLMENT_PAGE_COLS "%s ORDER BY %s LIMIT ?%d OFFSET ?%d", w.sql,
                                       enrolment_order(f), lim, off),
                         &w);
    if (!st) return NULL;
    json_t *items = json_array();
    int64_t now = time_now();
    while ((rc = db_step(st)) == DB_ROW) json_array_append_new(items, enrolment_row(a, st, now));
    db_done(st);
    if (rc != DB_DONE) {
        json_decref(items);
        return NULL;
    }
    return items;
}

/* Sets one live enrolment's due date (0 = none); LE_NOTFOUND when the person has none. */
static lerr set_due(struct db *db, struct arena *a, const struct course *c, const char *username, int64_t due_at,
                    int64_t actor_id, struct problem *p)
{
    struct user u;
    if (user_get_by_username(db, a, username, &u, p))
        return problem_set(p, LE_INVALID, "users", "There is no user '%s'.", username);
    int64_t id;
    lerr q = enrolment_live_id(db, c->id, u.id, &id);
    if (q == LE_NOTFOUND) return problem_set(p, LE_NOTFOUND, "users", "'%s' is not enrolled in %s.", u.username, c->code);
    if (q) return model_db_problem(p);
    if (db_run(db, "UPDATE enrolments SET due_at = NULLIF(CAST(?2 AS BIGINT), 0) WHERE id = ?1", "ii", id, due_at))
        return model_db_problem(p);
    char day[21] = "";
    if (due_at) time_iso8601(due_at, day);
    day[10] = '\0';
    json_t *d = json_pack("{s:s, s:s?}", "username", u.username, "due", due_at ? day : NULL);
    lerr e = audit_append(db, actor_id, "enrolment.change", arena_sprintf(a, "course:%s", c->code), d);
    json_decref(d);
    return e ? model_db_problem(p) : LE_OK;
}

lerr enrolments_bulk(struct db *db, struct arena *a, const struct course *c, const char *usernames, bool unenrol,
                     const char *due, int64_t actor_id, unsigned actor_roles, int *n_out, struct problem *p)
{
    *n_out = 0;
    int64_t due_at = 0;
    if (!unenrol && due && *due) {
        if (!course_parse_date(due, &due_at))
            return problem_set(p, LE_INVALID, "due", "Give the due date as YYYY-MM-DD, such as 2027-01-31.");
        if (c->start_at && due_at < c->start_at)
            return problem_set(p, LE_INVALID, "due", "The due date cannot be before the course starts.");
    }
    if (!(actor_roles & ROLE_ADMIN) && !course_teaches(db, c->id, actor_id))
        return problem_set(p, LE_FORBIDDEN, "", "Only administrators and the course's instructors can change its enrolments.");
    int n = 0;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    for (const char *s = usernames ? usernames : ""; !e && *s;) {
        s += strspn(s, " ,;\t\r\n");
        size_t len = strcspn(s, " ,;\t\r\n");
        if (!len) break;
        const char *name = arena_strndup(a, s, len);
        s += len;
        e = unenrol ? enrol_end(db, c->id, name, actor_id, actor_roles, p) : set_due(db, a, c, name, due_at, actor_id, p);
        if (!e) n++;
    }
    if (!e && !n) e = problem_set(p, LE_INVALID, "users", "Choose at least one person from the list.");
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    *n_out = e ? 0 : n;
    return e;
}
