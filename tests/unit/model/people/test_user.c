/* User accounts: create, read, list, update, suspend, passwords, validation messages, and
 * hostile text stored verbatim. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../../src/model/people/people.h"
#include "../../../../src/model/benchdata/benchdata.h"

#include "../../fixture.h"

static int64_t audits(struct fx *f, const char *action)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM audit_log WHERE action = ?1", "s", action), LE_OK);
    return n;
}

static int64_t create(struct fx *f, const char *username, const char *first, const char *last, const char *email,
                      const char *roles)
{
    struct user_input in = {.username = username, .first_name = first, .last_name = last, .email = email, .roles = roles};
    struct problem p = {0};
    int64_t id = 0;
    lerr e = user_create(f->db, f->a, &in, PW, false, f->admin, &id, NULL, &p);
    if (e) fprintf(stderr, "create %s: %s\n", username, p.message);
    assert_int_equal(e, LE_OK);
    return id;
}

static void expect_invalid(struct fx *f, const struct user_input *in, const char *field, const char *fragment)
{
    struct problem p = {0};
    int64_t id = 0;
    lerr e = user_create(f->db, f->a, in, PW, false, 0, &id, NULL, &p);
    if (e != LE_INVALID || strcmp(p.field, field) != 0 || !strstr(p.message, fragment)) {
        fprintf(stderr, "got %d field '%s' message '%s'; wanted field %s with '%s'\n", e, p.field, p.message, field,
                fragment);
        fail();
    }
    assert_int_equal(id, 0);
}

static void test_create_and_get(void **state)
{
    struct fx *f = *state;
    time_set_fake(T0 + 10);
    int64_t id = create(f, "  Jane.Doe@Corp  ", "Jane", "Doe", "jane.doe@example.org", "learner, instructor");
    assert_true(id > f->admin);
    struct user u;
    struct problem p = {0};
    assert_int_equal(user_get(f->db, f->a, id, &u, &p), LE_OK);
    assert_string_equal(u.username, "jane.doe@corp"); /* trimmed and lowercased */
    assert_string_equal(u.email, "jane.doe@example.org");
    assert_string_equal(u.first_name, "Jane");
    assert_string_equal(u.last_name, "Doe");
    assert_string_equal(u.status, "active");
    assert_int_equal(u.roles, ROLE_LEARNER | ROLE_INSTRUCTOR);
    assert_false(u.must_change_password);
    assert_int_equal(u.locked_until, 0);
    assert_int_equal(u.created_at, T0 + 10);
    assert_int_equal(u.updated_at, T0 + 10);
    assert_int_equal(u.last_signin_at, 0);
    struct user by_name;
    assert_int_equal(user_get_by_username(f->db, f->a, "JANE.DOE@corp", &by_name, &p), LE_OK);
    assert_int_equal(by_name.id, id);
    assert_int_equal(user_get(f->db, f->a, 9999, &u, &p), LE_NOTFOUND);
    assert_non_null(strstr(p.message, "9999"));
    assert_int_equal(user_get_by_username(f->db, f->a, "nobody", &u, &p), LE_NOTFOUND);
    assert_int_equal(user_get_by_username(f->db, f->a, "bad name!", &u, &p), LE_NOTFOUND);
    /* Audited with who did it, never with the password. */
    assert_int_equal(audits(f, "user.create"), 2);
    struct db_stmt *st = db_query(f->db, "SELECT actor_id, target, details FROM audit_log ORDER BY id DESC LIMIT 1", "");
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_col_int(st, 0), f->admin);
    char target[32];
    snprintf(target, sizeof target, "user:%lld", (long long)id);
    assert_string_equal(db_col_text(st, 1), target);
    assert_null(strstr(db_col_text(st, 2), "violet"));
    assert_non_null(strstr(db_col_text(st, 2), "instructor"));
    db_done(st);
    assert_int_equal(user_count(f->db), 2);
    /* Default role is learner; email and names may be left out. */
    int64_t bare = create(f, "bare", NULL, NULL, NULL, NULL);
    assert_int_equal(user_get(f->db, f->a, bare, &u, &p), LE_OK);
    assert_int_equal(u.roles, ROLE_LEARNER);
    assert_string_equal(u.email, "");
}

