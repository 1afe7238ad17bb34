/* Quizzes: the 'quiz' activity kind's settings, its learner's summary and per-learner overrides
 * (docs/assessments.md). A quiz is an activity row plus a quizzes row made in the same
 * transaction (activity_kinds.c's after-create hook); its fixed questions are quiz_questions,
 * or random_count questions are drawn from a category for every attempt (attempt.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define QUIZ_QUESTIONS_MAX 500
#define QUIZ_POINTS_MAX 1000.0

static const char *const grading_methods[] = {"highest", "last", "average", "first", NULL};
static const char *const review_values[] = {"never", "after_submit", "after_close", NULL};
static const char *const complete_values[] = {"submit", "pass", NULL};

static bool one_of(const char *s, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (str_eq(s, list[i])) return true;
    return false;
}

/* The settings as stored (and, while saving, as they will be). */
struct quiz_row {
    int64_t course_id;
    const char *title;
    int64_t random_category_id;
    int random_count, shuffle_questions, shuffle_answers;
    int64_t open_at, close_at;
    int time_limit_seconds, attempts_allowed, per_page;
    const char *grading_method, *review_answers, *review_correct, *review_feedback, *complete_on;
    double pass_percent;
    int extra_seconds, extra_attempts;     /* the viewer's override */
    int64_t n_questions;
    double max_score;
};

