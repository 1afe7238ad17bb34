/* The platform domain: what every other domain stands on and which knows none of them. Roles
 * and the capability table the router checks, the hash-chained audit log, site settings and
 * stored files, the job queue, mail (SMTP settings and the outbox), CSV, Markdown, and the
 * counts /metrics reads. */
#ifndef LECTERN_MODEL_PLATFORM_H
#define LECTERN_MODEL_PLATFORM_H

#include <jansson.h>
#include "../../core/core.h"
#include "../../db/db.h"

/* ---- Roles and capabilities (role.c): the table the router checks. ---- */
enum role {
    ROLE_ADMIN = 1 << 0,
    ROLE_MANAGER = 1 << 1,
    ROLE_INSTRUCTOR = 1 << 2,
    ROLE_LEARNER = 1 << 3,
};
#define ROLE_ALL (ROLE_ADMIN | ROLE_MANAGER | ROLE_INSTRUCTOR | ROLE_LEARNER)
/* Not a site role and never stored: the principal of a request that carries the configured
 * metrics token (lectern serve --metrics-token). It holds CAP_METRICS_VIEW and nothing else. */
#define ROLE_METRICS_SCRAPER (1u << 16)
enum capability {
    CAP_PUBLIC = 0,          /* anyone, signed in or not */
    CAP_SIGNED_IN,           /* any signed-in user */
    CAP_USERS_VIEW,          /* list and read accounts */
    CAP_USERS_MANAGE,        /* create, edit, suspend, unlock, reset passwords */
    CAP_SETTINGS_MANAGE,     /* branding and site settings */
    CAP_AUDIT_VIEW,          /* read the audit log */
    CAP_METRICS_VIEW,        /* read /metrics (administrators, or the metrics token) */
    CAP_USERS_IMPERSONATE,   /* "log in as" a non-administrator, for support */
    CAP_COURSES_MANAGE,      /* categories, courses, copy, archive (courses.md) */
    CAP_COURSES_ENROL,       /* enrol people: administrators, and instructors in courses they teach */
    CAP_QUIZZES_MANAGE,      /* question bank, quiz settings, grading, results: administrators, and
                              * instructors in courses they teach (the handlers check the course) */
    CAP_COURSES_CONTENT,     /* a course's sections and activities: administrators, and instructors
                              * in courses they teach (the handlers check the course) */
    CAP_ROOMS_MANAGE,        /* the register of rooms (planning.md): administrators */
    CAP_PROGRAMMES_MANAGE,   /* programmes and their assignments (schedules.md): administrators */
    CAP_ANNOUNCE,            /* write announcements (communication.md): administrators to anyone,
                              * instructors to their courses, managers to their team (the model checks) */
    CAP_REQUESTS_FILE,       /* send the administrators requests and follow them (communication.md) */
    CAP_REQUESTS_WORK,       /* work the queue of requests: administrators */
    CAP_DOCS_WRITE,          /* write process documents (communication.md): administrators */
    CAP__COUNT
};
unsigned role_parse(const char *name);          /* "admin" -> ROLE_ADMIN, 0 if unknown */
const char *role_name(unsigned one_role);     /* NULL unless exactly one known role */
/* Comma-separated names ("admin,learner") to a mask; 0 with p set when a name is unknown. */
unsigned role_parse_list(const char *list, struct problem *p);
bool role_has_cap(unsigned roles, enum capability cap);
const char *cap_name(enum capability cap);
/* The roles of a mask as a JSON array of names, in table order ("admin", "manager", ...). */
json_t *role_list_json(unsigned roles);

/* ---- Audit log (audit.c): append-only, hash-chained ---- */
/* details: a JSON object or NULL; borrowed (the caller keeps its reference). Must be called
 * inside the caller's transaction when the change it records is part of one; outside one it
 * makes its own. actor_id 0 = the system or the command line. */
lerr audit_append(struct db *db, int64_t actor_id, const char *action, const char *target,
                  json_t *details);
