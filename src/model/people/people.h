/* The people domain (docs/people.md, docs/support.md): passwords, accounts, sign-in with
 * lockout and sessions, sign-in support (links, temporary passwords, "log in as"), the
 * organisation (departments, job roles, profile fields, reporting lines), and bulk upload. It
 * uses platform; domains above it keep things in step with the organisation through
 * people_on_moved. */
#ifndef LECTERN_MODEL_PEOPLE_H
#define LECTERN_MODEL_PEOPLE_H

#include "../platform/platform.h"

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
/* Throttling (auth.c says how it works; docs/people.md): */
struct auth_config {
    int lockout_threshold;        /* failed passwords of an account before it waits (5) ... */
    int lockout_window_s;         /* ... counted within this window since the last success,
                                   * unlock or reset (one day) */
    int lockout_first_delay_s;    /* the first wait (60); each further failure doubles it ... */
    int lockout_duration_s;       /* ... up to this (900); an administrator's unlock or a
                                   * password reset ends it at once */
    int signin_ip_limit;          /* failed sign-ins one client address may make ... (20) */
    int signin_ip_window_s;       /* ... within this window (300) before it is refused */
    int session_idle_s;           /* default 2 hours */
    int session_absolute_s;       /* default 12 hours */
};
extern struct auth_config auth_config;

struct session_new {
    char token[65];               /* 256-bit random, hex; only its hash is stored */
    char csrf[65];
    int64_t user_id;
    bool must_change_password;
    int64_t retry_after_s;        /* with LE_RATELIMIT: seconds until the next attempt is heard */
};
/* Checks the password, records the attempt (time, ip, user agent, outcome, reason), applies
 * the waits, audits, and on success creates a session. Every checked failure is LE_AUTH with
 * the same message, whether the user exists, the password is wrong or the account is
 * suspended. An attempt that must wait (too many failures from its address, or on its account
 * or unknown name) is not checked: LE_RATELIMIT with out->retry_after_s. */
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
    const char *timezone;          /* the user's IANA time zone; "" = the site's */
    /* When session_lookup answers LE_AUTH for a "log in as" session that has ended on its own:
     * why (IMPERSONATION_ENDED_*), so the person is told in words; NULL otherwise. */
    const char *impersonation_ended;
    /* auth_version.shown_version as read with the lookup (0 = not read): it changes with
     * whatever every signed-in page may show beside the person (migration 0038: the
     * announcements), so other domains key their summaries of it on this one read. */
    int64_t shown_version;
    /* auth_version.notify_version as read with the lookup (0 = not read): it changes with
     * every change to notifications (migration 0043), so the bell's unread counts kept in
     * memory are asked again only then. */
    int64_t notify_version;
    /* users.notifications_unread, and the notify_version it was read under (0 = unknown): the
     * count is current while that is still notify_version, whether read now or cached. */
    int64_t unread, unread_version;
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

/* ---- A person's own profile (profile.c; docs/people.md "Your profile") ---- */
struct profile_input {            /* NULL fields are left unchanged */
    const char *first_name, *last_name, *email;
    const char *lang, *timezone;  /* "" = the site's default */
};
/* Changes one's own name, email, language and time zone in one transaction, audited as
 * user.update with the person as the actor. */
lerr user_profile_update(struct db *db, struct arena *a, int64_t user_id, const struct profile_input *in,
                         struct problem *p);
/* The user's live sessions, newest use first (up to 50): {"id", "ip", "user_agent",
 * "created_at", "last_seen_at", "current"}; current marks current_session_id. */
json_t *session_list_json(struct db *db, int64_t user_id, int64_t current_session_id);
/* "Sign out everywhere else": ends every session of the user but keep_session_id, audited as
 * auth.sessions_end_others; *n_ended says how many. Takes effect on the next request. */
lerr session_end_others(struct db *db, int64_t user_id, int64_t keep_session_id, int64_t *n_ended,
                        struct problem *p);
/* The system's IANA time zone names (UTC first, then sorted), for a select; none when the
 * system has no zoneinfo. The names stay valid for the life of the process. */
const char *const *timezone_names(size_t *n);


/* ---- Sign-in support (support.c): single-use sign-in links (forgot password, welcome),
 * their rate limits, temporary passwords, "log in as", and the "cannot sign in?" text.
 * docs/support.md describes the rules. ---- */
