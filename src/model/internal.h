/* Helpers shared by the model's files and by nothing outside src/model. */
#ifndef LECTERN_MODEL_INTERNAL_H
#define LECTERN_MODEL_INTERNAL_H

#include "model.h"

/* The problem for a database failure in a change: nothing was saved, try again. */
lerr model_db_problem(struct problem *p);
/* A text column copied into the arena; "" for NULL. */
const char *model_col_str(struct arena *a, struct db_stmt *st, int col);
/* The id of user_id's live (not ended) enrolment in course_id: LE_OK, LE_NOTFOUND when they are
 * not enrolled, LE_DB. */
lerr enrolment_live_id(struct db *db, int64_t course_id, int64_t user_id, int64_t *id_out);

/* ---- Bulk loading (bulk.c; also used by bulk_quiz.c) ---- */
/* Binds rows[r]'s values to placeholders first, first + 1, ... of a multi-row INSERT. */
typedef void (*bulk_bind_fn)(struct db_stmt *st, int first, const void *rows, size_t r);
/* Inserts n rows with "head row, row, ..." statements, as many rows a statement as the
 * engines' 99 placeholders allow. head ends in "VALUES "; row is one row's values as for a
 * single-row insert, placeholders ?1 to ?K (a value may repeat one, or be an SQL literal),
 * renumbered for each row of a statement; bind fills one row's K values. */
lerr bulk_insert_batched(struct db *db, const char *head, const char *row, size_t n,
                         bulk_bind_fn bind, const void *rows);
/* v, or NULL for 0. */
void bulk_bind_opt_int(struct db_stmt *st, int idx, int64_t v);
/* Steps an INSERT and finishes it: LE_CONFLICT on a constraint, LE_DB on other failures. */
lerr bulk_step_done(struct db_stmt *st);
/* The same for an INSERT ... RETURNING id; *id_out receives the id. */
lerr bulk_step_id(struct db_stmt *st, int64_t *id_out);

#endif
