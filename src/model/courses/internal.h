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

/* Tells the domains above that user_id's enrolment in course_id ended (course.c). */
lerr enrolment_ended(struct db *db, int64_t course_id, int64_t user_id, struct problem *p);

/* Plugs Moodle's courseN / roleN columns into the user upload (enrol_columns.c). */
void enrol_columns_register(void);

#endif
