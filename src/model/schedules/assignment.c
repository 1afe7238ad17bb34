/* Assigning programmes: rules (a person, a department's subtree, a job role, a manager's
 * reporting line, everyone) kept in
 * step with the organisation like the courses' enrolment rules, and each assignment advanced:
 * the person enrolled in the courses of the sets open to them, the programme completed when
 * every set is. People who leave keep their assignment row, marked ended, and their courses. */
#include <string.h>
#include "internal.h"

/* Which people a programme's rules match; "u" is the person and "r" the rule. A team rule's
 * user_id is the manager: "team" walks down the reporting lines (UNION, so even a loop the
 * people domain failed to refuse ends). */
#define RULE_SUBTREE                                                                                        \
    "WITH RECURSIVE sub(rule_id, dept_id) AS (SELECT r.id, r.department_id FROM programme_rules r WHERE "   \
    "r.kind = 'department' UNION ALL SELECT sub.rule_id, d.id FROM departments d JOIN sub ON d.parent_id = " \
    "sub.dept_id), team(rule_id, member_id) AS (SELECT r.id, m.id FROM programme_rules r JOIN users m ON "    \
    "m.manager_id = r.user_id WHERE r.kind = 'team' UNION SELECT team.rule_id, m.id FROM users m JOIN team "  \
    "ON m.manager_id = team.member_id) "
#define RULE_MATCHES                                                                                        \
    "u.status = 'active' AND u.deleted_at IS NULL AND (r.kind = 'everyone' OR (r.kind = 'user' AND u.id = "   \
    "r.user_id) OR (r.kind = 'job_role' AND u.job_role_id = r.job_role_id) OR (r.kind = 'department' AND "    \
    "u.department_id IN (SELECT dept_id FROM sub WHERE sub.rule_id = r.id)) OR (r.kind = 'team' AND u.id IN " \
    "(SELECT member_id FROM team WHERE team.rule_id = r.id)))"

