/* Sign-in support in the model: single-use links (hashed, expiring, single-use, retired by a
 * newer one), the forgot-password rate limits on a fake clock, temporary passwords, "log in
 * as", the outbox and its retry, and the message the sender builds. */
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
#include "../../../../src/jobs/jobs.h"
#include "../../../../src/view/view.h"

#define T0 1800000000LL
#define PW "violet kettle ferry 42"
#define NEW_PW "copper meadow violin 58"

struct fx {
    char root[64];
    struct db *db;
    struct arena *a;
    int64_t kim, ada, admin;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int64_t mkuser(struct fx *f, const char *name, const char *email, const char *roles)
{
    struct user_input in = {.username = name, .email = email, .roles = roles};
    struct problem p = {0};
    int64_t id = 0;
    if (user_create(f->db, f->a, &in, PW, false, 0, &id, NULL, &p)) fail_msg("user_create %s: %s", name, p.message);
    return id;
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
    mail_config.default_base_url = "http://lectern.test/";
    f->kim = mkuser(f, "kim", "kim@example.org", "learner");
    f->ada = mkuser(f, "ada", "ada@example.org", "admin");
    f->admin = mkuser(f, "boss", "boss@example.org", "admin");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    time_set_fake(0);
    mail_config.default_base_url = NULL;
    arena_free(f->a);
    db_close(f->db);
    nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static int64_t count(struct fx *f, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, sql, ""), LE_OK);
    return n;
}

static lerr use(struct fx *f, const char *token, const char *pw)
{
    struct problem p = {0};
    int64_t uid = 0;
    return signin_link_use(f->db, token, pw, "192.0.2.1", &uid, &p);
}

static void test_token_is_random_and_stored_hashed(void **state)
{
    struct fx *f = *state;
    char t1[65], t2[65], hash[65];
    struct problem p = {0};
    assert_int_equal(signin_link_issue(f->db, f->kim, SIGNIN_LINK_RESET, 0, "192.0.2.1", t1, &p), LE_OK);
    assert_int_equal(signin_link_issue(f->db, f->kim, SIGNIN_LINK_RESET, 0, NULL, t2, &p), LE_OK);
    assert_int_equal(strlen(t1), 64);
    assert_int_not_equal(strcmp(t1, t2), 0);
    for (const char *c = t1; *c; c++) assert_non_null(strchr("0123456789abcdef", *c));
    /* Only the SHA-256 is stored: no row holds the token itself. */
    sha256_hex(t2, 64, hash);
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM signin_links WHERE token_hash = ?1", "s", hash), LE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM signin_links WHERE token_hash = ?1", "s", t2), LE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM signin_links WHERE expires_at = 1800001800"), 2);
}

static void test_link_works_once_and_signs_out(void **state)
{
    struct fx *f = *state;
    char token[65];
    struct problem p = {0};
    struct session_new sn;
    assert_int_equal(auth_sign_in(f->db, "kim", PW, "192.0.2.1", "test", &sn, &p), LE_OK);
    assert_int_equal(signin_link_issue(f->db, f->kim, SIGNIN_LINK_RESET, 0, NULL, token, &p), LE_OK);
    struct signin_link l;
    assert_int_equal(signin_link_check(f->db, f->a, token, &l, &p), LE_OK);
    assert_string_equal(l.username, "kim");
    assert_string_equal(l.purpose, "reset");
    /* The policy applies; a refused password leaves the link usable. */
    assert_int_equal(use(f, token, "short"), LE_INVALID);
    assert_int_equal(use(f, token, NEW_PW), LE_OK);
    assert_true(user_check_password(f->db, f->kim, NEW_PW));
    struct session_user su;
    assert_int_equal(session_lookup(f->db, f->a, sn.token, &su), LE_AUTH);
    assert_int_equal(use(f, token, "another long passphrase 1"), LE_INVALID);
    assert_int_equal(signin_link_check(f->db, f->a, token, &l, &p), LE_INVALID);
    assert_string_equal(p.field, "token");
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.password_reset_by_link'"), 1);
    int64_t bad = 0;
    assert_int_equal(audit_verify(f->db, &bad, NULL, &p), LE_OK);
}

