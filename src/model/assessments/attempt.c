/* Quiz attempts (docs/assessments.md): starting (drawing and ordering the questions, the
 * deadline), saving responses, submitting and grading, the server's deadline, hand grading and
 * regrading after a question is corrected.
 *
 * The deadline is the server's: every path that touches an open attempt (showing, saving,
 * submitting, the quiz summary, the sweeper) first submits it when its deadline has passed, so
 * correctness never depends on when the sweeper runs. Write transactions run one at a time on
 * both engines (db_tx_begin takes the write lock up front), so the checks made inside one (is
 * there an open attempt, is it still open) cannot race; the (quiz_id, user_id, number) unique
 * index stays as the last guard. */
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define ATTEMPT_SLOTS_MAX 500
#define GRADE_COMMENT_MAX 20000

static void json_release(void *j)
{
    json_decref(j);
}

/* A JSON document from a column, owned by the arena; NULL for NULL, "" or bad JSON. */
static json_t *json_col(struct arena *a, struct db_stmt *st, int col)
{
    if (db_col_is_null(st, col)) return NULL;
    const char *s = db_col_text(st, col);
    if (!s || !*s) return NULL;
    json_t *j = json_loads(s, JSON_DECODE_ANY, NULL);
    if (j) arena_defer(a, json_release, j);
    return j;
}

/* ---- Reading an attempt ---- */

struct attempt {
    int64_t id, quiz_id, user_id, course_id;
    int number, page, needs_grading;
    const char *state, *submitted_by;
    int64_t started_at, deadline_at, submitted_at; /* 0 = none */
    bool scored;                                   /* score is not NULL */
    bool enrolled;                                 /* its person still holds a live enrolment in the course */
    double score, max_score, percent;
    /* the quiz's */
    int per_page;
    const char *review_answers, *review_correct, *review_feedback, *complete_on;
    double pass_percent;
    int64_t close_at;
    const char *quiz_title, *course_code, *course_title;
};

static bool attempt_open(const struct attempt *t)
{
    return str_eq(t->state, "in_progress");
}

static bool attempt_overdue(const struct attempt *t, int64_t now)
{
    return attempt_open(t) && t->deadline_at && t->deadline_at <= now;
}

static lerr attempt_get(struct db *db, struct arena *a, int64_t id, struct attempt *t, struct problem *p)
{
    struct db_stmt *st = db_query(
        db,
        "SELECT t.id, t.quiz_id, t.user_id, t.number, t.state, t.started_at, COALESCE(t.deadline_at, 0), "
        "COALESCE(t.submitted_at, 0), t.submitted_by, t.page, t.score, t.max_score, t.percent, t.needs_grading, "
        "q.per_page, q.review_answers, q.review_correct, q.review_feedback, q.complete_on, q.pass_percent, "
        "COALESCE(q.close_at, 0), x.title, x.course_id, c.code, c.title, EXISTS (SELECT 1 FROM enrolments e WHERE "
        "e.course_id = x.course_id AND e.user_id = t.user_id AND e.unenrolled_at IS NULL) FROM quiz_attempts t JOIN "
        "quizzes q ON "
        "q.activity_id = t.quiz_id JOIN activities x ON x.id = t.quiz_id JOIN courses c ON c.id = x.course_id WHERE "
        "t.id = ?1",
        "i", id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *t = (struct attempt){
            .id = db_col_int(st, 0),
            .quiz_id = db_col_int(st, 1),
            .user_id = db_col_int(st, 2),
            .number = (int)db_col_int(st, 3),
            .state = model_col_str(a, st, 4),
            .started_at = db_col_int(st, 5),
            .deadline_at = db_col_int(st, 6),
            .submitted_at = db_col_int(st, 7),
            .submitted_by = model_col_str(a, st, 8),
            .page = (int)db_col_int(st, 9),
            .scored = !db_col_is_null(st, 10),
            .score = db_col_double(st, 10),
            .max_score = db_col_double(st, 11),
            .percent = db_col_double(st, 12),
            .needs_grading = (int)db_col_int(st, 13),
            .per_page = (int)db_col_int(st, 14),
            .review_answers = model_col_str(a, st, 15),
            .review_correct = model_col_str(a, st, 16),
            .review_feedback = model_col_str(a, st, 17),
            .complete_on = model_col_str(a, st, 18),
            .pass_percent = db_col_double(st, 19),
            .close_at = db_col_int(st, 20),
            .quiz_title = model_col_str(a, st, 21),
            .course_id = db_col_int(st, 22),
            .course_code = model_col_str(a, st, 23),
            .course_title = model_col_str(a, st, 24),
            .enrolled = db_col_int(st, 25) != 0,
        };
    db_done(st);
    if (rc == DB_DONE) return problem_set(p, LE_NOTFOUND, "id", "This attempt no longer exists; open the quiz again.");
    return rc == DB_ROW ? LE_OK : model_db_problem(p);
}

/* The attempt when it is user_id's; someone else's does not exist for them. */
static lerr attempt_get_own(struct db *db, struct arena *a, int64_t id, int64_t user_id, struct attempt *t,
                            struct problem *p)
{
    lerr e = attempt_get(db, a, id, t, p);
    if (!e && t->user_id != user_id)
        return problem_set(p, LE_NOTFOUND, "id", "This attempt no longer exists; open the quiz again.");
    return e;
}

struct slot {
    int slot;
    int64_t question_id;
    double points;
    const char *answer_order;   /* JSON array text or "" */
    json_t *response;           /* NULL = not answered */
    bool graded;                /* fraction is not NULL */
    double fraction, mark;
    const char *comment;
    int64_t graded_by;
    const char *qtype, *title;
    json_t *q;                  /* the question object as it is now; NULL until parsed */
    const char *q_text;         /* the same as stored (JSON) */
};

/* The question of a slot, parsed now if slots_get left it as text. */
static json_t *slot_question(struct arena *a, const struct slot *s)
{
    if (s->q) return s->q;
    json_t *q = json_loads(s->q_text, 0, NULL);
    if (!q) q = json_object();
    arena_defer(a, json_release, q);
    return q;
}

/* The attempt's slots in order. Saving an answer touches one or two of them, so with parse
 * false the questions and responses stay unparsed (q and response NULL): parsing all of them
 * was most of the cost of a save. */
static lerr slots_get(struct db *db, struct arena *a, int64_t attempt_id, bool parse, struct slot **out, int *n_out,
                      struct problem *p)
{
    int n = 0, cap = 16;
    struct slot *v = arena_alloc(a, sizeof *v * (size_t)cap);
    struct db_stmt *st = db_query(db,
                                  "SELECT s.slot, s.question_id, s.points, s.answer_order, s.response, s.fraction, "
                                  "s.mark, s.comment, s.graded_by, q.qtype, q.title, q.data FROM attempt_questions s "
                                  "JOIN questions q ON q.id = s.question_id WHERE s.attempt_id = ?1 ORDER BY s.slot",
                                  "i", attempt_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            struct slot *more = arena_alloc(a, sizeof *v * (size_t)cap * 2);
            memcpy(more, v, sizeof *v * (size_t)n);
            v = more;
            cap *= 2;
        }
        json_t *q = parse ? json_col(a, st, 11) : NULL;
        v[n++] = (struct slot){
            .slot = (int)db_col_int(st, 0),
            .question_id = db_col_int(st, 1),
            .points = db_col_double(st, 2),
            .answer_order = model_col_str(a, st, 3),
            .response = parse ? json_col(a, st, 4) : NULL,
            .graded = !db_col_is_null(st, 5),
            .fraction = db_col_double(st, 5),
            .mark = db_col_double(st, 6),
            .comment = model_col_str(a, st, 7),
            .graded_by = db_col_int(st, 8),
            .qtype = model_col_str(a, st, 9),
            .title = model_col_str(a, st, 10),
            .q = q ? q : parse ? json_object() : NULL,
            .q_text = parse ? "" : model_col_str(a, st, 11),
        };
        if (parse && !q) arena_defer(a, json_release, v[n - 1].q);
    }
    db_done(st);
    if (rc < 0) return model_db_problem(p);
    *out = v;
    *n_out = n;
    return LE_OK;
}