struct support_config {
    int reset_link_s;             /* a password-reset link lives this long (1800) */
    int welcome_link_s;           /* a welcome link for a new account (7 days) */
    int reset_per_account_hour;   /* reset messages one account may receive an hour (3) */
    int reset_per_ip_hour;        /* forgot-password requests one address may make an hour (10) */
    int impersonation_s;          /* a "log in as" session ends after this long (3600) */
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
/* Mints the token a queued message carries, as the message is sent: a new token for link
 * link_id (replacing the hash it had), and *url_out the address to open. LE_CONFLICT when the
 * link was replaced, used or expired, or its account suspended, before the message went out:
 * the message is then not sent. LE_INVALID when no site address is known. */
lerr signin_link_mint(struct db *db, struct arena *a, int64_t link_id, const char **url_out, struct problem *p);
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
/* Forgot password, by username or email. LE_OK unless the database fails or the address has
 * made reset_per_ip_hour requests within the hour, so the answer is the same whether or not
 * the account exists; *outcome tells the logs and tests what happened: "sent", "unknown",
 * "no_email", "suspended", "ip_limited", "account_limited", "failed" (no site address). Too
 * many requests from the address: LE_RATELIMIT with *retry_after_s (may be NULL); too many
 * for one account stays silent, as answering would tell that the account exists. */
lerr password_reset_request(struct db *db, const char *login, const char *ip, const char **outcome,
                            int64_t *retry_after_s, struct problem *p);
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
/* Why a "log in as" session ended without its holder ending it (sessions.end_reason, the
 * audit's auth.impersonate_end "reason", and session_user.impersonation_ended). */
#define IMPERSONATION_ENDED_EXPIRED "expired"                 /* its time is up (impersonation_s) */
#define IMPERSONATION_ENDED_ADMIN_SUSPENDED "impersonator_suspended"
#define IMPERSONATION_ENDED_ADMIN_CAPABILITY "impersonator_capability" /* lost users.impersonate */
#define IMPERSONATION_ENDED_ADMIN_SIGNED_OUT "impersonator_signed_out"
#define IMPERSONATION_ENDED_TARGET_PRIVILEGED "target_privileged" /* may no longer be impersonated */
/* Whether someone with these roles may be logged in as: never an administrator, nor anyone
 * who may log in as others. */
bool impersonation_target_allowed(unsigned roles);
/* The administrator signed out: the "log in as" sessions they started end too (audited). */
lerr impersonations_end_by(struct db *db, int64_t admin_id);
/* The "cannot sign in?" contact text (plain text, line breaks kept; "" when unset). */
lerr signin_help_get(struct db *db, struct arena *a, const char **text);
lerr signin_help_set(struct db *db, const char *text, int64_t actor_id, struct problem *p);
#define SIGNIN_HELP_MAX 2000

/* ---- The organisation (org.c) and who sees whom (user.c): validators, reporting lines,
 * departments, job roles, custom profile fields and a user's HR fields (docs/people.md) ---- */

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
/* The users list's filters and order, each optional. sort is a key of the list's columns
 * ("name", "username", "email", "department", "status", "last_signin", "created"); the model
 * maps it to a fixed ORDER BY, and an unknown key sorts by name. */
struct user_filter {
    const char *q;                /* search text, NULL or "" = everyone */
    unsigned role;                /* a mask of enum role: people holding that role; 0 = any */
    int64_t department_id;        /* 0 = any */
    const char *status;           /* "active", "suspended", "locked" (now), NULL = any */
    const char *sort;
    bool desc;
};
lerr user_list_filtered(struct db *db, struct arena *a, int64_t viewer_id, unsigned viewer_roles,
                        const struct user_filter *f, int page, int per_page, struct user **out,
                        int *n_out, int *total_out);
/* Bulk actions on people chosen from the users list (user.c). */
#define USER_BULK_MAX 200
enum user_bulk_action { USER_BULK_SUSPEND, USER_BULK_REACTIVATE, USER_BULK_RESET_LINK };
/* The accounts named in list (usernames separated by commas or spaces; at most USER_BULK_MAX)
 * in a few queries, by username; names with no account are listed in *unknown_out ("" when
 * none). LE_INVALID when the list is empty or too long. */
lerr users_by_usernames(struct db *db, struct arena *a, const char *list, struct user **out, int *n_out,
                        const char **unknown_out, struct problem *p);
/* Why the action leaves u alone (a translation key: already suspended, no email, oneself), or
 * NULL when it applies. */
const char *user_bulk_skip_reason(enum user_bulk_action action, const struct user *u, int64_t actor_id);
/* Applies the action to every user it applies to, in one transaction: all or nothing, each
 * person audited as if done one at a time. *done_out is how many were changed. */
lerr user_bulk_apply(struct db *db, enum user_bulk_action action, const struct user *users, int n, int64_t actor_id,
                     int *done_out, struct problem *p);
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
/* Every department's id and name, by name, in one query (the users list's filter), in a. */
lerr department_choices(struct db *db, struct arena *a, struct department **out, int *n_out);
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
/* The choices of a form that names a department or a job role, in one query: every department
 * in tree order with its path, every job role by name (no counts), in a. */
lerr org_choices(struct db *db, struct arena *a, struct department **depts, int *nd, struct job_role **jobs, int *nj);
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
    const char *start_date;       /* "YYYY-MM-DD", "" = not known, NULL = unchanged */
};
lerr user_org_update(struct db *db, struct arena *a, int64_t user_id,
                     const struct user_org_input *in, int64_t actor_id, struct problem *p);
