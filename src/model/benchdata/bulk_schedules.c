/* Programmes and certifications for the schedules scenarios of `make bench` (docs/bench.md):
 * each one set of three courses, assigned to a department's subtree by a rule, with the
 * assignments, due dates, completions and expiries written in a few INSERT ... SELECT
 * statements rather than through the rule sync, so a large dataset is made in seconds. The
 * rows are what the sync would keep: the rule matches exactly the people assigned. */
#include <stdio.h>
#include "benchdata.h"

#define DAY 86400

/* The people of department ?2's subtree, active, assigned to programme ?1 at ?3 minus 30 days.
 * Due dates fall from 20 days ago to a year ahead, spread by person and programme (?4); a
 * certification (?5 = 1) is held by four in five of them, completed up to 330 days ago and
 * valid a year, so its expiries fall from 35 days to a year ahead; one in five of a plain
 * programme's people has completed it. */
static const char *const assign_sql =
    "INSERT INTO programme_assignments (programme_id, user_id, assigned_at, due_at, completed_at, expires_at) "
    "WITH RECURSIVE sub(id) AS (SELECT id FROM departments WHERE id = ?2 UNION ALL SELECT d.id FROM departments d "
    "JOIN sub ON d.parent_id = sub.id) "
    "SELECT ?1, u.id, ?3 - 30 * 86400, ?3 + ((u.id * 37 + ?4 * 11) % 385 - 20) * 86400, "
    "CASE WHEN ?5 = 1 AND u.id % 5 <> 0 THEN ?3 - ((u.id * 13 + ?4) % 330) * 86400 "
    "WHEN ?5 = 0 AND u.id % 5 = 0 THEN ?3 - 10 * 86400 END, "
    "CASE WHEN ?5 = 1 AND u.id % 5 <> 0 THEN ?3 - ((u.id * 13 + ?4) % 330) * 86400 + 365 * 86400 END "
    "FROM users u WHERE u.department_id IN (SELECT id FROM sub) AND u.status = 'active' AND u.deleted_at IS NULL";

/* The assigned who have not completed are enrolled in the set's courses, as the sync enrols
 * them (source manual, the assignment's due date), unless enrolled already. */
static const char *const enrol_sql =
    "INSERT INTO enrolments (course_id, user_id, role, source, due_at, enrolled_at, enrolled_by) "
    "SELECT sc.course_id, a.user_id, 'learner', 'manual', a.due_at, ?2, 0 FROM programme_assignments a JOIN "
    "programme_sets s ON s.programme_id = a.programme_id JOIN programme_set_courses sc ON sc.set_id = s.id WHERE "
    "a.programme_id = ?1 AND a.completed_at IS NULL AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.course_id = "
    "sc.course_id AND e.user_id = a.user_id AND e.unenrolled_at IS NULL)";

static lerr bulk_programme(struct db *db, const struct bulk_programme *bp, int k, int64_t now, int64_t *id_out)
{
    char code[32], title[96];
    snprintf(code, sizeof code, bp->certification ? "BENCH-C%02d" : "BENCH-P%02d", k + 1);
    snprintf(title, sizeof title, bp->certification ? "Bench certification %d" : "Bench programme %d", k + 1);
    int64_t set_id;
    if (db_query_int(db, id_out,
                     "INSERT INTO programmes (code, title, summary, status, due_days, cert_valid_days, "
                     "cert_window_days, created_at, updated_at) VALUES (?1, ?2, 'Generated for make bench.', "
                     "'active', 90, NULLIF(?3, 0), ?4, ?5, ?5) RETURNING id",
                     "ssiii", code, title, (int64_t)(bp->certification ? 365 : 0),
                     (int64_t)(bp->certification ? 30 : 0), now) ||
        db_query_int(db, &set_id,
                     "INSERT INTO programme_sets (programme_id, position, require_n, after_previous) VALUES (?1, 1, 0, "
                     "0) RETURNING id",
                     "i", *id_out))
        return LE_DB;
    for (int c = 0; c < 3; c++)
        if (db_run(db, "INSERT INTO programme_set_courses (set_id, course_id, position) VALUES (?1, ?2, ?3)", "iii",
                   set_id, bp->course_ids[c], (int64_t)c + 1))
            return LE_DB;
    return db_run(db,
                  "INSERT INTO programme_rules (programme_id, kind, department_id, created_at) VALUES (?1, "
                  "'department', ?2, ?3)",
                  "iii", *id_out, bp->department_id, now)
               ? LE_DB
               : LE_OK;
}

lerr bulk_insert_programme(struct db *db, const struct bulk_programme *bp, int k, int64_t now, int64_t *n_assigned)
{
    int64_t id, before = 0, after = 0;
    if (bulk_programme(db, bp, k, now, &id) ||
        db_query_int(db, &before, "SELECT COUNT(*) FROM programme_assignments", "") ||
        db_run(db, assign_sql, "iiiii", id, bp->department_id, now, (int64_t)k, (int64_t)bp->certification) ||
        db_query_int(db, &after, "SELECT COUNT(*) FROM programme_assignments", "") ||
        db_run(db, enrol_sql, "ii", id, now))
        return LE_DB;
    *n_assigned += after - before;
    return LE_OK;
}
