/* Lectern's domain model: people, roles, sessions, audit, site settings.
 * SQL lives here (bound statements next to the structs they fill) and nowhere above. */
#ifndef LECTERN_MODEL_H
#define LECTERN_MODEL_H

#include <jansson.h>
#include "../core/core.h"
#include "../db/db.h"

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

/* ---- Passwords (password.c): argon2id via libsodium, and the policy. ---- */
#define PASSWORD_MIN_LEN 12
#define PASSWORD_MAX_LEN 1024
lerr password_check_policy(const char *password, const char *username, struct problem *p);
lerr password_hash(const char *password, char *out, size_t out_len); /* out_len >= 128 */
bool password_verify(const char *hash, const char *password);
bool password_needs_rehash(const char *hash);
/* A readable one-time password that passes the policy; out holds >= 32 bytes. */
void password_generate(char *out, size_t out_len);

/* ---- Users (user.c) ---- */
struct user {
    int64_t id;
    const char *username;
    const char *email;
    const char *first_name;
    const char *last_name;
    const char *status;           /* "active" or "suspended" */
    unsigned roles;               /* mask of enum role */
    bool must_change_password;
    int64_t locked_until;         /* epoch seconds; 0 = not locked */
    int64_t created_at, updated_at, last_signin_at;
    /* Organisation and HR fields (people.md); "" when not set, ids 0 when none. */
    const char *idnumber;         /* the HR system's key, unique when set */
    int64_t department_id, job_role_id, manager_id;
    const char *department_name, *job_role_name, *manager_username;
    const char *institution, *phone, *city, *country, *lang, *timezone;
    bool needs_signin_link;       /* created without a password (user_needs_signin_link) */
    int64_t deleted_at;           /* 0 = not deleted; deleted users are suspended and anonymised */
};
struct user_input {               /* NULL fields are left unchanged on update */
    const char *username;
    const char *email;
    const char *first_name;
    const char *last_name;
    const char *roles;            /* comma-separated role names */
};
/* Creates a user. password NULL generates a one-time password (returned in *otp, allocated
 * in arena) that must be changed at first sign-in. actor_id 0 = the system/CLI. */
lerr user_create(struct db *db, struct arena *a, const struct user_input *in, const char *password,
                 bool must_change, int64_t actor_id, int64_t *id_out, char **otp, struct problem *p);
lerr user_get(struct db *db, struct arena *a, int64_t id, struct user *out, struct problem *p);
lerr user_get_by_username(struct db *db, struct arena *a, const char *username, struct user *out,
                          struct problem *p);
/* Search over username, names and email; page counts from 1. Returns the page and the total. */
lerr user_list(struct db *db, struct arena *a, const char *q, int page, int per_page,
               struct user **out, int *n_out, int *total_out);
lerr user_update(struct db *db, struct arena *a, int64_t id, const struct user_input *in,
                 int64_t actor_id, struct problem *p);
lerr user_suspend(struct db *db, int64_t id, int64_t actor_id, struct problem *p);
lerr user_reactivate(struct db *db, int64_t id, int64_t actor_id, struct problem *p);
lerr user_unlock(struct db *db, int64_t id, int64_t actor_id, struct problem *p);
/* Sets a password chosen by the user (must_change cleared) or by an administrator. */
lerr user_set_password(struct db *db, int64_t id, const char *password, bool must_change,
                       int64_t actor_id, struct problem *p);
/* True when password is the user's current password (for "change password" forms). */
bool user_check_password(struct db *db, int64_t id, const char *password);
/* Administrator reset: new one-time password in *otp; the user must change it. */
lerr user_reset_password(struct db *db, struct arena *a, int64_t id, int64_t actor_id, char **otp,
                         struct problem *p);
json_t *user_to_json(const struct user *u);   /* never includes secrets */
int user_count(struct db *db);

/* ---- Sign-in, lockout and sessions (auth.c, session.c) ---- */
struct auth_config {
    int lockout_threshold;        /* failed sign-ins ... (default 5) */
    int lockout_window_s;         /* ... within this window (default 900) lock the account */
    int lockout_duration_s;       /* for this long, or until an administrator unlocks (900) */
    int session_idle_s;           /* default 2 hours */
    int session_absolute_s;       /* default 12 hours */
};
extern struct auth_config auth_config;

