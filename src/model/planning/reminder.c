/* Reminders: before each scheduled event to its booked learners and its trainers, and to line
 * managers about requests still pending after two days. The scan takes "now" from its caller
 * (the 'planning.reminders' job passes the clock's time; tests pass any time they like), and
 * is safe to run on any node, twice at once, or again after a crash: each message is queued
 * in the transaction that records it in planning_reminders_sent, whose unique key refuses a
 * second record, so a message goes out once. */
#include "internal.h"

/* Events of the coming month looked at per scan, soonest first: the reminders due soonest are
 * never crowded out; a month with more events than this reaches the later ones as they near. */
#define SCAN_EVENTS_MAX 2000

struct due_event {
    int64_t id, starts_at, offset; /* offset: the nearest reminder that has passed, 0 = none */
};

/* Records the reminder and queues its message, once: false in *sent when it was sent before. */
static lerr send_once(struct db *db, struct arena *a, const char *kind, int64_t event_id, int64_t user_id,
                      int64_t offset_s, int64_t starts_at, int64_t to_user_id, const char *template, int64_t now,
                      bool *sent, struct problem *p)
{
    *sent = false;
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = LE_OK;
    struct db_stmt *st = db_query(db,
                                  "INSERT INTO planning_reminders_sent (kind, event_id, user_id, offset_s, "
                                  "event_starts_at, sent_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING "
                                  "RETURNING id",
                                  "siiiii", kind, event_id, user_id, offset_s, starts_at, now);
    if (!st) e = model_db_problem(p);
    int rc = st ? db_step(st) : DB_DONE;
    if (st) db_done(st);
    if (!e && rc < 0) e = model_db_problem(p);
    *sent = !e && rc == DB_ROW;
    if (*sent) e = planning_tell_about(db, a, event_id, to_user_id, to_user_id == user_id ? 0 : user_id, template, NULL, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (e) *sent = false;
    return e;
}

/* The nearest of the session's offsets (as stored) that has passed at now (0: none yet). */
static int64_t due_offset(const char *offsets, int64_t starts_at, int64_t now)
{
    struct session_settings s;
    session_offsets_from_column(offsets, &s);
    int64_t due = 0;
    for (int i = 0; i < s.n_offsets; i++)
        if (now >= starts_at - s.offsets[i]) due = s.offsets[i];
    return due;
}

/* The event's booked learners and trainers not yet reminded at this offset, then reminded. */
static lerr remind_event(struct db *db, struct arena *a, const struct due_event *ev, int64_t now, int *sent_out,
                         struct problem *p)
{
    int64_t offset = ev->offset;
    struct db_stmt *st = db_query(
        db,
        "SELECT x.user_id, x.kind FROM (SELECT user_id, 'event_learner' AS kind FROM event_bookings WHERE event_id = ?1 "
        "AND state = 'booked' UNION ALL SELECT user_id, 'event_trainer' FROM event_trainers WHERE event_id = ?1) x WHERE "
        "NOT EXISTS (SELECT 1 FROM planning_reminders_sent r WHERE r.kind = x.kind AND r.event_id = ?1 AND r.user_id = "
        "x.user_id AND r.offset_s = ?2 AND r.event_starts_at = ?3) ORDER BY x.user_id",
        "iii", ev->id, offset, ev->starts_at);
    if (!st) return model_db_problem(p);
    size_t n = 0, cap = 64;
    int64_t *users = arena_alloc(a, cap * sizeof *users);
    bool *trainer = arena_alloc(a, cap * sizeof *trainer);
    while (n < cap && db_step(st) == DB_ROW) {
        users[n] = db_col_int(st, 0);
        trainer[n++] = str_eq(db_col_text(st, 1), "event_trainer");
    }
    db_done(st);
    lerr e = LE_OK;
    for (size_t i = 0; !e && i < n; i++) {
        bool sent;
        e = send_once(db, a, trainer[i] ? "event_trainer" : "event_learner", ev->id, users[i], offset, ev->starts_at,
                      users[i], trainer[i] ? "reminder_trainer" : "reminder", now, &sent, p);
        *sent_out += sent;
    }
    /* More than a batch waiting: the next scan takes the rest. */
    return e;
}

static lerr event_reminders(struct db *db, struct arena *a, int64_t now, int *sent_out, struct problem *p)
{
    /* One query for the coming month's events with their sessions' offsets; only the events
     * with a reminder due are looked at further. */
    struct db_stmt *st = db_query(db,
                                  "SELECT e.id, e.starts_at, s.reminder_offsets FROM events e LEFT JOIN session_settings s "
                                  "ON s.activity_id = e.activity_id WHERE e.state = 'scheduled' AND e.starts_at > ?1 AND "
                                  "e.starts_at <= ?2 ORDER BY e.starts_at, e.id LIMIT ?3",
                                  "iii", now, now + SESSION_OFFSET_LONGEST, (int64_t)SCAN_EVENTS_MAX);
    if (!st) return model_db_problem(p);
    struct due_event *events = arena_alloc(a, SCAN_EVENTS_MAX * sizeof *events);
    size_t n = 0;
    while (n < SCAN_EVENTS_MAX && db_step(st) == DB_ROW) {
        int64_t starts = db_col_int(st, 1), offset = due_offset(db_col_text(st, 2), starts, now);
        if (offset) events[n++] = (struct due_event){db_col_int(st, 0), starts, offset};
    }
    db_done(st);
    lerr e = LE_OK;
    for (size_t i = 0; !e && i < n; i++) e = remind_event(db, a, &events[i], now, sent_out, p);
    return e;
}

/* Line managers of requests pending since two days: one reminder a request. */
static lerr approval_reminders(struct db *db, struct arena *a, int64_t now, int *sent_out, struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT b.user_id, b.event_id, u.manager_id FROM event_bookings b JOIN users u ON u.id = "
                                  "b.user_id JOIN events e ON e.id = b.event_id WHERE b.state = 'awaiting_approval' AND "
                                  "b.created_at <= ?1 AND e.state = 'scheduled' AND e.starts_at > ?2 AND u.manager_id IS "
                                  "NOT NULL AND NOT EXISTS (SELECT 1 FROM planning_reminders_sent r WHERE r.kind = "
                                  "'approval' AND r.event_id = b.event_id AND r.user_id = b.user_id) ORDER BY b.id LIMIT 500",
                                  "ii", now - APPROVAL_REMINDER_AFTER, now);
    if (!st) return model_db_problem(p);
    int64_t (*rows)[3] = arena_alloc(a, 500 * sizeof *rows);
    size_t n = 0;
    while (n < 500 && db_step(st) == DB_ROW) {
        rows[n][0] = db_col_int(st, 0), rows[n][1] = db_col_int(st, 1), rows[n][2] = db_col_int(st, 2);
        n++;
    }
    db_done(st);
    lerr e = LE_OK;
    for (size_t i = 0; !e && i < n; i++) {
        bool sent;
        /* Once a request, even if the event moves: the start is recorded as 0. */
        e = send_once(db, a, "approval", rows[i][1], rows[i][0], 0, 0, rows[i][2], "approval_reminder", now, &sent, p);
        *sent_out += sent;
    }
    return e;
}

lerr planning_reminders_scan(struct db *db, struct arena *a, int64_t now, int *sent_out, struct problem *p)
{
    *sent_out = 0;
    lerr e = event_reminders(db, a, now, sent_out, p);
    return e ? e : approval_reminders(db, a, now, sent_out, p);
}