/* ---- Scores and completion ---- */

/* Sums the attempt's marks into its score and percent; *changed when the score moved. */
static lerr rescore(struct db *db, int64_t attempt_id, bool *changed, double *percent_out, int *needs_out,
                    struct problem *p)
{
    double old = NAN;
    struct db_stmt *st = db_query(db, "SELECT score FROM quiz_attempts WHERE id = ?1", "i", attempt_id);
    if (db_step(st) == DB_ROW && !db_col_is_null(st, 0)) old = db_col_double(st, 0);
    db_done(st);
    st = db_query(db,
                  "SELECT COALESCE(SUM(mark), 0), COALESCE(SUM(points), 0), COALESCE(SUM(CASE WHEN fraction IS NULL "
                  "THEN 1 ELSE 0 END), 0) FROM attempt_questions WHERE attempt_id = ?1",
                  "i", attempt_id);
    int rc = db_step(st);
    double score = rc == DB_ROW ? db_col_double(st, 0) : 0, max = rc == DB_ROW ? db_col_double(st, 1) : 0;
    int needs = rc == DB_ROW ? (int)db_col_int(st, 2) : 0;
    db_done(st);
    if (rc != DB_ROW) return model_db_problem(p);
    /* Nothing to get wrong (only descriptions) counts as full marks. */
    double percent = max > 0 ? score / max * 100.0 : 100.0;
    if (db_run(db, "UPDATE quiz_attempts SET score = ?2, max_score = ?3, percent = ?4, needs_grading = ?5 WHERE id = ?1",
               "idddi", attempt_id, score, max, percent, (int64_t)needs))
        return model_db_problem(p);
    if (changed) *changed = isnan(old) || fabs(old - score) > 1e-9;
    if (percent_out) *percent_out = percent;
    if (needs_out) *needs_out = needs;
    return LE_OK;
}

/* Completes the quiz activity for its learner per complete_on: any submitted attempt, or one
 * that passes once no essay holds it back. */
static lerr complete_if_due(struct db *db, int64_t quiz_id, int64_t user_id, const char *complete_on,
                            double pass_percent, double percent, int needs, struct problem *p)
{
    const char *how = NULL;
    if (str_eq(complete_on, "submit"))
        how = "submitted";
    else if (!needs && percent + 1e-9 >= pass_percent)
        how = "passed";
    if (!how) return LE_OK;
    lerr e = activity_complete(db, quiz_id, user_id, how, p);
    return e == LE_NOTFOUND ? LE_OK : e; /* a deleted quiz's attempts still grade */
}

static lerr slot_set_grade(struct db *db, int64_t attempt_id, int slot, bool graded, double fraction, double points,
                           int64_t now, struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "UPDATE attempt_questions SET fraction = ?3, mark = ?4, graded_at = ?5 WHERE "
                                  "attempt_id = ?1 AND slot = ?2",
                                  "iiddi", attempt_id, (int64_t)slot, fraction, fraction * points, now);
    if (!graded) {
        db_bind_null(st, 3);
        db_bind_null(st, 4);
    }
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? LE_OK : model_db_problem(p);
}

/* The grade a slot gets automatically: *graded false when a person must grade it. An essay
 * left empty has nothing to read and is 0 at once. */
static double auto_fraction(const struct slot *s, bool *graded)
{
    struct grade g = question_grade(s->q, s->response);
    *graded = !(g.needs_person && g.answered);
    return *graded ? g.fraction : 0;
}

/* Submits and grades an open attempt, inside the caller's transaction. LE_CONFLICT
 * (attempt_submitted) when it is no longer open. */
static lerr submit_locked(struct db *db, struct arena *a, const struct attempt *t, const char *by, int64_t actor_id,
                          struct problem *p)
{
    int64_t now = time_now();
    struct db_stmt *st = db_query(db,
                                  "UPDATE quiz_attempts SET state = 'submitted', submitted_at = ?2, submitted_by = ?3 "
                                  "WHERE id = ?1 AND state = 'in_progress' RETURNING id",
                                  "iis", t->id, now, by);
    int rc = db_step(st);
    db_done(st);
    if (rc < 0) return model_db_problem(p);
    if (rc == DB_DONE) {
        problem_set(p, LE_CONFLICT, "id", "This attempt has already been submitted.");
        snprintf(p->reason, sizeof p->reason, "attempt_submitted");
        return LE_CONFLICT;
    }
    struct slot *s;
    int n;
    lerr e = slots_get(db, a, t->id, true, &s, &n, p);
    for (int i = 0; !e && i < n; i++) {
        bool graded;
        double f = auto_fraction(&s[i], &graded);
        e = slot_set_grade(db, t->id, s[i].slot, graded, f, s[i].points, now, p);
    }
    double percent = 0;
    int needs = 0;
    if (!e) e = rescore(db, t->id, NULL, &percent, &needs, p);
    if (!e) e = complete_if_due(db, t->quiz_id, t->user_id, t->complete_on, t->pass_percent, percent, needs, p);
    if (!e) {
        json_t *d = json_pack("{s:I, s:I, s:i, s:s, s:f, s:b}", "quiz_id", (json_int_t)t->quiz_id, "user_id",
                              (json_int_t)t->user_id, "number", t->number, "by", by, "percent", percent,
                              "needs_grading", needs > 0);
        if (audit_append(db, actor_id, "attempt.submit", arena_sprintf(a, "attempt:%lld", (long long)t->id), d))
            e = model_db_problem(p);
        json_decref(d);
    }
    return e;
}