/* Reads a quiz (a live quiz activity) with user_id's override. LE_NOTFOUND when there is none. */
static lerr quiz_row_get(struct db *db, struct arena *a, int64_t activity_id, int64_t user_id, struct quiz_row *r,
                         struct problem *p)
{
    struct db_stmt *st = db_query(
        db,
        "SELECT x.course_id, x.title, COALESCE(q.random_category_id, 0), q.random_count, q.shuffle_questions, "
        "q.shuffle_answers, COALESCE(q.open_at, 0), COALESCE(q.close_at, 0), q.time_limit_seconds, "
        "q.attempts_allowed, q.per_page, q.grading_method, q.review_answers, q.review_correct, q.review_feedback, "
        "q.complete_on, q.pass_percent, COALESCE(o.extra_seconds, 0), COALESCE(o.extra_attempts, 0), "
        "(SELECT COUNT(*) FROM quiz_questions qq JOIN questions s ON s.id = qq.question_id WHERE qq.quiz_id = "
        "q.activity_id AND s.deleted_at IS NULL), (SELECT COALESCE(SUM(qq.points), 0) FROM quiz_questions qq JOIN "
        "questions s ON s.id = qq.question_id WHERE qq.quiz_id = q.activity_id AND s.deleted_at IS NULL AND s.qtype "
        "<> 'description') FROM quizzes q JOIN activities x ON x.id = q.activity_id LEFT JOIN quiz_overrides o ON "
        "o.quiz_id = q.activity_id AND o.user_id = ?2 WHERE q.activity_id = ?1 AND x.deleted_at IS NULL",
        "ii", activity_id, user_id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *r = (struct quiz_row){
            .course_id = db_col_int(st, 0),
            .title = model_col_str(a, st, 1),
            .random_category_id = db_col_int(st, 2),
            .random_count = (int)db_col_int(st, 3),
            .shuffle_questions = (int)db_col_int(st, 4),
            .shuffle_answers = (int)db_col_int(st, 5),
            .open_at = db_col_int(st, 6),
            .close_at = db_col_int(st, 7),
            .time_limit_seconds = (int)db_col_int(st, 8),
            .attempts_allowed = (int)db_col_int(st, 9),
            .per_page = (int)db_col_int(st, 10),
            .grading_method = model_col_str(a, st, 11),
            .review_answers = model_col_str(a, st, 12),
            .review_correct = model_col_str(a, st, 13),
            .review_feedback = model_col_str(a, st, 14),
            .complete_on = model_col_str(a, st, 15),
            .pass_percent = db_col_double(st, 16),
            .extra_seconds = (int)db_col_int(st, 17),
            .extra_attempts = (int)db_col_int(st, 18),
            .n_questions = db_col_int(st, 19),
            .max_score = db_col_double(st, 20),
        };
    db_done(st);
    if (rc == DB_DONE)
        return problem_set(p, LE_NOTFOUND, "id", "This quiz no longer exists; open the course page again.");
    return rc == DB_ROW ? LE_OK : model_db_problem(p);
}

/* A category the course may use: its own or a shared one. *name_out its name. */
static lerr category_usable(struct db *db, struct arena *a, int64_t course_id, int64_t category_id,
                            const char **name_out, struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT name FROM question_categories WHERE id = ?1 AND (course_id = ?2 OR course_id "
                                  "IS NULL)",
                                  "ii", category_id, course_id);
    int rc = db_step(st);
    if (rc == DB_ROW) *name_out = model_col_str(a, st, 0);
    db_done(st);
    if (rc == DB_DONE)
        return problem_set(p, LE_INVALID, "random_category_id",
                           "Category %lld is not in this course's question bank; choose one of the course's own "
                           "categories or a shared one.",
                           (long long)category_id);
    return rc == DB_ROW ? LE_OK : model_db_problem(p);
}

/* "12, 7,9" into ids; LE_INVALID naming what is wrong. */
static lerr parse_ids(struct arena *a, const char *s, int64_t **out, int *n_out, struct problem *p)
{
    int n = 0, cap = 16;
    int64_t *ids = arena_alloc(a, sizeof *ids * (size_t)cap);
    const char *c = s;
    while (*c) {
        while (*c == ' ' || *c == ',' || *c == '\t') c++;
        if (!*c) break;
        char *end;
        long long v = strtoll(c, &end, 10);
        if (end == c || v <= 0 || (*end && *end != ',' && *end != ' ' && *end != '\t'))
            return problem_set(p, LE_INVALID, "questions",
                               "List the questions as their ids separated by commas, such as \"12, 7, 9\".");
        if (n == QUIZ_QUESTIONS_MAX)
            return problem_set(p, LE_INVALID, "questions", "A quiz holds at most %d questions.", QUIZ_QUESTIONS_MAX);
        for (int i = 0; i < n; i++)
            if (ids[i] == v)
                return problem_set(p, LE_INVALID, "questions", "Question %lld is in the list twice; keep it once.", v);
        if (n == cap) {
            int64_t *more = arena_alloc(a, sizeof *ids * (size_t)cap * 2);
            memcpy(more, ids, sizeof *ids * (size_t)n);
            ids = more;
            cap *= 2;
        }
        ids[n++] = v;
        c = end;
    }
    *out = ids;
    *n_out = n;
    return LE_OK;
}

static lerr parse_points(struct arena *a, const char *s, int n_expected, double **out, struct problem *p)
{
    double *pts = arena_alloc(a, sizeof *pts * (size_t)(n_expected ? n_expected : 1));
    int n = 0;
    const char *c = s;
    while (*c) {
        while (*c == ' ' || *c == ',' || *c == '\t') c++;
        if (!*c) break;
        char *end;
        double v = strtod(c, &end);
        if (end == c || (*end && *end != ',' && *end != ' ' && *end != '\t'))
            return problem_set(p, LE_INVALID, "points", "Give the points as numbers separated by commas, such as \"1, 2, 0.5\".");
        if (n == n_expected)
            return problem_set(p, LE_INVALID, "points", "Give one number of points for each of the %d questions.",
                               n_expected);
        if (!isfinite(v) || v <= 0 || v > QUIZ_POINTS_MAX)
            return problem_set(p, LE_INVALID, "points",
                               "Points must be more than 0 and at most %g; question %d has %g.", QUIZ_POINTS_MAX, n + 1, v);
        pts[n++] = v;
        c = end;
    }
    if (n != n_expected)
        return problem_set(p, LE_INVALID, "points", "Give one number of points for each of the %d questions (%d given).",
                           n_expected, n);
    *out = pts;
    return LE_OK;
}

/* Every question must be live and in the course's bank (its own or a shared category). */
static lerr check_questions(struct db *db, int64_t course_id, const int64_t *ids, int n, struct problem *p)
{
    for (int i = 0; i < n; i++) {
        struct db_stmt *st = db_query(db,
                                      "SELECT COALESCE(c.course_id, 0), CASE WHEN q.deleted_at IS NULL THEN 0 ELSE 1 "
                                      "END FROM questions q JOIN question_categories c ON c.id = q.category_id WHERE q.id = ?1",
                                      "i", ids[i]);
        int rc = db_step(st);
        int64_t owner = rc == DB_ROW ? db_col_int(st, 0) : -1, deleted = rc == DB_ROW ? db_col_int(st, 1) : 0;
        db_done(st);
        if (rc < 0) return model_db_problem(p);
        if (rc == DB_DONE || (owner != 0 && owner != course_id))
            return problem_set(p, LE_INVALID, "questions",
                               "Question %lld is not in this course's question bank; choose questions of the "
                               "course's own categories or shared ones.",
                               (long long)ids[i]);
        if (deleted)
            return problem_set(p, LE_INVALID, "questions", "Question %lld has been deleted; take it out of the list.",
                               (long long)ids[i]);
    }
    return LE_OK;
}

static lerr check_settings(struct db *db, struct arena *a, const struct quiz_row *r, struct problem *p)
{
    if (!one_of(r->grading_method, grading_methods))
        return problem_set(p, LE_INVALID, "grading_method",
                           "Choose how the attempts make the grade: highest, last, average or first.");
    const struct {
        const char *field, *value;
    } reviews[] = {{"review_answers", r->review_answers},
                   {"review_correct", r->review_correct},
                   {"review_feedback", r->review_feedback}};
    for (size_t i = 0; i < sizeof reviews / sizeof reviews[0]; i++)
        if (!one_of(reviews[i].value, review_values))
            return problem_set(p, LE_INVALID, reviews[i].field,
                               "Choose when learners see this: never, after_submit or after_close.");
    if (!one_of(r->complete_on, complete_values))
        return problem_set(p, LE_INVALID, "complete_on",
                           "Choose when the quiz is complete: submit (any submitted attempt) or pass.");
    if (!isfinite(r->pass_percent) || r->pass_percent < 0 || r->pass_percent > 100)
        return problem_set(p, LE_INVALID, "pass_percent", "Give the passing grade as a percent from 0 to 100.");
    if (r->open_at < 0 || r->close_at < 0)
        return problem_set(p, LE_INVALID, r->open_at < 0 ? "open_at" : "close_at", "Give a time, or none.");
    if (r->open_at && r->close_at && r->close_at <= r->open_at)
        return problem_set(p, LE_INVALID, "close_at", "The quiz closes before it opens; set the close time after the open time.");
    if (r->time_limit_seconds < 0 || r->time_limit_seconds > 7 * 24 * 3600)
        return problem_set(p, LE_INVALID, "time_limit_seconds",
                           "Give the time limit in seconds (at most a week), or 0 for none.");
    if (r->attempts_allowed < 0 || r->attempts_allowed > 1000)
        return problem_set(p, LE_INVALID, "attempts_allowed", "Give the attempts allowed (at most 1000), or 0 for unlimited.");
    if (r->per_page < 0 || r->per_page > QUIZ_QUESTIONS_MAX)
        return problem_set(p, LE_INVALID, "per_page", "Give the questions per page, or 0 for all on one page.");
    if (r->shuffle_questions < 0 || r->shuffle_questions > 1 || r->shuffle_answers < 0 || r->shuffle_answers > 1)
        return problem_set(p, LE_INVALID, r->shuffle_questions > 1 ? "shuffle_questions" : "shuffle_answers",
                           "Say yes (1) or no (0).");
    if (r->random_count < 0 || r->random_count > QUIZ_QUESTIONS_MAX)
        return problem_set(p, LE_INVALID, "random_count", "Draw at most %d questions at random, or 0 for a fixed list.",
                           QUIZ_QUESTIONS_MAX);
    if (r->random_count > 0) {
        if (r->random_category_id <= 0)
            return problem_set(p, LE_INVALID, "random_category_id",
                               "Choose the category to draw the %d random questions from.", r->random_count);
        const char *name = "";
        lerr e = category_usable(db, a, r->course_id, r->random_category_id, &name, p);
        if (e) return e;
        int64_t live = 0;
        if (db_query_int(db, &live,
                         "SELECT COUNT(*) FROM questions WHERE category_id = ?1 AND deleted_at IS NULL AND qtype <> "
                         "'description'",
                         "i", r->random_category_id))
            return model_db_problem(p);
        if (live < r->random_count)
            return problem_set(p, LE_INVALID, "random_count",
                               "The category \"%s\" has %lld question%s; draw at most that many, or add questions to it.",
                               name, (long long)live, live == 1 ? "" : "s");
    }
    return LE_OK;
}

static void apply_settings(struct quiz_row *r, const struct quiz_settings *s)
{
#define SET_IF(field, cond) \
    if (cond) r->field = s->field
    SET_IF(random_category_id, s->random_category_id >= 0);
    SET_IF(random_count, s->random_count >= 0);
    SET_IF(shuffle_questions, s->shuffle_questions >= 0);
    SET_IF(shuffle_answers, s->shuffle_answers >= 0);
    SET_IF(open_at, s->open_at != -1);
    SET_IF(close_at, s->close_at != -1);
    SET_IF(time_limit_seconds, s->time_limit_seconds != -1);
    SET_IF(attempts_allowed, s->attempts_allowed != -1);
    SET_IF(per_page, s->per_page != -1);
    SET_IF(grading_method, s->grading_method);
    SET_IF(review_answers, s->review_answers);
    SET_IF(review_correct, s->review_correct);
    SET_IF(review_feedback, s->review_feedback);
    SET_IF(complete_on, s->complete_on);
    SET_IF(pass_percent, !(s->pass_percent < 0));
#undef SET_IF
    if (s->random_count == 0 && s->random_category_id < 0) r->random_category_id = 0;
}

lerr quiz_save(struct db *db, struct arena *a, int64_t course_id, int64_t activity_id,
               const struct quiz_settings *s, int64_t actor_id, struct problem *p)
{
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = LE_OK;
    /* The activity must be a live quiz of this course. */
    struct db_stmt *st = db_query(db,
                                  "SELECT x.kind, CASE WHEN q.activity_id IS NULL THEN 0 ELSE 1 END FROM activities x "
                                  "LEFT JOIN quizzes q ON q.activity_id = x.id WHERE x.id = ?1 AND x.course_id = ?2 AND "
                                  "x.deleted_at IS NULL",
                                  "ii", activity_id, course_id);
    int rc = db_step(st);
    bool is_quiz = rc == DB_ROW && str_eq(db_col_text(st, 0), "quiz");
    bool exists = rc == DB_ROW && db_col_int(st, 1);
    db_done(st);
    if (rc < 0)
        e = model_db_problem(p);
    else if (!is_quiz)
        e = problem_set(p, LE_NOTFOUND, "id", "This course has no such quiz (it may have been deleted); open the course page again.");
    /* A new quiz gets its row with the schema's defaults first; the settings then apply to it.
     * A quiz completes by its attempts (attempt.c), never by being marked done. */
    if (!e && !exists &&
        (db_run(db, "INSERT INTO quizzes (activity_id) VALUES (?1)", "i", activity_id) ||
         db_run(db, "UPDATE activities SET allow_mark_done = 0 WHERE id = ?1", "i", activity_id)))
        e = model_db_problem(p);
    struct quiz_row r = {0};
    if (!e) e = quiz_row_get(db, a, activity_id, 0, &r, p);
    if (!e) {
        apply_settings(&r, s);
        e = check_settings(db, a, &r, p);
    }
    /* The fixed questions: a new list, or new points for the list there is. */
    int64_t *ids = NULL;
    double *pts = NULL;
    int n = 0;
    bool replace = s->questions || s->points;
    if (!e && s->questions) {
        e = parse_ids(a, s->questions, &ids, &n, p);
        if (!e) e = check_questions(db, course_id, ids, n, p);
    } else if (!e && s->points) {
        int64_t count = 0;
        if (db_query_int(db, &count, "SELECT COUNT(*) FROM quiz_questions WHERE quiz_id = ?1", "i", activity_id))
            e = model_db_problem(p);
        ids = arena_alloc(a, sizeof *ids * (size_t)(count + 1));
        st = e ? NULL : db_query(db, "SELECT question_id FROM quiz_questions WHERE quiz_id = ?1 ORDER BY position", "i",
                                 activity_id);
        while (st && n < count && db_step(st) == DB_ROW) ids[n++] = db_col_int(st, 0);
        if (st) db_done(st);
    }
    if (!e && replace) {
        if (s->points)
            e = parse_points(a, s->points, n, &pts, p);
        else {
            pts = arena_alloc(a, sizeof *pts * (size_t)(n ? n : 1));
            for (int i = 0; i < n; i++) pts[i] = 1;
        }
    }
    if (!e && replace) {
        if (db_run(db, "DELETE FROM quiz_questions WHERE quiz_id = ?1", "i", activity_id)) e = model_db_problem(p);
        for (int i = 0; !e && i < n; i++)
            if (db_run(db, "INSERT INTO quiz_questions (quiz_id, question_id, position, points) VALUES (?1, ?2, ?3, ?4)",
                       "iiid", activity_id, ids[i], (int64_t)(i + 1), pts[i]))
                e = model_db_problem(p);
    }
    if (!e) {
        struct db_stmt *u = db_query(
            db,
            "UPDATE quizzes SET random_category_id = ?2, random_count = ?3, shuffle_questions = ?4, shuffle_answers = "
            "?5, open_at = ?6, close_at = ?7, time_limit_seconds = ?8, attempts_allowed = ?9, grading_method = ?10, "
            "pass_percent = ?11, per_page = ?12, review_answers = ?13, review_correct = ?14, review_feedback = ?15, "
            "complete_on = ?16 WHERE activity_id = ?1",
            "iiiiiiiiisdissss", activity_id, r.random_category_id, (int64_t)r.random_count,
            (int64_t)r.shuffle_questions, (int64_t)r.shuffle_answers, r.open_at, r.close_at,
            (int64_t)r.time_limit_seconds, (int64_t)r.attempts_allowed, r.grading_method, r.pass_percent,
            (int64_t)r.per_page, r.review_answers, r.review_correct, r.review_feedback, r.complete_on);
        /* random_category_id, open_at and close_at are NULL for none: bound again below. */
        if (r.random_category_id <= 0) db_bind_null(u, 2);
        if (!r.open_at) db_bind_null(u, 6);
        if (!r.close_at) db_bind_null(u, 7);
        if (db_step(u) != DB_DONE) e = model_db_problem(p);
        db_done(u);
    }
    if (!e) {
        json_t *d = json_pack("{s:I, s:I, s:i, s:s, s:f, s:i, s:i, s:s}", "course_id", (json_int_t)course_id,
                              "random_category_id", (json_int_t)r.random_category_id, "random_count", r.random_count,
                              "grading_method", r.grading_method, "pass_percent", r.pass_percent, "time_limit_seconds",
                              r.time_limit_seconds, "attempts_allowed", r.attempts_allowed, "complete_on", r.complete_on);
        if (replace) json_object_set_new(d, "questions", json_integer(n));
        if (audit_append(db, actor_id, exists ? "quiz.update" : "quiz.create",
                         arena_sprintf(a, "quiz:%lld", (long long)activity_id), d))
            e = model_db_problem(p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

/* The same activity in the copy: sections match by position within the course, activities by
 * position within their section (course_copy copies both that way). */
#define COPY_ACTIVITY_MAP                                                                                   \
    "JOIN activities x ON x.id = q.activity_id JOIN course_sections os ON os.id = x.section_id JOIN "     \
    "course_sections ns ON ns.course_id = ?2 AND ns.position = os.position JOIN activities na ON na.course_id = " \
    "?2 AND na.section_id = ns.id AND na.position = x.position AND na.kind = 'quiz' "

struct question_map {
    int64_t from, to;
};

static int64_t question_mapped(const struct question_map *m, size_t n, int64_t from)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].from == from) return m[i].to;
    return from; /* a shared question: the copy uses the same one */
}

lerr quizzes_copy(struct db *db, struct arena *a, int64_t from_course, int64_t to_course, struct problem *p)
{
    int64_t now = time_now();
    if (db_run(db,
               "INSERT INTO question_categories (course_id, name, created_at) SELECT ?2, name, ?3 FROM "
               "question_categories WHERE course_id = ?1",
               "iii", from_course, to_course, now))
        return model_db_problem(p);
    /* The course's own questions, read first (an engine may not insert while a result is open). */
    struct db_stmt *st = db_query(db,
                                  "SELECT q.id, nc.id, q.qtype, q.title, q.data, q.created_by FROM questions q JOIN "
                                  "question_categories oc ON oc.id = q.category_id JOIN question_categories nc ON "
                                  "nc.course_id = ?2 AND nc.name = oc.name WHERE oc.course_id = ?1 AND q.deleted_at "
                                  "IS NULL ORDER BY q.id",
                                  "ii", from_course, to_course);
    struct question_copy {
        int64_t id, category_id, created_by;
        const char *qtype, *title, *data;
    } *qs = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            struct question_copy *grown = arena_alloc(a, cap * sizeof *grown);
            if (n) memcpy(grown, qs, n * sizeof *qs);
            qs = grown;
        }
        qs[n++] = (struct question_copy){db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 5),
                                         arena_strdup(a, db_col_text(st, 2)), arena_strdup(a, db_col_text(st, 3)),
                                         arena_strdup(a, db_col_text(st, 4))};
    }
    db_done(st);
    if (rc < 0) return model_db_problem(p);
    struct question_map *map = arena_alloc(a, (n ? n : 1) * sizeof *map);
    for (size_t i = 0; i < n; i++) {
        st = db_query(db,
                      "INSERT INTO questions (category_id, qtype, title, data, version, created_at, updated_at, "
                      "created_by) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5, ?6) RETURNING id",
                      "isssii", qs[i].category_id, qs[i].qtype, qs[i].title, qs[i].data, now, qs[i].created_by);
        rc = db_step(st);
        map[i] = (struct question_map){qs[i].id, rc == DB_ROW ? db_col_int(st, 0) : 0};
        db_done(st);
        if (rc != DB_ROW) return model_db_problem(p);
    }
    /* Settings, with a random draw from one of the course's own categories moved to its copy. */
    if (db_run(db,
               "INSERT INTO quizzes (activity_id, random_category_id, random_count, shuffle_questions, "
               "shuffle_answers, open_at, close_at, time_limit_seconds, attempts_allowed, grading_method, "
               "pass_percent, per_page, review_answers, review_correct, review_feedback, complete_on) SELECT na.id, "
               "CASE WHEN rc.course_id IS NULL THEN q.random_category_id ELSE nrc.id END, q.random_count, "
               "q.shuffle_questions, q.shuffle_answers, q.open_at, q.close_at, q.time_limit_seconds, "
               "q.attempts_allowed, q.grading_method, q.pass_percent, q.per_page, q.review_answers, q.review_correct, "
               "q.review_feedback, q.complete_on FROM quizzes q " COPY_ACTIVITY_MAP
               "LEFT JOIN question_categories rc ON rc.id = q.random_category_id LEFT JOIN question_categories nrc "
               "ON nrc.course_id = ?2 AND nrc.name = rc.name WHERE x.course_id = ?1 AND x.deleted_at IS NULL",
               "ii", from_course, to_course))
        return model_db_problem(p);
    st = db_query(db,
                  "SELECT na.id, qq.question_id, qq.position, qq.points FROM quiz_questions qq JOIN quizzes q ON "
                  "q.activity_id = qq.quiz_id " COPY_ACTIVITY_MAP "WHERE x.course_id = ?1 AND x.deleted_at IS NULL",
                  "ii", from_course, to_course);
    struct {
        int64_t quiz, question, position;
        double points;
    } *rows = NULL;
    size_t nr = 0, rcap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        if (nr == rcap) {
            rcap = rcap ? rcap * 2 : 64;
            void *grown = arena_alloc(a, rcap * sizeof *rows);
            if (nr) memcpy(grown, rows, nr * sizeof *rows);
            rows = grown;
        }
        rows[nr].quiz = db_col_int(st, 0);
        rows[nr].question = question_mapped(map, n, db_col_int(st, 1));
        rows[nr].position = db_col_int(st, 2);
        rows[nr].points = db_col_double(st, 3);
        nr++;
    }
    db_done(st);
    if (rc < 0) return model_db_problem(p);
    for (size_t i = 0; i < nr; i++)
        if (db_run(db, "INSERT INTO quiz_questions (quiz_id, question_id, position, points) VALUES (?1, ?2, ?3, ?4)",
                   "iiid", rows[i].quiz, rows[i].question, rows[i].position, rows[i].points))
            return model_db_problem(p);
    return LE_OK;
}

