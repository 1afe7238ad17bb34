/* Sign-in: password check, throttling, the record of every attempt, and the new session
 * (docs/people.md, "Signing in safely").
 *
 * Every failure whose password was checked answers the same LE_AUTH message, whatever the
 * cause, and takes about the same time: an unknown username is checked against a dummy hash so
 * that response time does not tell which usernames exist. The stored attempt keeps the real
 * reason for administrators.
 *
 * Throttling is counted from signin_attempts, never from memory, so every node sharing the
 * database applies one count:
 *  - per address: signin_ip_limit failures (wrong password or unknown username) from one
 *    client address within signin_ip_window_s refuse that address's further attempts, unseen
 *    and unrecorded, until the oldest of them leaves the window;
 *  - per account: failed passwords are counted within lockout_window_s and after the
 *    account's failures_reset_id (the attempt that last succeeded, an unlock, or a password
 *    reset). From lockout_threshold failures on, each failure makes the account wait before
 *    its next attempt: lockout_first_delay_s, then twice as long each time, at most
 *    lockout_duration_s (users.locked_until). An attempt while it waits is not checked and
 *    does not count: it is refused with the time left, so nobody can keep an account shut by
 *    trying it, and a reset link always lets its owner in. Unknown usernames wait the same
 *    way, counted by the name typed, so a wait does not tell that an account exists.
 * Refused attempts answer LE_RATELIMIT with out->retry_after_s. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "people.h"

struct auth_config auth_config = {
    .lockout_threshold = 5,
    .lockout_window_s = 86400,
    .lockout_first_delay_s = 60,
    .lockout_duration_s = 900,
    .signin_ip_limit = 20,
    .signin_ip_window_s = 300,
    .session_idle_s = 7200,
    .session_absolute_s = 43200,
};

#define GENERIC_MESSAGE "Incorrect username or password, or the account is locked."
#define UNAVAILABLE "Sign-in is unavailable; try again shortly."
/* Failures that count towards a wait; a refused attempt ('locked') never does. */
#define COUNTED_FAILURE "reason IN ('bad_password', 'unknown_user')"
#define TYPED_MAX 100          /* bytes of the typed username kept in signin_attempts */

static char dummy_hash[128];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[65];
    random_hex(pw, 32);
    if (password_hash(pw, dummy_hash, sizeof dummy_hash)) dummy_hash[0] = '\0';
}

/* Client-supplied text (typed username, ip, user agent) as a bounded, printable ASCII copy
 * for the attempts table. */
