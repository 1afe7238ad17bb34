/* Events as JSON for the API and the session page: a course's events in one query (the events
 * with their rooms, counts, trainers and dated parts, a row per event, trainer and part),
 * however many. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define EVENT_SELECT                                                                                                   \
    "SELECT e.id, c.code, e.activity_id, e.title, e.starts_at, e.ends_at, e.timezone, e.meeting_url, e.seats, "     \
    "e.min_seats, e.seats_taken, e.signup_opens_at, e.signup_closes_at, e.cancel_cutoff_at, e.cost_per_seat, "      \
    "e.note, e.state, r.id, r.name, r.site, r.address, r.capacity, r.meeting_url, "                                  \
    "(SELECT COUNT(*) FROM event_bookings w WHERE w.event_id = e.id AND w.state = 'waitlisted'), "                 \
    "(SELECT b.state FROM event_bookings b WHERE b.event_id = e.id AND b.user_id = ?1 AND b.state NOT IN ('cancelled', 'declined')), " \
    "e.external_trainers, tu.username, pt.position, pt.starts_at, pt.ends_at, r.dial_in "                                     \
    "FROM events e JOIN courses c ON c.id = e.course_id LEFT JOIN rooms r ON r.id = e.room_id "                     \
    "LEFT JOIN event_trainers t ON t.event_id = e.id LEFT JOIN users tu ON tu.id = t.user_id "                      \
    "LEFT JOIN event_parts pt ON pt.event_id = e.id "
/* Columns after EVENT_SELECT's event columns. */
enum { COL_EXTERNAL = 25, COL_TRAINER, COL_PART_POSITION, COL_PART_START, COL_PART_END, COL_ROOM_DIAL_IN };
#define EVENT_ROW_ORDER "tu.username, pt.position"

static json_t *opt_time(struct db_stmt *st, int col)
{
    return db_col_is_null(st, col) ? json_null() : model_json_time(db_col_int(st, col));
}

static json_t *event_row_json(struct db_stmt *st, int64_t now)
{
    int64_t seats = db_col_int(st, 8), taken = db_col_int(st, 10), starts = db_col_int(st, 4);
    json_t *room = json_null();
    if (!db_col_is_null(st, 17))
        room = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "id", (json_int_t)db_col_int(st, 17), "name",
                         db_col_text(st, 18), "site", db_col_text(st, 19), "address", db_col_text(st, 20), "capacity",
                         (json_int_t)db_col_int(st, 21), "meeting_url", db_col_text(st, 22), "dial_in",
                         db_col_text(st, COL_ROOM_DIAL_IN));
    const char *state = db_col_text(st, 16);
    bool scheduled = str_eq(state, "scheduled");
    bool opened = db_col_is_null(st, 11) || db_col_int(st, 11) <= now;
    bool closed = (!db_col_is_null(st, 12) && db_col_int(st, 12) <= now) || starts <= now;
    json_t *j = json_pack("{s:I, s:s, s:I, s:s, s:o, s:o, s:s, s:o, s:s, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, "
                          "s:f, s:s, s:s, s:b, s:s?}",
                          "id", (json_int_t)db_col_int(st, 0), "course", db_col_text(st, 1), "activity_id",
                          (json_int_t)db_col_int(st, 2), "title", db_col_text(st, 3), "starts_at",
                          model_json_time(starts), "ends_at", model_json_time(db_col_int(st, 5)), "timezone",
                          db_col_text(st, 6), "room", room, "meeting_url", db_col_text(st, 7), "seats",
                          (json_int_t)seats, "min_seats", (json_int_t)db_col_int(st, 9), "booked", (json_int_t)taken,
                          "free", (json_int_t)(seats > taken ? seats - taken : 0), "waitlisted",
                          (json_int_t)db_col_int(st, 23), "signup_opens", opt_time(st, 11), "signup_closes",
                          opt_time(st, 12), "cancel_cutoff", opt_time(st, 13), "cost_per_seat",
                          db_col_double(st, 14), "note", db_col_text(st, 15), "state", state, "signup_open",
                          scheduled && opened && !closed, "my_booking", db_col_text(st, 24));
    if (!json_object_get(j, "my_booking")) json_object_set_new(j, "my_booking", json_null());
    json_object_set_new(j, "trainers", json_array());
    json_object_set_new(j, "parts", json_array());
    json_t *external = json_array();
    char *names = strdup(db_col_text(st, COL_EXTERNAL)), *save = NULL;
    for (char *n = names ? strtok_r(names, "\n", &save) : NULL; n; n = strtok_r(NULL, "\n", &save))
        json_array_append_new(external, json_string(n));
    free(names);
    json_object_set_new(j, "external_trainers", external);
    return j;
}