/* The server's submission of an attempt whose deadline has passed (a no-op otherwise).
 * *submitted says whether this call submitted it. */
static lerr submit_if_overdue(struct db *db, struct arena *a, int64_t attempt_id, bool *submitted, struct problem *p)
{
    if (submitted) *submitted = false;
    if (db_tx_begin(db)) return model_db_problem(p);
    struct attempt t;
    lerr e = attempt_get(db, a, attempt_id, &t, p);
    bool due = !e && attempt_overdue(&t, time_now());
    if (due) e = submit_locked(db, a, &t, "deadline", 0, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e && submitted) *submitted = due;
    return e;
}

static lerr deadline_passed(struct problem *p, const struct attempt *t)
{
    char at[21];
    time_iso8601(t->deadline_at, at);
    problem_set(p, LE_CONFLICT, "answers",
                "The time for this attempt ran out at %s; it was submitted with the answers saved before then.", at);
    snprintf(p->reason, sizeof p->reason, "deadline_passed");
    return LE_CONFLICT;
}

/* The attempt's person is no longer enrolled in its course: nothing they send is taken. */
static lerr not_enrolled(struct problem *p, const struct attempt *t)
{
    problem_set(p, LE_FORBIDDEN, "id",
                "You are no longer enrolled in %s, so this attempt is closed; it keeps the answers saved before.",
                t->course_code);
    snprintf(p->reason, sizeof p->reason, "not_enrolled");
    return LE_FORBIDDEN;
}

/* Closes an open attempt whose person has left the course (submitted as 'unenrolled' with
 * what was saved), in its own transaction; a no-op when it is closed already or they are back.
 * The enrolment hook closes attempts as people leave; this catches any it could not reach. */
static lerr close_if_unenrolled(struct db *db, struct arena *a, int64_t attempt_id, struct problem *p)
{
    if (db_tx_begin(db)) return model_db_problem(p);
    struct attempt t;
    lerr e = attempt_get(db, a, attempt_id, &t, p);
    if (!e && attempt_open(&t) && !t.enrolled) e = submit_locked(db, a, &t, "unenrolled", 0, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

static lerr already_submitted(struct problem *p)
{
    problem_set(p, LE_CONFLICT, "id", "This attempt has been submitted; its answers can no longer change.");
    snprintf(p->reason, sizeof p->reason, "attempt_submitted");
    return LE_CONFLICT;
}

/* ---- Starting ---- */

struct drawn {
    int64_t question_id;
    int version;
    double points;
    const char *qtype;
    json_t *q;
};

static void shuffle_ints(int *v, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)randombytes_uniform((uint32_t)i + 1), x = v[i];
        v[i] = v[j];
        v[j] = x;
    }
}

/* The order a question's answers are shown in, as stored with the slot: shuffled choices when
 * the quiz says so, and always shuffled right-hand sides of a matching question (in stored
 * order every left would sit beside its own right). "" = as stored. */
static const char *answer_order(struct arena *a, const struct drawn *d, bool shuffle)
{
    bool choice = str_eq(d->qtype, "single") || str_eq(d->qtype, "multi");
    if (!(choice && shuffle) && !str_eq(d->qtype, "matching")) return "";
    int n = (int)json_array_size(json_object_get(d->q, "answers"));
    if (n < 2) return "";
    int *v = arena_alloc(a, sizeof *v * (size_t)n);
    for (int i = 0; i < n; i++) v[i] = i;
    shuffle_ints(v, n);
    struct buf b;
    buf_init(&b, 16 * (size_t)n + 16);
    buf_addc(&b, '[');
    for (int i = 0; i < n; i++) buf_addf(&b, "%s%d", i ? "," : "", v[i]);
    buf_addc(&b, ']');
    const char *s = arena_strdup(a, b.data);
    buf_release(&b);
    return s;
}

static lerr draw_questions(struct db *db, struct arena *a, int64_t quiz_id, int64_t category_id, int random_count,
                           struct drawn **out, int *n_out, struct problem *p)
{
    struct db_stmt *st;
    if (random_count > 0)
        st = db_query(db,
                      "SELECT id, version, qtype, data, 1 FROM questions WHERE category_id = ?1 AND deleted_at IS NULL "
                      "AND qtype <> 'description' ORDER BY RANDOM() LIMIT ?2",
                      "ii", category_id, (int64_t)random_count);
    else
        st = db_query(db,
                      "SELECT q.id, q.version, q.qtype, q.data, qq.points FROM quiz_questions qq JOIN questions q ON "
                      "q.id = qq.question_id WHERE qq.quiz_id = ?1 AND q.deleted_at IS NULL ORDER BY qq.position "
                      "LIMIT ?2",
                      "ii", quiz_id, (int64_t)ATTEMPT_SLOTS_MAX);
    struct drawn *v = arena_alloc(a, sizeof *v * ATTEMPT_SLOTS_MAX);
    int n = 0, rc;
    while (n < ATTEMPT_SLOTS_MAX && (rc = db_step(st)) == DB_ROW) {
        json_t *q = json_col(a, st, 3);
        if (!q) continue;
        v[n] = (struct drawn){
            .question_id = db_col_int(st, 0),
            .version = (int)db_col_int(st, 1),
            .qtype = model_col_str(a, st, 2),
            .q = q,
            .points = db_col_double(st, 4),
        };
        if (str_eq(v[n].qtype, "description")) v[n].points = 0; /* text, not graded */
        n++;
    }
    db_done(st);
    if (rc < 0) return model_db_problem(p);
    *out = v;
    *n_out = n;
    return LE_OK;
}

static lerr refuse(struct problem *p, lerr code, const char *reason, const char *fmt, const char *arg)
{
    problem_set(p, code, "id", fmt, arg);
    snprintf(p->reason, sizeof p->reason, "%s", reason);
    return code;
}

/* One slot of a new attempt, written with the others in as few statements as the engines allow
 * (a start is one of the burst's hot paths). */
struct new_slot {
    int64_t attempt_id;
    int slot;
    const struct drawn *d;
    const char *answer_order;
};

static void bind_new_slot(struct db_stmt *st, int first, const void *rows, size_t r)
{
    const struct new_slot *x = (const struct new_slot *)rows + r;
    db_bind_int(st, first, x->attempt_id);
    db_bind_int(st, first + 1, x->slot);
    db_bind_int(st, first + 2, x->d->question_id);
    db_bind_int(st, first + 3, x->d->version);
    db_bind_double(st, first + 4, x->d->points);
    db_bind_text(st, first + 5, x->answer_order);
}

