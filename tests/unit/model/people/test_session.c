/* Sessions: created by sign-in, found by token, idle and absolute expiry on a fake clock,
 * last-seen touched at most once a minute, ended one by one, all at once or all but one (the
 * profile's "sign out everywhere else"), the profile's own changes, and "log in as" sessions
 * that end with the people behind them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../../src/model/people/internal.h"

#define T0 1800000000LL
#define PW "violet kettle ferry 42"

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
    if (db_open(NULL, f->root, &f->db, &p) || db_migrate(f->db, &p)) {
        fprintf(stderr, "setup: %s\n", p.message);
        return -1;
    }
    f->a = arena_new(0);
    time_set_fake(T0);
    struct user_input in = {.username = "sam", .first_name = "Sam", .last_name = "Lee", .roles = "learner"};
    if (user_create(f->db, f->a, &in, PW, false, 0, &f->uid, NULL, &p)) {
        fprintf(stderr, "setup: %s\n", p.message);
        return -1;
    }
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

static void sign_in(struct fx *f, struct session_new *s)
{
    struct problem p = {0};
    assert_int_equal(auth_sign_in(f->db, "sam", PW, "192.0.2.7", "test-agent/1.0", s, &p), LE_OK);
}

static int64_t last_seen(struct fx *f, int64_t sid)
{
    int64_t v = 0;
    assert_int_equal(db_query_int(f->db, &v, "SELECT last_seen_at FROM sessions WHERE id = ?1", "i", sid), LE_OK);
    return v;
}

static void test_sign_in_and_lookup(void **state)
{
    struct fx *f = *state;
    struct session_new s;
    sign_in(f, &s);
    assert_int_equal(strlen(s.token), 64);
    assert_int_equal(strlen(s.csrf), 64);
    assert_string_not_equal(s.token, s.csrf);
    assert_int_equal(s.user_id, f->uid);
    assert_false(s.must_change_password);
    /* Only the hash of the token is stored. */
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?1", "s", s.token),
                     LE_OK);
    assert_int_equal(n, 0);
    char h[65];
    sha256_hex(s.token, 64, h);
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?1", "s", h), LE_OK);
    assert_int_equal(n, 1);

    struct session_user su;
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    assert_int_equal(su.user_id, f->uid);
    assert_string_equal(su.username, "sam");
    assert_string_equal(su.first_name, "Sam");
    assert_string_equal(su.last_name, "Lee");
    assert_int_equal(su.roles, ROLE_LEARNER);
    assert_string_equal(su.csrf, s.csrf);
    assert_true(su.session_id > 0);

    /* Two sign-ins are two sessions with different tokens. */
    struct session_new s2;
    sign_in(f, &s2);
    assert_string_not_equal(s.token, s2.token);
    struct session_user su2;
    assert_int_equal(session_lookup(f->db, f->a, s2.token, &su2), LE_OK);
    assert_true(su2.session_id != su.session_id);
}

static void test_bad_tokens(void **state)
{
    struct fx *f = *state;
    struct session_user su;
    char fake[65];
    random_hex(fake, 32);
    assert_int_equal(session_lookup(f->db, f->a, NULL, &su), LE_AUTH);
    assert_int_equal(session_lookup(f->db, f->a, "", &su), LE_AUTH);
    assert_int_equal(session_lookup(f->db, f->a, "abc", &su), LE_AUTH);
    assert_int_equal(session_lookup(f->db, f->a, fake, &su), LE_AUTH);
    struct session_new s;
    sign_in(f, &s);
    char upper[65];
    for (int i = 0; i < 65; i++) upper[i] = (char)(s.token[i] >= 'a' && s.token[i] <= 'f' ? s.token[i] - 32 : s.token[i]);
    assert_int_equal(session_lookup(f->db, f->a, upper, &su), strcmp(upper, s.token) ? LE_AUTH : LE_OK);
    char longer[80];
    snprintf(longer, sizeof longer, "%sab", s.token);
    assert_int_equal(session_lookup(f->db, f->a, longer, &su), LE_AUTH);
    /* The csrf token is not a session token. */
    assert_int_equal(session_lookup(f->db, f->a, s.csrf, &su), LE_AUTH);
}

