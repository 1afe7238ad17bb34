/* Password policy, hashing and one-time passwords. Hashing is argon2id with 64 MiB, so the
 * number of hashes here is kept small. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "../../../../src/model/people/people.h"

static void expect_refused(const char *pw, const char *username, const char *fragment)
{
    struct problem p = {0};
    lerr e = password_check_policy(pw, username, &p);
    if (e != LE_INVALID || !strstr(p.message, fragment)) {
        fprintf(stderr, "password '%.40s' (user %s): got %d '%s', wanted a message with '%s'\n",
                pw ? pw : "(null)", username ? username : "(null)", e, p.message, fragment);
        fail();
    }
    assert_string_equal(p.field, "password");
}

static void expect_allowed(const char *pw, const char *username)
{
    struct problem p = {0};
    lerr e = password_check_policy(pw, username, &p);
    if (e != LE_OK) {
        fprintf(stderr, "password '%.40s' refused: %s\n", pw, p.message);
        fail();
    }
}

static void test_policy_length(void **state)
{
    (void)state;
    expect_refused(NULL, "alice", "Enter a password");
    expect_refused("", "alice", "Enter a password");
    expect_refused("short", "alice", "at least 12 characters; this password has 5");
    expect_refused("elevenchars", "alice", "at least 12");
    expect_allowed("twelve chars", "alice");
    /* Characters, not bytes: eleven accented letters are 22 bytes but still too short. */
    expect_refused("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
                   "alice", "this password has 11");
    expect_allowed("\xc3\xa9t\xc3\xa9 \xc3\xa0 la plage, encore", "alice");
    char big[PASSWORD_MAX_LEN + 2];
    for (int i = 0; i < PASSWORD_MAX_LEN + 1; i++) big[i] = (char)('a' + i % 26);
    big[PASSWORD_MAX_LEN + 1] = '\0';
    expect_refused(big, "alice", "at most 1024 characters");
    big[PASSWORD_MAX_LEN] = '\0';
    expect_allowed(big, "alice");
    expect_refused("bad \xff\xfe bytes in here", "alice", "not valid text");
}

static void test_policy_username(void **state)
{
    (void)state;
    expect_refused("alice.wonderland", "alice.wonderland", "must not be the username");
    expect_refused("ALICE.WONDERLAND", "alice.wonderland", "must not be the username");
    expect_refused("my name is Alice and I like tea", "alice", "must not contain the username");
    expect_refused("xxALICExx-2024-tea", "alice", "must not contain the username");
    /* A one- or two-letter username does not forbid every password containing that letter. */
    expect_allowed("a perfectly fine passphrase", "a");
    expect_allowed("a perfectly fine passphrase", NULL);
}

static void test_policy_common(void **state)
{
    (void)state;
    const char *common[] = {"password1234", "Password1234", "PASSWORD1234", "qwertyuiop123",
                            "123456789012", "1q2w3e4r5t6y", "iloveyou1234", "correcthorsebatterystaple",
                            "Summer2024!!"};
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        expect_refused(common[i], "someone", "common passwords");
    expect_refused("abababababab", "someone", "use a mix of characters");
    expect_allowed("password1234 but longer and mine", "someone");
    expect_allowed("violet kettle ferry 42", "someone");
}

static void test_hash_and_verify(void **state)
{
    (void)state;
    char hash[128];
    assert_int_equal(password_hash("violet kettle ferry 42", hash, sizeof hash), LE_OK);
    assert_non_null(strstr(hash, "$argon2id$"));
    assert_true(password_verify(hash, "violet kettle ferry 42"));
    assert_false(password_verify(hash, "violet kettle ferry 43"));
    assert_false(password_verify(hash, ""));
    assert_false(password_verify(NULL, "x"));
    assert_false(password_verify(hash, NULL));
    assert_false(password_verify("not a hash", "x"));
    assert_false(password_needs_rehash(hash));
    /* A hash made with other parameters is upgraded at the next sign-in. */
    char weak[crypto_pwhash_STRBYTES];
    assert_int_equal(crypto_pwhash_str(weak, "pw", 2, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN), 0);
    assert_true(password_verify(weak, "pw"));
    assert_true(password_needs_rehash(weak));
    assert_true(password_needs_rehash(NULL));
    /* Too small an output buffer is refused, not overrun. */
    char tiny[16];
    assert_int_not_equal(password_hash("violet kettle ferry 42", tiny, sizeof tiny), LE_OK);
}

