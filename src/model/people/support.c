/* Sign-in support: single-use sign-in links (forgot password, an administrator's "send reset
 * link", the welcome link of an account created without a password), the forgot-password rate
 * limits, temporary passwords typed by an administrator, "log in as", and the "cannot sign
 * in?" contact text. docs/support.md explains the rules; the mail itself goes through the
 * outbox (mail.c) and the 'mail.send' job.
 *
 * A link's token is 256 random bits, shown once in the message; only its SHA-256 is stored,
 * so a copy of the database does not let anyone in. The outbox does not hold the token either:
 * its message names the link (link_id) and the sender mints the token as it sends
 * (signin_link_mint), so a queued or failed message in the database or a backup is no key.
 * A link is single-use, expires, and a newer link (or a password set another way) retires
 * older ones; a message whose link was retired before it went out is not sent.
 *
 * Forgot password answers the same whatever happens (the web layer never sees the outcome's
 * reason in its answer). Requests are rows in reset_requests, so every node counts the same
 * limits; counting and sending run in one write transaction, so two nodes cannot both slip
 * under a limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "internal.h"

struct support_config support_config = {
    .reset_link_s = 1800,
    .welcome_link_s = 7 * 86400,
    .reset_per_account_hour = 3,
    .reset_per_ip_hour = 10,
    .impersonation_s = 3600,
};

#define LINK_INVALID                                                                               \
    "This link has expired or has already been used. Ask for a new one: choose \"Forgot your "     \
    "password?\" on the sign-in page."
#define NO_SITE_ADDRESS                                                                            \
    "Set the site address in Settings (Mail) first, so that the link in the message points to this site."
#define MAX_ACCOUNTS_PER_EMAIL 5
#define HOUR 3600
#define REQUESTS_KEPT_S 86400

static const char *purpose_name(enum signin_link_purpose purpose)
{
    return purpose == SIGNIN_LINK_WELCOME ? "welcome" : "reset";
}

static int64_t purpose_life(enum signin_link_purpose purpose)
{
    return purpose == SIGNIN_LINK_WELCOME ? support_config.welcome_link_s : support_config.reset_link_s;
}

static char *target_of(char buf[32], int64_t id)
{
    snprintf(buf, 32, "user:%lld", (long long)id);
    return buf;
}

/* Client-supplied text (the address) as a bounded printable ASCII copy. */
static void clip(char *out, size_t out_len, const char *in)
{
    size_t k = 0;
    for (const char *s = in ? in : ""; *s && k + 1 < out_len; s++) {
        unsigned char c = (unsigned char)*s;
        out[k++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
    }
    out[k] = '\0';
}

static bool is_token(const char *t)
{
    if (!t || strlen(t) != 64) return false;
    for (; *t; t++)
        if (!((*t >= '0' && *t <= '9') || (*t >= 'a' && *t <= 'f'))) return false;
    return true;
}

/* Sets failures_reset_id past every attempt so far: the lockout count starts again. */
#define CLEAR_LOCK "locked_until = 0, failures_reset_id = (SELECT COALESCE(MAX(id), 0) FROM signin_attempts)"

/* ---- Links ---- */

/* Issues the link (as signin_link_issue) and says its row id, which the message names. */
static lerr issue_link(struct db *db, int64_t user_id, enum signin_link_purpose purpose, int64_t actor_id,
                       const char *ip, char token_out[65], int64_t *link_id, struct problem *p)
{
    random_hex(token_out, 32);
    char hash[65], ipc[64];
    sha256_hex(token_out, 64, hash);
    clip(ipc, sizeof ipc, ip);
    int64_t now = time_now(), expires = now + purpose_life(purpose);
    if (db_tx_begin(db)) {
        sodium_memzero(token_out, 65);
        return model_db_problem(p);
    }
    /* Only the newest message counts: older unused links stop working. */
    lerr e = db_run(db, "UPDATE signin_links SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL", "ii",
                    user_id, now);
    if (!e)
        e = db_query_int(db, link_id,
                         "INSERT INTO signin_links (token_hash, user_id, purpose, created_at, expires_at, "
                         "requested_by, ip) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                         "sisiiis", (const char *)hash, user_id, purpose_name(purpose), now, expires, actor_id,
                         ip ? (const char *)ipc : NULL);
    if (!e) {
        char t[32], iso[21];
        time_iso8601(expires, iso);
        json_t *d = json_pack("{s:s, s:s, s:s?}", "purpose", purpose_name(purpose), "expires_at", iso, "ip",
                              ip ? (const char *)ipc : NULL);
        e = audit_append(db, actor_id, "user.signin_link", target_of(t, user_id), d);
        json_decref(d);
    }
    if (e) e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (e) sodium_memzero(token_out, 65);
    return e;
}

lerr signin_link_issue(struct db *db, int64_t user_id, enum signin_link_purpose purpose,
                       int64_t actor_id, const char *ip, char token_out[65], struct problem *p)
{
    int64_t link_id = 0;
    return issue_link(db, user_id, purpose, actor_id, ip, token_out, &link_id, p);
}

lerr signin_link_mint(struct db *db, struct arena *a, int64_t link_id, const char **url_out, struct problem *p)
{
    *url_out = NULL;
    const char *base = mail_base_url(db, a);
    if (!base)
        return problem_set(p, LE_INVALID, "site_url", NO_SITE_ADDRESS);
    char token[65], hash[65];
    random_hex(token, 32);
    sha256_hex(token, 64, hash);
    int64_t now = time_now(), minted = 0;
    /* The new hash replaces the one the link was issued with (or minted with by an earlier
     * attempt at sending, which did not reach the person). */
    lerr e = db_query_int(db, &minted,
                          "UPDATE signin_links SET token_hash = ?2 WHERE id = ?1 AND used_at IS NULL "
                          "AND expires_at > ?3 AND user_id IN (SELECT id FROM users WHERE status = 'active') "
                          "RETURNING id",
                          "isi", link_id, (const char *)hash, now);
    if (e == LE_NOTFOUND)
        e = problem_set(p, LE_CONFLICT, "link_id",
                        "Not sent: the link was replaced by a newer one, used or expired before the message "
                        "went out.");
    else if (e)
        e = model_db_problem(p);
    else
        *url_out = arena_sprintf(a, "%s/reset-password?token=%s", base, token);
    sodium_memzero(token, sizeof token);
    return e;
}

/* Checks the account, issues the link and queues its message, in one transaction. */
static lerr send_link(struct db *db, struct arena *a, const struct user *u, enum signin_link_purpose purpose,
                      int64_t actor_id, const char *ip, int64_t *outbox_id, struct problem *p)
{
    if (strcmp(u->status, "active") != 0)
        return problem_set(p, LE_CONFLICT, "", "The account '%s' is suspended; reactivate it before sending a link.",
                           u->username);
    if (!u->email || !*u->email)
        return problem_set(p, LE_CONFLICT, "email",
                           "'%s' has no email address; add one first, or set a temporary password.", u->username);
    if (!mail_base_url(db, a)) return problem_set(p, LE_CONFLICT, "site_url", NO_SITE_ADDRESS);
    if (db_tx_begin(db)) return model_db_problem(p);
    /* The token issued here is never shown: the sender mints the one the message carries. */
    char token[65];
    int64_t link_id = 0;
    lerr e = issue_link(db, u->id, purpose, actor_id, ip, token, &link_id, p);
    sodium_memzero(token, sizeof token);
    if (!e) {
        int64_t life = purpose_life(purpose);
        json_t *d = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "link_id", (json_int_t)link_id, "purpose",
                              purpose_name(purpose), "username", u->username, "first_name", u->first_name,
                              "last_name", u->last_name, "valid_minutes", (json_int_t)(life / 60), "valid_hours",
                              (json_int_t)(life / 3600), "valid_days", (json_int_t)(life / 86400));
        e = notify_send(db, purpose == SIGNIN_LINK_WELCOME ? "signin_link" : "password_reset", u->id, u->email, d,
                        NULL, outbox_id, p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr signin_link_send(struct db *db, int64_t user_id, enum signin_link_purpose purpose,
                      int64_t actor_id, int64_t *outbox_id, struct problem *p)
{
    if (outbox_id) *outbox_id = 0;
    struct arena *a = arena_new(2048);
    struct user u;
    lerr e = user_get(db, a, user_id, &u, p);
    if (!e) e = send_link(db, a, &u, purpose, actor_id, NULL, outbox_id, p);
    arena_free(a);
    return e;
}

lerr signin_link_check(struct db *db, struct arena *a, const char *token, struct signin_link *out,
                       struct problem *p)
{
    memset(out, 0, sizeof *out);
    if (!is_token(token)) return problem_set(p, LE_INVALID, "token", LINK_INVALID);
    char hash[65];
    sha256_hex(token, 64, hash);
    struct db_stmt *st = db_query(db,
                                  "SELECT l.id, l.user_id, l.purpose, l.expires_at, l.used_at, u.username, "
                                  "u.first_name, u.last_name, u.status FROM signin_links l "
                                  "JOIN users u ON u.id = l.user_id WHERE l.token_hash = ?1",
                                  "s", (const char *)hash);
    int rc = db_step(st);
    bool live = false;
    if (rc == DB_ROW) {
        const char *status = db_col_text(st, 8);
        live = db_col_is_null(st, 4) && db_col_int(st, 3) > time_now() && status && strcmp(status, "active") == 0;
        if (live) {
            out->id = db_col_int(st, 0);
            out->user_id = db_col_int(st, 1);
            out->purpose = arena_strdup(a, db_col_text(st, 2));
            out->expires_at = db_col_int(st, 3);
            out->username = arena_strdup(a, db_col_text(st, 5));
            out->first_name = arena_strdup(a, db_col_text(st, 6) ? db_col_text(st, 6) : "");
            out->last_name = arena_strdup(a, db_col_text(st, 7) ? db_col_text(st, 7) : "");
        }
    }
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return model_db_problem(p);
    if (!live) return problem_set(p, LE_INVALID, "token", LINK_INVALID);
    return LE_OK;
}

lerr signin_link_use(struct db *db, const char *token, const char *new_password, const char *ip,
                     int64_t *user_id_out, struct problem *p)
{
    if (user_id_out) *user_id_out = 0;
    struct arena *a = arena_new(2048);
    struct signin_link l;
    lerr e = signin_link_check(db, a, token, &l, p);
    if (!e) e = password_check_policy(new_password, l.username, p);
    char hash[128] = "";
    if (!e && password_hash(new_password, hash, sizeof hash))
        e = problem_set(p, LE_NOMEM, "", "The server is short of memory; try again.");
    if (e) {
        arena_free(a);
        return e;
    }
    char ipc[64];
    clip(ipc, sizeof ipc, ip);
    int64_t now = time_now();
    if (db_tx_begin(db)) {
        arena_free(a);
        return model_db_problem(p);
    }
    /* Claim the link under the write lock: of two uses at once, one wins. */
    struct db_stmt *st = db_query(db,
                                  "UPDATE signin_links SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL "
                                  "AND expires_at > ?2 RETURNING id",
                                  "ii", l.id, now);
    int rc = db_step(st);
    db_done(st);
    if (rc == DB_DONE)
        e = problem_set(p, LE_INVALID, "token", LINK_INVALID);
    else if (rc != DB_ROW)
        e = model_db_problem(p);
    if (!e && db_run(db, "UPDATE signin_links SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL", "ii",
                     l.user_id, now))
        e = model_db_problem(p);
    if (!e && db_run(db,
                     "UPDATE users SET password_hash = ?2, must_change_password = 0, " CLEAR_LOCK
                     ", updated_at = ?3 WHERE id = ?1",
                     "isi", l.user_id, (const char *)hash, now))
        e = model_db_problem(p);
    /* Whoever was signed in with the old password is signed out. */
    if (!e && session_end_all(db, l.user_id)) e = model_db_problem(p);
    if (!e) {
        char t[32];
        json_t *d = json_pack("{s:s, s:s?}", "purpose", l.purpose, "ip", ip ? (const char *)ipc : NULL);
        if (audit_append(db, l.user_id, "user.password_reset_by_link", target_of(t, l.user_id), d))
            e = model_db_problem(p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e && user_id_out) *user_id_out = l.user_id;
    sodium_memzero(hash, sizeof hash);
    arena_free(a);
    return e;
}

json_t *signin_links_json(struct db *db, int64_t user_id, int n)
{
    json_t *items = json_array();
    struct db_stmt *st = db_query(db,
                                  "SELECT l.purpose, l.created_at, l.expires_at, l.used_at, u.username "
                                  "FROM signin_links l LEFT JOIN users u ON u.id = l.requested_by "
                                  "WHERE l.user_id = ?1 ORDER BY l.id DESC LIMIT ?2",
                                  "ii", user_id, (int64_t)n);
    if (!st) return items;
    int64_t now = time_now();
    while (db_step(st) == DB_ROW) {
        char created[21], expires[21], used[21] = "";
        time_iso8601(db_col_int(st, 1), created);
        time_iso8601(db_col_int(st, 2), expires);
        bool is_used = !db_col_is_null(st, 3);
        if (is_used) time_iso8601(db_col_int(st, 3), used);
        const char *state = is_used ? "used" : db_col_int(st, 2) <= now ? "expired" : "active";
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:o, s:s, s:s?}", "purpose", db_col_text(st, 0),
                                               "created_at", created, "expires_at", expires, "used_at",
                                               is_used ? json_string(used) : json_null(), "state", state,
                                               "requested_by", db_col_text(st, 4)));
    }
    db_done(st);
    return items;
}

/* ---- Forgot password ---- */

struct account {
    int64_t id;
    char status[16];
    bool has_email;
};

/* The accounts a login names: the username, or else the accounts with that email address. */
static int find_accounts(struct db *db, const char *login, struct account *out, int max)
{
    char name[256];
    while (*login == ' ' || *login == '\t') login++;
    size_t n = strlen(login);
    while (n && (login[n - 1] == ' ' || login[n - 1] == '\t')) n--;
    if (n == 0 || n >= sizeof name) return 0;
    for (size_t i = 0; i < n; i++) name[i] = (login[i] >= 'A' && login[i] <= 'Z') ? (char)(login[i] - 'A' + 'a') : login[i];
    name[n] = '\0';
    int k = 0;
    for (int pass = 0; pass < 2 && k == 0; pass++) {
        struct db_stmt *st =
            pass == 0 ? db_query(db, "SELECT id, status, email FROM users WHERE username = ?1", "s", (const char *)name)
                      : db_query(db,
                                 "SELECT id, status, email FROM users WHERE email <> '' AND lower(email) = ?1 "
                                 "ORDER BY id LIMIT ?2",
                                 "si", (const char *)name, (int64_t)max);
        int rc;
        while ((rc = db_step(st)) == DB_ROW && k < max) {
            out[k].id = db_col_int(st, 0);
            snprintf(out[k].status, sizeof out[k].status, "%s", db_col_text(st, 1) ? db_col_text(st, 1) : "");
            out[k].has_email = db_col_text(st, 2) && *db_col_text(st, 2);
            k++;
        }
        db_done(st);
        if (rc != DB_ROW && rc != DB_DONE) return -1;
    }
    return k;
}

static lerr record_request(struct db *db, int64_t now, const char *ip, int64_t user_id, const char *outcome)
{
    struct db_stmt *st = db_prepare(db, "INSERT INTO reset_requests (at, ip, user_id, outcome) VALUES (?1, ?2, ?3, ?4)");
    if (!st) return LE_DB;
    db_bind_int(st, 1, now);
    db_bind_text(st, 2, ip);
    if (user_id)
        db_bind_int(st, 3, user_id);
    else
        db_bind_null(st, 3);
    db_bind_text(st, 4, outcome);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? LE_OK : LE_DB;
}

/* Requests from one address within the hour (those refused for the limit not counted), and
 * when the oldest of them leaves the hour. */
static lerr address_requests(struct db *db, const char *ip, int64_t now, int64_t *n, int64_t *oldest)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM reset_requests WHERE ip = ?1 AND at > ?2 "
                                  "AND outcome <> 'ip_limited'",
                                  "si", ip, now - HOUR);
    int rc = db_step(st);
    *n = rc == DB_ROW ? db_col_int(st, 0) : 0;
    *oldest = rc == DB_ROW ? db_col_int(st, 1) : 0;
    db_done(st);
    return rc == DB_ROW ? LE_OK : LE_DB;
}

