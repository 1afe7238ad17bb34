/* Sessions: a 256-bit random bearer token (cookie or API), stored only as its SHA-256, with
 * idle and absolute expiry. Lookup touches last_seen_at at most once a minute so that a busy
 * page does not turn every request into a write, and answers from memory (session_cache.c)
 * while the database's auth_version says nothing that lookup reads has changed. */
#include <stdio.h>
#include <string.h>
#include "internal.h"

#define TOUCH_INTERVAL_S 60

/* Client-supplied text (ip, user agent) kept to a bounded, valid-UTF-8 copy. */
static void clip_text(char *out, size_t out_len, const char *in)
{
    size_t k = 0;
    for (const char *s = in ? in : ""; *s && k + 1 < out_len; s++) {
        unsigned char c = (unsigned char)*s;
        out[k++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c; /* ASCII only: headers are ASCII */
    }
    out[k] = '\0';
}

lerr session_create(struct db *db, int64_t user_id, const char *ip, const char *user_agent,
                    struct session_new *out)
{
    memset(out, 0, sizeof *out);
    random_hex(out->token, 32);
    random_hex(out->csrf, 32);
    out->user_id = user_id;
    char token_hash[65], ipc[64], uac[512];
    sha256_hex(out->token, 64, token_hash);
    clip_text(ipc, sizeof ipc, ip);
    clip_text(uac, sizeof uac, user_agent);
    int64_t now = time_now();
    lerr e = db_run(db,
                    "INSERT INTO sessions (token_hash, csrf, user_id, created_at, last_seen_at, "
                    "expires_at, ip, user_agent) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)",
                    "ssiiiss", (const char *)token_hash, (const char *)out->csrf, user_id, now,
                    now + auth_config.session_absolute_s, ip ? (const char *)ipc : NULL,
                    user_agent ? (const char *)uac : NULL);
    if (e) memset(out, 0, sizeof *out);
    return e ? LE_DB : LE_OK;
}

static bool is_token(const char *t)
{
    if (!t || strlen(t) != 64) return false;
    for (; *t; t++)
        if (!((*t >= '0' && *t <= '9') || (*t >= 'a' && *t <= 'f'))) return false;
    return true;
}

/* The session row and its people, as session_lookup reads them. */
struct session_row {
    int64_t last_seen, expires;
    bool ended, active;
    bool impersonated, impersonator_active;
    unsigned impersonator_roles;
    const char *end_reason;
};

#define SESSION_SELECT                                                                             \
    "SELECT s.id, s.user_id, s.csrf, s.last_seen_at, s.expires_at, s.ended_at, "                  \
    "u.username, u.first_name, u.last_name, u.roles, u.must_change_password, "                    \
    "u.status, s.impersonator_id, iu.username, iu.first_name, iu.last_name, "                     \
    "u.timezone, iu.status, iu.roles, s.end_reason, u.notifications_unread "                      \
    "FROM sessions s JOIN users u ON u.id = s.user_id "                                           \
    "LEFT JOIN users iu ON iu.id = s.impersonator_id "                                            \
    "WHERE s.token_hash = ?1"

static void read_row(struct db_stmt *st, struct arena *a, struct session_row *row, struct session_user *out)
{
    row->last_seen = db_col_int(st, 3);
    row->expires = db_col_int(st, 4);
    row->ended = !db_col_is_null(st, 5);
    row->active = db_col_text(st, 11) && strcmp(db_col_text(st, 11), "active") == 0;
    row->impersonated = !db_col_is_null(st, 12);
    row->impersonator_active = db_col_text(st, 17) && strcmp(db_col_text(st, 17), "active") == 0;
    row->impersonator_roles = (unsigned)db_col_int(st, 18);
    row->end_reason = arena_strdup(a, db_col_text(st, 19) ? db_col_text(st, 19) : "");
    out->session_id = db_col_int(st, 0);
    out->user_id = db_col_int(st, 1);
    out->csrf = arena_strdup(a, db_col_text(st, 2));
    out->username = arena_strdup(a, db_col_text(st, 6));
    out->first_name = arena_strdup(a, db_col_text(st, 7));
    out->last_name = arena_strdup(a, db_col_text(st, 8));
    out->roles = (unsigned)db_col_int(st, 9);
    out->must_change_password = db_col_int(st, 10) != 0;
    out->timezone = arena_strdup(a, db_col_text(st, 16) ? db_col_text(st, 16) : "");
    out->unread = db_col_int(st, 20);
    /* "Log in as" (support.c): the administrator behind the session, for the banner. */
    if (row->impersonated && db_col_text(st, 13)) {
        const char *first = db_col_text(st, 14) ? db_col_text(st, 14) : "";
        const char *last = db_col_text(st, 15) ? db_col_text(st, 15) : "";
        out->impersonator_id = db_col_int(st, 12);
        out->impersonator_name = (*first || *last) ? arena_sprintf(a, "%s%s%s", first, *first && *last ? " " : "", last)
                                                   : arena_strdup(a, db_col_text(st, 13));
    }
}

/* Whether the session may serve a request at now. A "log in as" session checks both people
 * on every lookup that reaches the database, which is every lookup after either of them
 * changed (their roles and status are under auth_version); when it may not go on, its end is
 * recorded once (impersonation_close) and out->impersonation_ended says why. */
static bool session_live(struct db *db, struct session_row *row, int64_t now, struct session_user *out)
{
    bool alive = !row->ended && now < row->expires && now - row->last_seen < auth_config.session_idle_s &&
                 row->active;
    if (!row->impersonated) return alive;
    const char *reason = row->ended ? row->end_reason : NULL;
    if (!row->ended) {
        reason = impersonation_end_reason(row->impersonator_active, row->impersonator_roles, out->roles);
        if (!reason && !alive) reason = row->active ? "expired" : "";
        if (reason && impersonation_close(db, out->session_id, reason))
            log_error("session: cannot record the end of session %lld", (long long)out->session_id);
    }
    if (!reason) return true;
    out->impersonation_ended = *reason ? reason : NULL;
    return false;
}

lerr session_lookup(struct db *db, struct arena *a, const char *token, struct session_user *out)
{
    memset(out, 0, sizeof *out);
    if (!is_token(token)) return LE_AUTH;
    char token_hash[65];
    sha256_hex(token, 64, token_hash);
    /* The version first, then the rows: rows read after it are at least as new as it is. */
    int64_t version = 0, shown = 0, notify = 0;
    struct db_stmt *vs = db_query(db, "SELECT version, shown_version, notify_version FROM auth_version WHERE id = 1", "");
    bool cacheable = vs && db_step(vs) == DB_ROW;
    if (cacheable) version = db_col_int(vs, 0), shown = db_col_int(vs, 1), notify = db_col_int(vs, 2);
    if (vs) db_done(vs);
    int64_t now = time_now();
    if (cacheable && session_cache_get(token_hash, version, now, auth_config.session_idle_s, TOUCH_INTERVAL_S, a, out)) {
        out->shown_version = shown;
        out->notify_version = notify;
        return LE_OK;
    }
    struct db_stmt *st = db_query(db, SESSION_SELECT, "s", (const char *)token_hash);
    int rc = db_step(st);
    struct session_row row = {0};
    if (rc == DB_ROW) read_row(st, a, &row, out);
    db_done(st);
    if (rc != DB_ROW) {
        if (rc != DB_DONE) return LE_DB;
        session_cache_forget(token_hash);
        return LE_AUTH;
    }
    if (!session_live(db, &row, now, out)) {
        const char *ended = out->impersonation_ended;
        memset(out, 0, sizeof *out);
        out->impersonation_ended = ended;
        session_cache_forget(token_hash);
        return LE_AUTH;
    }
    if (now - row.last_seen >= TOUCH_INTERVAL_S) {
        if (db_run(db, "UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1", "ii", out->session_id, now))
            log_error("session: cannot update last_seen_at of session %lld", (long long)out->session_id);
        else
            row.last_seen = now;
    }
    if (cacheable) out->unread_version = notify; /* the count was read after the version */
    if (cacheable) session_cache_put(token_hash, version, row.last_seen, row.expires, now, out);
    if (cacheable) out->shown_version = shown, out->notify_version = notify;
    return LE_OK;
}

lerr session_end(struct db *db, int64_t session_id, int64_t user_id)
{
    return db_run(db,
                  "UPDATE sessions SET ended_at = ?3 WHERE id = ?1 AND user_id = ?2 AND ended_at IS NULL",
                  "iii", session_id, user_id, time_now())
               ? LE_DB
               : LE_OK;
}

lerr session_end_all(struct db *db, int64_t user_id)
{
    return db_run(db, "UPDATE sessions SET ended_at = ?2 WHERE user_id = ?1 AND ended_at IS NULL",
                  "ii", user_id, time_now())
               ? LE_DB
               : LE_OK;
}