static void test_generate(void **state)
{
    (void)state;
    const char *alphabet = "abcdefghjkmnpqrstuvwxyz23456789-";
    char seen[50][32];
    for (int i = 0; i < 50; i++) {
        char pw[32];
        password_generate(pw, sizeof pw);
        assert_int_equal(strlen(pw), 19);
        assert_true(pw[4] == '-' && pw[9] == '-' && pw[14] == '-');
        assert_int_equal(strspn(pw, alphabet), 19);
        expect_allowed(pw, "someone");
        expect_allowed(pw, NULL);
        for (int k = 0; k < i; k++) assert_string_not_equal(pw, seen[k]);
        memcpy(seen[i], pw, sizeof pw);
    }
    char small[8] = "xxxxxxx";
    password_generate(small, sizeof small);
    assert_string_equal(small, "");
}

static void test_roles(void **state)
{
    (void)state;
    struct problem p = {0};
    assert_int_equal(role_parse("admin"), ROLE_ADMIN);
    assert_int_equal(role_parse("Learner"), ROLE_LEARNER);
    assert_int_equal(role_parse("root"), 0);
    assert_string_equal(role_name(ROLE_INSTRUCTOR), "instructor");
    assert_null(role_name(ROLE_ADMIN | ROLE_LEARNER));
    assert_int_equal(role_parse_list("admin, learner", &p), ROLE_ADMIN | ROLE_LEARNER);
    assert_int_equal(role_parse_list("manager,,", &p), ROLE_MANAGER);
    assert_int_equal(role_parse_list("admin,wizard", &p), 0);
    assert_non_null(strstr(p.message, "unknown role 'wizard'"));
    assert_string_equal(p.field, "roles");
    assert_int_equal(role_parse_list("", &p), 0);
    assert_non_null(strstr(p.message, "at least one role"));
    assert_int_equal(role_parse_list(NULL, &p), 0);

    /* The capability table. */
    for (int c = 0; c < CAP__COUNT; c++) {
        assert_true(role_has_cap(ROLE_ADMIN, (enum capability)c));
        assert_non_null(cap_name((enum capability)c));
    }
    assert_true(role_has_cap(0, CAP_PUBLIC));
    assert_false(role_has_cap(0, CAP_SIGNED_IN));
    unsigned others[] = {ROLE_MANAGER, ROLE_INSTRUCTOR, ROLE_LEARNER};
    for (size_t i = 0; i < 3; i++) {
        assert_true(role_has_cap(others[i], CAP_PUBLIC));
        assert_true(role_has_cap(others[i], CAP_SIGNED_IN));
        assert_int_equal(role_has_cap(others[i], CAP_USERS_VIEW), others[i] == ROLE_MANAGER);
        assert_false(role_has_cap(others[i], CAP_USERS_MANAGE));
        assert_false(role_has_cap(others[i], CAP_SETTINGS_MANAGE));
        assert_false(role_has_cap(others[i], CAP_AUDIT_VIEW));
    }
    assert_false(role_has_cap(ROLE_ALL, CAP__COUNT));
    json_t *names = role_list_json(ROLE_LEARNER | ROLE_ADMIN);
    assert_int_equal(json_array_size(names), 2);
    assert_string_equal(json_string_value(json_array_get(names, 0)), "admin");
    assert_string_equal(json_string_value(json_array_get(names, 1)), "learner");
    json_decref(names);
}

int main(void)
{
    if (core_init()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_length),
        cmocka_unit_test(test_policy_username),
        cmocka_unit_test(test_policy_common),
        cmocka_unit_test(test_hash_and_verify),
        cmocka_unit_test(test_generate),
        cmocka_unit_test(test_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