/* LE_OK when intact; otherwise LE_INVALID with *bad_id the first bad row and p saying why. */
lerr audit_verify(struct db *db, int64_t *bad_id, int64_t *n_checked, struct problem *p);
/* The newest n entries, newest first, as a JSON array of objects. */
json_t *audit_tail(struct db *db, int n);
/* A page of the audit log, newest first, for the audit page and the dashboard. Each filter is
 * optional; paging is by id (keyset), so any page costs one query however long the log. */
struct audit_filter {
    const char *actor;            /* who did it: a username */
    const char *action;           /* "user.suspend", or a family: "user" is every "user.*" */
    const char *target;           /* "user:42", "course:7", or a username (its "user:ID") */
    int64_t from, to;             /* at >= from and at < to, epoch seconds; 0 = open */
    int64_t before_id;            /* older than this entry (the next page); 0 = the newest */
    int64_t after_id;             /* newer than this entry (the previous page) */
    int limit;                    /* 1..500 */
};
/* {"items": [{id, at, actor_id, actor, actor_name, action, target, target_user,
 * target_name, details}], "older": id or null, "newer": id or null}: older and newer are
 * the before_id and after_id of the pages either side, when there are entries there. A target
 * that is a person carries their username and name. NULL on a database error. */
json_t *audit_list(struct db *db, struct arena *a, const struct audit_filter *f);

/* Many audit entries at once, chained like audit_append but with the chain's head written
 * once (audit.c): bulk imports record one entry per account they change. details may be
 * NULL; borrowed. */
struct audit_entry {
    const char *action;
    const char *target;
    json_t *details;
};
lerr audit_append_many(struct db *db, int64_t actor_id, const struct audit_entry *entries, size_t n);

/* ---- Site settings and branding (settings.c) ---- */
struct site_settings {
    const char *site_name;
    const char *primary_color;    /* "#RRGGBB" */
    const char *logo_sha256;      /* NULL when no logo */
    const char *logo_type;        /* image MIME type */
    const char *timezone;         /* IANA name pages show times in for people without their own */
    int64_t version;              /* bumped on every change, for caches */
};
lerr settings_get(struct db *db, struct arena *a, struct site_settings *out);
lerr settings_update(struct db *db, const char *site_name, const char *primary_color,
                     int64_t actor_id, struct problem *p);
/* The site's time zone (an IANA name such as "Europe/London"; "UTC" when never set), and the
 * check of a name alone (LE_INVALID with a message saying what to write). */
lerr settings_check_timezone(const char *timezone, struct problem *p);
lerr settings_update_timezone(struct db *db, const char *timezone, int64_t actor_id, struct problem *p);
/* Stores logo bytes content-addressed under DATA_DIR/files and records them. The type is
 * detected from the bytes (PNG, JPEG, WebP, GIF; at most SETTINGS_LOGO_MAX bytes); `mime` from
 * the client is not trusted and may be NULL. SVG is refused: it can carry script. */
#define SETTINGS_LOGO_MAX (1024 * 1024)
lerr settings_set_logo(struct db *db, const char *data_dir, const void *data, size_t len,
                       const char *mime, int64_t actor_id, struct problem *p);
/* A stored file by its SHA-256 (e.g. logo_sha256): MIME type, size, and its path
 * DATA_DIR/files/<sha256>, allocated in a. LE_NOTFOUND when unknown. */
lerr file_find(struct db *db, struct arena *a, const char *data_dir, const char *sha256,
               const char **mime, int64_t *size, const char **path);

/* ---- Jobs (job.c): the queue every node's workers take work from (docs/jobs.md) ----
 * A job is claimed with a lease: state 'running', lease_owner, lease_until. The owner extends
 * the lease while it works (job_heartbeat); when its node dies the lease runs out and another
 * worker claims the job again. Claims use FOR UPDATE SKIP LOCKED on PostgreSQL, so workers on
 * many nodes never take the same job; on SQLite the single writer does the same. Every call
 * that changes a claimed job names the claim (owner and attempt), so a worker whose lease was
 * taken over can no longer complete or fail the job. */
