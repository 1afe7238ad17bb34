/* The worker loop: each worker thread claims one job at a time from the jobs table, runs its
 * kind's handler, and completes, fails (retry with backoff) or gives back the job. Several
 * nodes run workers against one PostgreSQL; the lease and the claim rules in job.c make sure a
 * job is worked on by one worker at a time, and that a job whose node died is taken over once
 * its lease runs out.
 *
 * Each worker keeps its own database connection (not one from the request pool), marked
 * background: its write transactions queue behind the requests' (docs/jobs.md, "Locks"). A database that goes away is retried with a growing pause. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "jobs.h"
#include "../model/assessments/assessments.h"

struct worker {
    struct jobs *jobs;
    pthread_t thread;
    bool started;
    char owner[160];
    struct db *db;
};

struct jobs {
    struct jobs_config cfg;
    char node[128];
    char *db_url, *data_dir;
    atomic_bool stopping;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int n;
    struct worker *workers;
    atomic_llong last_sweep_ms;   /* when a worker of this node last ran the deadline sweep */
    atomic_llong last_reminders_ms; /* ... and the reminder scan (reminders.c) */
    atomic_llong last_schedule_ms;  /* ... and the programmes' reminder scan (reminders.c) */
};

/* Quiz attempts past their deadline are submitted by the server even if nobody opens them
 * again (attempt.c). One idle worker per node sweeps, at most every SWEEP_MS; every path that
 * reads or writes an attempt also submits it when overdue, so this only keeps results and the
 * grading queue current. Nodes sweeping together are safe: a submit re-checks the attempt
 * inside its write transaction. */
#define SWEEP_MS 5000
#define REMINDERS_MS 60000
#define SCHEDULE_REMINDERS_MS 3600000

static void sweep_if_due(struct worker *w)
{
    struct jobs *jobs = w->jobs;
    long long now = (long long)time_monotonic_ms(), last = atomic_load(&jobs->last_sweep_ms);
    if (last && now - last < SWEEP_MS) return;
    if (!atomic_compare_exchange_strong(&jobs->last_sweep_ms, &last, now)) return; /* another worker took it */
    struct arena *a = arena_new(4096);
    int n = attempt_submit_overdue(w->db, a);
    arena_free(a);
    if (n > 0) log_info("quiz: %d attempt%s past the deadline submitted by %s", n, n == 1 ? "" : "s", w->owner);
    /* Reminders before events are due to the minute at most, so the scan runs once a minute. */
    last = atomic_load(&jobs->last_reminders_ms);
    if ((!last || now - last >= REMINDERS_MS) && atomic_compare_exchange_strong(&jobs->last_reminders_ms, &last, now))
    {
        reminders_sweep(w->db, w->owner);
        certifications_sweep(w->db, w->owner); /* renewal windows open by the day: once a minute is plenty */
    }
    /* Programme reminders are counted in days: once an hour (and at start) is enough. */
    last = atomic_load(&jobs->last_schedule_ms);
    if ((!last || now - last >= SCHEDULE_REMINDERS_MS) &&
        atomic_compare_exchange_strong(&jobs->last_schedule_ms, &last, now))
    {
        schedule_reminders_sweep(w->db, w->owner);
        digest_sweep(w->db, w->owner); /* yesterday's digests: hourly, so a start on any hour sends them */
        doc_review_sweep(w->db, w->owner); /* review dates are days too */
    }
}

static bool stopping(struct jobs *jobs)
{
    return atomic_load(&jobs->stopping);
}

/* Sleeps up to ms, or until jobs_stop. */
static void pause_ms(struct jobs *jobs, int ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&jobs->lock);
    while (!stopping(jobs)) {
        if (pthread_cond_timedwait(&jobs->wake, &jobs->lock, &until) == ETIMEDOUT) break;
    }
    pthread_mutex_unlock(&jobs->lock);
}

