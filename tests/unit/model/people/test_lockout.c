/* Sign-in waits: the threshold, the window, delays that double up to the longest, attempts
 * while waiting refused unchecked, unlocking and a reset link ending a wait, the per-address
 * limit, unknown names waiting like accounts, the recorded reasons, and one generic message
 * for every checked failure. */
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

/* Signs in and returns the outcome; a checked failure must carry the generic message, a
 * refusal to listen yet the time to wait. */
static lerr try_from(struct fx *f, const char *user, const char *pw, const char *ip, int64_t *wait)
{
    struct session_new s;
    struct problem p = {0};
    lerr e = auth_sign_in(f->db, user, pw, ip, "test", &s, &p);
    if (wait) *wait = s.retry_after_s;
    if (e == LE_RATELIMIT) {
        assert_true(s.retry_after_s > 0);
        assert_non_null(strstr(p.message, "Too many failed sign-ins. Wait "));
        assert_int_equal(s.token[0], '\0');
    } else if (e) {
        assert_int_equal(e, LE_AUTH);
        assert_string_equal(p.message, GENERIC);
        assert_int_equal(s.token[0], '\0');
        assert_int_equal(s.retry_after_s, 0);
    } else {
        assert_int_equal(strlen(s.token), 64);
    }
    return e;
}

static lerr try(struct fx *f, const char *user, const char *pw)
{
    return try_from(f, user, pw, "198.51.100.4", NULL);
}

static void fail_n(struct fx *f, int n)
{
    for (int i = 0; i < n; i++) assert_int_equal(try(f, "kim", "wrong password here"), LE_AUTH);
}

static int64_t locked_until(struct fx *f)
{
    struct user u;
    struct problem p = {0};
    assert_int_equal(user_get(f->db, f->a, f->uid, &u, &p), LE_OK);
    return u.locked_until;
}

static bool locked(struct fx *f)
{
    return locked_until(f) > time_now();
}

static int64_t count(struct fx *f, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, sql, ""), LE_OK);
    return n;
}

static int64_t attempts(struct fx *f, const char *reason)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM signin_attempts WHERE reason = ?1", "s", reason),
                     LE_OK);
    return n;
}

/* The right password while the account waits: refused unchecked, with the time left. */
static void assert_waits(struct fx *f, int64_t seconds)
{
    int64_t wait = 0;
    assert_int_equal(try_from(f, "kim", PW, "198.51.100.4", &wait), LE_RATELIMIT);
    assert_int_equal(wait, seconds);
}

static void test_four_failures_then_success(void **state)
{
    struct fx *f = *state;
    fail_n(f, 4);
    assert_false(locked(f));
    assert_int_equal(try(f, "kim", PW), LE_OK);
    /* Success resets the count: four more failures still do not make it wait. */
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

static void test_five_failures_wait(void **state)
{
    struct fx *f = *state;
    fail_n(f, 5);
    assert_true(locked(f));
    assert_int_equal(locked_until(f), T0 + auth_config.lockout_first_delay_s);
    struct user u;
    struct problem p = {0};
    assert_int_equal(user_get(f->db, f->a, f->uid, &u, &p), LE_OK);
    json_t *j = user_to_json(&u);
    assert_true(json_is_true(json_object_get(j, "locked")));
    assert_non_null(json_string_value(json_object_get(j, "locked_until")));
    json_decref(j);
    /* The wait is audited once. */
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.locked' AND target = 'user:1'"), 1);
    /* The right password is refused unchecked with the time left, and recorded as 'locked'. */
    assert_waits(f, 60);
    assert_int_equal(attempts(f, "locked"), 1);
    assert_int_equal(attempts(f, "ok"), 0);
    /* Attempts while waiting neither count nor lengthen the wait. */
    time_set_fake(T0 + 45);
    for (int i = 0; i < 3; i++) assert_int_equal(try(f, "kim", "wrong password here"), LE_RATELIMIT);
    assert_int_equal(locked_until(f), T0 + 60);
    assert_int_equal(attempts(f, "locked"), 4);
    assert_int_equal(attempts(f, "bad_password"), 5);
    assert_waits(f, 15);
    /* When the wait is over, the right password signs in and the count starts again. */
    time_set_fake(T0 + 60);
    assert_int_equal(try(f, "kim", PW), LE_OK);
    fail_n(f, 4);
    assert_false(locked(f));
}

static void test_waits_double_up_to_the_longest(void **state)
{
    struct fx *f = *state;
    fail_n(f, 5);
    int64_t now = T0;
    const int64_t expected[] = {120, 240, 480, 900, 900, 900};
    int64_t wait = 60;
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        now += wait;
        time_set_fake(now);
        /* Another failure after each wait: the next wait doubles, up to lockout_duration_s. */
        assert_int_equal(try(f, "kim", "wrong password here"), LE_AUTH);
        wait = expected[i];
        assert_int_equal(locked_until(f), now + wait);
        assert_waits(f, wait);
    }
    /* However long the attack went on, the owner waits at most the longest delay. */
    time_set_fake(now + auth_config.lockout_duration_s);
    assert_int_equal(try(f, "kim", PW), LE_OK);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.locked'"), 7);
}

