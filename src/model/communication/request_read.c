/* Reading requests: one (for its requester and the administrators), the administrators' queue
 * soonest needed first, a requester's own list, and the overdue count the dashboard flags. Each
 * is one query. */
#include <string.h>
#include "request_internal.h"

#define DAY 86400
#define REQUEST_COLS                                                                                              \
    "r.id, r.kind, r.state, r.needed_by, r.title, r.course_kind, COALESCE(c.code, ''), COALESCE(c.title, ''), "   \
    "r.usernames, r.due_date, r.wanted_dates, r.seats, r.notes, r.reason, u.username, u.first_name, u.last_name, " \
    "COALESCE(h.username, ''), r.created_at, r.updated_at, r.requester_id "
#define REQUEST_FROM                                                                                             \
    " FROM admin_requests r JOIN users u ON u.id = r.requester_id LEFT JOIN courses c ON c.id = r.course_id " \
    "LEFT JOIN users h ON h.id = r.handled_by "

static bool state_open(const char *s)
{
    return str_eq(s, "new") || str_eq(s, "in_progress");
}

/* One row of REQUEST_COLS as JSON; overdue when still open after its day has ended. */
static json_t *request_row_json(struct arena *a, struct db_stmt *st, int64_t now)
{
    const char *state = model_col_str(a, st, 2);
    int64_t needed_by = db_col_int(st, 3);
    char day[21];
    time_iso8601(needed_by, day);
    day[10] = '\0';
    int n_people = 0;
    const char *names = model_col_str(a, st, 8);
    if (*names) n_people = 1;
    for (const char *s = names; *s; s++) n_people += *s == '\n';
    json_t *course = *model_col_str(a, st, 6) ? json_pack("{s:s, s:s}", "code", model_col_str(a, st, 6), "title",
                                                          model_col_str(a, st, 7))
                                              : json_null();
    return json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:s, s:o, s:s, s:i, s:s, s:s, s:I, s:s, s:s, s:{s:s, s:s}, "
                     "s:s, s:o, s:o}",
                     "id", (json_int_t)db_col_int(st, 0), "kind", model_col_str(a, st, 1), "state", state,
                     "needed_by", day, "overdue", state_open(state) && needed_by + DAY <= now, "title",
                     model_col_str(a, st, 4), "course_kind", model_col_str(a, st, 5), "course", course, "usernames",
                     names, "n_people", n_people, "due_date", model_col_str(a, st, 9), "wanted_dates",
                     model_col_str(a, st, 10), "seats", (json_int_t)db_col_int(st, 11), "notes",
                     model_col_str(a, st, 12), "reason", model_col_str(a, st, 13), "requester", "username",
                     model_col_str(a, st, 14), "name",
                     arena_sprintf(a, "%s %s", model_col_str(a, st, 15), model_col_str(a, st, 16)), "handled_by",
                     model_col_str(a, st, 17), "created_at", model_json_time(db_col_int(st, 18)), "updated_at",
                     model_json_time(db_col_int(st, 19)));
}

static json_t *rows_json(struct arena *a, struct db_stmt *st)
{
    json_t *list = json_array();
    if (!st) return list;
    int64_t now = time_now();
    while (db_step(st) == DB_ROW) json_array_append_new(list, request_row_json(a, st, now));
    db_done(st);
    return list;
}

lerr admin_request_json(struct db *db, struct arena *a, int64_t id, int64_t viewer_id, unsigned viewer_roles,
                        json_t **out, struct problem *p)
{
    *out = NULL;
    /* A class request's course's first classroom session: where its new-event form lives. */
    struct db_stmt *st = db_query(db,
                                  "SELECT " REQUEST_COLS ", (SELECT MIN(x.id) FROM activities x WHERE x.course_id = "
                                  "r.course_id AND x.kind = 'session' AND x.deleted_at IS NULL)" REQUEST_FROM
                                  "WHERE r.id = ?1",
                                  "i", id);
    if (!st) return model_db_problem(p);
    if (db_step(st) == DB_ROW && ((viewer_roles & ROLE_ADMIN) || db_col_int(st, 20) == viewer_id)) {
        *out = request_row_json(a, st, time_now());
        json_object_set_new(*out, "session_id",
                            db_col_is_null(st, 21) ? json_null() : json_integer(db_col_int(st, 21)));
    }
    db_done(st);
    return *out ? LE_OK : problem_set(p, LE_NOTFOUND, "id", "There is no such request.");
}

json_t *admin_requests_queue(struct db *db, struct arena *a, const char *state, int limit)
{
    /* Each filter is its own fixed statement, so each is prepared once and keeps its plan. */
    static const struct {
        const char *name, *where;
    } filters[] = {
        {"open", "WHERE r.state IN ('new', 'in_progress') "},
        {"done", "WHERE r.state = 'done' "},
        {"declined", "WHERE r.state = 'declined' "},
        {"all", ""},
    };
    const char *where = filters[0].where;
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
        if (str_eq(state, filters[i].name)) where = filters[i].where;
    const char *sql = arena_sprintf(a, "SELECT " REQUEST_COLS REQUEST_FROM "%sORDER BY r.needed_by, r.id LIMIT ?1",
                                    where);
    return rows_json(a, db_query(db, sql, "i", (int64_t)limit));
}

json_t *admin_requests_mine(struct db *db, struct arena *a, int64_t user_id, int limit)
{
    return rows_json(a, db_query(db,
                                 "SELECT " REQUEST_COLS REQUEST_FROM
                                 "WHERE r.requester_id = ?1 ORDER BY r.created_at DESC, r.id DESC LIMIT ?2",
                                 "ii", user_id, (int64_t)limit));
}

lerr admin_requests_overdue_count(struct db *db, int64_t now, int64_t *n_out)
{
    *n_out = 0;
    return db_query_int(db, n_out,
                        "SELECT COUNT(*) FROM admin_requests WHERE state IN ('new', 'in_progress') AND needed_by <= ?1",
                        "i", now - DAY) == LE_DB
               ? LE_DB
               : LE_OK;
}

json_t *request_course_choices(struct db *db, struct arena *a, int64_t user_id)
{
    json_t *list = json_array();
    struct db_stmt *st = db_query(db,
                                  "SELECT c.code, c.title FROM courses c WHERE c.status = 'published' OR (c.status <> "
                                  "'archived' AND EXISTS (SELECT 1 FROM enrolments e WHERE e.course_id = c.id AND "
                                  "e.user_id = ?1 AND e.unenrolled_at IS NULL)) ORDER BY c.title, c.code LIMIT ?2",
                                  "ii", user_id, (int64_t)REQUEST_COURSE_CHOICES);
    if (!st) return list;
    while (db_step(st) == DB_ROW)
        json_array_append_new(list, json_pack("{s:s, s:s}", "code", model_col_str(a, st, 0), "title",
                                              model_col_str(a, st, 1)));
    db_done(st);
    return list;
}
