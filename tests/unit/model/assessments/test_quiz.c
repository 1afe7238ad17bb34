/* Quizzes and attempts (quiz.c, attempt.c): settings and their checks, start and resume,
 * attempts and overrides, open and close times, the server's deadline, saving rules, grading of
 * every question type through submit, essays graded by hand, regrading, grading methods and
 * completion. On SQLite, or with LECTERN_TEST_PG on a fresh PostgreSQL database (fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../../src/model/assessments/assessments.h"

#include "../../fixture.h"

struct world {
    int64_t course, section, learner, other, outsider;
};

static int64_t make_user(struct fx *f, const char *username)
{
    struct problem p = {0};
    int64_t id;
    struct user_input u = {.username = username, .first_name = "Lena", .last_name = username, .roles = "learner"};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &id, NULL, &p), LE_OK);
    return id;
}

static struct world make_world(struct fx *f)
{
    struct world w = {0};
    struct problem p = {0};
    struct course_input in = COURSE_INPUT_INIT;
    in.code = "QZ-101";
    in.title = "Quizzes";
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, &w.course, &p), LE_OK);
    assert_int_equal(section_create(f->db, f->a, w.course, "One", f->admin, &w.section, &p), LE_OK);
    w.learner = make_user(f, "lena");
    w.other = make_user(f, "otto");
    w.outsider = make_user(f, "olga");
    int64_t eid;
    assert_int_equal(enrol_user(f->db, f->a, w.course, "lena", "learner", NULL, f->admin, ROLE_ADMIN, &eid, &p), LE_OK);
    assert_int_equal(enrol_user(f->db, f->a, w.course, "otto", "learner", NULL, f->admin, ROLE_ADMIN, &eid, &p), LE_OK);
    return w;
}

static int64_t add_q(struct fx *f, int64_t course, const char *json)
{
    struct problem p = {0};
    json_t *q = json_loads(json, 0, NULL);
    assert_non_null(q);
    int64_t id = 0;
    lerr e = question_create(f->db, f->a, course, false, q, f->admin, &id, &p);
    if (e) fprintf(stderr, "question_create: %s: %s\n", p.field, p.message);
    assert_int_equal(e, LE_OK);
    json_decref(q);
    return id;
}

#define Q_SINGLE \
    "{\"type\":\"single\",\"title\":\"Pick B\",\"text\":\"Pick **B**\",\"answers\":[{\"text\":\"A\",\"fraction\":0," \
    "\"feedback\":\"No\"},{\"text\":\"B\",\"fraction\":100,\"feedback\":\"Yes\"},{\"text\":\"C\",\"fraction\":0}]}"
#define Q_MULTI \
    "{\"type\":\"multi\",\"text\":\"A and C\",\"answers\":[{\"text\":\"A\",\"fraction\":50},{\"text\":\"B\"," \
    "\"fraction\":-100},{\"text\":\"C\",\"fraction\":50}]}"
#define Q_TF \
    "{\"type\":\"truefalse\",\"text\":\"Smoke rises\",\"answers\":[{\"text\":\"true\",\"fraction\":100},{\"text\":" \
    "\"false\",\"fraction\":0}]}"
#define Q_SHORT "{\"type\":\"short\",\"text\":\"Where?\",\"answers\":[{\"text\":\"car park\",\"fraction\":100}]}"
#define Q_NUM \
    "{\"type\":\"numerical\",\"text\":\"Pi?\",\"answers\":[{\"value\":3.14,\"tolerance\":0.01,\"fraction\":100}]}"
#define Q_MATCH \
    "{\"type\":\"matching\",\"text\":\"Match\",\"answers\":[{\"left\":\"A\",\"right\":\"paper\"},{\"left\":\"B\"," \
    "\"right\":\"liquids\"},{\"left\":\"C\",\"right\":\"gas\"}]}"
#define Q_ESSAY "{\"type\":\"essay\",\"text\":\"Describe the drill\",\"answers\":[]}"
#define Q_DESC "{\"type\":\"description\",\"text\":\"About fire\",\"answers\":[]}"

static int64_t make_quiz(struct fx *f, struct world *w, const char *title)
{
    struct problem p = {0};
    struct activity_input in = {.kind = "quiz", .title = title, .required = 1, .allow_mark_done = -1};
    int64_t id;
    assert_int_equal(activity_create(f->db, f->a, f->root, w->course, w->section, &in, f->admin, &id, &p), LE_OK);
    return id;
}

static void set_questions(struct fx *f, struct world *w, int64_t quiz, const char *ids, const char *points)
{
    struct problem p = {0};
    struct quiz_settings s = QUIZ_SETTINGS_INIT;
    s.questions = ids;
    s.points = points;
    lerr e = quiz_save(f->db, f->a, w->course, quiz, &s, f->admin, &p);
    if (e) fprintf(stderr, "quiz_save: %s: %s\n", p.field, p.message);
    assert_int_equal(e, LE_OK);
}

static void save_settings(struct fx *f, struct world *w, int64_t quiz, struct quiz_settings *s)
{
    struct problem p = {0};
    lerr e = quiz_save(f->db, f->a, w->course, quiz, s, f->admin, &p);
    if (e) fprintf(stderr, "quiz_save: %s: %s\n", p.field, p.message);
    assert_int_equal(e, LE_OK);
}

static int64_t start(struct fx *f, int64_t quiz, int64_t user, bool *resumed)
{
    struct problem p = {0};
    int64_t id = 0;
    bool r = false;
    lerr e = attempt_start(f->db, f->a, quiz, user, &id, &r, &p);
    if (e) fprintf(stderr, "attempt_start: %s (%s)\n", p.message, p.reason);
    assert_int_equal(e, LE_OK);
    if (resumed) *resumed = r;
    return id;
}

static json_t *answers(const char *json)
{
    json_t *j = json_loads(json, 0, NULL);
    assert_non_null(j);
    return j;
}

static lerr save(struct fx *f, int64_t attempt, int64_t user, const char *json, struct problem *p)
{
    json_t *j = answers(json);
    int64_t at;
    lerr e = attempt_save(f->db, f->a, attempt, user, j, 0, &at, NULL, p);
    json_decref(j);
    return e;
}

static lerr submit(struct fx *f, int64_t attempt, int64_t user, const char *json, struct problem *p)
{
    json_t *j = json ? answers(json) : NULL;
    lerr e = attempt_submit(f->db, f->a, attempt, user, j, p);
    json_decref(j);
    return e;
}

static double col_double(struct fx *f, const char *sql, int64_t id)
{
    struct db_stmt *st = db_query(f->db, sql, "i", id);
    assert_int_equal(db_step(st), DB_ROW);
    double v = db_col_is_null(st, 0) ? NAN : db_col_double(st, 0);
    db_done(st);
    return v;
}

static const char *col_text(struct fx *f, const char *sql, int64_t id)
{
    struct db_stmt *st = db_query(f->db, sql, "i", id);
    int rc = db_step(st);
    const char *s = rc == DB_ROW ? arena_strdup(f->a, db_col_text(st, 0) ? db_col_text(st, 0) : "") : NULL;
    db_done(st);
    return s;
}

/* The how of user's completion of the quiz, NULL when not complete. */
static const char *completion(struct fx *f, int64_t quiz, int64_t user)
{
    struct db_stmt *st = db_query(f->db, "SELECT how FROM activity_progress WHERE activity_id = ?1 AND user_id = ?2",
                                  "ii", quiz, user);
    int rc = db_step(st);
    const char *s = rc == DB_ROW ? arena_strdup(f->a, db_col_text(st, 0)) : NULL;
    db_done(st);
    return s;
}

