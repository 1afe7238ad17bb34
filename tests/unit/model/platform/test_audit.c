/* The audit chain: appends verify; a changed, deleted, inserted or forged row is found and
 * named; appends join the caller's transaction. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../../src/model/platform/platform.h"
#include "../../../../src/model/people/people.h"

#define T0 1800000000LL
#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

struct fx {
    char root[64];
    struct db *db;
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
    time_set_fake(T0);
    /* Five entries, the kind the model writes. */
    for (int i = 1; i <= 5; i++) {
        json_t *d = json_pack("{s:i, s:s}", "n", i, "note", "a|b\"c'<d>");
        char target[32];
        snprintf(target, sizeof target, "user:%d", i);
        if (audit_append(f->db, i % 2, "user.update", target, d)) return -1;
        json_decref(d);
        time_set_fake(T0 + i);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    time_set_fake(0);
    db_close(f->db);
    nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static lerr verify(struct fx *f, int64_t *bad, struct problem *p)
{
    int64_t n = 0;
    memset(p, 0, sizeof *p);
    return audit_verify(f->db, bad, &n, p);
}

static void test_append_and_verify(void **state)
{
    struct fx *f = *state;
    int64_t bad = -1, n = 0;
    struct problem p = {0};
    assert_int_equal(audit_verify(f->db, &bad, &n, &p), LE_OK);
    assert_int_equal(n, 5);
    assert_int_equal(bad, 0);
    /* The chain starts from zeros and links each row to the one before. */
    struct db_stmt *st = db_query(f->db, "SELECT id, prev_hash, hash, details FROM audit_log ORDER BY id", "");
    char prev[65] = ZERO_HASH;
    int rows = 0;
    while (db_step(st) == DB_ROW) {
        rows++;
        assert_int_equal(db_col_int(st, 0), rows);
        assert_string_equal(db_col_text(st, 1), prev);
        snprintf(prev, sizeof prev, "%s", db_col_text(st, 2));
        assert_non_null(strstr(db_col_text(st, 3), "\"n\":"));
    }
    db_done(st);
    assert_int_equal(rows, 5);
    /* NULL details and target are fine. */
    assert_int_equal(audit_append(f->db, 0, "system.start", NULL, NULL), LE_OK);
    assert_int_equal(audit_append(f->db, 0, "", NULL, NULL), LE_INTERNAL);
    assert_int_equal(audit_verify(f->db, &bad, &n, &p), LE_OK);
    assert_int_equal(n, 6);
}

static void test_empty_log_verifies(void **state)
{
    struct fx *f = *state;
    assert_int_equal(db_run(f->db, "DELETE FROM audit_log", ""), LE_OK);
    assert_int_equal(db_run(f->db, "DELETE FROM settings WHERE key = 'audit.head'", ""), LE_OK);
    int64_t bad = -1, n = -1;
    struct problem p;
    assert_int_equal(audit_verify(f->db, &bad, &n, &p), LE_OK);
    assert_int_equal(n, 0);
}

static void test_changed_row(void **state)
{
    struct fx *f = *state;
    assert_int_equal(db_run(f->db, "UPDATE audit_log SET details = '{\"n\":99}' WHERE id = 3", ""), LE_OK);
    int64_t bad = 0;
    struct problem p;
    assert_int_equal(verify(f, &bad, &p), LE_INVALID);
    assert_int_equal(bad, 3);
    assert_non_null(strstr(p.message, "entry 3 was changed"));
}

static void test_changed_row_with_rehash(void **state)
{
    struct fx *f = *state;
    /* A changed actor is found; replacing that row's hash too is still found. */
    assert_int_equal(db_run(f->db, "UPDATE audit_log SET actor_id = 42 WHERE id = 2", ""), LE_OK);
    int64_t bad = 0;
    struct problem p;
    assert_int_equal(verify(f, &bad, &p), LE_INVALID);
    assert_int_equal(bad, 2);
    assert_int_equal(db_run(f->db, "UPDATE audit_log SET hash = ?1 WHERE id = 2", "s",
                            "1111111111111111111111111111111111111111111111111111111111111111"),
                     LE_OK);
    assert_int_equal(verify(f, &bad, &p), LE_INVALID);
    assert_int_equal(bad, 2); /* its hash no longer matches its content */
}

static void test_deleted_middle_row(void **state)
{
    struct fx *f = *state;
    assert_int_equal(db_run(f->db, "DELETE FROM audit_log WHERE id = 3", ""), LE_OK);
    int64_t bad = 0;
    struct problem p;
    assert_int_equal(verify(f, &bad, &p), LE_INVALID);
    assert_int_equal(bad, 3);
    assert_non_null(strstr(p.message, "entry 3 is missing"));
    /* Several in a row. */
    assert_int_equal(db_run(f->db, "DELETE FROM audit_log WHERE id = 2", ""), LE_OK);
    assert_int_equal(verify(f, &bad, &p), LE_INVALID);
    assert_int_equal(bad, 2);
    assert_non_null(strstr(p.message, "entries 2 to 3 are missing"));
    /* The first one. */
    assert_int_equal(db_run(f->db, "DELETE FROM audit_log WHERE id = 1", ""), LE_OK);
    assert_int_equal(verify(f, &bad, &p), LE_INVALID);
    assert_int_equal(bad, 1);
}

static void test_deleted_last_row(void **state)
{
    struct fx *f = *state;
    assert_int_equal(db_run(f->db, "DELETE FROM audit_log WHERE id = 5", ""), LE_OK);
    int64_t bad = 0;
    struct problem p;
    assert_int_equal(verify(f, &bad, &p), LE_INVALID);
    assert_int_equal(bad, 5);
    assert_non_null(strstr(p.message, "entry 5 is missing"));
    assert_int_equal(db_run(f->db, "DELETE FROM audit_log WHERE id = 4", ""), LE_OK);
    assert_int_equal(verify(f, &bad, &p), LE_INVALID);
    assert_int_equal(bad, 4);
    assert_non_null(strstr(p.message, "entries 4 to 5 are missing"));
}

static void test_forged_row_bad_hash(void **state)
{
    struct fx *f = *state;
    char prev[65];
    struct db_stmt *st = db_query(f->db, "SELECT hash FROM audit_log WHERE id = 5", "");
    assert_int_equal(db_step(st), DB_ROW);
    snprintf(prev, sizeof prev, "%s", db_col_text(st, 0));
    db_done(st);
    assert_int_equal(db_run(f->db,
                            "INSERT INTO audit_log (id, at, actor_id, action, target, details, prev_hash, hash) "
                            "VALUES (6, ?1, 1, 'user.create', 'user:9', '', ?2, ?3)",
                            "iss", (int64_t)T0, (const char *)prev,
                            "2222222222222222222222222222222222222222222222222222222222222222"),
                     LE_OK);
    int64_t bad = 0;
    struct problem p;
    assert_int_equal(verify(f, &bad, &p), LE_INVALID);
    assert_int_equal(bad, 6);
    assert_non_null(strstr(p.message, "entry 6"));
}

/* The documented canonical form, computed independently of audit.c. */
static void canonical_hash(const char *prev, long long id, long long at, long long actor, const char *action,
                           const char *target, const char *details, char out[65])
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s\n%lld|%lld|%lld|%zu:%s|%zu:%s|%zu:%s", prev, id, at, actor, strlen(action), action,
             strlen(target), target, strlen(details), details);
    sha256_hex(buf, strlen(buf), out);
}