static void clip(char *out, size_t out_len, const char *in)
{
    size_t k = 0;
    for (const char *s = in ? in : ""; *s && k + 1 < out_len; s++) {
        unsigned char c = (unsigned char)*s;
        out[k++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
    }
    out[k] = '\0';
}

/* Trimmed and lowercased as user.c stores usernames; false when it cannot be a username. */
static bool normalise(char *out, size_t out_len, const char *in)
{
    while (*in == ' ' || *in == '\t') in++;
    size_t n = strlen(in);
    while (n && (in[n - 1] == ' ' || in[n - 1] == '\t')) n--;
    if (n == 0 || n >= out_len) return false;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[n] = '\0';
    return true;
}

struct account {
    int64_t id;
    char hash[160];
    char status[16];
    int64_t locked_until;
    int64_t failures_reset_id;
    bool must_change;
};

static int load_account(struct db *db, const char *sql, const char *types, int64_t id,
                        const char *username, struct account *acc)
{
    struct db_stmt *st = username ? db_query(db, sql, types, username) : db_query(db, sql, types, id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        acc->id = db_col_int(st, 0);
        const char *h = db_col_text(st, 1), *s = db_col_text(st, 2);
        snprintf(acc->hash, sizeof acc->hash, "%s", h ? h : "");
        snprintf(acc->status, sizeof acc->status, "%s", s ? s : "");
        acc->locked_until = db_col_int(st, 3);
        acc->failures_reset_id = db_col_int(st, 4);
        acc->must_change = db_col_int(st, 5) != 0;
    }
    db_done(st);
    return rc;
}

#define ACCOUNT_COLS "id, password_hash, status, locked_until, failures_reset_id, must_change_password"


/* One sign-in attempt, as it is decided and recorded. */
struct attempt {
    char name[TYPED_MAX + 1]; /* the username typed: trimmed and lower-cased when it can be one */
    const char *ip;           /* clipped copies; NULL when unknown */
    const char *user_agent;
    int64_t now;
    bool found;
    struct account acc;
    const char *reason;       /* as stored: ok, unknown_user, bad_password, locked, suspended */
    int64_t id;               /* of the stored row */
};

/* The wait that this many counted failures impose on the next attempt: none below the
 * threshold, then the first delay, doubling with each further failure, at most the longest. */
static int64_t delay_after(int64_t failures)
{
    if (auth_config.lockout_threshold <= 0 || failures < auth_config.lockout_threshold) return 0;
    int64_t delay = auth_config.lockout_first_delay_s;
    for (int64_t n = failures - auth_config.lockout_threshold; n > 0 && delay < auth_config.lockout_duration_s; n--)
        delay *= 2;
    return delay < auth_config.lockout_duration_s ? delay : auth_config.lockout_duration_s;
}

/* Seconds until the client address may try again (0: now), from its failures in the window. */
static lerr address_wait(struct db *db, const struct attempt *at, int64_t *wait)
{
    *wait = 0;
    if (!at->ip || auth_config.signin_ip_limit <= 0) return LE_OK;
    struct db_stmt *st = db_query(db,
                                  "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM signin_attempts WHERE ip = ?1 "
                                  "AND at > ?2 AND success = 0 AND " COUNTED_FAILURE,
                                  "si", at->ip, at->now - auth_config.signin_ip_window_s);
    int rc = db_step(st);
    if (rc == DB_ROW && db_col_int(st, 0) >= auth_config.signin_ip_limit)
        *wait = db_col_int(st, 1) + auth_config.signin_ip_window_s - at->now;
    db_done(st);
    return rc == DB_ROW ? LE_OK : LE_DB;
}

/* Seconds until the account, or the unknown name, may be tried again (0: now). */
static lerr account_wait(struct db *db, const struct attempt *at, int64_t *wait)
{
    *wait = 0;
    if (at->found) {
        if (at->acc.locked_until > at->now) *wait = at->acc.locked_until - at->now;
        return LE_OK;
    }
    struct db_stmt *st = db_query(db,
                                  "SELECT COUNT(*), COALESCE(MAX(at), 0) FROM signin_attempts WHERE user_id IS NULL "
                                  "AND username = ?1 AND reason = 'unknown_user' AND at > ?2",
                                  "si", at->name, at->now - auth_config.lockout_window_s);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        int64_t until = db_col_int(st, 1) + delay_after(db_col_int(st, 0));
        if (until > at->now) *wait = until - at->now;
    }
    db_done(st);
    return rc == DB_ROW ? LE_OK : LE_DB;
}

/* Stores the attempt and appends it to the audit chain: the attempts table answers support
 * questions, the chain proves nobody erased a break-in attempt afterwards. */
