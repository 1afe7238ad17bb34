/* Bulk loading for benchmarks (`lectern bench-data`, docs/bench.md): people, the organisation,
 * sessions, courses, enrolments, progress and assessments, many rows a statement inside the
 * caller's transaction. It sits above every domain whose tables it fills, and nothing but the
 * command uses it. */
#ifndef LECTERN_MODEL_BENCHDATA_H
#define LECTERN_MODEL_BENCHDATA_H

#include "../../core/core.h"
#include "../../db/db.h"

/* ---- Bulk loading for benchmarks (bulk.c; `lectern bench-data`) ----
 * Rows go in with multi-row INSERTs of prepared statements, inside the caller's transaction
 * (db_tx_begin/db_tx_end), without one audit entry per row: the generator audits the whole
 * load once. Strings are borrowed. */
struct bulk_user {
    const char *username, *email, *first_name, *last_name;
    unsigned roles;
    const char *password_hash;    /* shared by generated users: hashed once */
    int64_t created_at;
    const char *idnumber;         /* with org: the HR key (NULL = none) */
    int64_t department_id;        /* with org: 0 = none */
};
/* org: also fill idnumber and department_id (the organisation tables exist). */
lerr bulk_insert_users(struct db *db, const struct bulk_user *rows, size_t n, bool org);
/* One department; *id_out receives its id. parent_id 0 = top level. */
lerr bulk_insert_department(struct db *db, const char *name, const char *idnumber,
                            int64_t parent_id, int64_t now, int64_t *id_out);
/* The id of the user with this idnumber (LE_NOTFOUND when none). */
lerr bulk_user_id_by_idnumber(struct db *db, const char *idnumber, int64_t *id_out);
/* Line managers: everyone in the department reports to head_id, and the head to
 * parent_head_id (0 = nobody). */
lerr bulk_set_managers(struct db *db, int64_t department_id, int64_t head_id,
                       int64_t parent_head_id);
struct bulk_session {
    const char *token_hash;       /* SHA-256 hex of the token the load scripts send */
    const char *csrf;
    int64_t user_id;
    int64_t created_at, expires_at;
};
lerr bulk_insert_sessions(struct db *db, const struct bulk_session *rows, size_t n);
/* Ids of users holding any role of mask, in id order, at most max of them (malloc'd into
 * *ids_out, caller frees). */
lerr bulk_user_ids(struct db *db, unsigned roles, size_t max, int64_t **ids_out, size_t *n_out);
/* Courses (issue 5): one category, course, section or activity, returning its id in *id_out
 * (parent_id / category_id 0 = none); enrolments and activity progress many rows a statement. */
lerr bulk_insert_category(struct db *db, const char *name, int64_t parent_id, int64_t now,
                          int64_t *id_out);
struct bulk_course {
    const char *code, *title, *summary, *kind;
    int64_t category_id;
    bool self_enrol;
    int duration_minutes;
    int64_t start_at, created_at;
};
lerr bulk_insert_course(struct db *db, const struct bulk_course *c, int64_t *id_out);
lerr bulk_insert_section(struct db *db, int64_t course_id, const char *title, int position,
                         int64_t now, int64_t *id_out);
lerr bulk_insert_activity(struct db *db, int64_t course_id, int64_t section_id, const char *kind,
                          const char *title, int position, const char *body, const char *url,
                          int64_t now, int64_t *id_out);
struct bulk_enrolment {
    int64_t course_id, user_id;
    bool instructor;              /* role 'instructor', else 'learner' */
    int64_t due_at, enrolled_at, completed_at, last_access_at; /* 0 = NULL */
};
lerr bulk_insert_enrolments(struct db *db, const struct bulk_enrolment *rows, size_t n);
struct bulk_progress {
    int64_t activity_id, user_id;
    const char *how;
    int64_t completed_at;
};
lerr bulk_insert_progress(struct db *db, const struct bulk_progress *rows, size_t n);
/* The codes of the courses user_id is enrolled in as a learner, in course order, each as a
 * line "PREFIX CODE\n" appended to out. */
lerr bulk_user_course_lines(struct db *db, int64_t user_id, const char *prefix, struct buf *out);
/* Planning (bulk_planning.c): n rooms over four sites (room numbers repeat across sites); a
 * session activity in every classroom and blended course with four weekly events from
 * first_start in rooms taken in turn, the course's first instructor training, and about one
 * learner of the course in book_every booked on each (*n_events: the events made). */
lerr bulk_insert_rooms(struct db *db, int n, int64_t now);
lerr bulk_plan_sessions(struct db *db, int64_t first_start, int64_t book_every, int64_t now, int64_t *n_events);
/* A learner's month (the calendar scenarios): n_events one-hour events of activity_id spread
 * over the four weeks from month_start, every learner of course_id booked on each. */
lerr bulk_plan_month(struct db *db, int64_t course_id, int64_t activity_id, int64_t month_start, int n_events,
                     int64_t now);
/* "PREFIX YYYY-MM-DD\n": the UTC day of user_id's first booked event in the course `code`. */
lerr bulk_user_month_lines(struct db *db, int64_t user_id, const char *prefix, const char *code, struct buf *out);
/* The session pages of the courses user_id learns in that have events, each as a line
 * "PREFIX CODE/sessions/ID\n" appended to out. */
