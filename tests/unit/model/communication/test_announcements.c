/* Announcements (announcement.c, announcement_read.c, announcement_email.c): scheduling (live
 * from the publish time until the expiry), audience resolution on a database (a department's
 * whole subtree, a job role, a manager's reporting line, nobody refused, who may announce to
 * whom), and the once-only email key: a fan-out run twice queues nobody twice. On SQLite, or
 * with LECTERN_TEST_PG on a fresh PostgreSQL database (fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "../../../../src/model/communication/communication.h"

#include "../../fixture.h"

static void test_scheduling(void **state)
{
    (void)state;
    assert_true(announcement_live(T0, 0, T0));
    assert_false(announcement_live(T0 + 1, 0, T0));           /* scheduled: not yet */
    assert_true(announcement_live(T0 - 10, T0 + 1, T0));
    assert_false(announcement_live(T0 - 10, T0, T0));         /* expires at that second */
    assert_string_equal(announcement_importance(NULL), "information");
    assert_string_equal(announcement_importance("urgent"), "urgent");
    assert_null(announcement_importance("loud"));
}

static int64_t person(struct fx *f, const char *username, const char *roles, int64_t dept, const char *manager)
{
    struct problem p = {0};
    int64_t id;
    char email[128];
    snprintf(email, sizeof email, "%s@example.org", username);
    struct user_input u = {.username = username, .email = email, .first_name = username, .last_name = "Test", .roles = roles};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &id, NULL, &p), LE_OK);
    struct user_org_input o = {.department_id = dept ? dept : -1, .job_role_id = -1, .manager = manager};
    if (dept || manager) assert_int_equal(user_org_update(f->db, f->a, id, &o, f->admin, &p), LE_OK);
    return id;
}

static int64_t reach(struct fx *f, struct announcement_input *in, int64_t actor, unsigned roles, lerr expect)
{
    struct problem p = {0};
    int64_t id = 0, n = -1;
    assert_int_equal(announcement_create(f->db, f->a, in, actor, roles, &id, &p), expect);
    if (expect) return -1;
    assert_int_equal(announcement_audience_count(f->db, id, &n), LE_OK);
    return n;
}

static bool sees(struct fx *f, int64_t user, const char *title)
{
    json_t *list = announcements_for_user(f->db, f->a, user, 0, false, 50);
    bool found = false;
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x) found |= str_eq(json_string_value(json_object_get(x, "title")), title);
    json_decref(list);
    return found;
}

static void test_audiences(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t ops, sales, deep, empty;
    assert_int_equal(department_create(f->db, "Operations", "", 0, f->admin, &ops, &p), LE_OK);
    assert_int_equal(department_create(f->db, "Sales", "", ops, f->admin, &sales, &p), LE_OK);
    assert_int_equal(department_create(f->db, "Field sales", "", sales, f->admin, &deep, &p), LE_OK);
    assert_int_equal(department_create(f->db, "Empty", "", 0, f->admin, &empty, &p), LE_OK);
    int64_t boss = person(f, "boss", "manager", 0, NULL);
    int64_t ann = person(f, "ann", "learner", deep, "boss");
    int64_t bob = person(f, "bob", "learner", sales, NULL);
    int64_t cy = person(f, "cy", "learner", 0, "ann"); /* under boss through ann */

    struct announcement_input in = {.title = "Ops", .body = "Hello", .audience = "department", .department_id = ops};
    assert_int_equal(reach(f, &in, f->admin, ROLE_ADMIN, LE_OK), 2); /* ann and bob, two levels down */
    assert_true(sees(f, ann, "Ops"));
    assert_true(sees(f, bob, "Ops"));
    assert_false(sees(f, cy, "Ops"));

    in = (struct announcement_input){.title = "Sales", .body = "x", .audience = "department", .department_id = deep};
    assert_int_equal(reach(f, &in, f->admin, ROLE_ADMIN, LE_OK), 1);
    assert_false(sees(f, bob, "Sales"));

    in = (struct announcement_input){.title = "Team", .body = "x", .audience = "team"};
    assert_int_equal(reach(f, &in, boss, ROLE_MANAGER, LE_OK), 2); /* the whole reporting line */
    assert_true(sees(f, cy, "Team"));
    assert_false(sees(f, bob, "Team"));

    in = (struct announcement_input){.title = "Role", .body = "x", .audience = "role", .role = "manager"};
    assert_int_equal(reach(f, &in, f->admin, ROLE_ADMIN, LE_OK), 1);
    assert_true(sees(f, boss, "Role"));

    /* Refused, and nothing kept: nobody in it; a manager beyond their team; an instructor
     * beyond their courses. */
    int64_t before = -1, after = -1;
    assert_int_equal(db_query_int(f->db, &before, "SELECT COUNT(*) FROM announcements", ""), LE_OK);
    in = (struct announcement_input){.title = "Void", .body = "x", .audience = "department", .department_id = empty};
    reach(f, &in, f->admin, ROLE_ADMIN, LE_INVALID);
    in = (struct announcement_input){.title = "Site", .body = "x", .audience = "site"};
    reach(f, &in, boss, ROLE_MANAGER, LE_FORBIDDEN);
    in.expire_at = T0 - 1;
    reach(f, &in, f->admin, ROLE_ADMIN, LE_INVALID);
    assert_int_equal(db_query_int(f->db, &after, "SELECT COUNT(*) FROM announcements", ""), LE_OK);
    assert_int_equal(before, after);
}