struct session_new {
    char token[65];               /* 256-bit random, hex; only its hash is stored */
    char csrf[65];
    int64_t user_id;
    bool must_change_password;
};
/* Checks the password, records the attempt (time, ip, user agent, outcome, reason), applies
 * lockout, audits, and on success creates a session. Every failure is LE_AUTH with the same
 * message, whether the user exists, the password is wrong, the account is locked or suspended. */
lerr auth_sign_in(struct db *db, const char *username, const char *password, const char *ip,
                  const char *user_agent, struct session_new *out, struct problem *p);

struct session_user {
    int64_t session_id;
    int64_t user_id;
    const char *username;
    const char *first_name;
    const char *last_name;
    unsigned roles;
    bool must_change_password;
    const char *csrf;
    int64_t impersonator_id;      /* "log in as": the administrator behind it; 0 = none */
    const char *impersonator_name; /* their name (or username); NULL when not impersonated */
};
/* Finds the live session for a token (idle and absolute expiry checked; last-seen touched at
 * most once a minute). LE_AUTH when missing or expired. */
lerr session_lookup(struct db *db, struct arena *a, const char *token, struct session_user *out);
/* A new session for a user (sign-in calls it; also for rotating a session after a password
 * change). Fills token, csrf and user_id; LE_DB on failure. */
lerr session_create(struct db *db, int64_t user_id, const char *ip, const char *user_agent,
                    struct session_new *out);
lerr session_end(struct db *db, int64_t session_id, int64_t user_id);
/* The newest n sign-in attempts for a user as a JSON array of
 * {"at", "ip", "user_agent", "success", "reason"} (signin_history.c). */
json_t *signin_history(struct db *db, int64_t user_id, int n);
/* Ends every session of a user (suspension, password reset). */
lerr session_end_all(struct db *db, int64_t user_id);

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

/* ---- Site settings and branding (settings.c) ---- */
struct site_settings {
    const char *site_name;
    const char *primary_color;    /* "#RRGGBB" */
    const char *logo_sha256;      /* NULL when no logo */
    const char *logo_type;        /* image MIME type */
    int64_t version;              /* bumped on every change, for caches */
};
lerr settings_get(struct db *db, struct arena *a, struct site_settings *out);
lerr settings_update(struct db *db, const char *site_name, const char *primary_color,
                     int64_t actor_id, struct problem *p);
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

/* ---- Sign-in support (support.c): single-use sign-in links (forgot password, welcome),
 * their rate limits, temporary passwords, "log in as", and the "cannot sign in?" text.
 * docs/support.md describes the rules. ---- */
struct support_config {
    int reset_link_s;             /* a password-reset link lives this long (1800) */
    int welcome_link_s;           /* a welcome link for a new account (7 days) */
    int reset_per_account_hour;   /* reset messages one account may receive an hour (3) */
    int reset_per_ip_hour;        /* forgot-password requests one address may make an hour (10) */
    int impersonation_s;          /* a "log in as" session ends after this long (3600) */
    int mail_attempts;            /* sending attempts per message before it is failed (8) */
    const char *default_base_url; /* links point here when the site address setting is empty
                                   * (serve sets it from --listen); NULL = refuse to send links */
};
extern struct support_config support_config;

enum signin_link_purpose {
    SIGNIN_LINK_RESET,            /* "reset your password", from forgot-password or an admin */
    SIGNIN_LINK_WELCOME,          /* a new account without a password: "choose your password" */
};
/* Issues a single-use link for user_id and queues the message that carries it (outbox and
 * 'mail.send' job, in the caller's transaction when there is one). Older unused links of the
 * user stop working. LE_CONFLICT when the account has no email address or is suspended;
 * LE_CONFLICT too when no site address is known (set it in Settings → Mail). actor_id: the
 * administrator, 0 for the person themselves or the system (e.g. the bulk import). */
lerr signin_link_send(struct db *db, int64_t user_id, enum signin_link_purpose purpose,
                      int64_t actor_id, int64_t *outbox_id, struct problem *p);
/* The same without the message: the token (64 hex characters) in token_out. For tests and
 * for signin_link_send. ip: of the request, or NULL. */
