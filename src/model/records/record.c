/* A person's training record: one table of record sources, each a SELECT of the same columns
 * from one domain's tables, read together in one query (UNION ALL), so the page costs one
 * query however much the person has done. A later feature adds its row to the table. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "internal.h"

/* Each source selects, with ?1 the person and ?2 now: title, code, status, percent,
 * started_at, finished_at, due_at, expires_at, score, hours, id, detail. What they hold per
 * section is in docs/records.md. */
static const struct {
    const char *section;
    const char *select;
} sources[] = {
    /* Courses the person is or was enrolled in as a learner. */
    {"courses",
     "c.title, c.code, CASE WHEN e.completed_at IS NOT NULL THEN 'complete' WHEN e.unenrolled_at IS NOT NULL THEN "
     "'withdrawn' WHEN e.due_at IS NOT NULL AND e.due_at < ?2 THEN 'overdue' WHEN e.last_access_at IS NOT NULL "
     "THEN 'in_progress' ELSE 'not_started' END, CAST(CASE WHEN e.completed_at IS NOT NULL THEN 100 ELSE (SELECT "
     "CASE WHEN COUNT(*) = 0 THEN 0 ELSE 100 * SUM(CASE WHEN g.user_id IS NULL THEN 0 ELSE 1 END) / COUNT(*) END "
     "FROM activities x LEFT JOIN activity_progress g ON g.activity_id = x.id AND g.user_id = ?1 WHERE "
     "x.course_id = c.id AND x.required = 1 AND x.deleted_at IS NULL) END AS BIGINT), e.enrolled_at, "
     "e.completed_at, e.due_at, NULL, NULL, CAST(CASE WHEN e.completed_at IS NOT NULL AND c.duration_minutes > 0 "
     "THEN c.duration_minutes / 60.0 END AS REAL), e.id, c.kind FROM enrolments e JOIN courses c ON c.id = "
     "e.course_id WHERE e.user_id = ?1 AND e.role = 'learner'"},
    /* Quizzes with a submitted attempt: the best score, the attempts in detail. */
    {"quizzes",
     "x.title, c.code, CASE WHEN MAX(a.needs_grading) > 0 THEN 'grading' WHEN MAX(a.percent) >= MAX(q.pass_percent) "
     "THEN 'passed' ELSE 'failed' END, NULL, MIN(a.started_at), MAX(a.submitted_at), NULL, NULL, "
     "CAST(MAX(a.percent) AS REAL), NULL, x.id, CAST(COUNT(*) AS TEXT) FROM quiz_attempts a JOIN quizzes q ON "
     "q.activity_id = a.quiz_id JOIN activities x ON x.id = a.quiz_id JOIN courses c ON c.id = x.course_id WHERE "
     "a.user_id = ?1 AND a.state = 'submitted' GROUP BY x.id, x.title, c.code"},
    /* Classroom and virtual events booked: attendance once marked; hours of the parts attended. */
    {"classroom",
     "ev.title, c.code, CASE WHEN ev.state = 'cancelled' THEN 'cancelled' ELSE COALESCE(b.attendance, b.state) END, "
     "NULL, ev.starts_at, ev.ends_at, NULL, NULL, NULL, CAST(CASE WHEN b.attendance = 'attended' THEN "
     "COALESCE((SELECT SUM(pt.ends_at - pt.starts_at) FROM event_parts pt WHERE pt.event_id = ev.id), ev.ends_at "
     "- ev.starts_at) / 3600.0 END AS REAL), ev.activity_id, ev.timezone FROM event_bookings b JOIN events ev ON "
     "ev.id = b.event_id JOIN courses c ON c.id = ev.course_id WHERE b.user_id = ?1 AND b.state IN ('booked', "
     "'waitlisted', 'awaiting_approval')"},
    /* Earlier cycles of certifications, archived at renewal. */
    {"history",
     "p.title, p.code, 'archived', NULL, NULL, h.completed_at, NULL, h.expires_at, CAST(h.score AS REAL), NULL, "
     "CAST(h.cycle AS BIGINT), 'programme' FROM programme_completion_history h JOIN programme_assignments pa ON "
     "pa.id = h.assignment_id JOIN programmes p ON p.id = pa.programme_id WHERE pa.user_id = ?1"},
    /* Completions brought in from another system (lectern completion import). */
    {"history",
     "COALESCE(c.title, p.title), COALESCE(c.code, p.code), 'imported', NULL, NULL, ch.completed_at, NULL, "
     "ch.expires_at, CAST(ch.score AS REAL), NULL, ch.id, CASE WHEN ch.course_id IS NULL THEN 'programme' ELSE "
     "'course' END FROM completion_history ch LEFT JOIN courses c ON c.id = ch.course_id LEFT JOIN programmes p ON "
     "p.id = ch.programme_id WHERE ch.user_id = ?1"},
    /* Course policies acknowledged, each version. */
    {"policies",
     "c.title, c.code, 'acknowledged', NULL, NULL, k.acknowledged_at, NULL, NULL, NULL, NULL, CAST(k.version AS "
     "BIGINT), '' FROM policy_acks k JOIN courses c ON c.id = k.course_id WHERE k.user_id = ?1"},
    /* Training done elsewhere; code is the evidence file's name ("" = none). */
    {"external",
     "t.title, CASE WHEN t.evidence_sha256 IS NULL THEN '' ELSE t.evidence_name END, t.state, NULL, NULL, "
     "t.done_on, NULL, NULL, NULL, CAST(t.hours AS REAL), t.id, t.provider FROM external_training t WHERE "
     "t.user_id = ?1"},
    /* Certificates issued (certificate.c): code is the verification code, detail what it is for. */
    {"certificates",
     "COALESCE(c.title, p.title), k.code, CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked' WHEN k.expires_at IS "
     "NOT NULL AND k.expires_at <= ?2 THEN 'expired' ELSE 'valid' END, NULL, k.issued_at, k.completed_at, NULL, "
     "k.expires_at, NULL, NULL, k.id, CASE WHEN k.course_id IS NULL THEN 'programme' ELSE 'course' END FROM "
     "certificates k LEFT JOIN courses c ON c.id = k.course_id LEFT JOIN programmes p ON p.id = k.programme_id "
     "WHERE k.user_id = ?1"},
};
#define N_SOURCES (sizeof sources / sizeof sources[0])

