/* Quiz results and statistics (assessments.h; docs/assessments.md): the essays waiting for a person,
 * every attempt with its result, a summary of the submitted attempts, per-question item
 * analysis, and the same results as CSV.
 *
 * Statistics are computed in C over three queries (the quiz's attempts, their answers, the
 * questions), whatever the number of attempts: an engine-neutral way to get medians and
 * correlations, which SQLite has no functions for. Percent values (mean, median, histogram)
 * are 0..100; rates and fractions (pass_rate, facility) are 0..1. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define GRADING_QUEUE_MAX 500

/* A question's name for lists: its title, or the start of its text when it has none. */
static const char *question_label(struct arena *a, const char *title, const char *data)
{
    if (title && *title) return arena_strdup(a, title);
    json_t *q = json_loads(data ? data : "", 0, NULL);
    const char *t = json_string_value(json_object_get(q, "text"));
    const char *out = "";
    if (t) {
        size_t n = strlen(t), cut = n > 80 ? 80 : n;
        while (cut < n && cut > 0 && ((unsigned char)t[cut] & 0xC0) == 0x80) cut--; /* whole characters */
        out = cut < n ? arena_sprintf(a, "%.*s…", (int)cut, t) : arena_strdup(a, t);
    }
    json_decref(q);
    return out;
}

static const char *full_name(struct arena *a, const char *first, const char *last)
{
    first = first ? first : "";
    last = last ? last : "";
    return arena_sprintf(a, "%s%s%s", first, *first && *last ? " " : "", last);
}

json_t *grading_queue_json(struct db *db, struct arena *a, int64_t course_id)
{
    json_t *list = json_array();
    struct db_stmt *st = db_query(
        db,
        "SELECT t.id, aq.slot, x.title, x.id, u.username, u.first_name, u.last_name, q.title, q.data, aq.response, "
        "t.submitted_at FROM attempt_questions aq JOIN quiz_attempts t ON t.id = aq.attempt_id JOIN activities x ON "
        "x.id = t.quiz_id JOIN users u ON u.id = t.user_id JOIN questions q ON q.id = aq.question_id WHERE x.course_id "
        "= ?1 AND x.deleted_at IS NULL AND t.state = 'submitted' AND q.qtype = 'essay' AND aq.fraction IS NULL ORDER BY "
        "t.submitted_at, t.id, aq.slot LIMIT ?2",
        "ii", course_id, (int64_t)GRADING_QUEUE_MAX);
    while (db_step(st) == DB_ROW) {
        json_t *r = json_loads(db_col_text(st, 9) ? db_col_text(st, 9) : "", 0, NULL);
        const char *text = json_string_value(json_object_get(r, "text"));
        json_array_append_new(
            list, json_pack("{s:I, s:i, s:s, s:I, s:s, s:s, s:s, s:s, s:I}", "attempt_id",
                            (json_int_t)db_col_int(st, 0), "slot", (int)db_col_int(st, 1), "quiz",
                            model_col_str(a, st, 2), "quiz_id", (json_int_t)db_col_int(st, 3), "user",
                            model_col_str(a, st, 4), "name", full_name(a, db_col_text(st, 5), db_col_text(st, 6)),
                            "question", question_label(a, db_col_text(st, 7), db_col_text(st, 8)), "response_text",
                            text ? text : "", "submitted_at", (json_int_t)db_col_int(st, 10)));
        json_decref(r);
    }
    db_done(st);
    return list;
}

