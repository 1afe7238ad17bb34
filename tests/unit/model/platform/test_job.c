/* The job queue on SQLite, with a fake clock: enqueue and claim, one claim per job, leases
 * that run out and are taken over, heartbeats, completing and failing only while the claim
 * holds, retries with backoff, giving up, release, and claims from several threads. The same
 * queue on PostgreSQL (FOR UPDATE SKIP LOCKED) is tested in test_pg.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../../src/model/platform/platform.h"

#define T0 1800000000LL

struct fx {
    char root[64];
    struct db *db;
    struct arena *a;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    snprintf(f->root, sizeof f->root, "/tmp/lectern-test-XXXXXX");
    if (!mkdtemp(f->root)) return -1;
    struct problem p = {0};
    if (db_open(NULL, f->root, &f->db, &p) || db_migrate(f->db, &p)) return -1;
    f->a = arena_new(8192);
    time_set_fake(T0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    time_set_fake(0);
    arena_free(f->a);
    db_close(f->db);
    nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static int64_t enqueue(struct fx *f, const char *kind, int max_attempts)
{
    int64_t id = 0;
    struct problem p = {0};
    json_t *payload = json_pack("{s:i}", "ms", 5);
    assert_int_equal(job_enqueue(f->db, kind, payload, 0, max_attempts, &id, &p), LE_OK);
    json_decref(payload);
    assert_true(id > 0);
    return id;
}

static void test_enqueue_and_claim(void **state)
{
    struct fx *f = *state;
    int64_t id = enqueue(f, "noop", 0);
    struct job j;
    assert_int_equal(job_get(f->db, f->a, id, &j), LE_OK);
    assert_string_equal(j.state, "queued");
    assert_int_equal(j.max_attempts, 5);
    assert_int_equal(j.run_at, T0);
    assert_string_equal(j.payload, "{\"ms\":5}");

    assert_int_equal(job_claim(f->db, f->a, "a/w1", 30, &j), LE_OK);
    assert_int_equal(j.id, id);
    assert_string_equal(j.state, "running");
    assert_string_equal(j.lease_owner, "a/w1");
    assert_int_equal(j.lease_until, T0 + 30);
    assert_int_equal(j.attempts, 1);
    /* Claimed once: nobody else gets it while the lease holds. */
    struct job other;
    assert_int_equal(job_claim(f->db, f->a, "b/w1", 30, &other), LE_NOTFOUND);
    assert_int_equal(job_complete(f->db, &j, "a/w1", "{\"ok\":true}"), LE_OK);
    assert_int_equal(job_get(f->db, f->a, id, &j), LE_OK);
    assert_string_equal(j.state, "done");
    assert_string_equal(j.result, "{\"ok\":true}");
    assert_null(j.lease_owner);
    assert_int_equal(j.finished_at, T0);
    assert_int_equal(job_claim(f->db, f->a, "b/w1", 30, &other), LE_NOTFOUND);
    json_t *js = job_to_json(&j);
    assert_true(json_is_true(json_object_get(json_object_get(js, "result"), "ok")));
    json_decref(js);
}

static void test_bad_input(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t id;
    assert_int_equal(job_enqueue(f->db, "Bad Kind", NULL, 0, 0, &id, &p), LE_INVALID);
    assert_string_equal(p.field, "kind");
    json_t *arr = json_array();
    assert_int_equal(job_enqueue(f->db, "noop", arr, 0, 0, &id, &p), LE_INVALID);
    json_decref(arr);
    assert_int_equal(job_enqueue(f->db, "noop", NULL, 0, 101, &id, &p), LE_INVALID);
    json_t *big = json_object();
    char *s = malloc(JOB_PAYLOAD_MAX + 10);
    memset(s, 'x', JOB_PAYLOAD_MAX + 9);
    s[JOB_PAYLOAD_MAX + 9] = '\0';
    json_object_set_new(big, "x", json_string(s));
    free(s);
    assert_int_equal(job_enqueue(f->db, "noop", big, 0, 0, &id, &p), LE_TOOBIG);
    json_decref(big);
}

