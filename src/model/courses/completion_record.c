/* A course completion recorded from elsewhere (docs/schedules.md, "Completion import"): the
 * person's live enrolment marked completed at the date given, enrolling them first when they
 * are not (as an administrator's enrolment), and the domains above told once, as when the last
 * required activity is done. */
#include "internal.h"

lerr enrolment_complete_on(struct db *db, struct arena *a, int64_t course_id, const char *username, int64_t user_id,
                           int64_t completed_at, int64_t actor_id, bool *changed, struct problem *p)
{
    *changed = false;
    int64_t enrolment = 0;
    lerr e = enrolment_live_id(db, course_id, user_id, &enrolment);
    if (e == LE_NOTFOUND)
        e = enrol_user(db, a, course_id, username, "learner", "", actor_id, ROLE_ADMIN, &enrolment, p);
    else if (e)
        e = model_db_problem(p);
    if (e) return e;
    struct db_stmt *st = db_query(db,
                                  "UPDATE enrolments SET completed_at = ?2 WHERE id = ?1 AND completed_at IS NULL "
                                  "RETURNING id",
                                  "ii", enrolment, completed_at);
    int rc = st ? db_step(st) : DB_ERR;
    if (st) db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return model_db_problem(p);
    *changed = rc == DB_ROW;
    return *changed ? course_completed(db, course_id, user_id, p) : LE_OK;
}