static void test_schedule_on_database(void **state)
{
    struct fx *f = *state;
    int64_t lea = person(f, "lea", "learner", 0, NULL);
    struct announcement_input in = {.title = "Later", .body = "x", .audience = "site", .publish_at = T0 + 3600};
    reach(f, &in, f->admin, ROLE_ADMIN, LE_OK);
    assert_false(sees(f, lea, "Later"));
    time_set_fake(T0 + 3600);
    assert_true(sees(f, lea, "Later"));
}

/* The summary answers "none can be live" without a query under one version, and follows
 * the clock and a new version. */
static void test_summary(void **state)
{
    struct fx *f = *state;
    person(f, "lea", "learner", 0, NULL);
    assert_true(announcements_may_be_live(f->db, 0, false)); /* unknown version: ask */
    assert_false(announcements_may_be_live(f->db, 11, false));
    struct announcement_input in = {.title = "Soon", .body = "x", .audience = "site", .importance = "urgent",
                                    .publish_at = T0 + 100, .expire_at = T0 + 200};
    reach(f, &in, f->admin, ROLE_ADMIN, LE_OK);
    assert_false(announcements_may_be_live(f->db, 11, false)); /* the same version: kept */
    assert_false(announcements_may_be_live(f->db, 12, false)); /* read again: not yet published */
    time_set_fake(T0 + 100);
    assert_true(announcements_may_be_live(f->db, 12, false));
    assert_true(announcements_may_be_live(f->db, 12, true));
    time_set_fake(T0 + 200);
    assert_false(announcements_may_be_live(f->db, 12, true)); /* expired by the clock */
    in = (struct announcement_input){.title = "Plain", .body = "x", .audience = "site"};
    reach(f, &in, f->admin, ROLE_ADMIN, LE_OK);
    assert_true(announcements_may_be_live(f->db, 13, false));
    assert_false(announcements_may_be_live(f->db, 13, true)); /* nothing urgent: no banner query */
}

static void test_email_once(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        person(f, name, "learner", 0, NULL);
    }
    struct announcement_input in = {.title = "Mail", .body = "x", .audience = "site", .email = true};
    int64_t id = 0;
    assert_int_equal(announcement_create(f->db, f->a, &in, f->admin, ROLE_ADMIN, &id, &p), LE_OK);
    int queued = 0, total = 0;
    bool more = true;
    /* In batches of two: three runs for five people, then nothing more. */
    for (int run = 0; more && run < 10; run++) {
        assert_int_equal(announcement_email_batch(f->db, f->a, id, 2, &queued, &more, &p), LE_OK);
        total += queued;
    }
    assert_int_equal(total, 5);
    assert_int_equal(announcement_email_batch(f->db, f->a, id, 2, &queued, &more, &p), LE_OK);
    assert_int_equal(queued, 0);
    assert_false(more);
    /* Even with the record of who was emailed out of the way of the reading query, the key
     * refuses a second message. */
    int64_t outbox = -1;
    assert_int_equal(db_query_int(f->db, &outbox, "SELECT COUNT(*) FROM mail_outbox WHERE template = 'announcement'", ""), LE_OK);
    assert_int_equal(outbox, 5);
    assert_int_equal(db_run(f->db,
                            "INSERT INTO announcement_emails (announcement_id, user_id, outbox_id, queued_at) SELECT ?1, "
                            "user_id, 0, 0 FROM announcement_emails WHERE announcement_id = ?1 ON CONFLICT DO NOTHING",
                            "i", id),
                     LE_OK);
    int64_t rows = -1;
    assert_int_equal(db_query_int(f->db, &rows, "SELECT COUNT(*) FROM announcement_emails WHERE announcement_id = ?1", "i", id), LE_OK);
    assert_int_equal(rows, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scheduling),
        cmocka_unit_test_setup_teardown(test_audiences, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_schedule_on_database, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_summary, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_email_once, setup_any, teardown),
    };
    if (core_init()) return 1;
    if (pg_admin_url()) fprintf(stderr, "test_announcements: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
