/* What only the schedules domain's files share. */
#ifndef LECTERN_MODEL_SCHEDULES_INTERNAL_H
#define LECTERN_MODEL_SCHEDULES_INTERNAL_H

#include "schedules.h"
#include "../internal.h"
#include "../people/people.h"
#include "../platform/platform.h"

/* Appends an audit entry about programme `code` with details d (stolen): LE_DB problem on
 * failure. */
lerr schedules_audit(struct db *db, struct arena *a, int64_t actor_id, const char *action, const char *code,
                     json_t *d, struct problem *p);
/* "2027-01-31" for a time (UTC), or NULL for 0. */
const char *schedules_date(struct arena *a, int64_t t);
/* Enrols the person of each given live assignment (0 = all of the programme's, or of the
 * person's when programme_id is 0) in the courses of their open sets, and records the
 * completion of those whose sets are all complete (assignment.c). */
lerr assignments_advance(struct db *db, int64_t programme_id, int64_t user_id, struct problem *p);
/* ---- Due dates counted from the person's start date (start_date.c) ---- */
/* in's days after the start date: 1 to 3650, and not with another due date rule. */
lerr due_start_check(const struct programme_input *in, struct problem *p);
/* Records in's rule on the programme: days after the start date replace the other rules, and
 * another rule given replaces them. Inside the caller's transaction. */
lerr due_start_write(struct db *db, int64_t programme_id, const struct programme_input *in, struct problem *p);
/* Gives live, incomplete assignments of programmes due after the start date, that have no due
 * date yet and whose person has a start date, their due date (0 = all programmes / people). */
lerr assignments_due_from_start(struct db *db, int64_t programme_id, int64_t user_id, struct problem *p);

/* ---- Certifications (certification.c, renewal.c) ---- */
/* Writes the rule on the programme (a rule that is off makes it a plain programme again). */
lerr certification_save(struct db *db, int64_t programme_id, const struct cert_rule *r, struct problem *p);
/* The rule from the programme's columns (cert_valid_days, cert_valid_until, ...). */
void cert_rule_from_columns(struct cert_rule *r, int64_t valid_days, const char *valid_until, int64_t window_days,
                            const char *rhythm);
/* {valid_days, valid_until?, renew_window_days, rhythm}, or null for a plain programme. */
json_t *cert_rule_json(const struct cert_rule *r);

/* ---- Assignments as read with their progress (reading.c) ---- */
struct assigned_course {
    int64_t course_id;
    const char *code, *title;
    int set;                      /* index into the view's sets */
    bool done;                    /* completed, in any enrolment of the person's */
    bool enrolled;                /* a live enrolment */
    bool archived;                /* the course is archived: nobody is enrolled in it any more */
};
struct assignment_view {
    int64_t id, programme_id, user_id, assigned_at, due_at, completed_at, ended_at;
    const char *code, *title, *status;          /* the programme's */
    const char *username, *name;                /* the person's */
    struct set_progress sets[PROGRAMME_SETS_MAX];
    int n_sets;
    struct assigned_course *courses;
    int n_courses;
    /* filled by the reader from the sets: */
    bool all_complete;
    int done, required;           /* courses counted towards the sets, and needed */
    const struct assigned_course *next;         /* the first course to do in an open set */
    enum assignment_state state;
    /* a certification's: */
    struct cert_rule cert;        /* off for a plain programme */
    int64_t expires_at;           /* 0 = never certified */
    int cycle;                    /* 0 = the first certification, then each renewal */
    int expiring_days;            /* the programme's first expiry warning day (EXPIRING_DAYS without one) */
    bool expiring;                /* expires within expiring_days (and has not yet) */
};
#define EXPIRING_DAYS 60
struct assignment_filter {
    int64_t programme_id, user_id;  /* 0 = any */
    int64_t manager_id;             /* 0 = anyone's; else only their reporting line */
    bool active_only;               /* only active programmes */
    bool with_ended;                /* also people who left the assigned group */
};
/* The assignments the filter selects, in one query: by due date (none last), programme code
 * and person. */
lerr assignments_read(struct db *db, struct arena *a, const struct assignment_filter *f, struct assignment_view **out,
                      int *n_out);
/* The JSON of one assignment: programme, person, state, due, progress and what to do next. */
json_t *assignment_view_json(struct arena *a, const struct assignment_view *v);

#endif
