/* Attendance: what happened to each booked person at an event. Attending completes the
 * event's session activity through courses' own completion (activity_complete), so progress
 * and course completion follow as for any other activity. */
#include "internal.h"

static const char *const statuses[] = {"attended", "partly", "no_show", "excused"};

lerr attendance_record(struct db *db, struct arena *a, int64_t event_id, const char *username, const char *status,
                       int64_t actor_id, struct problem *p)
{
    bool known = false;
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) known |= str_eq(status, statuses[i]);
    if (!known)
        return problem_set(p, LE_INVALID, "status", "Give the attendance as attended, partly, no_show or excused.");
    int64_t booking = 0, user = 0, activity = 0;
    struct db_stmt *st = db_query(db,
                                  "SELECT b.id, b.user_id, e.activity_id FROM event_bookings b JOIN users u ON u.id = "
                                  "b.user_id JOIN events e ON e.id = b.event_id WHERE b.event_id = ?1 AND u.username = ?2 "
                                  "AND b.state = 'booked'",
                                  "is", event_id, username ? username : "");
    if (!st) return model_db_problem(p);
    if (db_step(st) == DB_ROW) booking = db_col_int(st, 0), user = db_col_int(st, 1), activity = db_col_int(st, 2);
    db_done(st);
    if (!booking)
        return problem_set(p, LE_NOTFOUND, "username", "'%s' holds no seat on this event; only booked people have attendance.",
                           username ? username : "");
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = db_run(db, "UPDATE event_bookings SET attendance = ?2, attendance_by = ?3, attendance_at = ?4 WHERE id = ?1",
                    "isii", booking, status, actor_id, time_now())
                 ? model_db_problem(p)
                 : LE_OK;
    if (!e && str_eq(status, "attended")) e = activity_complete(db, activity, user, "attended", p);
    if (!e)
        e = planning_audit(db, a, actor_id, "event.attendance", "event", event_id,
                           json_pack("{s:I, s:s}", "user_id", (json_int_t)user, "status", status), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}
