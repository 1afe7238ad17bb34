/* The courses domain (docs/courses.md): categories, courses, tags, policies, the catalogue,
 * enrolment (by hand, by rule, by request, by CSV), course content with its activity kinds,
 * completion and progress, and the learner's dashboard. It uses people and platform; domains
 * above it plug in activity kinds (activity_kind_register) and what a course copy takes along
 * (course_on_copy, enrolment_on_end, course_on_complete). */
#ifndef LECTERN_MODEL_COURSES_H
#define LECTERN_MODEL_COURSES_H

#include "../people/people.h"

/* ---- Categories, courses, tags, policies, the catalogue and enrolment (course.c,
 * course_import.c, enrol_columns.c; docs/courses.md) ---- */
/* "YYYY-MM-DD" (a real date) to its midnight UTC in epoch seconds. */
bool course_parse_date(const char *s, int64_t *out);

struct course_category {
    int64_t id;
    const char *name;
    int64_t parent_id;            /* 0 = top level */
    const char *path;             /* "Health / Fire safety" */
    int depth;
    int64_t n_courses;
};
/* Every category in tree order (parents before children, siblings by name). */
lerr category_list(struct db *db, struct arena *a, struct course_category **out, int *n_out);
/* Every category's id, name, parent and path, by path: a form's choices, without category_list's
 * course counts and depths. */
lerr category_paths(struct db *db, struct arena *a, struct course_category **out, int *n_out);
/* parent_id 0 = top level. A parent under the category itself (a loop) is refused. */
lerr category_create(struct db *db, const char *name, int64_t parent_id, int64_t actor_id,
                     int64_t *id_out, struct problem *p);
/* name NULL = unchanged; parent_id -1 = unchanged. */
lerr category_update(struct db *db, int64_t id, const char *name, int64_t parent_id,
                     int64_t actor_id, struct problem *p);
json_t *category_to_json(const struct course_category *c);

/* For model code that inserts categories (course.c, bench data): the path of a category inserted with name ?1 under parent ?2 (NULL or 0 for the top level):
 * its parent's path, " / ", and its name. */
#define CATEGORY_PATH_OF_NEW "COALESCE((SELECT g.path || ' / ' FROM course_categories g WHERE g.id = ?2), '') || ?1"

#define COURSE_CODE_MAX 100
#define COURSE_TITLE_MAX 255
#define COURSE_TEXT_MAX 20000
#define COURSE_TAGS_MAX 20
struct course {
    int64_t id;
    const char *code, *title, *summary;
    int64_t category_id;          /* 0 = none */
    const char *category_path;    /* "Safety / Fire"; "" when none */
    const char *kind;             /* "elearning", "classroom", "blended" */
    const char *status;           /* "draft", "published", "archived" */
    bool visible, self_enrol;
    int64_t start_at, end_at;     /* 0 = not set */
    int duration_minutes;
    const char *tag_list;         /* "fire,safety" */
    const char *policy;
    int policy_version;
    const char *copied_from;      /* the code of the course it was copied from, "" if none */
    int64_t created_at, updated_at;
    int64_t outline_version;      /* raised by every change to its sections and activities */
    /* The viewer's side (course_get_for, course_search): */
    const char *my_role;          /* "learner", "instructor" or NULL when not enrolled */
    int64_t my_due_at, my_completed_at;
    int my_policy_version;        /* the newest policy version they acknowledged, 0 = none */
    bool self_enrol_approval;     /* self-enrolment is a request the manager or an admin approves */
    const char *my_request;       /* "pending" while the viewer's request waits, else NULL */
    const char *cover_sha256;     /* the cover image's stored file, "" = none */
    const char *cover_alt;        /* its alternative text */
};
/* The cover image: an image (PNG, JPEG, GIF, WebP by its bytes) of at most course_cover_max
 * bytes, stored content-addressed, with alternative text (required). d NULL = only the text
 * changes (there must be a cover already). Audited. */
extern int64_t course_cover_max;          /* default 5 MiB */
lerr course_set_cover(struct db *db, struct arena *a, const char *data_dir, int64_t course_id, const char *filename,
                      const char *claimed_mime, const unsigned char *d, size_t n, const char *alt, int64_t actor_id,
                      struct problem *p);