static void test_link_expires(void **state)
{
    struct fx *f = *state;
    char token[65];
    struct problem p = {0};
    struct signin_link l;
    assert_int_equal(signin_link_issue(f->db, f->kim, SIGNIN_LINK_RESET, 0, NULL, token, &p), LE_OK);
    time_set_fake(T0 + 1799);
    assert_int_equal(signin_link_check(f->db, f->a, token, &l, &p), LE_OK);
    time_set_fake(T0 + 1800);
    assert_int_equal(signin_link_check(f->db, f->a, token, &l, &p), LE_INVALID);
    assert_int_equal(use(f, token, NEW_PW), LE_INVALID);
    assert_true(user_check_password(f->db, f->kim, PW));
    /* A welcome link lives for days. */
    time_set_fake(T0);
    assert_int_equal(signin_link_issue(f->db, f->kim, SIGNIN_LINK_WELCOME, 0, NULL, token, &p), LE_OK);
    time_set_fake(T0 + 6 * 86400);
    assert_int_equal(signin_link_check(f->db, f->a, token, &l, &p), LE_OK);
    assert_string_equal(l.purpose, "welcome");
    time_set_fake(T0 + 7 * 86400);
    assert_int_equal(signin_link_check(f->db, f->a, token, &l, &p), LE_INVALID);
}

static void test_newer_link_and_other_ways_retire_links(void **state)
{
    struct fx *f = *state;
    char t1[65], t2[65], t3[65];
    struct problem p = {0};
    struct signin_link l;
    assert_int_equal(signin_link_issue(f->db, f->kim, SIGNIN_LINK_RESET, 0, NULL, t1, &p), LE_OK);
    assert_int_equal(signin_link_issue(f->db, f->kim, SIGNIN_LINK_RESET, 0, NULL, t2, &p), LE_OK);
    assert_int_equal(signin_link_check(f->db, f->a, t1, &l, &p), LE_INVALID);
    assert_int_equal(signin_link_check(f->db, f->a, t2, &l, &p), LE_OK);
    /* A temporary password retires open links too. */
    assert_int_equal(user_set_temporary_password(f->db, f->kim, "temporary passphrase 7", f->admin, &p), LE_OK);
    assert_int_equal(signin_link_check(f->db, f->a, t2, &l, &p), LE_INVALID);
    /* A suspended account's link does not work. */
    assert_int_equal(signin_link_issue(f->db, f->kim, SIGNIN_LINK_RESET, 0, NULL, t3, &p), LE_OK);
    assert_int_equal(user_suspend(f->db, f->kim, f->admin, &p), LE_OK);
    assert_int_equal(signin_link_check(f->db, f->a, t3, &l, &p), LE_INVALID);
}

static const char *request(struct fx *f, const char *login, const char *ip)
{
    const char *outcome = NULL;
    struct problem p = {0};
    int64_t wait = -1;
    lerr e = password_reset_request(f->db, login, ip, &outcome, &wait, &p);
    /* Only the address's limit is answered; an account's stays silent. */
    assert_int_equal(e, str_eq(outcome, "ip_limited") ? LE_RATELIMIT : LE_OK);
    assert_true(str_eq(outcome, "ip_limited") ? wait > 0 : wait == 0);
    return outcome;
}

static void test_request_outcomes_and_account_limit(void **state)
{
    struct fx *f = *state;
    assert_string_equal(request(f, "nobody", "192.0.2.1"), "unknown");
    assert_string_equal(request(f, "KIM@example.org", "192.0.2.2"), "sent");
    assert_string_equal(request(f, " Kim ", "192.0.2.3"), "sent");
    assert_string_equal(request(f, "kim", "192.0.2.4"), "sent");
    /* Three messages an hour per account, from any address. */
    assert_string_equal(request(f, "kim", "192.0.2.5"), "account_limited");
    assert_int_equal(count(f, "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'kim@example.org'"), 3);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'"), 3);
    time_set_fake(T0 + 3601);
    assert_string_equal(request(f, "kim", "192.0.2.6"), "sent");
    /* No email, suspended: nothing sent, the same LE_OK. */
    struct user_input in = {.username = "nomail", .roles = "learner"};
    struct problem p = {0};
    assert_int_equal(user_create(f->db, f->a, &in, PW, false, 0, NULL, NULL, &p), LE_OK);
    assert_string_equal(request(f, "nomail", "192.0.2.7"), "no_email");
    assert_int_equal(user_suspend(f->db, f->ada, f->admin, &p), LE_OK);
    assert_string_equal(request(f, "ada", "192.0.2.8"), "suspended");
    /* Rows older than a day are dropped. */
    time_set_fake(T0 + 2 * 86400);
    request(f, "nobody", "192.0.2.9");
    assert_int_equal(count(f, "SELECT COUNT(*) FROM reset_requests"), 1);
}

