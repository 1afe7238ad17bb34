/* The schedules domain (docs/schedules.md): programmes, each an ordered list of course sets
 * ("all of these" or "any N of these", optionally closed until the set before is complete),
 * assigned to people by rules that follow them as they join, move and leave, with due dates,
 * extensions and each person's state. It uses courses, people and platform, and hears from them
 * through their tables (schedules_init): people moving, courses completed. */
#ifndef LECTERN_MODEL_SCHEDULES_H
#define LECTERN_MODEL_SCHEDULES_H

#include "../courses/courses.h"

/* Registers with the domains below: assignments follow people who move (people_on_moved), a
 * completed course opens the next set (course_on_complete), and a department or job role a
 * programme is assigned to cannot be deleted. model_init calls it after courses_init. */
void schedules_init(void);

/* ---- Set logic and states (progress.c): no database, so unit tests call them ---- */
struct set_progress {
    int n_courses;                /* the set's courses */
    int n_done;                   /* how many of them the person has completed */
    int require_n;                /* 0 = all of them */
    bool after_previous;          /* closed until the set before it is complete */
    bool open, complete;          /* filled by programme_progress */
};
/* Fills each set's open and complete in order; true when every set is complete (and there is
 * at least one). A set asking more courses than it has asks all of them. */
bool programme_progress(struct set_progress *sets, int n);
enum assignment_state {
    STATE_ASSIGNED, STATE_IN_PROGRESS, STATE_COMPLETE, STATE_OVERDUE,
    /* a certification's (certification.c): */
    STATE_CERTIFIED, STATE_RENEWAL_OPEN, STATE_EXPIRED
};
/* Complete when completed_at is set; else overdue once due_at (0 = none) has passed; else in
 * progress when something is done, or assigned. */
enum assignment_state assignment_state(int64_t completed_at, int64_t due_at, bool started, int64_t now);
/* "assigned", "in_progress", "complete", "overdue", "certified", "renewal_open", "expired" */
const char *assignment_state_name(enum assignment_state s);
/* The state a name means; false for none. */
bool assignment_state_parse(const char *name, enum assignment_state *out);

/* ---- Programmes (programme.c) ---- */
#define PROGRAMME_SETS_MAX 20
#define PROGRAMME_SET_COURSES_MAX 50
struct programme_set_input {
    const char *courses;          /* course codes separated by commas, spaces or new lines */
    int require_n;                /* 0 = all */
    bool after_previous;
    bool renewal;                 /* a set of the certification's renewal path */
};
/* ---- Certifications (certification.c) ---- */
enum cert_rhythm { RHYTHM_EXPIRY, RHYTHM_COMPLETION };
/* A programme's certification rule; valid_days 0 and valid_month 0 = not a certification. */
struct cert_rule {
    int valid_days;               /* valid N days, or */
    int valid_month, valid_day;   /* until this date (the end of the day, UTC) each year */
    int window_days;              /* the renewal window opens this many days before expiry */
    enum cert_rhythm rhythm;      /* an early renewal counts from the old expiry or the completion */
};
static inline bool cert_rule_on(const struct cert_rule *r)
{
    return r->valid_days > 0 || r->valid_month > 0;
}
/* The expiry a completion at completed_at gives. previous_expiry (0 = first certification): with
 * the rhythm "expiry", a renewal completed before it counts from it, so the dates keep their rhythm. */
int64_t certification_expiry(const struct cert_rule *r, int64_t completed_at, int64_t previous_expiry);
/* When the renewal window opens for an expiry. */
int64_t certification_window_opens(const struct cert_rule *r, int64_t expires_at);
/* A certification's state: never certified, as assignment_state (assigned, in progress, overdue);
 * else expired once expires_at has passed, renewal open inside the window, else certified. */
enum assignment_state certification_state(const struct cert_rule *r, int64_t expires_at, int64_t due_at, bool started,
                                          int64_t now);
/* What a form or request gives: valid_days or valid_until ("MM-DD"), window, rhythm. */
struct certification_input {
    bool set;                     /* false = leave as it is */
    int valid_days;               /* 0 = none */
    const char *valid_until;      /* "MM-DD" or "" */
    int window_days;
    const char *rhythm;           /* "expiry" (default) or "completion" */
};
/* Checks a certification's input into a rule: errors name certification.valid_days,
 * certification.valid_until, certification.renew_window_days or certification.rhythm (prefix
 * given as field_prefix, "" for a page's form). */
lerr certification_check(struct arena *a, const struct certification_input *in, const char *field_prefix,
                         struct cert_rule *out, struct problem *p);
/* Opens the renewal of every certified assignment whose window has opened by now: the cycle's
 * completion is archived in its history, the renewal path's courses are taken again (their
 * earlier records kept) and the person enrolled on them. Running it twice does nothing more. */
lerr certifications_renew(struct db *db, struct arena *a, int64_t now, int *renewed_out, struct problem *p);
/* A person's archived completions, newest first: [{code, title, cycle, completed_at, score,
 * expires_at}]. */
