/* Booking many people at once: by usernames, a department (with everything below it) or a job
 * role. Everyone is booked in one transaction, in the order listed, through booking_create_with
 * (each person in a savepoint of their own), so seats are never oversold and those beyond the
 * seats go to the waitlist in that order. A dry run does exactly the same and rolls it all
 * back, so the preview is what the commit will do, as long as nobody books in between. */
#include <string.h>
#include "internal.h"

struct person {
    int64_t id; /* 0 = no such account */
    const char *username, *name;
};

struct people {
    struct person *items;
    int n;
};

static lerr people_add(struct arena *a, struct people *list, int64_t id, const char *username, const char *name,
                       struct problem *p)
{
    if (list->n == BULK_BOOKING_MAX)
        return problem_set(p, LE_INVALID, "usernames", "Book at most %d people at once.", BULK_BOOKING_MAX);
    if (!list->items) list->items = arena_alloc(a, BULK_BOOKING_MAX * sizeof *list->items);
    for (int i = 0; i < list->n; i++)
        if (id && list->items[i].id == id) return LE_OK;
    list->items[list->n++] = (struct person){id, username, name};
    return LE_OK;
}

static lerr people_named(struct db *db, struct arena *a, const char *usernames, struct people *list, struct problem *p)
{
    char *copy = arena_strdup(a, usernames), *save = NULL;
    for (char *u = strtok_r(copy, ", \t\r\n;", &save); u; u = strtok_r(NULL, ", \t\r\n;", &save)) {
        struct db_stmt *st = db_query(db,
                                      "SELECT id, username, first_name || ' ' || last_name FROM users WHERE username = "
                                      "?1 AND deleted_at IS NULL",
                                      "s", u);
        if (!st) return model_db_problem(p);
        bool found = db_step(st) == DB_ROW;
        lerr e = found ? people_add(a, list, db_col_int(st, 0), model_col_str(a, st, 1), model_col_str(a, st, 2), p)
                       : people_add(a, list, 0, u, "", p);
        db_done(st);
        if (e) return e;
    }
    if (!list->n) return problem_set(p, LE_INVALID, "usernames", "Give at least one username.");
    return LE_OK;
}

#define PEOPLE_COLUMNS "SELECT u.id, u.username, u.first_name || ' ' || u.last_name FROM users u WHERE "
#define PEOPLE_ACTIVE " AND u.status = 'active' AND u.deleted_at IS NULL ORDER BY u.last_name, u.first_name, u.username"

/* Active people of a department and every department below it, or holding a job role. */
static lerr people_of(struct db *db, struct arena *a, const struct bulk_booking_input *in, struct people *list,
                      struct problem *p)
{
    bool by_department = in->department_id > 0;
    int64_t key = by_department ? in->department_id : in->job_role_id, found;
    if (db_query_int(db, &found, by_department ? "SELECT id FROM departments WHERE id = ?1" : "SELECT id FROM job_roles WHERE id = ?1", "i", key))
        return by_department ? problem_set(p, LE_NOTFOUND, "department", "There is no such department; choose one from the list.")
                             : problem_set(p, LE_NOTFOUND, "job_role", "There is no such job role; choose one from the list.");
    struct db_stmt *st = db_query(db, by_department ? "WITH RECURSIVE sub(id) AS (SELECT CAST(?1 AS BIGINT) UNION ALL SELECT d.id FROM "
                                                      "departments d JOIN sub ON d.parent_id = sub.id) " PEOPLE_COLUMNS
                                                      "u.department_id IN (SELECT id FROM sub)" PEOPLE_ACTIVE
                                                    : PEOPLE_COLUMNS "u.job_role_id = ?1" PEOPLE_ACTIVE,
                                  "i", key);
    if (!st) return model_db_problem(p);
    lerr e = LE_OK;
    while (!e && db_step(st) == DB_ROW)
        e = people_add(a, list, db_col_int(st, 0), model_col_str(a, st, 1), model_col_str(a, st, 2), p);
    db_done(st);
    if (!e && !list->n)
        e = problem_set(p, LE_INVALID, by_department ? "department" : "job_role", "Nobody active holds it; choose another.");
    return e;
}

