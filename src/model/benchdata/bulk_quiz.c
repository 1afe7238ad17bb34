/* Bulk loading of assessments for `lectern bench-data` (issue 6): the question bank, quizzes,
 * attempts and their answers. Like bulk.c: the SQL holds placeholders only (its shape depends
 * on the row count, never on the data), as many rows a statement as 99 placeholders allow,
 * inside the caller's transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "benchdata.h"
#include "../internal.h"

lerr bulk_insert_qcategory(struct db *db, int64_t course_id, const char *name, int64_t now, int64_t *id_out)
{
    struct db_stmt *st = db_prepare(db, "INSERT INTO question_categories (course_id, name, created_at) "
                                        "VALUES (?1, ?2, ?3) RETURNING id");
    if (!st) return LE_DB;
    bulk_bind_opt_int(st, 1, course_id);
    db_bind_text(st, 2, name);
    db_bind_int(st, 3, now);
    return bulk_step_id(st, id_out);
}

lerr bulk_insert_question(struct db *db, int64_t category_id, const char *qtype, const char *title,
                          const char *data, int64_t now, int64_t *id_out)
{
    struct db_stmt *st = db_prepare(db, "INSERT INTO questions (category_id, qtype, title, data, version, "
                                        "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5) "
                                        "RETURNING id");
    if (!st) return LE_DB;
    db_bind_int(st, 1, category_id);
    db_bind_text(st, 2, qtype);
    db_bind_text(st, 3, title ? title : "");
    db_bind_text(st, 4, data);
    db_bind_int(st, 5, now);
    return bulk_step_id(st, id_out);
}

lerr bulk_insert_quiz_activity(struct db *db, int64_t course_id, int64_t section_id, const char *title,
                               int position, bool required, const char *body, int64_t now, int64_t *id_out)
{
    struct db_stmt *st = db_prepare(
        db, "INSERT INTO activities (course_id, section_id, kind, title, position, required, "
            "allow_mark_done, body, url, created_at, updated_at) VALUES "
            "(?1, ?2, 'quiz', ?3, ?4, ?5, 0, ?6, '', ?7, ?7) RETURNING id");
    if (!st) return LE_DB;
    db_bind_int(st, 1, course_id);
    db_bind_int(st, 2, section_id);
    db_bind_text(st, 3, title);
    db_bind_int(st, 4, position);
    db_bind_int(st, 5, required ? 1 : 0);
    db_bind_text(st, 6, body ? body : "");
    db_bind_int(st, 7, now);
    return bulk_step_id(st, id_out);
}

/* The quiz's questions as rows for bulk_insert_batched. */
struct quiz_questions {
    int64_t quiz_id;
    const int64_t *question_ids;
    const double *points;
};

static void bind_quiz_question(struct db_stmt *st, int i, const void *rows, size_t r)
{
    const struct quiz_questions *q = rows;
    db_bind_int(st, i, q->quiz_id);
    db_bind_int(st, i + 1, q->question_ids[r]);
    db_bind_int(st, i + 2, (int64_t)(r + 1));
    db_bind_double(st, i + 3, q->points ? q->points[r] : 1.0);
}

lerr bulk_insert_quiz(struct db *db, const struct bulk_quiz *q, const int64_t *question_ids,
                      const double *points, size_t n_questions)
{
    struct db_stmt *st = db_prepare(
        db, "INSERT INTO quizzes (activity_id, random_category_id, random_count, shuffle_questions, "
            "shuffle_answers, open_at, close_at, time_limit_seconds, attempts_allowed, grading_method, "
            "pass_percent, per_page, complete_on) VALUES "
            "(?1, NULL, 0, ?2, ?3, NULL, NULL, ?4, ?5, ?6, ?7, 0, ?8)");
    if (!st) return LE_DB;
    db_bind_int(st, 1, q->activity_id);
    db_bind_int(st, 2, q->shuffle_questions ? 1 : 0);
    db_bind_int(st, 3, q->shuffle_answers ? 1 : 0);
    db_bind_int(st, 4, q->time_limit_seconds);
    db_bind_int(st, 5, q->attempts_allowed);
    db_bind_text(st, 6, q->grading_method ? q->grading_method : "highest");
    db_bind_double(st, 7, q->pass_percent);
    db_bind_text(st, 8, q->complete_on ? q->complete_on : "pass");
    lerr e = bulk_step_done(st);
    if (e) return e;
    struct quiz_questions qq = {q->activity_id, question_ids, points};
    return bulk_insert_batched(db, "INSERT INTO quiz_questions (quiz_id, question_id, position, points) VALUES ",
                               "(?1, ?2, ?3, ?4)", n_questions, bind_quiz_question, &qq);
}