/* The sections in the order the record lists them. */
static const char *const sections[] = {"courses",  "quizzes",  "classroom",
                                       "history",  "policies", "external", "certificates"};
#define N_SECTIONS (sizeof sections / sizeof sections[0])

/* The one query: a first branch that names and types the columns (and selects nothing), then
 * every source; ordered by section, newest first. */
static const char *record_sql(struct arena *a)
{
    struct buf b;
    buf_init(&b, 8192);
    buf_adds(&b, "SELECT * FROM (SELECT CAST(0 AS BIGINT) AS src, CAST('' AS TEXT) AS title, CAST('' AS TEXT) AS "
                 "code, CAST('' AS TEXT) AS status, CAST(0 AS BIGINT) AS percent, CAST(0 AS BIGINT) AS started_at, "
                 "CAST(0 AS BIGINT) AS finished_at, CAST(0 AS BIGINT) AS due_at, CAST(0 AS BIGINT) AS expires_at, "
                 "CAST(0 AS REAL) AS score, CAST(0 AS REAL) AS hours, CAST(0 AS BIGINT) AS id, CAST('' AS TEXT) "
                 "AS detail WHERE 1 = 0");
    for (size_t i = 0; i < N_SOURCES; i++) buf_addf(&b, " UNION ALL SELECT %zu, %s", i, sources[i].select);
    buf_adds(&b, ") r ORDER BY r.src, COALESCE(r.finished_at, r.started_at, 0) DESC, r.id DESC");
    const char *sql = arena_strdup(a, b.data);
    buf_release(&b);
    return sql;
}

static void set_time(json_t *row, const char *key, struct db_stmt *st, int col)
{
    json_object_set_new(row, key, db_col_is_null(st, col) ? json_null() : model_json_time(db_col_int(st, col)));
}

static void set_number(json_t *row, const char *key, struct db_stmt *st, int col)
{
    json_object_set_new(row, key, db_col_is_null(st, col) ? json_null() : json_real(db_col_double(st, col)));
}

