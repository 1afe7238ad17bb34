/* The events of session activities: when, where (a room, a meeting address or both), who
 * trains, how many seats and the sign-up window. Everything is checked before anything is
 * written; times are stored in UTC with the zone the event was planned in. */
#include <string.h>
#include "internal.h"

/* An event as stored, which create fills from defaults and update from its row. */
struct event_row {
    int64_t id, course_id, activity_id, starts_at, ends_at, room_id, seats, min_seats, seats_taken;
    int64_t signup_opens_at, signup_closes_at, cancel_cutoff_at; /* 0 = none */
    double cost_per_seat;
    const char *title, *timezone, *meeting_url, *note, *state;
    int64_t trainer_ids[EVENT_TRAINERS_MAX];
    int n_trainers;
    bool trainers_given;
    struct event_part parts[EVENT_PARTS_MAX]; /* loaded for conflicts when not given */
    int n_parts;
    bool parts_given;
    const char *external_trainers;            /* names, one a line; NULL = unchanged */
};

static lerr event_row_get(struct db *db, struct arena *a, int64_t id, struct event_row *r, struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT course_id, activity_id, starts_at, ends_at, COALESCE(room_id, 0), seats, "
                                  "min_seats, seats_taken, COALESCE(signup_opens_at, 0), COALESCE(signup_closes_at, 0), "
                                  "COALESCE(cancel_cutoff_at, 0), cost_per_seat, title, timezone, meeting_url, note, state "
                                  "FROM events WHERE id = ?1",
                                  "i", id);
    if (!st) return model_db_problem(p);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *r = (struct event_row){.id = id};
        int64_t *ints[] = {&r->course_id, &r->activity_id, &r->starts_at, &r->ends_at, &r->room_id, &r->seats,
                           &r->min_seats, &r->seats_taken, &r->signup_opens_at, &r->signup_closes_at,
                           &r->cancel_cutoff_at};
        for (int i = 0; i < 11; i++) *ints[i] = db_col_int(st, i);
        r->cost_per_seat = db_col_double(st, 11);
        const char **strs[] = {&r->title, &r->timezone, &r->meeting_url, &r->note, &r->state};
        for (int i = 0; i < 5; i++) *strs[i] = model_col_str(a, st, 12 + i);
    }
    db_done(st);
    if (rc == DB_ROW) return LE_OK;
    if (rc != DB_DONE) return model_db_problem(p);
    return problem_set(p, LE_NOTFOUND, "id", "There is no event %lld; open the session's page again.", (long long)id);
}

/* A time field as sent: "" clears it (where allowed), else planning_parse_time in the event's zone. */
static lerr read_time(const char *sent, const char *field, const struct tz *zone, bool may_clear, int64_t *out,
                      struct problem *p)
{
    if (!sent) return LE_OK;
    if (!*sent && may_clear) {
        *out = 0;
        return LE_OK;
    }
    if (!planning_parse_time(sent, zone, out))
        return problem_set(p, LE_INVALID, field,
                           "Give %s as a date and time, YYYY-MM-DDTHH:MM (in the event's time zone), or with a "
                           "zone such as 2027-03-28T09:30:00Z.",
                           field);
    return LE_OK;
}