static json_t *qjson(struct fx *f, struct world *w, int64_t quiz, int64_t user)
{
    struct problem p = {0};
    json_t *j = quiz_json(f->db, f->a, w->course, quiz, user, true, &p);
    assert_non_null(j);
    return j;
}

/* ---- Settings ---- */

/* A migration that builds quiz_attempts again (0028 widens a CHECK, which SQLite cannot do in
 * place) keeps every attempt and the questions that refer to it, on a database in use. */
static void test_migration_keeps_attempts(void **state)
{
    struct fx *f = *state;
    /* PostgreSQL changes the CHECK in place (its own 0028), which is not run twice. */
    if (strcmp(f->db->engine->name, "sqlite") != 0) skip();
    struct world w = make_world(f);
    struct problem p = {0};
    int64_t quiz = make_quiz(f, &w, "Quiz");
    int64_t q1 = add_q(f, w.course, Q_SINGLE), q2 = add_q(f, w.course, Q_TF);
    set_questions(f, &w, quiz, arena_sprintf(f->a, "%lld,%lld", (long long)q1, (long long)q2), NULL);
    bool resumed;
    int64_t t1 = start(f, quiz, w.learner, &resumed);
    assert_int_equal(save(f, t1, w.learner, "{\"1\": {\"choice\": 1}}", &p), LE_OK);
    int64_t attempts = 0, questions = 0, after = 0;
    assert_int_equal(db_query_int(f->db, &attempts, "SELECT COUNT(*) FROM quiz_attempts", ""), LE_OK);
    assert_int_equal(db_query_int(f->db, &questions, "SELECT COUNT(*) FROM attempt_questions", ""), LE_OK);
    assert_true(questions == 2);
    assert_int_equal(db_run(f->db, "DELETE FROM schema_migrations WHERE version = 28", ""), LE_OK);
    if (db_migrate(f->db, &p)) fail_msg("migrating again: %s", p.message);
    assert_int_equal(db_query_int(f->db, &after, "SELECT COUNT(*) FROM quiz_attempts", ""), LE_OK);
    assert_int_equal(after, attempts);
    assert_int_equal(db_query_int(f->db, &after, "SELECT COUNT(*) FROM attempt_questions", ""), LE_OK);
    assert_int_equal(after, questions);
    assert_int_equal(submit(f, t1, w.learner, "{\"2\": {\"value\": true}}", &p), LE_OK);
}