bool job_run_keepalive(struct job_run *r)
{
    /* Run in the foreground (`lectern jobs run`): no queue, no lease to keep. */
    if (!r->jobs) return true;
    if (r->lost) return false;
    if (stopping(r->jobs)) return false;
    double now = time_monotonic_ms();
    if (now - r->last_beat_ms < r->jobs->cfg.lease_s * 1000.0 / 3) return true;
    lerr e = job_heartbeat(r->db, r->job, r->owner, r->jobs->cfg.lease_s);
    if (e == LE_CONFLICT) {
        r->lost = true;
        return false;
    }
    if (e) log_error("jobs: cannot extend the lease of job %lld: %s", (long long)r->job->id, db_errmsg(r->db));
    else r->last_beat_ms = now;
    return true;
}

static void finish(struct worker *w, struct job_run *r, const struct job *j, lerr e, json_t *result,
                   const struct problem *p)
{
    if (e == LE_OK) {
        char *text = result ? json_dumps(result, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
        lerr ce = job_complete(w->db, j, w->owner, text);
        json_text_free(text);
        if (ce == LE_CONFLICT)
            log_error("job %lld (%s): finished, but its lease had run out and another worker has "
                      "taken it over; this result is dropped",
                      (long long)j->id, j->kind);
        else if (ce)
            log_error("job %lld (%s): finished, but cannot record it: %s", (long long)j->id, j->kind,
                      db_errmsg(w->db));
        else
            log_info("job %lld (%s) done by %s", (long long)j->id, j->kind, w->owner);
        return;
    }
    if (r->lost) {
        log_error("job %lld (%s): stopped, its lease ran out and another worker has taken it over",
                  (long long)j->id, j->kind);
        return;
    }
    if (stopping(w->jobs)) {
        if (job_release(w->db, j, w->owner) == LE_OK)
            log_info("job %lld (%s) given back to the queue: this node is stopping", (long long)j->id, j->kind);
        return;
    }
    const char *why = p->message[0] ? p->message : lerr_code(e);
    bool final = true;
    lerr fe = job_fail(w->db, j, w->owner, why, e != LE_INVALID, &final);
    if (fe)
        log_error("job %lld (%s) failed (%s), and cannot record it: %s", (long long)j->id, j->kind, why,
                  fe == LE_CONFLICT ? "its lease had run out" : db_errmsg(w->db));
    else
        log_error("job %lld (%s) failed on attempt %d of %d: %s%s", (long long)j->id, j->kind, j->attempts,
                  j->max_attempts, why, final ? "; giving up" : "; it will be retried");
}

static void run_one(struct worker *w, struct job *j, struct arena *a)
{
    struct problem p = {0};
    if (j->attempts > j->max_attempts) {
        /* Claimed again after the lease of its last attempt ran out. */
        bool final;
        job_fail(w->db, j, w->owner, "the lease of its last attempt ran out (its node stopped?)", false, &final);
        log_error("job %lld (%s) failed: no attempts left after its lease ran out", (long long)j->id, j->kind);
        return;
    }
    const struct job_kind *kind = job_kind_find(j->kind);
    json_t *payload = json_loads(j->payload, 0, NULL);
    struct job_run r = {
        .db = w->db, .job = j, .arena = a, .node = w->jobs->node, .data_dir = w->jobs->data_dir,
        .jobs = w->jobs, .owner = w->owner,
        .last_beat_ms = time_monotonic_ms(),
    };
    lerr e;
    json_t *result = NULL;
    if (!kind) {
        e = problem_set(&p, LE_INVALID, "kind", "there is no job kind '%s' in this Lectern", j->kind);
    } else if (!json_is_object(payload)) {
        e = problem_set(&p, LE_INVALID, "payload", "the payload is not a JSON object");
    } else {
        log_info("job %lld (%s) started by %s, attempt %d of %d", (long long)j->id, j->kind, w->owner,
                 j->attempts, j->max_attempts);
        e = kind->run(&r, payload, &result, &p);
    }
    finish(w, &r, j, e, result, &p);
    json_decref(result);
    json_decref(payload);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct jobs *jobs = w->jobs;
    int idle_ms = jobs->cfg.poll_ms, fail_ms = 1000;
    while (!stopping(jobs)) {
        if (!w->db) {
            struct problem p = {0};
            if (db_open(jobs->db_url, jobs->data_dir, &w->db, &p)) {
                log_error("jobs: %s: cannot open the database: %s", w->owner, p.message);
                w->db = NULL;
                pause_ms(jobs, fail_ms);
                if (fail_ms < 30000) fail_ms *= 2;
                continue;
            }
            w->db->background = true;
        }
        struct arena *a = arena_new(4096);
        struct job j;
        lerr e = job_claim(w->db, a, w->owner, jobs->cfg.lease_s, &j);
        if (e == LE_OK) {
            fail_ms = 1000;
            run_one(w, &j, a);
        }
        arena_free(a);
        if (e == LE_NOTFOUND) {
            fail_ms = 1000;
            sweep_if_due(w);
            pause_ms(jobs, idle_ms);
        } else if (e) {
            log_error("jobs: %s: cannot look for work: %s", w->owner, db_errmsg(w->db));
            pause_ms(jobs, fail_ms);
            if (fail_ms < 30000) fail_ms *= 2;
        }
    }
    return NULL;
}

lerr jobs_start(const struct jobs_config *cfg, struct jobs **out, struct problem *p)
{
    *out = NULL;
    struct jobs *jobs = calloc(1, sizeof *jobs);
    if (!jobs) return problem_set(p, LE_NOMEM, "", "out of memory");
    jobs->cfg = *cfg;
    if (jobs->cfg.lease_s <= 0) jobs->cfg.lease_s = JOBS_DEFAULT_LEASE_S;
    if (jobs->cfg.poll_ms <= 0) jobs->cfg.poll_ms = JOBS_DEFAULT_POLL_MS;
    if (cfg->node && *cfg->node) {
        snprintf(jobs->node, sizeof jobs->node, "%s", cfg->node);
    } else {
        char host[64] = "localhost";
        gethostname(host, sizeof host);
        host[sizeof host - 1] = '\0';
        snprintf(jobs->node, sizeof jobs->node, "%s:%ld", host, (long)getpid());
    }
    jobs->db_url = cfg->db_url ? strdup(cfg->db_url) : NULL;
    jobs->data_dir = cfg->data_dir ? strdup(cfg->data_dir) : NULL;
    pthread_mutex_init(&jobs->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&jobs->wake, &ca);
    pthread_condattr_destroy(&ca);
    jobs->n = cfg->workers > 0 ? cfg->workers : 0;
    jobs->workers = calloc((size_t)(jobs->n ? jobs->n : 1), sizeof *jobs->workers);
    if (!jobs->workers) {
        jobs_stop(jobs);
        return problem_set(p, LE_NOMEM, "", "out of memory");
    }
    for (int i = 0; i < jobs->n; i++) {
        struct worker *w = &jobs->workers[i];
        w->jobs = jobs;
        snprintf(w->owner, sizeof w->owner, "%s/w%d", jobs->node, i + 1);
        /* Open now so that a bad database stops `serve` at start, not in a log later. */
        if (db_open(jobs->db_url, jobs->data_dir, &w->db, p)) {
            w->db = NULL;
            jobs_stop(jobs);
            return LE_DB;
        }
        /* Its writes give way to the requests' (src/db/sqlite.c, the writer lock). */
        w->db->background = true;
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            jobs_stop(jobs);
            return problem_set(p, LE_INTERNAL, "", "cannot start a job worker thread");
        }
        w->started = true;
    }
    if (jobs->n)
        log_info("jobs: %d worker%s on node %s (lease %d s)", jobs->n, jobs->n == 1 ? "" : "s", jobs->node,
                 jobs->cfg.lease_s);
    *out = jobs;
    return LE_OK;
}

void jobs_stop(struct jobs *jobs)
{
    if (!jobs) return;
    pthread_mutex_lock(&jobs->lock);
    atomic_store(&jobs->stopping, true);
    pthread_cond_broadcast(&jobs->wake);
    pthread_mutex_unlock(&jobs->lock);
    for (int i = 0; i < jobs->n && jobs->workers; i++) {
        struct worker *w = &jobs->workers[i];
        if (w->started) pthread_join(w->thread, NULL);
        db_close(w->db);
    }
    pthread_cond_destroy(&jobs->wake);
    pthread_mutex_destroy(&jobs->lock);
    free(jobs->workers);
    free(jobs->db_url);
    free(jobs->data_dir);
    free(jobs);
}