static lerr apply_zone_and_times(const struct event_input *in, struct event_row *r, struct problem *p)
{
    if (in->timezone) {
        if (!tz_name_ok(in->timezone) || !tz_get(in->timezone))
            return problem_set(p, LE_INVALID, "timezone",
                               "'%s' is no time zone; give an IANA name such as Europe/London or UTC.", in->timezone);
        r->timezone = in->timezone;
    }
    if (!r->timezone || !*r->timezone) return problem_set(p, LE_INVALID, "timezone", "Choose the event's time zone.");
    const struct tz *zone = tz_get(r->timezone);
    lerr e;
    /* Parts sent set the span; plain starts_at/ends_at are the one part. */
    if (in->parts) {
        if ((e = event_parts_parse(in->parts, in->n_parts, zone, r->parts, &r->n_parts, p))) return e;
        r->starts_at = r->parts[0].starts_at;
        r->ends_at = r->parts[r->n_parts - 1].ends_at;
        r->parts_given = true;
    }
    if ((e = read_time(in->starts_at, "starts_at", zone, false, &r->starts_at, p)) ||
        (e = read_time(in->ends_at, "ends_at", zone, false, &r->ends_at, p)) ||
        (e = read_time(in->signup_opens, "signup_opens", zone, true, &r->signup_opens_at, p)) ||
        (e = read_time(in->signup_closes, "signup_closes", zone, true, &r->signup_closes_at, p)) ||
        (e = read_time(in->cancel_cutoff, "cancel_cutoff", zone, true, &r->cancel_cutoff_at, p)))
        return e;
    if (!r->starts_at) return problem_set(p, LE_INVALID, "starts_at", "Give the date and time the event starts.");
    if (!r->ends_at) return problem_set(p, LE_INVALID, "ends_at", "Give the date and time the event ends.");
    if (r->ends_at <= r->starts_at) return problem_set(p, LE_INVALID, "ends_at", "The event must end after it starts.");
    if (!in->parts && (in->starts_at || in->ends_at || !r->id)) {
        r->parts[0] = (struct event_part){r->starts_at, r->ends_at};
        r->n_parts = 1;
        r->parts_given = true;
    }
    if (r->signup_closes_at && r->signup_opens_at && r->signup_closes_at <= r->signup_opens_at)
        return problem_set(p, LE_INVALID, "signup_closes", "Sign-up must close after it opens.");
    return LE_OK;
}

static lerr apply_room(struct db *db, const struct event_input *in, struct event_row *r, struct problem *p)
{
    if (in->room_id >= 0) r->room_id = in->room_id;
    if (in->meeting_url) {
        if (!planning_https_ok(in->meeting_url))
            return problem_set(p, LE_INVALID, "meeting_url", "Give the meeting address as an https:// link.");
        r->meeting_url = in->meeting_url;
    }
    if (r->room_id > 0 && in->room_id > 0) {
        int64_t archived;
        if (db_query_int(db, &archived, "SELECT archived FROM rooms WHERE id = ?1", "i", r->room_id))
            return problem_set(p, LE_NOTFOUND, "room_id", "There is no room %lld; choose one from the list of rooms.",
                               (long long)r->room_id);
        if (archived) return problem_set(p, LE_INVALID, "room_id", "That room is archived; choose another.");
    }
    if (r->room_id <= 0 && !*r->meeting_url)
        return problem_set(p, LE_INVALID, "room_id", "Choose a room, give a meeting address, or both.");
    return LE_OK;
}

static lerr apply_numbers(const struct event_input *in, struct event_row *r, struct problem *p)
{
    if (in->seats >= 0) r->seats = in->seats;
    if (in->min_seats >= 0) r->min_seats = in->min_seats;
    if (in->cost_per_seat >= 0) r->cost_per_seat = in->cost_per_seat;
    if (r->seats < 1 || r->seats > 100000)
        return problem_set(p, LE_INVALID, "seats", "Give the number of seats, from 1 to 100,000.");
    if (r->seats < r->seats_taken)
        return problem_set(p, LE_CONFLICT, "seats", "%lld people are booked; give at least that many seats.",
                           (long long)r->seats_taken);
    if (r->min_seats > r->seats)
        return problem_set(p, LE_INVALID, "min_seats", "The minimum number of seats cannot be above the maximum.");
    if (r->cost_per_seat > 1e9) return problem_set(p, LE_INVALID, "cost_per_seat", "Give the cost per seat as a number.");
    return LE_OK;
}

/* The session activity of the course the event belongs to: the one named, or the course's
 * only one. */
