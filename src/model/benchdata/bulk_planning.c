/* Planning for benchmark data (`lectern bench-data`): the rooms register, a session activity
 * with dated events in every classroom and blended course, their trainers and some bookings,
 * written set by set (INSERT ... SELECT) inside the caller's transaction. */
#include <stdio.h>
#include <time.h>
#include "benchdata.h"
#include "../internal.h"

static const char *const sites[] = {"Head office", "Lisbon", "Chicago", "Leeds"};
#define N_SITES (sizeof sites / sizeof sites[0])

lerr bulk_insert_rooms(struct db *db, int n, int64_t now)
{
    for (int k = 0; k < n; k++) {
        char name[32];
        /* Room numbers repeat across sites, as they do in real registers. */
        snprintf(name, sizeof name, "Room %d", k / (int)N_SITES + 1);
        if (db_run(db,
                   "INSERT INTO rooms (name, site, address, capacity, resources, created_at, updated_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                   "sssisi", name, sites[k % N_SITES], "1 Training Street", (int64_t)(12 + (k % 5) * 6),
                   k % 3 ? "projector, whiteboard" : "projector, accessible", now))
            return LE_DB;
    }
    return LE_OK;
}

/* The session activity, at the end of the course's last section. */
static lerr insert_sessions(struct db *db, int64_t now)
{
    return db_run(db,
                  "INSERT INTO activities (course_id, section_id, kind, title, position, required, allow_mark_done, "
                  "body, url, created_at, updated_at) SELECT c.id, (SELECT MAX(s.id) FROM course_sections s WHERE "
                  "s.course_id = c.id), 'session', 'Classroom session', 100, 0, 0, '', '', ?1, ?1 FROM courses c "
                  "WHERE c.kind IN ('classroom', 'blended') AND EXISTS (SELECT 1 FROM course_sections s WHERE "
                  "s.course_id = c.id)",
                  "i", now);
}

/* Four weekly days of eight hours each, in rooms taken in turn, trained by the course's first
 * instructor; the days of different courses start on different dates. */
static lerr insert_events(struct db *db, int64_t first_start, int64_t now)
{
    int64_t n_rooms = 0, first_room = 0;
    if (db_query_int(db, &n_rooms, "SELECT COUNT(*) FROM rooms", "") ||
        db_query_int(db, &first_room, "SELECT COALESCE(MIN(id), 0) FROM rooms", ""))
        return LE_DB;
    if (!n_rooms) return LE_OK;
    if (db_run(db,
               "INSERT INTO events (course_id, activity_id, title, starts_at, ends_at, timezone, room_id, seats, "
               "min_seats, note, created_at, updated_at) SELECT a.course_id, a.id, 'Day ' || CAST(k.n + 1 AS TEXT), "
               "?1 + (a.id % 60) * 86400 + k.n * 604800, ?1 + (a.id % 60) * 86400 + k.n * 604800 + 28800, "
               "'Europe/London', ?2 + (a.id * 7 + k.n) % ?3, 20, 5, 'Bring your laptop.', ?4, ?4 FROM activities a "
               "CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) k "
               "WHERE a.kind = 'session' AND a.deleted_at IS NULL",
               "iiii", first_start, first_room, n_rooms, now))
        return LE_DB;
    /* Each event one dated part, as the planning pages write them. */
    if (db_run(db, "INSERT INTO event_parts (event_id, position, starts_at, ends_at) SELECT id, 1, starts_at, ends_at "
                   "FROM events",
               ""))
        return LE_DB;
    return db_run(db,
                  "INSERT INTO event_trainers (event_id, user_id) SELECT e.id, MIN(n.user_id) FROM events e JOIN "
                  "enrolments n ON n.course_id = e.course_id AND n.role = 'instructor' AND n.unenrolled_at IS NULL "
                  "GROUP BY e.id",
                  "");
}

/* About one learner in `every` of the course on each event, booked; the seats follow. */
static lerr insert_bookings(struct db *db, int64_t every, int64_t now)
{
    if (db_run(db,
               "INSERT INTO event_bookings (event_id, user_id, state, booked_by, created_at, updated_at) SELECT e.id, "
               "n.user_id, 'booked', 0, ?1, ?1 FROM events e JOIN enrolments n ON n.course_id = e.course_id AND "
               "n.role = 'learner' AND n.unenrolled_at IS NULL WHERE (n.user_id + e.id) % ?2 = 0",
               "ii", now, every) ||
        db_run(db,
               "UPDATE events SET seats_taken = (SELECT COUNT(*) FROM event_bookings b WHERE b.event_id = events.id "
               "AND b.state = 'booked')",
               "") ||
        db_run(db, "UPDATE events SET seats = seats_taken WHERE seats_taken > seats", ""))
        return LE_DB;
    return LE_OK;
}

