/* Bulk loading for benchmark data (`lectern bench-data`): many rows per INSERT through
 * prepared statements, inside the caller's transaction.
 *
 * Why multi-row statements: one row per statement costs a round trip each on PostgreSQL and
 * a VDBE program run each on SQLite; as many rows per statement as the engines' 99
 * placeholders allow (11 users, 19 sessions) cut both by that factor. The SQL holds
 * placeholders only (its shape depends on the row count, never on the data), so every value
 * is still bound, and each shape is prepared once per connection and cached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

/* Placeholders per statement: the engines accept ?1 to ?99. */
#define MAX_PARAMS 99

/* "INSERT ... VALUES (...), (...)" for n rows; row() writes one row's placeholders, given the
 * number of its first one. */
typedef void (*row_fn)(struct buf *b, int first);

static lerr build_sql(struct buf *b, const char *head, row_fn row, int per_row, size_t n)
{
    buf_reset(b);
    buf_adds(b, head);
    for (size_t r = 0; r < n; r++) {
        if (r) buf_adds(b, ", ");
        row(b, (int)(r * (size_t)per_row) + 1);
    }
    return b->data ? LE_OK : LE_NOMEM;
}

static void user_row(struct buf *b, int i)
{
    buf_addf(b, "(?%d, ?%d, ?%d, ?%d, ?%d, ?%d, 0, ?%d, ?%d)", i, i + 1, i + 2, i + 3, i + 4,
             i + 5, i + 6, i + 6);
}

static void user_org_row(struct buf *b, int i)
{
    buf_addf(b, "(?%d, ?%d, ?%d, ?%d, ?%d, ?%d, 0, ?%d, ?%d, ?%d, ?%d)", i, i + 1, i + 2, i + 3,
             i + 4, i + 5, i + 6, i + 6, i + 7, i + 8);
}

static void session_row(struct buf *b, int i)
{
    buf_addf(b, "(?%d, ?%d, ?%d, ?%d, ?%d, ?%d, NULL, 'lectern bench-data')", i, i + 1, i + 2,
             i + 3, i + 3, i + 4);
}

lerr bulk_insert_users(struct db *db, const struct bulk_user *rows, size_t n, bool org)
{
    struct buf sql;
    buf_init(&sql, 1024 * 1024);
    lerr e = LE_OK;
    int per_row = org ? 9 : 7;
    size_t batch = MAX_PARAMS / (size_t)per_row;
    for (size_t off = 0; off < n && !e; off += batch) {
        size_t k = n - off < batch ? n - off : batch;
        e = org ? build_sql(&sql,
                            "INSERT INTO users (username, email, first_name, last_name, roles, "
                            "password_hash, must_change_password, created_at, updated_at, "
                            "idnumber, department_id) VALUES ",
                            user_org_row, per_row, k)
                : build_sql(&sql,
                            "INSERT INTO users (username, email, first_name, last_name, roles, "
                            "password_hash, must_change_password, created_at, updated_at) VALUES ",
                            user_row, per_row, k);
        if (e) break;
        struct db_stmt *st = db_prepare(db, sql.data);
        if (!st) {
            e = LE_DB;
            break;
        }
        for (size_t r = 0; r < k; r++) {
            const struct bulk_user *u = &rows[off + r];
            int i = (int)r * per_row + 1;
            db_bind_text(st, i, u->username);
            db_bind_text(st, i + 1, u->email ? u->email : "");
            db_bind_text(st, i + 2, u->first_name ? u->first_name : "");
            db_bind_text(st, i + 3, u->last_name ? u->last_name : "");
            db_bind_int(st, i + 4, (int64_t)u->roles);
            db_bind_text(st, i + 5, u->password_hash);
            db_bind_int(st, i + 6, u->created_at);
            if (org) {
                db_bind_text(st, i + 7, u->idnumber);
                if (u->department_id)
                    db_bind_int(st, i + 8, u->department_id);
                else
                    db_bind_null(st, i + 8);
            }
        }
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE && rc != DB_ROW) e = rc == DB_CONSTRAINT ? LE_CONFLICT : LE_DB;
    }
    buf_release(&sql);
    return e;
}