static void bind_attempt(struct db_stmt *st, int i, const void *rows, size_t r)
{
    const struct bulk_attempt *x = (const struct bulk_attempt *)rows + r;
    db_bind_int(st, i, x->id);
    db_bind_int(st, i + 1, x->quiz_id);
    db_bind_int(st, i + 2, x->user_id);
    db_bind_int(st, i + 3, x->number);
    db_bind_text(st, i + 4, x->submitted ? "submitted" : "in_progress");
    db_bind_int(st, i + 5, x->started_at);
    if (x->submitted) {
        db_bind_int(st, i + 6, x->submitted_at);
        db_bind_text(st, i + 7, "learner");
        db_bind_double(st, i + 8, x->score);
        db_bind_double(st, i + 10, x->percent);
    } else {
        db_bind_null(st, i + 6);
        db_bind_text(st, i + 7, "");
        db_bind_null(st, i + 8);
        db_bind_null(st, i + 10);
    }
    db_bind_double(st, i + 9, x->max_score);
}

lerr bulk_insert_attempts(struct db *db, const struct bulk_attempt *rows, size_t n)
{
    return bulk_insert_batched(db,
                               "INSERT INTO quiz_attempts (id, quiz_id, user_id, number, state, started_at, "
                               "deadline_at, submitted_at, submitted_by, page, score, max_score, percent, "
                               "needs_grading) VALUES ",
                               "(?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8, 0, ?9, ?10, ?11, 0)", n, bind_attempt, rows);
}

static void bind_attempt_question(struct db_stmt *st, int i, const void *rows, size_t r)
{
    const struct bulk_attempt_question *x = (const struct bulk_attempt_question *)rows + r;
    db_bind_int(st, i, x->attempt_id);
    db_bind_int(st, i + 1, x->slot);
    db_bind_int(st, i + 2, x->question_id);
    db_bind_double(st, i + 3, x->points);
    db_bind_text(st, i + 4, x->answer_order ? x->answer_order : "");
    db_bind_text(st, i + 5, x->response);
    bulk_bind_opt_int(st, i + 6, x->saved_at);
    if (x->graded) {
        db_bind_double(st, i + 7, x->fraction);
        db_bind_double(st, i + 8, x->fraction * x->points);
        db_bind_int(st, i + 9, x->graded_at);
    } else {
        db_bind_null(st, i + 7);
        db_bind_null(st, i + 8);
        db_bind_null(st, i + 9);
    }
}

lerr bulk_insert_attempt_questions(struct db *db, const struct bulk_attempt_question *rows, size_t n)
{
    /* question_version 1: generated questions are never edited. */
    return bulk_insert_batched(db,
                               "INSERT INTO attempt_questions (attempt_id, slot, question_id, question_version, "
                               "points, answer_order, response, saved_at, fraction, mark, graded_at) VALUES ",
                               "(?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", n, bind_attempt_question, rows);
}

lerr bulk_next_attempt_id(struct db *db, int64_t *out)
{
    return db_query_int(db, out, "SELECT COALESCE(MAX(id), 0) + 1 FROM quiz_attempts", "");
}

lerr bulk_sync_attempt_ids(struct db *db)
{
    if (strcmp(db_engine_name(db), "postgres") != 0) return LE_OK;
    int64_t ignored;
    return db_query_int(db, &ignored,
                        "SELECT setval(pg_get_serial_sequence('quiz_attempts', 'id'), "
                        "(SELECT COALESCE(MAX(id), 0) + 1 FROM quiz_attempts), false)",
                        "");
}