/* Sends a link to each matching account that may have one, recording every outcome. */
static lerr answer_accounts(struct db *db, struct arena *a, const struct account *acc, int n, const char *ipc,
                            int64_t now, const char **outcome)
{
    lerr e = LE_OK;
    for (int i = 0; !e && i < n; i++) {
        const char *what;
        int64_t sent = 0;
        if (strcmp(acc[i].status, "active") != 0) {
            what = "suspended";
        } else if (!acc[i].has_email) {
            what = "no_email";
        } else if ((e = db_query_int(db, &sent,
                                     "SELECT COUNT(*) FROM reset_requests WHERE user_id = ?1 AND outcome = 'sent' "
                                     "AND at > ?2",
                                     "ii", acc[i].id, now - HOUR))) {
            break;
        } else if (sent >= support_config.reset_per_account_hour) {
            what = "account_limited";
            log_info("forgot password: account %lld was sent %lld links within the hour; nothing sent",
                     (long long)acc[i].id, (long long)sent);
        } else {
            struct user u;
            struct problem sp = {0};
            what = "sent";
            lerr se = user_get(db, a, acc[i].id, &u, &sp);
            if (!se) se = send_link(db, a, &u, SIGNIN_LINK_RESET, 0, ipc, NULL, &sp);
            if (se == LE_CONFLICT) {
                /* The site cannot send links (no site address): the person is told the same. */
                what = "failed";
                log_error("forgot password: cannot send a link to account %lld: %s", (long long)acc[i].id, sp.message);
            } else if (se) {
                e = se;
                break;
            }
        }
        if (i == 0) *outcome = what;
        e = record_request(db, now, ipc, acc[i].id, what);
    }
    return e;
}

