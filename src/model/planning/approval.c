/* Line-manager approval of bookings: on a session that asks for it, a booking waits as
 * 'awaiting_approval' without a seat; the learner's line manager (users.manager_id), or an
 * administrator instead, approves it (a seat when one is free, else the waitlist) or declines
 * it with a reason the learner is told. A request is decided once: the decision is checked
 * and written in one write transaction, so a second one, however close, is refused. */
#include <string.h>
#include "internal.h"

lerr booking_needs_approval(struct db *db, int64_t event_id, bool *needs, struct problem *p)
{
    int64_t n = 0;
    lerr e = db_query_int(db, &n,
                          "SELECT s.needs_approval FROM events e JOIN session_settings s ON s.activity_id = "
                          "e.activity_id WHERE e.id = ?1",
                          "i", event_id);
    if (e && e != LE_NOTFOUND) return model_db_problem(p);
    *needs = n != 0;
    return LE_OK;
}

lerr approval_requested(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, struct problem *p)
{
    int64_t manager = 0;
    lerr e = db_query_int(db, &manager, "SELECT COALESCE(manager_id, 0) FROM users WHERE id = ?1", "i", user_id);
    if (e && e != LE_NOTFOUND) return model_db_problem(p);
    return manager ? planning_tell_about(db, a, event_id, manager, user_id, "approval_request", NULL, p) : LE_OK;
}

/* The person's latest request for the event that awaits or had a decision, which actor_id may
 * decide (their line manager, or an administrator); LE_CONFLICT when it was decided. */
static lerr find_request(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, int64_t actor_id,
                         bool admin, int64_t *booking_out, struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT b.id, b.state, COALESCE(u.manager_id, 0), e.starts_at FROM event_bookings b JOIN "
                                  "users u ON u.id = b.user_id JOIN events e ON e.id = b.event_id WHERE b.event_id = ?1 AND "
                                  "b.user_id = ?2 AND (b.state = "
                                  "'awaiting_approval' OR b.decided_at IS NOT NULL) ORDER BY b.id DESC LIMIT 1",
                                  "ii", event_id, user_id);
    if (!st) return model_db_problem(p);
    int rc = db_step(st);
    int64_t booking = rc == DB_ROW ? db_col_int(st, 0) : 0, manager = rc == DB_ROW ? db_col_int(st, 2) : 0;
    const char *state = rc == DB_ROW ? model_col_str(a, st, 1) : "";
    int64_t starts = rc == DB_ROW ? db_col_int(st, 3) : 0;
    db_done(st);
    if (rc < 0) return model_db_problem(p);
    /* Someone else's report is none of the viewer's business: the same answer as no request. */
    if (!booking || (!admin && manager != actor_id))
        return problem_set(p, LE_NOTFOUND, "username", "There is no request from this person for this event awaiting your decision.");
    if (str_eq(state, "declined")) return problem_set(p, LE_CONFLICT, "username", "This request was declined already.");
    if (str_eq(state, "cancelled"))
        return problem_set(p, LE_CONFLICT, "username", "This booking was approved and has since been cancelled; there is nothing to decide.");
    if (!str_eq(state, "awaiting_approval"))
        return problem_set(p, LE_CONFLICT, "username", "This request was approved already.");
    if (starts <= time_now()) return problem_set(p, LE_CONFLICT, "id", "This event has started; it is too late to decide.");
    *booking_out = booking;
    return LE_OK;
}

static lerr write_decision(struct db *db, int64_t booking, const char *state, const char *reason, int64_t actor_id,
                           struct problem *p)
{
    return db_run(db,
                  "UPDATE event_bookings SET state = ?2, decline_reason = ?3, decided_by = ?4, decided_at = ?5, "
                  "updated_at = ?5 WHERE id = ?1",
                  "issii", booking, state, reason, actor_id, time_now())
               ? model_db_problem(p)
               : LE_OK;
}