static void test_create_with_one_time_password(void **state)
{
    struct fx *f = *state;
    struct user_input in = {.username = "newbie", .roles = "learner"};
    struct problem p = {0};
    int64_t id;
    char *otp = NULL;
    assert_int_equal(user_create(f->db, f->a, &in, NULL, false, f->admin, &id, &otp, &p), LE_OK);
    assert_non_null(otp);
    assert_int_equal(password_check_policy(otp, "newbie", &p), LE_OK);
    struct user u;
    assert_int_equal(user_get(f->db, f->a, id, &u, &p), LE_OK);
    assert_true(u.must_change_password);
    assert_true(user_check_password(f->db, id, otp));
    assert_false(user_check_password(f->db, id, PW));
    assert_false(user_check_password(f->db, 9999, otp));
    /* A chosen password must follow the policy, and a refused one creates nothing. */
    struct user_input in2 = {.username = "weak"};
    assert_int_equal(user_create(f->db, f->a, &in2, "password1234", false, 0, &id, NULL, &p), LE_INVALID);
    assert_string_equal(p.field, "password");
    assert_int_equal(user_create(f->db, f->a, &in2, "weak-and-weak-again", false, 0, &id, NULL, &p), LE_INVALID);
    assert_non_null(strstr(p.message, "username"));
    assert_int_equal(user_get_by_username(f->db, f->a, "weak", &u, &p), LE_NOTFOUND);
}

static void test_duplicate_username(void **state)
{
    struct fx *f = *state;
    create(f, "alex", "Alex", "One", NULL, "learner");
    struct user_input in = {.username = "ALEX", .first_name = "Alex", .last_name = "Two"};
    struct problem p = {0};
    int64_t id = 0;
    assert_int_equal(user_create(f->db, f->a, &in, PW, false, 0, &id, NULL, &p), LE_CONFLICT);
    assert_string_equal(p.message, "username 'alex' is taken");
    assert_string_equal(p.field, "username");
    assert_int_equal(user_count(f->db), 2);
    assert_int_equal(audits(f, "user.create"), 2);
}

static void test_validation(void **state)
{
    struct fx *f = *state;
    char longname[120];
    memset(longname, 'a', 101);
    longname[101] = '\0';
    expect_invalid(f, &(struct user_input){.username = ""}, "username", "Enter a username");
    expect_invalid(f, &(struct user_input){.first_name = "No Username"}, "username", "Enter a username");
    expect_invalid(f, &(struct user_input){.username = longname}, "username", "at most 100");
    expect_invalid(f, &(struct user_input){.username = "has space"}, "username", "a-z, digits and . _ @ -");
    expect_invalid(f, &(struct user_input){.username = "semi;colon"}, "username", "a-z");
    expect_invalid(f, &(struct user_input){.username = "\xc3\xa9mile"}, "username", "a-z");
    const char *bad_emails[] = {"plain", "@example.org", "a@", "a@@example.org", "a b@example.org",
                                "a@example..org", "a@.example.org", "a@example.org.", "<a@example.org>",
                                "a@-example.org", "a@example-.org", "a@exa_mple.org", "a(b)@example.org",
                                "\xc3\xa9@example.org", "a@exam ple.org"};
    for (size_t i = 0; i < sizeof bad_emails / sizeof bad_emails[0]; i++)
        expect_invalid(f, &(struct user_input){.username = "e", .email = bad_emails[i]}, "email", "name@example.org");
    expect_invalid(f, &(struct user_input){.username = "n", .first_name = longname}, "first_name", "at most 100");
    expect_invalid(f, &(struct user_input){.username = "n", .last_name = "tab\there"}, "last_name", "not allowed");
    expect_invalid(f, &(struct user_input){.username = "n", .last_name = "bad \xff utf8"}, "last_name", "not allowed");
    expect_invalid(f, &(struct user_input){.username = "r", .roles = "superuser"}, "roles", "unknown role 'superuser'");
    expect_invalid(f, &(struct user_input){.username = "r", .roles = ","}, "roles", "at least one role");
    /* 100 characters of a non-ASCII name are fine (more than 100 bytes). */
    char accented[256] = "";
    for (int i = 0; i < 100; i++) strcat(accented, "\xc3\xa9");
    create(f, "accent", accented, "O'Neil-\xc3\x85str\xc3\xb6m", "x+tag@sub.example.co.uk", NULL);
    create(f, "local", NULL, NULL, "admin@localhost", NULL); /* as browsers accept it */
    assert_int_equal(user_count(f->db), 3);
}