lerr programme_rules_sync(struct db *db, int64_t programme_id, int64_t user_id, struct problem *p)
{
    int64_t now = time_now();
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    /* New people; people who came back (their row again, with their history); people who left. */
    if (db_run(db,
               "INSERT INTO programme_assignments (programme_id, user_id, assigned_at, due_at) " RULE_SUBTREE
               "SELECT r.programme_id, u.id, CAST(?3 AS BIGINT), CASE WHEN MAX(p.due_days) IS NOT NULL THEN CAST(?3 AS "
               "BIGINT) + MAX(p.due_days) * 86400 ELSE MAX(p.due_at) END FROM programme_rules r JOIN programmes p ON "
               "p.id = r.programme_id AND p.status = 'active' JOIN users u ON " RULE_MATCHES " WHERE (?1 = 0 OR "
               "r.programme_id = ?1) AND (?2 = 0 OR u.id = ?2) AND NOT EXISTS (SELECT 1 FROM programme_assignments x "
               "WHERE x.programme_id = r.programme_id AND x.user_id = u.id) GROUP BY r.programme_id, u.id",
               "iii", programme_id, user_id, now) ||
        db_run(db,
               RULE_SUBTREE "UPDATE programme_assignments SET ended_at = NULL WHERE ended_at IS NOT NULL AND (?1 = 0 OR "
               "programme_id = ?1) AND (?2 = 0 OR user_id = ?2) AND EXISTS (SELECT 1 FROM programme_rules r JOIN "
               "programmes p ON p.id = r.programme_id AND p.status = 'active' JOIN users u ON u.id = "
               "programme_assignments.user_id WHERE r.programme_id = programme_assignments.programme_id AND " RULE_MATCHES
               ")",
               "ii", programme_id, user_id) ||
        db_run(db,
               RULE_SUBTREE "UPDATE programme_assignments SET ended_at = CAST(?3 AS BIGINT) WHERE ended_at IS NULL AND "
               "(?1 = 0 OR programme_id = ?1) AND (?2 = 0 OR user_id = ?2) AND NOT EXISTS (SELECT 1 FROM programme_rules "
               "r JOIN users u ON u.id = programme_assignments.user_id WHERE r.programme_id = "
               "programme_assignments.programme_id AND " RULE_MATCHES ")",
               "iii", programme_id, user_id, now))
        e = model_db_problem(p);
    if (!e) e = assignments_due_from_start(db, programme_id, user_id, p);
    if (!e) e = assignments_advance(db, programme_id, user_id, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

/* Records the completion of an assignment whose sets are all complete; a certification's also
 * gets its expiry (one completed before the programme became a certification, from that date). */
static lerr assignment_complete(struct db *db, const struct assignment_view *v, int64_t now, struct problem *p)
{
    if (v->completed_at && (v->expires_at || !cert_rule_on(&v->cert))) return LE_OK;
    int64_t at = v->completed_at ? v->completed_at : now;
    int64_t expires = cert_rule_on(&v->cert) ? certification_expiry(&v->cert, at, v->expires_at) : 0;
    return db_run(db,
                  "UPDATE programme_assignments SET completed_at = ?2, expires_at = COALESCE(NULLIF(CAST(?3 AS BIGINT), "
                  "0), expires_at) WHERE id = ?1",
                  "iii", v->id, at, expires)
               ? model_db_problem(p)
               : LE_OK;
}

/* Enrols the person in the open sets' courses they have neither done nor are enrolled in, and
 * completes the assignment whose sets are all complete. */
static lerr assignment_advance(struct db *db, const struct assignment_view *v, int64_t now, struct problem *p)
{
    if (v->all_complete) return assignment_complete(db, v, now, p);
    /* A renewal's courses fall due when the certification expires. */
    int64_t due = v->cycle > 0 && v->expires_at ? v->expires_at : v->due_at;
    for (int c = 0; c < v->n_courses; c++) {
        const struct assigned_course *ac = &v->courses[c];
        const struct set_progress *s = &v->sets[ac->set];
        if (!s->open || s->complete || ac->done || ac->enrolled || ac->archived) continue;
        /* An enrolment like one an administrator makes by hand: no rule of the course ends it,
         * so it stays when the person leaves the programme's group. */
        if (db_run(db,
                   "INSERT INTO enrolments (course_id, user_id, role, source, due_at, enrolled_at, enrolled_by) VALUES "
                   "(?1, ?2, 'learner', 'manual', NULLIF(CAST(?3 AS BIGINT), 0), ?4, 0)",
                   "iiii", ac->course_id, v->user_id, due, now))
            return model_db_problem(p);
    }
    return LE_OK;
}

lerr assignments_advance(struct db *db, int64_t programme_id, int64_t user_id, struct problem *p)
{
    struct arena *a = arena_new(8192);
    struct assignment_view *views;
    int n;
    lerr e = assignments_read(db, a,
                              &(struct assignment_filter){.programme_id = programme_id, .user_id = user_id,
                                                          .active_only = true},
                              &views, &n)
                 ? model_db_problem(p)
                 : LE_OK;
    int64_t now = time_now();
    for (int i = 0; i < n && !e; i++)
        if (!views[i].completed_at) e = assignment_advance(db, &views[i], now, p);
    arena_free(a);
    return e;
}

lerr programme_part_way(struct db *db, struct arena *a, int64_t programme_id, int64_t *n_out, struct problem *p)
{
    struct assignment_view *views;
    int n;
    *n_out = 0;
    if (assignments_read(db, a, &(struct assignment_filter){.programme_id = programme_id}, &views, &n))
        return model_db_problem(p);
    for (int i = 0; i < n; i++)
        if (!views[i].completed_at && views[i].done > 0) (*n_out)++;
    return LE_OK;
}

lerr programme_course_completed(struct db *db, int64_t course_id, int64_t user_id, struct problem *p)
{
    int64_t x;
    lerr q = db_query_int(db, &x,
                          "SELECT a.id FROM programme_assignments a JOIN programme_sets s ON s.programme_id = "
                          "a.programme_id JOIN programme_set_courses sc ON sc.set_id = s.id WHERE a.user_id = ?1 AND "
                          "sc.course_id = ?2 AND a.ended_at IS NULL AND a.completed_at IS NULL LIMIT 1",
                          "ii", user_id, course_id);
    if (q == LE_NOTFOUND) return LE_OK; /* the course is in none of the person's programmes */
    if (q) return model_db_problem(p);
    return assignments_advance(db, 0, user_id, p);
}

/* The rule's target checked, with its id; kind "user" finds the person by username. */
static lerr rule_check(struct db *db, struct arena *a, const struct programme_rule_input *in, int64_t *user_id,
                       struct problem *p)
{
    int64_t x;
    const char *kind = in->kind ? in->kind : "";
    if (str_eq(kind, "user")) {
        struct user u;
        if (user_get_by_username(db, a, in->username ? in->username : "", &u, p) == LE_OK) {
            *user_id = u.id;
            return LE_OK;
        }
        return problem_set(p, LE_INVALID, "username", "There is no user '%s'; check the username.",
                           in->username ? in->username : "");
    }
    if (str_eq(kind, "team")) {
        struct user u;
        const char *manager = in->manager ? in->manager : "";
        if (*manager && user_get_by_username(db, a, manager, &u, p) == LE_OK) {
            *user_id = u.id;
            return LE_OK;
        }
        return *manager ? problem_set(p, LE_INVALID, "manager", "There is no user '%s' to be the manager; choose one "
                                                                "from the list.", manager)
                        : problem_set(p, LE_INVALID, "manager", "Choose the manager whose reporting line the programme is for.");
    }
    if (str_eq(kind, "department"))
        return db_query_int(db, &x, "SELECT id FROM departments WHERE id = ?1", "i", in->department_id)
                   ? problem_set(p, LE_INVALID, "department_id", "Choose the department whose people the programme is for.")
                   : LE_OK;
    if (str_eq(kind, "job_role"))
        return db_query_int(db, &x, "SELECT id FROM job_roles WHERE id = ?1", "i", in->job_role_id)
                   ? problem_set(p, LE_INVALID, "job_role_id", "Choose the job role whose people the programme is for.")
                   : LE_OK;
    if (str_eq(kind, "everyone")) return LE_OK;
    return problem_set(p, LE_INVALID, "kind", "Choose whom to assign it to: a person, a department, a job role, a manager's reporting line or "
                       "everyone.");
}

static lerr rule_insert(struct db *db, int64_t programme_id, const struct programme_rule_input *in, int64_t user_id,
                        int64_t actor_id, struct problem *p)
{
    int64_t x, dept = str_eq(in->kind, "department") ? in->department_id : 0,
               role = str_eq(in->kind, "job_role") ? in->job_role_id : 0;
    lerr q = db_query_int(db, &x,
                          "SELECT id FROM programme_rules WHERE programme_id = ?1 AND kind = ?2 AND COALESCE(user_id, 0) "
                          "= ?3 AND COALESCE(department_id, 0) = ?4 AND COALESCE(job_role_id, 0) = ?5",
                          "isiii", programme_id, in->kind, user_id, dept, role);
    if (q == LE_OK)
        return problem_set(p, LE_CONFLICT, str_eq(in->kind, "user") ? "username" : str_eq(in->kind, "team") ? "manager" : "kind",
                           "The programme is already assigned to them.");
    if (q != LE_NOTFOUND) return model_db_problem(p);
    return db_run(db,
                  "INSERT INTO programme_rules (programme_id, kind, user_id, department_id, job_role_id, created_at, "
                  "created_by) VALUES (?1, ?2, NULLIF(?3, 0), NULLIF(?4, 0), NULLIF(?5, 0), ?6, ?7)",
                  "isiiiii", programme_id, in->kind, user_id, dept, role, time_now(), actor_id)
               ? model_db_problem(p)
               : LE_OK;
}

/* Live assignments of the programme: how many people it is assigned to now. */
static lerr live_count(struct db *db, int64_t programme_id, int64_t *n, struct problem *p)
{
    return db_query_int(db, n, "SELECT COUNT(*) FROM programme_assignments WHERE programme_id = ?1 AND ended_at IS NULL",
                        "i", programme_id)
               ? model_db_problem(p)
               : LE_OK;
}

lerr programme_assign(struct db *db, struct arena *a, int64_t programme_id, const struct programme_rule_input *in,
                      int64_t actor_id, int64_t *added_out, struct problem *p)
{
    int64_t user_id = 0, before = 0, after = 0;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    struct db_stmt *st = db_query(db,
                                  "SELECT code, status, CASE WHEN due_days IS NULL AND due_start_days IS NULL THEN "
                                  "COALESCE(due_at, 0) ELSE 0 END FROM programmes WHERE id = ?1",
                                  "i", programme_id);
    const char *code = db_step(st) == DB_ROW ? arena_strdup(a, db_col_text(st, 0)) : NULL;
    bool archived = code && str_eq(db_col_text(st, 1), "archived");
    int64_t fixed_due = code ? db_col_int(st, 2) : 0;
    db_done(st);
    if (!code) e = problem_set(p, LE_NOTFOUND, "code", "This programme no longer exists.");
    if (!e && archived)
        e = problem_set(p, LE_CONFLICT, "kind", "The programme '%s' is archived; make it active to assign it.", code);
    if (!e) e = rule_check(db, a, in, &user_id, p);
    if (!e) e = live_count(db, programme_id, &before, p);
    if (!e) e = rule_insert(db, programme_id, in, user_id, actor_id, p);
    if (!e) e = programme_rules_sync(db, programme_id, 0, p);
    if (!e) e = live_count(db, programme_id, &after, p);
    /* A fixed due date already passed makes everyone assigned overdue at once: say so first
     * (the assignment is rolled back), and assign when confirmed. */
    if (!e && fixed_due && fixed_due <= time_now() && after > before && !in->confirm_past_due)
        e = problem_set(p, LE_CONFLICT, "confirm",
                        "The programme's due date, %s, has passed: the %lld %s this assigns would be overdue at "
                        "once. Confirm to assign anyway.",
                        schedules_date(a, fixed_due), (long long)(after - before),
                        after - before == 1 ? "person" : "people");
    if (!e)
        e = schedules_audit(db, a, actor_id, "programme.assign", code,
                            json_pack("{s:s, s:s?, s:s?, s:I, s:I, s:I}", "kind", in->kind, "username", in->username,
                                      "manager", str_eq(in->kind, "team") ? in->manager : NULL, "department_id", (json_int_t)in->department_id, "job_role_id",
                                      (json_int_t)in->job_role_id, "added", (json_int_t)(after - before)),
                            p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    /* Refused for the due date: how many it would have assigned, for the confirm step. */
    if (added_out) *added_out = !e || str_eq(p->field, "confirm") ? after - before : 0;
    return e;
}

json_t *programme_rules_json(struct db *db, struct arena *a, int64_t programme_id)
{
    json_t *list = json_array();
    struct db_stmt *st = db_query(db,
                                  "SELECT r.id, r.kind, COALESCE(u.username, ''), COALESCE(d.name, ''), COALESCE(j.name, "
                                  "''), COALESCE(u.first_name || ' ' || u.last_name, '') FROM programme_rules r LEFT JOIN "
                                  "users u ON u.id = r.user_id LEFT JOIN departments d ON d.id = r.department_id LEFT "
                                  "JOIN job_roles j ON j.id = r.job_role_id WHERE r.programme_id = ?1 ORDER BY r.id",
                                  "i", programme_id);
    while (db_step(st) == DB_ROW) {
        const char *kind = db_col_text(st, 1);
        /* A manager is named as people know them, with the username that tells two apart. */
        const char *who = str_eq(kind, "user")         ? db_col_text(st, 2)
                          : str_eq(kind, "team")       ? arena_sprintf(a, "%s (%s)", db_col_text(st, 5), db_col_text(st, 2))
                          : str_eq(kind, "department") ? db_col_text(st, 3)
                          : str_eq(kind, "job_role")   ? db_col_text(st, 4)
                                                       : "";
        json_t *rule = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_int(st, 0), "kind", kind, "who", who);
        if (str_eq(kind, "team")) json_object_set_new(rule, "manager", json_string(db_col_text(st, 2)));
        json_array_append_new(list, rule);
    }
    db_done(st);
    return list;
}

lerr programme_rule_delete(struct db *db, struct arena *a, int64_t programme_id, int64_t rule_id, bool dry_run,
                           int64_t actor_id, int64_t *ended_out, struct problem *p)
{
    int64_t before = 0, after = 0, x;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    const char *code = NULL;
    struct db_stmt *st = db_query(db, "SELECT code FROM programmes WHERE id = ?1", "i", programme_id);
    if (db_step(st) == DB_ROW) code = arena_strdup(a, db_col_text(st, 0));
    db_done(st);
    if (!code || db_query_int(db, &x, "SELECT id FROM programme_rules WHERE id = ?1 AND programme_id = ?2", "ii", rule_id,
                              programme_id))
        e = problem_set(p, LE_NOTFOUND, "id", "This assignment rule no longer exists; open the programme again.");
    if (!e) e = live_count(db, programme_id, &before, p);
    if (!e && db_run(db, "DELETE FROM programme_rules WHERE id = ?1", "i", rule_id)) e = model_db_problem(p);
    /* The sync ends the assignments no other rule holds: the same code as someone moving away. */
    if (!e) e = programme_rules_sync(db, programme_id, 0, p);
    if (!e) e = live_count(db, programme_id, &after, p);
    if (!e && !dry_run)
        e = schedules_audit(db, a, actor_id, "programme.unassign", code,
                            json_pack("{s:I, s:I}", "rule_id", (json_int_t)rule_id, "ended", (json_int_t)(before - after)), p);
    if (ended_out) *ended_out = e ? 0 : before - after;
    /* A dry run is the same change rolled back, so its count is the real one's. */
    if (dry_run || e) {
        db_tx_end(db, e ? e : LE_CONFLICT);
        return e;
    }
    return db_tx_end(db, LE_OK) ? model_db_problem(p) : LE_OK;
}

json_t *programme_assignments_json(struct db *db, struct arena *a, int64_t programme_id, const char *state)
{
    struct assignment_view *views;
    int n;
    enum assignment_state want = STATE_ASSIGNED;
    bool filter = state && *state && assignment_state_parse(state, &want);
    if (assignments_read(db, a, &(struct assignment_filter){.programme_id = programme_id}, &views, &n)) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        if (!filter || views[i].state == want) json_array_append_new(list, assignment_view_json(a, &views[i]));
    return list;
}