static void test_settings(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    assert_non_null(strstr(activity_kind_names(), "quiz"));
    int64_t quiz = make_quiz(f, &w, "Fire quiz");
    /* The settings row came with the activity, with the defaults. */
    json_t *j = qjson(f, &w, quiz, w.learner);
    assert_string_equal(json_string_value(json_object_get(j, "grading_method")), "highest");
    assert_int_equal(json_integer_value(json_object_get(j, "attempts_allowed")), 1);
    assert_false(json_is_true(json_object_get(j, "can_start")));
    assert_string_equal(json_string_value(json_object_get(j, "reason")), "no_questions");
    json_decref(j);
    /* Opening it does not complete it. */
    assert_null(completion(f, quiz, w.learner));

    struct quiz_settings s = QUIZ_SETTINGS_INIT;
    s.grading_method = "best";
    assert_int_equal(quiz_save(f->db, f->a, w.course, quiz, &s, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "grading_method");
    s = (struct quiz_settings)QUIZ_SETTINGS_INIT;
    s.review_correct = "sometimes";
    assert_int_equal(quiz_save(f->db, f->a, w.course, quiz, &s, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "review_correct");
    s = (struct quiz_settings)QUIZ_SETTINGS_INIT;
    s.pass_percent = 101;
    assert_int_equal(quiz_save(f->db, f->a, w.course, quiz, &s, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "pass_percent");
    s = (struct quiz_settings)QUIZ_SETTINGS_INIT;
    s.open_at = T0 + 100;
    s.close_at = T0 + 50;
    assert_int_equal(quiz_save(f->db, f->a, w.course, quiz, &s, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "close_at");

    int64_t q1 = add_q(f, w.course, Q_SINGLE), q2 = add_q(f, w.course, Q_TF);
    /* A question of another course's bank is refused. */
    struct course_input ci = COURSE_INPUT_INIT;
    ci.code = "OTHER";
    ci.title = "Other";
    int64_t other_course;
    assert_int_equal(course_create(f->db, f->a, &ci, f->admin, &other_course, &p), LE_OK);
    int64_t foreign = add_q(f, other_course, Q_SHORT);
    s = (struct quiz_settings)QUIZ_SETTINGS_INIT;
    s.questions = arena_sprintf(f->a, "%lld,%lld", (long long)q1, (long long)foreign);
    assert_int_equal(quiz_save(f->db, f->a, w.course, quiz, &s, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "questions");
    assert_non_null(strstr(p.message, "bank"));
    s.questions = arena_sprintf(f->a, "%lld,%lld", (long long)q1, (long long)q2);
    s.points = "2,0";
    assert_int_equal(quiz_save(f->db, f->a, w.course, quiz, &s, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "points");
    s.points = "2";
    assert_int_equal(quiz_save(f->db, f->a, w.course, quiz, &s, f->admin, &p), LE_INVALID);
    s.points = "2, 1.5";
    assert_int_equal(quiz_save(f->db, f->a, w.course, quiz, &s, f->admin, &p), LE_OK);
    /* A random draw needs a usable category with enough questions. */
    int64_t cat = 0;
    assert_int_equal(db_query_int(f->db, &cat, "SELECT category_id FROM questions WHERE id = ?1", "i", q1), LE_OK);
    s = (struct quiz_settings)QUIZ_SETTINGS_INIT;
    s.random_category_id = cat;
    s.random_count = 5;
    assert_int_equal(quiz_save(f->db, f->a, w.course, quiz, &s, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "random_count");
    int64_t other_cat = 0;
    assert_int_equal(db_query_int(f->db, &other_cat, "SELECT category_id FROM questions WHERE id = ?1", "i", foreign),
                     LE_OK);
    s.random_category_id = other_cat;
    s.random_count = 1;
    assert_int_equal(quiz_save(f->db, f->a, w.course, quiz, &s, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "random_category_id");

    j = qjson(f, &w, quiz, w.learner);
    assert_int_equal(json_integer_value(json_object_get(j, "questions")), 2);
    assert_true(fabs(json_number_value(json_object_get(j, "max_score")) - 3.5) < 1e-9);
    assert_int_equal(json_array_size(json_object_get(j, "question_list")), 2);
    assert_true(json_is_true(json_object_get(j, "can_start")));
    json_decref(j);
}

/* ---- Start, resume, attempts and overrides ---- */

static void test_start_resume_attempts(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    int64_t quiz = make_quiz(f, &w, "Quiz");
    int64_t q1 = add_q(f, w.course, Q_SINGLE), q2 = add_q(f, w.course, Q_TF);
    set_questions(f, &w, quiz, arena_sprintf(f->a, "%lld,%lld", (long long)q1, (long long)q2), NULL);
    bool resumed;
    int64_t t1 = start(f, quiz, w.learner, &resumed);
    assert_false(resumed);
    assert_int_equal(start(f, quiz, w.learner, &resumed), t1);
    assert_true(resumed);
    json_t *j = qjson(f, &w, quiz, w.learner);
    assert_int_equal(json_integer_value(json_object_get(j, "in_progress")), t1);
    json_decref(j);
    assert_int_equal(submit(f, t1, w.learner, "{\"1\": {\"choice\": 1}}", &p), LE_OK);
    int64_t id;
    assert_int_equal(attempt_start(f->db, f->a, quiz, w.learner, &id, &resumed, &p), LE_FORBIDDEN);
    assert_string_equal(p.reason, "no_attempts_left");
    j = qjson(f, &w, quiz, w.learner);
    assert_int_equal(json_integer_value(json_object_get(j, "attempts_left")), 0);
    assert_string_equal(json_string_value(json_object_get(j, "reason")), "no_attempts_left");
    json_decref(j);
    /* An override gives one more. */
    assert_int_equal(quiz_override_set(f->db, f->a, quiz, w.learner, 0, 1, f->admin, &p), LE_OK);
    int64_t t2 = start(f, quiz, w.learner, &resumed);
    assert_true(t2 != t1);
    assert_int_equal((int)col_double(f, "SELECT number FROM quiz_attempts WHERE id = ?1", t2), 2);
    assert_int_equal(db_query_int(f->db, &id, "SELECT COUNT(*) FROM audit_log WHERE action = 'quiz.override'", ""), LE_OK);
    assert_int_equal(id, 1);
    /* Somebody not enrolled cannot start. */
    assert_int_equal(attempt_start(f->db, f->a, quiz, w.outsider, &id, &resumed, &p), LE_FORBIDDEN);
    assert_string_equal(p.reason, "not_enrolled");
}

struct racer {
    const char *url, *root;
    int64_t quiz, user, id;
    lerr e;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct problem p = {0};
    struct db *db;
    if (db_open(r->url, r->root, &db, &p)) {
        r->e = LE_DB;
        return NULL;
    }
    struct arena *a = arena_new(0);
    bool resumed;
    r->e = attempt_start(db, a, r->quiz, r->user, &r->id, &resumed, &p);
    arena_free(a);
    db_close(db);
    return NULL;
}

/* Two starts at once from one learner make one attempt. */
static void test_start_race(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    int64_t quiz = make_quiz(f, &w, "Quiz");
    int64_t q1 = add_q(f, w.course, Q_SINGLE);
    set_questions(f, &w, quiz, arena_sprintf(f->a, "%lld", (long long)q1), NULL);
    struct racer r[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        r[i] = (struct racer){
            .url = f->pg_url[0] ? f->pg_url : NULL, .root = f->root, .quiz = quiz, .user = w.learner};
        pthread_create(&th[i], NULL, race, &r[i]);
    }
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    int64_t n;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM quiz_attempts WHERE user_id = ?1", "i", w.learner),
                     LE_OK);
    assert_int_equal(n, 1);
    for (int i = 0; i < 4; i++)
        if (r[i].e == LE_OK) assert_int_equal(r[i].id, r[0].e == LE_OK ? r[0].id : r[i].id);
}

/* ---- Open, close and the deadline ---- */

static void test_open_close(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    int64_t quiz = make_quiz(f, &w, "Quiz");
    int64_t q1 = add_q(f, w.course, Q_SINGLE);
    set_questions(f, &w, quiz, arena_sprintf(f->a, "%lld", (long long)q1), NULL);
    struct quiz_settings s = QUIZ_SETTINGS_INIT;
    s.open_at = T0 + 100;
    s.close_at = T0 + 1000;
    s.time_limit_seconds = 3600;
    s.attempts_allowed = 0;
    save_settings(f, &w, quiz, &s);
    int64_t id;
    bool resumed;
    assert_int_equal(attempt_start(f->db, f->a, quiz, w.learner, &id, &resumed, &p), LE_FORBIDDEN);
    assert_string_equal(p.reason, "quiz_not_open");
    time_set_fake(T0 + 200);
    int64_t t = start(f, quiz, w.learner, NULL);
    /* The time limit would run past the close: the close time is the deadline. */
    assert_int_equal((int64_t)col_double(f, "SELECT deadline_at FROM quiz_attempts WHERE id = ?1", t), T0 + 1000);
    time_set_fake(T0 + 1000);
    assert_int_equal(attempt_start(f->db, f->a, quiz, w.other, &id, &resumed, &p), LE_FORBIDDEN);
    assert_string_equal(p.reason, "quiz_closed");
    /* The learner's open attempt was over at the close: showing it submits it. */
    json_t *j = attempt_json(f->db, f->a, t, w.learner, false, &p);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "submitted");
    assert_string_equal(json_string_value(json_object_get(j, "submitted_by")), "deadline");
    json_decref(j);
}

static void test_time_limit(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    int64_t quiz = make_quiz(f, &w, "Quiz");
    int64_t q1 = add_q(f, w.course, Q_SINGLE), q2 = add_q(f, w.course, Q_TF);
    set_questions(f, &w, quiz, arena_sprintf(f->a, "%lld,%lld", (long long)q1, (long long)q2), NULL);
    struct quiz_settings s = QUIZ_SETTINGS_INIT;
    s.time_limit_seconds = 60;
    s.attempts_allowed = 0;
    save_settings(f, &w, quiz, &s);
    int64_t t = start(f, quiz, w.learner, NULL);
    json_t *j = attempt_json(f->db, f->a, t, w.learner, false, &p);
    assert_int_equal(json_integer_value(json_object_get(j, "seconds_left")), 60);
    json_decref(j);
    assert_int_equal(save(f, t, w.learner, "{\"1\": {\"choice\": 1}}", &p), LE_OK);
    time_set_fake(T0 + 61);
    /* Late answers are refused and the attempt is submitted with what was saved. */
    assert_int_equal(save(f, t, w.learner, "{\"2\": {\"value\": true}}", &p), LE_CONFLICT);
    assert_string_equal(p.reason, "deadline_passed");
    assert_string_equal(col_text(f, "SELECT state FROM quiz_attempts WHERE id = ?1", t), "submitted");
    assert_string_equal(col_text(f, "SELECT submitted_by FROM quiz_attempts WHERE id = ?1", t), "deadline");
    assert_true(fabs(col_double(f, "SELECT score FROM quiz_attempts WHERE id = ?1", t) - 1) < 1e-9);
    assert_int_equal(save(f, t, w.learner, "{\"2\": {\"value\": true}}", &p), LE_CONFLICT);
    assert_string_equal(p.reason, "attempt_submitted");

    /* Nobody opens the next one again: the sweep submits it. */
    int64_t t2 = start(f, quiz, w.learner, NULL);
    assert_int_equal(attempt_submit_overdue(f->db, f->a), 0);
    time_set_fake(T0 + 61 + 59);
    assert_int_equal(attempt_submit_overdue(f->db, f->a), 0);
    time_set_fake(T0 + 61 + 60);
    assert_int_equal(attempt_submit_overdue(f->db, f->a), 1);
    assert_int_equal(attempt_submit_overdue(f->db, f->a), 0);
    assert_string_equal(col_text(f, "SELECT submitted_by FROM quiz_attempts WHERE id = ?1", t2), "deadline");

    /* Extra time from an override, also given during an attempt. */
    int64_t now = T0 + 200;
    time_set_fake(now);
    assert_int_equal(quiz_override_set(f->db, f->a, quiz, w.other, 30, 0, f->admin, &p), LE_OK);
    int64_t t3 = start(f, quiz, w.other, NULL);
    assert_int_equal((int64_t)col_double(f, "SELECT deadline_at FROM quiz_attempts WHERE id = ?1", t3), now + 90);
    assert_int_equal(quiz_override_set(f->db, f->a, quiz, w.other, 120, 0, f->admin, &p), LE_OK);
    assert_int_equal((int64_t)col_double(f, "SELECT deadline_at FROM quiz_attempts WHERE id = ?1", t3), now + 180);
    /* Submitting after the deadline with answers: refused, submitted by the server. */
    time_set_fake(now + 181);
    assert_int_equal(submit(f, t3, w.other, "{\"1\": {\"choice\": 0}}", &p), LE_CONFLICT);
    assert_string_equal(p.reason, "deadline_passed");
    assert_string_equal(col_text(f, "SELECT state FROM quiz_attempts WHERE id = ?1", t3), "submitted");
}

/* ---- Saving ---- */

static void test_save_rules(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    int64_t quiz = make_quiz(f, &w, "Quiz");
    int64_t q1 = add_q(f, w.course, Q_SINGLE), q2 = add_q(f, w.course, Q_TF);
    set_questions(f, &w, quiz, arena_sprintf(f->a, "%lld,%lld", (long long)q1, (long long)q2), NULL);
    int64_t t = start(f, quiz, w.learner, NULL);
    /* A slot that is not in the attempt: nothing is saved, not even the good answer. */
    assert_int_equal(save(f, t, w.learner, "{\"1\": {\"choice\": 1}, \"9\": {\"choice\": 0}}", &p), LE_INVALID);
    assert_string_equal(p.field, "answers.9");
    assert_int_equal(db_query_int(f->db, &(int64_t){0},
                                  "SELECT 1 FROM attempt_questions WHERE attempt_id = ?1 AND response IS NOT NULL", "i", t),
                     LE_NOTFOUND);
    /* A response that does not fit the question. */
    assert_int_equal(save(f, t, w.learner, "{\"1\": {\"choice\": 7}}", &p), LE_INVALID);
    assert_string_equal(p.field, "answers.1");
    /* Someone else's attempt does not exist for them. */
    assert_int_equal(save(f, t, w.other, "{\"1\": {\"choice\": 1}}", &p), LE_NOTFOUND);
    assert_null(attempt_json(f->db, f->a, t, w.other, false, &p));
    assert_int_equal(p.code, LE_NOTFOUND);
    assert_int_equal(submit(f, t, w.other, NULL, &p), LE_NOTFOUND);
    /* Saved answers come back; clearing works; the page is remembered. */
    assert_int_equal(save(f, t, w.learner, "{\"1\": {\"choice\": 2}, \"2\": {\"value\": false}}", &p), LE_OK);
    assert_int_equal(save(f, t, w.learner, "{\"2\": {}}", &p), LE_OK);
    json_t *j = attempt_json(f->db, f->a, t, w.learner, false, &p);
    json_t *qs = json_object_get(j, "questions");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(qs, 0), "response"), "choice")), 2);
    assert_true(json_is_null(json_object_get(json_array_get(qs, 1), "response")));
    /* Nothing that gives an answer away while open. */
    char *dump = json_dumps(qs, 0);
    assert_null(strstr(dump, "fraction"));
    assert_null(strstr(dump, "correct"));
    assert_null(strstr(dump, "\"Yes\""));
    assert_non_null(strstr(dump, "<strong>B</strong>"));
    free(dump);
    json_decref(j);
    /* Submitted: saving and submitting again are refused and change nothing. */
    assert_int_equal(submit(f, t, w.learner, NULL, &p), LE_OK);
    double score = col_double(f, "SELECT score FROM quiz_attempts WHERE id = ?1", t);
    assert_int_equal(save(f, t, w.learner, "{\"1\": {\"choice\": 1}}", &p), LE_CONFLICT);
    assert_string_equal(p.reason, "attempt_submitted");
    assert_int_equal(submit(f, t, w.learner, "{\"1\": {\"choice\": 1}}", &p), LE_CONFLICT);
    assert_string_equal(p.reason, "attempt_submitted");
    assert_true(fabs(col_double(f, "SELECT score FROM quiz_attempts WHERE id = ?1", t) - score) < 1e-9);
}

/* ---- Grading every type, essays, completion ---- */

static void test_grading_all_types(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    int64_t quiz = make_quiz(f, &w, "Quiz");
    int64_t ids[8] = {add_q(f, w.course, Q_DESC),  add_q(f, w.course, Q_SINGLE), add_q(f, w.course, Q_MULTI),
                      add_q(f, w.course, Q_TF),    add_q(f, w.course, Q_SHORT),  add_q(f, w.course, Q_NUM),
                      add_q(f, w.course, Q_MATCH), add_q(f, w.course, Q_ESSAY)};
    char *list = arena_sprintf(f->a, "%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld", (long long)ids[0], (long long)ids[1],
                               (long long)ids[2], (long long)ids[3], (long long)ids[4], (long long)ids[5],
                               (long long)ids[6], (long long)ids[7]);
    set_questions(f, &w, quiz, list, NULL);
    struct quiz_settings s = QUIZ_SETTINGS_INIT;
    s.pass_percent = 90;
    s.review_correct = "after_submit";
    s.per_page = 3;
    save_settings(f, &w, quiz, &s);
    int64_t t = start(f, quiz, w.learner, NULL);
    json_t *j = attempt_json(f->db, f->a, t, w.learner, false, &p);
    assert_int_equal(json_integer_value(json_object_get(j, "pages")), 3);
    json_t *qs = json_object_get(j, "questions");
    assert_int_equal(json_array_size(qs), 8);
    /* Shown answers are a permutation of the stored ones; matching rights too. */
    json_t *single = json_array_get(qs, 1);
    int seen = 0;
    for (size_t i = 0; i < 3; i++)
        seen |= 1 << json_integer_value(json_object_get(json_array_get(json_object_get(single, "answers"), i), "index"));
    assert_int_equal(seen, 7);
    assert_int_equal(json_array_size(json_object_get(json_array_get(qs, 6), "rights")), 3);
    json_decref(j);
    /* Everything right, with the essay written. */
    assert_int_equal(submit(f, t, w.learner,
                            "{\"2\": {\"choice\": 1}, \"3\": {\"choices\": [0, 2]}, \"4\": {\"value\": true}, "
                            "\"5\": {\"text\": \" Car Park \"}, \"6\": {\"value\": \"3,141\"}, "
                            "\"7\": {\"pairs\": [0, 1, 2]}, \"8\": {\"text\": \"We left calmly.\"}}",
                            &p),
                     LE_OK);
    assert_true(fabs(col_double(f, "SELECT score FROM quiz_attempts WHERE id = ?1", t) - 6) < 1e-9);
    assert_true(fabs(col_double(f, "SELECT max_score FROM quiz_attempts WHERE id = ?1", t) - 7) < 1e-9);
    assert_int_equal((int)col_double(f, "SELECT needs_grading FROM quiz_attempts WHERE id = ?1", t), 1);
    /* The essay holds the pass back. */
    assert_null(completion(f, quiz, w.learner));
    j = attempt_json(f->db, f->a, t, w.learner, false, &p);
    qs = json_object_get(j, "questions");
    for (size_t i = 1; i < 7; i++)
        assert_true(fabs(json_number_value(json_object_get(json_array_get(qs, i), "fraction")) - 1) < 1e-9);
    assert_true(json_is_null(json_object_get(json_array_get(qs, 7), "fraction")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(qs, 1), "correct"), "choice")), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(qs, 1), "feedback")), "Yes");
    assert_true(json_is_null(json_object_get(j, "passed")));
    json_decref(j);
    /* Grading the essay completes it: 6.5 / 7 = 92.9% >= 90. */
    assert_int_equal(attempt_grade_slot(f->db, f->a, t, 8, 1.5, "", f->admin, &p), LE_INVALID);
    assert_int_equal(attempt_grade_slot(f->db, f->a, t, 99, 0.5, "", f->admin, &p), LE_NOTFOUND);
    assert_int_equal(attempt_grade_slot(f->db, f->a, t, 8, 0.5, "Good, but name the exits.", f->admin, &p), LE_OK);
    assert_int_equal((int)col_double(f, "SELECT needs_grading FROM quiz_attempts WHERE id = ?1", t), 0);
    assert_true(fabs(col_double(f, "SELECT percent FROM quiz_attempts WHERE id = ?1", t) - 650.0 / 7) < 1e-6);
    assert_string_equal(completion(f, quiz, w.learner), "passed");
    j = qjson(f, &w, quiz, w.learner);
    assert_true(json_is_true(json_object_get(j, "passed")));
    json_decref(j);

    /* Everything wrong (and a negative multi weight) grades 0 per question. */
    assert_int_equal(quiz_override_set(f->db, f->a, quiz, w.other, 0, 0, f->admin, &p), LE_OK);
    int64_t t2 = start(f, quiz, w.other, NULL);
    assert_int_equal(submit(f, t2, w.other,
                            "{\"2\": {\"choice\": 0}, \"3\": {\"choices\": [0, 1]}, \"4\": {\"value\": false}, "
                            "\"5\": {\"text\": \"roof\"}, \"6\": {\"value\": \"3.3\"}, \"7\": {\"pairs\": [1, 0, 2]}}",
                            &p),
                     LE_OK);
    /* Matching: one pair of three right. Essay left empty: 0 with nothing to grade. */
    assert_true(fabs(col_double(f, "SELECT score FROM quiz_attempts WHERE id = ?1", t2) - 1.0 / 3) < 1e-6);
    assert_int_equal((int)col_double(f, "SELECT needs_grading FROM quiz_attempts WHERE id = ?1", t2), 0);
    assert_null(completion(f, quiz, w.other));
}