static void test_unlock_by_admin(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    fail_n(f, 5);
    assert_true(locked(f));
    assert_int_equal(user_unlock(f->db, f->uid, 0, &p), LE_OK);
    assert_false(locked(f));
    /* Unlocking clears the failures too: four more do not make it wait. */
    fail_n(f, 4);
    assert_false(locked(f));
    assert_int_equal(try(f, "kim", PW), LE_OK);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.unlock'"), 1);
    assert_int_equal(user_unlock(f->db, 999, 0, &p), LE_NOTFOUND);
}

static void test_reset_link_ends_the_wait(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    /* An attacker has driven the wait to its longest. */
    fail_n(f, 5);
    for (int i = 0; i < 5; i++) {
        time_set_fake(locked_until(f));
        fail_n(f, 1);
    }
    assert_int_equal(locked_until(f) - time_now(), auth_config.lockout_duration_s);
    /* The owner asks for a link and chooses a new password: in at once. */
    char token[65];
    assert_int_equal(signin_link_issue(f->db, f->uid, SIGNIN_LINK_RESET, 0, NULL, token, &p), LE_OK);
    assert_int_equal(signin_link_use(f->db, token, "fresh lantern meadow 9", "198.51.100.9", NULL, &p), LE_OK);
    assert_false(locked(f));
    assert_int_equal(try(f, "kim", "fresh lantern meadow 9"), LE_OK);
    /* And the count started again: four failures later there is still no wait. */
    fail_n(f, 4);
    assert_false(locked(f));
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
    /* Spread over the window, five make it wait. */
    time_set_fake(T0 + auth_config.lockout_window_s + 100);
    fail_n(f, 1);
    assert_true(locked(f));
}

static void test_address_limit(void **state)
{
    struct fx *f = *state;
    /* Twenty failures from one address, each on another name (none of them waits). */
    for (int i = 0; i < auth_config.signin_ip_limit; i++) {
        char name[32];
        snprintf(name, sizeof name, "guess%d", i);
        time_set_fake(T0 + i);
        assert_int_equal(try_from(f, name, "wrong password here", "203.0.113.5", NULL), LE_AUTH);
    }
    /* The address now waits until its oldest failure leaves the window, even with the right
     * password; the refusals are not recorded and cost no hashing. */
    int64_t wait = 0;
    time_set_fake(T0 + 100);
    assert_int_equal(try_from(f, "kim", PW, "203.0.113.5", &wait), LE_RATELIMIT);
    assert_int_equal(wait, auth_config.signin_ip_window_s - 100);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM signin_attempts"), auth_config.signin_ip_limit);
    /* Another address is not affected, nor is the account. */
    assert_int_equal(try_from(f, "kim", PW, "203.0.113.6", NULL), LE_OK);
    /* Once the oldest failure leaves the window, the address may try once more. */
    time_set_fake(T0 + auth_config.signin_ip_window_s);
    assert_int_equal(try_from(f, "kim", PW, "203.0.113.5", NULL), LE_OK);
}

static void test_unknown_name_waits_like_an_account(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < 5; i++) assert_int_equal(try(f, "ghost", "wrong password here"), LE_AUTH);
    int64_t wait = 0;
    assert_int_equal(try_from(f, " GHOST", "anything at all", "198.51.100.4", &wait), LE_RATELIMIT);
    assert_int_equal(wait, auth_config.lockout_first_delay_s);
    /* After the wait, one more failure: twice as long, as for an account. */
    time_set_fake(T0 + 60);
    assert_int_equal(try(f, "ghost", "wrong password here"), LE_AUTH);
    assert_int_equal(try_from(f, "ghost", "x", "198.51.100.4", &wait), LE_RATELIMIT);
    assert_int_equal(wait, 120);
    assert_int_equal(attempts(f, "locked"), 2);
    assert_int_equal(attempts(f, "unknown_user"), 6);
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
        cmocka_unit_test_setup_teardown(test_five_failures_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waits_double_up_to_the_longest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unlock_by_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_link_ends_the_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_address_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_name_waits_like_an_account, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reasons_recorded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rehash_on_sign_in, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
