/* The audit log: append-only and hash-chained, so a changed, removed or inserted row is found
 * by audit_verify (and `lectern audit verify`).
 *
 * Each row's hash is SHA-256 over the previous row's hash and the row's canonical content:
 *
 *     prev_hash "\n" id "|" at "|" actor_id "|" len(action) ":" action "|" len(target) ":" target
 *     "|" len(details) ":" details
 *
 * The length prefixes make the encoding unambiguous (an action containing '|' cannot shift
 * bytes into the target). The first row's prev_hash is 64 zeros. Ids are assigned here, one
 * above the last, so a deleted row leaves a gap. The head of the chain ("id hash") is kept in
 * settings under 'audit.head' in the same transaction, which reveals a removed or added tail.
 *
 * Appends from many connections, processes or nodes form one chain because an append runs in a
 * write transaction (db_tx_begin) and write transactions run one at a time on both engines:
 * BEGIN IMMEDIATE on SQLite, a cluster-wide advisory lock taken at BEGIN on PostgreSQL. The
 * SELECT of the last row below therefore always sees the previous append. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "internal.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

static void sha_add(crypto_hash_sha256_state *h, const char *s)
{
    crypto_hash_sha256_update(h, (const unsigned char *)s, strlen(s));
}

static void sha_field(crypto_hash_sha256_state *h, const char *s)
{
    char len[32];
    snprintf(len, sizeof len, "|%zu:", strlen(s));
    sha_add(h, len);
    sha_add(h, s);
}

static void entry_hash(const char *prev_hash, int64_t id, int64_t at, int64_t actor_id,
                       const char *action, const char *target, const char *details, char out[65])
{
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    char nums[96];
    snprintf(nums, sizeof nums, "\n%lld|%lld|%lld", (long long)id, (long long)at, (long long)actor_id);
    sha_add(&h, prev_hash);
    sha_add(&h, nums);
    sha_field(&h, action);
    sha_field(&h, target);
    sha_field(&h, details);
    unsigned char bin[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, bin);
    sodium_bin2hex(out, 65, bin, sizeof bin);
}

lerr audit_append(struct db *db, int64_t actor_id, const char *action, const char *target,
                  json_t *details)
{
    if (!action || !*action) return LE_INTERNAL;
    char *dtext = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (details && !dtext) return LE_NOMEM;
    const char *dt = dtext ? dtext : "";
    const char *tg = target ? target : "";

    lerr e = db_tx_begin(db);
    if (e) {
        json_text_free(dtext);
        return e;
    }
    int64_t last_id = 0;
    char prev[65] = ZERO_HASH;
    struct db_stmt *st = db_query(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", "");
    int rc = db_step(st);
    if (rc == DB_ROW) {
        last_id = db_col_int(st, 0);
        const char *h = db_col_text(st, 1);
        snprintf(prev, sizeof prev, "%s", h ? h : "");
    } else if (rc != DB_DONE) {
        e = LE_DB;
    }
    db_done(st);
    if (!e) {
        int64_t id = last_id + 1, at = time_now();
        char hash[65];
        entry_hash(prev, id, at, actor_id, action, tg, dt, hash);
        e = db_run(db,
                   "INSERT INTO audit_log (id, at, actor_id, action, target, details, prev_hash, hash) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                   "iiisssss", id, at, actor_id, action, tg, dt, (const char *)prev, (const char *)hash);
        if (!e) {
            char head[96];
            snprintf(head, sizeof head, "%lld %s", (long long)id, hash);
            e = db_run(db,
                       "INSERT INTO settings (key, value) VALUES ('audit.head', ?1) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       "s", (const char *)head);
        }
        if (e) e = LE_DB;
    }
    json_text_free(dtext);
    e = db_tx_end(db, e);
    if (e) log_error("audit: cannot append %s %s", action, tg);
    return e;
}

/* Bulk imports append thousands of entries in one transaction: the head is read once and
 * written once, instead of rewriting the 'audit.head' row per entry (on PostgreSQL each
 * rewrite leaves a row version that the next one steps over, which grows quadratically). */
