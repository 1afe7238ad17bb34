/* Sign-in lockout: the threshold, the window, the duration, unlocking, the recorded reasons,
 * and one generic message for every failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "../../../../src/model/people/people.h"

#define T0 1800000000LL
#define PW "violet kettle ferry 42"
#define GENERIC "Incorrect username or password, or the account is locked."

struct fx {
    char root[64];
    struct db *db;
    struct arena *a;
    int64_t uid;
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
    f->a = arena_new(0);
    time_set_fake(T0);
    struct user_input in = {.username = "kim", .roles = "learner"};
    if (user_create(f->db, f->a, &in, PW, false, 0, &f->uid, NULL, &p)) return -1;
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

/* Signs in and returns the outcome; a failure must carry the generic message. */
static lerr try(struct fx *f, const char *user, const char *pw)
{
    struct session_new s;
    struct problem p = {0};
    lerr e = auth_sign_in(f->db, user, pw, "198.51.100.4", "test", &s, &p);
    if (e) {
        assert_int_equal(e, LE_AUTH);
        assert_string_equal(p.message, GENERIC);
        assert_int_equal(s.token[0], '\0');
    } else {
        assert_int_equal(strlen(s.token), 64);
    }
    return e;
}

static void fail_n(struct fx *f, int n)
{
    for (int i = 0; i < n; i++) assert_int_equal(try(f, "kim", "wrong password here"), LE_AUTH);
}

static bool locked(struct fx *f)
{
    struct user u;
    struct problem p = {0};
    assert_int_equal(user_get(f->db, f->a, f->uid, &u, &p), LE_OK);
    return u.locked_until > time_now();
}

static int64_t attempts(struct fx *f, const char *reason)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM signin_attempts WHERE reason = ?1", "s", reason),
                     LE_OK);
    return n;
}

static void test_four_failures_then_success(void **state)
{
    struct fx *f = *state;
    fail_n(f, 4);
    assert_false(locked(f));
    assert_int_equal(try(f, "kim", PW), LE_OK);
    /* Success resets the count: four more failures still do not lock. */
    fail_n(f, 4);
    assert_false(locked(f));
    assert_int_equal(try(f, "KIM", PW), LE_OK); /* usernames are case-insensitive */
    assert_int_equal(attempts(f, "bad_password"), 8);
    assert_int_equal(attempts(f, "ok"), 2);
    struct user u;
    struct problem p = {0};
    assert_int_equal(user_get(f->db, f->a, f->uid, &u, &p), LE_OK);
    assert_int_equal(u.last_signin_at, T0);
}

static void test_five_failures_lock(void **state)
{
    struct fx *f = *state;
    fail_n(f, 5);
    assert_true(locked(f));
    struct user u;
    struct problem p = {0};
    assert_int_equal(user_get(f->db, f->a, f->uid, &u, &p), LE_OK);
    assert_int_equal(u.locked_until, T0 + auth_config.lockout_duration_s);
    json_t *j = user_to_json(&u);
    assert_true(json_is_true(json_object_get(j, "locked")));
    assert_non_null(json_string_value(json_object_get(j, "locked_until")));
    json_decref(j);
    /* The lock is audited once. */
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.locked' AND target = ?1",
                                  "s", "user:1"),
                     LE_OK);
    assert_int_equal(n, 1);
    /* The right password fails, with the same message, and is recorded as 'locked'. */
    assert_int_equal(try(f, "kim", PW), LE_AUTH);
    assert_int_equal(attempts(f, "locked"), 1);
    assert_int_equal(attempts(f, "ok"), 0);
    /* Attempts while locked do not extend the lock. */
    time_set_fake(T0 + 600);
    fail_n(f, 3);
    assert_int_equal(user_get(f->db, f->a, f->uid, &u, &p), LE_OK);
    assert_int_equal(u.locked_until, T0 + auth_config.lockout_duration_s);
    assert_int_equal(attempts(f, "locked"), 4);
}

static void test_lock_expires(void **state)
{
    struct fx *f = *state;
    fail_n(f, 5);
    time_set_fake(T0 + auth_config.lockout_duration_s - 1);
    assert_int_equal(try(f, "kim", PW), LE_AUTH);
    time_set_fake(T0 + auth_config.lockout_duration_s);
    assert_false(locked(f));
    /* After expiry the count starts afresh: one failure does not re-lock. */
    fail_n(f, 1);
    assert_false(locked(f));
    assert_int_equal(try(f, "kim", PW), LE_OK);
}