static void test_order_and_delay(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t later = 0;
    assert_int_equal(job_enqueue(f->db, "noop", NULL, T0 + 100, 0, &later, &p), LE_OK);
    int64_t first = enqueue(f, "noop", 0), second = enqueue(f, "noop", 0);
    struct job j;
    assert_int_equal(job_claim(f->db, f->a, "w", 30, &j), LE_OK);
    assert_int_equal(j.id, first);
    assert_int_equal(job_complete(f->db, &j, "w", NULL), LE_OK);
    assert_int_equal(job_claim(f->db, f->a, "w", 30, &j), LE_OK);
    assert_int_equal(j.id, second);
    assert_int_equal(job_complete(f->db, &j, "w", NULL), LE_OK);
    assert_int_equal(job_claim(f->db, f->a, "w", 30, &j), LE_NOTFOUND); /* not due yet */
    time_set_fake(T0 + 100);
    assert_int_equal(job_claim(f->db, f->a, "w", 30, &j), LE_OK);
    assert_int_equal(j.id, later);
}

static void test_lease_expiry_takeover(void **state)
{
    struct fx *f = *state;
    int64_t id = enqueue(f, "sleep", 0);
    struct job mine, theirs;
    assert_int_equal(job_claim(f->db, f->a, "a/w1", 10, &mine), LE_OK);
    /* A heartbeat keeps it. */
    time_set_fake(T0 + 8);
    assert_int_equal(job_heartbeat(f->db, &mine, "a/w1", 10), LE_OK);
    time_set_fake(T0 + 15);
    assert_int_equal(job_claim(f->db, f->a, "b/w1", 10, &theirs), LE_NOTFOUND);
    /* Node a dies: its lease runs out and b takes the job over, as attempt 2. */
    time_set_fake(T0 + 19);
    assert_int_equal(job_claim(f->db, f->a, "b/w1", 10, &theirs), LE_OK);
    assert_int_equal(theirs.id, id);
    assert_int_equal(theirs.attempts, 2);
    assert_string_equal(theirs.lease_owner, "b/w1");
    /* a wakes up: its heartbeat, completion, failure and release no longer count. */
    assert_int_equal(job_heartbeat(f->db, &mine, "a/w1", 10), LE_CONFLICT);
    assert_int_equal(job_complete(f->db, &mine, "a/w1", "{}"), LE_CONFLICT);
    bool final;
    assert_int_equal(job_fail(f->db, &mine, "a/w1", "x", true, &final), LE_CONFLICT);
    assert_int_equal(job_release(f->db, &mine, "a/w1"), LE_CONFLICT);
    /* Even the same owner name with an old attempt number is refused. */
    assert_int_equal(job_complete(f->db, &mine, "b/w1", "{}"), LE_CONFLICT);
    assert_int_equal(job_complete(f->db, &theirs, "b/w1", "{\"by\":\"b\"}"), LE_OK);
    struct job j;
    assert_int_equal(job_get(f->db, f->a, id, &j), LE_OK);
    assert_string_equal(j.state, "done");
    assert_string_equal(j.result, "{\"by\":\"b\"}");
    assert_int_equal(j.attempts, 2);
}

static void test_fail_retry_backoff_give_up(void **state)
{
    struct fx *f = *state;
    int64_t id = enqueue(f, "noop", 3);
    struct job j;
    bool final = true;
    int64_t expected_delay[] = {10, 20};
    for (int attempt = 1; attempt <= 2; attempt++) {
        assert_int_equal(job_claim(f->db, f->a, "w", 30, &j), LE_OK);
        assert_int_equal(j.attempts, attempt);
        assert_int_equal(job_fail(f->db, &j, "w", "boom", true, &final), LE_OK);
        assert_false(final);
        assert_int_equal(job_get(f->db, f->a, id, &j), LE_OK);
        assert_string_equal(j.state, "queued");
        assert_string_equal(j.last_error, "boom");
        assert_int_equal(j.finished_at, 0);
        assert_int_equal(j.run_at, time_now() + expected_delay[attempt - 1]);
        assert_int_equal(job_claim(f->db, f->a, "w", 30, &j), LE_NOTFOUND); /* backing off */
        time_set_fake(j.run_at);
    }
    assert_int_equal(job_claim(f->db, f->a, "w", 30, &j), LE_OK);
    assert_int_equal(j.attempts, 3);
    assert_int_equal(job_fail(f->db, &j, "w", "boom again", true, &final), LE_OK);
    assert_true(final);
    assert_int_equal(job_get(f->db, f->a, id, &j), LE_OK);
    assert_string_equal(j.state, "failed");
    assert_true(j.finished_at > 0);
    time_set_fake(time_now() + 100000);
    assert_int_equal(job_claim(f->db, f->a, "w", 30, &j), LE_NOTFOUND);

    /* No retry at all for a job that can never work. */
    int64_t id2 = enqueue(f, "noop", 5);
    assert_int_equal(job_claim(f->db, f->a, "w", 30, &j), LE_OK);
    assert_int_equal(job_fail(f->db, &j, "w", "bad payload", false, &final), LE_OK);
    assert_true(final);
    assert_int_equal(job_get(f->db, f->a, id2, &j), LE_OK);
    assert_string_equal(j.state, "failed");
}