lerr signin_link_issue(struct db *db, int64_t user_id, enum signin_link_purpose purpose,
                       int64_t actor_id, const char *ip, char token_out[65], struct problem *p);
struct signin_link {
    int64_t id, user_id;
    const char *username, *first_name, *last_name;
    const char *purpose;          /* "reset" or "welcome" */
    int64_t expires_at;
};
/* The live link for a token: LE_INVALID (one message whatever the cause) when it is unknown,
 * expired, used or replaced, or its account is suspended. */
lerr signin_link_check(struct db *db, struct arena *a, const char *token, struct signin_link *out,
                       struct problem *p);
/* Uses a link: sets the password (the policy applies), clears a forced change and a lockout,
 * ends every session of the user, retires the user's other links, audits. */
lerr signin_link_use(struct db *db, const char *token, const char *new_password, const char *ip,
                     int64_t *user_id_out, struct problem *p);
/* Forgot password, by username or email. Always LE_OK unless the database fails, so the
 * answer is the same whether or not the account exists; *outcome tells the logs and tests
 * what happened: "sent", "unknown", "no_email", "suspended", "ip_limited", "account_limited", "failed" (no site address). */
lerr password_reset_request(struct db *db, const char *login, const char *ip, const char **outcome,
                            struct problem *p);
/* The newest n links of a user for the support page: purpose, created, expires, used, by. */
json_t *signin_links_json(struct db *db, int64_t user_id, int n);
/* An administrator types a temporary password: the policy applies, the user must change it
 * at the next sign-in, sessions end and a lockout is lifted (like the generated reset). */
lerr user_set_temporary_password(struct db *db, int64_t id, const char *password, int64_t actor_id,
                                 struct problem *p);
/* "Log in as": a session for target_id that remembers admin_id. Refused (LE_FORBIDDEN) for an
 * administrator target or oneself, LE_CONFLICT for a suspended account. end_session_id, when
 * not 0, is the administrator's own session, ended (a browser swaps its cookie). Audited as
 * auth.impersonate_start. */
lerr impersonation_start(struct db *db, int64_t admin_id, int64_t target_id, int64_t end_session_id,
                         const char *ip, const char *user_agent, struct session_new *out,
                         struct problem *p);
/* Ends an impersonation session (audited as auth.impersonate_end). *admin_id_out: the
 * administrator, so that the web layer can give them a session back. LE_CONFLICT when the
 * session is not an impersonation. */
lerr impersonation_end(struct db *db, int64_t session_id, int64_t *admin_id_out, struct problem *p);
/* The "cannot sign in?" contact text (plain text, line breaks kept; "" when unset). */
lerr signin_help_get(struct db *db, struct arena *a, const char **text);
lerr signin_help_set(struct db *db, const char *text, int64_t actor_id, struct problem *p);
#define SIGNIN_HELP_MAX 2000

/* ---- Mail (mail.c): SMTP settings and the outbox. Messages are sent by the 'mail.send' job
 * (src/jobs/mail.c) from templates/mail/. ---- */
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
/* Where links point: the site address setting, else support_config.default_base_url, without
 * a trailing '/'; NULL when neither is set. */
const char *mail_base_url(struct db *db, struct arena *a);

struct mail_message {
    int64_t id;
    const char *to_addr, *template, *data, *subject;
    const char *state;            /* "queued", "sending", "sent", "failed" (also when its job failed) */
    int attempts;
    const char *last_error;
    int64_t user_id, job_id, created_at, updated_at, sent_at;
};
#define MAIL_TEMPLATE_MAX 64
/* Puts a message in the outbox (data: a JSON object for the template, borrowed) and, with
 * queue_job, the 'mail.send' job that sends it, in one transaction. */
lerr mail_enqueue(struct db *db, const char *to, const char *template, json_t *data, int64_t user_id,
                  bool queue_job, int64_t *id_out, struct problem *p);
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
json_t *mail_to_json(const struct mail_message *m);   /* never the data (it may hold a link) */
bool mail_address_ok(const char *addr);

