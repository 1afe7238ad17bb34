/* Moving a person from one event to another of the same course: one transaction frees their
 * place (the first on the waitlist takes a freed seat) and books or waitlists them on the
 * other, so they never hold both places nor lose the first when the second is refused. */
#include "internal.h"

lerr booking_move(struct db *db, struct arena *a, int64_t from_event, int64_t user_id, int64_t to_event,
                  int64_t actor_id, const struct booking_options *o, const char **state_out, struct problem *p)
{
    if (from_event == to_event)
        return problem_set(p, LE_INVALID, "to_event", "They are on this event already; choose another event.");
    struct event_ref from, to;
    lerr e = event_ref_get(db, a, from_event, &from, p);
    if (e) return e;
    if (event_ref_get(db, a, to_event, &to, p))
        return problem_set(p, LE_NOTFOUND, "to_event", "There is no event %lld to move them to.", (long long)to_event);
    if (from.course_id != to.course_id)
        return problem_set(p, LE_INVALID, "to_event", "Move people only between events of the same course.");
    if (db_tx_begin(db)) return model_db_problem(p);
    e = booking_cancel(db, a, from_event, user_id, true, actor_id, p);
    if (!e) e = booking_create_with(db, a, to_event, user_id, actor_id, o, state_out, p);
    if (!e)
        e = planning_audit(db, a, actor_id, "booking.move", "event", from_event,
                           json_pack("{s:I, s:I, s:s}", "user_id", (json_int_t)user_id, "to_event",
                                     (json_int_t)to_event, "state", *state_out),
                           p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}