lerr bulk_insert_sessions(struct db *db, const struct bulk_session *rows, size_t n)
{
    struct buf sql;
    buf_init(&sql, 1024 * 1024);
    lerr e = LE_OK;
    size_t batch = MAX_PARAMS / 5;
    for (size_t off = 0; off < n && !e; off += batch) {
        size_t k = n - off < batch ? n - off : batch;
        e = build_sql(&sql,
                      "INSERT INTO sessions (token_hash, csrf, user_id, created_at, last_seen_at, "
                      "expires_at, ip, user_agent) VALUES ",
                      session_row, 5, k);
        if (e) break;
        struct db_stmt *st = db_prepare(db, sql.data);
        if (!st) {
            e = LE_DB;
            break;
        }
        for (size_t r = 0; r < k; r++) {
            const struct bulk_session *s = &rows[off + r];
            int i = (int)(r * 5) + 1;
            db_bind_text(st, i, s->token_hash);
            db_bind_text(st, i + 1, s->csrf);
            db_bind_int(st, i + 2, s->user_id);
            db_bind_int(st, i + 3, s->created_at);
            db_bind_int(st, i + 4, s->expires_at);
        }
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE && rc != DB_ROW) e = rc == DB_CONSTRAINT ? LE_CONFLICT : LE_DB;
    }
    buf_release(&sql);
    return e;
}

lerr bulk_user_ids(struct db *db, unsigned roles, size_t max, int64_t **ids_out, size_t *n_out)
{
    *ids_out = NULL;
    *n_out = 0;
    if (max == 0) return LE_OK;
    int64_t *ids = malloc(max * sizeof *ids);
    if (!ids) return LE_NOMEM;
    struct db_stmt *st = db_query(db, "SELECT id FROM users WHERE (roles & ?1) <> 0 ORDER BY id LIMIT ?2",
                                  "ii", (int64_t)roles, (int64_t)max);
    size_t n = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW && n < max) ids[n++] = db_col_int(st, 0);
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) {
        free(ids);
        return LE_DB;
    }
    *ids_out = ids;
    *n_out = n;
    return LE_OK;
}

lerr bulk_setting_get(struct db *db, struct arena *a, const char *key, const char **value)
{
    *value = NULL;
    struct db_stmt *st = db_query(db, "SELECT value FROM settings WHERE key = ?1", "s", key);
    int rc = db_step(st);
    if (rc == DB_ROW) *value = arena_strdup(a, db_col_text(st, 0));
    db_done(st);
    return rc == DB_ROW ? LE_OK : rc == DB_DONE ? LE_NOTFOUND : LE_DB;
}

lerr bulk_setting_set(struct db *db, const char *key, const char *value)
{
    return db_run(db,
                  "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                  "ss", key, value);
}

lerr bulk_insert_department(struct db *db, const char *name, const char *idnumber,
                            int64_t parent_id, int64_t now, int64_t *id_out)
{
    struct db_stmt *st = db_prepare(db, "INSERT INTO departments (name, idnumber, parent_id, "
                                        "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4) "
                                        "RETURNING id");
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, idnumber);
    if (parent_id)
        db_bind_int(st, 3, parent_id);
    else
        db_bind_null(st, 3);
    db_bind_int(st, 4, now);
    int rc = db_step(st);
    if (rc == DB_ROW) *id_out = db_col_int(st, 0);
    db_done(st);
    return rc == DB_ROW ? LE_OK : rc == DB_CONSTRAINT ? LE_CONFLICT : LE_DB;
}

lerr bulk_user_id_by_idnumber(struct db *db, const char *idnumber, int64_t *id_out)
{
    return db_query_int(db, id_out, "SELECT id FROM users WHERE idnumber = ?1", "s", idnumber);
}

