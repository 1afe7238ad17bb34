/* Conflicts: what an event's plan, or a person's booking, clashes with. Every check compares
 * the event's dated parts with the other events' parts (an event written without parts counts
 * its span as one), so a two-day class in a room clashes only with what uses the room on those
 * days. Parts that only touch (one ends at 12:00, the next starts at 12:00) do not clash. Only
 * scheduled events count; cancelled ones free their room and people. */
#include <stdio.h>
#include "internal.h"

/* The other event's part as the columns every check selects first: id, title, course code and
 * title, part start and end. */
#define OTHER_COLUMNS                                                                                                \
    "SELECT e.id, e.title, c.code, c.title, COALESCE(p.starts_at, e.starts_at), COALESCE(p.ends_at, e.ends_at), "
#define OTHER_JOINS "JOIN courses c ON c.id = e.course_id LEFT JOIN event_parts p ON p.event_id = e.id "
#define OTHER_OVERLAPS                                                                                               \
    "e.state = 'scheduled' AND e.id <> ?2 AND COALESCE(p.starts_at, e.starts_at) < ?4 AND "                        \
    "COALESCE(p.ends_at, e.ends_at) > ?3 "

/* One clash from a row of OTHER_COLUMNS and the part it overlaps: the overlap's times. */
static json_t *clash_json(struct db_stmt *st, const char *kind, const struct event_part *part)
{
    int64_t from = db_col_int(st, 4), to = db_col_int(st, 5);
    if (from < part->starts_at) from = part->starts_at;
    if (to > part->ends_at) to = part->ends_at;
    return json_pack("{s:s, s:{s:s, s:s}, s:{s:I, s:s}, s:o, s:o}", "kind", kind, "course", "code", db_col_text(st, 2),
                     "title", db_col_text(st, 3), "event", "id", (json_int_t)db_col_int(st, 0), "title",
                     db_col_text(st, 1), "starts_at", model_json_time(from), "ends_at", model_json_time(to));
}

/* Runs sql (OTHER_COLUMNS, then column 6 a name) for each part and appends what it finds,
 * the name under name_key. */
static void add_clashes(struct db *db, json_t *list, const char *sql, const char *kind, const char *name_key,
                        int64_t key, int64_t event_id, const struct event_part *parts, int n)
{
    for (int i = 0; i < n; i++) {
        struct db_stmt *st = db_query(db, sql, "iiii", key, event_id, parts[i].starts_at, parts[i].ends_at);
        if (!st) continue;
        while (db_step(st) == DB_ROW) {
            json_t *c = clash_json(st, kind, &parts[i]);
            if (str_eq(name_key, "room"))
                json_object_set_new(c, "room", json_pack("{s:I, s:s}", "id", (json_int_t)key, "name", db_col_text(st, 6)));
            else
                json_object_set_new(c, name_key, json_string(db_col_text(st, 6)));
            json_array_append_new(list, c);
        }
        db_done(st);
    }
}

static const char *const sql_room =
    OTHER_COLUMNS "r.name FROM events e JOIN rooms r ON r.id = e.room_id " OTHER_JOINS
                  "WHERE e.room_id = ?1 AND " OTHER_OVERLAPS "ORDER BY 5, e.id";
static const char *const sql_teaching =
    OTHER_COLUMNS "u.username FROM event_trainers t JOIN events e ON e.id = t.event_id JOIN users u ON u.id = "
                  "t.user_id " OTHER_JOINS "WHERE t.user_id = ?1 AND " OTHER_OVERLAPS "ORDER BY 5, e.id";
static const char *const sql_booked =
    OTHER_COLUMNS "u.username FROM event_bookings b JOIN events e ON e.id = b.event_id JOIN users u ON u.id = "
                  "b.user_id " OTHER_JOINS "WHERE b.user_id = ?1 AND b.state IN ('booked', 'waitlisted') AND "
                  OTHER_OVERLAPS "ORDER BY 5, e.id";

