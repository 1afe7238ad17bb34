/* What only the courses domain's files share. */
#ifndef LECTERN_MODEL_COURSES_INTERNAL_H
#define LECTERN_MODEL_COURSES_INTERNAL_H

#include "courses.h"
#include "../internal.h"

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
/* The same read from the database for all of them (a dashboard whose courses' names are not in
 * memory either), in the one query that also gives each course's name: named(ctx, course_id,
 * outline_version, code, title) for each. */
typedef void (*outline_named_fn)(void *ctx, int64_t course_id, int64_t outline_version, const char *code,
                                 const char *title);
lerr learner_outlines_named(struct db *db, struct arena *a, int64_t user_id, size_t n, const int64_t *course_ids,
                            const struct outline **out, outline_named_fn named, void *ctx);

/* Tells the domains above (course_on_complete) that user_id completed course_id, inside the
 * transaction that recorded it (content.c). */
lerr course_completed(struct db *db, int64_t course_id, int64_t user_id, struct problem *p);

/* ---- What the course and enrolment uploads share (csv_upload.c) ---- */
struct upload_column {            /* a header name (lower case) and the upload's column it gives */
    const char *name;
    int col;
};
struct upload {
    struct arena *a;
    struct csv_doc doc;
    int n_cols;
    int *idx;                     /* per column: the field's index in a record, -1 when absent */
    const char **header;          /* per column: the name the header gives it, "" when absent */
};
/* Reads the file and maps its header through names (unknown names go to r->unknown). A file
 * that cannot be read sets r->file_error and returns false; after a broken quote the error is
 * set and the rows before it are still there to check (true). */
bool upload_open(struct upload *u, struct arena *a, const char *data, size_t len, const struct upload_column *names,
                 size_t n_names, int n_cols, struct course_import_result *r);
/* Row k's values per column, trimmed ("" when absent), into v. false when there is nothing more
 * to check: a blank line (skipped) or a wrong number of fields (the row's error). */
bool upload_row(struct upload *u, struct course_import_result *r, int k, const char **v);
/* The header's name for column col, or fallback when the file has no such column. */
const char *upload_header(const struct upload *u, int col, const char *fallback);
void upload_row_error(struct arena *a, struct course_import_row *row, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool upload_row_has_error(const struct course_import_row *row, const char *column);
/* Counts the outcomes (a row with errors becomes "error") and ends the upload's transaction:
 * written only for a commit without any error. */
lerr upload_finish(struct db *db, struct course_import_result *r, const char *create_outcome, bool commit,
                   struct problem *p);

/* Plugs Moodle's courseN / roleN columns into the user upload (enrol_columns.c). */
void enrol_columns_register(void);

#endif