/* The grade of a learner's attempts by the grading method, over submitted attempts that no
 * essay holds back. attempts: the viewer's, in number order. NAN when there is none. */
static double grade_by_method(const char *method, json_t *attempts)
{
    double sum = 0, best = NAN, first = NAN, last = NAN;
    int n = 0;
    size_t i;
    json_t *t;
    json_array_foreach(attempts, i, t)
    {
        if (!str_eq(json_string_value(json_object_get(t, "state")), "submitted")) continue;
        if (json_is_true(json_object_get(t, "needs_grading"))) continue;
        double v = json_number_value(json_object_get(t, "percent"));
        if (!n) first = v;
        last = v;
        if (!n || v > best) best = v;
        sum += v;
        n++;
    }
    if (!n) return NAN;
    if (str_eq(method, "last")) return last;
    if (str_eq(method, "first")) return first;
    if (str_eq(method, "average")) return sum / n;
    return best;
}

json_t *quiz_json(struct db *db, struct arena *a, int64_t course_id, int64_t activity_id, int64_t viewer_id,
                  bool manager, struct problem *p)
{
    struct quiz_row r;
    if (quiz_row_get(db, a, activity_id, viewer_id, &r, p)) return NULL;
    if (r.course_id != course_id) {
        problem_set(p, LE_NOTFOUND, "id", "This course has no such quiz (it may have been deleted); open the course page again.");
        return NULL;
    }
    int64_t now = time_now();
    json_t *attempts = NULL;
    int64_t in_progress = 0;
    int n_attempts = 0;
    /* Twice at most: an open attempt past its deadline is submitted (as the sweeper would) and
     * the list read again, so the summary never shows an attempt that is already over. */
    for (int round = 0; round < 2; round++) {
        json_decref(attempts);
        attempts = json_array();
        in_progress = 0;
        n_attempts = 0;
        int64_t overdue = 0;
        struct db_stmt *st = db_query(db,
                                      "SELECT id, number, state, started_at, COALESCE(submitted_at, 0), percent, "
                                      "needs_grading, COALESCE(deadline_at, 0), submitted_by FROM quiz_attempts WHERE quiz_id = ?1 "
                                      "AND user_id = ?2 ORDER BY number",
                                      "ii", activity_id, viewer_id);
        int rc;
        while ((rc = db_step(st)) == DB_ROW) {
            bool submitted = str_eq(db_col_text(st, 2), "submitted");
            bool waiting = db_col_int(st, 6) != 0;
            double percent = db_col_double(st, 5);
            json_t *t = json_pack("{s:I, s:i, s:s, s:o, s:o, s:o, s:o, s:b, s:b}", "id", (json_int_t)db_col_int(st, 0),
                                  "number", (int)db_col_int(st, 1), "state", db_col_text(st, 2), "started_at",
                                  model_json_time(db_col_int(st, 3)), "submitted_at", model_json_time(db_col_int(st, 4)),
                                  "percent", submitted && !db_col_is_null(st, 5) ? json_real(percent) : json_null(),
                                  "passed", submitted && !waiting ? json_boolean(percent >= r.pass_percent) : json_null(),
                                  "needs_grading", waiting, "unenrolled", str_eq(db_col_text(st, 8), "unenrolled"));
            json_array_append_new(attempts, t);
            n_attempts++;
            if (!submitted) {
                in_progress = db_col_int(st, 0);
                if (db_col_int(st, 7) && db_col_int(st, 7) <= now) overdue = in_progress;
            }
        }
        db_done(st);
        if (rc < 0) {
            json_decref(attempts);
            model_db_problem(p);
            return NULL;
        }
        if (!overdue || round) break;
        struct problem ignored = {0};
        attempt_submit(db, a, overdue, viewer_id, NULL, &ignored);
    }
    double grade = grade_by_method(r.grading_method, attempts);
    int64_t allowed = r.attempts_allowed ? (int64_t)r.attempts_allowed + r.extra_attempts : 0;
    int64_t left = allowed ? allowed - n_attempts : -1;
    if (allowed && left < 0) left = 0;
    int64_t enrolled = 0;
    lerr q = enrolment_live_id(db, course_id, viewer_id, &enrolled);
    if (q && q != LE_NOTFOUND) {
        json_decref(attempts);
        model_db_problem(p);
        return NULL;
    }
    const char *reason = NULL;
    if (!in_progress) {
        if (!enrolled)
            reason = "not_enrolled";
        else if (r.open_at && now < r.open_at)
            reason = "quiz_not_open";
        else if (r.close_at && now >= r.close_at)
            reason = "quiz_closed";
        else if (allowed && left <= 0)
            reason = "no_attempts_left";
        else if (!r.random_count && !r.n_questions)
            reason = "no_questions";
    }
    int n_questions = r.random_count ? r.random_count : (int)r.n_questions;
    double max_score = r.random_count ? (double)r.random_count : r.max_score;
    json_t *j = json_pack(
        "{s:I, s:I, s:s, s:o, s:i, s:b, s:b, s:o, s:o, s:i, s:i, s:s, s:f, s:i, s:s, s:s, s:s, s:s, s:i, s:f, "
        "s:o, s:o, s:b, s:b, s:o, s:o, s:{s:i, s:i}}",
        "id", (json_int_t)activity_id, "course_id", (json_int_t)course_id, "title", r.title, "random_category_id",
        r.random_category_id ? json_integer(r.random_category_id) : json_null(), "random_count", r.random_count,
        "shuffle_questions", r.shuffle_questions != 0, "shuffle_answers", r.shuffle_answers != 0, "open_at",
        model_json_time(r.open_at), "close_at", model_json_time(r.close_at), "time_limit_seconds", r.time_limit_seconds,
        "attempts_allowed", r.attempts_allowed, "grading_method", r.grading_method, "pass_percent", r.pass_percent,
        "per_page", r.per_page, "review_answers", r.review_answers, "review_correct", r.review_correct,
        "review_feedback", r.review_feedback, "complete_on", r.complete_on, "questions", n_questions, "max_score",
        max_score, "attempts", attempts, "grade", isnan(grade) ? json_null() : json_real(grade), "passed",
        !isnan(grade) && grade >= r.pass_percent, "can_start", reason == NULL, "in_progress",
        in_progress ? json_integer(in_progress) : json_null(), "attempts_left",
        allowed ? json_integer(left) : json_null(), "override", "extra_seconds", r.extra_seconds, "extra_attempts",
        r.extra_attempts);
    if (!j) {
        problem_set(p, LE_NOMEM, "", "out of memory");
        return NULL;
    }
    if (reason) json_object_set_new(j, "reason", json_string(reason));
    if (manager) {
        json_t *list = json_array();
        struct db_stmt *st = db_query(db,
                                      "SELECT q.id, q.title, q.qtype, qq.points, CASE WHEN q.deleted_at IS NULL THEN 0 "
                                      "ELSE 1 END FROM quiz_questions qq JOIN questions q ON q.id = qq.question_id "
                                      "WHERE qq.quiz_id = ?1 ORDER BY qq.position",
                                      "i", activity_id);
        while (db_step(st) == DB_ROW)
            json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:f, s:b}", "id", (json_int_t)db_col_int(st, 0),
                                                  "title", db_col_text(st, 1), "type", db_col_text(st, 2), "points",
                                                  db_col_double(st, 3), "deleted", db_col_int(st, 4) != 0));
        db_done(st);
        json_object_set_new(j, "question_list", list);
    }
    return j;
}