lerr course_remove_cover(struct db *db, struct arena *a, int64_t course_id, int64_t actor_id, struct problem *p);
/* Strings as sent; NULL = unchanged (update) or the default (create). */
struct course_input {
    const char *code, *title, *summary, *kind, *status, *start_date, *end_date, *policy, *tags;
    int64_t category_id;          /* -1 = unchanged / none */
    int visible, self_enrol;      /* -1 = unchanged / default */
    int self_enrol_approval;      /* -1 = unchanged / default */
    int duration_minutes;         /* -1 = unchanged / 0 */
};
#define COURSE_INPUT_INIT \
    {.category_id = -1, .visible = -1, .self_enrol = -1, .self_enrol_approval = -1, .duration_minutes = -1}
lerr course_create(struct db *db, struct arena *a, const struct course_input *in, int64_t actor_id,
                   int64_t *id_out, struct problem *p);
lerr course_update(struct db *db, struct arena *a, int64_t id, const struct course_input *in,
                   int64_t actor_id, struct problem *p);
/* viewer_id 0: no viewer fields. LE_NOTFOUND (field "code") when unknown. */
lerr course_get(struct db *db, struct arena *a, const char *code, int64_t viewer_id,
                struct course *out, struct problem *p);
/* A new draft with the same fields, tags and policy under new_code (title NULL = "Copy of ..."). */
lerr course_copy(struct db *db, struct arena *a, int64_t id, const char *new_code, const char *title,
                 int64_t actor_id, int64_t *id_out, struct problem *p);
lerr course_archive(struct db *db, struct arena *a, int64_t id, int64_t actor_id, struct problem *p);

struct course_query {
    const char *q;                /* full text over code, title and summary; NULL/"" = all */
    const char *kind, *tag;       /* NULL/"" = any */
    int64_t category_id;          /* 0 = any; otherwise the category and its subtree */
    bool all;                     /* drafts, hidden and archived too (course managers) */
    int64_t viewer_id;            /* fills the my_* fields */
    int page, per_page;
};
/* One query whatever the page size (the total comes with the rows). */
lerr course_search(struct db *db, struct arena *a, const struct course_query *q, struct course **out,
                   int *n_out, int *total_out);
/* The administrators' course list (course_admin.c): every course, drafts and archived too,
 * with its category and its live enrolment and completion counts. Filters: status, kind,
 * category (and its subtree), q (part of the code or title); NULL/""/0 = any. sort is one of
 * title, code, status, kind, category, enrolled, completed, updated (unknown: title). One
 * query whatever the page size. */
struct course_admin_query {
    const char *status, *kind, *q, *sort;
    int64_t category_id;
    bool descending;
    int page, per_page;
};
struct course_admin_row {
    const char *code, *title, *status, *kind, *category_path;
    bool visible;
    int64_t n_enrolled, n_completed, updated_at;
};
lerr course_admin_list(struct db *db, struct arena *a, const struct course_admin_query *q,
                       struct course_admin_row **out, int *n_out, int *total_out);
bool course_admin_sort_known(const char *key);
/* Courses people can still be enrolled in (not archived), by title, at most max of them, for a
 * form's choices: code and title only. *more is true when there are others beyond max. */
struct course_choice {
    const char *code, *title;
};
lerr course_choices(struct db *db, struct arena *a, int max, struct course_choice **out, int *n_out, bool *more);
json_t *course_admin_row_json(const struct course_admin_row *r);
/* A course's live enrolments and how many of them are completed, in one query. */
lerr course_enrolment_counts(struct db *db, int64_t course_id, int64_t *enrolled, int64_t *completed);
/* The course as JSON: dates as YYYY-MM-DD, summary_html and policy_html rendered, tags as an
 * array; with a viewer, "enrolment" and "policy_acknowledged". */
json_t *course_to_json(struct arena *a, const struct course *c);

/* Records that user_id acknowledged the course's current policy version (again is fine). */
lerr policy_acknowledge(struct db *db, int64_t course_id, int64_t user_id, struct problem *p);

/* Enrols a person (by username) in a course as "learner" or "instructor" with an optional
 * due date (YYYY-MM-DD, not before the course's start). LE_CONFLICT when already enrolled.
 * Instructors may enrol only in courses they teach: actor_roles decides. */