lerr grading_waiting_counts(struct db *db, struct arena *a, int64_t instructor_id, struct grading_waiting **out,
                            size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    size_t n = 0, cap = 8;
    struct grading_waiting *v = arena_alloc(a, cap * sizeof *v);
    /* The same essays as grading_queue_json, counted for every course taught at once from each
     * attempt's count of essays waiting (needs_grading, set when it is submitted), through the
     * partial index of attempts that have any (migration 0023): the dashboard reads only those,
     * not every attempt of the courses. */
    struct db_stmt *st = db_query(
        db,
        "SELECT x.course_id, SUM(t.needs_grading) FROM quiz_attempts t JOIN activities x ON x.id = t.quiz_id "
        "WHERE t.needs_grading > 0 AND x.deleted_at IS NULL AND x.course_id IN "
        "(SELECT e.course_id FROM enrolments e WHERE e.user_id = ?1 AND e.unenrolled_at IS NULL AND e.role = "
        "'instructor') GROUP BY x.course_id",
        "i", instructor_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            struct grading_waiting *grown = arena_alloc(a, 2 * cap * sizeof *grown);
            memcpy(grown, v, n * sizeof *v);
            v = grown, cap *= 2;
        }
        v[n++] = (struct grading_waiting){.course_id = db_col_int(st, 0), .essays = db_col_int(st, 1)};
    }
    db_done(st);
    if (rc != DB_DONE) return LE_DB;
    *out = v;
    *n_out = n;
    return LE_OK;
}

/* ---- Results ---- */

struct att {
    int64_t id;
    const char *username, *name, *state;
    bool unenrolled;         /* closed when its person was unenrolled (submitted_by) */
    int number;
    int64_t started_at, submitted_at;
    bool graded;             /* score and percent are set */
    double score, max_score, percent;
    int needs_grading;
    int passed;              /* 1, 0, or -1 = not known yet (in progress, or an essay waits) */
};

struct qstat {
    int64_t id;
    int position;            /* in the quiz's fixed list; 0 = drawn at random */
    const char *title, *type;
    int attempts;            /* submitted attempts it was in */
    int n;                   /* of those, graded for this question */
    double sum_fraction;
    /* Pearson sums over attempts with a fraction and a rest */
    int np;
    double sx, sy, sxx, syy, sxy;
};

struct results {
    struct att *atts;        /* ordered as listed: by name, then attempt number */
    int n_atts;
    struct att **by_id;      /* the same, ordered by id, for lookups */
    struct qstat *qs;
    int n_qs;
    struct q_key {
        int64_t id;
        int index;
    } *q_order;              /* (question id, index into qs) ordered by id, for lookups */
    double pass_percent;
    /* marks[a * n_qs + q]: attempt a's (listed order) mark for question q; NAN = none */
    double *marks;
};

static int att_cmp_id(const void *x, const void *y)
{
    const struct att *a = *(struct att *const *)x, *b = *(struct att *const *)y;
    return a->id < b->id ? -1 : a->id > b->id;
}