lerr quiz_override_set(struct db *db, struct arena *a, int64_t activity_id, int64_t user_id, int extra_seconds,
                       int extra_attempts, int64_t actor_id, struct problem *p)
{
    if (extra_seconds < 0 || extra_seconds > 7 * 24 * 3600)
        return problem_set(p, LE_INVALID, "extra_seconds", "Give the extra time in seconds (at most a week), or 0.");
    if (extra_attempts < 0 || extra_attempts > 100)
        return problem_set(p, LE_INVALID, "extra_attempts", "Give the extra attempts (at most 100), or 0.");
    struct quiz_row r;
    lerr e = quiz_row_get(db, a, activity_id, user_id, &r, p);
    if (e) return e;
    int64_t x;
    lerr q = db_query_int(db, &x, "SELECT id FROM users WHERE id = ?1", "i", user_id);
    if (q == LE_NOTFOUND) return problem_set(p, LE_INVALID, "user_id", "Choose the person the exception is for.");
    if (q) return model_db_problem(p);
    int64_t now = time_now();
    if (db_tx_begin(db)) return model_db_problem(p);
    if (!extra_seconds && !extra_attempts) {
        if (db_run(db, "DELETE FROM quiz_overrides WHERE quiz_id = ?1 AND user_id = ?2", "ii", activity_id, user_id))
            e = model_db_problem(p);
    } else if (db_run(db,
                      "INSERT INTO quiz_overrides (quiz_id, user_id, extra_seconds, extra_attempts, updated_at, "
                      "updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (quiz_id, user_id) DO UPDATE SET "
                      "extra_seconds = ?3, extra_attempts = ?4, updated_at = ?5, updated_by = ?6",
                      "iiiiii", activity_id, user_id, (int64_t)extra_seconds, (int64_t)extra_attempts, now, actor_id)) {
        e = model_db_problem(p);
    }
    /* Extra time given during a timed attempt moves that attempt's deadline too. */
    if (!e && r.time_limit_seconds > 0) {
        int64_t id = 0, started = 0;
        struct db_stmt *st = db_query(db,
                                      "SELECT id, started_at FROM quiz_attempts WHERE quiz_id = ?1 AND user_id = ?2 "
                                      "AND state = 'in_progress'",
                                      "ii", activity_id, user_id);
        if (db_step(st) == DB_ROW) id = db_col_int(st, 0), started = db_col_int(st, 1);
        db_done(st);
        if (id) {
            int64_t deadline = started + r.time_limit_seconds + extra_seconds;
            if (r.close_at && deadline > r.close_at) deadline = r.close_at;
            if (db_run(db, "UPDATE quiz_attempts SET deadline_at = ?2 WHERE id = ?1 AND state = 'in_progress'", "ii", id,
                       deadline))
                e = model_db_problem(p);
        }
    }
    if (!e) {
        json_t *d = json_pack("{s:I, s:i, s:i}", "user_id", (json_int_t)user_id, "extra_seconds", extra_seconds,
                              "extra_attempts", extra_attempts);
        if (audit_append(db, actor_id, "quiz.override", arena_sprintf(a, "quiz:%lld", (long long)activity_id), d))
            e = model_db_problem(p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

/* A quiz's settings row is made with the activity (defaults; the settings page changes them).
 * Opening a quiz completes nothing: attempt.c completes it when an attempt is submitted or
 * passes, per the quiz's complete_on. */
static lerr quiz_created(struct db *db, struct arena *a, int64_t course_id, int64_t activity_id, int64_t actor_id,
                         struct problem *p)
{
    struct quiz_settings s = QUIZ_SETTINGS_INIT;
    return quiz_save(db, a, course_id, activity_id, &s, actor_id, p);
}

static const struct activity_kind quiz_kind = {"quiz", "passed", NULL, quiz_created};

void assessments_init(void)
{
    activity_kind_register(&quiz_kind);
    course_on_copy(quizzes_copy);
    enrolment_on_end(attempts_close_unenrolled);
}
