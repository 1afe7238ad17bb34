/* Sign-in: password check, lockout, the record of every attempt, and the new session.
 *
 * Every failure answers the same LE_AUTH message, whatever the cause, and takes about the same
 * time: an unknown username is checked against a dummy hash so that response time does not
 * tell which usernames exist. The stored attempt keeps the real reason for administrators.
 *
 * Lockout: failed passwords of one account are counted within lockout_window_s and after the
 * account's failures_reset_id (the attempt that last succeeded, locked, or an unlock). Reaching
 * lockout_threshold locks the account for lockout_duration_s; while locked even the right
 * password fails. Attempts on a locked or suspended account do not count towards a new lock. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "people.h"

struct auth_config auth_config = {
    .lockout_threshold = 5,
    .lockout_window_s = 900,
    .lockout_duration_s = 900,
    .session_idle_s = 7200,
    .session_absolute_s = 43200,
};

#define GENERIC_MESSAGE "Incorrect username or password, or the account is locked."
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

lerr auth_sign_in(struct db *db, const char *username, const char *password, const char *ip,
                  const char *user_agent, struct session_new *out, struct problem *p)
{
    memset(out, 0, sizeof *out);
    pthread_once(&dummy_once, make_dummy);
    const char *typed = username ? username : "";
    const char *pw = password ? password : "";
    if (strlen(pw) > 4 * PASSWORD_MAX_LEN) pw = ""; /* cannot be right; not worth hashing */
    char typed_store[TYPED_MAX + 1], name[128], ipc[64], uac[512];
    clip(typed_store, sizeof typed_store, typed);
    clip(ipc, sizeof ipc, ip);
    clip(uac, sizeof uac, user_agent);

    /* 1. Find the account and check the password before taking the write lock: hashing is
     *    the slow part and must not hold up other writers. */
    struct account acc = {0};
    bool found = false;
    if (normalise(name, sizeof name, typed)) {
        int rc = load_account(db, "SELECT " ACCOUNT_COLS " FROM users WHERE username = ?1", "s", 0,
                              name, &acc);
        if (rc != DB_ROW && rc != DB_DONE) return problem_set(p, LE_DB, "", "Sign-in is unavailable; try again shortly.");
        found = rc == DB_ROW;
    }
    bool has_hash = found && acc.hash[0];
    bool verified = password_verify(has_hash ? acc.hash : dummy_hash, pw) && has_hash;
    char new_hash[128] = "";
    if (verified && password_needs_rehash(acc.hash) && password_hash(pw, new_hash, sizeof new_hash))
        new_hash[0] = '\0';

    /* 2. Decide and record under the write lock, from the account as it is now. */
    if (db_tx_begin(db)) return problem_set(p, LE_DB, "", "Sign-in is unavailable; try again shortly.");
    int64_t now = time_now();
    const char *reason = "unknown_user";
    lerr e = LE_OK;
    if (found) {
        char checked[160];
        memcpy(checked, acc.hash, sizeof checked);
        int rc = load_account(db, "SELECT " ACCOUNT_COLS " FROM users WHERE id = ?1", "i", acc.id, NULL, &acc);
        if (rc == DB_DONE) {
            found = false;
        } else if (rc != DB_ROW) {
            e = LE_DB;
        } else if (strcmp(checked, acc.hash) != 0) {
            verified = false; /* the password changed while we were hashing */
        }
    }
    if (found) {
        if (strcmp(acc.status, "active") != 0)
            reason = "suspended";
        else if (acc.locked_until > now)
            reason = "locked";
        else if (!verified)
            reason = "bad_password";
        else
            reason = "ok";
    }
    bool ok = strcmp(reason, "ok") == 0;
    int64_t attempt_id = 0;
    if (!e) {
        struct db_stmt *st = db_query(db,
                                      "INSERT INTO signin_attempts (username, user_id, at, ip, user_agent, "
                                      "success, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                                      "s", (const char *)typed_store);
        if (found)
            db_bind_int(st, 2, acc.id);
        else
            db_bind_null(st, 2);
        db_bind_int(st, 3, now);
        db_bind_text(st, 4, ip ? ipc : NULL);
        db_bind_text(st, 5, user_agent ? uac : NULL);
        db_bind_int(st, 6, ok ? 1 : 0);
        db_bind_text(st, 7, reason);
        if (db_step(st) == DB_ROW)
            attempt_id = db_col_int(st, 0);
        else
            e = LE_DB;
        db_done(st);
    }
    /* Every attempt joins the audit chain too: the attempts table answers support questions,
     * the chain proves nobody erased a break-in attempt afterwards. */
    if (!e) {
        char target[128];
        if (found)
            snprintf(target, sizeof target, "user:%lld", (long long)acc.id);
        else
            snprintf(target, sizeof target, "username:%s", (const char *)typed_store);
        json_t *d = json_pack("{s:s, s:s?}", "reason", reason, "ip", ip ? (const char *)ipc : NULL);
        e = audit_append(db, found ? acc.id : 0, ok ? "auth.signin" : "auth.signin_failed", target, d);
        json_decref(d);
    }
    if (!e && strcmp(reason, "bad_password") == 0) {
        int64_t failures = 0;
        e = db_query_int(db, &failures,
                         "SELECT COUNT(*) FROM signin_attempts WHERE user_id = ?1 AND success = 0 "
                         "AND reason = 'bad_password' AND at > ?2 AND id > ?3",
                         "iii", acc.id, now - auth_config.lockout_window_s, acc.failures_reset_id);
        if (!e && failures >= auth_config.lockout_threshold) {
            int64_t until = now + auth_config.lockout_duration_s;
            e = db_run(db, "UPDATE users SET locked_until = ?2, failures_reset_id = ?3 WHERE id = ?1",
                       "iii", acc.id, until, attempt_id);
            char target[32], iso[21];
            snprintf(target, sizeof target, "user:%lld", (long long)acc.id);
            time_iso8601(until, iso);
            json_t *d = json_pack("{s:I, s:s, s:s?}", "failures", (json_int_t)failures, "until", iso,
                                  "ip", ip ? (const char *)ipc : NULL);
            if (!e) e = audit_append(db, 0, "user.locked", target, d);
            json_decref(d);
            log_info("auth: account %lld locked after %lld failed sign-ins", (long long)acc.id,
                     (long long)failures);
        }
    }
    if (!e && ok) {
        e = db_run(db,
                   "UPDATE users SET last_signin_at = ?2, failures_reset_id = ?3, "
                   "password_hash = COALESCE(?4, password_hash) WHERE id = ?1",
                   "iiis", acc.id, now, attempt_id, new_hash[0] ? (const char *)new_hash : NULL);
        if (!e) e = session_create(db, acc.id, ip, user_agent, out);
        out->must_change_password = acc.must_change;
    }
    e = db_tx_end(db, e);
    sodium_memzero(new_hash, sizeof new_hash);
    if (e) {
        memset(out, 0, sizeof *out);
        return problem_set(p, LE_DB, "", "Sign-in is unavailable; try again shortly.");
    }
    if (!ok) {
        memset(out, 0, sizeof *out);
        return problem_set(p, LE_AUTH, "", GENERIC_MESSAGE);
    }
    return LE_OK;
}
