/* Helpers shared by every domain's model files and by nothing outside src/model. A domain's
 * own internal.h includes this one after its public header. */
#ifndef LECTERN_MODEL_INTERNAL_H
#define LECTERN_MODEL_INTERNAL_H

#include <jansson.h>
#include "../core/core.h"
#include "../core/json_set.h"
#include "../db/db.h"

/* The problem for a database failure in a change: nothing was saved, try again. */
lerr model_db_problem(struct problem *p);
/* A time as JSON: "2027-01-31T09:00:00Z", or null for 0 (not set). */
json_t *model_json_time(int64_t t);
/* A text column copied into the arena; "" for NULL. */
const char *model_col_str(struct arena *a, struct db_stmt *st, int col);
/* Search text as the engine's full-text query language (common.c): words of letters and
 * digits (at most 8), each a prefix, all required. FTS5: "fire"* "101"*; PostgreSQL (pg):
 * fire:* & 101:*. "" when no word. The course catalogue and the forums search with it. */
const char *model_search_terms(struct arena *a, const char *q, bool pg);

/* ---- Multi-row inserts (batch_insert.c): the bench-data loaders and an attempt's answers ---- */
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

/* ---- Filtered lists (common.c): conditions chosen from fixed fragments, values bound ----
 * A list with optional filters adds a fragment per filter given and binds its value; the SQL
 * text is only ever fixed fragments and placeholder numbers, never input. */
#define SQL_WHERE_MAX 12
struct sql_where {
    const char *sql;              /* " AND cond AND cond", "" when nothing is added */
    int n;                        /* values bound so far: the next placeholder is ?(n + 1) */
    struct {
        bool is_text;
        int64_t i;
        const char *s;
    } v[SQL_WHERE_MAX];
};
/* Adds " AND " fragment, where each "?" in fragment is the value given (one value a
 * fragment, used as many times as it appears). */
void sql_where_int(struct arena *a, struct sql_where *w, const char *fragment, int64_t v);
void sql_where_text(struct arena *a, struct sql_where *w, const char *fragment, const char *v);
/* Adds " AND " fragment, a condition without values. */
void sql_where_cond(struct arena *a, struct sql_where *w, const char *fragment);
/* Reserves the next placeholder for a value the caller writes into its own SQL (a LIMIT). */
int sql_where_param_int(struct sql_where *w, int64_t v);
/* Prepares sql and binds w's values; NULL on error. */
struct db_stmt *sql_where_query(struct db *db, const char *sql, const struct sql_where *w);

#endif
