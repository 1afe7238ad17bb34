/* Extensions: a later due date for one person's assignment, granted with a reason by an
 * administrator or a manager of the person's reporting line, and audited. */
#include <string.h>
#include "internal.h"

#define REASON_MAX 2000

/* The person's live assignment of the programme, with its due date (0 = none). */
static lerr assignment_find(struct db *db, struct arena *a, int64_t programme_id, const char *username,
                            struct user *u, int64_t *id, int64_t *due_at, struct problem *p)
{
    if (user_get_by_username(db, a, username ? username : "", u, p))
        return problem_set(p, LE_NOTFOUND, "username", "There is no user '%s'.", username ? username : "");
    struct db_stmt *st = db_query(db,
                                  "SELECT id, COALESCE(due_at, 0) FROM programme_assignments WHERE programme_id = ?1 AND "
                                  "user_id = ?2 AND ended_at IS NULL",
                                  "ii", programme_id, u->id);
    int rc = db_step(st);
    if (rc == DB_ROW) *id = db_col_int(st, 0), *due_at = db_col_int(st, 1);
    db_done(st);
    if (rc == DB_DONE)
        return problem_set(p, LE_NOTFOUND, "username", "'%s' is not assigned this programme.", u->username);
    return rc == DB_ROW ? LE_OK : model_db_problem(p);
}

lerr programme_extend(struct db *db, struct arena *a, int64_t programme_id, const char *username, const char *due,
                      const char *reason, int64_t actor_id, unsigned actor_roles, struct problem *p)
{
    int64_t new_due = 0, id = 0, old_due = 0;
    if (!due || !course_parse_date(due, &new_due))
        return problem_set(p, LE_INVALID, "due", "Give the new due date as YYYY-MM-DD, such as 2027-01-31.");
    if (!reason || !*reason || strlen(reason) > REASON_MAX)
        return problem_set(p, LE_INVALID, "reason", "Say why the due date moves (at most %d characters).", REASON_MAX);
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    struct user u;
    e = assignment_find(db, a, programme_id, username, &u, &id, &old_due, p);
    if (!e && !(actor_roles & ROLE_ADMIN) && (u.id == actor_id || !user_visible_to(db, actor_id, actor_roles, u.id)))
        e = problem_set(p, LE_FORBIDDEN, "username", "Only administrators and the person's managers can extend their due date.");
    if (!e && old_due && new_due <= old_due)
        e = problem_set(p, LE_INVALID, "due", "An extension must be later than the current due date, %s.",
                        schedules_date(a, old_due));
    if (!e && (db_run(db, "UPDATE programme_assignments SET due_at = ?2 WHERE id = ?1", "ii", id, new_due) ||
               db_run(db,
                      "INSERT INTO programme_extensions (assignment_id, previous_due_at, due_at, reason, granted_by, "
                      "granted_at) VALUES (?1, NULLIF(CAST(?2 AS BIGINT), 0), ?3, ?4, ?5, ?6)",
                      "iiisii", id, old_due, new_due, reason, actor_id, time_now())))
        e = model_db_problem(p);
    struct db_stmt *st = e ? NULL : db_query(db, "SELECT code FROM programmes WHERE id = ?1", "i", programme_id);
    const char *code = st && db_step(st) == DB_ROW ? arena_strdup(a, db_col_text(st, 0)) : "";
    if (st) db_done(st);
    if (!e)
        e = schedules_audit(db, a, actor_id, "programme.extend", code,
                            json_pack("{s:s, s:s?, s:s, s:s}", "username", u.username, "from", schedules_date(a, old_due),
                                      "to", due, "reason", reason),
                            p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}