static void test_hostile_text_stored_verbatim(void **state)
{
    struct fx *f = *state;
    const char *first = "Robert'); DROP TABLE users;--";
    const char *last = "{{#admin}}{{{raw}}}<script>alert('x')</script>{{/admin}} %s %n \\ \" ` $(id)";
    int64_t id = create(f, "bobby.tables", first, last, "o'brien+{{x}}@example.org", "learner");
    struct user u;
    struct problem p = {0};
    assert_int_equal(user_get(f->db, f->a, id, &u, &p), LE_OK);
    assert_string_equal(u.first_name, first);
    assert_string_equal(u.last_name, last);
    assert_string_equal(u.email, "o'brien+{{x}}@example.org");
    assert_true(db_table_exists(f->db, "users"));
    json_t *j = user_to_json(&u);
    assert_string_equal(json_string_value(json_object_get(j, "last_name")), last);
    json_decref(j);
    /* Search with LIKE metacharacters matches them literally. */
    struct user *list;
    int n, total;
    assert_int_equal(user_list(f->db, f->a, "%", 1, 10, &list, &n, &total), LE_OK);
    assert_int_equal(total, 1); /* only the name with a literal '%', not everyone */
    assert_int_equal(user_list(f->db, f->a, "50%", 1, 10, &list, &n, &total), LE_OK);
    assert_int_equal(total, 0);
    assert_int_equal(user_list(f->db, f->a, "'); drop", 1, 10, &list, &n, &total), LE_OK);
    assert_int_equal(total, 1);
    assert_int_equal(user_list(f->db, f->a, "_", 1, 10, &list, &n, &total), LE_OK);
    assert_int_equal(total, 0);
    assert_int_equal(user_list(f->db, f->a, "{{#ADMIN}}", 1, 10, &list, &n, &total), LE_OK);
    assert_int_equal(total, 1);
}

