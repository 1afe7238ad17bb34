/* Attendance: what happened to each booked person at an event. Attending completes the
 * event's session activity through courses' own completion (activity_complete), so progress
 * and course completion follow as for any other activity. */
#include <string.h>
#include "internal.h"

static const char *const statuses[] = {"attended", "partly", "no_show", "excused"};

/* What a recorded attendance sets off: attending (and, where the session says so, attending
 * in part) completes the session; a no-show is reported to the person's line manager. */
static lerr attendance_follow_up(struct db *db, struct arena *a, int64_t event_id, int64_t activity, int64_t user,
                                 const char *status, struct problem *p)
{
    struct session_settings s;
    lerr e = session_settings_get(db, activity, &s, p);
    if (e) return e;
    if (str_eq(status, "attended") || (str_eq(status, "partly") && s.partly_completes))
        return activity_complete(db, activity, user, "attended", p);
    if (!str_eq(status, "no_show")) return LE_OK;
    int64_t manager = 0;
    e = db_query_int(db, &manager, "SELECT COALESCE(manager_id, 0) FROM users WHERE id = ?1", "i", user);
    if (e && e != LE_NOTFOUND) return model_db_problem(p);
    return manager ? planning_tell_about(db, a, event_id, manager, user, "no_show", NULL, p) : LE_OK;
}

lerr attendance_find_booked(struct db *db, int64_t event_id, const char *username, struct booked_person *out,
                            struct problem *p)
{
    *out = (struct booked_person){0};
    struct db_stmt *st = db_query(db,
                                  "SELECT b.id, b.user_id, e.activity_id FROM event_bookings b JOIN users u ON u.id = "
                                  "b.user_id JOIN events e ON e.id = b.event_id WHERE b.event_id = ?1 AND u.username = ?2 "
                                  "AND b.state = 'booked'",
                                  "is", event_id, username ? username : "");
    if (!st) return model_db_problem(p);
    if (db_step(st) == DB_ROW)
        out->booking_id = db_col_int(st, 0), out->user_id = db_col_int(st, 1), out->activity_id = db_col_int(st, 2);
    db_done(st);
    if (!out->booking_id)
        return problem_set(p, LE_NOTFOUND, "username", "'%s' holds no seat on this event; only booked people have attendance.",
                           username ? username : "");
    return LE_OK;
}

lerr attendance_set(struct db *db, struct arena *a, int64_t event_id, const struct booked_person *who,
                    const char *status, int64_t actor_id, struct problem *p)
{
    lerr e = db_run(db, "UPDATE event_bookings SET attendance = ?2, attendance_by = ?3, attendance_at = ?4 WHERE id = ?1",
                    "isii", who->booking_id, status, actor_id, time_now())
                 ? model_db_problem(p)
                 : LE_OK;
    if (!e) e = attendance_follow_up(db, a, event_id, who->activity_id, who->user_id, status, p);
    if (!e)
        e = planning_audit(db, a, actor_id, "event.attendance", "event", event_id,
                           json_pack("{s:I, s:s}", "user_id", (json_int_t)who->user_id, "status", status), p);
    return e;
}

lerr attendance_record(struct db *db, struct arena *a, int64_t event_id, const char *username, const char *status,
                       int64_t actor_id, struct problem *p)
{
    bool known = false;
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) known |= str_eq(status, statuses[i]);
    if (!known)
        return problem_set(p, LE_INVALID, "status", "Give the attendance as attended, partly, no_show or excused.");
    struct booked_person who;
    lerr e = attendance_find_booked(db, event_id, username, &who, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    e = attendance_set(db, a, event_id, &who, status, actor_id, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr attendance_all_attended(struct db *db, struct arena *a, int64_t event_id, int64_t actor_id, int *n_out,
                             struct problem *p)
{
    *n_out = 0;
    struct db_stmt *st = db_query(db,
                                  "SELECT b.id, b.user_id, e.activity_id FROM event_bookings b JOIN events e ON e.id = "
                                  "b.event_id WHERE b.event_id = ?1 AND b.state = 'booked' AND b.attendance IS NULL ORDER "
                                  "BY b.id",
                                  "i", event_id);
    if (!st) return model_db_problem(p);
    size_t n = 0, cap = 16;
    int64_t (*rows)[3] = arena_alloc(a, cap * sizeof *rows);
    while (db_step(st) == DB_ROW) {
        if (n == cap) {
            int64_t (*more)[3] = arena_alloc(a, (cap *= 2) * sizeof *more);
            memcpy(more, rows, n * sizeof *rows);
            rows = more;
        }
        rows[n][0] = db_col_int(st, 0), rows[n][1] = db_col_int(st, 1), rows[n][2] = db_col_int(st, 2);
        n++;
    }
    db_done(st);
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = LE_OK;
    int64_t now = time_now();
    for (size_t i = 0; !e && i < n; i++) {
        /* Only those still unmarked: a trainer's exception recorded meanwhile stands. */
        int64_t changed = 0;
        lerr q = db_query_int(db, &changed,
                              "UPDATE event_bookings SET attendance = 'attended', attendance_by = ?2, attendance_at = ?3 "
                              "WHERE id = ?1 AND attendance IS NULL AND state = 'booked' RETURNING id",
                              "iii", rows[i][0], actor_id, now);
        if (q == LE_NOTFOUND) continue;
        e = q ? model_db_problem(p) : activity_complete(db, rows[i][2], rows[i][1], "attended", p);
        if (!e) (*n_out)++;
    }
    if (!e)
        e = planning_audit(db, a, actor_id, "event.attendance_all", "event", event_id,
                           json_pack("{s:i}", "attended", *n_out), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (e) *n_out = 0;
    return e;
}
