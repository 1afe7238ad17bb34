/* Bulk loading of assessments for `lectern bench-data` (bulk_quiz.c; issue 6): question
 * categories, questions, quiz activities and their settings, attempts and their answers, many
 * rows a statement inside the caller's transaction, like the rest of the bulk section of
 * model.h. No audit entries (the generator audits the whole load once); strings are borrowed.
 * The rows follow migrations/0011_assessments.sql and questions are the JSON objects of
 * question.h. */
#ifndef LECTERN_BULK_QUIZ_H
#define LECTERN_BULK_QUIZ_H

#include "model.h"

/* A question category of a course (course_id 0 = shared); *id_out receives its id. */
lerr bulk_insert_qcategory(struct db *db, int64_t course_id, const char *name, int64_t now, int64_t *id_out);
/* One question: data is the question object as JSON text (question.h), qtype its "type". */
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
    const char *response;         /* JSON (question.h), NULL = not answered */
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
 * the id of its first quiz activity; LE_NOTFOUND when there is no such course or quiz. */
lerr bulk_course_quiz_learners(struct db *db, const char *code, int64_t *quiz_id_out, int64_t **ids_out,
                               size_t *n_out);

#endif