static void test_regrade(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    int64_t quiz = make_quiz(f, &w, "Quiz");
    int64_t q1 = add_q(f, w.course, Q_SINGLE), q2 = add_q(f, w.course, Q_TF);
    set_questions(f, &w, quiz, arena_sprintf(f->a, "%lld,%lld", (long long)q1, (long long)q2), NULL);
    int64_t third = make_user(f, "tara"), eid;
    assert_int_equal(enrol_user(f->db, f->a, w.course, "tara", "learner", NULL, f->admin, ROLE_ADMIN, &eid, &p), LE_OK);
    int64_t a1 = start(f, quiz, w.learner, NULL), a2 = start(f, quiz, w.other, NULL), a3 = start(f, quiz, third, NULL);
    assert_int_equal(submit(f, a1, w.learner, "{\"1\": {\"choice\": 0}, \"2\": {\"value\": true}}", &p), LE_OK);
    assert_int_equal(submit(f, a2, w.other, "{\"1\": {\"choice\": 0}}", &p), LE_OK);
    assert_int_equal(submit(f, a3, third, "{\"1\": {\"choice\": 1}}", &p), LE_OK);
    assert_true(fabs(col_double(f, "SELECT score FROM quiz_attempts WHERE id = ?1", a1) - 1) < 1e-9);
    /* A person gives a2's first answer a quarter; that mark stays through the regrade. */
    assert_int_equal(attempt_grade_slot(f->db, f->a, a2, 1, 0.25, "partly", f->admin, &p), LE_OK);
    /* The question is corrected: A was the right answer. */
    json_t *q = json_loads(Q_SINGLE, 0, NULL);
    json_t *ans = json_object_get(q, "answers");
    json_object_set_new(json_array_get(ans, 0), "fraction", json_integer(100));
    json_object_set_new(json_array_get(ans, 1), "fraction", json_integer(0));
    char *data = json_dumps(q, JSON_COMPACT);
    assert_int_equal(db_run(f->db, "UPDATE questions SET data = ?2, version = version + 1 WHERE id = ?1", "is", q1, data),
                     LE_OK);
    free(data);
    json_decref(q);
    /* a1 gains, a3 loses, a2 keeps its hand mark. */
    assert_int_equal(attempt_regrade_question(f->db, f->a, q1), 2);
    assert_true(fabs(col_double(f, "SELECT score FROM quiz_attempts WHERE id = ?1", a1) - 2) < 1e-9);
    assert_true(fabs(col_double(f, "SELECT score FROM quiz_attempts WHERE id = ?1", a2) - 0.25) < 1e-9);
    assert_true(fabs(col_double(f, "SELECT score FROM quiz_attempts WHERE id = ?1", a3) - 0) < 1e-9);
    assert_int_equal((int)col_double(f, "SELECT question_version FROM attempt_questions WHERE attempt_id = ?1 AND slot = 1",
                                     a1),
                     2);
    /* Nothing changes the second time. */
    assert_int_equal(attempt_regrade_question(f->db, f->a, q1), 0);
}