/* One row's trainer and part into its event. The rows are every trainer times every part, by
 * trainer and then part: a trainer is taken from their first part's row, and the parts from the
 * first trainer's rows (or the one row of an event without trainers). An event stored without
 * parts has its span as its one part. */
static void add_row(struct db_stmt *st, json_t *event)
{
    bool no_part = db_col_is_null(st, COL_PART_POSITION);
    const char *trainer = db_col_is_null(st, COL_TRAINER) ? "" : db_col_text(st, COL_TRAINER);
    json_t *trainers = json_object_get(event, "trainers"), *parts = json_object_get(event, "parts");
    if (*trainer && (no_part || db_col_int(st, COL_PART_POSITION) == 1))
        json_array_append_new(trainers, json_string(trainer));
    const char *first = json_string_value(json_array_get(trainers, 0));
    if ((*trainer && !str_eq(trainer, first)) || (no_part && json_array_size(parts))) return;
    json_array_append_new(parts, no_part ? json_pack("{s:O, s:O}", "starts_at", json_object_get(event, "starts_at"),
                                                     "ends_at", json_object_get(event, "ends_at"))
                                         : json_pack("{s:o, s:o}", "starts_at",
                                                     model_json_time(db_col_int(st, COL_PART_START)), "ends_at",
                                                     model_json_time(db_col_int(st, COL_PART_END))));
}

/* EVENT_SELECT's rows, grouped by event (ordered by EVENT_ROW_ORDER within it), as a list of
 * events. */
static json_t *events_from_rows(struct db_stmt *st)
{
    json_t *list = json_array(), *last = NULL;
    int64_t now = time_now(), last_id = 0;
    while (db_step(st) == DB_ROW) {
        if (!last || db_col_int(st, 0) != last_id) {
            last_id = db_col_int(st, 0);
            last = event_row_json(st, now);
            json_array_append_new(list, last);
        }
        add_row(st, last);
    }
    db_done(st);
    return list;
}

json_t *event_json(struct db *db, struct arena *a, int64_t id, int64_t viewer_id, struct problem *p)
{
    (void)a;
    struct db_stmt *st = db_query(db, EVENT_SELECT "WHERE e.id = ?2 ORDER BY " EVENT_ROW_ORDER, "ii", viewer_id, id);
    if (!st) {
        model_db_problem(p);
        return NULL;
    }
    json_t *list = events_from_rows(st);
    if (!json_array_size(list)) {
        json_decref(list);
        problem_set(p, LE_NOTFOUND, "id", "There is no event %lld.", (long long)id);
        return NULL;
    }
    json_t *e = json_incref(json_array_get(list, 0));
    json_decref(list);
    return e;
}

json_t *events_json(struct db *db, struct arena *a, int64_t course_id, int64_t activity_id, int64_t viewer_id)
{
    (void)a;
    struct db_stmt *st = db_query(db, EVENT_SELECT "WHERE e.course_id = ?2 AND (?3 = 0 OR e.activity_id = ?3) "
                                                   "ORDER BY e.starts_at, e.id, " EVENT_ROW_ORDER,
                                  "iii", viewer_id, course_id, activity_id);
    return st ? events_from_rows(st) : json_array();
}