static struct att *att_find(struct results *r, int64_t id)
{
    int lo = 0, hi = r->n_atts - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (r->by_id[mid]->id == id) return r->by_id[mid];
        if (r->by_id[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

/* The question's index in r->qs, through r->q_order (sorted by question id). */
static int q_index(struct results *r, int64_t id)
{
    int lo = 0, hi = r->n_qs - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (r->q_order[mid].id == id) return r->q_order[mid].index;
        if (r->q_order[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int q_cmp_id(const void *x, const void *y)
{
    const struct q_key *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Loads everything the results need in three queries. false on a database error. */
static bool results_load(struct db *db, struct arena *a, int64_t quiz_id, struct results *r)
{
    memset(r, 0, sizeof *r);
    int64_t n_rows = 0;
    if (db_query_int(db, &n_rows, "SELECT COUNT(*) FROM quiz_attempts WHERE quiz_id = ?1", "i", quiz_id)) return false;
    struct db_stmt *st = db_query(db, "SELECT pass_percent FROM quizzes WHERE activity_id = ?1", "i", quiz_id);
    if (db_step(st) == DB_ROW) r->pass_percent = db_col_double(st, 0);
    db_done(st);

    r->atts = arena_alloc(a, sizeof *r->atts * (size_t)(n_rows + 1));
    r->by_id = arena_alloc(a, sizeof *r->by_id * (size_t)(n_rows + 1));
    st = db_query(db,
                  "SELECT t.id, u.username, u.first_name, u.last_name, t.number, t.state, t.started_at, "
                  "COALESCE(t.submitted_at, 0), CASE WHEN t.score IS NULL OR t.percent IS NULL THEN 0 ELSE 1 END, "
                  "t.score, t.max_score, t.percent, t.needs_grading, t.submitted_by FROM quiz_attempts t JOIN users u ON u.id = "
                  "t.user_id WHERE t.quiz_id = ?1 ORDER BY u.last_name, u.first_name, u.username, t.number, t.id",
                  "i", quiz_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW && r->n_atts < n_rows) {
        struct att *t = &r->atts[r->n_atts];
        *t = (struct att){
            .id = db_col_int(st, 0),
            .username = model_col_str(a, st, 1),
            .name = full_name(a, db_col_text(st, 2), db_col_text(st, 3)),
            .number = (int)db_col_int(st, 4),
            .state = model_col_str(a, st, 5),
            .started_at = db_col_int(st, 6),
            .submitted_at = db_col_int(st, 7),
            .graded = db_col_int(st, 8) != 0,
            .score = db_col_double(st, 9),
            .max_score = db_col_double(st, 10),
            .percent = db_col_double(st, 11),
            .needs_grading = (int)db_col_int(st, 12),
            .unenrolled = str_eq(db_col_text(st, 13), "unenrolled"),
        };
        bool submitted = str_eq(t->state, "submitted");
        t->passed = !submitted || !t->graded || t->needs_grading ? -1 : t->percent + 1e-9 >= r->pass_percent;
        r->by_id[r->n_atts] = t;
        r->n_atts++;
    }
    db_done(st);
    if (rc < 0) return false;
    qsort(r->by_id, (size_t)r->n_atts, sizeof *r->by_id, att_cmp_id);

    /* The questions: the quiz's fixed list in order, then any others its attempts drew. */
    st = db_query(db,
                  "SELECT q.id, COALESCE(qq.position, 0), q.title, q.data, q.qtype FROM questions q LEFT JOIN "
                  "quiz_questions qq ON qq.quiz_id = ?1 AND qq.question_id = q.id WHERE q.id IN (SELECT question_id "
                  "FROM quiz_questions WHERE quiz_id = ?1) OR q.id IN (SELECT aq.question_id FROM attempt_questions aq "
                  "JOIN quiz_attempts t ON t.id = aq.attempt_id WHERE t.quiz_id = ?1) ORDER BY CASE WHEN qq.position "
                  "IS NULL THEN 1 ELSE 0 END, qq.position, q.id",
                  "i", quiz_id);
    int cap = 16;
    r->qs = arena_alloc(a, sizeof *r->qs * (size_t)cap);
    while ((rc = db_step(st)) == DB_ROW) {
        if (r->n_qs == cap) {
            struct qstat *bigger = arena_alloc(a, sizeof *bigger * (size_t)cap * 2);
            memcpy(bigger, r->qs, sizeof *bigger * (size_t)cap);
            r->qs = bigger;
            cap *= 2;
        }
        r->qs[r->n_qs++] = (struct qstat){
            .id = db_col_int(st, 0),
            .position = (int)db_col_int(st, 1),
            .title = question_label(a, db_col_text(st, 2), db_col_text(st, 3)),
            .type = model_col_str(a, st, 4),
        };
    }
    db_done(st);
    if (rc < 0) return false;
    r->q_order = arena_alloc(a, sizeof *r->q_order * (size_t)(r->n_qs + 1));
    for (int i = 0; i < r->n_qs; i++) r->q_order[i] = (struct q_key){r->qs[i].id, i};
    qsort(r->q_order, (size_t)r->n_qs, sizeof *r->q_order, q_cmp_id);

    r->marks = arena_alloc(a, sizeof *r->marks * (size_t)(r->n_atts ? r->n_atts : 1) * (size_t)(r->n_qs ? r->n_qs : 1));
    for (int i = 0; i < r->n_atts * r->n_qs; i++) r->marks[i] = NAN;
    st = db_query(db,
                  "SELECT aq.attempt_id, aq.question_id, aq.points, CASE WHEN aq.fraction IS NULL THEN 0 ELSE 1 END, "
                  "aq.fraction, aq.mark FROM attempt_questions aq JOIN quiz_attempts t ON t.id = aq.attempt_id WHERE "
                  "t.quiz_id = ?1",
                  "i", quiz_id);
    while ((rc = db_step(st)) == DB_ROW) {
        struct att *t = att_find(r, db_col_int(st, 0));
        int qi = q_index(r, db_col_int(st, 1));
        if (!t || qi < 0) continue;
        bool graded = db_col_int(st, 3) != 0;
        double points = db_col_double(st, 2), fraction = db_col_double(st, 4), mark = db_col_double(st, 5);
        if (graded) r->marks[(t - r->atts) * r->n_qs + qi] = mark;
        if (!str_eq(t->state, "submitted")) continue;
        struct qstat *q = &r->qs[qi];
        q->attempts++;
        if (!graded) continue;
        q->n++;
        q->sum_fraction += fraction;
        /* The rest of the attempt: its percent without this question. */
        double rest_max = t->max_score - points;
        if (!t->graded || rest_max <= 1e-12) continue;
        double rest = (t->score - mark) / rest_max * 100.0;
        q->np++;
        q->sx += fraction;
        q->sy += rest;
        q->sxx += fraction * fraction;
        q->syy += rest * rest;
        q->sxy += fraction * rest;
    }
    db_done(st);
    return rc >= 0;
}

static int dbl_cmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* Pearson's r from the sums; NAN when fewer than 2 pairs or either side does not vary. */
static double pearson(const struct qstat *q)
{
    if (q->np < 2) return NAN;
    double n = q->np;
    double vx = n * q->sxx - q->sx * q->sx, vy = n * q->syy - q->sy * q->sy;
    /* relative tolerance: sums of equal values leave rounding noise, not variance */
    if (vx <= 1e-9 * (n * q->sxx + 1e-12) || vy <= 1e-9 * (n * q->syy + 1e-12)) return NAN;
    double rr = (n * q->sxy - q->sx * q->sy) / sqrt(vx * vy);
    return rr > 1 ? 1 : rr < -1 ? -1 : rr;
}

static json_t *num_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

json_t *quiz_results_json(struct db *db, struct arena *a, int64_t activity_id)
{
    struct results r;
    if (!results_load(db, a, activity_id, &r)) memset(&r, 0, sizeof r);
    json_t *atts = json_array();
    double *pcts = arena_alloc(a, sizeof *pcts * (size_t)(r.n_atts + 1));
    int n = 0, passed = 0, judged = 0, hist[10] = {0};
    double sum = 0;
    json_t *learners = json_object();
    for (int i = 0; i < r.n_atts; i++) {
        struct att *t = &r.atts[i];
        json_array_append_new(
            atts, json_pack("{s:I, s:s, s:s, s:i, s:s, s:o, s:o, s:o, s:b, s:b}", "id", (json_int_t)t->id, "user",
                            t->username, "name", t->name, "number", t->number, "state", t->state, "submitted_at",
                            t->submitted_at ? json_integer(t->submitted_at) : json_null(), "percent",
                            t->graded ? json_real(t->percent) : json_null(), "passed",
                            t->passed < 0 ? json_null() : json_boolean(t->passed), "needs_grading",
                            t->needs_grading > 0, "unenrolled", t->unenrolled));
        if (!str_eq(t->state, "submitted") || !t->graded) continue;
        json_object_set_new(learners, t->username, json_true());
        pcts[n++] = t->percent;
        sum += t->percent;
        passed += t->passed == 1;
        judged += t->passed >= 0; /* an attempt whose essay waits is neither passed nor failed yet */
        double pc = t->percent < 0 ? 0 : t->percent > 100 ? 100 : t->percent;
        int b = (int)(pc / 10.0);
        hist[b > 9 ? 9 : b]++;
    }
    double median = NAN;
    if (n) {
        qsort(pcts, (size_t)n, sizeof *pcts, dbl_cmp);
        median = n % 2 ? pcts[n / 2] : (pcts[n / 2 - 1] + pcts[n / 2]) / 2;
    }
    json_t *h = json_array();
    for (int b = 0; b < 10; b++) json_array_append_new(h, json_integer(hist[b]));
    json_t *summary = json_pack("{s:i, s:i, s:o, s:o, s:o, s:o}", "attempts", n, "learners",
                                (int)json_object_size(learners), "mean", num_or_null(n ? sum / n : NAN), "median",
                                num_or_null(median), "pass_rate", num_or_null(judged ? (double)passed / judged : NAN),
                                "histogram", h);
    json_decref(learners);
    json_t *qs = json_array();
    for (int i = 0; i < r.n_qs; i++) {
        struct qstat *q = &r.qs[i];
        json_array_append_new(
            qs, json_pack("{s:o, s:I, s:s, s:s, s:i, s:o, s:o}", "slot",
                          q->position ? json_integer(q->position) : json_null(), "question_id", (json_int_t)q->id,
                          "title", q->title, "type", q->type, "attempts", q->attempts, "facility",
                          num_or_null(q->n ? q->sum_fraction / q->n : NAN), "discrimination",
                          num_or_null(pearson(q))));
    }
    return json_pack("{s:o, s:o, s:o, s:f}", "attempts", atts, "summary", summary, "questions", qs, "pass_percent",
                     r.pass_percent);
}

/* ---- CSV ---- */

/* A text cell (csv_write_field keeps a spreadsheet from running it as a formula). */
static lerr csv_text(struct buf *b, const char *s)
{
    return csv_write_field(b, s ? s : "", ',');
}

static const char *num(struct arena *a, double v)
{
    if (isnan(v)) return "";
    return arena_sprintf(a, "%.10g", round(v * 1e4) / 1e4);
}

static const char *iso(struct arena *a, int64_t t)
{
    if (!t) return "";
    char s[21];
    time_iso8601(t, s);
    return arena_strdup(a, s);
}

char *quiz_results_csv(struct db *db, struct arena *a, int64_t activity_id, size_t *len_out)
{
    struct results r;
    if (!results_load(db, a, activity_id, &r)) return NULL;
    struct buf b;
    buf_init(&b, (size_t)256 << 20);
    static const char *const head[] = {"username", "name", "attempt", "state", "started", "submitted",
                                       "score", "max", "percent", "passed"};
    lerr e = LE_OK;
    for (size_t k = 0; k < sizeof head / sizeof head[0] && !e; k++) {
        if (k) e = buf_addc(&b, ',');
        if (!e) e = csv_write_field(&b, head[k], ',');
    }
    for (int i = 0; i < r.n_qs && !e; i++) {
        e = buf_addc(&b, ',');
        if (!e) e = csv_text(&b, arena_sprintf(a, "Q%d %s", i + 1, r.qs[i].title));
    }
    if (!e) e = buf_addc(&b, '\n');
    for (int i = 0; i < r.n_atts && !e; i++) {
        struct att *t = &r.atts[i];
        const char *cells[] = {
            arena_sprintf(a, "%d", t->number),
            t->state,
            iso(a, t->started_at),
            iso(a, t->submitted_at),
            t->graded ? num(a, t->score) : "",
            num(a, t->max_score),
            t->graded ? num(a, t->percent) : "",
            t->passed < 0 ? "" : t->passed ? "yes" : "no",
        };
        e = csv_text(&b, t->username);
        if (!e) e = buf_addc(&b, ',');
        if (!e) e = csv_text(&b, t->name);
        for (size_t k = 0; k < sizeof cells / sizeof cells[0] && !e; k++) {
            e = buf_addc(&b, ',');
            if (!e) e = csv_write_field(&b, cells[k], ',');
        }
        for (int q = 0; q < r.n_qs && !e; q++) {
            e = buf_addc(&b, ',');
            if (!e) e = buf_adds(&b, num(a, r.marks[i * r.n_qs + q]));
        }
        if (!e) e = buf_addc(&b, '\n');
    }
    if (e) {
        buf_release(&b);
        return NULL;
    }
    size_t len = b.len;
    char *out = b.data ? buf_detach(&b) : strdup("");
    if (len_out) *len_out = len;
    return out;
}