lerr attempt_start(struct db *db, struct arena *a, int64_t activity_id, int64_t user_id, int64_t *attempt_id_out,
                   bool *resumed, struct problem *p)
{
    if (attempt_id_out) *attempt_id_out = 0;
    if (resumed) *resumed = false;
    int64_t course_id = 0, category_id = 0, open_at = 0, close_at = 0;
    int random_count = 0, shuffle_q = 0, shuffle_a = 0, limit = 0, allowed = 0, extra_s = 0, extra_n = 0;
    struct db_stmt *st = db_query(
        db,
        "SELECT x.course_id, COALESCE(q.random_category_id, 0), q.random_count, q.shuffle_questions, "
        "q.shuffle_answers, COALESCE(q.open_at, 0), COALESCE(q.close_at, 0), q.time_limit_seconds, "
        "q.attempts_allowed, COALESCE(o.extra_seconds, 0), COALESCE(o.extra_attempts, 0) FROM quizzes q JOIN "
        "activities x ON x.id = q.activity_id LEFT JOIN quiz_overrides o ON o.quiz_id = q.activity_id AND o.user_id = "
        "?2 WHERE q.activity_id = ?1 AND x.deleted_at IS NULL",
        "ii", activity_id, user_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        course_id = db_col_int(st, 0);
        category_id = db_col_int(st, 1);
        random_count = (int)db_col_int(st, 2);
        shuffle_q = (int)db_col_int(st, 3);
        shuffle_a = (int)db_col_int(st, 4);
        open_at = db_col_int(st, 5);
        close_at = db_col_int(st, 6);
        limit = (int)db_col_int(st, 7);
        allowed = (int)db_col_int(st, 8);
        extra_s = (int)db_col_int(st, 9);
        extra_n = (int)db_col_int(st, 10);
    }
    db_done(st);
    if (rc == DB_DONE)
        return problem_set(p, LE_NOTFOUND, "id", "This quiz no longer exists; open the course page again.");
    if (rc < 0) return model_db_problem(p);
    int64_t x;
    lerr q = enrolment_live_id(db, course_id, user_id, &x);
    if (q == LE_NOTFOUND)
        return refuse(p, LE_FORBIDDEN, "not_enrolled", "%s", "Enrol in the course to take its quizzes.");
    if (q) return model_db_problem(p);

    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = LE_OK;
    int64_t now = time_now(), open_id = 0, open_deadline = 0;
    int n_attempts = 0, last_number = 0;
    /* Only this learner's attempts, through the (quiz_id, user_id, number) index. */
    st = db_query(db,
                  "SELECT id, number, state, COALESCE(deadline_at, 0) FROM quiz_attempts WHERE quiz_id = ?1 AND "
                  "user_id = ?2 ORDER BY number",
                  "ii", activity_id, user_id);
    while ((rc = db_step(st)) == DB_ROW) {
        n_attempts++;
        last_number = (int)db_col_int(st, 1);
        if (str_eq(db_col_text(st, 2), "in_progress")) open_id = db_col_int(st, 0), open_deadline = db_col_int(st, 3);
    }
    db_done(st);
    if (rc < 0) e = model_db_problem(p);
    if (!e && open_id && open_deadline && open_deadline <= now) {
        struct attempt t;
        e = attempt_get(db, a, open_id, &t, p);
        if (!e) e = submit_locked(db, a, &t, "deadline", 0, p);
        open_id = 0;
    }
    if (!e && open_id) {
        if (resumed) *resumed = true;
        if (attempt_id_out) *attempt_id_out = open_id;
        return db_tx_end(db, LE_OK) ? model_db_problem(p) : LE_OK;
    }
    char when[21];
    if (!e && open_at && now < open_at) {
        time_iso8601(open_at, when);
        e = refuse(p, LE_FORBIDDEN, "quiz_not_open", "This quiz opens at %s.", when);
    } else if (!e && close_at && now >= close_at) {
        time_iso8601(close_at, when);
        e = refuse(p, LE_FORBIDDEN, "quiz_closed", "This quiz closed at %s.", when);
    } else if (!e && allowed && n_attempts >= allowed + extra_n) {
        e = refuse(p, LE_FORBIDDEN, "no_attempts_left", "%s", "You have used all your attempts at this quiz.");
    }
    struct drawn *d = NULL;
    int n = 0;
    if (!e) e = draw_questions(db, a, activity_id, category_id, random_count, &d, &n, p);
    if (!e && !n) e = refuse(p, LE_CONFLICT, "no_questions", "%s", "This quiz has no questions yet; ask its instructor to add some.");
    if (!e && shuffle_q) {
        for (int i = n - 1; i > 0; i--) {
            int j = (int)randombytes_uniform((uint32_t)i + 1);
            struct drawn tmp = d[i];
            d[i] = d[j];
            d[j] = tmp;
        }
    }
    int64_t deadline = limit > 0 ? now + limit + extra_s : 0;
    if (close_at && (!deadline || deadline > close_at)) deadline = close_at;
    double max = 0;
    for (int i = 0; i < n; i++) max += d[i].points;
    int64_t id = 0;
    if (!e) {
        st = db_query(db,
                      "INSERT INTO quiz_attempts (quiz_id, user_id, number, state, started_at, deadline_at, max_score) "
                      "VALUES (?1, ?2, ?3, 'in_progress', ?4, ?5, ?6) RETURNING id",
                      "iiiiid", activity_id, user_id, (int64_t)last_number + 1, now, deadline, max);
        if (!deadline) db_bind_null(st, 5);
        rc = db_step(st);
        if (rc == DB_ROW) id = db_col_int(st, 0);
        db_done(st);
        if (rc == DB_CONSTRAINT)
            e = refuse(p, LE_CONFLICT, "attempt_conflict", "%s",
                       "Another start of this quiz was under way at the same moment; open the quiz again.");
        else if (rc != DB_ROW)
            e = model_db_problem(p);
    }
    if (!e) {
        struct new_slot *slots = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *slots);
        for (int i = 0; i < n; i++)
            slots[i] = (struct new_slot){id, i + 1, &d[i], answer_order(a, &d[i], shuffle_a != 0)};
        if (bulk_insert_batched(db,
                                "INSERT INTO attempt_questions (attempt_id, slot, question_id, question_version, "
                                "points, answer_order) VALUES ",
                                "(?1, ?2, ?3, ?4, ?5, ?6)", (size_t)n, bind_new_slot, slots))
            e = model_db_problem(p);
    }
    if (!e) {
        json_t *j = json_pack("{s:I, s:i, s:i}", "quiz_id", (json_int_t)activity_id, "number", last_number + 1,
                              "questions", n);
        if (audit_append(db, user_id, "attempt.start", arena_sprintf(a, "attempt:%lld", (long long)id), j))
            e = model_db_problem(p);
        json_decref(j);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e && attempt_id_out) *attempt_id_out = id;
    return e;
}