lerr enrol_user(struct db *db, struct arena *a, int64_t course_id, const char *username,
                const char *role, const char *due, int64_t actor_id, unsigned actor_roles,
                int64_t *id_out, struct problem *p);
/* Several people at once (usernames separated by spaces, commas or lines), all or nothing: the
 * first that cannot be enrolled is reported (p names it) and nobody is enrolled. */
lerr enrol_users(struct db *db, struct arena *a, int64_t course_id, const char *usernames, const char *role,
                 const char *due, int64_t actor_id, unsigned actor_roles, int *n_out, struct problem *p);
/* Marks the person's live enrolment completed at completed_at (enrolling them as a learner
 * first when they are not), and tells the domains above (course_on_complete); *changed false
 * when it was completed already (completion_record.c). */
lerr enrolment_complete_on(struct db *db, struct arena *a, int64_t course_id, const char *username, int64_t user_id,
                           int64_t completed_at, int64_t actor_id, bool *changed, struct problem *p);
/* Ends a live enrolment; the row and its history stay. */
lerr enrol_end(struct db *db, int64_t course_id, const char *username, int64_t actor_id,
               unsigned actor_roles, struct problem *p);
/* A course's enrolments as a list to work with (enrolment_list.c): filtered, sorted on one of
 * the list's columns ("name", "username", "role", "due", "enrolled", "completed",
 * "last_access"; the model maps the key to a fixed ORDER BY) and paged, in two queries. */
struct enrolment_filter {
    const char *q;                /* username or name contains */
    const char *state;            /* "completed", "in_progress", "overdue", NULL = all */
    const char *role;             /* "learner", "instructor", NULL = both */
    const char *sort;
    bool desc;
};
/* The page's rows as the learners list has them; NULL on a database error. */
json_t *course_enrolments_page(struct db *db, struct arena *a, int64_t course_id, const struct enrolment_filter *f,
                               int page, int per_page, int *total_out);
/* For each person in usernames (commas or spaces): ends their enrolment (unenrol) or sets its
 * due date (due "" = none), in one transaction, each audited; the first person who cannot be
 * changed is named in p and nothing changes. */
lerr enrolments_bulk(struct db *db, struct arena *a, const struct course *c, const char *usernames, bool unenrol,
                     const char *due, int64_t actor_id, unsigned actor_roles, int *n_out, struct problem *p);
/* Live enrolments of a course as a JSON array of {username, name, role, due, overdue, ...}. */
json_t *course_enrolments_json(struct db *db, struct arena *a, int64_t course_id);
bool course_teaches(struct db *db, int64_t course_id, int64_t user_id);
/* Course upload from CSV (course_import.c; docs/courses.md): Moodle's shortname, fullname,
 * category (Moodle's numeric id, or a "Parent / Child" path), category_path, category_idnumber,
 * summary, visible, startdate, enddate; Canvas's courses.csv (course_id, short_name, long_name,
 * account_id, status, start_date, end_date, course_format); and Lectern's kind, status, tags. A
 * row whose code exists updates that course (or leaves it unchanged). commit false = preview.
 * Every row is checked and shows all its problems; a commit writes all rows or, when any has an
 * error, nothing. */
struct course_import_row {
    int line;
    const char *code;
    const char *outcome;          /* "create", "update", "unchanged", "skip" or "error";
                                     enrolments: "enrol", "unenrol", "update", "unchanged", ... */
    const char *note;             /* what the outcome means for the row, NULL when plain */
    struct import_issue *errors;
    int n_errors;
};
struct course_import_result {
    const char *file_error;       /* the file's own problem (a broken quote...); NULL otherwise */
    int file_error_line;          /* its line, 0 when it is about the whole file */
    json_t *unknown;              /* unknown columns (ignored), owned */
    struct course_import_row *rows;
    int n_rows, n_create, n_update, n_unchanged, n_skip, n_errors;
    bool committed;
};
lerr course_import_run(struct db *db, struct arena *a, const char *data, size_t len, bool commit, int64_t actor_id,
                       struct course_import_result *r, struct problem *p);