json_t *plan_history_json(struct db *db, struct arena *a, int64_t user_id);
struct programme_input {
    const char *code, *title, *summary, *status;  /* NULL = unchanged (create: "", "active") */
    int due_days;                 /* -1 = unchanged, 0 = none, N days after assignment */
    const char *due_date;         /* "YYYY-MM-DD" fixed due date; "" = none; NULL = unchanged */
    int due_start_days;           /* -1 = unchanged, 0 = none, N days after the person's start date */
    const struct programme_set_input *sets;       /* create only */
    int n_sets;
    struct certification_input certification;     /* .set false = unchanged (create: none) */
};
#define PROGRAMME_INPUT_INIT {.due_days = -1, .due_start_days = -1}
/* A code, a title and good sets are required; each set's unknown course, a require larger
 * than its courses or an empty set is an error naming "sets[i]" (and nothing is written).
 * Audited. */
lerr programme_create(struct db *db, struct arena *a, const struct programme_input *in, int64_t actor_id,
                      int64_t *id_out, struct problem *p);
/* Title, summary, status and due date; a due date rule changes future assignments only. An
 * active programme's rules are applied again (drafts and archived ones assign nobody new). */
lerr programme_update(struct db *db, struct arena *a, int64_t id, const struct programme_input *in,
                      int64_t actor_id, struct problem *p);
/* Adds a set at the end; its people are enrolled in it when it is open. Errors name the
 * set's own fields ("courses", "require"). */
lerr programme_set_add(struct db *db, struct arena *a, int64_t programme_id, const struct programme_set_input *in,
                       int64_t actor_id, struct problem *p);
/* How many people are part-way through the programme (assigned now, not complete, with at least
 * one of its courses done): who a removed set or course changes things for. */
lerr programme_part_way(struct db *db, struct arena *a, int64_t programme_id, int64_t *n_out, struct problem *p);
/* Removes a set (completions stay in the courses). */
lerr programme_set_delete(struct db *db, struct arena *a, int64_t programme_id, int64_t set_id, int64_t actor_id,
                          struct problem *p);
/* The programme's id by code: LE_NOTFOUND (field "code") when there is none. */
lerr programme_id_by_code(struct db *db, const char *code, int64_t *id_out, struct problem *p);
/* {code, title, summary, summary_html, status, due: {days_after_assignment}|{date}|null,
 * sets: [{id, position, require, after_previous, courses: [{code, title}]}], assigned} */
json_t *programme_json(struct db *db, struct arena *a, int64_t id);
/* Every programme, by code: code, title, status, sets, assigned. */
json_t *programmes_json(struct db *db, struct arena *a);
/* The courses a set may hold (not archived), by code: [{code, title}], at most 1000. */
json_t *programme_course_choices(struct db *db);

/* ---- Assignments (assignment.c) ---- */
/* kind "user" (username), "department" (its whole subtree), "job_role", "team" (everyone below
 * the manager, direct and indirect) or "everyone". Assigning enrols the people it matches in
 * the courses of the sets open to them. Audited. */
struct programme_rule_input {
    const char *kind;
    const char *username;
    const char *manager;          /* a team's manager, by username */
    bool confirm_past_due;        /* assign even when the fixed due date has passed */
    int64_t department_id, job_role_id;
};
/* A programme whose fixed due date has passed is not assigned to anyone new without
 * confirm_past_due: LE_CONFLICT naming "confirm", nothing written, *added_out saying how many
 * people it would assign. */
lerr programme_assign(struct db *db, struct arena *a, int64_t programme_id, const struct programme_rule_input *in,
                      int64_t actor_id, int64_t *added_out, struct problem *p);
/* Brings assignments in step with the rules: assigns the people an active programme's rules
 * match, ends (keeping the row and its history) those no rule matches any more, and enrols the
 * assigned in the courses of their open sets. programme_id / user_id 0 = all. */
lerr programme_rules_sync(struct db *db, int64_t programme_id, int64_t user_id, struct problem *p);
/* Looks again at user_id's assignments that hold course_id: enrols them in sets that opened
 * and records the programme's completion. */
lerr programme_course_completed(struct db *db, int64_t course_id, int64_t user_id, struct problem *p);
/* Removes a rule: the people no other rule holds leave the programme (their assignment ended,
 * history kept, reminders stopped). dry_run does the same and rolls it back, so *ended_out
 * says how many people it would affect. Audited (programme.unassign). */
lerr programme_rule_delete(struct db *db, struct arena *a, int64_t programme_id, int64_t rule_id, bool dry_run,
                           int64_t actor_id, int64_t *ended_out, struct problem *p);
/* The programme's rules: [{id, kind, who, manager?}]; who is the username, the department, the
 * job role or the manager's name and username. */
json_t *programme_rules_json(struct db *db, struct arena *a, int64_t programme_id);
/* The programme's live assignments, by name: [{username, name, state, due, assigned_at,
 * completed_at, done, required}]; state NULL = any. */
json_t *programme_assignments_json(struct db *db, struct arena *a, int64_t programme_id, const char *state);