/* ---- Bulk loading for benchmarks (bulk.c; `lectern bench-data`) ----
 * Rows go in with multi-row INSERTs of prepared statements, inside the caller's transaction
 * (db_tx_begin/db_tx_end), without one audit entry per row: the generator audits the whole
 * load once. Strings are borrowed. */
struct bulk_user {
    const char *username, *email, *first_name, *last_name;
    unsigned roles;
    const char *password_hash;    /* shared by generated users: hashed once */
    int64_t created_at;
    const char *idnumber;         /* with org: the HR key (NULL = none) */
    int64_t department_id;        /* with org: 0 = none */
};
/* org: also fill idnumber and department_id (the organisation tables exist). */
lerr bulk_insert_users(struct db *db, const struct bulk_user *rows, size_t n, bool org);
/* One department; *id_out receives its id. parent_id 0 = top level. */
lerr bulk_insert_department(struct db *db, const char *name, const char *idnumber,
                            int64_t parent_id, int64_t now, int64_t *id_out);
/* The id of the user with this idnumber (LE_NOTFOUND when none). */
lerr bulk_user_id_by_idnumber(struct db *db, const char *idnumber, int64_t *id_out);
/* Line managers: everyone in the department reports to head_id, and the head to
 * parent_head_id (0 = nobody). */
lerr bulk_set_managers(struct db *db, int64_t department_id, int64_t head_id,
                       int64_t parent_head_id);
struct bulk_session {
    const char *token_hash;       /* SHA-256 hex of the token the load scripts send */
    const char *csrf;
    int64_t user_id;
    int64_t created_at, expires_at;
};
lerr bulk_insert_sessions(struct db *db, const struct bulk_session *rows, size_t n);
/* Ids of users holding any role of mask, in id order, at most max of them (malloc'd into
 * *ids_out, caller frees). */
lerr bulk_user_ids(struct db *db, unsigned roles, size_t max, int64_t **ids_out, size_t *n_out);
/* Courses (issue 5): one category, course, section or activity, returning its id in *id_out
 * (parent_id / category_id 0 = none); enrolments and activity progress many rows a statement. */
lerr bulk_insert_category(struct db *db, const char *name, int64_t parent_id, int64_t now,
                          int64_t *id_out);
struct bulk_course {
    const char *code, *title, *summary, *kind;
    int64_t category_id;
    bool self_enrol;
    int duration_minutes;
    int64_t start_at, created_at;
};
lerr bulk_insert_course(struct db *db, const struct bulk_course *c, int64_t *id_out);
lerr bulk_insert_section(struct db *db, int64_t course_id, const char *title, int position,
                         int64_t now, int64_t *id_out);
lerr bulk_insert_activity(struct db *db, int64_t course_id, int64_t section_id, const char *kind,
                          const char *title, int position, const char *body, const char *url,
                          int64_t now, int64_t *id_out);
struct bulk_enrolment {
    int64_t course_id, user_id;
    bool instructor;              /* role 'instructor', else 'learner' */
    int64_t due_at, enrolled_at, completed_at, last_access_at; /* 0 = NULL */
};
lerr bulk_insert_enrolments(struct db *db, const struct bulk_enrolment *rows, size_t n);
struct bulk_progress {
    int64_t activity_id, user_id;
    const char *how;
    int64_t completed_at;
};
lerr bulk_insert_progress(struct db *db, const struct bulk_progress *rows, size_t n);
/* The codes of the courses user_id is enrolled in as a learner, in course order, each as a
 * line "PREFIX CODE\n" appended to out. */
lerr bulk_user_course_lines(struct db *db, int64_t user_id, const char *prefix, struct buf *out);
/* A small named value in settings (e.g. "bench.dataset"): get (LE_NOTFOUND when absent; the
 * text is allocated in a) and set (insert or replace). */
lerr bulk_setting_get(struct db *db, struct arena *a, const char *key, const char **value);
lerr bulk_setting_set(struct db *db, const char *key, const char *value);

/* ---- Counts for /metrics (stats.c) ---- */
/* Jobs by state; LE_NOTFOUND when this database has no jobs table. */
lerr stats_jobs(struct db *db, int64_t *queued, int64_t *running, int64_t *failed);