lerr bulk_user_session_lines(struct db *db, int64_t user_id, const char *prefix, struct buf *out);
/* A small named value in settings (e.g. "bench.dataset"): get (LE_NOTFOUND when absent; the
 * text is allocated in a) and set (insert or replace). */
lerr bulk_setting_get(struct db *db, struct arena *a, const char *key, const char **value);
lerr bulk_setting_set(struct db *db, const char *key, const char *value);


/* ---- Assessments (bulk_quiz.c): question categories, questions, quiz activities and their
 * settings, attempts and their answers. The rows follow migrations/0011_assessments.sql and
 * questions are the JSON objects of assessments.h. ---- */

/* A question category of a course (course_id 0 = shared); *id_out receives its id. */
lerr bulk_insert_qcategory(struct db *db, int64_t course_id, const char *name, int64_t now, int64_t *id_out);
/* One question: data is the question object as JSON text (assessments.h), qtype its "type". */
lerr bulk_insert_question(struct db *db, int64_t category_id, const char *qtype, const char *title,
                          const char *data, int64_t now, int64_t *id_out);
/* An activity of kind 'quiz' (required or not) at position in a section. */
lerr bulk_insert_quiz_activity(struct db *db, int64_t course_id, int64_t section_id, const char *title,
                               int position, bool required, const char *body, int64_t now, int64_t *id_out);
struct bulk_quiz {
    int64_t activity_id;
    int shuffle_questions, shuffle_answers;   /* 0/1 */
    int time_limit_seconds, attempts_allowed; /* 0 = none / unlimited */
    const char *grading_method;               /* highest, last, average, first */
    double pass_percent;
    const char *complete_on;                  /* submit, pass */
};
/* The quiz's settings row and its fixed questions (position 1.., points[i], or 1 each when
 * points is NULL). */
lerr bulk_insert_quiz(struct db *db, const struct bulk_quiz *q, const int64_t *question_ids,
                      const double *points, size_t n_questions);
struct bulk_attempt {
    int64_t id;                   /* given: attempts go in with their ids (see bulk_next_attempt_id) */
    int64_t quiz_id, user_id;
    int number;                   /* 1.. per learner and quiz */
    bool submitted;               /* else in progress (score and percent NULL) */
    int64_t started_at, submitted_at;
    double score, max_score, percent;
};
lerr bulk_insert_attempts(struct db *db, const struct bulk_attempt *rows, size_t n);
struct bulk_attempt_question {
    int64_t attempt_id;
    int slot;                     /* 1.. */
    int64_t question_id;
    double points;
    const char *answer_order;     /* JSON array of answer indices, "" = as stored */
    const char *response;         /* JSON (assessments.h), NULL = not answered */
    int64_t saved_at;             /* 0 = NULL */
    bool graded;                  /* fraction and mark set, graded_at = graded_at */
    double fraction;              /* 0..1 */
    int64_t graded_at;
};
lerr bulk_insert_attempt_questions(struct db *db, const struct bulk_attempt_question *rows, size_t n);
/* The first free attempt id: MAX(id) + 1 of quiz_attempts (1 when empty). */
lerr bulk_next_attempt_id(struct db *db, int64_t *out);
/* After attempts went in with given ids: on PostgreSQL, moves quiz_attempts' identity
 * sequence past them, so the server's own attempts get fresh ids (SQLite needs nothing). */
lerr bulk_sync_attempt_ids(struct db *db);
/* Reads for the generator. Every course in id order with its code and its last section
 * (malloc'd into *out, caller frees). */
struct bulk_course_row {
    int64_t id, last_section_id;
    char code[32];
};
lerr bulk_course_rows(struct db *db, struct bulk_course_row **out, size_t *n_out);
/* Every learner enrolment in id order: course, user, when enrolled, completed (0 = not) and
 * last active (0 = never). */
struct bulk_enrolment_row {
    int64_t course_id, user_id, enrolled_at, completed_at, last_access_at;
};
lerr bulk_learner_enrolments(struct db *db, struct bulk_enrolment_row **out, size_t *n_out);
/* The learners of the course with this code in enrolment order (malloc'd into *ids_out), and
 * the id of its first activity of the kind ("quiz", "session"); LE_NOTFOUND when there is no
 * such course or activity. */
lerr bulk_course_learners(struct db *db, const char *code, const char *kind, int64_t *activity_id_out,
                          int64_t **ids_out, size_t *n_out);

/* ---- Programmes for the schedules scenarios (bulk_schedules.c) ---- */
struct bulk_programme {
    bool certification;           /* valid 365 days, renewal window 30 */
    int64_t course_ids[3];        /* its one set: all three */
    int64_t department_id;        /* assigned to this department and its subtree */
};
/* Programme k (codes BENCH-P01... or BENCH-C01...), its set, its rule and its assignments:
 * due dates spread from 20 days ago to a year ahead, four in five of a certification's people
 * certified (expiring 35 days to a year ahead), one in five of a plain programme's complete;
 * the others enrolled in its courses. *n_assigned grows by the people assigned. */
lerr bulk_insert_programme(struct db *db, const struct bulk_programme *bp, int k, int64_t now, int64_t *n_assigned);
/* Certificates (bulk_certificates.c): a template on the course of the first completed
 * enrolment and a certificate for up to n (at most 256) of its completions; their codes
 * (16 letters) into codes, *n_out how many, and the course's code into course_code. */
lerr bulk_certificates(struct db *db, int64_t now, size_t n, char (*codes)[17], size_t *n_out, char course_code[101]);

#endif