/* What the CSV uploads share (csv_upload.c): courses' and enrolments', and those of the domains
 * above courses (planning's events), so that every upload previews and reports alike. */
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
/* Enrolments from CSV (enrol_import.c): course (or shortname), username or idnumber, role,
 * due (YYYY-MM-DD), status; or Canvas's enrollments.csv (course_id, user_id = idnumber, role or
 * role_id, status active / deleted / inactive / completed), a feed: the same file again changes
 * nothing. Rows are "enrol" (n_create), "unenrol", "update", "complete" (n_update), "unchanged" or
 * "skip"; an unknown course, person, role or status or a due date before the start is a
 * located error, and then nothing is written. */
lerr enrol_import_run(struct db *db, struct arena *a, const char *data, size_t len, bool commit, int64_t actor_id,
                      struct course_import_result *r, struct problem *p);
/* The same upload on one course's page: the course column may be left out, and a row naming
 * another course is an error. actor_roles: instructors enrol only in courses they teach. */
lerr enrol_import_course(struct db *db, struct arena *a, const struct course *c, const char *data, size_t len,
                         bool commit, int64_t actor_id, unsigned actor_roles, struct course_import_result *r,
                         struct problem *p);
/* Enrolment rules: kind "department" (its whole subtree), "job_role" or "everyone". Creating
 * one enrols the people it matches at once. */
lerr enrol_rule_create(struct db *db, struct arena *a, int64_t course_id, const char *kind, int64_t department_id,
                       int64_t job_role_id, int due_days, int64_t actor_id, int64_t *id_out, struct problem *p);
/* Ends the rule and the enrolments that only it kept (history stays). */
lerr enrol_rule_delete(struct db *db, struct arena *a, int64_t course_id, int64_t rule_id, int64_t actor_id,
                       struct problem *p);
json_t *enrol_rules_json(struct db *db, int64_t course_id);
/* Brings rule enrolments in step with the organisation: enrols active people a rule matches,
 * ends rule enrolments nobody's rule matches any more. course_id / user_id 0 = all. Call it
 * after people move (department, job role, suspension); *added / *ended count the changes. */
lerr enrol_rules_sync(struct db *db, int64_t course_id, int64_t user_id, int64_t *added, int64_t *ended,
                      struct problem *p);
/* The id of user_id's live (not ended) enrolment in course_id: LE_OK, LE_NOTFOUND when they are
 * not enrolled, LE_DB. */
lerr enrolment_live_id(struct db *db, int64_t course_id, int64_t user_id, int64_t *id_out);
/* Self-enrolment where the course allows it (published, listed, self_enrol). */
/* Where the course needs approval (self_enrol_approval) a pending request is made instead and
 * *request_out is its id (0 when enrolled at once); asking twice is LE_CONFLICT. */
lerr enrol_self(struct db *db, struct arena *a, int64_t course_id, int64_t user_id, int64_t *request_out,
                struct problem *p);
/* Approves (enrols as learner, source "self") or declines a pending request. Administrators
 * decide any request; others only those of people in their reporting line (user_visible_to),
 * never their own (LE_FORBIDDEN). A decided request is LE_CONFLICT. Audited. */
lerr enrol_request_decide(struct db *db, struct arena *a, int64_t request_id, bool approve, const char *reason,
                          int64_t actor_id, unsigned actor_roles, struct problem *p);
/* Requests the viewer may decide (administrators: all; managers: their reporting line), oldest
 * first; status "" = any, course_id 0 = any. */
json_t *enrol_requests_json(struct db *db, struct arena *a, int64_t viewer_id, unsigned viewer_roles,
                            const char *status, int64_t course_id);
/* The instructor's view: live enrolments with progress ("percent", "required_done") and last
 * access, filtered by q (username or name) and state ("overdue", "completed", "in_progress",
 * NULL = all). One query. */
json_t *course_learners_json(struct db *db, struct arena *a, int64_t course_id, const char *q, const char *state);
/* For each of n users, whether they hold a live enrolment in the course (live[i]); a few
 * queries whatever n is, never one per person. */
lerr enrolments_live_among(struct db *db, int64_t course_id, const int64_t *user_ids, int n, bool *live);

/* ---- Course content (content.c, activity_kinds.c): sections of activities, stored files,
 * completion and progress ---- */