static lerr apply_activity(struct db *db, const struct event_input *in, struct event_row *r, struct problem *p)
{
    if (in->activity_id > 0) {
        int64_t found;
        if (db_query_int(db, &found,
                         "SELECT id FROM activities WHERE id = ?1 AND course_id = ?2 AND kind = 'session' AND "
                         "deleted_at IS NULL",
                         "ii", in->activity_id, r->course_id))
            return problem_set(p, LE_NOTFOUND, "activity_id", "This course has no session activity %lld.",
                               (long long)in->activity_id);
        r->activity_id = found;
    }
    if (r->activity_id) return LE_OK;
    int64_t n = 0;
    if (db_query_int(db, &n, "SELECT COUNT(*) FROM activities WHERE course_id = ?1 AND kind = 'session' AND deleted_at IS NULL",
                     "i", r->course_id))
        return model_db_problem(p);
    if (n != 1)
        return problem_set(p, LE_INVALID, "activity_id",
                           n ? "The course has several session activities; say which one (activity_id)."
                             : "Add a session activity to the course first; its events belong to it.");
    return db_query_int(db, &r->activity_id,
                        "SELECT id FROM activities WHERE course_id = ?1 AND kind = 'session' AND deleted_at IS NULL",
                        "i", r->course_id)
               ? model_db_problem(p)
               : LE_OK;
}

/* Trainers are the course's instructors, by username. */
static lerr apply_trainers(struct db *db, const struct event_input *in, struct event_row *r, struct problem *p)
{
    if (!in->trainers) return LE_OK;
    if (in->n_trainers > EVENT_TRAINERS_MAX)
        return problem_set(p, LE_INVALID, "trainers", "An event has at most %d trainers.", EVENT_TRAINERS_MAX);
    r->trainers_given = true;
    r->n_trainers = 0;
    for (int i = 0; i < in->n_trainers; i++) {
        int64_t id;
        if (db_query_int(db, &id,
                         "SELECT u.id FROM users u JOIN enrolments n ON n.user_id = u.id AND n.course_id = ?1 AND "
                         "n.role = 'instructor' AND n.unenrolled_at IS NULL WHERE u.username = ?2",
                         "is", r->course_id, in->trainers[i]))
            return problem_set(p, LE_NOTFOUND, "trainers", "'%s' is not an instructor of this course; enrol them as instructor first.",
                               in->trainers[i]);
        bool twice = false;
        for (int k = 0; k < r->n_trainers; k++) twice |= r->trainer_ids[k] == id;
        if (!twice) r->trainer_ids[r->n_trainers++] = id;
    }
    return LE_OK;
}

/* Trainers from outside, by name: kept one a line. */
static lerr apply_external_trainers(struct arena *a, const struct event_input *in, struct event_row *r,
                                    struct problem *p)
{
    if (!in->external_trainers) return LE_OK;
    if (in->n_external_trainers > EVENT_EXTERNAL_TRAINERS_MAX)
        return problem_set(p, LE_INVALID, "external_trainers", "An event has at most %d external trainers.",
                           EVENT_EXTERNAL_TRAINERS_MAX);
    const char *lines = "";
    for (int i = 0; i < in->n_external_trainers; i++) {
        const char *name = arena_trim(a, in->external_trainers[i]);
        if (!*name) continue;
        if (utf8_chars(name) > 200 || strpbrk(name, "\r\n"))
            return problem_set(p, LE_INVALID, "external_trainers",
                               "Give each external trainer's name on one line, in at most 200 characters.");
        lines = *lines ? arena_sprintf(a, "%s\n%s", lines, name) : name;
    }
    r->external_trainers = lines;
    return LE_OK;
}