/* ---- People: organisation, profile fields, reporting lines, bulk upload (docs/people.md) ----
 * org.c: departments (a tree), job roles, custom profile fields and a user's HR fields;
 * csv.c: reading and writing CSV on libcsv; user_import.c: bulk upload and export. */

/* Many audit entries at once, chained like audit_append but with the chain's head written
 * once (audit.c): bulk imports record one entry per account they change. details may be
 * NULL; borrowed. */
struct audit_entry {
    const char *action;
    const char *target;
    json_t *details;
};
lerr audit_append_many(struct db *db, int64_t actor_id, const struct audit_entry *entries, size_t n);

/* Validators shared by the user pages and the importer (user.c). */
lerr user_check_username(struct arena *a, const char *in, char **out, struct problem *p);
lerr user_check_name(struct arena *a, const char *in, const char *field, const char *label,
                     char **out, struct problem *p);
bool user_email_valid(const char *email);   /* "" (none) is valid */

/* Who sees whom: administrators everyone; anyone else (a manager) only their reporting line,
 * direct and indirect reports (a recursive query over manager_id), and themself. */
lerr user_list_visible(struct db *db, struct arena *a, int64_t viewer_id, unsigned viewer_roles,
                       const char *q, int page, int per_page, struct user **out, int *n_out,
                       int *total_out);
bool user_visible_to(struct db *db, int64_t viewer_id, unsigned viewer_roles, int64_t user_id);
/* How many people report to manager_id, directly or not. */
lerr user_reporting_line_count(struct db *db, int64_t manager_id, int64_t *n_out);

/* The hook for sign-in links: a user created without a password (a bulk upload leaves the
 * password empty) is flagged until a single-use link to choose one has been sent. The mail
 * side lists the flagged users, sends each a link, then clears the flag. */
bool user_needs_signin_link(struct db *db, int64_t user_id);
lerr user_signin_link_sent(struct db *db, int64_t user_id);
/* Up to limit flagged, active user ids, oldest first, in a. */
lerr user_list_needing_signin_link(struct db *db, struct arena *a, int limit, int64_t **ids_out,
                                   int *n_out);

struct department {
    int64_t id;
    const char *name;
    const char *idnumber;         /* "" when none */
    int64_t parent_id;            /* 0 = top level */
    const char *path;             /* "Operations / Sales" */
    int depth;                    /* 0 = top level */
    int64_t n_users, n_children;
};
/* Every department in tree order (parents before children, siblings by name), in a. */
lerr department_list(struct db *db, struct arena *a, struct department **out, int *n_out);
lerr department_get(struct db *db, struct arena *a, int64_t id, struct department *out,
                    struct problem *p);
/* idnumber "" = none; parent_id 0 = top level. A move under its own subtree is refused. */
lerr department_create(struct db *db, const char *name, const char *idnumber, int64_t parent_id,
                       int64_t actor_id, int64_t *id_out, struct problem *p);
lerr department_update(struct db *db, int64_t id, const char *name, const char *idnumber,
                       int64_t parent_id, int64_t actor_id, struct problem *p);
/* LE_CONFLICT while it has sub-departments or people. */
lerr department_delete(struct db *db, int64_t id, int64_t actor_id, struct problem *p);
json_t *department_to_json(const struct department *d);

struct job_role {
    int64_t id;
    const char *name;
    const char *idnumber;         /* "" when none */
    int64_t n_users;
};
lerr job_role_list(struct db *db, struct arena *a, struct job_role **out, int *n_out);
lerr job_role_get(struct db *db, struct arena *a, int64_t id, struct job_role *out,
                  struct problem *p);
lerr job_role_create(struct db *db, const char *name, const char *idnumber, int64_t actor_id,
                     int64_t *id_out, struct problem *p);
lerr job_role_update(struct db *db, int64_t id, const char *name, const char *idnumber,
                     int64_t actor_id, struct problem *p);
lerr job_role_delete(struct db *db, int64_t id, int64_t actor_id, struct problem *p);
json_t *job_role_to_json(const struct job_role *r);