static json_t *row_json(struct arena *a, struct db_stmt *st)
{
    json_t *row = json_object();
    jset_str(row, "title", model_col_str(a, st, 1));
    jset_str(row, "code", model_col_str(a, st, 2));
    jset_str(row, "status", model_col_str(a, st, 3));
    json_object_set_new(row, "percent", db_col_is_null(st, 4) ? json_null() : json_integer(db_col_int(st, 4)));
    set_time(row, "started_at", st, 5);
    set_time(row, "finished_at", st, 6);
    set_time(row, "due_at", st, 7);
    set_time(row, "expires_at", st, 8);
    set_number(row, "score", st, 9);
    set_number(row, "hours", st, 10);
    jset_int(row, "id", db_col_int(st, 11));
    jset_str(row, "detail", model_col_str(a, st, 12));
    return row;
}

/* Hours that count: completed courses, attended events and approved external training. */
static bool counts_hours(const char *section, const char *status)
{
    return (str_eq(section, "courses") && str_eq(status, "complete")) ||
           (str_eq(section, "classroom") && str_eq(status, "attended")) ||
           (str_eq(section, "external") && str_eq(status, "approved"));
}

#define YEARS_MAX 64
struct year_hours {
    int year[YEARS_MAX];
    double hours[YEARS_MAX];
    int n;
    double total;
};

static void add_hours(struct year_hours *y, int64_t when, double hours)
{
    time_t t = (time_t)when;
    struct tm tm;
    gmtime_r(&t, &tm);
    int year = tm.tm_year + 1900, i = 0;
    while (i < y->n && y->year[i] != year) i++;
    if (i == y->n) {
        if (y->n == YEARS_MAX) return;
        y->year[y->n] = year, y->hours[y->n++] = 0;
    }
    y->hours[i] += hours;
    y->total += hours;
}

static json_t *hours_json(struct year_hours *y)
{
    /* Newest year first (a handful of years: insertion sort). */
    for (int i = 1; i < y->n; i++)
        for (int k = i; k > 0 && y->year[k] > y->year[k - 1]; k--) {
            int yr = y->year[k];
            double h = y->hours[k];
            y->year[k] = y->year[k - 1], y->hours[k] = y->hours[k - 1];
            y->year[k - 1] = yr, y->hours[k - 1] = h;
        }
    json_t *by_year = json_array();
    for (int i = 0; i < y->n; i++)
        json_array_append_new(by_year, json_pack("{s:i, s:f}", "year", y->year[i], "hours", y->hours[i]));
    return json_pack("{s:f, s:o}", "total", y->total, "by_year", by_year);
}

json_t *record_date_json(int64_t t)
{
    if (!t) return json_null();
    char iso[21];
    time_iso8601(t, iso);
    iso[10] = '\0';
    return json_string(iso);
}

json_t *record_json(struct db *db, struct arena *a, int64_t user_id)
{
    json_t *rec = json_object();
    for (size_t i = 0; i < N_SECTIONS; i++) json_object_set_new(rec, sections[i], json_array());
    struct year_hours years = {0};
    struct db_stmt *st = db_query(db, record_sql(a), "ii", user_id, time_now());
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t src = db_col_int(st, 0);
        if (src < 0 || (size_t)src >= N_SOURCES) continue;
        const char *section = sources[src].section;
        json_t *row = row_json(a, st);
        /* External training has a day, not a time. */
        if (str_eq(section, "external")) json_object_set_new(row, "finished_at", record_date_json(db_col_int(st, 6)));
        if (counts_hours(section, model_col_str(a, st, 3)) && !db_col_is_null(st, 10) && !db_col_is_null(st, 6))
            add_hours(&years, db_col_int(st, 6), db_col_double(st, 10));
        json_array_append_new(json_object_get(rec, section), row);
    }
    db_done(st);
    json_t *plan = rc == DB_DONE ? plan_json(db, a, user_id) : NULL;
    if (!plan) {
        json_decref(rec);
        return NULL;
    }
    json_object_set_new(rec, "programmes", plan);
    json_object_set_new(rec, "hours", hours_json(&years));
    return rec;
}

bool record_visible_to(struct db *db, int64_t viewer_id, unsigned viewer_roles, int64_t user_id)
{
    return viewer_id == user_id || user_visible_to(db, viewer_id, viewer_roles, user_id);
}
