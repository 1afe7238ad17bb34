/* Renewing certifications: when a person's renewal window opens, the cycle they completed is
 * archived in programme_completion_history (date, score, expiry: never lost), the renewal path's
 * courses are taken again (courses/retake.c keeps the earlier records) and the assignment starts
 * its next cycle, enrolling them on the path. Their expiry stays until the renewal completes, so
 * they are certified until then. The scan runs from the job queue; pages work the state out on
 * read, so they are right before it runs. */
#include "internal.h"

/* Certified assignments whose window has opened by ?1, a batch at a time. */
#define DUE_RENEWALS                                                                                             \
    "SELECT a.id, a.programme_id, a.user_id, a.cycle, a.completed_at, a.expires_at, a.cycle_started_at FROM "       \
    "programme_assignments a JOIN programmes p ON p.id = a.programme_id WHERE p.status = 'active' AND "             \
    "(p.cert_valid_days IS NOT NULL OR p.cert_valid_until IS NOT NULL) AND a.ended_at IS NULL AND a.completed_at IS " \
    "NOT NULL AND a.expires_at IS NOT NULL AND a.expires_at - p.cert_window_days * 86400 <= ?1 ORDER BY a.id LIMIT 200"
#define RENEWAL_BATCH 200

struct due_renewal {
    int64_t id, programme_id, user_id, cycle, completed_at, expires_at, cycle_started_at;
};

/* The mean of the person's best quiz results in the programme's courses during the cycle. */
static lerr cycle_score(struct db *db, const struct due_renewal *r, double *score, bool *has_score)
{
    struct db_stmt *st = db_query(
        db,
        "SELECT AVG(best) FROM (SELECT MAX(q.percent) AS best FROM quiz_attempts q JOIN activities x ON x.id = "
        "q.quiz_id WHERE q.user_id = ?1 AND q.percent IS NOT NULL AND q.submitted_at >= ?2 AND q.submitted_at <= ?3 AND "
        "x.course_id IN (SELECT sc.course_id FROM programme_set_courses sc JOIN programme_sets s ON s.id = sc.set_id "
        "WHERE s.programme_id = ?4) GROUP BY q.quiz_id) b",
        "iiii", r->user_id, r->cycle_started_at, r->completed_at, r->programme_id);
    int rc = db_step(st);
    *has_score = rc == DB_ROW && !db_col_is_null(st, 0);
    *score = *has_score ? db_col_double(st, 0) : 0;
    db_done(st);
    return rc == DB_ROW || rc == DB_DONE ? LE_OK : LE_DB;
}

/* The renewal path's courses: the renewal sets', or the programme's own sets when it has none. */
#define RENEWAL_COURSES                                                                                           \
    "SELECT DISTINCT sc.course_id FROM programme_set_courses sc JOIN programme_sets s ON s.id = sc.set_id WHERE "   \
    "s.programme_id = ?1 AND s.renewal = CASE WHEN EXISTS (SELECT 1 FROM programme_sets r WHERE r.programme_id = " \
    "?1 AND r.renewal = 1) THEN 1 ELSE 0 END"

static lerr path_retake(struct db *db, const struct due_renewal *r, int64_t now, struct problem *p)
{
    int64_t courses[PROGRAMME_SETS_MAX * PROGRAMME_SET_COURSES_MAX];
    int n = 0, rc;
    struct db_stmt *st = db_query(db, RENEWAL_COURSES, "i", r->programme_id);
    while ((rc = db_step(st)) == DB_ROW && n < (int)(sizeof courses / sizeof *courses)) courses[n++] = db_col_int(st, 0);
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return model_db_problem(p);
    lerr e = LE_OK;
    for (int i = 0; i < n && !e; i++) e = course_retake(db, courses[i], r->user_id, now, p);
    return e;
}

/* One assignment's renewal, in its own transaction; *done false when another node did it first. */
static lerr renewal_open(struct db *db, const struct due_renewal *r, int64_t now, bool *done, struct problem *p)
{
    double score = 0;
    bool has_score = false;
    *done = false;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    /* The cycle moves on only from the state read, so a second scan or node finds nothing to do. */
    struct db_stmt *st = db_query(db,
                                  "UPDATE programme_assignments SET completed_at = NULL, cycle = cycle + 1, "
                                  "cycle_started_at = ?3 WHERE id = ?1 AND cycle = ?2 AND completed_at IS NOT NULL "
                                  "RETURNING id",
                                  "iii", r->id, r->cycle, now);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) e = model_db_problem(p);
    *done = rc == DB_ROW;
    if (!e && *done && cycle_score(db, r, &score, &has_score)) e = model_db_problem(p);
    if (!e && *done &&
        db_run(db,
               "INSERT INTO programme_completion_history (assignment_id, cycle, completed_at, score, expires_at, "
               "archived_at) VALUES (?1, ?2, ?3, CASE WHEN ?4 = 1 THEN CAST(?5 AS REAL) END, ?6, ?7)",
               "iiiidii", r->id, r->cycle, r->completed_at, (int64_t)has_score, score, r->expires_at, now))
        e = model_db_problem(p);
    if (!e && *done) e = path_retake(db, r, now, p);
    if (!e && *done) e = assignments_advance(db, r->programme_id, r->user_id, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr certifications_renew(struct db *db, struct arena *a, int64_t now, int *renewed_out, struct problem *p)
{
    (void)a;
    *renewed_out = 0;
    for (;;) {
        struct due_renewal due[RENEWAL_BATCH];
        int n = 0, rc;
        struct db_stmt *st = db_query(db, DUE_RENEWALS, "i", now);
        while ((rc = db_step(st)) == DB_ROW)
            due[n++] = (struct due_renewal){db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2), db_col_int(st, 3),
                                            db_col_int(st, 4), db_col_int(st, 5), db_col_int(st, 6)};
        db_done(st);
        if (rc != DB_DONE) return model_db_problem(p);
        int renewed = 0;
        for (int i = 0; i < n; i++) {
            bool done;
            lerr e = renewal_open(db, &due[i], now, &done, p);
            if (e) return e;
            renewed += done;
        }
        *renewed_out += renewed;
        if (n < RENEWAL_BATCH || !renewed) return LE_OK;
    }
}

json_t *plan_history_json(struct db *db, struct arena *a, int64_t user_id)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT p.code, p.title, h.cycle, h.completed_at, h.score, COALESCE(h.expires_at, 0) "
                                  "FROM programme_completion_history h JOIN programme_assignments a ON a.id = "
                                  "h.assignment_id JOIN programmes p ON p.id = a.programme_id WHERE a.user_id = ?1 "
                                  "ORDER BY h.completed_at DESC, h.id DESC",
                                  "i", user_id);
    json_t *list = json_array();
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        json_t *score = db_col_is_null(st, 4) ? json_null() : json_real(db_col_double(st, 4));
        json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:o, s:s, s:o, s:o, s:s?}", "code", db_col_text(st, 0),
                                              "title", db_col_text(st, 1), "cycle", (json_int_t)db_col_int(st, 2),
                                              "completed_at", model_json_time(db_col_int(st, 3)), "completed",
                                              schedules_date(a, db_col_int(st, 3)), "score", score, "expires_at",
                                              model_json_time(db_col_int(st, 5)), "expires",
                                              schedules_date(a, db_col_int(st, 5))));
    }
    db_done(st);
    if (rc != DB_DONE) {
        json_decref(list);
        return NULL;
    }
    return list;
}
