/* Taking a course again: a certification's renewal path asks a person to redo courses they have
 * completed. Their earlier activity progress is moved aside, not deleted, and their completed
 * enrolment ended with its completion, so the course's records of the earlier cycle stay while
 * the new enrolment starts empty. */
#include "internal.h"

lerr course_retake(struct db *db, int64_t course_id, int64_t user_id, int64_t now, struct problem *p)
{
    if (db_run(db,
               "INSERT INTO activity_progress_archive (activity_id, user_id, how, completed_at, archived_at) SELECT "
               "g.activity_id, g.user_id, g.how, g.completed_at, ?3 FROM activity_progress g JOIN activities x ON x.id = "
               "g.activity_id WHERE x.course_id = ?1 AND g.user_id = ?2",
               "iii", course_id, user_id, now) ||
        db_run(db,
               "DELETE FROM activity_progress WHERE user_id = ?2 AND activity_id IN (SELECT id FROM activities WHERE "
               "course_id = ?1)",
               "ii", course_id, user_id))
        return model_db_problem(p);
    struct db_stmt *st = db_query(db,
                                  "UPDATE enrolments SET unenrolled_at = ?3 WHERE course_id = ?1 AND user_id = ?2 AND "
                                  "unenrolled_at IS NULL AND completed_at IS NOT NULL RETURNING id",
                                  "iii", course_id, user_id, now);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return model_db_problem(p);
    return rc == DB_ROW ? enrolment_ended(db, course_id, user_id, p) : LE_OK;
}
