/* Requests to the administrators (request.c, request_state.c, request_read.c): the list of
 * usernames read from a list or a CSV, the states a request may move between, filing with its
 * checks (nothing kept on a refusal), the queue soonest needed first, a decline's reason, the
 * requester's message at each step, and the overdue count. On SQLite, or with LECTERN_TEST_PG on
 * a fresh PostgreSQL database (fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "../../../../src/model/communication/communication.h"

#include "../../fixture.h"

#define DAY 86400

static void test_usernames(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096);
    struct problem p = {0};
    const char *out;
    int n = 0;
    assert_int_equal(request_usernames_parse(a, "ann\nbob, cat;ann\r\n\n  dan ", &out, &n, &p), LE_OK);
    assert_string_equal(out, "ann\nbob\ncat\ndan");
    assert_int_equal(n, 4);
    assert_int_equal(request_usernames_parse(a, "Email,UserName\na@x.org,ann\n\"b@x.org\", \"bob\"\nc@x.org\n", &out,
                                             &n, &p),
                     LE_OK);
    assert_string_equal(out, "ann\nbob");
    assert_int_equal(request_usernames_parse(a, "\xEF\xBB\xBFusername;due\r\ncat;2027-01-01\r\n", &out, &n, &p), LE_OK);
    assert_string_equal(out, "cat"); /* a spreadsheet's BOM and semicolons */
    assert_int_equal(request_usernames_parse(a, " \n ,", &out, &n, &p), LE_INVALID);
    assert_string_equal(p.field, "usernames");
    char *many = arena_alloc(a, 600 * 8);
    for (int i = 0; i < 501; i++) sprintf(many + strlen(many), "u%d\n", i);
    assert_int_equal(request_usernames_parse(a, many, &out, &n, &p), LE_INVALID);
    arena_free(a);
}

static void test_states(void **state)
{
    (void)state;
    assert_true(request_state_allowed("new", "in_progress"));
    assert_true(request_state_allowed("new", "done"));
    assert_true(request_state_allowed("in_progress", "declined"));
    assert_false(request_state_allowed("in_progress", "in_progress"));
    assert_false(request_state_allowed("done", "declined"));
    assert_false(request_state_allowed("declined", "in_progress"));
    assert_false(request_state_allowed("new", "new"));
}

static int64_t person(struct fx *f, const char *username, const char *roles)
{
    struct problem p = {0};
    int64_t id;
    char email[128];
    snprintf(email, sizeof email, "%s@example.org", username);
    struct user_input u = {.username = username, .email = email, .first_name = username, .last_name = "Test", .roles = roles};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &id, NULL, &p), LE_OK);
    return id;
}

static int64_t count(struct fx *f, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, sql, ""), LE_OK);
    return n;
}

static const char *day_text(struct fx *f, int64_t t)
{
    char iso[21];
    time_iso8601(t, iso);
    return arena_strndup(f->a, iso, 10);
}

static void test_filing_and_queue(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t ivy = person(f, "ivy", "instructor");
    person(f, "lea", "learner");
    struct course_input c = COURSE_INPUT_INIT;
    c.code = "REQ-1", c.title = "First aid", c.status = "published";
    int64_t course_id;
    assert_int_equal(course_create(f->db, f->a, &c, f->admin, &course_id, &p), LE_OK);
    int64_t mails = count(f, "SELECT COUNT(*) FROM mail_outbox");

    struct request_input bad = {.kind = "enrol", .course_code = "REQ-1", .usernames = "lea\nghost",
                                .needed_by = day_text(f, T0 + 5 * DAY)};
    assert_int_equal(admin_request_create(f->db, f->a, &bad, ivy, NULL, &p), LE_INVALID);
    assert_string_equal(p.field, "usernames");
    assert_non_null(strstr(p.message, "ghost"));
    struct request_input past = {.kind = "course", .title = "Late", .needed_by = day_text(f, T0 - 2 * DAY)};
    assert_int_equal(admin_request_create(f->db, f->a, &past, ivy, NULL, &p), LE_INVALID);
    assert_string_equal(p.field, "needed_by");
    assert_int_equal(count(f, "SELECT COUNT(*) FROM admin_requests"), 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM mail_outbox"), mails);

    struct request_input later = {.kind = "course", .title = "Forklifts", .needed_by = day_text(f, T0 + 9 * DAY)};
    struct request_input sooner = {.kind = "enrol", .course_code = "REQ-1", .usernames = "lea",
                                   .needed_by = day_text(f, T0 + 2 * DAY)};
    int64_t a_id, b_id;
    assert_int_equal(admin_request_create(f->db, f->a, &later, ivy, &a_id, &p), LE_OK);
    assert_int_equal(admin_request_create(f->db, f->a, &sooner, ivy, &b_id, &p), LE_OK);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM mail_outbox"), mails + 2); /* each filing told */
    json_t *q = admin_requests_queue(f->db, f->a, "open", 10);
    assert_int_equal(json_array_size(q), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(q, 0), "id")), b_id);
    json_decref(q);

    assert_int_equal(admin_request_set_state(f->db, f->a, a_id, "declined", "", f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "reason");
    assert_int_equal(admin_request_set_state(f->db, f->a, a_id, "declined", "Exists already", f->admin, &p), LE_OK);
    assert_int_equal(admin_request_set_state(f->db, f->a, a_id, "done", NULL, f->admin, &p), LE_CONFLICT);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM mail_outbox"), mails + 3);
    json_t *one = NULL;
    assert_int_equal(admin_request_json(f->db, f->a, a_id, ivy, ROLE_INSTRUCTOR, &one, &p), LE_OK);
    assert_string_equal(json_string_value(json_object_get(one, "reason")), "Exists already");
    json_decref(one);
    int64_t lea = 0;
    assert_int_equal(db_query_int(f->db, &lea, "SELECT id FROM users WHERE username = 'lea'", ""), LE_OK);
    assert_int_equal(admin_request_json(f->db, f->a, a_id, lea, ROLE_LEARNER, &one, &p), LE_NOTFOUND);

    /* Overdue once the day it was needed by has ended, while it is open. */
    int64_t n = -1;
    assert_int_equal(admin_requests_overdue_count(f->db, T0, &n), LE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(admin_requests_overdue_count(f->db, T0 + 4 * DAY, &n), LE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(admin_request_set_state(f->db, f->a, b_id, "done", NULL, f->admin, &p), LE_OK);
    assert_int_equal(admin_requests_overdue_count(f->db, T0 + 4 * DAY, &n), LE_OK);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usernames),
        cmocka_unit_test(test_states),
        cmocka_unit_test_setup_teardown(test_filing_and_queue, setup_any, teardown),
    };
    if (core_init()) return 1;
    if (pg_admin_url()) fprintf(stderr, "test_requests: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
