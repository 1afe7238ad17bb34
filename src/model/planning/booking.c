/* Bookings: a seat on an event, or a place on its waitlist when every seat is taken. A seat is
 * taken by raising events.seats_taken only while it is below events.seats, inside the
 * booking's write transaction (write transactions run one at a time on both engines, and the
 * guard would hold even if they did not), so an event is never oversold however many people
 * book at once. A seat that frees goes to the first on the waitlist in the same transaction. */
#include <stdio.h>
#include "internal.h"

lerr booking_take_seat(struct db *db, int64_t event_id, bool *taken, struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "UPDATE events SET seats_taken = seats_taken + 1 WHERE id = ?1 AND seats_taken < seats "
                                  "AND state = 'scheduled' RETURNING seats_taken",
                                  "i", event_id);
    if (!st) return model_db_problem(p);
    int rc = db_step(st);
    db_done(st);
    if (rc < 0) return model_db_problem(p);
    *taken = rc == DB_ROW;
    return LE_OK;
}

/* Whether the event takes bookings now. */
static lerr check_open(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT e.state, e.starts_at, COALESCE(e.signup_opens_at, 0), "
                                  "COALESCE(e.signup_closes_at, e.starts_at), (SELECT n.role FROM enrolments n WHERE "
                                  "n.course_id = e.course_id AND n.user_id = ?2 AND n.unenrolled_at IS NULL), "
                                  "(SELECT b.state FROM event_bookings b WHERE b.event_id = e.id AND b.user_id = ?2 AND "
                                  "b.state NOT IN ('cancelled', 'declined')) FROM events e WHERE e.id = ?1",
                                  "ii", event_id, user_id);
    if (!st) return model_db_problem(p);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return problem_set(p, LE_NOTFOUND, "id", "There is no event %lld.", (long long)event_id);
    }
    const char *state = model_col_str(a, st, 0), *role = model_col_str(a, st, 4), *mine = model_col_str(a, st, 5);
    int64_t starts = db_col_int(st, 1), opens = db_col_int(st, 2), closes = db_col_int(st, 3), now = time_now();
    db_done(st);
    if (str_eq(state, "cancelled")) return problem_set(p, LE_CONFLICT, "id", "This event is cancelled; choose another one.");
    if (starts <= now) return problem_set(p, LE_CONFLICT, "id", "This event has started or is over; choose a later one.");
    if (opens > now) return problem_set(p, LE_CONFLICT, "id", "Sign-up for this event has not opened yet.");
    if (closes <= now) return problem_set(p, LE_CONFLICT, "id", "Sign-up for this event has closed.");
    if (!str_eq(role, "learner"))
        return problem_set(p, LE_INVALID, "username", "Only learners enrolled in the course can book its events; enrol them first.");
    if (*mine)
        return problem_set(p, LE_CONFLICT, "username",
                           str_eq(mine, "booked")       ? "Already booked on this event."
                           : str_eq(mine, "waitlisted") ? "Already on this event's waitlist."
                                                        : "Already asked for this event; the request awaits the line manager's approval.");
    return LE_OK;
}

/* The person's overlapping bookings (conflict.c): refused unless overridden, audited when so. */
static lerr check_overlaps(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, int64_t actor_id,
                           const struct booking_options *o, struct problem *p)
{
    json_t *found = booking_clashes(db, a, event_id, user_id, p);
    if (!found) return LE_DB;
    const char *reason = o ? o->override_reason : NULL;
    bool may_override = o && o->may_override;
    lerr e = planning_conflicts_settle(found, reason, may_override, o ? o->conflicts_out : NULL, p);
    if (e == LE_CONFLICT)
        snprintf(p->message, sizeof p->message, "%s",
                 may_override ? "Already booked on another event at that time (listed); cancel that place first, or "
                                "give a reason to override."
                              : "Already booked on another event at that time (listed); cancel that place first.");
    if (!e) e = planning_override_audit(db, a, actor_id, event_id, reason, found, p);
    json_decref(found);
    return e;
}

lerr booking_create(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, int64_t actor_id,
                    const char **state_out, struct problem *p)
{
    return booking_create_with(db, a, event_id, user_id, actor_id, NULL, state_out, p);
}