static void test_forged_row_good_hash(void **state)
{
    struct fx *f = *state;
    /* The canonical form really is what audit.c hashes. */
    struct db_stmt *st = db_query(f->db, "SELECT prev_hash, at, actor_id, action, target, details, hash "
                                         "FROM audit_log WHERE id = 5", "");
    assert_int_equal(db_step(st), DB_ROW);
    char prev[65], h5[65], again[65];
    snprintf(prev, sizeof prev, "%s", db_col_text(st, 0));
    snprintf(h5, sizeof h5, "%s", db_col_text(st, 6));
    canonical_hash(prev, 5, db_col_int(st, 1), db_col_int(st, 2), db_col_text(st, 3), db_col_text(st, 4),
                   db_col_text(st, 5), again);
    db_done(st);
    assert_string_equal(again, h5);
    /* Someone who knows the scheme appends a perfectly chained row: the head reveals it. */
    char forged[65];
    canonical_hash(h5, 6, T0, 1, "user.create", "user:9", "", forged);
    assert_int_equal(db_run(f->db,
                            "INSERT INTO audit_log (id, at, actor_id, action, target, details, prev_hash, hash) "
                            "VALUES (6, ?1, 1, 'user.create', 'user:9', '', ?2, ?3)",
                            "iss", (int64_t)T0, (const char *)h5, (const char *)forged),
                     LE_OK);
    int64_t bad = 0;
    struct problem p;
    assert_int_equal(verify(f, &bad, &p), LE_INVALID);
    assert_int_equal(bad, 6);
    assert_non_null(strstr(p.message, "entry 6 was not written by Lectern"));
    /* Removing the head row to hide it is itself reported. */
    assert_int_equal(db_run(f->db, "DELETE FROM settings WHERE key = 'audit.head'", ""), LE_OK);
    assert_int_equal(verify(f, &bad, &p), LE_INVALID);
    assert_non_null(strstr(p.message, "head of the audit log is missing"));
}

