/* Bulk loading for benchmark data (`lectern bench-data`): many rows per INSERT through
 * prepared statements (bulk_insert_batched, ../batch_insert.c), inside the caller's
 * transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "benchdata.h"
#include "../courses/courses.h"
#include "../internal.h"

static void bind_user(struct db_stmt *st, int i, const void *rows, size_t r)
{
    const struct bulk_user *u = (const struct bulk_user *)rows + r;
    db_bind_text(st, i, u->username);
    db_bind_text(st, i + 1, u->email ? u->email : "");
    db_bind_text(st, i + 2, u->first_name ? u->first_name : "");
    db_bind_text(st, i + 3, u->last_name ? u->last_name : "");
    db_bind_int(st, i + 4, (int64_t)u->roles);
    db_bind_text(st, i + 5, u->password_hash);
    db_bind_int(st, i + 6, u->created_at);
}

static void bind_user_org(struct db_stmt *st, int i, const void *rows, size_t r)
{
    const struct bulk_user *u = (const struct bulk_user *)rows + r;
    bind_user(st, i, rows, r);
    db_bind_text(st, i + 7, u->idnumber);
    bulk_bind_opt_int(st, i + 8, u->department_id);
}

lerr bulk_insert_users(struct db *db, const struct bulk_user *rows, size_t n, bool org)
{
    if (org)
        return bulk_insert_batched(db,
                                   "INSERT INTO users (username, email, first_name, last_name, roles, "
                                   "password_hash, must_change_password, created_at, updated_at, "
                                   "idnumber, department_id) VALUES ",
                                   "(?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?7, ?8, ?9)", n, bind_user_org, rows);
    return bulk_insert_batched(db,
                               "INSERT INTO users (username, email, first_name, last_name, roles, "
                               "password_hash, must_change_password, created_at, updated_at) VALUES ",
                               "(?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?7)", n, bind_user, rows);
}

static void bind_session(struct db_stmt *st, int i, const void *rows, size_t r)
{
    const struct bulk_session *s = (const struct bulk_session *)rows + r;
    db_bind_text(st, i, s->token_hash);
    db_bind_text(st, i + 1, s->csrf);
    db_bind_int(st, i + 2, s->user_id);
    db_bind_int(st, i + 3, s->created_at);
    db_bind_int(st, i + 4, s->expires_at);
}

lerr bulk_insert_sessions(struct db *db, const struct bulk_session *rows, size_t n)
{
    return bulk_insert_batched(db,
                               "INSERT INTO sessions (token_hash, csrf, user_id, created_at, last_seen_at, "
                               "expires_at, ip, user_agent) VALUES ",
                               "(?1, ?2, ?3, ?4, ?4, ?5, NULL, 'lectern bench-data')", n, bind_session, rows);
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
    bulk_bind_opt_int(st, 3, parent_id);
    db_bind_int(st, 4, now);
    return bulk_step_id(st, id_out);
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

lerr bulk_insert_category(struct db *db, const char *name, int64_t parent_id, int64_t now,
                          int64_t *id_out)
{
    struct db_stmt *st = db_prepare(db, "INSERT INTO course_categories (name, parent_id, created_at, "
                                        "updated_at, path) VALUES (?1, ?2, ?3, ?3, " CATEGORY_PATH_OF_NEW
                                        ") RETURNING id");
    if (!st) return LE_DB;
    db_bind_text(st, 1, name);
    bulk_bind_opt_int(st, 2, parent_id);
    db_bind_int(st, 3, now);
    return bulk_step_id(st, id_out);
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
    bulk_bind_opt_int(st, 4, c->category_id);
    db_bind_text(st, 5, c->kind);
    db_bind_int(st, 6, c->self_enrol ? 1 : 0);
    bulk_bind_opt_int(st, 7, c->start_at);
    db_bind_int(st, 8, c->duration_minutes);
    db_bind_int(st, 9, c->created_at);
    return bulk_step_id(st, id_out);
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
    return bulk_step_id(st, id_out);
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
    return bulk_step_id(st, id_out);
}

static void bind_enrolment(struct db_stmt *st, int i, const void *rows, size_t r)
{
    const struct bulk_enrolment *x = (const struct bulk_enrolment *)rows + r;
    db_bind_int(st, i, x->course_id);
    db_bind_int(st, i + 1, x->user_id);
    db_bind_text(st, i + 2, x->instructor ? "instructor" : "learner");
    bulk_bind_opt_int(st, i + 3, x->due_at);
    db_bind_int(st, i + 4, x->enrolled_at);
    bulk_bind_opt_int(st, i + 5, x->completed_at);
    bulk_bind_opt_int(st, i + 6, x->last_access_at);
}

lerr bulk_insert_enrolments(struct db *db, const struct bulk_enrolment *rows, size_t n)
{
    return bulk_insert_batched(db,
                               "INSERT INTO enrolments (course_id, user_id, role, source, due_at, "
                               "enrolled_at, enrolled_by, unenrolled_at, completed_at, last_access_at) "
                               "VALUES ",
                               "(?1, ?2, ?3, 'manual', ?4, ?5, 0, NULL, ?6, ?7)", n, bind_enrolment, rows);
}

static void bind_progress(struct db_stmt *st, int i, const void *rows, size_t r)
{
    const struct bulk_progress *x = (const struct bulk_progress *)rows + r;
    db_bind_int(st, i, x->activity_id);
    db_bind_int(st, i + 1, x->user_id);
    db_bind_text(st, i + 2, x->how);
    db_bind_int(st, i + 3, x->completed_at);
}

lerr bulk_insert_progress(struct db *db, const struct bulk_progress *rows, size_t n)
{
    return bulk_insert_batched(db,
                               "INSERT INTO activity_progress (activity_id, user_id, how, completed_at) "
                               "VALUES ",
                               "(?1, ?2, ?3, ?4)", n, bind_progress, rows);
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