lerr bulk_set_managers(struct db *db, int64_t department_id, int64_t head_id,
                       int64_t parent_head_id)
{
    lerr e = db_run(db, "UPDATE users SET manager_id = ?2 WHERE department_id = ?1 AND id <> ?2",
                    "ii", department_id, head_id);
    if (e) return e;
    if (parent_head_id)
        return db_run(db, "UPDATE users SET manager_id = ?2 WHERE id = ?1", "ii", head_id,
                      parent_head_id);
    return LE_OK;
}

/* ---- courses (issue 5) ---- */

static lerr returning_id(struct db_stmt *st, int64_t *id_out)
{
    int rc = db_step(st);
    if (rc == DB_ROW) *id_out = db_col_int(st, 0);
    db_done(st);
    return rc == DB_ROW ? LE_OK : rc == DB_CONSTRAINT ? LE_CONFLICT : LE_DB;
}

lerr bulk_insert_category(struct db *db, const char *name, int64_t parent_id, int64_t now,
                          int64_t *id_out)
{
    struct db_stmt *st = db_prepare(db, "INSERT INTO course_categories (name, parent_id, "
                                        "created_at, updated_at) VALUES (?1, ?2, ?3, ?3) "
                                        "RETURNING id");
    if (!st) return LE_DB;
    db_bind_text(st, 1, name);
    if (parent_id)
        db_bind_int(st, 2, parent_id);
    else
        db_bind_null(st, 2);
    db_bind_int(st, 3, now);
    return returning_id(st, id_out);
}

lerr bulk_insert_course(struct db *db, const struct bulk_course *c, int64_t *id_out)
{
    struct db_stmt *st = db_prepare(
        db, "INSERT INTO courses (code, title, summary, category_id, kind, status, visible, "
            "self_enrol, start_at, duration_minutes, created_at, updated_at) VALUES "
            "(?1, ?2, ?3, ?4, ?5, 'published', 1, ?6, ?7, ?8, ?9, ?9) RETURNING id");
    if (!st) return LE_DB;
    db_bind_text(st, 1, c->code);
    db_bind_text(st, 2, c->title);
    db_bind_text(st, 3, c->summary);
    if (c->category_id)
        db_bind_int(st, 4, c->category_id);
    else
        db_bind_null(st, 4);
    db_bind_text(st, 5, c->kind);
    db_bind_int(st, 6, c->self_enrol ? 1 : 0);
    if (c->start_at)
        db_bind_int(st, 7, c->start_at);
    else
        db_bind_null(st, 7);
    db_bind_int(st, 8, c->duration_minutes);
    db_bind_int(st, 9, c->created_at);
    return returning_id(st, id_out);
}

lerr bulk_insert_section(struct db *db, int64_t course_id, const char *title, int position,
                         int64_t now, int64_t *id_out)
{
    struct db_stmt *st = db_prepare(db, "INSERT INTO course_sections (course_id, title, position, "
                                        "created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id");
    if (!st) return LE_DB;
    db_bind_int(st, 1, course_id);
    db_bind_text(st, 2, title);
    db_bind_int(st, 3, position);
    db_bind_int(st, 4, now);
    return returning_id(st, id_out);
}

lerr bulk_insert_activity(struct db *db, int64_t course_id, int64_t section_id, const char *kind,
                          const char *title, int position, const char *body, const char *url,
                          int64_t now, int64_t *id_out)
{
    struct db_stmt *st = db_prepare(
        db, "INSERT INTO activities (course_id, section_id, kind, title, position, required, "
            "allow_mark_done, body, url, created_at, updated_at) VALUES "
            "(?1, ?2, ?3, ?4, ?5, 1, 0, ?6, ?7, ?8, ?8) RETURNING id");
    if (!st) return LE_DB;
    db_bind_int(st, 1, course_id);
    db_bind_int(st, 2, section_id);
    db_bind_text(st, 3, kind);
    db_bind_text(st, 4, title);
    db_bind_int(st, 5, position);
    db_bind_text(st, 6, body ? body : "");
    db_bind_text(st, 7, url ? url : "");
    db_bind_int(st, 8, now);
    return returning_id(st, id_out);
}

