/* Assignments read with their sets, courses and the person's completions in one query, and
 * worked out with the set logic (progress.c): what is open, complete, done and next. */
#include <string.h>
#include "internal.h"

/* The people in viewer ?3's reporting line, direct and indirect. */
#define REPORTING_LINE                                                                                 \
    "WITH RECURSIVE line(id) AS (SELECT id FROM users WHERE manager_id = ?3 UNION SELECT u.id FROM users u " \
    "JOIN line ON u.manager_id = line.id) "
/* Which sets a cycle takes: after the first certification, the renewal path when it has one. */
#define CYCLE_PATH                                                                                                 \
    "CASE WHEN a.cycle > 0 AND EXISTS (SELECT 1 FROM programme_sets r WHERE r.programme_id = a.programme_id AND "   \
    "r.renewal = 1) THEN 1 ELSE 0 END"
/* Completions count in the cycle they were made in: earlier ones are in the history. */
#define ASSIGNMENTS_SELECT                                                                                         \
    "SELECT a.id, a.programme_id, a.user_id, a.assigned_at, COALESCE(a.due_at, 0), COALESCE(a.completed_at, 0), "    \
    "COALESCE(a.ended_at, 0), p.code, p.title, p.status, u.username, u.first_name || ' ' || u.last_name, "           \
    "COALESCE(s.id, 0), COALESCE(s.require_n, 0), COALESCE(s.after_previous, 0), COALESCE(c.id, 0), "               \
    "COALESCE(c.code, ''), COALESCE(c.title, ''), COALESCE(c.status, ''), "                                         \
    "CASE WHEN EXISTS (SELECT 1 FROM enrolments e WHERE e.course_id = c.id AND e.user_id = a.user_id AND "          \
    "e.completed_at >= a.cycle_started_at) THEN 1 ELSE 0 END, "                                                     \
    "CASE WHEN EXISTS (SELECT 1 FROM enrolments e WHERE e.course_id = c.id AND e.user_id = a.user_id AND "          \
    "e.unenrolled_at IS NULL) THEN 1 ELSE 0 END, "                                                                  \
    "COALESCE(p.cert_valid_days, 0), COALESCE(p.cert_valid_until, ''), p.cert_window_days, p.cert_rhythm, "         \
    "COALESCE(a.expires_at, 0), a.cycle, p.remind_expiry "                                                          \
    "FROM programme_assignments a JOIN programmes p ON p.id = a.programme_id JOIN users u ON u.id = a.user_id "     \
    "LEFT JOIN programme_sets s ON s.programme_id = a.programme_id AND s.renewal = " CYCLE_PATH " "                 \
    "LEFT JOIN programme_set_courses sc ON "                                                                        \
    "sc.set_id = s.id LEFT JOIN courses c ON c.id = sc.course_id "                                                  \
    "WHERE (?1 = 0 OR a.programme_id = ?1) AND (?2 = 0 OR a.user_id = ?2) AND (?4 = 0 OR p.status = 'active') "     \
    "AND (?5 = 1 OR a.ended_at IS NULL) "
#define ASSIGNMENTS_ORDER                                                                                          \
    " ORDER BY CASE WHEN a.due_at IS NULL THEN 1 ELSE 0 END, a.due_at, p.code, u.username, a.id, s.position, "     \
    "sc.position"

/* Three statements, so that a person's own plan (the dashboard) never walks the reporting lines
 * and finds their assignments through programme_assignments_by_user: behind the filter's
 * "?2 = 0 OR" the planner cannot use that index, and would read every assignment. */
static const char *const assignments_sql = ASSIGNMENTS_SELECT "AND ?3 = 0" ASSIGNMENTS_ORDER;
static const char *const user_assignments_sql = ASSIGNMENTS_SELECT "AND a.user_id = ?2 AND ?3 = 0" ASSIGNMENTS_ORDER;
static const char *const line_assignments_sql =
    REPORTING_LINE ASSIGNMENTS_SELECT "AND a.user_id IN (SELECT id FROM line)" ASSIGNMENTS_ORDER;

/* Works out a read assignment's sets, progress, next course and state. */
static void assignment_finish(struct assignment_view *v, int64_t now)
{
    for (int c = 0; c < v->n_courses; c++)
        if (v->courses[c].done) v->sets[v->courses[c].set].n_done++;
    v->all_complete = programme_progress(v->sets, v->n_sets);
    bool started = false;
    for (int s = 0; s < v->n_sets; s++) {
        const struct set_progress *sp = &v->sets[s];
        int need = sp->require_n > 0 && sp->require_n < sp->n_courses ? sp->require_n : sp->n_courses;
        v->required += need;
        v->done += sp->n_done < need ? sp->n_done : need;
        started |= sp->n_done > 0;
    }
    for (int c = 0; c < v->n_courses && !v->next && !v->completed_at; c++) {
        const struct assigned_course *ac = &v->courses[c];
        if (!ac->done && !ac->archived && v->sets[ac->set].open && !v->sets[ac->set].complete) v->next = ac;
    }
    v->state = !cert_rule_on(&v->cert) ? assignment_state(v->completed_at, v->due_at, started, now)
               : v->expires_at        ? certification_state(&v->cert, v->expires_at, v->due_at, started, now)
               : v->completed_at      ? STATE_CERTIFIED /* completed before it was a certification */
                                      : assignment_state(0, v->due_at, started, now);
    v->expiring = v->expires_at && v->state != STATE_EXPIRED && v->expires_at - now <= (int64_t)v->expiring_days * 86400;
}

