/* Attendance by dated part: a class over several days is taken day by day. Once every part of
 * a person's event is marked, the event's own attendance follows from the parts (and with it
 * completion and the no-show report, attendance_set): every part attended is "attended", some
 * "partly", every part excused "excused", anything else "no_show". */
#include <string.h>
#include "internal.h"

static const char *const part_statuses[] = {"attended", "no_show", "excused"};

/* How many dated parts the event has. */
static lerr parts_of(struct db *db, int64_t event_id, int64_t *n, struct problem *p)
{
    return db_query_int(db, n, "SELECT COUNT(*) FROM event_parts WHERE event_id = ?1", "i", event_id)
               ? model_db_problem(p)
               : LE_OK;
}

/* What the parts marked so far make of the event's attendance: NULL while a part is unmarked,
 * or when it is what the event already records (nothing to set off twice). */
static lerr derived_status(struct db *db, struct arena *a, int64_t booking_id, int64_t n_parts, const char **out,
                           struct problem *p)
{
    *out = NULL;
    struct db_stmt *st = db_query(db,
                                  "SELECT COUNT(*), SUM(CASE WHEN pa.status = 'attended' THEN 1 ELSE 0 END), "
                                  "SUM(CASE WHEN pa.status = 'excused' THEN 1 ELSE 0 END), "
                                  "(SELECT COALESCE(attendance, '') FROM event_bookings WHERE id = ?1) "
                                  "FROM event_part_attendance pa WHERE pa.booking_id = ?1",
                                  "i", booking_id);
    if (!st) return model_db_problem(p);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return model_db_problem(p);
    }
    int64_t marked = db_col_int(st, 0), attended = db_col_int(st, 1), excused = db_col_int(st, 2);
    const char *now = model_col_str(a, st, 3);
    db_done(st);
    if (marked < n_parts) return LE_OK;
    const char *status = attended == n_parts ? "attended"
                         : attended > 0      ? "partly"
                         : excused == n_parts ? "excused"
                                              : "no_show";
    if (!str_eq(status, now)) *out = status;
    return LE_OK;
}

static lerr part_check(const char *status, int64_t position, int64_t n_parts, struct problem *p)
{
    bool known = false;
    for (size_t i = 0; i < sizeof part_statuses / sizeof part_statuses[0]; i++) known |= str_eq(status, part_statuses[i]);
    if (!known) return problem_set(p, LE_INVALID, "status", "Give a part's attendance as attended, no_show or excused.");
    if (position < 1 || position > n_parts)
        return problem_set(p, LE_INVALID, "part", "This event has %lld part%s; give a part from 1 to %lld.",
                           (long long)n_parts, n_parts == 1 ? "" : "s", (long long)n_parts);
    return LE_OK;
}

lerr attendance_record_part(struct db *db, struct arena *a, int64_t event_id, const char *username, int64_t position,
                            const char *status, int64_t actor_id, struct problem *p)
{
    int64_t n_parts = 0;
    struct booked_person who;
    lerr e = parts_of(db, event_id, &n_parts, p);
    if (!e) e = part_check(status ? status : "", position, n_parts, p);
    if (!e) e = attendance_find_booked(db, event_id, username, &who, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    if (db_run(db,
               "INSERT INTO event_part_attendance (booking_id, position, status, recorded_by, recorded_at) "
               "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (booking_id, position) DO UPDATE SET status = excluded.status, "
               "recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
               "iisii", who.booking_id, position, status, actor_id, time_now()))
        e = model_db_problem(p);
    const char *event_status = NULL;
    if (!e) e = derived_status(db, a, who.booking_id, n_parts, &event_status, p);
    if (!e && event_status) e = attendance_set(db, a, event_id, &who, event_status, actor_id, p);
    if (!e)
        e = planning_audit(db, a, actor_id, "event.attendance_part", "event", event_id,
                           json_pack("{s:I, s:I, s:s}", "user_id", (json_int_t)who.user_id, "part", (json_int_t)position,
                                     "status", status),
                           p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

/* The event's parts: [{"position", "starts_at", "ends_at"}]. */
static json_t *parts_list(struct db *db, int64_t event_id)
{
    json_t *list = json_array();
    struct db_stmt *st = db_query(db, "SELECT position, starts_at, ends_at FROM event_parts WHERE event_id = ?1 ORDER BY position",
                                  "i", event_id);
    while (st && db_step(st) == DB_ROW)
        json_array_append_new(list, json_pack("{s:I, s:o, s:o}", "position", (json_int_t)db_col_int(st, 0), "starts_at",
                                              model_json_time(db_col_int(st, 1)), "ends_at",
                                              model_json_time(db_col_int(st, 2))));
    if (st) db_done(st);
    return list;
}

/* A person's row: every part, marked or not (null). */
static json_t *person_row(struct db_stmt *st, size_t n_parts)
{
    json_t *parts = json_array();
    for (size_t i = 0; i < n_parts; i++)
        json_array_append_new(parts, json_pack("{s:I, s:n}", "position", (json_int_t)(i + 1), "status"));
    return json_pack("{s:s, s:s, s:s, s:s?, s:o}", "username", db_col_text(st, 0), "first_name", db_col_text(st, 1),
                     "last_name", db_col_text(st, 2), "attendance", db_col_is_null(st, 3) ? NULL : db_col_text(st, 3),
                     "parts", parts);
}

json_t *attendance_parts_json(struct db *db, int64_t event_id)
{
    json_t *parts = parts_list(db, event_id), *people = json_array(), *last = NULL;
    size_t n_parts = json_array_size(parts);
    struct db_stmt *st = db_query(db,
                                  "SELECT u.username, u.first_name, u.last_name, b.attendance, pa.position, pa.status "
                                  "FROM event_bookings b JOIN users u ON u.id = b.user_id LEFT JOIN event_part_attendance "
                                  "pa ON pa.booking_id = b.id WHERE b.event_id = ?1 AND b.state = 'booked' "
                                  "ORDER BY u.last_name, u.first_name, u.username, pa.position",
                                  "i", event_id);
    while (st && db_step(st) == DB_ROW) {
        if (!last || !str_eq(json_string_value(json_object_get(last, "username")), db_col_text(st, 0))) {
            last = person_row(st, n_parts);
            json_array_append_new(people, last);
        }
        int64_t position = db_col_is_null(st, 4) ? 0 : db_col_int(st, 4);
        if (position >= 1 && (size_t)position <= n_parts)
            json_object_set_new(json_array_get(json_object_get(last, "parts"), (size_t)position - 1), "status",
                                json_string(db_col_text(st, 5)));
    }
    if (st) db_done(st);
    if (!json_array_size(parts))  /* an event written without parts: its span */
        json_array_append_new(parts, json_pack("{s:I, s:n, s:n}", "position", (json_int_t)1, "starts_at", "ends_at"));
    return json_pack("{s:o, s:o}", "parts", parts, "people", people);
}