static void bind_opt_time(struct db_stmt *st, int i, int64_t t)
{
    if (t)
        db_bind_int(st, i, t);
    else
        db_bind_null(st, i);
}

static void enrolment_row(struct buf *b, int i)
{
    buf_addf(b, "(?%d, ?%d, ?%d, 'manual', ?%d, ?%d, 0, NULL, ?%d, ?%d)", i, i + 1, i + 2, i + 3,
             i + 4, i + 5, i + 6);
}

lerr bulk_insert_enrolments(struct db *db, const struct bulk_enrolment *rows, size_t n)
{
    struct buf sql;
    buf_init(&sql, 64 * 1024);
    lerr e = LE_OK;
    const int per_row = 7;
    size_t batch = MAX_PARAMS / per_row;
    for (size_t off = 0; off < n && !e; off += batch) {
        size_t k = n - off < batch ? n - off : batch;
        e = build_sql(&sql,
                      "INSERT INTO enrolments (course_id, user_id, role, source, due_at, "
                      "enrolled_at, enrolled_by, unenrolled_at, completed_at, last_access_at) "
                      "VALUES ",
                      enrolment_row, per_row, k);
        if (e) break;
        struct db_stmt *st = db_prepare(db, sql.data);
        if (!st) {
            e = LE_DB;
            break;
        }
        for (size_t r = 0; r < k; r++) {
            const struct bulk_enrolment *x = &rows[off + r];
            int i = (int)r * per_row + 1;
            db_bind_int(st, i, x->course_id);
            db_bind_int(st, i + 1, x->user_id);
            db_bind_text(st, i + 2, x->instructor ? "instructor" : "learner");
            bind_opt_time(st, i + 3, x->due_at);
            db_bind_int(st, i + 4, x->enrolled_at);
            bind_opt_time(st, i + 5, x->completed_at);
            bind_opt_time(st, i + 6, x->last_access_at);
        }
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE && rc != DB_ROW) e = rc == DB_CONSTRAINT ? LE_CONFLICT : LE_DB;
    }
    buf_release(&sql);
    return e;
}

static void progress_row(struct buf *b, int i)
{
    buf_addf(b, "(?%d, ?%d, ?%d, ?%d)", i, i + 1, i + 2, i + 3);
}

lerr bulk_insert_progress(struct db *db, const struct bulk_progress *rows, size_t n)
{
    struct buf sql;
    buf_init(&sql, 64 * 1024);
    lerr e = LE_OK;
    const int per_row = 4;
    size_t batch = MAX_PARAMS / per_row;
    for (size_t off = 0; off < n && !e; off += batch) {
        size_t k = n - off < batch ? n - off : batch;
        e = build_sql(&sql,
                      "INSERT INTO activity_progress (activity_id, user_id, how, completed_at) "
                      "VALUES ",
                      progress_row, per_row, k);
        if (e) break;
        struct db_stmt *st = db_prepare(db, sql.data);
        if (!st) {
            e = LE_DB;
            break;
        }
        for (size_t r = 0; r < k; r++) {
            const struct bulk_progress *x = &rows[off + r];
            int i = (int)r * per_row + 1;
            db_bind_int(st, i, x->activity_id);
            db_bind_int(st, i + 1, x->user_id);
            db_bind_text(st, i + 2, x->how);
            db_bind_int(st, i + 3, x->completed_at);
        }
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE && rc != DB_ROW) e = rc == DB_CONSTRAINT ? LE_CONFLICT : LE_DB;
    }
    buf_release(&sql);
    return e;
}

lerr bulk_user_course_lines(struct db *db, int64_t user_id, const char *prefix, struct buf *out)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT c.code FROM enrolments e JOIN courses c ON c.id = e.course_id "
                                  "WHERE e.user_id = ?1 AND e.unenrolled_at IS NULL "
                                  "AND e.role = 'learner' ORDER BY e.course_id",
                                  "i", user_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) buf_addf(out, "%s %s\n", prefix, db_col_text(st, 0));
    db_done(st);
    return rc == DB_DONE ? LE_OK : LE_DB;
}