/* Adds the row's course to the view, starting a new set when the row's set is new. */
static void assignment_add_course(struct arena *a, struct assignment_view *v, struct db_stmt *st, int64_t *last_set,
                                  int *cap)
{
    int64_t set_id = db_col_int(st, 12);
    if (!set_id || !db_col_int(st, 15)) return;
    if (set_id != *last_set) {
        if (v->n_sets == PROGRAMME_SETS_MAX) return;
        *last_set = set_id;
        v->sets[v->n_sets++] = (struct set_progress){.require_n = (int)db_col_int(st, 13),
                                                     .after_previous = db_col_int(st, 14) != 0};
    }
    if (v->n_courses == *cap) {
        int grown = *cap ? *cap * 2 : 8;
        struct assigned_course *more = arena_alloc(a, (size_t)grown * sizeof *more);
        if (v->n_courses) memcpy(more, v->courses, (size_t)v->n_courses * sizeof *more);
        v->courses = more;
        *cap = grown;
    }
    v->sets[v->n_sets - 1].n_courses++;
    v->courses[v->n_courses++] = (struct assigned_course){
        .course_id = db_col_int(st, 15), .code = model_col_str(a, st, 16), .title = model_col_str(a, st, 17),
        .archived = str_eq(db_col_text(st, 18), "archived"), .set = v->n_sets - 1, .done = db_col_int(st, 19) != 0,
        .enrolled = db_col_int(st, 20) != 0};
}

static void assignment_start(struct arena *a, struct assignment_view *v, struct db_stmt *st)
{
    *v = (struct assignment_view){
        .id = db_col_int(st, 0), .programme_id = db_col_int(st, 1), .user_id = db_col_int(st, 2),
        .assigned_at = db_col_int(st, 3), .due_at = db_col_int(st, 4), .completed_at = db_col_int(st, 5),
        .ended_at = db_col_int(st, 6), .code = model_col_str(a, st, 7), .title = model_col_str(a, st, 8),
        .status = model_col_str(a, st, 9), .username = model_col_str(a, st, 10), .name = model_col_str(a, st, 11),
        .expires_at = db_col_int(st, 25), .cycle = (int)db_col_int(st, 26)};
    /* Expiring from the programme's first warning: what its people are told, the team plan shows. */
    int days[REMINDER_BEFORE_MAX];
    v->expiring_days = reminder_days_parse(db_col_text(st, 27), days, REMINDER_BEFORE_MAX) > 0 ? days[0] : EXPIRING_DAYS;
    cert_rule_from_columns(&v->cert, db_col_int(st, 21), db_col_text(st, 22), db_col_int(st, 23), db_col_text(st, 24));
}

lerr assignments_read(struct db *db, struct arena *a, const struct assignment_filter *f, struct assignment_view **out,
                      int *n_out)
{
    const char *sql = f->manager_id ? line_assignments_sql : f->user_id ? user_assignments_sql : assignments_sql;
    struct db_stmt *st = db_query(db, sql, "iiiii", f->programme_id, f->user_id, f->manager_id,
                                  (int64_t)f->active_only, (int64_t)f->with_ended);
    struct assignment_view *views = NULL, *v = NULL;
    int n = 0, cap = 0, course_cap = 0, rc;
    int64_t last_set = 0, now = time_now();
    while ((rc = db_step(st)) == DB_ROW) {
        if (!v || v->id != db_col_int(st, 0)) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                struct assignment_view *more = arena_alloc(a, (size_t)cap * sizeof *more);
                if (n) memcpy(more, views, (size_t)n * sizeof *more);
                views = more;
            }
            if (n) assignment_finish(&views[n - 1], now);
            v = &views[n++];
            assignment_start(a, v, st);
            last_set = 0;
            course_cap = 0;
        }
        assignment_add_course(a, v, st, &last_set, &course_cap);
    }
    db_done(st);
    if (rc != DB_DONE) return LE_DB;
    if (n) assignment_finish(&views[n - 1], now);
    *out = views;
    *n_out = n;
    return LE_OK;
}

json_t *assignment_view_json(struct arena *a, const struct assignment_view *v)
{
    json_t *next = v->next ? json_pack("{s:s, s:s}", "code", v->next->code, "title", v->next->title) : json_null();
    const char *due = schedules_date(a, v->due_at);
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:o, s:b, s:o, s:o, s:i, s:i, s:i, s:o}", "code", v->code,
                          "title", v->title, "username", v->username, "name", v->name, "state",
                          assignment_state_name(v->state), "due", due, "due_at", model_json_time(v->due_at), "overdue",
                          v->state == STATE_OVERDUE || v->state == STATE_EXPIRED, "assigned_at",
                          model_json_time(v->assigned_at), "completed_at", model_json_time(v->completed_at), "done",
                          v->done, "required", v->required, "percent", v->required ? v->done * 100 / v->required : 0,
                          "next", next);
    /* A certification's: when it expires, whether that is soon, and which renewal this is. */
    json_object_set_new(j, "certification", json_boolean(cert_rule_on(&v->cert)));
    json_object_set_new(j, "expires_at", model_json_time(v->expires_at));
    if (v->expires_at) json_object_set_new(j, "expires", json_string(schedules_date(a, v->expires_at)));
    json_object_set_new(j, "expiring", json_boolean(v->expiring));
    json_object_set_new(j, "cycle", json_integer(v->cycle));
    return j;
}
