/* Helpers shared by the model's files and by nothing outside src/model. */
#ifndef LECTERN_MODEL_INTERNAL_H
#define LECTERN_MODEL_INTERNAL_H

#include "model.h"
#include "../core/json_set.h"

/* The problem for a database failure in a change: nothing was saved, try again. */
lerr model_db_problem(struct problem *p);
/* A time as JSON: "2027-01-31T09:00:00Z", or null for 0 (not set). */
json_t *model_json_time(int64_t t);
/* A text column copied into the arena; "" for NULL. */
const char *model_col_str(struct arena *a, struct db_stmt *st, int col);
/* The id of user_id's live (not ended) enrolment in course_id: LE_OK, LE_NOTFOUND when they are
 * not enrolled, LE_DB. */
lerr enrolment_live_id(struct db *db, int64_t course_id, int64_t user_id, int64_t *id_out);

/* The path of a category inserted with name ?1 under parent ?2 (NULL or 0 for the top level):
 * its parent's path, " / ", and its name. */
#define CATEGORY_PATH_OF_NEW "COALESCE((SELECT g.path || ' / ' FROM course_categories g WHERE g.id = ?2), '') || ?1"

/* ---- Session lookups in memory (session_cache.c) ----
 * The lookup of the session whose token hashes to token_hash, copied into the arena, if one
 * was stored under this auth version and the session is alive at now by the times it was read
 * with, and was last seen less than touch_s ago. */
bool session_cache_get(const char *token_hash, int64_t version, int64_t now, int64_t idle_s, int64_t touch_s,
                       struct arena *a, struct session_user *out);
/* Stores a live session's lookup, read under this auth version. */
void session_cache_put(const char *token_hash, int64_t version, int64_t last_seen, int64_t expires, int64_t now,
                       const struct session_user *su);
/* Drops a session the database no longer has alive. */
void session_cache_forget(const char *token_hash);

/* ---- Courses' names in memory, for the dashboard (course_names.c) ---- */
struct course_name {
    int64_t course_id, outline_version;
    const char *code, *title;
};
/* The name of course_id stored under courses_version `version`, its strings copied into the
 * arena; false when there is none for that version. */
bool course_name_get(struct arena *a, int64_t course_id, int64_t version, struct course_name *out);
/* Stores a course's name as read under courses_version `version`. */
void course_name_put(const struct course_name *name, int64_t version);

/* ---- Course outlines in memory (outline.c) ---- */
struct outline_activity {
    int64_t id;
    const char *kind, *title;
    bool required, allow_mark_done;
};
struct outline_section {
    int64_t id;
    const char *title;
    int first, n; /* its activities: activities[first] to activities[first + n - 1] */
};
/* A course's live sections and activities in the course's order. */
struct outline {
    int64_t course_id, version;
    int n_sections, n_activities;
    struct outline_section *sections;
    struct outline_activity *activities; /* all of them, section after section */
};
/* The outline of course_id, current as of `version` (courses.outline_version, read by the
 * caller), from memory when it is there and from the database otherwise; it stays valid until
 * arena a is freed. LE_NOTFOUND when there is no such course, LE_DB. */
lerr course_outline(struct db *db, struct arena *a, int64_t course_id, int64_t version, const struct outline **out);
/* The same for n courses user_id is enrolled in, in one query at most: out[i] for
 * course_ids[i] at versions[i]; NULL for a course that is not among the user's live
 * enrolments. LE_DB, LE_NOMEM. */
lerr learner_outlines(struct db *db, struct arena *a, int64_t user_id, size_t n, const int64_t *course_ids,
                      const int64_t *versions, const struct outline **out);

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