/* ---- Showing ---- */

/* Whether the learner sees one kind of review now: never, once submitted, or once the quiz
 * has closed (a quiz without a close time never closes, as in Moodle). */
static bool review_shows(const char *when, const struct attempt *t, int64_t now)
{
    if (attempt_open(t)) return false;
    if (str_eq(when, "after_submit")) return true;
    if (str_eq(when, "after_close")) return t->close_at && now >= t->close_at;
    return false;
}

static const char *text_html(struct arena *a, json_t *q)
{
    const char *text = json_string_value(json_object_get(q, "text"));
    return rich_text_html(a, text, json_string_value(json_object_get(q, "format")));
}

/* A member of an answer or question in its own format (plain unless the bank said otherwise). */
static const char *member_html(struct arena *a, const json_t *o, const char *key, const char *format_key)
{
    const char *format = json_string_value(json_object_get(o, format_key));
    return rich_text_html(a, json_string_value(json_object_get(o, key)), format ? format : "plain");
}

/* The graded answer's feedback as HTML: g->feedback is borrowed from one of q's answers. */
static const char *feedback_html(struct arena *a, json_t *q, const char *feedback)
{
    size_t i;
    json_t *ans;
    json_array_foreach(json_object_get(q, "answers"), i, ans) {
        if (json_string_value(json_object_get(ans, "feedback")) == feedback)
            return member_html(a, ans, "feedback", "feedback_format");
    }
    return rich_text_html(a, feedback, "plain");
}

/* The display order stored with the slot, or 0..n-1. */
static int *display_order(struct arena *a, const char *stored, int n)
{
    int *v = arena_alloc(a, sizeof *v * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) v[i] = i;
    json_t *o = stored && *stored ? json_loads(stored, 0, NULL) : NULL;
    if (json_is_array(o) && (int)json_array_size(o) == n) {
        bool ok = true;
        for (int i = 0; i < n && ok; i++) {
            json_int_t k = json_integer_value(json_array_get(o, (size_t)i));
            ok = k >= 0 && k < n;
            v[i] = (int)k;
        }
        if (!ok)
            for (int i = 0; i < n; i++) v[i] = i;
    }
    json_decref(o);
    return v;
}

/* The response that earns full marks, in the response shape (assessments.h); null for essays and
 * descriptions. */
static json_t *correct_json(struct arena *a, const char *type, json_t *q)
{
    json_t *ans = json_object_get(q, "answers");
    size_t n = json_array_size(ans), best = 0;
    double best_f = -1e300;
    for (size_t i = 0; i < n; i++) {
        double f = json_number_value(json_object_get(json_array_get(ans, i), "fraction"));
        if (f > best_f) best_f = f, best = i;
    }
    if (!n) return json_null();
    json_t *b = json_array_get(ans, best);
    if (str_eq(type, "single")) return json_pack("{s:i}", "choice", (int)best);
    if (str_eq(type, "truefalse")) return json_pack("{s:b}", "value", best == 0);
    if (str_eq(type, "multi")) {
        json_t *v = json_array();
        for (size_t i = 0; i < n; i++)
            if (json_number_value(json_object_get(json_array_get(ans, i), "fraction")) > 0)
                json_array_append_new(v, json_integer((json_int_t)i));
        return json_pack("{s:o}", "choices", v);
    }
    if (str_eq(type, "short")) return json_pack("{s:O}", "text", json_object_get(b, "text"));
    if (str_eq(type, "numerical")) {
        json_t *value = json_object_get(b, "value");
        if (value) {
            double tol = json_number_value(json_object_get(b, "tolerance"));
            return json_pack("{s:s}", "value",
                             tol > 0 ? arena_sprintf(a, "%g ± %g", json_number_value(value), tol)
                                     : arena_sprintf(a, "%g", json_number_value(value)));
        }
        return json_pack("{s:s}", "value",
                         arena_sprintf(a, "%g..%g", json_number_value(json_object_get(b, "min")),
                                       json_number_value(json_object_get(b, "max"))));
    }
    if (str_eq(type, "matching")) {
        json_t *v = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(v, json_integer(question_pair_is_distractor(json_array_get(ans, i)) ? -1 : (json_int_t)i));
        return json_pack("{s:o}", "pairs", v);
    }
    return json_null();
}

static json_t *slot_json(struct arena *a, const struct attempt *t, const struct slot *s, int index,
                         const bool review[3], bool open)
{
    json_t *ans = json_object_get(s->q, "answers");
    int n = (int)json_array_size(ans);
    json_t *answers = json_array();
    const char *title = json_string_value(json_object_get(s->q, "title"));
    json_t *j = json_pack("{s:i, s:I, s:s, s:s, s:s, s:f, s:i, s:o}", "slot", s->slot, "question_id",
                          (json_int_t)s->question_id, "type", s->qtype, "title", title ? title : s->title, "text_html",
                          text_html(a, s->q), "points", s->points, "page", t->per_page > 0 ? index / t->per_page : 0,
                          "answers", answers);
    if (str_eq(s->qtype, "matching")) {
        json_t *lefts = json_array(), *rights = json_array();
        int *order = display_order(a, s->answer_order, n);
        for (int i = 0; i < n; i++) {
            json_t *pair = json_array_get(ans, (size_t)i);
            if (!question_pair_is_distractor(pair))
                json_array_append_new(lefts, json_pack("{s:i, s:O}", "index", i, "text", json_object_get(pair, "left")));
            json_array_append_new(rights, json_pack("{s:i, s:O}", "index", order[i], "text",
                                                    json_object_get(json_array_get(ans, (size_t)order[i]), "right")));
        }
        json_object_set_new(j, "lefts", lefts);
        json_object_set_new(j, "rights", rights);
    } else if (str_eq(s->qtype, "single") || str_eq(s->qtype, "multi") || str_eq(s->qtype, "truefalse")) {
        int *order = display_order(a, s->answer_order, n);
        for (int i = 0; i < n; i++) {
            json_t *answer = json_array_get(ans, (size_t)order[i]);
            json_array_append_new(answers, json_pack("{s:i, s:O, s:s}", "index", order[i], "text",
                                                     json_object_get(answer, "text"), "text_html",
                                                     member_html(a, answer, "text", "format")));
        }
    }
    bool show_answers = open || review[0];
    json_object_set(j, "response", show_answers && s->response ? s->response : json_null());
    if (open) return j;
    if (review[0]) {
        json_object_set_new(j, "fraction", s->graded ? json_real(s->fraction) : json_null());
        json_object_set_new(j, "mark", s->graded ? json_real(s->mark) : json_null());
        json_object_set_new(j, "needs_grading", json_boolean(!s->graded));
    }
    if (review[1]) json_object_set_new(j, "correct", correct_json(a, s->qtype, s->q));
    if (review[2]) {
        struct grade g = question_grade(s->q, s->response);
        json_object_set_new(j, "feedback", json_string(g.feedback ? g.feedback : ""));
        json_object_set_new(j, "feedback_html", json_string(feedback_html(a, s->q, g.feedback)));
        json_t *gf = json_object_get(s->q, "general_feedback");
        json_object_set_new(j, "general_feedback", json_is_string(gf) ? json_incref(gf) : json_string(""));
        json_object_set_new(j, "general_feedback_html",
                            json_string(member_html(a, s->q, "general_feedback", "general_feedback_format")));
        json_object_set_new(j, "comment", json_string(s->comment));
    }
    return j;
}