static void test_list_search_and_pages(void **state)
{
    struct fx *f = *state;
    create(f, "s.smith", "Sarah", "Smith", "sarah@example.org", NULL);
    create(f, "j.smithers", "John", "Smithers", "john@example.org", NULL);
    create(f, "b.brown", "Bea", "Brown", "bea@smith-consulting.example", NULL);
    create(f, "c.clark", "Carl", "Clark", NULL, NULL);
    create(f, "d.davis", "Dana", "Davis", NULL, NULL);
    create(f, "e.evans", "Eve", "Evans", NULL, NULL);
    struct user *list;
    int n = -1, total = -1;
    /* Everyone, ordered by last name, in pages of three. */
    assert_int_equal(user_list(f->db, f->a, NULL, 1, 3, &list, &n, &total), LE_OK);
    assert_int_equal(total, 7);
    assert_int_equal(n, 3);
    assert_string_equal(list[0].last_name, "Admin");
    assert_string_equal(list[1].last_name, "Brown");
    assert_string_equal(list[2].last_name, "Clark");
    assert_int_equal(user_list(f->db, f->a, "", 3, 3, &list, &n, &total), LE_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].last_name, "Smithers");
    assert_int_equal(user_list(f->db, f->a, NULL, 4, 3, &list, &n, &total), LE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(total, 7);
    /* Out-of-range arguments are clamped. */
    assert_int_equal(user_list(f->db, f->a, NULL, -5, 0, &list, &n, &total), LE_OK);
    assert_int_equal(n, 7);
    /* Search over names, username and email, case-insensitively. */
    assert_int_equal(user_list(f->db, f->a, "SMITH", 1, 10, &list, &n, &total), LE_OK);
    assert_int_equal(total, 3); /* Smith, Smithers, and Brown's email */
    assert_int_equal(n, 3);
    assert_int_equal(user_list(f->db, f->a, "sarah smith", 1, 10, &list, &n, &total), LE_OK);
    assert_int_equal(total, 1);
    assert_int_equal(user_list(f->db, f->a, "smith, sarah", 1, 10, &list, &n, &total), LE_OK);
    assert_int_equal(total, 1);
    assert_int_equal(user_list(f->db, f->a, "c.clark", 1, 10, &list, &n, &total), LE_OK);
    assert_int_equal(total, 1);
    assert_string_equal(list[0].first_name, "Carl");
    assert_int_equal(user_list(f->db, f->a, "smith", 2, 2, &list, &n, &total), LE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 3);
    assert_int_equal(user_list(f->db, f->a, "zzz", 1, 10, &list, &n, &total), LE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(total, 0);
}

/* A term nearly everyone matches is paged in name order; the answer is the same as for a term
 * few match (read through the search index): the exact total and the right people, in order. */
static void test_broad_search(void **state)
{
    struct fx *f = *state;
    enum { N = 20100 };
    struct bulk_user *rows = arena_alloc(f->a, N * sizeof *rows);
    for (int i = 0; i < N; i++) {
        char *u = arena_sprintf(f->a, "p%04d", i);
        rows[i] = (struct bulk_user){.username = u, .email = arena_sprintf(f->a, "%s@broad.example", u),
                                     .first_name = i % 7 == 0 ? "Zoe" : "Sam",
                                     .last_name = arena_sprintf(f->a, "Name%05d", (i * 37) % N), .roles = 8,
                                     .password_hash = "x", .created_at = 1};
    }
    assert_int_equal(bulk_insert_users(f->db, rows, N, false), LE_OK);
    struct user *list;
    int n = -1, total = -1;
    assert_int_equal(user_list(f->db, f->a, "broad.example", 3, 25, &list, &n, &total), LE_OK);
    assert_int_equal(total, N);
    assert_int_equal(n, 25);
    for (int i = 0; i < n; i++) assert_string_equal(list[i].last_name, arena_sprintf(f->a, "Name%05d", 50 + i));
    assert_int_equal(user_list(f->db, f->a, "zoe", 2, 10, &list, &n, &total), LE_OK);
    assert_int_equal(total, (N + 6) / 7); /* fewer than the broad threshold: through the index */
    assert_int_equal(n, 10);
    for (int i = 1; i < n; i++) assert_true(strcmp(list[i - 1].last_name, list[i].last_name) < 0);
    assert_string_equal(list[0].first_name, "Zoe");
}

static void test_update(void **state)
{
    struct fx *f = *state;
    int64_t id = create(f, "pat", "Pat", "Old", "pat@example.org", "learner");
    create(f, "taken", NULL, NULL, NULL, NULL);
    struct problem p = {0};
    struct user u;
    time_set_fake(T0 + 100);
    struct user_input ch = {.email = "pat@new.example.org", .last_name = "New", .roles = "learner,manager"};
    assert_int_equal(user_update(f->db, f->a, id, &ch, f->admin, &p), LE_OK);
    assert_int_equal(user_get(f->db, f->a, id, &u, &p), LE_OK);
    assert_string_equal(u.email, "pat@new.example.org");
    assert_string_equal(u.first_name, "Pat"); /* not given: unchanged */
    assert_string_equal(u.last_name, "New");
    assert_int_equal(u.roles, ROLE_LEARNER | ROLE_MANAGER);
    assert_int_equal(u.updated_at, T0 + 100);
    assert_int_equal(audits(f, "user.update"), 1);
    /* The audit entry says what changed from what. */
    struct db_stmt *st = db_query(f->db, "SELECT details FROM audit_log WHERE action = 'user.update'", "");
    assert_int_equal(db_step(st), DB_ROW);
    assert_non_null(strstr(db_col_text(st, 0), "\"last_name\":{\"from\":\"Old\",\"to\":\"New\"}"));
    assert_null(strstr(db_col_text(st, 0), "first_name"));
    db_done(st);
    /* Nothing changed: nothing written. */
    assert_int_equal(user_update(f->db, f->a, id, &ch, f->admin, &p), LE_OK);
    assert_int_equal(audits(f, "user.update"), 1);
    /* An invalid field changes nothing, even the valid ones beside it. */
    struct user_input bad = {.first_name = "Patricia", .email = "not-an-email"};
    assert_int_equal(user_update(f->db, f->a, id, &bad, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "email");
    assert_int_equal(user_get(f->db, f->a, id, &u, &p), LE_OK);
    assert_string_equal(u.first_name, "Pat");
    /* Renaming onto a taken username is a conflict; renaming to one's own is fine. */
    struct user_input ren = {.username = "Taken"};
    assert_int_equal(user_update(f->db, f->a, id, &ren, f->admin, &p), LE_CONFLICT);
    assert_string_equal(p.message, "username 'taken' is taken");
    struct user_input same = {.username = "PAT"};
    assert_int_equal(user_update(f->db, f->a, id, &same, f->admin, &p), LE_OK);
    struct user_input ren2 = {.username = "patricia"};
    assert_int_equal(user_update(f->db, f->a, id, &ren2, f->admin, &p), LE_OK);
    assert_int_equal(user_get_by_username(f->db, f->a, "patricia", &u, &p), LE_OK);
    assert_int_equal(user_update(f->db, f->a, 9999, &ren2, f->admin, &p), LE_NOTFOUND);
    assert_int_equal(audits(f, "user.update"), 2);
}

static void test_suspend_ends_sessions(void **state)
{
    struct fx *f = *state;
    int64_t id = create(f, "leaver", "Lee", "Ver", NULL, "learner");
    struct session_new s1, s2;
    struct problem p = {0};
    assert_int_equal(auth_sign_in(f->db, "leaver", PW, NULL, NULL, &s1, &p), LE_OK);
    assert_int_equal(auth_sign_in(f->db, "leaver", PW, NULL, NULL, &s2, &p), LE_OK);
    struct session_user su;
    assert_int_equal(session_lookup(f->db, f->a, s1.token, &su), LE_OK);
    assert_int_equal(user_suspend(f->db, id, f->admin, &p), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, s1.token, &su), LE_AUTH);
    assert_int_equal(session_lookup(f->db, f->a, s2.token, &su), LE_AUTH);
    struct user u;
    assert_int_equal(user_get(f->db, f->a, id, &u, &p), LE_OK);
    assert_string_equal(u.status, "suspended");
    assert_int_equal(auth_sign_in(f->db, "leaver", PW, NULL, NULL, &s1, &p), LE_AUTH);
    /* Suspending again is a no-op; reactivating lets them back in (with a new session). */
    assert_int_equal(user_suspend(f->db, id, f->admin, &p), LE_OK);
    assert_int_equal(audits(f, "user.suspend"), 1);
    assert_int_equal(user_reactivate(f->db, id, f->admin, &p), LE_OK);
    assert_int_equal(audits(f, "user.reactivate"), 1);
    assert_int_equal(session_lookup(f->db, f->a, s2.token, &su), LE_AUTH);
    assert_int_equal(auth_sign_in(f->db, "leaver", PW, NULL, NULL, &s1, &p), LE_OK);
    assert_int_equal(user_suspend(f->db, 9999, f->admin, &p), LE_NOTFOUND);
}

static void test_keeps_an_admin(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(user_suspend(f->db, f->admin, f->admin, &p), LE_CONFLICT);
    assert_non_null(strstr(p.message, "only active administrator"));
    struct user_input demote = {.roles = "learner"};
    assert_int_equal(user_update(f->db, f->a, f->admin, &demote, f->admin, &p), LE_CONFLICT);
    /* With a second administrator, either may go. */
    int64_t other = create(f, "second.admin", NULL, NULL, NULL, "admin,learner");
    assert_int_equal(user_update(f->db, f->a, f->admin, &demote, other, &p), LE_OK);
    assert_int_equal(user_suspend(f->db, other, other, &p), LE_CONFLICT);
}

static void test_passwords(void **state)
{
    struct fx *f = *state;
    int64_t id = create(f, "forgetful", NULL, NULL, NULL, "learner");
    struct problem p = {0};
    struct session_new s;
    struct session_user su;
    /* Make the account wait, then an administrator resets the password. */
    for (int i = 0; i < 5; i++) auth_sign_in(f->db, "forgetful", "not the password", NULL, NULL, &s, &p);
    assert_int_equal(auth_sign_in(f->db, "forgetful", PW, NULL, NULL, &s, &p), LE_RATELIMIT);
    char *otp = NULL;
    assert_int_equal(user_reset_password(f->db, f->a, id, f->admin, &otp, &p), LE_OK);
    assert_non_null(otp);
    struct user u;
    assert_int_equal(user_get(f->db, f->a, id, &u, &p), LE_OK);
    assert_true(u.must_change_password);
    assert_int_equal(u.locked_until, 0); /* a reset is how people get back in */
    assert_int_equal(auth_sign_in(f->db, "forgetful", PW, NULL, NULL, &s, &p), LE_AUTH);
    assert_int_equal(auth_sign_in(f->db, "forgetful", otp, NULL, NULL, &s, &p), LE_OK);
    assert_true(s.must_change_password);
    assert_int_equal(audits(f, "user.password_reset"), 1);
    /* The user picks a new one: must_change clears; their own change keeps the session. */
    assert_int_equal(user_set_password(f->db, id, "short", false, id, &p), LE_INVALID);
    assert_int_equal(user_set_password(f->db, id, "my forgetful passphrase", false, id, &p), LE_INVALID);
    assert_non_null(strstr(p.message, "username"));
    assert_true(user_check_password(f->db, id, otp)); /* refused changes changed nothing */
    assert_int_equal(user_set_password(f->db, id, "a brand new passphrase", false, id, &p), LE_OK);
    assert_int_equal(user_get(f->db, f->a, id, &u, &p), LE_OK);
    assert_false(u.must_change_password);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_OK);
    /* An administrator setting it ends the user's sessions. */
    assert_int_equal(user_set_password(f->db, id, "admin chosen passphrase", true, f->admin, &p), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, s.token, &su), LE_AUTH);
    assert_int_equal(user_get(f->db, f->a, id, &u, &p), LE_OK);
    assert_true(u.must_change_password);
    assert_int_equal(audits(f, "user.password_set"), 2);
    assert_int_equal(user_reset_password(f->db, f->a, 9999, f->admin, &otp, &p), LE_NOTFOUND);
    assert_int_equal(user_set_password(f->db, 9999, "a brand new passphrase", false, 0, &p), LE_NOTFOUND);
}

