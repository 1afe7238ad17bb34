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
enum capability {
    CAP_PUBLIC = 0,          /* anyone, signed in or not */
    CAP_SIGNED_IN,           /* any signed-in user */
    CAP_USERS_VIEW,          /* list and read accounts */
    CAP_USERS_MANAGE,        /* create, edit, suspend, unlock, reset passwords */
    CAP_SETTINGS_MANAGE,     /* branding and site settings */
    CAP_AUDIT_VIEW,          /* read the audit log */
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

#endif