static void test_idle_expiry_and_touch(void **state)
{
    struct fx *f = *state;
    struct session_new s;
    struct session_user su;
    sign_in(f, &s);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    int64_t sid = su.session_id;
    assert_int_equal(last_seen(f, sid), T0);
    /* Within a minute: no write. */
    time_set_fake(T0 + 59);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    assert_int_equal(last_seen(f, sid), T0);
    /* After a minute: touched. */
    time_set_fake(T0 + 60);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    assert_int_equal(last_seen(f, sid), T0 + 60);
    /* Idle just under the limit: alive, and the idle clock restarts. */
    int64_t t = T0 + 60 + auth_config.session_idle_s - 1;
    time_set_fake(t);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    assert_int_equal(last_seen(f, sid), t);
    /* Idle for the whole limit: gone, and it stays gone. */
    time_set_fake(t + auth_config.session_idle_s);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_AUTH);
    time_set_fake(t + 1);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK); /* clock back: still valid */
}

static void test_absolute_expiry(void **state)
{
    struct fx *f = *state;
    struct session_new s;
    struct session_user su;
    sign_in(f, &s);
    /* Busy all day: looked up every hour, never idle, yet it ends at the absolute limit. */
    int64_t t = T0;
    while (t + 3600 < T0 + auth_config.session_absolute_s) {
        t += 3600;
        time_set_fake(t);
        assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    }
    time_set_fake(T0 + auth_config.session_absolute_s - 1);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    time_set_fake(T0 + auth_config.session_absolute_s);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_AUTH);
}

static void test_session_end(void **state)
{
    struct fx *f = *state;
    struct session_new a, b, c;
    struct session_user sa, sb;
    sign_in(f, &a);
    sign_in(f, &b);
    assert_int_equal(session_lookup(f->db, f->a, a.token, &sa), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, b.token, &sb), LE_OK);
    /* Another user's id does not end it. */
    assert_int_equal(session_end(f->db, sa.session_id, f->uid + 1), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, a.token, &sa), LE_OK);
    assert_int_equal(session_end(f->db, sa.session_id, f->uid), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, a.token, &sa), LE_AUTH);
    assert_int_equal(session_lookup(f->db, f->a, b.token, &sb), LE_OK);
    sign_in(f, &c);
    assert_int_equal(session_end_all(f->db, f->uid), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, b.token, &sb), LE_AUTH);
    assert_int_equal(session_lookup(f->db, f->a, c.token, &sb), LE_AUTH);
    int64_t open = -1;
    assert_int_equal(db_query_int(f->db, &open, "SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL", ""), LE_OK);
    assert_int_equal(open, 0);
}

static void test_session_create_and_must_change(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    char *otp = NULL;
    assert_int_equal(user_reset_password(f->db, f->a, f->uid, 0, &otp, &p), LE_OK);
    struct session_new s;
    assert_int_equal(auth_sign_in(f->db, "sam", otp, NULL, NULL, &s, &p), LE_OK);
    assert_true(s.must_change_password);
    struct session_user su;
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    assert_true(su.must_change_password);
    /* Rotation after a password change: a fresh session for the same user. */
    struct session_new r;
    assert_int_equal(session_create(f->db, f->uid, "192.0.2.1", "agent\x01\n", &r), LE_OK);
    assert_int_equal(r.user_id, f->uid);
    assert_int_equal(session_lookup(f->db, f->a, r.token, &su), LE_OK);
    struct db_stmt *st = db_query(f->db, "SELECT ip, user_agent FROM sessions WHERE id = ?1", "i", su.session_id);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "192.0.2.1");
    assert_string_equal(db_col_text(st, 1), "agent??");
    db_done(st);
}

/* Lookups answer from memory while nothing they read has changed, and see at once a change
 * made through another connection (another process or node): triggers change auth_version. */
