/* The job queue: enqueue, claim with a lease, heartbeat, complete, fail with retry and backoff,
 * release, list. The worker loop that runs jobs is src/jobs/worker.c; docs/jobs.md explains
 * the guarantees.
 *
 * A claim is one UPDATE of the row a sub-select picks. On PostgreSQL the sub-select ends in
 * FOR UPDATE SKIP LOCKED (db_for_update_skip_locked), so two workers that look at the same
 * moment pick different jobs instead of waiting for each other; on SQLite the statement runs
 * under the single write lock, which gives the same answer. A claim is named by its owner and
 * its attempt number: heartbeat, complete, fail and release change the row only while both
 * still match, so a worker that lost its lease cannot overwrite the new owner's work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define DEFAULT_MAX_ATTEMPTS 5
#define BACKOFF_FIRST_S 10
#define BACKOFF_MAX_S 3600
#define ERROR_MAX 1000

#define JOB_COLS                                                                                   \
    "id, kind, payload, state, attempts, max_attempts, run_at, lease_owner, lease_until, "          \
    "started_at, finished_at, last_error, result, created_at, updated_at"

/* The condition a claimable job meets at time ?1. */
#define JOB_DUE "(state = 'queued' AND run_at <= ?1) OR (state = 'running' AND lease_until < ?1)"

static void job_fill(struct db_stmt *st, struct arena *a, struct job *j)
{
    memset(j, 0, sizeof *j);
    j->id = db_col_int(st, 0);
    j->kind = arena_strdup(a, db_col_text(st, 1) ? db_col_text(st, 1) : "");
    j->payload = arena_strdup(a, db_col_text(st, 2) ? db_col_text(st, 2) : "{}");
    j->state = arena_strdup(a, db_col_text(st, 3) ? db_col_text(st, 3) : "");
    j->attempts = (int)db_col_int(st, 4);
    j->max_attempts = (int)db_col_int(st, 5);
    j->run_at = db_col_int(st, 6);
    j->lease_owner = arena_strdup(a, db_col_text(st, 7));
    j->lease_until = db_col_int(st, 8);
    j->started_at = db_col_int(st, 9);
    j->finished_at = db_col_int(st, 10);
    j->last_error = arena_strdup(a, db_col_text(st, 11) ? db_col_text(st, 11) : "");
    j->result = arena_strdup(a, db_col_text(st, 12) ? db_col_text(st, 12) : "");
    j->created_at = db_col_int(st, 13);
    j->updated_at = db_col_int(st, 14);
}