static void test_ip_limit(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < 10; i++) {
        char login[32];
        snprintf(login, sizeof login, "nobody%d", i);
        assert_string_equal(request(f, login, "198.51.100.7"), "unknown");
    }
    assert_string_equal(request(f, "kim", "198.51.100.7"), "ip_limited");
    assert_string_equal(request(f, "kim", "198.51.100.8"), "sent");
    assert_int_equal(count(f, "SELECT COUNT(*) FROM mail_outbox"), 1);
    /* The refusal says how long until the oldest request leaves the hour, and refusals do
     * not count, so asking again while waiting does not push that further. */
    time_set_fake(T0 + 600);
    const char *outcome = NULL;
    struct problem p = {0};
    int64_t wait = 0;
    assert_int_equal(password_reset_request(f->db, "kim", "198.51.100.7", &outcome, &wait, &p), LE_RATELIMIT);
    assert_int_equal(wait, 3600 - 600);
    assert_non_null(strstr(p.message, "Wait 50 minutes"));
    assert_int_equal(count(f, "SELECT COUNT(*) FROM reset_requests WHERE outcome = 'ip_limited'"), 2);
    time_set_fake(T0 + 3601);
    assert_string_equal(request(f, "kim", "198.51.100.7"), "sent");
}

static void test_no_site_address_no_link(void **state)
{
    struct fx *f = *state;
    mail_config.default_base_url = NULL;
    struct problem p = {0};
    assert_int_equal(signin_link_send(f->db, f->kim, SIGNIN_LINK_RESET, f->admin, NULL, &p), LE_CONFLICT);
    assert_string_equal(p.field, "site_url");
    assert_string_equal(request(f, "kim", "192.0.2.1"), "failed");
    assert_int_equal(count(f, "SELECT COUNT(*) FROM mail_outbox"), 0);
    /* The site address setting wins over the default. */
    struct mail_settings_input in = {.site_url = "https://learn.example.org/"};
    assert_int_equal(mail_settings_update(f->db, &in, f->admin, &p), LE_OK);
    int64_t id = 0;
    assert_int_equal(signin_link_send(f->db, f->kim, SIGNIN_LINK_WELCOME, f->admin, &id, &p), LE_OK);
    struct mail_message m;
    assert_int_equal(mail_get(f->db, f->a, id, &m), LE_OK);
    assert_string_equal(m.template, "signin_link");
    assert_string_equal(m.state, "queued");
    /* The queued message names its link; the token is minted only as it is sent. */
    assert_null(strstr(m.data, "token="));
    json_t *data = json_loads(m.data, 0, NULL);
    assert_true(json_is_integer(json_object_get(data, "link_id")));
    const char *url = NULL;
    assert_int_equal(signin_link_mint(f->db, f->a, json_integer_value(json_object_get(data, "link_id")), &url, &p), LE_OK);
    json_decref(data);
    assert_non_null(strstr(url, "https://learn.example.org/reset-password?token="));
}

/* The token a message carries is minted at each attempt at sending; only the newest works,
 * and a link replaced before its message went out mints nothing. */