/* Custom profile fields: CSV column profile_field_<shortname>. */
#define PROFILE_FIELDS_MAX 24     /* the user page's form has this many slots */
struct profile_field {
    int64_t id;
    const char *shortname;        /* [a-z0-9_], 1..50 */
    const char *name;
    const char *type;             /* "text", "menu", "checkbox", "date" */
    const char *options;          /* menu choices, one per line */
    bool required;
    int sort_order;
};
lerr profile_field_list(struct db *db, struct arena *a, struct profile_field **out, int *n_out);
lerr profile_field_get(struct db *db, struct arena *a, int64_t id, struct profile_field *out,
                       struct problem *p);
lerr profile_field_create(struct db *db, struct arena *a, const struct profile_field *in,
                          int64_t actor_id, int64_t *id_out, struct problem *p);
/* Changes name, options, required and sort order (shortname and type stay). */
lerr profile_field_update(struct db *db, struct arena *a, int64_t id,
                          const struct profile_field *in, int64_t actor_id, struct problem *p);
/* Deletes the field and every value of it. */
lerr profile_field_delete(struct db *db, int64_t id, int64_t actor_id, struct problem *p);
json_t *profile_field_to_json(const struct profile_field *f);
/* Checks one value for a field and normalises it into *out (in a): text up to 1000
 * characters, a menu choice, checkbox "1"/"0" (from 1/0/yes/no/true/false/on/off), date
 * YYYY-MM-DD. "" means no value and passes (required is the caller's business). */
lerr profile_value_check(const struct profile_field *f, struct arena *a, const char *in,
                         const char **out, struct problem *p);
/* {"shortname": "value", ...} for one user (fields without a value are left out). */
json_t *user_profile_values(struct db *db, int64_t user_id);

/* A user's organisation and HR fields. NULL strings are left unchanged, "" clears;
 * department_id / job_role_id -1 = unchanged, 0 = none; manager is a username ("" = none).
 * profile: {"shortname": "value"} (borrowed; NULL = none given). Refuses an idnumber held by
 * someone else, an unknown department, job role or manager, a manager loop, and a required
 * profile field set to "". */
struct user_org_input {
    const char *idnumber, *institution, *phone, *city, *country, *lang, *timezone;
    int64_t department_id, job_role_id;
    const char *manager;
    json_t *profile;
};
lerr user_org_update(struct db *db, struct arena *a, int64_t user_id,
                     const struct user_org_input *in, int64_t actor_id, struct problem *p);
/* Shape checks shared with the importer; each fills p naming `field` on failure. */
lerr org_check_country(struct arena *a, const char *in, const char **out, struct problem *p);
lerr org_check_lang(struct arena *a, const char *in, const char **out, struct problem *p);
lerr org_check_timezone(struct arena *a, const char *in, const char **out, struct problem *p);
lerr org_check_idnumber(struct arena *a, const char *in, const char **out, struct problem *p);
lerr org_check_text(struct arena *a, const char *in, const char *field, int max_chars,
                    const char **out, struct problem *p);

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
};
/* Reads a whole file. LE_INVALID with p saying what and on which line for: invalid UTF-8,
 * UTF-16, NUL bytes, misplaced or unbalanced quotes, too many fields; LE_TOOBIG for too many
 * records. Field text is as in the file (no trimming beyond libcsv's spaces). */
lerr csv_doc_read(struct arena *a, const char *data, size_t len, struct csv_doc *out,
                  struct problem *p);
/* Appends one field, quoted (by libcsv) only when it must be. */
lerr csv_write_field(struct buf *b, const char *s, char delimiter);

/* ---- Bulk user upload (user_import.c) ----
 * The header row decides which columns are present: Moodle's bulk upload columns, Canvas
 * SIS users.csv columns, and Lectern's own (job_role, manager, roles); docs/people.md lists
 * them. A run first previews every row's outcome; a commit re-validates the same content and
 * writes it in one transaction, all or nothing (or only the valid rows when asked). */