/* Stored course files: type detected from the bytes, at most content_file_max bytes. */
extern int64_t content_file_max;           /* default 64 MiB; tests lower it */
/* The MIME type of the bytes (PDF, PNG, JPEG, GIF, WebP, MP4, WebM, MP3, ZIP-based office
 * documents as "application/zip", UTF-8 text as "text/plain"); NULL when none we accept. */
const char *content_sniff(const unsigned char *d, size_t n);
/* The type a file claims by its name's extension (or claimed_mime when the name says nothing),
 * checked against the bytes. On success *mime is the type to serve. LE_INVALID (field "file")
 * when the content does not match the claim or is not a type we accept. */
lerr content_check_type(const char *filename, const char *claimed_mime, const unsigned char *d, size_t n,
                        const char **mime, struct problem *p);

/* Stores bytes content-addressed under DATA_DIR/files/<sha256> (deduplicated: the same bytes
 * are stored once) and records them in files. */
lerr content_store_file(struct db *db, const char *data_dir, const unsigned char *d, size_t n, const char *mime,
                        char sha_out[65], struct problem *p);

/* The table of activity kinds: what each stores and how it is completed. Later kinds (quiz,
 * SCORM package, classroom session) add a row and report their own completion. */
struct activity_input {
    const char *kind, *title, *body, *url;
    int required, allow_mark_done;          /* -1 = default */
    const char *file_name, *file_mime;      /* file: as uploaded */
    const unsigned char *file_data;
    size_t file_len;
};
struct activity_kind {
    const char *name;                        /* "page", "file", "link" */
    const char *completes_on;                /* the word stored as "how": "viewed", "opened", "followed";
                                              * a quiz completes itself ("submitted" or "passed") */
    /* Checks the kind's own fields; stores what must be stored (a file's bytes) and fills the
     * columns it uses. NULL = nothing beyond the title. */
    lerr (*check)(struct db *db, struct arena *a, const char *data_dir, const struct activity_input *in,
                  const char **body, const char **url, const char **sha256, const char **file_name,
                  struct problem *p);
    /* Called by activity_create inside its transaction with the new activity's id, to make the
     * kind's own rows (a quiz's settings). NULL = nothing. */
    lerr (*created)(struct db *db, struct arena *a, int64_t course_id, int64_t activity_id, int64_t actor_id,
                    struct problem *p);
};
const struct activity_kind *activity_kind_find(const char *name);
/* Comma-separated names, for messages ("page, file, link or quiz"). */
const char *activity_kind_names(void);
/* The registered kinds in registration order (courses' own first), for the forms that offer
 * them: i from 0 to activity_kind_count() - 1. */
size_t activity_kind_count(void);
const struct activity_kind *activity_kind_at(size_t i);
/* Adds a kind from a domain above courses (assessments' quiz), at start (model_init). The
 * kind is borrowed for the life of the process. */
void activity_kind_register(const struct activity_kind *kind);

lerr section_create(struct db *db, struct arena *a, int64_t course_id, const char *title, int64_t actor_id,
                    int64_t *id_out, struct problem *p);
/* Editing the structure: title NULL = unchanged; move -1 = up, 1 = down (swap with the live
 * neighbour; nothing at the end), 0 = stay. Deleting sets deleted_at (a section's activities
 * too): learners' progress stays, the content and progress leave the rows out, and people who
 * have done every remaining required activity are completed. Audited. */
lerr section_update(struct db *db, struct arena *a, int64_t course_id, int64_t id, const char *title, int move,
                    int64_t actor_id, struct problem *p);
lerr section_delete(struct db *db, struct arena *a, int64_t course_id, int64_t id, int64_t actor_id,
                    struct problem *p);
lerr activity_update(struct db *db, struct arena *a, int64_t course_id, int64_t id, const char *title, int move,
                     int64_t actor_id, struct problem *p);
/* Moves an activity to the end of another section of the same course (LE_NOTFOUND, field
 * "section_id", when the course has no such live section); its own section: nothing moves.
 * Audited. */
lerr activity_move_to_section(struct db *db, struct arena *a, int64_t course_id, int64_t id, int64_t section_id,
                              int64_t actor_id, struct problem *p);
lerr activity_delete(struct db *db, struct arena *a, int64_t course_id, int64_t id, int64_t actor_id,
                     struct problem *p);
