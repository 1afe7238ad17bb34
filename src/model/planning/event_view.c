/* Events as JSON for the API and the session page: a course's events in two queries (the
 * events with their rooms and counts, then every trainer of those events), however many. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define EVENT_SELECT                                                                                                   \
    "SELECT e.id, c.code, e.activity_id, e.title, e.starts_at, e.ends_at, e.timezone, e.meeting_url, e.seats, "     \
    "e.min_seats, e.seats_taken, e.signup_opens_at, e.signup_closes_at, e.cancel_cutoff_at, e.cost_per_seat, "      \
    "e.note, e.state, r.id, r.name, r.site, r.address, r.capacity, r.meeting_url, "                                  \
    "(SELECT COUNT(*) FROM event_bookings w WHERE w.event_id = e.id AND w.state = 'waitlisted'), "                 \
    "(SELECT b.state FROM event_bookings b WHERE b.event_id = e.id AND b.user_id = ?1 AND b.state NOT IN ('cancelled', 'declined')), " \
    "e.external_trainers "                                                                                           \
    "FROM events e JOIN courses c ON c.id = e.course_id LEFT JOIN rooms r ON r.id = e.room_id "

static json_t *opt_time(struct db_stmt *st, int col)
{
    return db_col_is_null(st, col) ? json_null() : model_json_time(db_col_int(st, col));
}

static json_t *event_row_json(struct db_stmt *st, int64_t now)
{
    int64_t seats = db_col_int(st, 8), taken = db_col_int(st, 10), starts = db_col_int(st, 4);
    json_t *room = json_null();
    if (!db_col_is_null(st, 17))
        room = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)db_col_int(st, 17), "name",
                         db_col_text(st, 18), "site", db_col_text(st, 19), "address", db_col_text(st, 20), "capacity",
                         (json_int_t)db_col_int(st, 21), "meeting_url", db_col_text(st, 22));
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
    char *names = strdup(db_col_text(st, 25)), *save = NULL;
    for (char *n = names ? strtok_r(names, "\n", &save) : NULL; n; n = strtok_r(NULL, "\n", &save))
        json_array_append_new(external, json_string(n));
    free(names);
    json_object_set_new(j, "external_trainers", external);
    return j;
}

/* Each event's "trainers" from one query over the events the condition selects. */
static void add_trainers(struct db *db, json_t *events, const char *where, int64_t key)
{
    struct db_stmt *st = db_query(db, where, "i", key);
    if (!st) return;
    while (db_step(st) == DB_ROW) {
        size_t i;
        json_t *e;
        json_array_foreach(events, i, e) if (json_integer_value(json_object_get(e, "id")) == db_col_int(st, 0))
            json_array_append_new(json_object_get(e, "trainers"), json_string(db_col_text(st, 1)));
    }
    db_done(st);
}

/* Each event's "parts" from one query over the events the condition selects; an event stored
 * without parts has its span as its one part. */
static void add_parts(struct db *db, json_t *events, const char *where, int64_t key)
{
    struct db_stmt *st = db_query(db, where, "i", key);
    while (st && db_step(st) == DB_ROW) {
        size_t i;
        json_t *e;
        json_array_foreach(events, i, e) if (json_integer_value(json_object_get(e, "id")) == db_col_int(st, 0))
            json_array_append_new(json_object_get(e, "parts"),
                                  json_pack("{s:o, s:o}", "starts_at", model_json_time(db_col_int(st, 1)), "ends_at",
                                            model_json_time(db_col_int(st, 2))));
    }
    if (st) db_done(st);
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e) if (!json_array_size(json_object_get(e, "parts")))
        json_array_append_new(json_object_get(e, "parts"),
                              json_pack("{s:O, s:O}", "starts_at", json_object_get(e, "starts_at"), "ends_at",
                                        json_object_get(e, "ends_at")));
}

json_t *event_json(struct db *db, struct arena *a, int64_t id, int64_t viewer_id, struct problem *p)
{
    (void)a;
    struct db_stmt *st = db_query(db, EVENT_SELECT "WHERE e.id = ?2", "ii", viewer_id, id);
    if (!st) {
        model_db_problem(p);
        return NULL;
    }
    json_t *list = json_array();
    if (db_step(st) == DB_ROW) json_array_append_new(list, event_row_json(st, time_now()));
    db_done(st);
    if (!json_array_size(list)) {
        json_decref(list);
        problem_set(p, LE_NOTFOUND, "id", "There is no event %lld.", (long long)id);
        return NULL;
    }
    add_trainers(db, list,
                 "SELECT t.event_id, u.username FROM event_trainers t JOIN users u ON u.id = t.user_id WHERE "
                 "t.event_id = ?1 ORDER BY u.username",
                 id);
    add_parts(db, list, "SELECT event_id, starts_at, ends_at FROM event_parts WHERE event_id = ?1 ORDER BY position", id);
    json_t *e = json_incref(json_array_get(list, 0));
    json_decref(list);
    return e;
}

json_t *events_json(struct db *db, struct arena *a, int64_t course_id, int64_t activity_id, int64_t viewer_id)
{
    (void)a;
    json_t *list = json_array();
    struct db_stmt *st = db_query(db, EVENT_SELECT "WHERE e.course_id = ?2 AND (?3 = 0 OR e.activity_id = ?3) "
                                                   "ORDER BY e.starts_at, e.id",
                                  "iii", viewer_id, course_id, activity_id);
    if (!st) return list;
    int64_t now = time_now();
    while (db_step(st) == DB_ROW) json_array_append_new(list, event_row_json(st, now));
    db_done(st);
    add_trainers(db, list,
                 "SELECT t.event_id, u.username FROM event_trainers t JOIN users u ON u.id = t.user_id JOIN events e "
                 "ON e.id = t.event_id WHERE e.course_id = ?1 ORDER BY u.username",
                 course_id);
    add_parts(db, list,
              "SELECT p.event_id, p.starts_at, p.ends_at FROM event_parts p JOIN events e ON e.id = p.event_id WHERE "
              "e.course_id = ?1 ORDER BY p.event_id, p.position",
              course_id);
    return list;
}