enum import_mode { IMPORT_ADD, IMPORT_UPSERT, IMPORT_UPDATE };
enum import_outcome { IO_CREATE, IO_UPDATE, IO_UNCHANGED, IO_SKIP, IO_ERROR, IO__COUNT };
struct import_options {
    enum import_mode mode;
    bool allow_renames;           /* oldusername renames an account */
    bool allow_suspend;           /* suspended / status columns may suspend and reactivate */
    bool allow_delete;            /* deleted / status=deleted: suspend and anonymise */
    bool force_password_change;   /* new users with a password from the file must change it */
    bool valid_only;              /* commit: write the valid rows, leave the rows with errors */
    const char *username_template; /* for rows without a username; NULL = "{f}{last}" */
    int64_t actor_id;             /* who runs it; 0 = the command line */
    int threads;                  /* password hashing threads; 0 = one per core */
    /* Called now and then during long stages ("hashing", "writing"), from the calling thread. */
    void (*progress)(void *ctx, const char *stage, int64_t done, int64_t total);
    void *progress_ctx;
};
struct import_issue {
    int line;
    const char *column;           /* the header's name for it; "" for the row or the file */
    const char *message;
};
struct import_row {
    int line;                     /* where the record starts in the file */
    enum import_outcome outcome;
    const char *username;         /* the account's username after the row ("" if unknown) */
    const char *note;             /* skip reason, or the fields an update changes */
    struct import_issue *errors;
    int n_errors;
    void *priv;                   /* the importer's own */
};
struct import_result {
    char delimiter;
    bool bom;
    const char **columns;         /* the header as given */
    int n_columns;
    const char **unknown_columns; /* reported, their values ignored */
    int n_unknown;
    struct import_issue *file_errors; /* no row is written while there are any */
    int n_file_errors;
    struct import_row *rows;
    int n_rows;
    int64_t counts[IO__COUNT];
    bool committed;
    /* what a commit wrote */
    int64_t n_created, n_updated, n_suspended, n_reactivated, n_deleted, n_renamed;
    int64_t n_passwords, n_signin_links;
    double ms_parse, ms_check, ms_hash, ms_write;
};
lerr import_mode_parse(const char *s, enum import_mode *out);
const char *import_mode_name(enum import_mode m);
const char *import_outcome_name(enum import_outcome o);
/* Parses and checks the file against the database, and fills r; writes nothing. p is set
 * only for failures that are not the file's fault (LE_DB, LE_NOMEM). */
lerr user_import_preview(struct db *db, struct arena *a, const char *data, size_t len,
                         const struct import_options *o, struct import_result *r,
                         struct problem *p);
/* Previews again, then writes in one transaction (nested in the caller's, if any). Refuses
 * with LE_INVALID and writes nothing when the file has errors, or rows do and o->valid_only
 * is false. Passwords are hashed first, on o->threads threads. */
lerr user_import_commit(struct db *db, struct arena *a, const char *data, size_t len,
                        const struct import_options *o, struct import_result *r,
                        struct problem *p);
/* The result as JSON: summary, columns, file errors and rows [offset, offset+limit) of those
 * wanted (all, or errors_only). */
json_t *import_result_to_json(const struct import_result *r, int offset, int limit,
                              bool errors_only);
/* The same columns an import reads, one line per account (deleted accounts left out):
 * write(ctx, bytes, n) is called with pieces of the CSV text. */
lerr user_export_csv(struct db *db, struct arena *a, lerr (*write)(void *ctx, const char *s, size_t n),
                     void *ctx, struct problem *p);

/* Uploads kept between preview and commit: a row in user_imports, the file under
 * DATA_DIR/imports/<token>.csv (removed at commit and when a preview is a day old). */
#define IMPORT_FILE_MAX (64 * 1024 * 1024)
struct stored_import {
    int64_t id;
    const char *token;
    const char *filename;
    const char *sha256;
    int64_t size;
    const char *options;          /* JSON text */
    const char *status;           /* "previewed", "committed", "expired" */
    const char *result;           /* JSON text of the commit's summary, "" before */
    int64_t created_by, created_at, committed_at;
    /* The asynchronous commit (src/jobs/import.c, migration 0006): "" (not asked), "queued",
     * "hashing", "writing", "failed" (commit_error says why; nothing written), "done". */
    const char *commit_phase;
    int64_t progress_done, progress_total;
    const char *commit_error;
    int64_t job_id;               /* the 'user_import.commit' job; 0 = none */
};
/* True while a commit job is queued or running for it. */
bool stored_import_committing(const struct stored_import *si);
lerr user_import_store(struct db *db, struct arena *a, const char *data_dir, const char *data,
                       size_t len, const char *filename, json_t *options, int64_t actor_id,
                       const char **token_out, struct problem *p);