static void test_grading_methods(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    int64_t quiz = make_quiz(f, &w, "Quiz");
    int64_t q1 = add_q(f, w.course, Q_SINGLE), q2 = add_q(f, w.course, Q_TF);
    set_questions(f, &w, quiz, arena_sprintf(f->a, "%lld,%lld", (long long)q1, (long long)q2), NULL);
    struct quiz_settings s = QUIZ_SETTINGS_INIT;
    s.attempts_allowed = 0;
    save_settings(f, &w, quiz, &s);
    const char *runs[] = {"{\"1\": {\"choice\": 1}, \"2\": {\"value\": true}}", "{}", "{\"1\": {\"choice\": 1}}"};
    for (int i = 0; i < 3; i++) assert_int_equal(submit(f, start(f, quiz, w.learner, NULL), w.learner, runs[i], &p), LE_OK);
    const struct {
        const char *method;
        double grade;
    } want[] = {{"highest", 100}, {"last", 50}, {"first", 100}, {"average", 50}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        s = (struct quiz_settings)QUIZ_SETTINGS_INIT;
        s.grading_method = want[i].method;
        save_settings(f, &w, quiz, &s);
        json_t *j = qjson(f, &w, quiz, w.learner);
        assert_true(fabs(json_number_value(json_object_get(j, "grade")) - want[i].grade) < 1e-9);
        assert_int_equal(json_array_size(json_object_get(j, "attempts")), 3);
        assert_true(json_is_null(json_object_get(j, "attempts_left")));
        json_decref(j);
    }
}