lerr password_reset_request(struct db *db, const char *login, const char *ip, const char **outcome,
                            int64_t *retry_after_s, struct problem *p)
{
    const char *dummy;
    if (!outcome) outcome = &dummy;
    *outcome = "unknown";
    int64_t wait_s = 0;
    char ipc[64];
    clip(ipc, sizeof ipc, ip ? ip : "unknown");
    struct account acc[MAX_ACCOUNTS_PER_EMAIL];
    int n = find_accounts(db, login ? login : "", acc, MAX_ACCOUNTS_PER_EMAIL);
    if (n < 0) return model_db_problem(p);
    struct arena *a = arena_new(2048);
    int64_t now = time_now();
    if (db_tx_begin(db)) {
        arena_free(a);
        return model_db_problem(p);
    }
    lerr e = db_run(db, "DELETE FROM reset_requests WHERE at < ?1", "i", now - REQUESTS_KEPT_S) ? LE_DB : LE_OK;
    int64_t from_ip = 0, oldest = 0;
    if (!e) e = address_requests(db, ipc, now, &from_ip, &oldest);
    if (!e && from_ip >= support_config.reset_per_ip_hour) {
        /* The address is told to wait: that says nothing about any account. */
        *outcome = "ip_limited";
        e = record_request(db, now, ipc, n > 0 ? acc[0].id : 0, *outcome);
        log_info("forgot password: address %s made %lld requests within the hour; nothing sent", ipc,
                 (long long)from_ip);
        wait_s = oldest + HOUR - now > 0 ? oldest + HOUR - now : 1;
        if (!e) e = LE_RATELIMIT;
    } else if (!e && n == 0) {
        e = record_request(db, now, ipc, 0, "unknown");
    }
    if (!e && from_ip < support_config.reset_per_ip_hour) e = answer_accounts(db, a, acc, n, ipc, now, outcome);
    if (retry_after_s) *retry_after_s = wait_s;
    if (e == LE_RATELIMIT) {
        /* Kept: the refusal counts nothing, but it is on record. */
        if (db_tx_end(db, LE_OK))
            e = model_db_problem(p);
        else
            problem_set(p, LE_RATELIMIT, "", "Too many requests from your address. Wait %lld minutes and try again.",
                        (long long)((wait_s + 59) / 60));
        arena_free(a);
        return e;
    }
    if (e) e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    arena_free(a);
    return e;
}