static void test_lookup_from_memory_follows_changes(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct db *other = NULL;
    assert_int_equal(db_open(NULL, f->root, &other, &p), LE_OK);
    struct session_new s;
    struct session_user su;
    sign_in(f, &s);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    /* From memory: one query, the version; the same answer. */
    uint64_t before = f->db->nqueries;
    struct session_user again;
    assert_int_equal(session_lookup(f->db, f->a, s.token, &again), LE_OK);
    assert_int_equal(f->db->nqueries - before, 1);
    assert_int_equal(again.session_id, su.session_id);
    assert_string_equal(again.username, "sam");
    assert_string_equal(again.csrf, s.csrf);

    /* A rename, other roles, a suspension and the end of the session, each written by the
     * other connection, are seen by the next lookup. */
    assert_int_equal(db_run(other, "UPDATE users SET first_name = 'Samuel' WHERE id = ?1", "i", f->uid), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    assert_string_equal(su.first_name, "Samuel");
    assert_int_equal(db_run(other, "UPDATE users SET roles = ?2 WHERE id = ?1", "ii", f->uid,
                            (int64_t)(ROLE_LEARNER | ROLE_INSTRUCTOR)), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    assert_int_equal(su.roles, ROLE_LEARNER | ROLE_INSTRUCTOR);
    assert_int_equal(db_run(other, "UPDATE users SET status = 'suspended' WHERE id = ?1", "i", f->uid), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_AUTH);
    assert_int_equal(db_run(other, "UPDATE users SET status = 'active' WHERE id = ?1", "i", f->uid), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    assert_int_equal(session_end(other, su.session_id, f->uid), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_AUTH);

    /* Writes that change nothing a lookup reads leave the version, and memory, alone. */
    struct session_new t;
    sign_in(f, &t);
    assert_int_equal(session_lookup(f->db, f->a, t.token, &su), LE_OK);
    assert_int_equal(db_run(other, "UPDATE users SET email = 'sam@example.com', updated_at = 1 WHERE id = ?1", "i",
                            f->uid), LE_OK);
    before = f->db->nqueries;
    assert_int_equal(session_lookup(f->db, f->a, t.token, &su), LE_OK);
    assert_int_equal(f->db->nqueries - before, 1);
    db_close(other);
}

/* The viewer's time zone comes with the lookup (pages show times in it), so a change to it,
 * made by another connection, is seen by the next lookup rather than a minute later. */
static void test_lookup_carries_the_time_zone(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct db *other = NULL;
    assert_int_equal(db_open(NULL, f->root, &other, &p), LE_OK);
    struct session_new s;
    struct session_user su;
    sign_in(f, &s);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    assert_string_equal(su.timezone, "");
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK); /* from memory */
    assert_string_equal(su.timezone, "");
    assert_int_equal(db_run(other, "UPDATE users SET timezone = 'Asia/Tokyo' WHERE id = ?1", "i", f->uid), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    assert_string_equal(su.timezone, "Asia/Tokyo");
    uint64_t before = f->db->nqueries;
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    assert_int_equal(f->db->nqueries - before, 1); /* from memory again, with the new zone */
    assert_string_equal(su.timezone, "Asia/Tokyo");
    db_close(other);
}

/* "Sign out everywhere else": the other sessions end at once, also for a lookup answered from
 * memory; the one in use goes on; audited; the list shows what is left. */
static void test_end_others(void **state)
{
    struct fx *f = *state;
    struct session_new keep, other, third;
    struct session_user su;
    sign_in(f, &keep);
    sign_in(f, &other);
    sign_in(f, &third);
    assert_int_equal(session_lookup(f->db, f->a, keep.token, &su), LE_OK);
    int64_t keep_id = su.session_id;
    assert_int_equal(session_lookup(f->db, f->a, other.token, &su), LE_OK); /* now in memory */
    json_t *before = session_list_json(f->db, f->uid, keep_id);
    assert_int_equal(json_array_size(before), 3);
    int current = 0;
    for (size_t i = 0; i < 3; i++) current += json_is_true(json_object_get(json_array_get(before, i), "current"));
    assert_int_equal(current, 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(before, 0), "user_agent")), "test-agent/1.0");
    json_decref(before);

    struct problem p = {0};
    int64_t n = 0;
    assert_int_equal(session_end_others(f->db, f->uid, keep_id, &n, &p), LE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(session_lookup(f->db, f->a, other.token, &su), LE_AUTH);
    assert_int_equal(session_lookup(f->db, f->a, third.token, &su), LE_AUTH);
    assert_int_equal(session_lookup(f->db, f->a, keep.token, &su), LE_OK);
    json_t *after = session_list_json(f->db, f->uid, keep_id);
    assert_int_equal(json_array_size(after), 1);
    json_decref(after);
    int64_t audited = 0;
    assert_int_equal(db_query_int(f->db, &audited, "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.sessions_end_others'", ""),
                     LE_OK);
    assert_int_equal(audited, 1);
    /* Nothing left to end: no change, no audit entry. */
    assert_int_equal(session_end_others(f->db, f->uid, keep_id, &n, &p), LE_OK);
    assert_int_equal(n, 0);
}

/* One's own name, email, language and time zone: all or nothing. */
static void test_profile_update(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct profile_input in = {.first_name = "Samantha", .email = "sam@example.org", .lang = "en",
                               .timezone = "Europe/Berlin"};
    assert_int_equal(user_profile_update(f->db, f->a, f->uid, &in, &p), LE_OK);
    struct user u;
    assert_int_equal(user_get(f->db, f->a, f->uid, &u, &p), LE_OK);
    assert_string_equal(u.first_name, "Samantha");
    assert_string_equal(u.last_name, "Lee");
    assert_string_equal(u.email, "sam@example.org");
    assert_string_equal(u.timezone, "Europe/Berlin");
    /* A bad time zone refuses the whole change, the name too. */
    struct profile_input bad = {.first_name = "Sammy", .timezone = "Mars/Olympus"};
    assert_int_equal(user_profile_update(f->db, f->a, f->uid, &bad, &p), LE_INVALID);
    assert_string_equal(p.field, "timezone");
    assert_int_equal(user_get(f->db, f->a, f->uid, &u, &p), LE_OK);
    assert_string_equal(u.first_name, "Samantha");
    size_t n;
    const char *const *zones = timezone_names(&n);
    if (n) { /* the system has the time zone database */
        assert_true(n > 100);
        assert_string_equal(zones[0], "UTC");
    }
}


/* ---- "Log in as" ---- */

static void test_impersonation_end_reason(void **state)
{
    (void)state;
    assert_null(impersonation_end_reason(true, ROLE_ADMIN, ROLE_LEARNER));
    assert_null(impersonation_end_reason(true, ROLE_ADMIN, ROLE_MANAGER | ROLE_INSTRUCTOR));
    assert_string_equal(impersonation_end_reason(false, ROLE_ADMIN, ROLE_LEARNER), IMPERSONATION_ENDED_ADMIN_SUSPENDED);
    assert_string_equal(impersonation_end_reason(true, ROLE_MANAGER, ROLE_LEARNER), IMPERSONATION_ENDED_ADMIN_CAPABILITY);
    assert_string_equal(impersonation_end_reason(true, ROLE_ADMIN, ROLE_LEARNER | ROLE_ADMIN),
                        IMPERSONATION_ENDED_TARGET_PRIVILEGED);
    assert_true(impersonation_target_allowed(ROLE_LEARNER | ROLE_MANAGER));
    assert_false(impersonation_target_allowed(ROLE_ADMIN));
}

/* An administrator "ada" logged in as sam: the token in *token, ada's id returned. */
static int64_t log_in_as_sam(struct fx *f, char token[65])
{
    struct problem p = {0};
    struct user_input in = {.username = "ada", .first_name = "Ada", .last_name = "Ng", .roles = "admin"};
    int64_t ada = 0;
    assert_int_equal(user_create(f->db, f->a, &in, PW, false, 0, &ada, NULL, &p), LE_OK);
    struct session_new sn;
    assert_int_equal(impersonation_start(f->db, ada, f->uid, 0, "192.0.2.9", "agent", &sn, &p), LE_OK);
    memcpy(token, sn.token, 65);
    struct session_user su;
    assert_int_equal(session_lookup(f->db, f->a, token, &su), LE_OK);
    assert_int_equal(su.impersonator_id, ada);
    assert_int_equal(session_lookup(f->db, f->a, token, &su), LE_OK); /* now from memory */
    return ada;
}

static void assert_ended(struct fx *f, const char *token, const char *reason)
{
    struct session_user su;
    assert_int_equal(session_lookup(f->db, f->a, token, &su), LE_AUTH);
    assert_non_null(su.impersonation_ended);
    assert_string_equal(su.impersonation_ended, reason);
    assert_int_equal(su.user_id, 0);
    struct db_stmt *st = db_query(f->db, "SELECT end_reason, ended_at IS NOT NULL FROM sessions "
                                         "WHERE impersonator_id IS NOT NULL", "");
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), reason);
    assert_int_equal(db_col_int(st, 1), 1);
    db_done(st);
    int64_t n = 0;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.impersonate_end'", ""),
                     LE_OK);
    assert_int_equal(n, 1);
    /* Asked again, the same answer and no second record. */
    assert_int_equal(session_lookup(f->db, f->a, token, &su), LE_AUTH);
    assert_string_equal(su.impersonation_ended, reason);
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.impersonate_end'", ""),
                     LE_OK);
    assert_int_equal(n, 1);
}