static void test_inserted_row_in_middle(void **state)
{
    struct fx *f = *state;
    /* Renumber to make room for a row between 2 and 3: the links no longer hold. */
    assert_int_equal(db_run(f->db, "UPDATE audit_log SET id = id + 100 WHERE id >= 3", ""), LE_OK);
    assert_int_equal(db_run(f->db, "UPDATE audit_log SET id = id - 99 WHERE id >= 103", ""), LE_OK);
    assert_int_equal(db_run(f->db,
                            "INSERT INTO audit_log (id, at, actor_id, action, target, details, prev_hash, hash) "
                            "SELECT 3, at, actor_id, 'user.suspend', target, '', hash, hash FROM audit_log WHERE id = 2",
                            ""),
                     LE_OK);
    int64_t bad = 0;
    struct problem p;
    assert_int_equal(verify(f, &bad, &p), LE_INVALID);
    assert_int_equal(bad, 3);
}

static void test_joins_caller_transaction(void **state)
{
    struct fx *f = *state;
    /* Rolled back with the caller's change... */
    assert_int_equal(db_begin(f->db), LE_OK);
    assert_int_equal(audit_append(f->db, 7, "settings.update", "settings", NULL), LE_OK);
    assert_int_equal(db_rollback(f->db), LE_OK);
    int64_t n = 0;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM audit_log", ""), LE_OK);
    assert_int_equal(n, 5);
    int64_t bad;
    struct problem p;
    assert_int_equal(verify(f, &bad, &p), LE_OK);
    /* ...and committed with it. */
    assert_int_equal(db_begin(f->db), LE_OK);
    assert_int_equal(audit_append(f->db, 7, "settings.update", "settings", NULL), LE_OK);
    assert_int_equal(db_commit(f->db), LE_OK);
    assert_int_equal(verify(f, &bad, &p), LE_OK);
}