static lerr event_apply(struct db *db, struct arena *a, const struct event_input *in, struct event_row *r,
                        struct problem *p)
{
    if (in->title) r->title = arena_trim(a, in->title);
    if (!r->title || !*r->title) return problem_set(p, LE_INVALID, "title", "Give the event a title.");
    if (utf8_chars(r->title) > EVENT_TITLE_MAX)
        return problem_set(p, LE_INVALID, "title", "A title has at most %d characters.", EVENT_TITLE_MAX);
    if (in->note) {
        if (strlen(in->note) > COURSE_TEXT_MAX)
            return problem_set(p, LE_INVALID, "note", "The note has at most %d characters.", COURSE_TEXT_MAX);
        r->note = in->note;
    }
    lerr e;
    if ((e = apply_zone_and_times(in, r, p)) || (e = apply_room(db, in, r, p)) || (e = apply_numbers(in, r, p)) ||
        (e = apply_activity(db, in, r, p)) || (e = apply_trainers(db, in, r, p)) ||
        (e = apply_external_trainers(a, in, r, p)))
        return e;
    return LE_OK;
}

static void bind_opt(struct db_stmt *st, int idx, int64_t v)
{
    if (v) db_bind_int(st, idx, v);
    else db_bind_null(st, idx);
}

/* Writes the row's columns (insert when r->id is 0) and, when given, its trainers. */
static lerr event_write(struct db *db, int64_t actor_id, struct event_row *r, struct problem *p)
{
    int64_t now = time_now();
    struct db_stmt *st = db_prepare(
        db, r->id ? "UPDATE events SET activity_id = ?1, title = ?2, starts_at = ?3, ends_at = ?4, timezone = ?5, "
                    "room_id = ?6, meeting_url = ?7, seats = ?8, min_seats = ?9, signup_opens_at = ?10, "
                    "signup_closes_at = ?11, cancel_cutoff_at = ?12, cost_per_seat = ?13, note = ?14, "
                    "updated_at = ?15 WHERE id = ?16 RETURNING id"
                  : "INSERT INTO events (activity_id, title, starts_at, ends_at, timezone, room_id, meeting_url, "
                    "seats, min_seats, signup_opens_at, signup_closes_at, cancel_cutoff_at, cost_per_seat, note, "
                    "created_at, updated_at, course_id, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                    "?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16, ?17) RETURNING id");
    if (!st) return model_db_problem(p);
    db_bind_int(st, 1, r->activity_id);
    db_bind_text(st, 2, r->title);
    db_bind_int(st, 3, r->starts_at);
    db_bind_int(st, 4, r->ends_at);
    db_bind_text(st, 5, r->timezone);
    bind_opt(st, 6, r->room_id);
    db_bind_text(st, 7, r->meeting_url);
    db_bind_int(st, 8, r->seats);
    db_bind_int(st, 9, r->min_seats);
    bind_opt(st, 10, r->signup_opens_at);
    bind_opt(st, 11, r->signup_closes_at);
    bind_opt(st, 12, r->cancel_cutoff_at);
    db_bind_double(st, 13, r->cost_per_seat);
    db_bind_text(st, 14, r->note);
    db_bind_int(st, 15, now);
    db_bind_int(st, 16, r->id ? r->id : r->course_id);
    if (!r->id) db_bind_int(st, 17, actor_id);
    if (bulk_step_id(st, &r->id)) return model_db_problem(p);
    if (!r->trainers_given) return LE_OK;
    if (db_run(db, "DELETE FROM event_trainers WHERE event_id = ?1", "i", r->id)) return model_db_problem(p);
    for (int i = 0; i < r->n_trainers; i++)
        if (db_run(db, "INSERT INTO event_trainers (event_id, user_id) VALUES (?1, ?2)", "ii", r->id, r->trainer_ids[i]))
            return model_db_problem(p);
    return LE_OK;
}

/* What the plan clashes with (conflict.c), settled before anything is written: *found gets
 * the conflicts (a new reference) for the override's audit entry. */