static void test_impersonation_ends_when_admin_suspended(void **state)
{
    struct fx *f = *state;
    char token[65];
    int64_t ada = log_in_as_sam(f, token);
    assert_int_equal(db_run(f->db, "UPDATE users SET status = 'suspended' WHERE id = ?1", "i", ada), LE_OK);
    assert_ended(f, token, IMPERSONATION_ENDED_ADMIN_SUSPENDED);
}

static void test_impersonation_ends_when_admin_demoted(void **state)
{
    struct fx *f = *state;
    char token[65];
    int64_t ada = log_in_as_sam(f, token);
    assert_int_equal(db_run(f->db, "UPDATE users SET roles = ?2 WHERE id = ?1", "ii", ada, (int64_t)ROLE_MANAGER), LE_OK);
    assert_ended(f, token, IMPERSONATION_ENDED_ADMIN_CAPABILITY);
}

static void test_impersonation_ends_when_target_promoted(void **state)
{
    struct fx *f = *state;
    char token[65];
    log_in_as_sam(f, token);
    assert_int_equal(db_run(f->db, "UPDATE users SET roles = ?2 WHERE id = ?1", "ii", f->uid,
                            (int64_t)(ROLE_LEARNER | ROLE_ADMIN)),
                     LE_OK);
    assert_ended(f, token, IMPERSONATION_ENDED_TARGET_PRIVILEGED);
}