lerr activity_create(struct db *db, struct arena *a, const char *data_dir, int64_t course_id, int64_t section_id,
                     const struct activity_input *in, int64_t actor_id, int64_t *id_out, struct problem *p);
struct activity {
    int64_t id, course_id, section_id;
    const char *kind, *title, *body, *url, *file_sha256, *file_name, *file_mime;
    int64_t file_size;
    bool required, allow_mark_done;
    int64_t completed_at;                    /* the viewer's; 0 = not completed */
};
lerr activity_get(struct db *db, struct arena *a, int64_t course_id, int64_t id, int64_t viewer_id,
                  struct activity *out, struct problem *p);
/* The course's sections and activities with the viewer's completion (viewer_id 0: none), and
 * their progress: {"sections": [{"id","title","activities":[...]}], "progress": {"required",
 * "completed","percent","next": {...}|null, "last": {...}|null}}. The outline comes from
 * memory while c->outline_version is current; the viewer's completions in one query. */
json_t *course_content_json(struct db *db, struct arena *a, const struct course *c, int64_t viewer_id);
/* Records the viewer's completion of an activity (how: the kind's word or "marked"); when every
 * required activity is complete, the enrolment's completion time is set. Also the last access.
 * Only for enrolled people; others are not tracked (LE_OK). */
lerr activity_complete(struct db *db, int64_t activity_id, int64_t user_id, const char *how, struct problem *p);
/* "My training": {"courses": [in progress, by due date: code, title, role, due, overdue,
 * percent, next {id, title}, last_access_at], "recently_completed": [newest five]} in two
 * queries, however many courses. */
json_t *learner_dashboard_json(struct db *db, struct arena *a, int64_t user_id);
/* (The same object's "teaching" holds the courses the person teaches, with "course_id", in
 * the same order: they are not part of their own training.) */

/* The instructor's dashboard: each course user_id teaches, with its live learners, how many
 * completed and how many are overdue, in one query. */
struct teaching_stat {
    int64_t course_id, learners, completed, overdue;
};
lerr teaching_stats(struct db *db, struct arena *a, int64_t user_id, struct teaching_stat **out, size_t *n_out);
/* The administrator's dashboard, in one query: active people, courses not archived,
 * completions since month_start, enrolment requests waiting, messages that failed. */
struct site_overview {
    int64_t active_people, courses, completions, pending_requests, failed_mail;
};
lerr site_overview_read(struct db *db, int64_t month_start, struct site_overview *out);

/* ---- What domains above courses add to it (model_init calls courses_init first) ---- */
/* Registers courses with the domains below it: rule enrolments follow people as they move, and
 * the user upload takes Moodle's courseN / roleN columns. */
void courses_init(void);
/* What a course copy takes along besides the course's own content: called inside
 * course_copy's transaction, after the sections and activities were copied, in registration
 * order (assessments copies the question bank and the quizzes' settings). */
typedef lerr (*course_copy_fn)(struct db *db, struct arena *a, int64_t from_course, int64_t to_course,
                               struct problem *p);
void course_on_copy(course_copy_fn fn);
/* What ends with someone's enrolment (by hand, in bulk, by a course upload, or a rule that no
 * longer matches them): called inside the transaction that ends it, for each person and
 * course, in registration order (assessments closes the person's open quiz attempts there). */
typedef lerr (*enrolment_end_fn)(struct db *db, int64_t course_id, int64_t user_id, struct problem *p);
void enrolment_on_end(enrolment_end_fn fn);
/* What follows a person's completion of a course (all its required activities done, or marked
 * completed by an enrolment upload): called inside the transaction that records it, in
 * registration order (schedules opens the next course set of the person's programmes). */
typedef lerr (*course_complete_fn)(struct db *db, int64_t course_id, int64_t user_id, struct problem *p);
void course_on_complete(course_complete_fn fn);
/* Lets user_id take course_id again (a certification's renewal, retake.c): their activity
 * progress moves to activity_progress_archive and a completed live enrolment is ended, keeping
 * its completion, so a new enrolment starts empty. Earlier records are never deleted. */
lerr course_retake(struct db *db, int64_t course_id, int64_t user_id, int64_t now, struct problem *p);

#endif