lerr booking_create_with(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, int64_t actor_id,
                         const struct booking_options *o, const char **state_out, struct problem *p)
{
    if (db_tx_begin(db)) return model_db_problem(p);
    bool taken = false, approval = false;
    lerr e = check_open(db, a, event_id, user_id, p);
    if (!e) e = check_overlaps(db, a, event_id, user_id, actor_id, o, p);
    if (!e) e = booking_needs_approval(db, event_id, &approval, p);
    /* A request for approval takes no seat until the manager says yes (approval.c). */
    if (!e && !approval) e = booking_take_seat(db, event_id, &taken, p);
    const char *state = approval ? "awaiting_approval" : taken ? "booked" : "waitlisted";
    int64_t now = time_now();
    if (!e) {
        lerr r = db_run(db,
                        "INSERT INTO event_bookings (event_id, user_id, state, booked_by, created_at, updated_at) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                        "iisii", event_id, user_id, state, actor_id, now);
        /* Two requests of one person at once: the live-booking index refuses the second. */
        e = r == LE_CONFLICT ? problem_set(p, LE_CONFLICT, "username", "Already booked on this event.")
            : r              ? model_db_problem(p)
                             : LE_OK;
    }
    if (!e && taken) e = planning_tell(db, a, event_id, user_id, "confirmed", p);
    if (!e && approval) e = approval_requested(db, a, event_id, user_id, p);
    if (!e)
        e = planning_audit(db, a, actor_id, "booking.create", "event", event_id,
                           json_pack("{s:I, s:s}", "user_id", (json_int_t)user_id, "state", state), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e) *state_out = state;
    return e;
}

lerr booking_promote(struct db *db, struct arena *a, int64_t event_id, int64_t *promoted_out, struct problem *p)
{
    *promoted_out = 0;
    int64_t booking = 0, user = 0;
    struct db_stmt *st = db_query(db,
                                  "SELECT id, user_id FROM event_bookings WHERE event_id = ?1 AND state = 'waitlisted' "
                                  "ORDER BY id LIMIT 1",
                                  "i", event_id);
    if (!st) return model_db_problem(p);
    if (db_step(st) == DB_ROW) booking = db_col_int(st, 0), user = db_col_int(st, 1);
    db_done(st);
    if (!booking) return LE_OK;
    bool taken = false;
    lerr e = booking_take_seat(db, event_id, &taken, p);
    if (e || !taken) return e;
    if (db_run(db, "UPDATE event_bookings SET state = 'booked', updated_at = ?2 WHERE id = ?1", "ii", booking, time_now()))
        return model_db_problem(p);
    *promoted_out = user;
    return planning_tell(db, a, event_id, user, "booked", p);
}

lerr booking_cancel(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, bool override,
                    int64_t actor_id, struct problem *p)
{
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = LE_OK;
    struct db_stmt *st = db_query(db,
                                  "SELECT b.id, b.state, COALESCE(e.cancel_cutoff_at, e.starts_at) FROM event_bookings b "
                                  "JOIN events e ON e.id = b.event_id WHERE b.event_id = ?1 AND b.user_id = ?2 AND "
                                  "b.state NOT IN ('cancelled', 'declined')",
                                  "ii", event_id, user_id);
    if (!st) e = model_db_problem(p);
    int64_t booking = 0, cutoff = 0;
    const char *was = "";
    if (st && db_step(st) == DB_ROW) booking = db_col_int(st, 0), was = model_col_str(a, st, 1), cutoff = db_col_int(st, 2);
    if (st) db_done(st);
    if (!e && !booking) e = problem_set(p, LE_NOTFOUND, "username", "Not booked on this event, nor on its waitlist.");
    if (!e && !override && time_now() >= cutoff)
        e = problem_set(p, LE_CONFLICT, "id",
                        "The cancellation cut-off has passed; ask your training administrator to cancel for you.");
    if (!e && db_run(db, "UPDATE event_bookings SET state = 'cancelled', updated_at = ?2 WHERE id = ?1", "ii", booking,
                     time_now()))
        e = model_db_problem(p);
    /* The person's calendar program removes the event (METHOD:CANCEL, a higher SEQUENCE). */
    if (!e && db_run(db, "UPDATE events SET sequence = sequence + 1 WHERE id = ?1", "i", event_id)) e = model_db_problem(p);
    if (!e) e = planning_tell(db, a, event_id, user_id, "booking_cancelled", p);
    int64_t promoted = 0;
    if (!e && str_eq(was, "booked")) {
        if (db_run(db, "UPDATE events SET seats_taken = seats_taken - 1 WHERE id = ?1 AND seats_taken > 0", "i", event_id))
            e = model_db_problem(p);
        if (!e) e = booking_promote(db, a, event_id, &promoted, p);
    }
    if (!e)
        e = planning_audit(db, a, actor_id, "booking.cancel", "event", event_id,
                           json_pack("{s:I, s:s, s:I}", "user_id", (json_int_t)user_id, "was", was, "promoted",
                                     (json_int_t)promoted),
                           p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

/* The bookings of the events that `where` picks (bound: ?1), as {"EVENT_ID": [booking...]};
 * the waitlist positions count per event. */
static json_t *bookings_by_event(struct db *db, const char *where, int64_t key)
{
    json_t *by_event = json_object();
    char sql[640];
    snprintf(sql, sizeof sql,
             "SELECT b.event_id, u.username, u.first_name, u.last_name, b.state, b.attendance FROM event_bookings b "
             "JOIN users u ON u.id = b.user_id WHERE %s AND b.state NOT IN ('cancelled', 'declined') ORDER BY "
             "b.event_id, CASE b.state WHEN 'booked' THEN 0 ELSE 1 END, b.id",
             where);
    struct db_stmt *st = db_query(db, sql, "i", key);
    if (!st) return by_event;
    int64_t event_id = 0;
    json_t *list = NULL;
    int position = 0;
    while (db_step(st) == DB_ROW) {
        if (!list || db_col_int(st, 0) != event_id) {
            event_id = db_col_int(st, 0);
            char id[24];
            snprintf(id, sizeof id, "%lld", (long long)event_id);
            json_object_set_new(by_event, id, list = json_array());
            position = 0;
        }
        const char *state = db_col_text(st, 4);
        bool waiting = str_eq(state, "waitlisted");
        json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s?}", "username", db_col_text(st, 1), "first_name",
                              db_col_text(st, 2), "last_name", db_col_text(st, 3), "state", state, "position",
                              waiting ? ++position : 0, "attendance", db_col_text(st, 5));
        if (!json_object_get(b, "attendance")) json_object_set_new(b, "attendance", json_null());
        json_array_append_new(list, b);
    }
    db_done(st);
    return by_event;
}

json_t *bookings_json(struct db *db, int64_t event_id)
{
    json_t *by_event = bookings_by_event(db, "b.event_id = ?1", event_id);
    const char *key;
    json_t *list, *found = NULL;
    json_object_foreach(by_event, key, list) found = json_incref(list);
    json_decref(by_event);
    return found ? found : json_array();
}

json_t *session_bookings_json(struct db *db, int64_t activity_id)
{
    /* One query for the page, however many events the session has. */
    return bookings_by_event(db, "b.event_id IN (SELECT e.id FROM events e WHERE e.activity_id = ?1)", activity_id);
}
