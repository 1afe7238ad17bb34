/* user_import.commit: writes a previewed bulk upload (src/model/people/user_import.c) in the
 * background, so the web request that asks for it answers at once (src/web/people/imports.c) while
 * the passwords in the file are hashed on every core.
 *
 * Progress. The commit first checks the file and hashes the passwords outside any
 * transaction, then writes the rows in chunks of short transactions (user_import.c, "Chunks"),
 * on this worker's connection, which is marked background: between chunks, sign-ins and
 * answers waiting for the write lock go first. Progress lives in two places:
 *   - a small process-wide table in memory, keyed by the import's id, updated on every call
 *     of the importer's progress callback (hashing every ~200 ms, writing after every chunk);
 *     the web pages of this node read it first (import_progress_get);
 *   - the row (commit_phase, progress_done, progress_total): written when the job starts, at
 *     most every 250 ms while hashing and writing (between chunks), and when it ends, for
 *     another node's pages.
 * A commit that stops part way (the node killed, the database gone) is finished by the next
 * attempt: the job is retried or taken over, and the rows already written count as unchanged.
 * A commit refused from the start (file errors) leaves commit_phase 'failed' with the reason in
 * commit_error, and no account written. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "jobs.h"
#include "../model/people/people.h"

#define SLOTS 32
#define ROW_EVERY_MS 250.0

static struct {
    pthread_mutex_t lock;
    struct import_progress slot[SLOTS];
} mem = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void mem_set(int64_t id, const char *phase, int64_t done, int64_t total)
{
    pthread_mutex_lock(&mem.lock);
    int free_i = -1, oldest = 0;
    for (int i = 0; i < SLOTS; i++) {
        if (mem.slot[i].import_id == id) {
            free_i = i;
            break;
        }
        if (!mem.slot[i].import_id && free_i < 0) free_i = i;
        if (mem.slot[i].updated_ms < mem.slot[oldest].updated_ms) oldest = i;
    }
    struct import_progress *s = &mem.slot[free_i >= 0 ? free_i : oldest];
    s->import_id = id;
    snprintf(s->phase, sizeof s->phase, "%s", phase);
    s->done = done;
    s->total = total;
    s->updated_ms = time_monotonic_ms();
    pthread_mutex_unlock(&mem.lock);
}

static void mem_clear(int64_t id)
{
    pthread_mutex_lock(&mem.lock);
    for (int i = 0; i < SLOTS; i++)
        if (mem.slot[i].import_id == id) memset(&mem.slot[i], 0, sizeof mem.slot[i]);
    pthread_mutex_unlock(&mem.lock);
}

bool import_progress_get(int64_t import_id, struct import_progress *out)
{
    bool found = false;
    pthread_mutex_lock(&mem.lock);
    for (int i = 0; i < SLOTS && import_id; i++)
        if (mem.slot[i].import_id == import_id) {
            *out = mem.slot[i];
            found = true;
            break;
        }
    pthread_mutex_unlock(&mem.lock);
    return found;
}

struct progress_ctx {
    struct job_run *run;
    int64_t import_id;
    double last_row_ms;
    const char *last_phase;
};

/* The importer's callback, on this worker's thread. */
static void on_progress(void *ctx, const char *stage, int64_t done, int64_t total)
{
    struct progress_ctx *g = ctx;
    mem_set(g->import_id, stage, done, total);
    /* Extends the lease now and then; called between the chunks, outside any transaction. */
    job_run_keepalive(g->run);
    double now = time_monotonic_ms();
    bool new_phase = !g->last_phase || strcmp(g->last_phase, stage) != 0;
    if (!new_phase && done < total && now - g->last_row_ms < ROW_EVERY_MS) return;
    g->last_row_ms = now;
    g->last_phase = stage;
    user_import_set_progress(g->run->db, g->import_id, stage, done, total, NULL);
}

lerr job_user_import_commit(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    const char *token = json_string_value(json_object_get(payload, "import"));
    if (!token) return problem_set(p, LE_INVALID, "import", "the payload names no upload");
    struct stored_import si;
    lerr e = user_import_find(r->db, r->arena, token, &si, p);
    if (e == LE_NOTFOUND) return problem_set(p, LE_INVALID, "import", "there is no upload %s", token);
    if (e) return e;
    if (!r->data_dir) return problem_set(p, LE_INVALID, "", "this node has no data directory for uploads");
    if (!stored_import_committing(&si)) {
        /* Committed already (a retry after the commit went through), expired, or failed. */
        *result = json_pack("{s:s, s:s}", "import", si.token, "skipped", si.status);
        return LE_OK;
    }
    struct import_options o = {.mode = IMPORT_UPSERT};
    json_t *opts = json_loads(si.options, 0, NULL);
    import_options_from_json(opts, &o);
    if (o.username_template) o.username_template = arena_strdup(r->arena, o.username_template);
    json_decref(opts);
    o.valid_only = json_is_true(json_object_get(payload, "valid_only"));
    o.actor_id = json_integer_value(json_object_get(payload, "actor_id"));
    struct progress_ctx g = {.run = r, .import_id = si.id};
    o.progress = on_progress;
    o.progress_ctx = &g;

    char *data = NULL;
    size_t len = 0;
    struct import_result res;
    memset(&res, 0, sizeof res);
    e = user_import_read_file(r->arena, r->data_dir, &si, &data, &len, p);
    if (!e) {
        user_import_set_progress(r->db, si.id, "hashing", 0, 0, NULL);
        mem_set(si.id, "hashing", 0, 0);
        e = user_import_commit(r->db, r->arena, data, len, &o, &res, p);
    }
    if (e) {
        mem_clear(si.id);
        if (r->lost) return e; /* another worker has the job now */
        bool stop = !job_run_keepalive(r);
        bool final = e == LE_INVALID || e == LE_NOTFOUND || r->job->attempts >= r->job->max_attempts;
        if (stop || !final) {
            /* Given back (the node stops) or retried after a backoff: waiting again. */
            user_import_set_progress(r->db, si.id, "queued", 0, 0, p->message);
            return e;
        }
        char why[sizeof p->message];
        snprintf(why, sizeof why, "%s", p->message[0] ? p->message : lerr_code(e));
        user_import_set_progress(r->db, si.id, "failed", 0, 0, why);
        return problem_set(p, LE_INVALID, "", "%s", why);
    }
    /* The row ends with the rows written: done = total = the file's rows. */
    user_import_set_progress(r->db, si.id, "writing", res.n_rows, res.n_rows, NULL);
    json_t *summary = import_result_to_json(&res, 0, 1000, true);
    e = user_import_finish(r->db, r->data_dir, &si, summary, p);
    json_decref(summary);
    mem_clear(si.id);
    if (e) return e;
    *result = json_pack("{s:s, s:I, s:I}", "import", si.token, "created", (json_int_t)res.n_created, "updated",
                        (json_int_t)res.n_updated);
    return LE_OK;
}