lerr bulk_plan_sessions(struct db *db, int64_t first_start, int64_t book_every, int64_t now, int64_t *n_events)
{
    lerr e;
    if ((e = insert_sessions(db, now)) || (e = insert_events(db, first_start, now)) ||
        (e = insert_bookings(db, book_every > 0 ? book_every : 1, now)))
        return e;
    return db_query_int(db, n_events, "SELECT COUNT(*) FROM events", "") ? LE_DB : LE_OK;
}

/* A learner's month: n_events one-hour evening classes (17:30 UTC, after the sign-up burst's
 * 09:00 to 17:00 days, so booking those never clashes with these) on days spread over the first
 * four weeks from month_start, every learner of the course booked on each. */
lerr bulk_plan_month(struct db *db, int64_t course_id, int64_t activity_id, int64_t month_start, int n_events,
                     int64_t now)
{
    for (int k = 0; k < n_events; k++) {
        int64_t starts = month_start + (int64_t)(k * 28 / n_events) * 86400 + 17 * 3600 + 1800;
        char title[32];
        snprintf(title, sizeof title, "Evening class %d", k + 1);
        if (db_run(db,
                   "INSERT INTO events (course_id, activity_id, title, starts_at, ends_at, timezone, meeting_url, "
                   "seats, min_seats, note, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'Europe/London', "
                   "'https://meet.example.org/evening-class', 1, 0, '', ?6, ?6)",
                   "iisiii", course_id, activity_id, title, starts, starts + 3600, now))
            return LE_DB;
    }
    if (db_run(db, "INSERT INTO event_parts (event_id, position, starts_at, ends_at) SELECT id, 1, starts_at, ends_at "
                   "FROM events WHERE activity_id = ?1",
               "i", activity_id) ||
        db_run(db,
               "INSERT INTO event_bookings (event_id, user_id, state, booked_by, created_at, updated_at) SELECT e.id, "
               "n.user_id, 'booked', 0, ?2, ?2 FROM events e JOIN enrolments n ON n.course_id = e.course_id AND "
               "n.role = 'learner' AND n.unenrolled_at IS NULL WHERE e.activity_id = ?1",
               "ii", activity_id, now) ||
        db_run(db,
               "UPDATE events SET seats_taken = (SELECT COUNT(*) FROM event_bookings b WHERE b.event_id = events.id "
               "AND b.state = 'booked') WHERE activity_id = ?1",
               "i", activity_id) ||
        db_run(db, "UPDATE events SET seats = seats_taken WHERE activity_id = ?1 AND seats_taken > seats", "i",
               activity_id))
        return LE_DB;
    return LE_OK;
}

/* "TOKEN YYYY-MM-DD": the day of the person's first booking in the course `code` (prefix's
 * month page shows the rest). */
lerr bulk_user_month_lines(struct db *db, int64_t user_id, const char *prefix, const char *code, struct buf *out)
{
    int64_t first = 0;
    if (db_query_int(db, &first,
                     "SELECT MIN(e.starts_at) FROM event_bookings b JOIN events e ON e.id = b.event_id JOIN courses c "
                     "ON c.id = e.course_id WHERE b.user_id = ?1 AND c.code = ?2 AND b.state = 'booked' HAVING "
                     "MIN(e.starts_at) IS NOT NULL",
                     "is", user_id, code))
        return LE_DB;
    time_t t = (time_t)first;
    struct tm tm;
    gmtime_r(&t, &tm);
    buf_addf(out, "%s %04d-%02d-%02d\n", prefix, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return LE_OK;
}

lerr bulk_user_session_lines(struct db *db, int64_t user_id, const char *prefix, struct buf *out)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT c.code, a.id FROM enrolments n JOIN courses c ON c.id = n.course_id JOIN "
                                  "activities a ON a.course_id = c.id AND a.kind = 'session' AND a.deleted_at IS NULL "
                                  "WHERE n.user_id = ?1 AND n.unenrolled_at IS NULL AND n.role = 'learner' AND "
                                  "EXISTS (SELECT 1 FROM events e WHERE e.activity_id = a.id) ORDER BY a.id",
                                  "i", user_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        buf_addf(out, "%s %s/sessions/%lld\n", prefix, db_col_text(st, 0), (long long)db_col_int(st, 1));
    db_done(st);
    return rc == DB_DONE ? LE_OK : LE_DB;
}