lerr user_import_find(struct db *db, struct arena *a, const char *token, struct stored_import *out,
                      struct problem *p);
/* The stored file (checked against its SHA-256), in a. */
lerr user_import_read_file(struct arena *a, const char *data_dir, const struct stored_import *si,
                           char **data, size_t *len, struct problem *p);
/* Records a commit (result: JSON, borrowed) and removes the file. */
lerr user_import_finish(struct db *db, const char *data_dir, const struct stored_import *si,
                        json_t *result, struct problem *p);
/* The refusal a commit would give for this preview (LE_INVALID: file errors, or row errors
 * without o->valid_only), or LE_OK. */
lerr user_import_check_commit(const struct import_result *r, const struct import_options *o,
                              struct problem *p);
/* Asks for the commit in the background: marks the upload 'queued' and queues a
 * 'user_import.commit' job with the options, in one transaction. LE_CONFLICT when it is
 * committed, expired, or being committed already. */
lerr user_import_queue_commit(struct db *db, const struct stored_import *si, bool valid_only,
                              int64_t actor_id, int64_t *job_id, struct problem *p);
/* Records the commit's phase and progress in the row (error: for "failed", else NULL). */
lerr user_import_set_progress(struct db *db, int64_t id, const char *phase, int64_t done, int64_t total,
                              const char *error);
/* Options stored with an upload, back into o (actor and callbacks untouched). */
void import_options_from_json(json_t *j, struct import_options *o);
json_t *import_options_to_json(const struct import_options *o);

/* ---- Courses: categories, courses, tags, policies, catalogue, enrolment (course.c,
 * markdown.c; docs/courses.md) ---- */
/* Markdown to HTML through cmark-gfm in safe mode (raw HTML and javascript: links dropped),
 * with tables, strikethrough and autolinks; "" for NULL or "". In a. */
char *markdown_to_html(struct arena *a, const char *text);
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
/* Ends a live enrolment; the row and its history stay. */
lerr enrol_end(struct db *db, int64_t course_id, const char *username, int64_t actor_id,
               unsigned actor_roles, struct problem *p);
/* Live enrolments of a course as a JSON array of {username, name, role, due, overdue, ...}. */
json_t *course_enrolments_json(struct db *db, struct arena *a, int64_t course_id);
bool course_teaches(struct db *db, int64_t course_id, int64_t user_id);
/* Course upload from CSV (course_import.c): Moodle's shortname, fullname, category ("Parent /
 * Child", created when missing), summary, visible, startdate, enddate (epoch seconds or
 * YYYY-MM-DD), and Lectern's kind, status, tags. A row whose shortname exists updates that
 * course. commit false = preview. Every row is checked; a commit writes all rows or, when any
 * has an error, nothing. */
struct course_import_row {
    int line;
    const char *code;
    const char *outcome;          /* "create", "update" or "error" */
    struct import_issue *errors;
    int n_errors;
};
struct course_import_result {
    const char *file_error;       /* the file cannot be read at all; NULL otherwise */
    json_t *unknown;              /* unknown columns (ignored), owned */
    struct course_import_row *rows;
    int n_rows, n_create, n_update, n_errors;
    bool committed;
};
lerr course_import_run(struct db *db, struct arena *a, const char *data, size_t len, bool commit, int64_t actor_id,
                       struct course_import_result *r, struct problem *p);
/* Enrolments from CSV: course (or shortname), username or idnumber, role (learner, instructor),
 * due (YYYY-MM-DD); or Canvas's enrollments.csv (course_id, user_id = idnumber, role student /
 * teacher / ta, status active / deleted). Rows are "enrol" (n_create) or "unenrol" (n_update);
 * an unknown course or person, enrolling someone twice or a due date before the start is a
 * located error, and then nothing is written. */
lerr enrol_import_run(struct db *db, struct arena *a, const char *data, size_t len, bool commit, int64_t actor_id,
                      struct course_import_result *r, struct problem *p);
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
/* Comma-separated names, for messages. */
const char *activity_kind_names(void);

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


/* ---- Assessments: questions as data, the question bank, quizzes and attempts ---- */
#include "quiz.h"

#endif