static bool kind_ok(const char *kind)
{
    size_t n = kind ? strlen(kind) : 0;
    if (n == 0 || n > JOB_KIND_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        char c = kind[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
    }
    return true;
}

lerr job_enqueue(struct db *db, const char *kind, json_t *payload, int64_t run_at, int max_attempts,
                 int64_t *id_out, struct problem *p)
{
    if (id_out) *id_out = 0;
    if (!kind_ok(kind))
        return problem_set(p, LE_INVALID, "kind",
                           "a job kind is 1 to %d characters of a-z, 0-9, '_' and '.'", JOB_KIND_MAX);
    if (payload && !json_is_object(payload))
        return problem_set(p, LE_INVALID, "payload", "a job's payload must be a JSON object");
    if (max_attempts < 0 || max_attempts > 100)
        return problem_set(p, LE_INVALID, "max_attempts", "max_attempts must be from 1 to 100");
    char *text = payload ? json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (payload && !text) return problem_set(p, LE_NOMEM, "", "out of memory");
    if (text && strlen(text) > JOB_PAYLOAD_MAX) {
        json_text_free(text);
        return problem_set(p, LE_TOOBIG, "payload", "a job's payload may be at most %d KiB of JSON",
                           JOB_PAYLOAD_MAX / 1024);
    }
    int64_t now = time_now();
    struct db_stmt *st = db_query(db,
                                  "INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, "
                                  "created_at, updated_at) VALUES (?1, ?2, 'queued', 0, ?3, ?4, ?5, ?5) "
                                  "RETURNING id",
                                  "ssiii", kind, text ? text : "{}",
                                  (int64_t)(max_attempts ? max_attempts : DEFAULT_MAX_ATTEMPTS),
                                  run_at > 0 ? run_at : now, now);
    int rc = db_step(st);
    int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    json_text_free(text);
    if (rc != DB_ROW) return problem_set(p, LE_DB, "", "cannot queue the job: %s", db_errmsg(db));
    if (id_out) *id_out = id;
    return LE_OK;
}

lerr job_claim(struct db *db, struct arena *a, const char *owner, int lease_s, struct job *out)
{
    int64_t now = time_now();
    /* A read first: an idle queue costs no write (on SQLite an UPDATE takes the write lock
     * even when it changes nothing). */
    int64_t any = 0;
    lerr e = db_query_int(db, &any, "SELECT id FROM jobs WHERE " JOB_DUE " LIMIT 1", "i", now);
    if (e) return e;
    char sql[768];
    snprintf(sql, sizeof sql,
             "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?2, "
             "lease_until = ?3, started_at = ?1, updated_at = ?1 "
             "WHERE id = (SELECT id FROM jobs WHERE " JOB_DUE " ORDER BY run_at, id LIMIT 1%s) "
             "RETURNING " JOB_COLS,
             db_for_update_skip_locked(db));
    struct db_stmt *st = db_query(db, sql, "isi", now, owner, now + lease_s);
    int rc = db_step(st);
    if (rc == DB_ROW) job_fill(st, a, out);
    db_done(st);
    if (rc == DB_ROW) return LE_OK;
    return rc == DB_DONE ? LE_NOTFOUND : LE_DB;
}

/* Runs an UPDATE that ends in "WHERE id = ?1 AND lease_owner = ?2 AND attempts = ?3 AND state =
 * 'running' RETURNING id": LE_OK when the claim still held, LE_CONFLICT when not. */
static lerr claim_update(struct db_stmt *st)
{
    int rc = db_step(st);
    db_done(st);
    if (rc == DB_ROW) return LE_OK;
    return rc == DB_DONE ? LE_CONFLICT : LE_DB;
}

#define CLAIM_HELD "WHERE id = ?1 AND lease_owner = ?2 AND attempts = ?3 AND state = 'running' RETURNING id"

lerr job_heartbeat(struct db *db, const struct job *j, const char *owner, int lease_s)
{
    int64_t now = time_now();
    return claim_update(db_query(db, "UPDATE jobs SET lease_until = ?4, updated_at = ?5 " CLAIM_HELD,
                                 "isiii", j->id, owner, (int64_t)j->attempts, now + lease_s, now));
}

lerr job_complete(struct db *db, const struct job *j, const char *owner, const char *result)
{
    int64_t now = time_now();
    return claim_update(db_query(db,
                                 "UPDATE jobs SET state = 'done', result = ?4, lease_owner = NULL, "
                                 "lease_until = 0, finished_at = ?5, updated_at = ?5 " CLAIM_HELD,
                                 "isisi", j->id, owner, (int64_t)j->attempts, result ? result : "", now));
}

lerr job_fail(struct db *db, const struct job *j, const char *owner, const char *error, bool retry,
              bool *final_out)
{
    int64_t now = time_now();
    bool final = !retry || j->attempts >= j->max_attempts;
    int64_t backoff = BACKOFF_FIRST_S;
    for (int i = 1; i < j->attempts && backoff < BACKOFF_MAX_S; i++) backoff *= 2;
    if (backoff > BACKOFF_MAX_S) backoff = BACKOFF_MAX_S;
    char err[ERROR_MAX + 1];
    snprintf(err, sizeof err, "%s", error ? error : "failed");
    if (final_out) *final_out = final;
    struct db_stmt *st = db_query(db,
                                  "UPDATE jobs SET state = ?4, run_at = ?5, last_error = ?6, lease_owner = NULL, "
                                  "lease_until = 0, finished_at = ?7, updated_at = ?8 " CLAIM_HELD,
                                  "isisisii", j->id, owner, (int64_t)j->attempts, final ? "failed" : "queued",
                                  final ? j->run_at : now + backoff, (const char *)err, now, now);
    if (!final) db_bind_null(st, 7); /* not finished: it runs again */
    return claim_update(st);
}

lerr job_release(struct db *db, const struct job *j, const char *owner)
{
    int64_t now = time_now();
    return claim_update(db_query(db,
                                 "UPDATE jobs SET state = 'queued', attempts = attempts - 1, run_at = ?4, "
                                 "lease_owner = NULL, lease_until = 0, updated_at = ?4 " CLAIM_HELD,
                                 "isii", j->id, owner, (int64_t)j->attempts, now));
}

lerr job_get(struct db *db, struct arena *a, int64_t id, struct job *out)
{
    struct db_stmt *st = db_query(db, "SELECT " JOB_COLS " FROM jobs WHERE id = ?1", "i", id);
    int rc = db_step(st);
    if (rc == DB_ROW) job_fill(st, a, out);
    db_done(st);
    return rc == DB_ROW ? LE_OK : rc == DB_DONE ? LE_NOTFOUND : LE_DB;
}

lerr job_list(struct db *db, struct arena *a, const char *state, int n, struct job **out, int *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (n < 1) n = 1;
    if (n > 1000) n = 1000;
    struct db_stmt *st =
        state ? db_query(db, "SELECT " JOB_COLS " FROM jobs WHERE state = ?1 ORDER BY id DESC LIMIT ?2", "si",
                         state, (int64_t)n)
              : db_query(db, "SELECT " JOB_COLS " FROM jobs ORDER BY id DESC LIMIT ?1", "i", (int64_t)n);
    struct job *jobs = arena_alloc(a, sizeof *jobs * (size_t)n);
    int k = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && k < n) job_fill(st, a, &jobs[k++]);
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return LE_DB;
    *out = jobs;
    *n_out = k;
    return LE_OK;
}

static json_t *json_or_string(const char *text)
{
    if (!text || !*text) return json_null();
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    return j ? j : json_string(text);
}

json_t *job_to_json(const struct job *j)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(j->id));
    json_object_set_new(o, "kind", json_string(j->kind ? j->kind : ""));
    json_object_set_new(o, "state", json_string(j->state ? j->state : ""));
    json_object_set_new(o, "attempts", json_integer(j->attempts));
    json_object_set_new(o, "max_attempts", json_integer(j->max_attempts));
    json_object_set_new(o, "run_at", model_json_time(j->run_at));
    json_object_set_new(o, "lease_owner", j->lease_owner ? json_string(j->lease_owner) : json_null());
    json_object_set_new(o, "lease_until", model_json_time(j->lease_until));
    json_object_set_new(o, "started_at", model_json_time(j->started_at));
    json_object_set_new(o, "finished_at", model_json_time(j->finished_at));
    json_object_set_new(o, "last_error", json_string(j->last_error ? j->last_error : ""));
    json_object_set_new(o, "payload", json_or_string(j->payload));
    json_object_set_new(o, "result", json_or_string(j->result));
    json_object_set_new(o, "created_at", model_json_time(j->created_at));
    json_object_set_new(o, "updated_at", model_json_time(j->updated_at));
    return o;
}