static void test_completion(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    int64_t q1 = add_q(f, w.course, Q_SINGLE), q2 = add_q(f, w.course, Q_TF);
    const char *list = arena_sprintf(f->a, "%lld,%lld", (long long)q1, (long long)q2);
    /* complete_on submit: any submitted attempt, even 0%. */
    int64_t qs = make_quiz(f, &w, "Submit quiz");
    set_questions(f, &w, qs, list, NULL);
    struct quiz_settings s = QUIZ_SETTINGS_INIT;
    s.complete_on = "submit";
    s.pass_percent = 100;
    save_settings(f, &w, qs, &s);
    assert_int_equal(submit(f, start(f, qs, w.learner, NULL), w.learner, NULL, &p), LE_OK);
    assert_string_equal(completion(f, qs, w.learner), "submitted");
    /* complete_on pass at 50%: a failing attempt does not complete, a passing one does. */
    int64_t qp = make_quiz(f, &w, "Pass quiz");
    set_questions(f, &w, qp, list, NULL);
    s = (struct quiz_settings)QUIZ_SETTINGS_INIT;
    s.pass_percent = 50;
    s.attempts_allowed = 2;
    save_settings(f, &w, qp, &s);
    assert_int_equal(submit(f, start(f, qp, w.learner, NULL), w.learner, "{\"1\": {\"choice\": 0}}", &p), LE_OK);
    assert_null(completion(f, qp, w.learner));
    assert_int_equal(submit(f, start(f, qp, w.learner, NULL), w.learner, "{\"1\": {\"choice\": 1}}", &p), LE_OK);
    assert_string_equal(completion(f, qp, w.learner), "passed");
    /* Both required quizzes done: the course is complete. */
    int64_t done = 0;
    assert_int_equal(db_query_int(f->db, &done,
                                  "SELECT COUNT(*) FROM enrolments WHERE course_id = ?1 AND user_id = ?2 AND completed_at "
                                  "IS NOT NULL",
                                  "ii", w.course, w.learner),
                     LE_OK);
    assert_int_equal(done, 1);
}