struct job {
    int64_t id;
    const char *kind;
    const char *payload;          /* JSON object text */
    const char *state;            /* "queued", "running", "done", "failed" */
    int attempts;                 /* claims so far, this one included */
    int max_attempts;
    int64_t run_at;
    const char *lease_owner;      /* NULL unless running */
    int64_t lease_until;
    int64_t started_at, finished_at; /* 0 = never */
    const char *last_error;
    const char *result;           /* JSON text, "" until done */
    int64_t created_at, updated_at;
};
#define JOB_KIND_MAX 64
#define JOB_PAYLOAD_MAX (64 * 1024)
/* Queues a job to run at run_at (0 = now). payload: a JSON object or NULL ({}); borrowed.
 * max_attempts 0 means the default (5). */
lerr job_enqueue(struct db *db, const char *kind, json_t *payload, int64_t run_at, int max_attempts,
                 int64_t *id_out, struct problem *p);
/* Claims the next due job (queued and due, or running with an expired lease) for owner, with
 * a lease of lease_s seconds. LE_NOTFOUND when there is none. Strings are in arena a. */
lerr job_claim(struct db *db, struct arena *a, const char *owner, int lease_s, struct job *out);
/* Extends the lease of a claim to now + lease_s. LE_CONFLICT when the claim is no longer
 * ours (the lease ran out and another worker took the job). */
lerr job_heartbeat(struct db *db, const struct job *j, const char *owner, int lease_s);
/* Marks a claimed job done with result (JSON text or NULL). LE_CONFLICT as above. */
lerr job_complete(struct db *db, const struct job *j, const char *owner, const char *result);
/* Records a failed attempt: queued again after a backoff (10 s, doubling, at most an hour)
 * while attempts remain and `retry` is true, otherwise 'failed' for good. *final_out says
 * which. LE_CONFLICT as above. */
lerr job_fail(struct db *db, const struct job *j, const char *owner, const char *error, bool retry,
              bool *final_out);
/* Gives a claimed job back untouched (the node is stopping): queued, due now, and the attempt
 * does not count. */
lerr job_release(struct db *db, const struct job *j, const char *owner);
lerr job_get(struct db *db, struct arena *a, int64_t id, struct job *out);
/* The newest jobs first, optionally of one state; at most n (1..1000). */
lerr job_list(struct db *db, struct arena *a, const char *state, int n, struct job **out, int *n_out);
json_t *job_to_json(const struct job *j);

/* ---- Mail (mail.c): SMTP settings and the outbox. Messages are sent by the 'mail.send' job
 * (src/jobs/mail.c) from templates/mail/. ---- */
struct mail_config {
    int attempts;                 /* sending attempts per message before it is failed (8) */
    const char *default_base_url; /* links point here when the site address setting is empty
                                   * (serve sets it from --listen); NULL = refuse to send links */
};
extern struct mail_config mail_config;

struct mail_settings {
    const char *host;             /* "" = not configured */
    int port;                     /* default 25; 587 for starttls, 465 for tls are usual */
    const char *tls;              /* "none", "starttls" or "tls" */
    const char *username;         /* "" = no authentication */
    const char *password;         /* stored for SMTP, never shown back */
    const char *from_address;
    const char *from_name;
    const char *site_url;         /* the public address links point to, "" = not set */
};
struct mail_settings_input {      /* NULL fields are left unchanged */
    const char *host, *port, *tls, *username, *from_address, *from_name, *site_url;
    const char *password;         /* NULL or "" keeps the stored one */
    bool clear_password;
};
lerr mail_settings_get(struct db *db, struct arena *a, struct mail_settings *out);
lerr mail_settings_update(struct db *db, const struct mail_settings_input *in, int64_t actor_id,
                          struct problem *p);
/* The settings as JSON: "password_set" instead of the password. */
json_t *mail_settings_to_json(const struct mail_settings *s);
/* Where links point: the site address setting, else mail_config.default_base_url, without
 * a trailing '/'; NULL when neither is set. */
const char *mail_base_url(struct db *db, struct arena *a);