static lerr record(struct db *db, struct attempt *at)
{
    bool ok = strcmp(at->reason, "ok") == 0;
    struct db_stmt *st = db_query(db,
                                  "INSERT INTO signin_attempts (username, user_id, at, ip, user_agent, success, "
                                  "reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                                  "s", (const char *)at->name);
    if (at->found)
        db_bind_int(st, 2, at->acc.id);
    else
        db_bind_null(st, 2);
    db_bind_int(st, 3, at->now);
    db_bind_text(st, 4, at->ip);
    db_bind_text(st, 5, at->user_agent);
    db_bind_int(st, 6, ok ? 1 : 0);
    db_bind_text(st, 7, at->reason);
    lerr e = db_step(st) == DB_ROW ? LE_OK : LE_DB;
    if (!e) at->id = db_col_int(st, 0);
    db_done(st);
    if (e) return e;
    char target[128];
    if (at->found)
        snprintf(target, sizeof target, "user:%lld", (long long)at->acc.id);
    else
        snprintf(target, sizeof target, "username:%s", at->name);
    json_t *d = json_pack("{s:s, s:s?}", "reason", at->reason, "ip", at->ip);
    e = audit_append(db, at->found ? at->acc.id : 0, ok ? "auth.signin" : "auth.signin_failed", target, d);
    json_decref(d);
    return e;
}

/* After a wrong password: from the threshold on, the account waits before its next attempt. */
static lerr after_failure(struct db *db, const struct attempt *at)
{
    int64_t failures = 0;
    lerr e = db_query_int(db, &failures,
                          "SELECT COUNT(*) FROM signin_attempts WHERE user_id = ?1 AND success = 0 "
                          "AND reason = 'bad_password' AND at > ?2 AND id > ?3",
                          "iii", at->acc.id, at->now - auth_config.lockout_window_s, at->acc.failures_reset_id);
    int64_t delay = e ? 0 : delay_after(failures);
    if (!delay) return e;
    int64_t until = at->now + delay;
    e = db_run(db, "UPDATE users SET locked_until = ?2 WHERE id = ?1", "ii", at->acc.id, until);
    char target[32], iso[21];
    snprintf(target, sizeof target, "user:%lld", (long long)at->acc.id);
    time_iso8601(until, iso);
    json_t *d = json_pack("{s:I, s:I, s:s, s:s?}", "failures", (json_int_t)failures, "wait_seconds", (json_int_t)delay,
                          "until", iso, "ip", at->ip);
    if (!e) e = audit_append(db, 0, "user.locked", target, d);
    json_decref(d);
    log_info("auth: account %lld waits %llds after %lld failed sign-ins", (long long)at->acc.id, (long long)delay,
             (long long)failures);
    return e;
}

/* After the right password: the failure count starts again and the session begins. */
static lerr after_success(struct db *db, const struct attempt *at, const char *new_hash, struct session_new *out)
{
    lerr e = db_run(db,
                    "UPDATE users SET last_signin_at = ?2, failures_reset_id = ?3, "
                    "password_hash = COALESCE(?4, password_hash) WHERE id = ?1",
                    "iiis", at->acc.id, at->now, at->id, new_hash[0] ? new_hash : NULL);
    if (!e) e = session_create(db, at->acc.id, at->ip, at->user_agent, out);
    out->must_change_password = at->acc.must_change;
    return e;
}

/* The refusal of an attempt that was not checked, with the time left to wait. */
static lerr refuse(int64_t wait, struct session_new *out, struct problem *p)
{
    memset(out, 0, sizeof *out);
    out->retry_after_s = wait > 0 ? wait : 1;
    int64_t minutes = (out->retry_after_s + 59) / 60;
    return problem_set(p, LE_RATELIMIT, "",
                       "Too many failed sign-ins. Wait %lld minute%s and try again, or choose a new password "
                       "with \"Forgot your password?\".",
                       (long long)minutes, minutes == 1 ? "" : "s");
}

/* An attempt on an account (or unknown name) that must wait: recorded, never checked. */
static lerr refuse_waiting(struct db *db, struct attempt *at, int64_t wait, struct session_new *out,
                           struct problem *p)
{
    at->reason = "locked";
    if (db_tx_begin(db)) return problem_set(p, LE_DB, "", UNAVAILABLE);
    if (db_tx_end(db, record(db, at))) return problem_set(p, LE_DB, "", UNAVAILABLE);
    return refuse(wait, out, p);
}

/* Finds the account by the typed name (lookups outside the write lock). */
static lerr find_account(struct db *db, const char *typed, struct attempt *at)
{
    char name[128];
    bool can_be_name = normalise(name, sizeof name, typed);
    clip(at->name, sizeof at->name, can_be_name ? name : typed);
    if (!can_be_name) return LE_OK;
    int rc = load_account(db, "SELECT " ACCOUNT_COLS " FROM users WHERE username = ?1", "s", 0, name, &at->acc);
    if (rc != DB_ROW && rc != DB_DONE) return LE_DB;
    at->found = rc == DB_ROW;
    return LE_OK;
}

/* Under the write lock: the account as it is now decides the reason. */
static lerr decide(struct db *db, struct attempt *at, bool verified)
{
    if (at->found) {
        char checked[160];
        memcpy(checked, at->acc.hash, sizeof checked);
        int rc = load_account(db, "SELECT " ACCOUNT_COLS " FROM users WHERE id = ?1", "i", at->acc.id, NULL, &at->acc);
        if (rc != DB_ROW && rc != DB_DONE) return LE_DB;
        at->found = rc == DB_ROW;
        if (strcmp(checked, at->acc.hash) != 0) verified = false; /* changed while we were hashing */
    }
    if (!at->found)
        at->reason = "unknown_user";
    else if (strcmp(at->acc.status, "active") != 0)
        at->reason = "suspended";
    else if (at->acc.locked_until > at->now)
        at->reason = "locked"; /* another node's failure made it wait meanwhile */
    else
        at->reason = verified ? "ok" : "bad_password";
    return LE_OK;
}

lerr auth_sign_in(struct db *db, const char *username, const char *password, const char *ip,
                  const char *user_agent, struct session_new *out, struct problem *p)
{
    memset(out, 0, sizeof *out);
    pthread_once(&dummy_once, make_dummy);
    const char *pw = password ? password : "";
    if (strlen(pw) > 4 * PASSWORD_MAX_LEN) pw = ""; /* cannot be right; not worth hashing */
    char ipc[64], uac[512];
    clip(ipc, sizeof ipc, ip);
    clip(uac, sizeof uac, user_agent);
    struct attempt at = {.ip = ip ? ipc : NULL, .user_agent = user_agent ? uac : NULL, .now = time_now()};

    /* 1. Waits first: a refused attempt costs no hashing. */
    int64_t wait = 0;
    if (address_wait(db, &at, &wait)) return problem_set(p, LE_DB, "", UNAVAILABLE);
    if (wait > 0) {
        log_info("auth: address %s refused for %llds after too many failed sign-ins", ipc, (long long)wait);
        return refuse(wait, out, p);
    }
    if (find_account(db, username ? username : "", &at) || account_wait(db, &at, &wait))
        return problem_set(p, LE_DB, "", UNAVAILABLE);
    if (wait > 0) return refuse_waiting(db, &at, wait, out, p);

    /* 2. Check the password before taking the write lock: hashing is the slow part and must
     *    not hold up other writers. */
    bool has_hash = at.found && at.acc.hash[0];
    bool verified = password_verify(has_hash ? at.acc.hash : dummy_hash, pw) && has_hash;
    char new_hash[128] = "";
    if (verified && password_needs_rehash(at.acc.hash) && password_hash(pw, new_hash, sizeof new_hash))
        new_hash[0] = '\0';

    /* 3. Decide and record under the write lock. */
    if (db_tx_begin(db)) return problem_set(p, LE_DB, "", UNAVAILABLE);
    lerr e = decide(db, &at, verified);
    if (!e) e = record(db, &at);
    if (!e && strcmp(at.reason, "bad_password") == 0) e = after_failure(db, &at);
    if (!e && strcmp(at.reason, "ok") == 0) e = after_success(db, &at, new_hash, out);
    e = db_tx_end(db, e);
    sodium_memzero(new_hash, sizeof new_hash);
    if (e) {
        memset(out, 0, sizeof *out);
        return problem_set(p, LE_DB, "", UNAVAILABLE);
    }
    if (strcmp(at.reason, "locked") == 0) return refuse(at.acc.locked_until - at.now, out, p);
    if (strcmp(at.reason, "ok") != 0) {
        memset(out, 0, sizeof *out);
        return problem_set(p, LE_AUTH, "", GENERIC_MESSAGE);
    }
    return LE_OK;
}