static lerr check_conflicts(struct db *db, struct arena *a, const struct event_input *in, struct event_row *r,
                            json_t **found, struct problem *p)
{
    *found = NULL;
    /* A change that moves none of times, room, trainers or seats (a new title, a note) is not
     * held up by a clash an administrator let stand before. */
    if (r->id && !r->parts_given && in->room_id < 0 && !in->trainers && in->seats < 0) return LE_OK;
    if (!r->parts_given && event_parts_load(db, r->id, r->parts, &r->n_parts, p)) return LE_DB;
    struct conflict_subject s = {r->id,     r->parts,   r->n_parts, r->room_id, r->seats,
                                 r->trainers_given ? r->trainer_ids : NULL, r->n_trainers};
    *found = event_conflicts(db, a, &s);
    return planning_conflicts_settle(*found, in->override_reason, in->may_override, in->conflicts_out, p);
}

/* The parts and external trainers, when given, after the row; and an override's audit entry. */
static lerr event_write_extras(struct db *db, struct arena *a, const struct event_input *in, struct event_row *r,
                               json_t *conflicts, int64_t actor_id, struct problem *p)
{
    if (r->parts_given && event_parts_write(db, r->id, r->parts, r->n_parts, p)) return LE_DB;
    if (r->external_trainers && db_run(db, "UPDATE events SET external_trainers = ?2 WHERE id = ?1", "is", r->id,
                                       r->external_trainers))
        return model_db_problem(p);
    return planning_override_audit(db, a, actor_id, r->id, in->override_reason, conflicts, p);
}