/* At most 99 placeholders a statement (the PostgreSQL engine's ?1..?99): the time and the
 * actor are shared (?1, ?2), each row binds six more. */
#define AUDIT_BATCH ((99 - 2) / 6)

lerr audit_append_many(struct db *db, int64_t actor_id, const struct audit_entry *entries, size_t n)
{
    if (n == 0) return LE_OK;
    lerr e = db_tx_begin(db);
    if (e) return e;
    int64_t last_id = 0;
    char prev[65] = ZERO_HASH;
    struct db_stmt *st = db_query(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", "");
    int rc = db_step(st);
    if (rc == DB_ROW) {
        last_id = db_col_int(st, 0);
        const char *h = db_col_text(st, 1);
        snprintf(prev, sizeof prev, "%s", h ? h : "");
    } else if (rc != DB_DONE) {
        e = LE_DB;
    }
    db_done(st);
    /* Up to AUDIT_BATCH rows per INSERT: one round trip per batch on PostgreSQL. */
    int64_t at = time_now();
    struct buf sql;
    buf_init(&sql, 1 << 16);
    char (*hashes)[65] = calloc(AUDIT_BATCH, sizeof *hashes);
    char (*prevs)[65] = calloc(AUDIT_BATCH, sizeof *prevs);
    char **texts = calloc(AUDIT_BATCH, sizeof *texts);
    if (!hashes || !prevs || !texts) e = LE_NOMEM;
    for (size_t i = 0; i < n && !e;) {
        size_t nb = n - i < AUDIT_BATCH ? n - i : AUDIT_BATCH;
        buf_reset(&sql);
        buf_adds(&sql, "INSERT INTO audit_log (id, at, actor_id, action, target, details, prev_hash, hash) VALUES ");
        for (size_t k = 0; k < nb; k++) {
            int b = 2 + (int)k * 6;
            buf_addf(&sql, "%s(?%d, ?1, ?2, ?%d, ?%d, ?%d, ?%d, ?%d)", k ? ", " : "", b + 1, b + 2, b + 3,
                     b + 4, b + 5, b + 6);
        }
        struct db_stmt *ins = sql.data ? db_prepare(db, sql.data) : NULL;
        if (!ins) e = LE_DB;
        db_bind_int(ins, 1, at);
        db_bind_int(ins, 2, actor_id);
        for (size_t k = 0; k < nb && !e; k++) {
            const struct audit_entry *en = &entries[i + k];
            if (!en->action || !*en->action) {
                e = LE_INTERNAL;
                break;
            }
            texts[k] = en->details ? json_dumps(en->details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
            if (en->details && !texts[k]) {
                e = LE_NOMEM;
                break;
            }
            memcpy(prevs[k], prev, 65);
            entry_hash(prev, ++last_id, at, actor_id, en->action, en->target ? en->target : "",
                       texts[k] ? texts[k] : "", hashes[k]);
            memcpy(prev, hashes[k], 65);
            int b = 2 + (int)k * 6;
            db_bind_int(ins, b + 1, last_id);
            db_bind_text(ins, b + 2, en->action);
            db_bind_text(ins, b + 3, en->target ? en->target : "");
            db_bind_text(ins, b + 4, texts[k] ? texts[k] : "");
            db_bind_text(ins, b + 5, prevs[k]);
            db_bind_text(ins, b + 6, hashes[k]);
        }
        if (!e) {
            int step = db_step(ins);
            if (step != DB_DONE && step != DB_ROW) e = LE_DB;
        }
        if (ins) db_done(ins);
        for (size_t k = 0; k < nb; k++) {
            json_text_free(texts[k]);
            texts[k] = NULL;
        }
        i += nb;
    }
    buf_release(&sql);
    free(hashes);
    free(prevs);
    free(texts);
    if (!e) {
        char head[96];
        snprintf(head, sizeof head, "%lld %s", (long long)last_id, prev);
        e = db_run(db,
                   "INSERT INTO settings (key, value) VALUES ('audit.head', ?1) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                   "s", (const char *)head);
    }
    if (e && e != LE_INTERNAL && e != LE_NOMEM) e = LE_DB;
    e = db_tx_end(db, e);
    if (e) log_error("audit: cannot append %zu entries", n);
    return e;
}

static lerr verify_head(struct db *db, int64_t last_id, const char *last_hash, int64_t *bad_id,
                        struct problem *p)
{
    struct db_stmt *st = db_query(db, "SELECT value FROM settings WHERE key = 'audit.head'", "");
    int rc = db_step(st);
    long long head_id = 0;
    char head_hash[65] = "";
    bool have = false;
    if (rc == DB_ROW) {
        const char *v = db_col_text(st, 0);
        have = v && sscanf(v, "%lld %64s", &head_id, head_hash) == 2;
        if (!have) head_id = -1;
    }
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return problem_set(p, LE_DB, "", "cannot read the audit log head");
    if (!have) {
        if (last_id == 0 && rc == DB_DONE) return LE_OK; /* empty log, never written */
        *bad_id = last_id;
        return problem_set(p, LE_INVALID, "",
                           "the recorded head of the audit log is missing or damaged; the log "
                           "ends at entry %lld",
                           (long long)last_id);
    }
    if (last_id < head_id) {
        *bad_id = last_id + 1;
        if (last_id + 1 == head_id)
            return problem_set(p, LE_INVALID, "",
                               "entry %lld is missing: the log ends at entry %lld but its recorded "
                               "head is entry %lld (the end of the log was removed)",
                               head_id, (long long)last_id, head_id);
        return problem_set(p, LE_INVALID, "",
                           "entries %lld to %lld are missing: the log ends at entry %lld but its "
                           "recorded head is entry %lld (the end of the log was removed)",
                           (long long)last_id + 1, head_id, (long long)last_id, head_id);
    }
    if (last_id > head_id) {
        *bad_id = head_id + 1;
        return problem_set(p, LE_INVALID, "",
                           "entry %lld was not written by Lectern: the recorded head of the log is "
                           "entry %lld",
                           head_id + 1, head_id);
    }
    if (strcmp(last_hash, head_hash) != 0) {
        *bad_id = last_id;
        return problem_set(p, LE_INVALID, "",
                           "entry %lld does not match the recorded head of the log (it was replaced)",
                           (long long)last_id);
    }
    return LE_OK;
}

/* The chain and its head as one snapshot shows them. */
static lerr verify_snapshot(struct db *db, int64_t *bad_id, int64_t *n_checked, struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT id, at, actor_id, action, target, details, prev_hash, hash "
                                  "FROM audit_log ORDER BY id",
                                  "");
    if (!st) return problem_set(p, LE_DB, "", "cannot read the audit log");
    int64_t expect = 1;
    char prev[65] = ZERO_HASH;
    lerr e = LE_OK;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        const char *action = db_col_text(st, 3), *target = db_col_text(st, 4);
        const char *details = db_col_text(st, 5), *stored_prev = db_col_text(st, 6);
        const char *stored = db_col_text(st, 7);
        if (id != expect) {
            *bad_id = expect;
            if (id == expect + 1)
                e = problem_set(p, LE_INVALID, "", "entry %lld is missing (deleted): the log goes from entry %lld to entry %lld",
                                (long long)expect, (long long)expect - 1, (long long)id);
            else
                e = problem_set(p, LE_INVALID, "", "entries %lld to %lld are missing (deleted): the log goes from entry %lld to entry %lld",
                                (long long)expect, (long long)id - 1, (long long)expect - 1, (long long)id);
            break;
        }
        char h[65];
        entry_hash(stored_prev ? stored_prev : "", id, db_col_int(st, 1), db_col_int(st, 2),
                   action ? action : "", target ? target : "", details ? details : "", h);
        if (!stored || strcmp(h, stored) != 0) {
            *bad_id = id;
            e = problem_set(p, LE_INVALID, "",
                            "entry %lld was changed: its content does not match its hash", (long long)id);
            break;
        }
        if (!stored_prev || strcmp(stored_prev, prev) != 0) {
            *bad_id = id;
            e = problem_set(p, LE_INVALID, "",
                            "entry %lld does not follow entry %lld: its prev_hash is not that "
                            "entry's hash (an entry was replaced or inserted)",
                            (long long)id, (long long)id - 1);
            break;
        }
        memcpy(prev, stored, 65);
        expect++;
        (*n_checked)++;
    }
    db_done(st);
    if (e) return e;
    if (rc != DB_DONE) return problem_set(p, LE_DB, "", "cannot read the audit log");
    return verify_head(db, expect - 1, prev, bad_id, p);
}

/* The entries and the recorded head are read in one snapshot: an entry appended between the
 * two reads would otherwise look like a removed or forged one. */
lerr audit_verify(struct db *db, int64_t *bad_id, int64_t *n_checked, struct problem *p)
{
    int64_t dummy_bad, dummy_n;
    if (!bad_id) bad_id = &dummy_bad;
    if (!n_checked) n_checked = &dummy_n;
    *bad_id = 0;
    *n_checked = 0;
    bool began;
    if (db_snapshot_begin(db, &began)) return problem_set(p, LE_DB, "", "cannot read the audit log");
    lerr e = verify_snapshot(db, bad_id, n_checked, p);
    db_snapshot_end(db, began);
    return e;
}

json_t *audit_tail(struct db *db, int n)
{
    if (n < 1) n = 1;
    if (n > 1000) n = 1000;
    struct db_stmt *st = db_query(db,
                                  "SELECT a.id, a.at, a.actor_id, u.username, a.action, a.target, a.details "
                                  "FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "
                                  "ORDER BY a.id DESC LIMIT ?1",
                                  "i", (int64_t)n);
    if (!st) return NULL;
    json_t *arr = json_array();
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        char at[21];
        time_iso8601(db_col_int(st, 1), at);
        const char *details = db_col_text(st, 6);
        json_t *d = details && *details ? json_loads(details, 0, NULL) : NULL;
        const char *actor = db_col_text(st, 3);
        json_array_append_new(arr, json_pack("{s:I, s:s, s:I, s:o, s:s, s:s, s:o}",
                                             "id", (json_int_t)db_col_int(st, 0), "at", at,
                                             "actor_id", (json_int_t)db_col_int(st, 2),
                                             "actor", actor ? json_string(actor) : json_null(),
                                             "action", db_col_text(st, 4) ? db_col_text(st, 4) : "",
                                             "target", db_col_text(st, 5) ? db_col_text(st, 5) : "",
                                             "details", d ? d : json_null()));
    }
    db_done(st);
    if (rc != DB_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* ---- A filtered page ---- */

/* The entry's people: the actor, and the target when it is a person ("user:ID"). The target's
 * id is read from the text, so each row costs two primary-key lookups on users. */
#define AUDIT_PAGE_SQL                                                                               \
    "SELECT a.id, a.at, a.actor_id, u.username, u.first_name, u.last_name, a.action, a.target, "     \
    "a.details, tu.username, tu.first_name, tu.last_name FROM audit_log a "                          \
    "LEFT JOIN users u ON u.id = a.actor_id "                                                         \
    "LEFT JOIN users tu ON tu.id = (CASE WHEN a.target LIKE 'user:%%' THEN CAST(substr(a.target, 6) " \
    "AS BIGINT) END) WHERE 1 = 1"

/* "user" -> "user.%", with LIKE's own characters escaped so they match themselves. */
static const char *family_pattern(struct arena *a, const char *family)
{
    size_t n = strlen(family);
    char *out = arena_alloc(a, 2 * n + 3), *o = out;
    for (const char *c = family; *c; c++) {
        if (*c == '%' || *c == '_' || *c == '\\') *o++ = '\\';
        *o++ = *c;
    }
    strcpy(o, ".%");
    return out;
}

static void audit_where(struct arena *a, const struct audit_filter *f, struct sql_where *w)
{
    if (f->actor && *f->actor) sql_where_text(a, w, "a.actor_id = (SELECT id FROM users WHERE username = ?)", f->actor);
    if (f->action && *f->action) {
        if (strchr(f->action, '.'))
            sql_where_text(a, w, "a.action = ?", f->action);
        else /* a family: every action that starts with it and a dot */
            sql_where_text(a, w, "a.action LIKE ? ESCAPE '\\'", family_pattern(a, f->action));
    }
    if (f->target && *f->target) {
        if (strchr(f->target, ':'))
            sql_where_text(a, w, "a.target = ?", f->target);
        else
            sql_where_text(a, w, "a.target = 'user:' || (SELECT CAST(id AS TEXT) FROM users WHERE username = ?)",
                           f->target);
    }
    if (f->from) sql_where_int(a, w, "a.at >= ?", f->from);
    if (f->to) sql_where_int(a, w, "a.at < ?", f->to);
}

static const char *display_name(struct arena *a, struct db_stmt *st, int first, int last)
{
    const char *fn = model_col_str(a, st, first), *ln = model_col_str(a, st, last);
    return arena_sprintf(a, "%s%s%s", fn, *fn && *ln ? " " : "", ln);
}

static json_t *audit_row_json(struct arena *a, struct db_stmt *st)
{
    char at[21];
    time_iso8601(db_col_int(st, 1), at);
    const char *details = db_col_text(st, 8);
    json_t *d = details && *details ? json_loads(details, 0, NULL) : NULL;
    bool has_actor = !db_col_is_null(st, 3), has_target = !db_col_is_null(st, 9);
    return json_pack("{s:I, s:s, s:I, s:o, s:o, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)db_col_int(st, 0), "at",
                     at, "actor_id", (json_int_t)db_col_int(st, 2), "actor",
                     has_actor ? json_string(model_col_str(a, st, 3)) : json_null(), "actor_name",
                     has_actor ? json_string(display_name(a, st, 4, 5)) : json_null(), "action",
                     model_col_str(a, st, 6), "target", model_col_str(a, st, 7), "target_user",
                     has_target ? json_string(model_col_str(a, st, 9)) : json_null(), "target_name",
                     has_target ? json_string(display_name(a, st, 10, 11)) : json_null(), "details",
                     d ? d : json_null());
}

json_t *audit_list(struct db *db, struct arena *a, const struct audit_filter *f)
{
    int limit = f->limit < 1 ? 50 : f->limit > 500 ? 500 : f->limit;
    bool newer_page = f->after_id > 0 && !f->before_id;
    struct sql_where w = {.sql = ""};
    audit_where(a, f, &w);
    if (newer_page) sql_where_int(a, &w, "a.id > ?", f->after_id);
    if (f->before_id) sql_where_int(a, &w, "a.id < ?", f->before_id);
    int lim = sql_where_param_int(&w, limit + 1);
    /* One more row than shown says whether there is another page that way. */
    struct db_stmt *st = sql_where_query(db,
                                         arena_sprintf(a, AUDIT_PAGE_SQL "%s ORDER BY a.id %s LIMIT ?%d", w.sql,
                                                       newer_page ? "ASC" : "DESC", lim),
                                         &w);
    if (!st) return NULL;
    json_t *items = json_array();
    int rc, n = 0;
    while ((rc = db_step(st)) == DB_ROW && n < limit) {
        json_t *row = audit_row_json(a, st);
        if (newer_page) json_array_insert_new(items, 0, row);
        else json_array_append_new(items, row);
        n++;
    }
    bool beyond = rc == DB_ROW;
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) {
        json_decref(items);
        return NULL;
    }
    size_t k = json_array_size(items);
    json_int_t first = k ? json_integer_value(json_object_get(json_array_get(items, 0), "id")) : 0;
    json_int_t last = k ? json_integer_value(json_object_get(json_array_get(items, k - 1), "id")) : 0;
    /* Older entries exist when this page was cut short going back, or when it came forward
     * from them; newer ones when it went back from a page, or was cut short coming forward. */
    bool older = k && (newer_page || beyond), newer = k && (newer_page ? beyond : f->before_id > 0);
    return json_pack("{s:o, s:o, s:o}", "items", items, "older", older ? json_integer(last) : json_null(), "newer",
                     newer ? json_integer(first) : json_null());
}