static void test_to_json(void **state)
{
    struct fx *f = *state;
    int64_t id = create(f, "jay", "Jay", "Son", "jay@example.org", "instructor,learner");
    struct session_new s;
    struct problem p = {0};
    time_set_fake(T0 + 3600);
    assert_int_equal(auth_sign_in(f->db, "jay", PW, NULL, NULL, &s, &p), LE_OK);
    struct user u;
    assert_int_equal(user_get(f->db, f->a, id, &u, &p), LE_OK);
    json_t *j = user_to_json(&u);
    assert_int_equal(json_integer_value(json_object_get(j, "id")), id);
    assert_string_equal(json_string_value(json_object_get(j, "username")), "jay");
    assert_string_equal(json_string_value(json_object_get(j, "email")), "jay@example.org");
    assert_string_equal(json_string_value(json_object_get(j, "first_name")), "Jay");
    assert_string_equal(json_string_value(json_object_get(j, "last_name")), "Son");
    assert_string_equal(json_string_value(json_object_get(j, "status")), "active");
    json_t *roles = json_object_get(j, "roles");
    assert_int_equal(json_array_size(roles), 2);
    assert_string_equal(json_string_value(json_array_get(roles, 0)), "instructor");
    assert_true(json_is_false(json_object_get(j, "must_change_password")));
    assert_true(json_is_false(json_object_get(j, "locked")));
    assert_true(json_is_null(json_object_get(j, "locked_until")));
    assert_string_equal(json_string_value(json_object_get(j, "created_at")), "2027-01-15T08:00:00Z");
    assert_string_equal(json_string_value(json_object_get(j, "last_signin_at")), "2027-01-15T09:00:00Z");
    assert_null(json_object_get(j, "password_hash"));
    /* 13 account fields and 12 organisation fields (docs/people.md). */
    assert_int_equal(json_object_size(j), 25);
    assert_true(json_is_null(json_object_get(j, "department")));
    assert_true(json_is_null(json_object_get(j, "idnumber")));
    assert_true(json_is_false(json_object_get(j, "needs_signin_link")));
    json_decref(j);
    /* Never signed in: null. */
    assert_int_equal(user_get(f->db, f->a, f->admin, &u, &p), LE_OK);
    j = user_to_json(&u);
    assert_true(json_is_null(json_object_get(j, "last_signin_at")));
    json_decref(j);
}