struct mail_message {
    int64_t id;
    const char *to_addr, *template, *data, *subject;
    const char *state;            /* "queued", "sending", "sent", "failed" (also when its job failed) */
    int attempts;
    const char *last_error;
    int64_t user_id, job_id, created_at, updated_at, sent_at;
    const char *attachment_type;  /* "" = none; else its content type, such as an invitation's */
    const char *attachment;       /* "text/calendar; method=REQUEST" */
};
#define MAIL_TEMPLATE_MAX 64
/* Puts a message in the outbox (data: a JSON object for the template, borrowed) and, with
 * queue_job, the 'mail.send' job that sends it, in one transaction. */
lerr mail_enqueue(struct db *db, const char *to, const char *template, json_t *data, int64_t user_id,
                  bool queue_job, int64_t *id_out, struct problem *p);
/* A text part sent beside the body, such as a calendar invitation. */
struct mail_attachment {
    const char *type;             /* the content type with its parameters, without charset */
    const char *text;             /* UTF-8 */
};
#define MAIL_ATTACHMENT_MAX (256 * 1024)
/* mail_enqueue with the 'mail.send' job and an attachment (NULL = none), in one transaction. */
lerr mail_enqueue_attached(struct db *db, const char *to, const char *template, json_t *data, int64_t user_id,
                           const struct mail_attachment *att, struct problem *p);
lerr mail_get(struct db *db, struct arena *a, int64_t id, struct mail_message *out);
/* Newest first; state NULL for all. */
lerr mail_list(struct db *db, struct arena *a, const char *state, int page, int per_page,
               struct mail_message **out, int *n_out, int *total_out);
/* Queues a failed (or waiting) message again now with a fresh job. LE_CONFLICT when it was
 * sent or is being sent. Audited. */
lerr mail_retry(struct db *db, int64_t id, int64_t actor_id, struct problem *p);
/* The sender's steps (src/jobs/mail.c): an attempt starts; it succeeded (data is cleared of
 * its link); it failed (final: 'failed', otherwise 'queued' for the job's next attempt). */
lerr mail_mark_sending(struct db *db, int64_t id);
lerr mail_mark_sent(struct db *db, int64_t id, const char *subject);
lerr mail_mark_failed(struct db *db, int64_t id, const char *subject, const char *error, bool final);
/* A message that must not go out any more (its single-use link was replaced): 'superseded',
 * with why in last_error. Not sent, and not offered again. */
lerr mail_mark_superseded(struct db *db, int64_t id, const char *why);

/* ---- Mail texts administrators rewrite (mail_template.c) ---- */
struct mail_template_decl {
    const char *name;             /* templates/mail/NAME.txt.mustache */
    const char *label;            /* translation key of its name on the messages page */
    const char *sample;           /* JSON object: the data its preview is rendered with */
};
#define MAIL_TEMPLATE_TEXT_MAX 20000
/* Declares templates administrators may rewrite (list kept, not copied); a domain calls it
 * from its init, so other features add theirs the same way. */
void mail_templates_declare(const struct mail_template_decl *list, size_t n);
/* The declaration of name, or NULL when it is not one administrators may rewrite. */
const struct mail_template_decl *mail_template_declared(const char *name);
/* Every declared template, in the order declared: how many, into *out. */
size_t mail_templates_each(const struct mail_template_decl *const **out);
/* The administrator's own text for name, or NULL in *text when the built-in one is used. */
lerr mail_template_own(struct db *db, struct arena *a, const char *name, const char **text);
/* Saves the administrator's text (first line "Subject: ..."; the caller has checked that it
 * renders). LE_NOTFOUND for an undeclared name; errors name "body". Audited. */
lerr mail_template_save(struct db *db, const char *name, const char *text, int64_t actor_id, struct problem *p);
/* Back to the built-in text. Audited. */
lerr mail_template_reset(struct db *db, const char *name, int64_t actor_id, struct problem *p);
json_t *mail_to_json(const struct mail_message *m);   /* never the data (it may hold a link) */
bool mail_address_ok(const char *addr);