static void test_tail(void **state)
{
    struct fx *f = *state;
    struct arena *a = arena_new(0);
    struct problem p = {0};
    int64_t uid;
    struct user_input in = {.username = "auditor", .roles = "admin"};
    assert_int_equal(user_create(f->db, a, &in, "violet kettle ferry 42", false, 0, &uid, NULL, &p), LE_OK);
    assert_int_equal(audit_append(f->db, uid, "settings.update", "settings", NULL), LE_OK);
    json_t *t = audit_tail(f->db, 3);
    assert_int_equal(json_array_size(t), 3);
    json_t *newest = json_array_get(t, 0);
    assert_int_equal(json_integer_value(json_object_get(newest, "id")), 7);
    assert_string_equal(json_string_value(json_object_get(newest, "action")), "settings.update");
    assert_string_equal(json_string_value(json_object_get(newest, "actor")), "auditor");
    assert_true(json_is_null(json_object_get(newest, "details")));
    json_t *created = json_array_get(t, 1);
    assert_string_equal(json_string_value(json_object_get(created, "action")), "user.create");
    assert_true(json_is_null(json_object_get(created, "actor"))); /* the system */
    assert_string_equal(json_string_value(json_object_get(json_object_get(created, "details"), "username")), "auditor");
    assert_non_null(strstr(json_string_value(json_object_get(created, "at")), "T"));
    json_decref(t);
    arena_free(a);
}

/* The ids of a page of audit_list, newest first, as "7 6 5". */
static const char *page_ids(json_t *page, char *out, size_t n)
{
    size_t k = 0, i;
    json_t *e;
    out[0] = '\0';
    json_array_foreach(json_object_get(page, "items"), i, e)
    k += (size_t)snprintf(out + k, n - k, "%s%lld", i ? " " : "", (long long)json_integer_value(json_object_get(e, "id")));
    return out;
}

static void test_list_filters_and_pages(void **state)
{
    struct fx *f = *state;
    struct arena *a = arena_new(0);
    char ids[128];
    /* 1..5 are user.update by actors 1, 0, 1, 0, 1 on user:1..5; then two more. */
    assert_int_equal(audit_append(f->db, 0, "user_x.odd", "user:1", NULL), LE_OK);   /* 6 */
    assert_int_equal(audit_append(f->db, 0, "settings.update", "settings", NULL), LE_OK); /* 7 */
    json_t *pg = audit_list(f->db, a, &(struct audit_filter){.limit = 3});
    assert_string_equal(page_ids(pg, ids, sizeof ids), "7 6 5");
    assert_true(json_is_null(json_object_get(pg, "newer")));
    assert_int_equal(json_integer_value(json_object_get(pg, "older")), 5);
    json_decref(pg);
    pg = audit_list(f->db, a, &(struct audit_filter){.limit = 3, .before_id = 5});
    assert_string_equal(page_ids(pg, ids, sizeof ids), "4 3 2");
    assert_int_equal(json_integer_value(json_object_get(pg, "newer")), 4);
    json_decref(pg);
    pg = audit_list(f->db, a, &(struct audit_filter){.limit = 3, .before_id = 2});
    assert_string_equal(page_ids(pg, ids, sizeof ids), "1");
    assert_true(json_is_null(json_object_get(pg, "older")));
    json_decref(pg);
    pg = audit_list(f->db, a, &(struct audit_filter){.limit = 3, .after_id = 4});
    assert_string_equal(page_ids(pg, ids, sizeof ids), "7 6 5");
    assert_true(json_is_null(json_object_get(pg, "newer")));
    json_decref(pg);
    /* A family is "user" and a dot: "user_x.odd" is not one of them, and "_" is no wildcard. */
    pg = audit_list(f->db, a, &(struct audit_filter){.limit = 50, .action = "user"});
    assert_string_equal(page_ids(pg, ids, sizeof ids), "5 4 3 2 1");
    json_decref(pg);
    pg = audit_list(f->db, a, &(struct audit_filter){.limit = 50, .action = "user_x"});
    assert_string_equal(page_ids(pg, ids, sizeof ids), "6");
    json_decref(pg);
    pg = audit_list(f->db, a, &(struct audit_filter){.limit = 50, .target = "user:1"});
    assert_string_equal(page_ids(pg, ids, sizeof ids), "6 1");
    json_decref(pg);
    pg = audit_list(f->db, a, &(struct audit_filter){.limit = 50, .from = T0 + 2, .to = T0 + 4});
    assert_string_equal(page_ids(pg, ids, sizeof ids), "4 3");
    json_decref(pg);
    arena_free(a);
}