lerr booking_approve(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, int64_t actor_id, bool admin,
                     const char **state_out, struct problem *p)
{
    if (db_tx_begin(db)) return model_db_problem(p);
    int64_t booking = 0;
    bool taken = false;
    lerr e = find_request(db, a, event_id, user_id, actor_id, admin, &booking, p);
    if (!e) e = booking_take_seat(db, event_id, &taken, p);
    const char *state = taken ? "booked" : "waitlisted";
    if (!e) e = write_decision(db, booking, state, "", actor_id, p);
    if (!e) e = planning_tell(db, a, event_id, user_id, taken ? "approved" : "waitlisted", p);
    if (!e)
        e = planning_audit(db, a, actor_id, "booking.approve", "event", event_id,
                           json_pack("{s:I, s:s}", "user_id", (json_int_t)user_id, "state", state), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e) *state_out = state;
    return e;
}

lerr booking_decline(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, const char *reason,
                     int64_t actor_id, bool admin, struct problem *p)
{
    const char *why = reason ? arena_trim(a, reason) : "";
    if (!*why) return problem_set(p, LE_INVALID, "reason", "Give the reason for declining; the learner is told it.");
    if (strlen(why) > DECLINE_REASON_MAX)
        return problem_set(p, LE_INVALID, "reason", "Keep the reason to %d characters.", DECLINE_REASON_MAX);
    if (db_tx_begin(db)) return model_db_problem(p);
    int64_t booking = 0;
    lerr e = find_request(db, a, event_id, user_id, actor_id, admin, &booking, p);
    if (!e) e = write_decision(db, booking, "declined", why, actor_id, p);
    json_t *extra = json_pack("{s:s}", "reason", why);
    if (!e) e = planning_tell_about(db, a, event_id, user_id, 0, "declined", extra, p);
    json_decref(extra);
    if (!e)
        e = planning_audit(db, a, actor_id, "booking.decline", "event", event_id,
                           json_pack("{s:I, s:s}", "user_id", (json_int_t)user_id, "reason", why), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

json_t *approvals_json(struct db *db, int64_t viewer_id, bool admin)
{
    json_t *list = json_array();
    struct db_stmt *st = db_query(db,
                                  "SELECT e.id, e.title, e.starts_at, c.code, c.title, e.activity_id, u.username, "
                                  "u.first_name, u.last_name, b.created_at, m.username FROM event_bookings b JOIN users u "
                                  "ON u.id = b.user_id LEFT JOIN users m ON m.id = u.manager_id JOIN events e ON e.id = "
                                  "b.event_id JOIN courses c ON c.id = e.course_id WHERE b.state = 'awaiting_approval' AND "
                                  "e.state = 'scheduled' AND e.starts_at > ?3 AND (?2 = 1 OR u.manager_id = ?1) ORDER BY "
                                  "b.created_at, b.id LIMIT 500",
                                  "iii", viewer_id, (int64_t)admin, time_now());
    if (!st) return list;
    while (db_step(st) == DB_ROW) {
        json_t *r = json_pack("{s:I, s:s, s:o, s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:s?}", "event_id",
                              (json_int_t)db_col_int(st, 0), "event_title", db_col_text(st, 1), "starts_at",
                              model_json_time(db_col_int(st, 2)), "course", db_col_text(st, 3), "course_title",
                              db_col_text(st, 4), "activity_id", (json_int_t)db_col_int(st, 5), "username",
                              db_col_text(st, 6), "first_name", db_col_text(st, 7), "last_name", db_col_text(st, 8),
                              "requested_at", model_json_time(db_col_int(st, 9)), "manager",
                              db_col_is_null(st, 10) ? NULL : db_col_text(st, 10));
        if (!json_object_get(r, "manager")) json_object_set_new(r, "manager", json_null());
        json_array_append_new(list, r);
    }
    db_done(st);
    return list;
}