/* ---- Extensions (extension.c) ---- */
/* Moves the person's due date later (due "YYYY-MM-DD", the end of that day UTC), with a
 * reason. Administrators extend anyone's; a manager only for people in their reporting line.
 * A date not after the current due date is refused (field "due"). Audited. */
lerr programme_extend(struct db *db, struct arena *a, int64_t programme_id, const char *username, const char *due,
                      const char *reason, int64_t actor_id, unsigned actor_roles, struct problem *p);

/* ---- My plan and the team's (plan.c) ---- */
/* The person's assigned active programmes, soonest due first: [{code, title, state, due,
 * overdue, percent, done, required, next: {code, title} | null, sets: [...]}], in one query. */
json_t *plan_json(struct db *db, struct arena *a, int64_t user_id);
/* For a manager: the live assignments of their reporting line that are not complete, and the
 * certifications expired or expiring within their programme's first warning day (60 by
 * default); overdue and expired first, then by due date (administrators: everyone's). */
json_t *team_plan_json(struct db *db, struct arena *a, int64_t viewer_id, unsigned viewer_roles);

/* ---- The administrators' schedule (schedule_view.c) ---- */
#define SCHEDULE_WEEKS_DEFAULT 8
#define SCHEDULE_WEEKS_MAX 52
#define SCHEDULE_ROWS_MAX 2000    /* a page's rows; the filters narrow it */
#define SCHEDULE_CSV_ROWS_MAX 20000 /* the CSV's */
enum schedule_bucket { BUCKET_NONE, BUCKET_WEEK, BUCKET_OVERDUE, BUCKET_EXPIRING, BUCKET_EXPIRED };
/* Where an assignment goes: a certified one by its expiry (expired once passed, expiring before
 * the last week ends); else, not complete with a due date, overdue once it has passed or due in
 * week *week_out (0 = the 7 days from week0, the start of today) when within weeks. */
enum schedule_bucket schedule_bucket(int64_t due_at, int64_t completed_at, int64_t expires_at, int64_t now,
                                     int64_t week0, int weeks, int *week_out);
struct schedule_filter {
    int64_t programme_id, department_id, job_role_id;  /* 0 = any; a department with its subtree */
    int weeks;                    /* 1 to SCHEDULE_WEEKS_MAX; other values the default */
    int max_rows;                 /* 0 = SCHEDULE_ROWS_MAX */
};
/* {weeks, from, due: [{week, from, to, items}], overdue, expiring, truncated} in one query; each
 * item {code, title, username, name, department, job_role, state, due, expires}. NULL when the
 * database fails. At most max_rows items (truncated says more were left out). */
json_t *schedule_json(struct db *db, struct arena *a, const struct schedule_filter *f, int64_t now);
/* The filters' choices in one query: {programmes: [{id, code, title}] (active ones), departments: [{id, name,
 * parent_id}], job_roles: [{id, name}]}. */
json_t *schedule_choices(struct db *db, struct arena *a);

/* ---- Completions from another system (completion_import.c) ---- */
/* `lectern completion import`: rows of username or idnumber, course or programme, completed
 * (YYYY-MM-DD, not in the future), and optionally expiry and score (0 to 100). An unknown
 * person, course or programme, a bad or future date is a located error, and then nothing is
 * written. Rows are "record" or "unchanged" (recorded before). */
lerr completion_import_run(struct db *db, struct arena *a, const char *data, size_t len, bool commit,
                           int64_t actor_id, struct course_import_result *r, struct problem *p);

/* ---- Reminders and escalation (reminder.c, reminder_settings.c) ---- */
#define REMINDER_BEFORE_MAX 10    /* "days before the due date" a programme may list */
#define REMINDER_DAYS_LIMIT 365
/* Sends every reminder due at now, each once (keyed by person, assignment, kind, days and due
 * date): before the due date, the overdue notice, and escalation to the line manager. Safe on
 * several nodes at once and after a crash. *sent_out: how many messages were queued. */
lerr schedules_reminders_scan(struct db *db, struct arena *a, int64_t now, int *sent_out, struct problem *p);
/* "14, 7,1" into distinct days 1..REMINDER_DAYS_LIMIT, largest first: how many, or -1 when
 * the text is not such a list ("" is none). */
int reminder_days_parse(const char *text, int *out, int max);
struct programme_reminders {
    const char *before;           /* days before the due date, "14,7,1"; "" = none */
    bool overdue;                 /* a notice once the due date has passed */
    int escalate_days;            /* the line manager told after N days overdue; 0 = never */
    const char *expiry;           /* days before a certification's expiry it warns, "60,30"; "" = none; NULL = the default */
};
/* Errors name "remind_before", "remind_expiry" or "escalate_days". Audited (programme.reminders). */
lerr programme_reminders_update(struct db *db, struct arena *a, int64_t id, const struct programme_reminders *in,
                                int64_t actor_id, struct problem *p);
/* {before_days: [14, 7, 1], before: "14,7,1", overdue, escalate_days, expiry_days: [60, 30],
 * expiry: "60,30"}, or NULL. */
json_t *programme_reminders_json(struct db *db, int64_t id);

#endif
