/* A request's way through the administrators' queue: new, in progress, then done or declined
 * (with the reason the requester reads). Each step is one transaction with its audit entry and
 * the message that tells the requester. */
#include <stdio.h>
#include <string.h>
#include "request_internal.h"

bool request_state_allowed(const char *from, const char *to)
{
    bool open = str_eq(from, "new") || str_eq(from, "in_progress");
    return open && (str_eq(to, "in_progress") || str_eq(to, "done") || str_eq(to, "declined")) && !str_eq(from, to);
}

lerr request_audit(struct db *db, struct arena *a, int64_t actor_id, const char *action, int64_t id, json_t *d,
                   struct problem *p)
{
    lerr e = audit_append(db, actor_id, action, arena_sprintf(a, "request:%lld", (long long)id), d)
                 ? model_db_problem(p)
                 : LE_OK;
    json_decref(d);
    return e;
}

/* What was asked, in a line the requester recognises. */
static const char *request_what(struct arena *a, const char *kind, const char *title, const char *course,
                                const char *usernames)
{
    if (str_eq(kind, "course")) return arena_sprintf(a, "Host a new course: %s", title);
    if (str_eq(kind, "class")) return arena_sprintf(a, "Schedule a class of %s", course);
    int n = *usernames ? 1 : 0;
    for (const char *s = usernames; *s; s++) n += *s == '\n';
    return arena_sprintf(a, "Enrol %d %s in %s", n, n == 1 ? "person" : "people", course);
}

/* The one place requests send mail: a later notification type replaces this body alone. */
lerr request_tell(struct db *db, struct arena *a, int64_t id, struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT u.id, u.email, u.username, u.first_name, r.kind, r.title, "
                                  "COALESCE(c.code, ''), r.usernames, r.needed_by, r.state, r.reason FROM "
                                  "admin_requests r JOIN users u ON u.id = r.requester_id LEFT JOIN courses c ON "
                                  "c.id = r.course_id WHERE r.id = ?1",
                                  "i", id);
    if (!st) return model_db_problem(p);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return model_db_problem(p);
    }
    int64_t user_id = db_col_int(st, 0);
    const char *email = model_col_str(a, st, 1), *state = model_col_str(a, st, 9);
    char day[21];
    time_iso8601(db_col_int(st, 8), day);
    day[10] = '\0';
    json_t *d = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b}", "id", (json_int_t)id, "username",
                          model_col_str(a, st, 2), "first_name", model_col_str(a, st, 3), "what",
                          request_what(a, model_col_str(a, st, 4), model_col_str(a, st, 5), model_col_str(a, st, 6),
                                       model_col_str(a, st, 7)),
                          "needed_by", day, "state", state, "reason", model_col_str(a, st, 10), "is_new",
                          str_eq(state, "new"), "is_in_progress", str_eq(state, "in_progress"), "is_done",
                          str_eq(state, "done"), "is_declined", str_eq(state, "declined"));
    db_done(st);
    lerr e = notify_send(db, REQUEST_MAIL_TEMPLATE, user_id, email, d, NULL, NULL, p);
    json_decref(d);
    return e;
}

lerr admin_request_set_state(struct db *db, struct arena *a, int64_t id, const char *state, const char *reason,
                             int64_t actor_id, struct problem *p)
{
    if (!str_eq(state, "in_progress") && !str_eq(state, "done") && !str_eq(state, "declined"))
        return problem_set(p, LE_INVALID, "state", "Choose the state: in_progress, done or declined.");
    if (str_eq(state, "declined") && (!reason || !*reason))
        return problem_set(p, LE_INVALID, "reason", "Say why the request is declined; the requester reads it.");
    if (reason && strlen(reason) > REQUEST_TEXT_MAX)
        return problem_set(p, LE_TOOBIG, "reason", "Keep the reason to %d characters.", REQUEST_TEXT_MAX);
    if (db_tx_begin(db)) return model_db_problem(p);
    const char *from = NULL;
    lerr e = LE_OK;
    struct db_stmt *st = db_query(db, "SELECT state FROM admin_requests WHERE id = ?1", "i", id);
    if (!st) e = model_db_problem(p);
    else {
        if (db_step(st) == DB_ROW) from = model_col_str(a, st, 0);
        db_done(st);
    }
    if (!e && !from) e = problem_set(p, LE_NOTFOUND, "id", "There is no such request.");
    if (!e && !request_state_allowed(from, state))
        e = problem_set(p, LE_CONFLICT, "state", "The request is %s already; it cannot become %s.",
                        str_eq(from, "in_progress") ? "in progress" : from,
                        str_eq(state, "in_progress") ? "in progress" : state);
    if (!e && db_run(db,
                     "UPDATE admin_requests SET state = ?2, reason = ?3, handled_by = ?4, updated_at = ?5 WHERE id = ?1",
                     "issii", id, state, str_eq(state, "declined") ? reason : "", actor_id, time_now()))
        e = model_db_problem(p);
    if (!e) e = request_audit(db, a, actor_id, "request.state", id, json_pack("{s:s, s:s}", "from", from, "to", state), p);
    if (!e) e = request_tell(db, a, id, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}