/* What stands in the way before a booking is tried: no account, not a learner of the course,
 * or a place held already. NULL when nothing does. */
static const char *outcome_before(struct db *db, struct arena *a, int64_t event_id, const struct person *who)
{
    if (!who->id) return "no_account";
    struct db_stmt *st = db_query(db,
                                  "SELECT (SELECT n.role FROM enrolments n WHERE n.course_id = e.course_id AND n.user_id = "
                                  "?2 AND n.unenrolled_at IS NULL), (SELECT b.state FROM event_bookings b WHERE "
                                  "b.event_id = e.id AND b.user_id = ?2 AND b.state <> 'cancelled') FROM events e WHERE "
                                  "e.id = ?1",
                                  "ii", event_id, who->id);
    if (!st || db_step(st) != DB_ROW) {
        if (st) db_done(st);
        return NULL; /* booking_create_with says what is wrong with the event */
    }
    const char *role = model_col_str(a, st, 0), *held = model_col_str(a, st, 1);
    db_done(st);
    if (!str_eq(role, "learner")) return "not_enrolled";
    if (str_eq(held, "booked")) return "already_booked";
    if (str_eq(held, "waitlisted")) return "already_waitlisted";
    return NULL;
}

static json_t *book_one(struct db *db, struct arena *a, int64_t event_id, const struct bulk_booking_input *in,
                        const struct person *who, int64_t actor_id)
{
    json_t *r = json_pack("{s:s, s:s}", "username", who->username, "name", who->name);
    const char *outcome = outcome_before(db, a, event_id, who);
    if (outcome) {
        json_object_set_new(r, "outcome", json_string(outcome));
        return r;
    }
    struct problem p = {0};
    json_t *conflicts = NULL;
    struct booking_options o = {in->override_reason, in->may_override, &conflicts};
    const char *state = NULL;
    lerr e = booking_create_with(db, a, event_id, who->id, actor_id, &o, &state, &p);
    bool clash = e && str_eq(p.reason, "conflicts");
    json_object_set_new(r, "outcome", json_string(!e ? state : clash ? "conflict" : "refused"));
    if (e) json_object_set_new(r, "message", json_string(p.message));
    json_object_set_new(r, "conflicts", json_array_size(conflicts) ? json_incref(conflicts) : json_array());
    json_decref(conflicts);
    return r;
}

lerr booking_bulk(struct db *db, struct arena *a, int64_t event_id, const struct bulk_booking_input *in,
                  int64_t actor_id, json_t **results_out, struct problem *p)
{
    struct people list = {0};
    lerr e = in->usernames && *in->usernames ? people_named(db, a, in->usernames, &list, p)
             : in->department_id > 0 || in->job_role_id > 0
                 ? people_of(db, a, in, &list, p)
                 : problem_set(p, LE_INVALID, "usernames", "Give usernames, or choose a department or a job role.");
    if (e) return e;
    struct event_ref ref;
    if ((e = event_ref_get(db, a, event_id, &ref, p))) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    json_t *results = json_array();
    for (int i = 0; i < list.n; i++) json_array_append_new(results, book_one(db, a, event_id, in, &list.items[i], actor_id));
    if (!in->dry_run)
        e = planning_audit(db, a, actor_id, "booking.bulk", "event", event_id,
                           json_pack("{s:i}", "people", list.n), p);
    /* A dry run ends by rolling everything back: the answer is what a commit would do. */
    lerr end = db_tx_end(db, in->dry_run ? LE_CONFLICT : e);
    if (!in->dry_run && end && !e) e = model_db_problem(p);
    if (e) {
        json_decref(results);
        return e;
    }
    *results_out = results;
    return LE_OK;
}