lerr event_create(struct db *db, struct arena *a, int64_t course_id, const struct event_input *in, int64_t actor_id,
                  int64_t *id_out, struct problem *p)
{
    struct event_row r = {.course_id = course_id, .meeting_url = "", .note = "", .state = "scheduled", .seats = 0};
    if (in->seats < 0) return problem_set(p, LE_INVALID, "seats", "Give the number of seats, from 1 to 100,000.");
    lerr e = event_apply(db, a, in, &r, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    json_t *conflicts = NULL;
    e = check_conflicts(db, a, in, &r, &conflicts, p);
    if (!e) e = event_write(db, actor_id, &r, p);
    if (!e) e = event_write_extras(db, a, in, &r, conflicts, actor_id, p);
    json_decref(conflicts);
    if (!e)
        e = planning_audit(db, a, actor_id, "event.create", "event", r.id,
                           json_pack("{s:I, s:s}", "course_id", (json_int_t)course_id, "title", r.title), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e) *id_out = r.id;
    return e;
}

/* Whether the update moves the event in people's calendars: another time, zone, room or
 * meeting address, or other dated parts. Before the write, while the old row and parts stand. */
static lerr event_moved(struct db *db, struct arena *a, int64_t id, const struct event_row *r, bool *moved,
                        struct problem *p)
{
    struct event_row before;
    lerr e = event_row_get(db, a, id, &before, p);
    if (!e)
        *moved = before.starts_at != r->starts_at || before.ends_at != r->ends_at || before.room_id != r->room_id ||
                 !str_eq(before.meeting_url, r->meeting_url) || !str_eq(before.timezone, r->timezone);
    if (!e && !*moved && r->parts_given) {
        struct event_part old[EVENT_PARTS_MAX];
        int n_old = 0;
        if (!(e = event_parts_load(db, id, old, &n_old, p)))
            *moved = n_old != r->n_parts || memcmp(old, r->parts, (size_t)n_old * sizeof *old) != 0;
    }
    return e;
}

lerr event_update(struct db *db, struct arena *a, int64_t id, const struct event_input *in, int64_t actor_id,
                  struct problem *p)
{
    struct event_row r;
    lerr e = event_row_get(db, a, id, &r, p);
    if (e) return e;
    if (str_eq(r.state, "cancelled"))
        return problem_set(p, LE_CONFLICT, "id", "This event is cancelled; plan a new one instead.");
    if (db_tx_begin(db)) return model_db_problem(p);
    /* Read again inside the write transaction: seats_taken may have moved since. */
    json_t *conflicts = NULL;
    bool moved = false;
    if (!(e = event_row_get(db, a, id, &r, p)) && !(e = event_apply(db, a, in, &r, p)) &&
        !(e = check_conflicts(db, a, in, &r, &conflicts, p)) && !(e = event_moved(db, a, id, &r, &moved, p)) &&
        !(e = event_write(db, actor_id, &r, p)))
        e = event_write_extras(db, a, in, &r, conflicts, actor_id, p);
    json_decref(conflicts);
    /* A new date or place: a higher SEQUENCE, and the booked are sent the invitation again. */
    if (!e && moved) e = planning_event_changed(db, a, id, p);
    /* More seats: the waitlist moves up, first come first served. */
    for (int64_t promoted = 1; !e && promoted;) e = booking_promote(db, a, id, &promoted, p);
    if (!e) e = planning_audit(db, a, actor_id, "event.update", "event", id, json_pack("{s:s}", "title", r.title), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr event_cancel(struct db *db, struct arena *a, int64_t id, int64_t actor_id, struct problem *p)
{
    struct event_row r;
    lerr e = event_row_get(db, a, id, &r, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    int64_t cancelled = 0;
    if (db_query_int(db, &cancelled,
                     "UPDATE events SET state = 'cancelled', seats_taken = 0, sequence = sequence + 1, updated_at = ?2 WHERE id = ?1 AND "
                     "state = 'scheduled' RETURNING id",
                     "ii", id, time_now()))
        e = problem_set(p, LE_CONFLICT, "id", "This event is cancelled already.");
    /* Everyone booked or waiting is told, then their places end. */
    struct db_stmt *st = e ? NULL
                           : db_query(db,
                                      "SELECT user_id FROM event_bookings WHERE event_id = ?1 AND state NOT IN "
                                      "('cancelled', 'declined') ORDER BY id",
                                      "i", id);
    if (!e && !st) e = model_db_problem(p);
    int64_t *people = NULL;
    size_t n = 0, cap = 0;
    while (st && db_step(st) == DB_ROW) {
        if (n == cap) {
            int64_t *more = arena_alloc(a, (cap = cap ? cap * 2 : 16) * sizeof *more);
            if (n) memcpy(more, people, n * sizeof *more);
            people = more;
        }
        people[n++] = db_col_int(st, 0);
    }
    if (st) db_done(st);
    for (size_t i = 0; !e && i < n; i++) e = planning_tell(db, a, id, people[i], "cancelled", p);
    if (!e && db_run(db, "UPDATE event_bookings SET state = 'cancelled', updated_at = ?2 WHERE event_id = ?1 AND state NOT IN "
                         "('cancelled', 'declined')",
                     "ii", id, time_now()))
        e = model_db_problem(p);
    if (!e)
        e = planning_audit(db, a, actor_id, "event.cancel", "event", id,
                           json_pack("{s:s, s:I}", "title", r.title, "bookings", (json_int_t)n), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr event_ref_get(struct db *db, struct arena *a, int64_t id, struct event_ref *out, struct problem *p)
{
    struct db_stmt *st = db_query(db, "SELECT e.course_id, e.activity_id, c.code FROM events e JOIN courses c ON c.id = "
                                      "e.course_id WHERE e.id = ?1",
                                  "i", id);
    if (!st) return model_db_problem(p);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = (struct event_ref){id, db_col_int(st, 0), db_col_int(st, 1), model_col_str(a, st, 2)};
    db_done(st);
    if (rc == DB_ROW) return LE_OK;
    return rc == DB_DONE ? problem_set(p, LE_NOTFOUND, "id", "There is no event %lld.", (long long)id) : model_db_problem(p);
}

bool event_has_trainer(struct db *db, int64_t event_id, int64_t user_id)
{
    int64_t one;
    return db_query_int(db, &one, "SELECT 1 FROM event_trainers WHERE event_id = ?1 AND user_id = ?2", "ii", event_id,
                        user_id) == LE_OK;
}
