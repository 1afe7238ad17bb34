/* Process documents (doc_diff.c, doc_page.c, doc_read.c, doc_review.c): the line diff, slugs
 * from titles, who may read which audience, revisions and a restore, a parent under the page
 * itself refused, and the review reminder once per page and review date. On SQLite, or with
 * LECTERN_TEST_PG on a fresh PostgreSQL database (fixture.h). */
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

/* The diff as one string: "=a -b +c" for same, deleted and added lines. */
static const char *diff_text(struct arena *a, const char *x, const char *y)
{
    json_t *d = line_diff(a, x, y);
    const char *s = "";
    size_t i;
    json_t *l;
    json_array_foreach(d, i, l)
    {
        const char *op = json_string_value(json_object_get(l, "op"));
        s = arena_sprintf(a, "%s%s%c%s", s, i ? " " : "", str_eq(op, "same") ? '=' : str_eq(op, "del") ? '-' : '+',
                          json_string_value(json_object_get(l, "text")));
    }
    json_decref(d);
    return s;
}

static void test_line_diff(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096);
    assert_string_equal(diff_text(a, "a\nb\nc", "a\nb\nc"), "=a =b =c");
    assert_string_equal(diff_text(a, "a\nb\nc", "a\nx\nc"), "=a -b +x =c");
    assert_string_equal(diff_text(a, "", "a\nb"), "+a +b");
    assert_string_equal(diff_text(a, "a\nb\n", ""), "-a -b");
    assert_string_equal(diff_text(a, "a\r\nb\r\n", "a\nb"), "=a =b"); /* line ends do not count */
    /* The longest common subsequence keeps the moved-around middle small. */
    assert_string_equal(diff_text(a, "h\na\nb\nc\nd\nt", "h\nb\nc\nx\nd\nt"), "=h -a =b =c +x =d =t");
    assert_string_equal(diff_text(a, "a\nb", "b\na"), "-a =b +a");
    assert_string_equal(diff_text(a, NULL, NULL), "");
    arena_free(a);
}

static void test_slugs_and_audiences(void **state)
{
    (void)state;
    char s[DOC_SLUG_MAX + 1];
    doc_slug_from_title("Enrolment checklist", s);
    assert_string_equal(s, "enrolment-checklist");
    doc_slug_from_title("  Rooms & Bookings: 2027!  ", s);
    assert_string_equal(s, "rooms-bookings-2027");
    doc_slug_from_title("Été", s);
    assert_string_equal(s, "t");
    assert_true(doc_audience_allows("admin", ROLE_ADMIN));
    assert_false(doc_audience_allows("admin", ROLE_MANAGER | ROLE_INSTRUCTOR));
    assert_true(doc_audience_allows("manager", ROLE_MANAGER));
    assert_false(doc_audience_allows("manager", ROLE_LEARNER | ROLE_INSTRUCTOR));
    assert_true(doc_audience_allows("instructor", ROLE_INSTRUCTOR));
    assert_true(doc_audience_allows("everyone", ROLE_LEARNER));
    assert_true(doc_audience_allows("instructor", ROLE_ADMIN));
}

static int64_t count(struct fx *f, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, sql, ""), LE_OK);
    return n;
}

static void test_revisions_and_restore(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    const char *slug = NULL;
    struct doc_input top = {.title = "Handbook", .body = "one\ntwo", .audience = "everyone"};
    assert_int_equal(doc_create(f->db, f->a, &top, f->admin, &slug, &p), LE_OK);
    assert_string_equal(slug, "handbook");
    struct doc_input child = {.title = "Checklist", .body = "x", .parent = "handbook", .audience = "manager"};
    assert_int_equal(doc_create(f->db, f->a, &child, f->admin, &slug, &p), LE_OK);
    struct doc_input same_title = {.title = "Handbook", .body = "again"};
    assert_int_equal(doc_create(f->db, f->a, &same_title, f->admin, &slug, &p), LE_OK);
    assert_string_equal(slug, "handbook-2");

    struct doc_input loop = {.title = "Handbook", .body = "one", .parent = "checklist"};
    assert_int_equal(doc_update(f->db, f->a, "handbook", &loop, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "parent");
    struct doc_input edit = {.title = "Handbook", .body = "one\n2", .note = "second line"};
    assert_int_equal(doc_update(f->db, f->a, "handbook", &edit, f->admin, &p), LE_OK);
    assert_int_equal(doc_restore(f->db, f->a, "handbook", 1, f->admin, &p), LE_OK);
    assert_int_equal(doc_restore(f->db, f->a, "handbook", 7, f->admin, &p), LE_NOTFOUND);
    json_t *page = NULL;
    assert_int_equal(doc_json(f->db, f->a, "handbook", ROLE_LEARNER, &page, &p), LE_OK);
    assert_int_equal(json_integer_value(json_object_get(page, "revision")), 3);
    assert_string_equal(json_string_value(json_object_get(page, "body")), "one\ntwo");
    assert_string_equal(json_string_value(json_object_get(page, "audience")), "everyone"); /* kept by the edit */
    assert_int_equal(json_array_size(json_object_get(page, "children")), 0);              /* a manager's page */
    json_decref(page);
    assert_int_equal(doc_json(f->db, f->a, "checklist", ROLE_LEARNER, &page, &p), LE_NOTFOUND);
    json_t *d = NULL;
    assert_int_equal(doc_diff_json(f->db, f->a, "handbook", 2, 3, ROLE_LEARNER, &d, &p), LE_OK);
    assert_int_equal(json_array_size(json_object_get(d, "lines")), 3);
    json_decref(d);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM doc_revisions"), 5);
}

static void test_review_once(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    char day[21];
    time_iso8601(T0 + 3 * DAY, day);
    day[10] = '\0';
    struct user_input u = {.username = "owen", .email = "owen@example.org", .first_name = "Owen", .last_name = "Test",
                           .roles = "manager"};
    int64_t owen;
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &owen, NULL, &p), LE_OK);
    struct doc_input in = {.title = "Review me", .body = "x", .review_on = day, .owner = "owen"};
    assert_int_equal(doc_create(f->db, f->a, &in, f->admin, NULL, &p), LE_OK);
    int64_t mails = count(f, "SELECT COUNT(*) FROM mail_outbox");
    int sent = -1;
    assert_int_equal(doc_review_scan(f->db, f->a, T0 + 2 * DAY, &sent, &p), LE_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(doc_review_scan(f->db, f->a, T0 + 3 * DAY, &sent, &p), LE_OK);
    assert_int_equal(sent, 1);
    assert_int_equal(doc_review_scan(f->db, f->a, T0 + 4 * DAY, &sent, &p), LE_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM mail_outbox"), mails + 1);
    /* A new review date reminds again when it comes. */
    time_iso8601(T0 + 30 * DAY, day);
    day[10] = '\0';
    struct doc_input later = {.title = "Review me", .body = "y", .review_on = day, .owner = "owen"};
    assert_int_equal(doc_update(f->db, f->a, "review-me", &later, f->admin, &p), LE_OK);
    assert_int_equal(doc_review_scan(f->db, f->a, T0 + 31 * DAY, &sent, &p), LE_OK);
    assert_int_equal(sent, 1);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM doc_review_reminders"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_diff),
        cmocka_unit_test(test_slugs_and_audiences),
        cmocka_unit_test_setup_teardown(test_revisions_and_restore, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_review_once, setup_any, teardown),
    };
    if (core_init()) return 1;
    if (pg_admin_url()) fprintf(stderr, "test_docs: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