/* ---- Temporary password ---- */

lerr user_set_temporary_password(struct db *db, int64_t id, const char *password, int64_t actor_id,
                                 struct problem *p)
{
    struct arena *a = arena_new(2048);
    struct user u;
    lerr e = user_get(db, a, id, &u, p);
    if (!e) e = password_check_policy(password, u.username, p);
    char hash[128] = "";
    if (!e && password_hash(password, hash, sizeof hash))
        e = problem_set(p, LE_NOMEM, "", "The server is short of memory; try again.");
    arena_free(a);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    int64_t now = time_now();
    if (db_run(db,
               "UPDATE users SET password_hash = ?2, must_change_password = 1, " CLEAR_LOCK
               ", updated_at = ?3 WHERE id = ?1",
               "isi", id, (const char *)hash, now))
        e = model_db_problem(p);
    if (!e && session_end_all(db, id)) e = model_db_problem(p);
    if (!e && db_run(db, "UPDATE signin_links SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL", "ii", id,
                     now))
        e = model_db_problem(p);
    if (!e) {
        char t[32];
        json_t *d = json_pack("{s:b, s:s}", "must_change_password", 1, "how", "typed");
        if (audit_append(db, actor_id, "user.password_temporary", target_of(t, id), d)) e = model_db_problem(p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    sodium_memzero(hash, sizeof hash);
    return e;
}

/* ---- Log in as ---- */

lerr impersonation_start(struct db *db, int64_t admin_id, int64_t target_id, int64_t end_session_id,
                         const char *ip, const char *user_agent, struct session_new *out,
                         struct problem *p)
{
    memset(out, 0, sizeof *out);
    if (admin_id == target_id)
        return problem_set(p, LE_FORBIDDEN, "", "You cannot log in as yourself.");
    struct arena *a = arena_new(2048);
    struct user target, admin;
    lerr e = user_get(db, a, target_id, &target, p);
    if (!e && user_get(db, a, admin_id, &admin, p)) e = LE_FORBIDDEN;
    if (!e && (!role_has_cap(admin.roles, CAP_USERS_IMPERSONATE) || strcmp(admin.status, "active") != 0))
        e = problem_set(p, LE_FORBIDDEN, "", "Only an active administrator may log in as someone else.");
    if (!e && !impersonation_target_allowed(target.roles))
        e = problem_set(p, LE_FORBIDDEN, "",
                        "'%s' is an administrator; logging in as another administrator is never allowed.",
                        target.username);
    if (!e && strcmp(target.status, "active") != 0)
        e = problem_set(p, LE_CONFLICT, "", "'%s' is suspended; reactivate the account to log in as them.",
                        target.username);
    if (e) {
        arena_free(a);
        return e;
    }
    if (db_tx_begin(db)) {
        arena_free(a);
        return model_db_problem(p);
    }
    int64_t now = time_now();
    int64_t life = support_config.impersonation_s < auth_config.session_absolute_s ? support_config.impersonation_s
                                                                                  : auth_config.session_absolute_s;
    e = session_create(db, target_id, ip, user_agent, out);
    char hash[65];
    if (!e) {
        sha256_hex(out->token, 64, hash);
        e = db_run(db, "UPDATE sessions SET impersonator_id = ?2, expires_at = ?3 WHERE token_hash = ?1", "sii",
                   (const char *)hash, admin_id, now + life);
    }
    if (!e && end_session_id) e = session_end(db, end_session_id, admin_id);
    if (!e) {
        char t[32], ipc[64];
        clip(ipc, sizeof ipc, ip);
        json_t *d = json_pack("{s:s, s:s, s:s?}", "username", target.username, "by", admin.username, "ip",
                              ip ? (const char *)ipc : NULL);
        e = audit_append(db, admin_id, "auth.impersonate_start", target_of(t, target_id), d);
        json_decref(d);
    }
    if (e) e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (e) memset(out, 0, sizeof *out);
    out->must_change_password = false;
    log_info("auth: administrator %lld logged in as user %lld", (long long)admin_id, (long long)target_id);
    arena_free(a);
    return e;
}

bool impersonation_target_allowed(unsigned roles)
{
    return !(roles & ROLE_ADMIN) && !role_has_cap(roles, CAP_USERS_IMPERSONATE);
}

const char *impersonation_end_reason(bool admin_active, unsigned admin_roles, unsigned target_roles)
{
    if (!admin_active) return IMPERSONATION_ENDED_ADMIN_SUSPENDED;
    if (!role_has_cap(admin_roles, CAP_USERS_IMPERSONATE)) return IMPERSONATION_ENDED_ADMIN_CAPABILITY;
    if (!impersonation_target_allowed(target_roles)) return IMPERSONATION_ENDED_TARGET_PRIVILEGED;
    return NULL;
}

/* Ends the open impersonation session_id for reason ("" = by its holder) and audits it, in
 * the caller's transaction. *admin_id: the administrator, 0 when the session is not an open
 * impersonation (nothing is written then). */
static lerr close_impersonation(struct db *db, int64_t session_id, const char *reason, int64_t *admin_id)
{
    *admin_id = 0;
    struct db_stmt *st = db_query(db,
                                  "SELECT s.user_id, s.impersonator_id, u.username FROM sessions s "
                                  "JOIN users u ON u.id = s.user_id WHERE s.id = ?1 AND s.ended_at IS NULL",
                                  "i", session_id);
    int rc = db_step(st);
    int64_t user_id = 0;
    char username[128] = "";
    if (rc == DB_ROW) {
        user_id = db_col_int(st, 0);
        *admin_id = db_col_is_null(st, 1) ? 0 : db_col_int(st, 1);
        snprintf(username, sizeof username, "%s", db_col_text(st, 2) ? db_col_text(st, 2) : "");
    }
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return LE_DB;
    if (!*admin_id) return LE_OK;
    if (db_run(db, "UPDATE sessions SET ended_at = ?2, end_reason = ?3 WHERE id = ?1", "iis", session_id, time_now(),
               reason))
        return LE_DB;
    char t[32];
    json_t *d = *reason ? json_pack("{s:s, s:s}", "username", username, "reason", reason)
                        : json_pack("{s:s}", "username", username);
    lerr e = audit_append(db, *admin_id, "auth.impersonate_end", target_of(t, user_id), d) ? LE_DB : LE_OK;
    json_decref(d);
    return e;
}

lerr impersonation_end(struct db *db, int64_t session_id, int64_t *admin_id_out, struct problem *p)
{
    if (admin_id_out) *admin_id_out = 0;
    if (db_tx_begin(db)) return model_db_problem(p);
    int64_t admin_id = 0;
    lerr e = close_impersonation(db, session_id, "", &admin_id) ? model_db_problem(p) : LE_OK;
    if (!e && !admin_id) e = problem_set(p, LE_CONFLICT, "", "You are not logged in as someone else.");
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e && admin_id_out) *admin_id_out = admin_id;
    return e;
}

lerr impersonation_close(struct db *db, int64_t session_id, const char *reason)
{
    if (db_tx_begin(db)) return LE_DB;
    int64_t admin_id;
    lerr e = close_impersonation(db, session_id, reason, &admin_id);
    if (db_tx_end(db, e) && !e) e = LE_DB;
    if (!e && admin_id)
        log_info("auth: the log-in-as session %lld ended (%s)", (long long)session_id, reason);
    return e;
}

lerr impersonations_end_by(struct db *db, int64_t admin_id)
{
    if (db_tx_begin(db)) return LE_DB;
    lerr e = LE_OK;
    int n;
    do { /* a hundred at a time: an administrator has few open at once */
        struct db_stmt *st = db_query(db,
                                      "SELECT id FROM sessions WHERE impersonator_id = ?1 AND ended_at IS NULL "
                                      "ORDER BY id LIMIT 100",
                                      "i", admin_id);
        int64_t ids[100], found;
        int rc;
        for (n = 0; n < 100 && (rc = db_step(st)) == DB_ROW; n++) ids[n] = db_col_int(st, 0);
        db_done(st);
        if (n < 100 && rc != DB_DONE) e = LE_DB;
        for (int i = 0; i < n && !e; i++)
            e = close_impersonation(db, ids[i], IMPERSONATION_ENDED_ADMIN_SIGNED_OUT, &found);
    } while (!e && n == 100);
    if (db_tx_end(db, e) && !e) e = LE_DB;
    return e;
}

/* ---- "Cannot sign in?" ---- */

lerr signin_help_get(struct db *db, struct arena *a, const char **text)
{
    *text = "";
    struct db_stmt *st = db_query(db, "SELECT value FROM settings WHERE key = 'signin_help.contact'", "");
    int rc = db_step(st);
    if (rc == DB_ROW && db_col_text(st, 0)) *text = arena_strdup(a, db_col_text(st, 0));
    db_done(st);
    return rc == DB_ROW || rc == DB_DONE ? LE_OK : LE_DB;
}

lerr signin_help_set(struct db *db, const char *text, int64_t actor_id, struct problem *p)
{
    const char *in = text ? text : "";
    size_t n = strlen(in), chars = 0;
    if (!utf8_valid(in, n))
        return problem_set(p, LE_INVALID, "contact_text", "The text contains bytes that are not valid UTF-8.");
    char *clean = malloc(n + 1);
    if (!clean) return problem_set(p, LE_NOMEM, "", "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '\r') continue; /* CRLF from a form becomes LF */
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
            free(clean);
            return problem_set(p, LE_INVALID, "contact_text", "The text contains control characters; use plain text.");
        }
        if ((c & 0xC0) != 0x80) chars++;
        clean[k++] = (char)c;
    }
    while (k && (clean[k - 1] == '\n' || clean[k - 1] == ' ' || clean[k - 1] == '\t')) k--;
    clean[k] = '\0';
    if (chars > SIGNIN_HELP_MAX) {
        free(clean);
        return problem_set(p, LE_INVALID, "contact_text", "Use at most %d characters.", SIGNIN_HELP_MAX);
    }
    lerr e = db_tx_begin(db) ? LE_DB : LE_OK;
    if (!e) {
        e = db_run(db,
                   "INSERT INTO settings (key, value) VALUES ('signin_help.contact', ?1) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                   "s", (const char *)clean);
        json_t *d = json_pack("{s:I}", "length", (json_int_t)chars);
        if (!e) e = audit_append(db, actor_id, "settings.signin_help", "settings", d);
        json_decref(d);
        if (db_tx_end(db, e) && !e) e = LE_DB;
    }
    free(clean);
    return e ? model_db_problem(p) : LE_OK;
}