static void test_random_draw(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    int64_t quiz = make_quiz(f, &w, "Quiz");
    int64_t first = 0;
    for (int i = 0; i < 6; i++) {
        int64_t id = add_q(f, w.course, Q_TF);
        if (!first) first = id;
    }
    int64_t cat = 0;
    assert_int_equal(db_query_int(f->db, &cat, "SELECT category_id FROM questions WHERE id = ?1", "i", first), LE_OK);
    struct quiz_settings s = QUIZ_SETTINGS_INIT;
    s.random_category_id = cat;
    s.random_count = 3;
    s.shuffle_questions = 1;
    s.attempts_allowed = 0;
    save_settings(f, &w, quiz, &s);
    json_t *j = qjson(f, &w, quiz, w.learner);
    assert_int_equal(json_integer_value(json_object_get(j, "questions")), 3);
    json_decref(j);
    int64_t t = start(f, quiz, w.learner, NULL);
    int64_t n = 0, distinct = 0;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM attempt_questions WHERE attempt_id = ?1", "i", t), LE_OK);
    assert_int_equal(db_query_int(f->db, &distinct,
                                  "SELECT COUNT(DISTINCT question_id) FROM attempt_questions WHERE attempt_id = ?1", "i", t),
                     LE_OK);
    assert_int_equal(n, 3);
    assert_int_equal(distinct, 3);
    assert_int_equal(submit(f, t, w.learner, "{\"1\": {\"value\": true}, \"2\": {\"value\": true}, \"3\": {\"value\": "
                                             "true}}",
                            &p),
                     LE_OK);
    assert_true(fabs(col_double(f, "SELECT percent FROM quiz_attempts WHERE id = ?1", t) - 100) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_settings, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_migration_keeps_attempts, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_start_resume_attempts, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_start_race, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_open_close, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_time_limit, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_save_rules, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_grading_all_types, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_regrade, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_grading_methods, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_completion, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_random_draw, setup_any, teardown),
    };
    if (core_init()) return 1;
    if (pg_admin_url()) fprintf(stderr, "test_quiz: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