json_t *attempt_json(struct db *db, struct arena *a, int64_t attempt_id, int64_t viewer_id, bool grader,
                     struct problem *p)
{
    struct attempt t;
    lerr e = grader ? attempt_get(db, a, attempt_id, &t, p) : attempt_get_own(db, a, attempt_id, viewer_id, &t, p);
    if (e) return NULL;
    if (!t.enrolled && attempt_open(&t) &&
        (close_if_unenrolled(db, a, attempt_id, p) || attempt_get(db, a, attempt_id, &t, p)))
        return NULL;
    if (!t.enrolled && !grader) {
        not_enrolled(p, &t);
        return NULL;
    }
    int64_t now = time_now();
    if (attempt_overdue(&t, now)) {
        bool done;
        if (submit_if_overdue(db, a, attempt_id, &done, p) || attempt_get(db, a, attempt_id, &t, p)) return NULL;
    }
    struct slot *s;
    int n;
    if (slots_get(db, a, attempt_id, true, &s, &n, p)) return NULL;
    bool open = attempt_open(&t);
    bool review[3] = {grader && !open, grader && !open, grader && !open};
    if (!grader) {
        review[0] = review_shows(t.review_answers, &t, now);
        review[1] = review_shows(t.review_correct, &t, now);
        review[2] = review_shows(t.review_feedback, &t, now);
    }
    json_t *questions = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(questions, slot_json(a, &t, &s[i], i, review, open));
    int pages = t.per_page > 0 ? (n + t.per_page - 1) / t.per_page : 1;
    if (pages < 1) pages = 1;
    char now_s[21];
    time_iso8601(now, now_s);
    bool graded = !open && t.scored;
    json_t *j = json_pack(
        "{s:I, s:I, s:I, s:s, s:{s:I, s:s, s:s}, s:i, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:i, s:i, s:i, s:o, "
        "s:o, s:f, s:o, s:o, s:b, s:{s:b, s:b, s:b}}",
        "id", (json_int_t)t.id, "quiz_id", (json_int_t)t.quiz_id, "user_id", (json_int_t)t.user_id, "title",
        t.quiz_title, "course", "id", (json_int_t)t.course_id, "code", t.course_code, "title", t.course_title, "number",
        t.number, "state", t.state, "submitted_by", t.submitted_by, "started_at", model_json_time(t.started_at),
        "deadline_at", model_json_time(t.deadline_at), "submitted_at", model_json_time(t.submitted_at), "now", now_s,
        "seconds_left",
        open && t.deadline_at ? json_integer(t.deadline_at > now ? t.deadline_at - now : 0) : json_null(), "page",
        t.page < pages ? t.page : pages - 1, "pages", pages, "per_page", t.per_page, "questions", questions, "score",
        graded ? json_real(t.score) : json_null(), "max_score", t.max_score, "percent",
        graded ? json_real(t.percent) : json_null(), "passed",
        graded && !t.needs_grading ? json_boolean(t.percent + 1e-9 >= t.pass_percent) : json_null(), "needs_grading",
        t.needs_grading > 0, "review", "answers", review[0], "correct", review[1], "feedback", review[2]);
    if (!j) problem_set(p, LE_NOMEM, "", "out of memory");
    return j;
}

/* ---- Saving and submitting ---- */

struct pending {
    int slot;
    const char *response;   /* JSON text; NULL clears the answer */
};

/* Checks every answer before anything is written: all or nothing. */
static lerr answers_check(struct arena *a, const struct slot *s, int n, const json_t *answers, struct pending **out,
                          int *n_out, struct problem *p)
{
    *out = NULL;
    *n_out = 0;
    if (!answers) return LE_OK;
    if (!json_is_object(answers))
        return problem_set(p, LE_INVALID, "answers",
                           "Send the answers as an object of question slots to responses, such as {\"1\": {\"choice\": 2}}.");
    size_t size = json_object_size(answers);
    if ((int)size > n)
        return problem_set(p, LE_INVALID, "answers", "This attempt has %d questions; %zu answers were sent.", n, size);
    struct pending *v = arena_alloc(a, sizeof *v * (size ? size : 1));
    int k = 0;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)answers, key, value)
    {
        char *end;
        long slot = strtol(key, &end, 10);
        const struct slot *found = NULL;
        for (int i = 0; *key && !*end && i < n && !found; i++)
            if (s[i].slot == slot) found = &s[i];
        if (!found)
            return problem_set(p, LE_INVALID, arena_sprintf(a, "answers.%.40s", key),
                               "This attempt has no question %.40s; nothing was saved.", key);
        const char *text = NULL;
        if (!json_is_null(value) && !(json_is_object(value) && json_object_size(value) == 0)) {
            if (!json_is_object(value))
                return problem_set(p, LE_INVALID, arena_sprintf(a, "answers.%d", found->slot),
                                   "Send the answer to question %d as an object (assessments.h's response shape).",
                                   found->slot);
            lerr e = question_response_check(slot_question(a, found), value, p);
            if (e) {
                snprintf(p->field, sizeof p->field, "answers.%d", found->slot);
                return e;
            }
            char *dump = json_dumps(value, JSON_COMPACT);
            if (!dump) return problem_set(p, LE_NOMEM, "", "out of memory");
            text = arena_strdup(a, dump);
            json_text_free(dump);
        }
        v[k++] = (struct pending){.slot = found->slot, .response = text};
    }
    *out = v;
    *n_out = k;
    return LE_OK;
}