static void test_unlock_by_admin(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    fail_n(f, 5);
    assert_true(locked(f));
    assert_int_equal(user_unlock(f->db, f->uid, 0, &p), LE_OK);
    assert_false(locked(f));
    /* Unlocking clears the failures too: four more do not lock. */
    fail_n(f, 4);
    assert_false(locked(f));
    assert_int_equal(try(f, "kim", PW), LE_OK);
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.unlock'", ""), LE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(user_unlock(f->db, 999, 0, &p), LE_NOTFOUND);
}

static void test_window(void **state)
{
    struct fx *f = *state;
    /* Four failures, then the window passes: they no longer count. */
    fail_n(f, 4);
    time_set_fake(T0 + auth_config.lockout_window_s);
    fail_n(f, 1);
    assert_false(locked(f));
    fail_n(f, 3);
    assert_false(locked(f)); /* 4 inside the window */
    /* Spread over the window, five do lock. */
    time_set_fake(T0 + auth_config.lockout_window_s + 100);
    fail_n(f, 1);
    assert_true(locked(f));
}

static void test_reasons_recorded(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(try(f, "nobody", PW), LE_AUTH);
    assert_int_equal(try(f, "", ""), LE_AUTH);
    assert_int_equal(try(f, NULL, NULL), LE_AUTH);
    assert_int_equal(try(f, "kim", "wrong password here"), LE_AUTH);
    assert_int_equal(try(f, "kim", PW), LE_OK);
    assert_int_equal(user_suspend(f->db, f->uid, 0, &p), LE_OK);
    assert_int_equal(try(f, "kim", PW), LE_AUTH);
    assert_int_equal(attempts(f, "unknown_user"), 3);
    assert_int_equal(attempts(f, "bad_password"), 1);
    assert_int_equal(attempts(f, "ok"), 1);
    assert_int_equal(attempts(f, "suspended"), 1);
    /* The attempt keeps what was typed, when, where from and with what; unknown users have no id. */
    struct db_stmt *st = db_query(f->db,
                                  "SELECT username, user_id IS NULL, at, ip, user_agent, success FROM "
                                  "signin_attempts WHERE reason = 'unknown_user' ORDER BY id LIMIT 1",
                                  "");
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "nobody");
    assert_int_equal(db_col_int(st, 1), 1);
    assert_int_equal(db_col_int(st, 2), T0);
    assert_string_equal(db_col_text(st, 3), "198.51.100.4");
    assert_string_equal(db_col_text(st, 4), "test");
    assert_int_equal(db_col_int(st, 5), 0);
    db_done(st);
    /* A hostile username is stored bounded and printable. */
    char big[400];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[3] = '\n';
    assert_int_equal(try(f, big, "x"), LE_AUTH);
    st = db_query(f->db, "SELECT username FROM signin_attempts ORDER BY id DESC LIMIT 1", "");
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(strlen(db_col_text(st, 0)), 100);
    assert_int_equal(db_col_text(st, 0)[3], '?');
    db_done(st);
}

static void test_rehash_on_sign_in(void **state)
{
    struct fx *f = *state;
    /* A hash of the right password made with weaker parameters (as after a parameter change)
     * is replaced at the next successful sign-in. */
    char weak[crypto_pwhash_STRBYTES];
    assert_int_equal(crypto_pwhash_str(weak, PW, strlen(PW), crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN), 0);
    assert_int_equal(db_run(f->db, "UPDATE users SET password_hash = ?2 WHERE id = ?1", "is", f->uid, weak), LE_OK);
    assert_int_equal(try(f, "kim", PW), LE_OK);
    struct db_stmt *st = db_query(f->db, "SELECT password_hash FROM users WHERE id = ?1", "i", f->uid);
    assert_int_equal(db_step(st), DB_ROW);
    char now_hash[160];
    snprintf(now_hash, sizeof now_hash, "%s", db_col_text(st, 0));
    db_done(st);
    assert_string_not_equal(now_hash, weak);
    assert_false(password_needs_rehash(now_hash));
    assert_true(password_verify(now_hash, PW));
    assert_int_equal(try(f, "kim", PW), LE_OK);
}

int main(void)
{
    if (core_init()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_four_failures_then_success, setup, teardown),
        cmocka_unit_test_setup_teardown(test_five_failures_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_expires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unlock_by_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reasons_recorded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rehash_on_sign_in, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