/* Every row of sql (no parameters) into a calloc'd array of row_size elements, filled by fill;
 * count_sql says how many to expect (the array never grows). */
static lerr read_rows(struct db *db, const char *count_sql, const char *sql, size_t row_size,
                      void (*fill)(struct db_stmt *st, void *row), void **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    int64_t count = 0;
    lerr e = db_query_int(db, &count, count_sql, "");
    if (e) return e;
    char *rows = calloc(count ? (size_t)count : 1, row_size);
    if (!rows) return LE_NOMEM;
    struct db_stmt *st = db_query(db, sql, "");
    size_t n = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW && n < (size_t)count) fill(st, rows + n++ * row_size);
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) {
        free(rows);
        return LE_DB;
    }
    *out = rows;
    *n_out = n;
    return LE_OK;
}

static void fill_course_row(struct db_stmt *st, void *row)
{
    struct bulk_course_row *r = row;
    r->id = db_col_int(st, 0);
    snprintf(r->code, sizeof r->code, "%s", db_col_text(st, 1));
    r->last_section_id = db_col_int(st, 2);
}

lerr bulk_course_rows(struct db *db, struct bulk_course_row **out, size_t *n_out)
{
    return read_rows(db, "SELECT COUNT(*) FROM courses",
                     "SELECT c.id, c.code, (SELECT MAX(s.id) FROM course_sections s WHERE s.course_id = c.id AND "
                     "s.deleted_at IS NULL) FROM courses c ORDER BY c.id",
                     sizeof **out, fill_course_row, (void **)out, n_out);
}

static void fill_enrolment_row(struct db_stmt *st, void *row)
{
    *(struct bulk_enrolment_row *)row = (struct bulk_enrolment_row){
        .course_id = db_col_int(st, 0),
        .user_id = db_col_int(st, 1),
        .enrolled_at = db_col_int(st, 2),
        .completed_at = db_col_is_null(st, 3) ? 0 : db_col_int(st, 3),
        .last_access_at = db_col_is_null(st, 4) ? 0 : db_col_int(st, 4),
    };
}

lerr bulk_learner_enrolments(struct db *db, struct bulk_enrolment_row **out, size_t *n_out)
{
    return read_rows(db, "SELECT COUNT(*) FROM enrolments WHERE role = 'learner'",
                     "SELECT course_id, user_id, enrolled_at, completed_at, last_access_at FROM enrolments WHERE "
                     "role = 'learner' ORDER BY id",
                     sizeof **out, fill_enrolment_row, (void **)out, n_out);
}

lerr bulk_course_learners(struct db *db, const char *code, const char *kind, int64_t *activity_id_out,
                          int64_t **ids_out, size_t *n_out)
{
    *ids_out = NULL;
    *n_out = 0;
    int64_t course_id = 0, count = 0;
    lerr e = db_query_int(db, &course_id, "SELECT id FROM courses WHERE code = ?1", "s", code);
    if (!e)
        e = db_query_int(db, activity_id_out,
                         "SELECT MIN(id) FROM activities WHERE course_id = ?1 AND kind = ?2 AND deleted_at IS NULL "
                         "HAVING MIN(id) IS NOT NULL",
                         "is", course_id, kind);
    if (!e)
        e = db_query_int(db, &count,
                         "SELECT COUNT(*) FROM enrolments WHERE course_id = ?1 AND role = 'learner' "
                         "AND unenrolled_at IS NULL",
                         "i", course_id);
    if (e) return e;
    int64_t *ids = malloc((count ? (size_t)count : 1) * sizeof *ids);
    if (!ids) return LE_NOMEM;
    struct db_stmt *st = db_query(db,
                                  "SELECT user_id FROM enrolments WHERE course_id = ?1 AND role = 'learner' "
                                  "AND unenrolled_at IS NULL ORDER BY id",
                                  "i", course_id);
    size_t n = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW && n < (size_t)count) ids[n++] = db_col_int(st, 0);
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) {
        free(ids);
        return LE_DB;
    }
    *ids_out = ids;
    *n_out = n;
    return LE_OK;
}
