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
    CAP_ANNOUNCE_ANYONE,     /* announce to the site, a department, a job role or a site role */
    CAP_ANNOUNCE_COURSE,     /* announce to a course (instructors only to the courses they teach) */
    CAP_ANNOUNCE_TEAM,       /* announce to one's own reporting line */
    CAP_APPROVALS_DECIDE,    /* the approvals and enrolment-request queues: line managers decide
                              * for their reports (the model checks the line), administrators for all */
    CAP_BOOKINGS_MANAGE,     /* every booking: decide any approval, cancel anyone's booking, override
                              * a conflict with a reason (planning.md): administrators */
    CAP_REPORTS_VIEW,        /* run and save reports (reports.md), within the viewer's scope */
    CAP_REPORTS_ALL,         /* reports over everyone, not only one's reporting line and courses */
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

/* ---- Mail texts administrators rewrite (mail_template.c): those of the notification types ---- */
#define MAIL_TEMPLATE_TEXT_MAX 20000
/* The administrator's own text for name, or NULL in *text when the built-in one is used. */
lerr mail_template_own(struct db *db, struct arena *a, const char *name, const char **text);
/* Saves the administrator's text (first line "Subject: ..."; the caller has checked that it
 * renders). LE_NOTFOUND for a name that is no notification type; errors name "body". Audited. */
lerr mail_template_save(struct db *db, const char *name, const char *text, int64_t actor_id, struct problem *p);
/* Back to the built-in text. Audited. */
lerr mail_template_reset(struct db *db, const char *name, int64_t actor_id, struct problem *p);
/* A notification type's texts: the mail text as mail_template_save takes it and, unless NULL,
 * its line in Lectern (Mustache, one line; the caller has checked that both render), kept as
 * "KEY.line" (the table's own line keeps none), in one transaction. Errors name "body" or
 * "line". Audited. */
#define NOTIFICATION_LINE_MAX 500
lerr notification_texts_save(struct db *db, const char *key, const char *text, const char *line, int64_t actor_id,
                             struct problem *p);
/* Both back to the built-in ones, in one transaction. Audited. */
lerr notification_texts_reset(struct db *db, const char *key, int64_t actor_id, struct problem *p);
/* For every type in the table's order: whether its mail text is rewritten, and the line in use
 * (the administrator's or the table's). One query. */
lerr notification_overrides(struct db *db, struct arena *a, bool **text_own, const char ***lines);
json_t *mail_to_json(const struct mail_message *m);   /* never the data (it may hold a link) */

/* ---- The notification centre (docs/notifications.md) ----
 * Every message Lectern sends to a person is a notification type, declared in one table
 * (notification_type.c); notify_send is the one way to send one: it applies the person's
 * choice for the type (an e-mail now, a notification in Lectern, the daily digest, or
 * nothing). Notifications in Lectern live in notification.c, the digest in
 * notification_digest.c. */
enum notify_channel { NOTIFY_EMAIL = 1, NOTIFY_INAPP = 2, NOTIFY_DIGEST = 4, NOTIFY_OFF = 8 };
/* Not a channel but a mark in a type's channels: its e-mail is listed in Lectern too, so the
 * bell counts it (a reply in a followed discussion). Other types' e-mails are not: each row
 * listed makes every person's next page read their count again. */
#define NOTIFY_LISTED 16u
struct notification_type {
    const char *key;              /* also its mail template: templates/mail/KEY.txt.mustache */
    const char *label;            /* translation key of its name */
    const char *recipient;        /* translation key: whom it goes to */
    unsigned channels;            /* the channels a person may choose (e-mail is the default) */
    const char *line;             /* Mustache: the line shown in Lectern */
    const char *link;             /* Mustache: the path that line links to */
    const char *sample;           /* JSON object: the data its preview is rendered with */
};
size_t notification_types(const struct notification_type **out);
const struct notification_type *notification_type_find(const char *key);
const char *notify_channel_name(unsigned channel); /* "email", "inapp", "digest", "off" */
unsigned notify_channel_parse(const char *name);   /* 0 when unknown */
/* The channel a message of type t takes for a person who chose `chosen` (NULL = nothing):
 * e-mail unless they chose a channel the type allows. */
