/* What a maintenance window overlaps, so an administrator can move it first: a table of
 * providers, each a query of one kind of dated thing. Another domain's dated things join by a
 * row here (schedules' due dates, later ones' deadlines). */
#include <stdlib.h>
#include "internal.h"

#define OVERLAPS_PER_PROVIDER 50

static void add_item(json_t *out, const char *kind, const char *title, int64_t at, int64_t ends_at, const char *path)
{
    json_t *it = json_object();
    jset_str(it, "kind", kind);
    jset_str(it, "title", title);
    jset(it, "at", model_json_time(at));
    jset(it, "ends_at", model_json_time(ends_at));
    jset_str(it, "path", path);
    jset_int(it, "sort", at);
    json_array_append_new(out, it);
}

static lerr quiz_closes(struct db *db, struct arena *a, int64_t from, int64_t to, json_t *out)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT c.code, a.id, c.title || ': ' || a.title, q.close_at FROM quizzes q JOIN "
                                  "activities a ON a.id = q.activity_id JOIN courses c ON c.id = a.course_id WHERE "
                                  "q.close_at >= ?1 AND q.close_at < ?2 ORDER BY q.close_at LIMIT ?3",
                                  "iii", from, to, (int64_t)OVERLAPS_PER_PROVIDER);
    if (!st) return LE_DB;
    while (db_step(st) == DB_ROW)
        add_item(out, "quiz_close", db_col_text(st, 2), db_col_int(st, 3), 0,
                 arena_sprintf(a, "/courses/%s/activities/%lld", db_col_text(st, 0), (long long)db_col_int(st, 1)));
    db_done(st);
    return LE_OK;
}

/* Enrolments' due dates, one line per course and date. */
static lerr course_due_dates(struct db *db, struct arena *a, int64_t from, int64_t to, json_t *out)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT c.code, c.title, e.due_at, COUNT(*) FROM enrolments e JOIN courses c ON "
                                  "c.id = e.course_id WHERE e.due_at >= ?1 AND e.due_at < ?2 AND e.unenrolled_at IS "
                                  "NULL AND e.completed_at IS NULL GROUP BY c.code, c.title, e.due_at ORDER BY "
                                  "e.due_at LIMIT ?3",
                                  "iii", from, to, (int64_t)OVERLAPS_PER_PROVIDER);
    if (!st) return LE_DB;
    while (db_step(st) == DB_ROW) {
        int64_t n = db_col_int(st, 3);
        add_item(out, "course_due",
                 arena_sprintf(a, "%s (%lld %s)", db_col_text(st, 1), (long long)n, n == 1 ? "person" : "people"),
                 db_col_int(st, 2), 0, arena_sprintf(a, "/courses/%s/manage", db_col_text(st, 0)));
    }
    db_done(st);
    return LE_OK;
}

/* Classroom events whose dated parts meet the window. */
static lerr classroom_events(struct db *db, struct arena *a, int64_t from, int64_t to, json_t *out)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT c.code, e.activity_id, e.id, e.title, MIN(p.starts_at), MAX(p.ends_at) FROM "
                                  "event_parts p JOIN events e ON e.id = p.event_id JOIN courses c ON c.id = "
                                  "e.course_id WHERE p.starts_at < ?2 AND p.ends_at > ?1 AND e.state = 'scheduled' "
                                  "GROUP BY c.code, e.activity_id, e.id, e.title ORDER BY MIN(p.starts_at) LIMIT ?3",
                                  "iii", from, to, (int64_t)OVERLAPS_PER_PROVIDER);
    if (!st) return LE_DB;
    while (db_step(st) == DB_ROW)
        add_item(out, "event", db_col_text(st, 3), db_col_int(st, 4), db_col_int(st, 5),
                 arena_sprintf(a, "/courses/%s/sessions/%lld", db_col_text(st, 0), (long long)db_col_int(st, 1)));
    db_done(st);
    return LE_OK;
}

const struct maintenance_overlap_provider maintenance_overlap_providers[] = {
    {"quiz_close", quiz_closes},
    {"course_due", course_due_dates},
    {"event", classroom_events},
};
const size_t maintenance_n_overlap_providers = sizeof maintenance_overlap_providers / sizeof maintenance_overlap_providers[0];

static int by_time(const void *x, const void *y)
{
    json_int_t a = json_integer_value(json_object_get(*(json_t *const *)x, "sort"));
    json_int_t b = json_integer_value(json_object_get(*(json_t *const *)y, "sort"));
    return (a > b) - (a < b);
}

json_t *maintenance_overlaps_json(struct db *db, struct arena *a, int64_t from, int64_t to)
{
    json_t *all = json_array();
    for (size_t i = 0; i < maintenance_n_overlap_providers; i++)
        maintenance_overlap_providers[i].list(db, a, from, to, all); /* a failed provider lists nothing */
    size_t n = json_array_size(all);
    json_t **items = arena_alloc(a, (n ? n : 1) * sizeof *items);
    for (size_t i = 0; i < n; i++) items[i] = json_incref(json_array_get(all, i));
    qsort(items, n, sizeof *items, by_time);
    json_t *sorted = json_array();
    for (size_t i = 0; i < n; i++) {
        json_object_del(items[i], "sort");
        json_array_append_new(sorted, items[i]);
    }
    json_decref(all);
    return sorted;
}