static void add_capacity(struct db *db, json_t *list, int64_t room_id, int64_t seats)
{
    struct db_stmt *st = db_query(db, "SELECT name, capacity FROM rooms WHERE id = ?1", "i", room_id);
    if (!st) return;
    /* A capacity of 0 is a room whose size nobody gave (a virtual room): nothing to compare. */
    if (db_step(st) == DB_ROW && db_col_int(st, 1) > 0 && db_col_int(st, 1) < seats)
        json_array_append_new(list, json_pack("{s:s, s:{s:I, s:s}, s:I, s:I}", "kind", "capacity", "room", "id",
                                              (json_int_t)room_id, "name", db_col_text(st, 0), "capacity",
                                              (json_int_t)db_col_int(st, 1), "seats", (json_int_t)seats));
    db_done(st);
}

/* The event's trainers as stored, when the plan does not name them. */
static int stored_trainers(struct db *db, struct arena *a, int64_t event_id, const int64_t **ids_out)
{
    int64_t *ids = arena_alloc(a, EVENT_TRAINERS_MAX * sizeof *ids);
    int n = 0;
    struct db_stmt *st = db_query(db, "SELECT user_id FROM event_trainers WHERE event_id = ?1", "i", event_id);
    while (st && n < EVENT_TRAINERS_MAX && db_step(st) == DB_ROW) ids[n++] = db_col_int(st, 0);
    if (st) db_done(st);
    *ids_out = ids;
    return n;
}

json_t *event_conflicts(struct db *db, struct arena *a, const struct conflict_subject *s)
{
    json_t *list = json_array();
    if (s->room_id > 0) {
        add_clashes(db, list, sql_room, "room", "room", s->room_id, s->event_id, s->parts, s->n_parts);
        add_capacity(db, list, s->room_id, s->seats);
    }
    const int64_t *trainers = s->trainer_ids;
    int n_trainers = s->n_trainers;
    if (!trainers && s->event_id) n_trainers = stored_trainers(db, a, s->event_id, &trainers);
    for (int i = 0; i < n_trainers; i++) {
        add_clashes(db, list, sql_teaching, "trainer_teaching", "trainer", trainers[i], s->event_id, s->parts,
                    s->n_parts);
        add_clashes(db, list, sql_booked, "trainer_booked", "trainer", trainers[i], s->event_id, s->parts, s->n_parts);
    }
    return list;
}

json_t *booking_clashes(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, struct problem *p)
{
    struct event_part *parts = arena_alloc(a, EVENT_PARTS_MAX * sizeof *parts);
    int n = 0;
    if (event_parts_load(db, event_id, parts, &n, p)) return NULL;
    json_t *list = json_array();
    add_clashes(db, list, sql_booked, "booking", "username", user_id, event_id, parts, n);
    return list;
}

lerr planning_conflicts_settle(json_t *conflicts, const char *reason, bool may_override, json_t **out,
                               struct problem *p)
{
    if (out) *out = json_incref(conflicts);
    size_t n = json_array_size(conflicts);
    if (!n) return LE_OK;
    lerr e = LE_OK;
    if (!reason || !*reason)
        e = problem_set(p, LE_CONFLICT, "override_reason",
                        n == 1 ? "This clashes with another plan (listed); change it, or give a reason to override."
                               : "This clashes with %zu other plans (listed); change it, or give a reason to override.",
                        n);
    else if (!may_override)
        e = problem_set(p, LE_FORBIDDEN, "override_reason",
                        "Only an administrator can override a clash; change the plan so that nothing clashes.");
    if (e) snprintf(p->reason, sizeof p->reason, "conflicts");
    return e;
}

lerr planning_override_audit(struct db *db, struct arena *a, int64_t actor_id, int64_t event_id, const char *reason,
                             json_t *conflicts, struct problem *p)
{
    if (!json_array_size(conflicts)) return LE_OK;
    return planning_audit(db, a, actor_id, "conflict.override", "event", event_id,
                          json_pack("{s:s, s:O}", "reason", reason, "conflicts", conflicts), p);
}