struct appender {
    const char *dir;
    int n;
    int failures;
};

static void *append_many(void *arg)
{
    struct appender *ap = arg;
    struct db *db = NULL;
    struct problem p = {0};
    if (db_open(NULL, ap->dir, &db, &p)) {
        ap->failures = ap->n;
        return NULL;
    }
    for (int i = 0; i < ap->n; i++)
        if (audit_append(db, 0, "test.concurrent", "x", NULL)) ap->failures++;
    db_close(db);
    return NULL;
}

static void test_concurrent_appends(void **state)
{
    struct fx *f = *state;
    /* Two connections appending at once (as two workers or two processes would) keep one
     * unbroken chain: each append reads the head and writes under the write lock. */
    struct appender a = {f->root, 150, 0}, b = {f->root, 150, 0};
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, append_many, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, append_many, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(a.failures + b.failures, 0);
    int64_t bad = -1, n = 0;
    struct problem p = {0};
    assert_int_equal(audit_verify(f->db, &bad, &n, &p), LE_OK);
    assert_int_equal(n, 305);
}

struct verifier {
    const char *dir;
    atomic_bool stop;
    atomic_int runs;
    int false_alarms;
    char why[sizeof ((struct problem *)0)->message + 1];
};

static void *verify_until_stopped(void *arg)
{
    struct verifier *v = arg;
    struct db *db = NULL;
    struct problem p = {0};
    if (db_open(NULL, v->dir, &db, &p)) {
        v->false_alarms = -1;
        return NULL;
    }
    while (!atomic_load(&v->stop)) {
        int64_t bad = 0, n = 0;
        p = (struct problem){0};
        if (audit_verify(db, &bad, &n, &p) != LE_OK && v->false_alarms++ == 0)
            snprintf(v->why, sizeof v->why, "%s", p.message);
        atomic_fetch_add(&v->runs, 1);
    }
    db_close(db);
    return NULL;
}

static void test_verify_while_appending(void **state)
{
    struct fx *f = *state;
    /* Verification reads the entries and the recorded head in one snapshot, so appends on
     * another connection in the meantime never look like tampering. */
    struct verifier v = {.dir = f->root};
    atomic_init(&v.stop, false);
    atomic_init(&v.runs, 0);
    pthread_t tv;
    assert_int_equal(pthread_create(&tv, NULL, verify_until_stopped, &v), 0);
    /* Appends go on until the verifier has run many times among them, however the machine
     * schedules the two threads (bounded, so a stuck verifier fails the test). */
    int appended = 0, failures = 0;
    while ((appended < 400 || atomic_load(&v.runs) < 20) && appended < 20000) {
        if (audit_append(f->db, 0, "test.concurrent", "x", NULL) != LE_OK) failures++;
        appended++;
    }
    atomic_store(&v.stop, true);
    pthread_join(tv, NULL);
    assert_int_equal(failures, 0);
    if (atomic_load(&v.runs) < 20) fail_msg("the verifier ran only %d times during %d appends", atomic_load(&v.runs), appended);
    if (v.false_alarms) fail_msg("%d false alarms in %d runs, the first: %s", v.false_alarms, atomic_load(&v.runs), v.why);
}

int main(void)
{
    if (core_init()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append_and_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_filters_and_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_log_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_row_with_rehash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_middle_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_last_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forged_row_bad_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forged_row_good_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inserted_row_in_middle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_joins_caller_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_appends, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_while_appending, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