static void test_impersonation_ends_with_admin_sign_out(void **state)
{
    struct fx *f = *state;
    char token[65];
    int64_t ada = log_in_as_sam(f, token);
    assert_int_equal(impersonations_end_by(f->db, ada), LE_OK);
    assert_ended(f, token, IMPERSONATION_ENDED_ADMIN_SIGNED_OUT);
}

static void test_impersonation_ends_after_its_lifetime(void **state)
{
    struct fx *f = *state;
    char token[65];
    log_in_as_sam(f, token);
    struct session_user su;
    time_set_fake(T0 + support_config.impersonation_s - 1);
    assert_int_equal(session_lookup(f->db, f->a, token, &su), LE_OK);
    time_set_fake(T0 + support_config.impersonation_s);
    assert_ended(f, token, IMPERSONATION_ENDED_EXPIRED);
}

static void test_impersonation_ended_by_its_holder_says_nothing(void **state)
{
    struct fx *f = *state;
    char token[65];
    log_in_as_sam(f, token);
    struct session_user su;
    assert_int_equal(session_lookup(f->db, f->a, token, &su), LE_OK);
    struct problem p = {0};
    assert_int_equal(impersonation_end(f->db, su.session_id, NULL, &p), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, token, &su), LE_AUTH);
    assert_null(su.impersonation_ended);
}

int main(void)
{
    if (core_init()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sign_in_and_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_expiry_and_touch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absolute_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_from_memory_follows_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_create_and_must_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_carries_the_time_zone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_end_others, setup, teardown),
        cmocka_unit_test_setup_teardown(test_profile_update, setup, teardown),
        cmocka_unit_test(test_impersonation_end_reason),
        cmocka_unit_test_setup_teardown(test_impersonation_ends_when_admin_suspended, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impersonation_ends_when_admin_demoted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impersonation_ends_when_target_promoted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impersonation_ends_with_admin_sign_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impersonation_ends_after_its_lifetime, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impersonation_ended_by_its_holder_says_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