static void test_link_minted_at_send(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t older = 0, newer = 0;
    assert_int_equal(signin_link_send(f->db, f->kim, SIGNIN_LINK_RESET, f->admin, &older, &p), LE_OK);
    int64_t older_link = 0, newer_link = 0;
    assert_int_equal(db_query_int(f->db, &older_link, "SELECT MAX(id) FROM signin_links", ""), LE_OK);
    const char *first = NULL, *retried = NULL;
    assert_int_equal(signin_link_mint(f->db, f->a, older_link, &first, &p), LE_OK);
    assert_int_equal(signin_link_mint(f->db, f->a, older_link, &retried, &p), LE_OK);
    struct signin_link l;
    const char *token_of_first = strstr(first, "token=") + 6, *token_of_retry = strstr(retried, "token=") + 6;
    assert_int_equal(signin_link_check(f->db, f->a, token_of_first, &l, &p), LE_INVALID);
    assert_int_equal(signin_link_check(f->db, f->a, token_of_retry, &l, &p), LE_OK);

    assert_int_equal(signin_link_send(f->db, f->kim, SIGNIN_LINK_RESET, f->admin, &newer, &p), LE_OK);
    assert_int_equal(db_query_int(f->db, &newer_link, "SELECT MAX(id) FROM signin_links", ""), LE_OK);
    assert_true(newer_link > older_link);
    const char *stale = NULL;
    assert_int_equal(signin_link_mint(f->db, f->a, older_link, &stale, &p), LE_CONFLICT);
    assert_null(stale);
    assert_non_null(strstr(p.message, "newer"));
    assert_int_equal(signin_link_check(f->db, f->a, token_of_retry, &l, &p), LE_INVALID);
    assert_int_equal(mail_mark_superseded(f->db, older, p.message), LE_OK);
    struct mail_message m;
    assert_int_equal(mail_get(f->db, f->a, older, &m), LE_OK);
    assert_string_equal(m.state, "superseded");
    assert_int_equal(mail_retry(f->db, older, f->admin, &p), LE_CONFLICT);
}

static void test_temporary_password(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct session_new sn;
    for (int i = 0; i < 5; i++) auth_sign_in(f->db, "kim", "wrong password here", "192.0.2.1", "t", &sn, &p);
    struct user u;
    assert_int_equal(user_get(f->db, f->a, f->kim, &u, &p), LE_OK);
    assert_true(u.locked_until > T0);
    assert_int_equal(user_set_temporary_password(f->db, f->kim, "kim", f->admin, &p), LE_INVALID);
    assert_int_equal(user_set_temporary_password(f->db, f->kim, "temporary passphrase 7", f->admin, &p), LE_OK);
    assert_int_equal(user_get(f->db, f->a, f->kim, &u, &p), LE_OK);
    assert_int_equal(u.locked_until, 0);
    assert_true(u.must_change_password);
    assert_int_equal(auth_sign_in(f->db, "kim", "temporary passphrase 7", "192.0.2.1", "t", &sn, &p), LE_OK);
    assert_true(sn.must_change_password);
}