unsigned notify_channel_resolve(const struct notification_type *t, const char *chosen);

/* Sends a message of `type` to the person user_id (0 = someone without an account: e-mail)
 * at email ("" = they have none: nothing goes by e-mail, the other channels still work), with the template data (borrowed) and an attachment that only an e-mail carries
 * (NULL = none), as they chose: queued in the outbox (with *outbox_id, when given and there
 * is no attachment), kept in Lectern, kept for the digest, or dropped. Inside the caller's
 * transaction when there is one, so the caller's once-only record and the message are
 * written together. LE_INVALID for an undeclared type. */
lerr notify_send(struct db *db, const char *type, int64_t user_id, const char *email, json_t *data,
                 const struct mail_attachment *att, int64_t *outbox_id, struct problem *p);
/* notify_send for a fan-out that read each person's choice with them (`chosen`: their
 * notification_preferences.channel for the type, NULL when none), saving a query a person. */
lerr notify_send_chosen(struct db *db, const char *type, int64_t user_id, const char *email, const char *chosen,
                        json_t *data, int64_t *outbox_id, struct problem *p);
/* The person's choice for every type, in the table's order: the channel's name, or NULL
 * when they never chose (the default). */
lerr notify_preferences_get(struct db *db, struct arena *a, int64_t user_id, const char ***out);
/* Saves the person's choices (n types, each with a channel's name) in one transaction.
 * LE_INVALID with the type as the field when a type is unknown or does not allow the
 * channel; nothing is saved then. */
lerr notify_preferences_save(struct db *db, int64_t user_id, const char *const *types, const char *const *channels,
                             size_t n, struct problem *p);

struct notification {
    int64_t id;
    const char *type, *channel;   /* channel: "inapp" or "digest" */
    const char *data;             /* JSON object: the template data */
    int64_t created_at, read_at;  /* read_at 0 = unread */
};
#define NOTIFICATIONS_PAGE_MAX 100
/* A person's notifications, newest first, older than before_id (0 = the newest), up to
 * limit; *older the before_id of the next page, 0 when there is none. One query. */
lerr notifications_list(struct db *db, struct arena *a, int64_t user_id, int64_t before_id, int limit,
                        struct notification **out, int *n_out, int64_t *older);
lerr notifications_unread(struct db *db, int64_t user_id, int64_t *n);
/* Marks one of the person's notifications read (id), or all of them (id 0); *changed how many
 * were unread. LE_NOTFOUND when id is not one of theirs. */
lerr notifications_mark_read(struct db *db, int64_t user_id, int64_t id, int *changed, struct problem *p);

/* The daily digest (notification_digest.c): the day is a UTC date, "YYYY-MM-DD", its
 * items those of channel 'digest' made from its midnight to the next. */
struct digest_item {
    const char *line, *link;      /* rendered by the caller from the type's templates */
};
/* Up to limit people with digest items in [from, to) and no digest for day yet. */
lerr notify_digest_people(struct db *db, struct arena *a, const char *day, int64_t from, int64_t to, int limit,
                          int64_t **out, int *n_out);
/* A person's digest items in [from, to), oldest first. */
lerr notify_digest_items(struct db *db, struct arena *a, int64_t user_id, int64_t from, int64_t to,
                         struct notification **out, int *n_out);
/* Records the person's digest of day and queues it (type notification_digest) in one
 * transaction; *sent false when it was recorded before (another run, node or attempt). */
lerr notify_digest_send(struct db *db, struct arena *a, int64_t user_id, const char *day,
                        const struct digest_item *items, int n, bool *sent, struct problem *p);
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