/* ---- Counts for /metrics (stats.c) ---- */
/* Jobs by state; LE_NOTFOUND when this database has no jobs table. */
lerr stats_jobs(struct db *db, int64_t *queued, int64_t *running, int64_t *failed);

/* ---- CSV (csv.c) ---- */
#define CSV_MAX_RECORDS 2000000
#define CSV_MAX_FIELDS 256
#define CSV_MAX_FIELD 65536
struct csv_record {
    int line;                     /* the physical line the record starts on (1 = first) */
    int n;
    char **fields;                /* in the arena */
};
struct csv_doc {
    char delimiter;               /* ',', ';' or '\t', detected from the header line */
    bool bom;                     /* the file started with a UTF-8 byte order mark */
    struct csv_record *records;   /* records[0] is the header; blank lines are skipped */
    int n_records;
    int error_line;               /* with an error: the line it is on, 0 if none */
    bool partial;                 /* a quote error: records holds the records before it */
};
/* Reads a whole file (a leading apostrophe before = + - @, a tab or a carriage return is
 * taken off, as csv_write_field adds it). LE_INVALID with p saying what and on which line for: invalid UTF-8,
 * UTF-16, NUL bytes, misplaced or unbalanced quotes, too many fields; LE_TOOBIG for too many
 * records. Field text is as in the file (no trimming beyond libcsv's spaces). After a misplaced
 * or unbalanced quote, records still holds the records that end before it (partial is set), so
 * an importer can report those rows with their own problems as well as the broken line. */
lerr csv_doc_read(struct arena *a, const char *data, size_t len, struct csv_doc *out,
                  struct problem *p);
/* Reads a file as csv_doc_read does, but hands each record to each(ctx, rec) as soon as it is
 * read and keeps none: the first record's (the header's) fields are in a, every other
 * record's fields only until each returns, so a large file is read in the memory of one
 * record. out gets the delimiter, bom, error_line, partial and n_records (the records handed
 * over); out->records stays NULL. After an error that is not partial, records handed over
 * before it are to be disregarded, as csv_doc_read would not have returned them. */
typedef void (*csv_record_fn)(void *ctx, const struct csv_record *rec);
lerr csv_each(struct arena *a, const char *data, size_t len, csv_record_fn each, void *ctx, struct csv_doc *out,
              struct problem *p);
/* True when every field of rec is empty or spaces: a blank line, or one of the ";;;;" lines a
 * spreadsheet writes below its data. Importers skip such rows. */
bool csv_record_blank(const struct csv_record *rec);
/* NULL when rec has the header's n_header fields; else what is wrong, naming the line: too many
 * (a delimiter inside an unquoted field) or too few (a line cut short). */
const char *csv_record_width_error(struct arena *a, const struct csv_record *rec, int n_header, char delimiter);
/* Appends one field, quoted (by libcsv) only when it must be. A cell a spreadsheet would run
 * as a formula (starting with = + - @, a tab or a carriage return, and not a plain number)
 * gets a leading apostrophe; csv_doc_read removes it again. */
lerr csv_write_field(struct buf *b, const char *s, char delimiter);

/* ---- Markdown (markdown.c) ---- */
/* Markdown to HTML through cmark-gfm in safe mode (raw HTML and javascript: links dropped),
 * with tables, strikethrough and autolinks; "" for NULL or "". In a. */
char *markdown_to_html(struct arena *a, const char *text);

/* HTML written elsewhere (an imported question bank), kept safe to serve: parsed with libxml2
 * and written back through an allow-list of elements, attributes and URL schemes
 * (html_safe.c). Never NULL. */
char *html_sanitize(struct arena *a, const char *html);
/* The text of an HTML fragment, entities decoded, a line break between blocks, an image's alt
 * text in its place. */
char *html_to_text(struct arena *a, const char *html);
/* Text in a question bank's format, as safe HTML: "markdown", "html", "moodle" (Moodle's
 * auto-format: HTML allowed, line breaks kept) or "plain" (rich_text.c). NULL format is markdown. */
char *rich_text_html(struct arena *a, const char *text, const char *format);
bool rich_text_format_known(const char *format);

#endif