static void test_impersonation(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct session_new admin_s, imp;
    assert_int_equal(auth_sign_in(f->db, "boss", PW, "192.0.2.1", "t", &admin_s, &p), LE_OK);
    struct session_user su;
    assert_int_equal(session_lookup(f->db, f->a, admin_s.token, &su), LE_OK);
    /* Never another administrator, never oneself, never as a learner. */
    assert_int_equal(impersonation_start(f->db, f->admin, f->ada, 0, "192.0.2.1", "t", &imp, &p), LE_FORBIDDEN);
    assert_int_equal(impersonation_start(f->db, f->admin, f->admin, 0, "192.0.2.1", "t", &imp, &p), LE_FORBIDDEN);
    assert_int_equal(impersonation_start(f->db, f->kim, f->ada, 0, "192.0.2.1", "t", &imp, &p), LE_FORBIDDEN);
    assert_int_equal(impersonation_start(f->db, f->admin, f->kim, su.session_id, "192.0.2.1", "t", &imp, &p), LE_OK);
    struct session_user who;
    assert_int_equal(session_lookup(f->db, f->a, imp.token, &who), LE_OK);
    assert_int_equal(who.user_id, f->kim);
    assert_int_equal(who.impersonator_id, f->admin);
    assert_string_equal(who.impersonator_name, "boss");
    int64_t imp_session = who.session_id;
    /* The administrator's browser session was swapped for it. */
    assert_int_equal(session_lookup(f->db, f->a, admin_s.token, &su), LE_AUTH);
    /* It ends after an hour at most, recorded when it is next used. */
    time_set_fake(T0 + 3600);
    assert_int_equal(session_lookup(f->db, f->a, imp.token, &who), LE_AUTH);
    assert_string_equal(who.impersonation_ended, IMPERSONATION_ENDED_EXPIRED);
    time_set_fake(T0 + 10);
    int64_t admin_id = 0;
    assert_int_equal(impersonation_end(f->db, imp_session, &admin_id, &p), LE_CONFLICT);
    /* Ended by the administrator ("return to your account"). */
    assert_int_equal(impersonation_start(f->db, f->admin, f->kim, 0, "192.0.2.1", "t", &imp, &p), LE_OK);
    assert_int_equal(session_lookup(f->db, f->a, imp.token, &who), LE_OK);
    assert_int_equal(impersonation_end(f->db, who.session_id, &admin_id, &p), LE_OK);
    assert_int_equal(admin_id, f->admin);
    assert_int_equal(impersonation_end(f->db, who.session_id, &admin_id, &p), LE_CONFLICT);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.impersonate_start'"), 2);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.impersonate_end'"), 2);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'auth.impersonate%' AND actor_id <> 3"), 0);
    /* A suspended user cannot be impersonated. */
    assert_int_equal(user_suspend(f->db, f->kim, f->admin, &p), LE_OK);
    assert_int_equal(impersonation_start(f->db, f->admin, f->kim, 0, "192.0.2.1", "t", &imp, &p), LE_CONFLICT);
}

static void test_outbox_states_and_retry(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t id = 0;
    json_t *d = json_pack("{s:s}", "link", "http://lectern.test/reset-password?token=secret");
    assert_int_equal(mail_enqueue(f->db, "not an address", "test", d, 0, true, &id, &p), LE_INVALID);
    assert_int_equal(mail_enqueue(f->db, "kim@example.org", "test", d, f->kim, true, &id, &p), LE_OK);
    json_decref(d);
    struct mail_message m;
    assert_int_equal(mail_get(f->db, f->a, id, &m), LE_OK);
    assert_string_equal(m.state, "queued");
    assert_true(m.job_id > 0);
    int64_t first_job = m.job_id;
    assert_int_equal(mail_retry(f->db, id, f->admin, &p), LE_OK); /* "send now" while waiting */
    assert_int_equal(mail_mark_sending(f->db, id), LE_OK);
    assert_int_equal(mail_retry(f->db, id, f->admin, &p), LE_CONFLICT);
    assert_int_equal(mail_mark_failed(f->db, id, "Test", "connection refused", true), LE_OK);
    assert_int_equal(mail_get(f->db, f->a, id, &m), LE_OK);
    assert_string_equal(m.state, "failed");
    assert_string_equal(m.last_error, "connection refused");
    assert_int_equal(m.attempts, 1);
    assert_true(m.job_id != first_job);
    struct mail_message *list;
    int n, total;
    assert_int_equal(mail_list(f->db, f->a, "failed", 1, 10, &list, &n, &total), LE_OK);
    assert_int_equal(total, 1);
    assert_int_equal(mail_retry(f->db, id, f->admin, &p), LE_OK);
    assert_int_equal(mail_get(f->db, f->a, id, &m), LE_OK);
    assert_string_equal(m.state, "queued");
    assert_int_equal(mail_mark_sent(f->db, id, "Test"), LE_OK);
    assert_int_equal(mail_get(f->db, f->a, id, &m), LE_OK);
    assert_string_equal(m.state, "sent");
    assert_string_equal(m.data, "{}"); /* the link is not kept once the message is out */
    assert_int_equal(mail_retry(f->db, id, f->admin, &p), LE_CONFLICT);
    /* A job that failed without the sender's word shows the message failed. */
    assert_int_equal(mail_enqueue(f->db, "kim@example.org", "test", NULL, 0, true, &id, &p), LE_OK);
    assert_int_equal(mail_get(f->db, f->a, id, &m), LE_OK);
    assert_int_equal(db_run(f->db, "UPDATE jobs SET state = 'failed', last_error = 'lease ran out' WHERE id = ?1", "i", m.job_id), LE_OK);
    assert_int_equal(mail_get(f->db, f->a, id, &m), LE_OK);
    assert_string_equal(m.state, "failed");
    assert_string_equal(m.last_error, "lease ran out");
    json_t *j = mail_to_json(&m);
    assert_null(json_object_get(j, "data"));
    json_decref(j);
}