static void test_release_does_not_count(void **state)
{
    struct fx *f = *state;
    int64_t id = enqueue(f, "noop", 1);
    struct job j;
    assert_int_equal(job_claim(f->db, f->a, "a", 30, &j), LE_OK);
    assert_int_equal(job_release(f->db, &j, "a"), LE_OK);
    assert_int_equal(job_get(f->db, f->a, id, &j), LE_OK);
    assert_string_equal(j.state, "queued");
    assert_int_equal(j.attempts, 0);
    assert_int_equal(job_claim(f->db, f->a, "b", 30, &j), LE_OK);
    assert_int_equal(j.attempts, 1);
}

static void test_list(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < 4; i++) enqueue(f, "noop", 0);
    struct job j, *list;
    int n;
    assert_int_equal(job_claim(f->db, f->a, "w", 30, &j), LE_OK);
    assert_int_equal(job_list(f->db, f->a, NULL, 10, &list, &n), LE_OK);
    assert_int_equal(n, 4);
    assert_true(list[0].id > list[3].id); /* newest first */
    assert_int_equal(job_list(f->db, f->a, "running", 10, &list, &n), LE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, j.id);
    assert_int_equal(job_list(f->db, f->a, "queued", 2, &list, &n), LE_OK);
    assert_int_equal(n, 2);
}

/* Several threads, each with its own connection, claim until the queue is empty: every job
 * is claimed exactly once. */
struct claimer {
    const char *dir;
    char owner[16];
    int64_t ids[200];
    int n;
};

static void *claim_all(void *arg)
{
    struct claimer *c = arg;
    struct db *db = NULL;
    struct problem p = {0};
    if (db_open(NULL, c->dir, &db, &p)) return NULL;
    struct arena *a = arena_new(4096);
    struct job j;
    for (;;) {
        lerr e = job_claim(db, a, c->owner, 60, &j);
        if (e == LE_NOTFOUND) break;
        if (e) continue; /* busy: try again */
        c->ids[c->n++] = j.id;
        job_complete(db, &j, c->owner, NULL);
    }
    arena_free(a);
    db_close(db);
    return NULL;
}

static void test_concurrent_claims(void **state)
{
    struct fx *f = *state;
    enum { JOBS = 120, THREADS = 4 };
    for (int i = 0; i < JOBS; i++) enqueue(f, "noop", 0);
    struct claimer c[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&c[i], 0, sizeof c[i]);
        c[i].dir = f->root;
        snprintf(c[i].owner, sizeof c[i].owner, "t%d", i);
        assert_int_equal(pthread_create(&t[i], NULL, claim_all, &c[i]), 0);
    }
    int seen[JOBS + 1] = {0}, total = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        for (int k = 0; k < c[i].n; k++) {
            assert_true(c[i].ids[k] >= 1 && c[i].ids[k] <= JOBS);
            seen[c[i].ids[k]]++;
            total++;
        }
    }
    assert_int_equal(total, JOBS);
    for (int i = 1; i <= JOBS; i++) assert_int_equal(seen[i], 1);
}

int main(void)
{
    if (core_init()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_enqueue_and_claim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_and_delay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lease_expiry_takeover, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fail_retry_backoff_give_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release_does_not_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_claims, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