/* The start date (start_date.c): "" or a real date as YYYY-MM-DD into *out (trimmed), else
 * LE_INVALID naming "start_date". */
lerr user_start_date_check(struct arena *a, const char *in, const char **out, struct problem *p);
/* The person's start date, "" when not known. */
const char *user_start_date(struct db *db, struct arena *a, int64_t user_id);
/* Sets a checked start date inside the caller's transaction: *changed, and the change added
 * to changes (for the audit entry). */
lerr user_start_date_write(struct db *db, struct arena *a, int64_t user_id, const char *date, json_t *changes,
                           bool *changed, struct problem *p);
/* Shape checks shared with the importer; each fills p naming `field` on failure. */
lerr org_check_country(struct arena *a, const char *in, const char **out, struct problem *p);
lerr org_check_lang(struct arena *a, const char *in, const char **out, struct problem *p);
lerr org_check_timezone(struct arena *a, const char *in, const char **out, struct problem *p);
lerr org_check_idnumber(struct arena *a, const char *in, const char **out, struct problem *p);
lerr org_check_text(struct arena *a, const char *in, const char *field, int max_chars,
                    const char **out, struct problem *p);

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
    bool weak_password_link;      /* a new account whose password fails the policy is made
                                     without one and gets a sign-in link, instead of an error */
    bool create_departments;      /* departments the file names that do not exist are created */
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
    const char **new_departments; /* with create_departments: the paths the commit creates */
    int n_new_departments;
    bool committed;
    /* what a commit wrote */
    int64_t n_created, n_updated, n_suspended, n_reactivated, n_deleted, n_renamed;
    int64_t n_passwords, n_signin_links;
    /* ms_parse: reading the file and checking each row as it is read; ms_check: managers, loops */
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
/* Changes a previewed upload's options (the preview page's checkboxes); LE_CONFLICT once it is
 * committed or being committed. */
lerr user_import_set_options(struct db *db, const struct stored_import *si, const struct import_options *o,
                             struct problem *p);
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
/* Columns of the upload that belong to a domain above people (courses: Moodle's courseN and
 * roleN, which enrol each person). A provider registered at start (model_init) sees every
 * header name, checks its cells on every row, and writes after the accounts, in the upload's
 * transaction; it reports problems on the upload's lines like the upload's own checks. */
struct import_report;   /* the upload being checked, for the two reporting functions */
void import_report_file_error(struct import_report *r, int line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A problem with row `row` (0 = the first line after the header): the row is refused. */
void import_report_row_error(struct import_report *r, int row, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
struct import_columns {
    /* The provider's state for one upload, in a (the upload's arena). */
    void *(*begin)(struct db *db, struct arena *a);
    /* Takes column `column` when its name (lower case, trimmed) is one of the provider's. */
    bool (*claim)(void *state, int column, const char *name);
    /* After the header, with the columns it took: false when they do not go together (the
     * reasons reported as file errors on header_line). */
    bool (*header_done)(void *state, struct import_report *r, int header_line);
    /* Checks row `row`'s cells and keeps what it will write: a copy, since the cells are gone
     * once the call returns (the file is read one record at a time). */
    void (*check_row)(void *state, struct import_report *r, int row, char *const *fields, int n_fields);
    /* After the accounts were written: user_ids[row] is each row's account, 0 for a row that
     * wrote none (refused, skipped or deleted). */
    lerr (*write)(void *state, struct db *db, const int64_t *user_ids, int n_rows, int64_t actor_id);
};
void user_import_columns_register(const struct import_columns *columns);

/* Options stored with an upload, back into o (actor and callbacks untouched). */
void import_options_from_json(json_t *j, struct import_options *o);
json_t *import_options_to_json(const struct import_options *o);

/* ---- Keeping other domains in step with the organisation (moved.c) ----
 * A domain above people that keeps something in step with departments, job roles and
 * suspension (course enrolment rules; later programme assignments) registers a function at
 * start (model_init). people_moved calls each, in registration order and in the caller's
 * transaction, after a person is suspended, reactivated, moved or given another manager
 * (user_id), or after a bulk
 * upload (user_id 0: anyone may have changed). p may be NULL. */
typedef lerr (*people_moved_fn)(struct db *db, int64_t user_id, struct problem *p);
void people_on_moved(people_moved_fn fn);
lerr people_moved(struct db *db, int64_t user_id, struct problem *p);

/* ---- What other domains keep that names a department or job role (moved.c) ----
 * A department or job role is not deleted while another domain still refers to it (courses:
 * enrolment rules). A registered function answers LE_OK with *what NULL when nothing of its
 * domain refers to it, or *what a phrase naming what does ("the enrolment rules of FIRE-101"). */
enum org_kind { ORG_DEPARTMENT, ORG_JOB_ROLE };
typedef lerr (*org_references_fn)(struct db *db, struct arena *a, enum org_kind kind, int64_t id, const char **what);
void people_on_org_references(org_references_fn fn);

#endif