static lerr answers_write(struct db *db, int64_t attempt_id, const struct pending *v, int n, int64_t now,
                          struct problem *p)
{
    for (int i = 0; i < n; i++)
        if (db_run(db, "UPDATE attempt_questions SET response = ?3, saved_at = ?4 WHERE attempt_id = ?1 AND slot = ?2",
                   "iisi", attempt_id, (int64_t)v[i].slot, v[i].response, now))
            return model_db_problem(p);
    return LE_OK;
}

/* Inside a transaction: the attempt is still open and within its deadline (another request may
 * have submitted it since it was read). */
static lerr still_open(struct db *db, struct arena *a, struct attempt *t, int64_t now, struct problem *p)
{
    lerr e = attempt_get(db, a, t->id, t, p);
    if (e) return e;
    if (!attempt_open(t)) return already_submitted(p);
    if (!t->enrolled) return not_enrolled(p, t);
    if (attempt_overdue(t, now)) return deadline_passed(p, t);
    return LE_OK;
}

/* What a save and a submit share: the learner's own attempt, still open; the answers checked
 * against its slots before anything is written; then, in one transaction that checks the
 * attempt again, the answers written and either the page stored (page >= 0) or the attempt
 * submitted. Past the deadline the server submits the attempt with what was saved before: a
 * save is refused, and so is a submit that brings answers. t receives the attempt. */
static lerr answers_store(struct db *db, struct arena *a, int64_t attempt_id, int64_t user_id, const json_t *answers,
                          int page, bool submit, int64_t now, struct attempt *t, struct problem *p)
{
    lerr e = attempt_get_own(db, a, attempt_id, user_id, t, p);
    if (e) return e;
    if (!t->enrolled) {
        if (attempt_open(t) && (e = close_if_unenrolled(db, a, attempt_id, p))) return e;
        return not_enrolled(p, t);
    }
    if (!attempt_open(t)) return already_submitted(p);
    if (attempt_overdue(t, now)) {
        if ((e = submit_if_overdue(db, a, attempt_id, NULL, p))) return e;
        bool has_answers = json_is_object(answers) && json_object_size(answers) > 0;
        return submit && !has_answers ? LE_OK : deadline_passed(p, t);
    }
    struct slot *s;
    int n;
    struct pending *v;
    int nv;
    if ((e = slots_get(db, a, attempt_id, false, &s, &n, p)) || (e = answers_check(a, s, n, answers, &v, &nv, p))) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    e = still_open(db, a, t, now, p);
    if (!e) e = answers_write(db, attempt_id, v, nv, now, p);
    if (!e && submit) {
        e = submit_locked(db, a, t, "learner", user_id, p);
    } else if (!e && page >= 0) {
        int pages = t->per_page > 0 ? (n + t->per_page - 1) / t->per_page : 1;
        if (page >= pages) page = pages > 0 ? pages - 1 : 0;
        if (db_run(db, "UPDATE quiz_attempts SET page = ?2 WHERE id = ?1", "ii", attempt_id, (int64_t)page))
            e = model_db_problem(p);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (e && str_eq(p->reason, "deadline_passed")) submit_if_overdue(db, a, attempt_id, NULL, NULL);
    return e;
}

lerr attempt_save(struct db *db, struct arena *a, int64_t attempt_id, int64_t user_id, const json_t *answers,
                  int page, int64_t *saved_at_out, int64_t *seconds_left_out, struct problem *p)
{
    int64_t now = time_now();
    struct attempt t;
    lerr e = answers_store(db, a, attempt_id, user_id, answers, page, false, now, &t, p);
    if (saved_at_out) *saved_at_out = e ? 0 : now;
    if (seconds_left_out)
        *seconds_left_out = e || !t.deadline_at ? -1 : t.deadline_at > now ? t.deadline_at - now : 0;
    return e;
}

lerr attempt_submit(struct db *db, struct arena *a, int64_t attempt_id, int64_t user_id, const json_t *answers,
                    struct problem *p)
{
    struct attempt t;
    return answers_store(db, a, attempt_id, user_id, answers, -1, true, time_now(), &t, p);
}

int attempt_submit_overdue(struct db *db, struct arena *a)
{
    int total = 0;
    enum { BATCH = 100 };
    for (int round = 0; round < 20; round++) {
        int64_t ids[BATCH];
        int n = 0;
        struct db_stmt *st = db_query(db,
                                      "SELECT id FROM quiz_attempts WHERE state = 'in_progress' AND deadline_at IS NOT "
                                      "NULL AND deadline_at <= ?1 ORDER BY deadline_at LIMIT ?2",
                                      "ii", time_now(), (int64_t)BATCH);
        while (n < BATCH && db_step(st) == DB_ROW) ids[n++] = db_col_int(st, 0);
        db_done(st);
        int done_now = 0;
        for (int i = 0; i < n; i++) {
            struct problem p = {0};
            bool submitted = false;
            if (submit_if_overdue(db, a, ids[i], &submitted, &p))
                log_error("quiz: cannot submit overdue attempt %lld: %s", (long long)ids[i], p.message);
            else if (submitted)
                done_now++;
        }
        total += done_now;
        if (n < BATCH || !done_now) break;
    }
    return total;
}

lerr attempts_close_unenrolled(struct db *db, int64_t course_id, int64_t user_id, struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT t.id FROM quiz_attempts t JOIN activities x ON x.id = t.quiz_id WHERE "
                                  "t.user_id = ?2 AND t.state = 'in_progress' AND x.course_id = ?1 ORDER BY t.id",
                                  "ii", course_id, user_id);
    int64_t ids[64];
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW)
        if (n < 64) ids[n++] = db_col_int(st, 0); /* one open attempt per quiz: a course has few */
    db_done(st);
    if (rc != DB_DONE) return model_db_problem(p);
    struct arena *a = arena_new(8192);
    lerr e = LE_OK;
    for (int i = 0; i < n && !e; i++) {
        struct attempt t;
        e = attempt_get(db, a, ids[i], &t, p);
        if (!e && attempt_open(&t)) e = submit_locked(db, a, &t, "unenrolled", 0, p);
    }
    arena_free(a);
    return e;
}

/* ---- Grading by hand and regrading ---- */

