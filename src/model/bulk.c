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