static void test_all_or_nothing_in_callers_transaction(void **state)
{
    struct fx *f = *state;
    /* An import: several creates in one transaction; one bad row undoes all. */
    struct problem p = {0};
    assert_int_equal(db_begin(f->db), LE_OK);
    struct user_input a = {.username = "imp.one"}, b = {.username = "imp.two"}, dup = {.username = "imp.one"};
    int64_t id;
    assert_int_equal(user_create(f->db, f->a, &a, PW, false, 0, &id, NULL, &p), LE_OK);
    assert_int_equal(user_create(f->db, f->a, &b, PW, false, 0, &id, NULL, &p), LE_OK);
    assert_int_equal(user_create(f->db, f->a, &dup, PW, false, 0, &id, NULL, &p), LE_CONFLICT);
    assert_int_equal(f->db->in_tx, 1);
    assert_int_equal(db_rollback(f->db), LE_OK);
    assert_int_equal(user_count(f->db), 1);
    int64_t bad;
    assert_int_equal(audit_verify(f->db, &bad, NULL, &p), LE_OK);
}

/* A form's department and job role choices come in one query and in the same order as the
 * departments page: the tree, parents first, siblings by name, each with its path. */
static void test_org_choices(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t ops, sales, field, hr, j;
    assert_int_equal(department_create(f->db, "Operations", "", 0, 0, &ops, &p), LE_OK);
    assert_int_equal(department_create(f->db, "Sales", "", ops, 0, &sales, &p), LE_OK);
    assert_int_equal(department_create(f->db, "Field", "", sales, 0, &field, &p), LE_OK);
    assert_int_equal(department_create(f->db, "Finance", "", ops, 0, &hr, &p), LE_OK);
    assert_int_equal(job_role_create(f->db, "Welder", "", 0, &j, &p), LE_OK);
    assert_int_equal(job_role_create(f->db, "Accountant", "", 0, &j, &p), LE_OK);
    struct department *d, *tree;
    struct job_role *r;
    int nd, nr, nt;
    assert_int_equal(org_choices(f->db, f->a, &d, &nd, &r, &nr), LE_OK);
    assert_int_equal(department_list(f->db, f->a, &tree, &nt), LE_OK);
    assert_int_equal(nd, 4);
    assert_int_equal(nd, nt);
    for (int i = 0; i < nd; i++) {
        assert_int_equal(d[i].id, tree[i].id);
        assert_string_equal(d[i].path, tree[i].path);
    }
    assert_string_equal(d[0].path, "Operations");
    assert_string_equal(d[1].path, "Operations / Finance");
    assert_string_equal(d[3].path, "Operations / Sales / Field");
    assert_int_equal(nr, 2);
    assert_string_equal(r[0].name, "Accountant");
    assert_string_equal(r[1].name, "Welder");
}

int main(void)
{
    if (core_init()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_and_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_with_one_time_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_username, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_text_stored_verbatim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_search_and_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broad_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suspend_ends_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keeps_an_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passwords, setup, teardown),
        cmocka_unit_test_setup_teardown(test_to_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_or_nothing_in_callers_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_org_choices, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