static void test_message_format(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct mail_rendered r;
    assert_int_equal(mail_render(f->a, "password_reset", "{\"link\":\"http://x/reset-password?token=abc\",\"username\":\"kim\","
                                 "\"first_name\":\"Kim\",\"valid_minutes\":30}", "Café & Co", "http://x", &r, &p), LE_OK);
    assert_string_equal(r.subject, "Choose a new password (Café & Co)");
    assert_non_null(strstr(r.text, "Hello Kim,"));
    assert_non_null(strstr(r.text, "http://x/reset-password?token=abc"));
    assert_non_null(strstr(r.text, "30 minutes"));
    assert_non_null(strstr(r.text, "Café & Co")); /* plain text: not HTML-escaped */
    assert_non_null(r.html);
    assert_non_null(strstr(r.html, "Café &amp; Co"));
    assert_int_equal(mail_render(f->a, "no_such_template", "{}", "x", "", &r, &p), LE_INVALID);

    struct mail_settings s = {.host = "smtp.example.org", .port = 25, .tls = "none", .username = "", .password = "",
                              .from_address = "training@example.org", .from_name = "Équipe \"Formation\"", .site_url = ""};
    struct mail_rendered m = {.subject = "Réinitialisation", .text = "Bonjour,\nligne é\n.\nfin", .html = NULL};
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(mail_format_message(&b, &s, "kim@example.org", &m, T0, &p), LE_OK);
    assert_non_null(strstr(b.data, "From: =?UTF-8?B?"));
    assert_non_null(strstr(b.data, "<training@example.org>\r\nTo: <kim@example.org>\r\n"));
    assert_non_null(strstr(b.data, "Subject: =?UTF-8?B?UsOpaW5pdGlhbGlzYXRpb24=?=\r\n"));
    assert_non_null(strstr(b.data, "Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"));
    assert_non_null(strstr(b.data, "Content-Transfer-Encoding: quoted-printable\r\n"));
    assert_non_null(strstr(b.data, "ligne =C3=A9\r\n"));
    assert_null(strstr(b.data, "\n\n")); /* every line ends in CRLF */
    buf_reset(&b);
    struct mail_settings nofrom = s;
    nofrom.from_address = "";
    assert_int_equal(mail_format_message(&b, &nofrom, "kim@example.org", &m, T0, &p), LE_CONFLICT);
    buf_release(&b);
    /* Header injection through the subject is impossible: a rendered subject is one line. */
    assert_int_equal(mail_render(f->a, "test", "{\"requested_by\":\"x\"}", "Site\r\nBcc: evil@example.org", "", &r, &p), LE_OK);
    assert_null(strchr(r.subject, '\n'));
    assert_null(strchr(r.subject, '\r'));
}

static void test_signin_help_text(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    const char *text;
    assert_int_equal(signin_help_get(f->db, f->a, &text), LE_OK);
    assert_string_equal(text, "");
    assert_int_equal(signin_help_set(f->db, "Training team\r\nRoom 4\r\n\r\n", f->admin, &p), LE_OK);
    assert_int_equal(signin_help_get(f->db, f->a, &text), LE_OK);
    assert_string_equal(text, "Training team\nRoom 4");
    assert_int_equal(signin_help_set(f->db, "bell\a", f->admin, &p), LE_INVALID);
    char big[SIGNIN_HELP_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(signin_help_set(f->db, big, f->admin, &p), LE_INVALID);
}

int main(void)
{
    if (core_init()) return 1;
    if (i18n_load()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_token_is_random_and_stored_hashed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_works_once_and_signs_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_expires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_link_and_other_ways_retire_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_outcomes_and_account_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_site_address_no_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_minted_at_send, setup, teardown),
        cmocka_unit_test_setup_teardown(test_temporary_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impersonation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox_states_and_retry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_message_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signin_help_text, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