lerr attempt_grade_slot(struct db *db, struct arena *a, int64_t attempt_id, int slot, double fraction,
                        const char *comment, int64_t actor_id, struct problem *p)
{
    if (!isfinite(fraction) || fraction < 0 || fraction > 1)
        return problem_set(p, LE_INVALID, "fraction",
                           "Give the mark as a fraction of the question's points, from 0 to 1 (0.5 = half marks).");
    if (!comment) comment = "";
    if (strlen(comment) > GRADE_COMMENT_MAX)
        return problem_set(p, LE_TOOBIG, "comment", "A comment holds at most %d bytes; shorten it.", GRADE_COMMENT_MAX);
    if (!utf8_valid(comment, strlen(comment)))
        return problem_set(p, LE_INVALID, "comment", "The comment is not valid UTF-8 text.");
    if (db_tx_begin(db)) return model_db_problem(p);
    struct attempt t;
    lerr e = attempt_get(db, a, attempt_id, &t, p);
    if (!e && attempt_open(&t)) {
        problem_set(p, LE_CONFLICT, "id", "This attempt is still in progress; grade it once it has been submitted.");
        snprintf(p->reason, sizeof p->reason, "attempt_in_progress");
        e = LE_CONFLICT;
    }
    double points = 0;
    if (!e) {
        struct db_stmt *st = db_query(db, "SELECT points FROM attempt_questions WHERE attempt_id = ?1 AND slot = ?2", "ii",
                                      attempt_id, (int64_t)slot);
        int rc = db_step(st);
        if (rc == DB_ROW) points = db_col_double(st, 0);
        db_done(st);
        if (rc == DB_DONE)
            e = problem_set(p, LE_NOTFOUND, "slot", "This attempt has no question %d.", slot);
        else if (rc < 0)
            e = model_db_problem(p);
    }
    int64_t now = time_now();
    if (!e && db_run(db,
                     "UPDATE attempt_questions SET fraction = ?3, mark = ?4, comment = ?5, graded_by = ?6, graded_at = "
                     "?7 WHERE attempt_id = ?1 AND slot = ?2",
                     "iiddsii", attempt_id, (int64_t)slot, fraction, fraction * points, comment, actor_id, now))
        e = model_db_problem(p);
    double percent = 0;
    int needs = 0;
    if (!e) e = rescore(db, attempt_id, NULL, &percent, &needs, p);
    if (!e) e = complete_if_due(db, t.quiz_id, t.user_id, t.complete_on, t.pass_percent, percent, needs, p);
    if (!e) {
        json_t *d = json_pack("{s:I, s:I, s:i, s:f, s:f}", "quiz_id", (json_int_t)t.quiz_id, "user_id",
                              (json_int_t)t.user_id, "slot", slot, "fraction", fraction, "percent", percent);
        if (audit_append(db, actor_id, "attempt.grade", arena_sprintf(a, "attempt:%lld", (long long)attempt_id), d))
            e = model_db_problem(p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

struct regrade_row {
    int64_t attempt_id, quiz_id, user_id;
    int slot;
    double points, fraction;
    bool graded;
    json_t *response;
};

int attempt_regrade_question(struct db *db, struct arena *a, int64_t question_id)
{
    struct problem p = {0};
    json_t *q = NULL;
    int64_t version = 0;
    struct db_stmt *st = db_query(db, "SELECT data, version FROM questions WHERE id = ?1", "i", question_id);
    if (db_step(st) == DB_ROW) q = json_col(a, st, 0), version = db_col_int(st, 1);
    db_done(st);
    if (!q) return 0;
    if (db_tx_begin(db)) return -1;
    lerr e = LE_OK;
    /* Collected first: the updates below must not run while this statement is being read. */
    int n = 0, cap = 64, rc;
    struct regrade_row *v = arena_alloc(a, sizeof *v * (size_t)cap);
    st = db_query(db,
                  "SELECT s.attempt_id, t.quiz_id, t.user_id, s.slot, s.points, s.fraction, s.response FROM "
                  "attempt_questions s JOIN quiz_attempts t ON t.id = s.attempt_id WHERE s.question_id = ?1 AND "
                  "s.graded_by = 0 AND t.state = 'submitted' ORDER BY s.attempt_id, s.slot",
                  "i", question_id);
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            struct regrade_row *more = arena_alloc(a, sizeof *v * (size_t)cap * 2);
            memcpy(more, v, sizeof *v * (size_t)n);
            v = more;
            cap *= 2;
        }
        v[n++] = (struct regrade_row){
            .attempt_id = db_col_int(st, 0),
            .quiz_id = db_col_int(st, 1),
            .user_id = db_col_int(st, 2),
            .slot = (int)db_col_int(st, 3),
            .points = db_col_double(st, 4),
            .graded = !db_col_is_null(st, 5),
            .fraction = db_col_double(st, 5),
            .response = json_col(a, st, 6),
        };
    }
    db_done(st);
    if (rc < 0) e = model_db_problem(&p);
    int64_t now = time_now();
    int changed = 0;
    int64_t last_attempt = 0;
    bool touched = false;
    for (int i = 0; !e && i <= n; i++) {
        /* An attempt's rows are together: rescore it when the next attempt starts (or at the end). */
        if (i == n || v[i].attempt_id != last_attempt) {
            if (touched) {
                bool moved = false;
                double percent = 0;
                int needs = 0;
                const struct regrade_row *r = &v[i - 1];
                e = rescore(db, r->attempt_id, &moved, &percent, &needs, &p);
                const char *complete_on = NULL;
                double pass = 0;
                if (!e) {
                    st = db_query(db, "SELECT complete_on, pass_percent FROM quizzes WHERE activity_id = ?1", "i",
                                  r->quiz_id);
                    if (db_step(st) == DB_ROW) complete_on = model_col_str(a, st, 0), pass = db_col_double(st, 1);
                    db_done(st);
                }
                if (!e && complete_on) e = complete_if_due(db, r->quiz_id, r->user_id, complete_on, pass, percent, needs, &p);
                if (moved) changed++;
            }
            if (i == n) break;
            last_attempt = v[i].attempt_id;
            touched = false;
        }
        struct slot s = {.q = q, .response = v[i].response};
        bool graded;
        double f = auto_fraction(&s, &graded);
        if (graded == v[i].graded && (!graded || fabs(f - v[i].fraction) < 1e-9)) continue;
        e = slot_set_grade(db, v[i].attempt_id, v[i].slot, graded, f, v[i].points, now, &p);
        touched = true;
    }
    if (!e && db_run(db,
                     "UPDATE attempt_questions SET question_version = ?2 WHERE question_id = ?1 AND graded_by = 0 AND "
                     "question_version <> ?2 AND EXISTS (SELECT 1 FROM quiz_attempts t WHERE t.id = "
                     "attempt_questions.attempt_id AND t.state = 'submitted')",
                     "ii", question_id, version))
        e = model_db_problem(&p);
    if (db_tx_end(db, e) || e) {
        log_error("quiz: regrading question %lld failed: %s", (long long)question_id, p.message);
        return -1;
    }
    return changed;
}
