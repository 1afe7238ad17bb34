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

lerr session_lookup(struct db *db, struct arena *a, const char *token, struct session_user *out)
{
    memset(out, 0, sizeof *out);
    if (!is_token(token)) return LE_AUTH;
    char token_hash[65];
    sha256_hex(token, 64, token_hash);
    /* The version first, then the rows: rows read after it are at least as new as it is. */
    int64_t version = 0;
    bool cacheable = db_query_int(db, &version, "SELECT version FROM auth_version WHERE id = 1", "") == LE_OK;
    int64_t now = time_now();
    if (cacheable && session_cache_get(token_hash, version, now, auth_config.session_idle_s, TOUCH_INTERVAL_S, a, out))
        return LE_OK;
    struct db_stmt *st = db_query(db,
                                  "SELECT s.id, s.user_id, s.csrf, s.last_seen_at, s.expires_at, s.ended_at, "
                                  "u.username, u.first_name, u.last_name, u.roles, u.must_change_password, "
                                  "u.status, s.impersonator_id, iu.username, iu.first_name, iu.last_name, "
                                  "u.timezone "
                                  "FROM sessions s JOIN users u ON u.id = s.user_id "
                                  "LEFT JOIN users iu ON iu.id = s.impersonator_id "
                                  "WHERE s.token_hash = ?1",
                                  "s", (const char *)token_hash);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        if (rc != DB_DONE) return LE_DB;
        session_cache_forget(token_hash);
        return LE_AUTH;
    }
    int64_t last_seen = db_col_int(st, 3), expires = db_col_int(st, 4);
    const char *status = db_col_text(st, 11);
    bool live = db_col_is_null(st, 5) && now < expires && now - last_seen < auth_config.session_idle_s &&
                status && strcmp(status, "active") == 0;
    if (live) {
        out->session_id = db_col_int(st, 0);
        out->user_id = db_col_int(st, 1);
        out->csrf = arena_strdup(a, db_col_text(st, 2));
        out->username = arena_strdup(a, db_col_text(st, 6));
        out->first_name = arena_strdup(a, db_col_text(st, 7));
        out->last_name = arena_strdup(a, db_col_text(st, 8));
        out->roles = (unsigned)db_col_int(st, 9);
        out->must_change_password = db_col_int(st, 10) != 0;
        out->timezone = arena_strdup(a, db_col_text(st, 16) ? db_col_text(st, 16) : "");
        /* "Log in as" (support.c): the administrator behind the session, for the banner. */
        if (!db_col_is_null(st, 12) && db_col_text(st, 13)) {
            const char *first = db_col_text(st, 14) ? db_col_text(st, 14) : "";
            const char *last = db_col_text(st, 15) ? db_col_text(st, 15) : "";
            out->impersonator_id = db_col_int(st, 12);
            out->impersonator_name = (*first || *last) ? arena_sprintf(a, "%s%s%s", first, *first && *last ? " " : "", last)
                                                       : arena_strdup(a, db_col_text(st, 13));
        }
    }
    db_done(st);
    if (!live) {
        session_cache_forget(token_hash);
        return LE_AUTH;
    }
    if (now - last_seen >= TOUCH_INTERVAL_S) {
        if (db_run(db, "UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1", "ii", out->session_id, now))
            log_error("session: cannot update last_seen_at of session %lld", (long long)out->session_id);
        else
            last_seen = now;
    }
    if (cacheable) session_cache_put(token_hash, version, last_seen, expires, now, out);
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
