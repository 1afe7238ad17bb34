/* Courses: category loops, dates, course rules, tags, copy, search on SQLite, enrolment and
 * Markdown safety. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../../src/model/courses/courses.h"
#include "../../../../src/http/http.h"

#include "../../fixture.h"

static void test_markdown_safe(void **state)
{
    (void)state;
    struct arena *a = arena_new(0);
    const char *h = markdown_to_html(a, "**bold** <script>alert(1)</script> <b onclick=x>hi</b>\n\n"
                                        "[a](javascript:alert(1)) [b](https://example.com) ~~gone~~\n\n"
                                        "| x | y |\n|---|---|\n| 1 | 2 |\n");
    assert_non_null(strstr(h, "<strong>bold</strong>"));
    assert_null(strstr(h, "<script"));
    assert_null(strstr(h, "onclick"));
    assert_null(strstr(h, "javascript:"));
    assert_non_null(strstr(h, "href=\"https://example.com\""));
    assert_non_null(strstr(h, "<del>gone</del>"));
    assert_non_null(strstr(h, "<table>"));
    assert_string_equal(markdown_to_html(a, ""), "");
    assert_string_equal(markdown_to_html(a, NULL), "");
    arena_free(a);
}

/* Summaries are rendered once and then served from memory: the same text gives the same HTML,
 * another text its own, and a caller's copy is its own to change. */
static void test_markdown_rendered_once(void **state)
{
    (void)state;
    struct arena *a = arena_new(0);
    char *first = markdown_to_html(a, "Learn **evacuation**.");
    assert_string_equal(first, "<p>Learn <strong>evacuation</strong>.</p>\n");
    first[0] = 'X'; /* the caller's copy */
    char text[64];
    for (int i = 0; i < 600; i++) { /* more texts than the table holds */
        snprintf(text, sizeof text, "Text *%d*", i);
        char want[64];
        snprintf(want, sizeof want, "<p>Text <em>%d</em></p>\n", i);
        assert_string_equal(markdown_to_html(a, text), want);
        if (i % 100 == 0) assert_string_equal(markdown_to_html(a, "Learn **evacuation**."),
                                              "<p>Learn <strong>evacuation</strong>.</p>\n");
    }
    assert_string_equal(markdown_to_html(a, "Learn **evacuation**!"), "<p>Learn <strong>evacuation</strong>!</p>\n");
    arena_free(a);
}

static void test_dates(void **state)
{
    (void)state;
    int64_t t;
    assert_true(course_parse_date("2027-01-31", &t));
    assert_int_equal(t, 1801353600);
    assert_true(course_parse_date("2028-02-29", &t));
    assert_false(course_parse_date("2027-02-29", &t));
    assert_false(course_parse_date("2027-13-01", &t));
    assert_false(course_parse_date("2027-1-01", &t));
    assert_false(course_parse_date("2027-01-01x", &t));
    assert_false(course_parse_date("", &t));
    assert_false(course_parse_date(NULL, &t));
}

static void test_category_loop(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t a, b, c;
    assert_int_equal(category_create(f->db, "A", 0, f->admin, &a, &p), LE_OK);
    assert_int_equal(category_create(f->db, "B", a, f->admin, &b, &p), LE_OK);
    assert_int_equal(category_create(f->db, "C", b, f->admin, &c, &p), LE_OK);
    assert_int_equal(category_update(f->db, a, NULL, c, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "parent_id");
    assert_int_equal(category_update(f->db, b, NULL, b, f->admin, &p), LE_INVALID);
    assert_int_equal(category_update(f->db, c, "C2", 0, f->admin, &p), LE_OK);
    struct course_category *cats;
    int n;
    assert_int_equal(category_list(f->db, f->a, &cats, &n), LE_OK);
    assert_int_equal(n, 3);
    assert_string_equal(cats[0].path, "A");
    assert_string_equal(cats[1].path, "A / B");
    assert_string_equal(cats[2].path, "C2");
}

static void test_course_rules(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t id;
    struct course_input in = COURSE_INPUT_INIT;
    in.code = "FIRE-101";
    in.title = "Fire";
    in.summary = "Evacuate **calmly**";
    in.start_date = "2027-01-10";
    in.end_date = "2027-01-09";
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, &id, &p), LE_INVALID);
    assert_string_equal(p.field, "end_date");
    in.end_date = "2027-02-01";
    in.tags = "Fire, safety ,fire,,";
    in.status = "published";
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, &id, &p), LE_OK);
    int64_t dup = -1;
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, &dup, &p), LE_CONFLICT);
    assert_int_equal(dup, 0);
    assert_string_equal(p.field, "code");
    struct course c;
    assert_int_equal(course_get(f->db, f->a, "FIRE-101", 0, &c, &p), LE_OK);
    assert_string_equal(c.tag_list, "fire,safety");
    assert_string_equal(c.kind, "elearning");
    assert_true(c.visible);
    /* search on this engine */
    struct course_query q = {.q = "evacu", .page = 1, .per_page = 10};
    struct course *rows;
    int nr, total;
    assert_int_equal(course_search(f->db, f->a, &q, &rows, &nr, &total), LE_OK);
    assert_int_equal(nr, 1);
    assert_int_equal(total, 1);
    q.q = "nothing";
    assert_int_equal(course_search(f->db, f->a, &q, &rows, &nr, &total), LE_OK);
    assert_int_equal(nr, 0);
    /* copy */
    int64_t copy;
    assert_int_equal(course_copy(f->db, f->a, id, "FIRE-102", NULL, f->admin, &copy, &p), LE_OK);
    assert_int_equal(course_get(f->db, f->a, "FIRE-102", 0, &c, &p), LE_OK);
    assert_string_equal(c.status, "draft");
    assert_string_equal(c.copied_from, "FIRE-101");
    /* enrolment: twice refused, due before start refused */
    struct user_input u = {.username = "lena", .first_name = "Lena", .last_name = "L", .roles = "learner"};
    int64_t uid, eid;
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &uid, NULL, &p), LE_OK);
    assert_int_equal(enrol_user(f->db, f->a, id, "lena", "learner", "2027-01-01", f->admin, ROLE_ADMIN, &eid, &p),
                     LE_INVALID);
    assert_string_equal(p.field, "due");
    assert_int_equal(enrol_user(f->db, f->a, id, "lena", "learner", "2027-01-20", f->admin, ROLE_ADMIN, &eid, &p),
                     LE_OK);
    assert_int_equal(enrol_user(f->db, f->a, id, "lena", NULL, NULL, f->admin, ROLE_ADMIN, &eid, &p), LE_CONFLICT);
    assert_int_equal(enrol_user(f->db, f->a, id, "lena", NULL, NULL, uid, ROLE_INSTRUCTOR, &eid, &p), LE_FORBIDDEN);
}

static void test_range_parse(void **state)
{
    (void)state;
    int64_t a = -1, b = -1;
    assert_int_equal(http_range_parse(NULL, 100, &a, &b), 0);
    assert_int_equal(http_range_parse("bytes=0-9", 100, &a, &b), 1);
    assert_int_equal(a, 0);
    assert_int_equal(b, 9);
    assert_int_equal(http_range_parse("bytes=90-", 100, &a, &b), 1);
    assert_int_equal(a, 90);
    assert_int_equal(b, 99);
    assert_int_equal(http_range_parse("bytes=90-500", 100, &a, &b), 1);
    assert_int_equal(b, 99);
    assert_int_equal(http_range_parse("bytes=-10", 100, &a, &b), 1);
    assert_int_equal(a, 90);
    assert_int_equal(http_range_parse("bytes=-1000", 100, &a, &b), 1);
    assert_int_equal(a, 0);
    assert_int_equal(http_range_parse("bytes=100-", 100, &a, &b), -1);
    assert_int_equal(http_range_parse("bytes=-0", 100, &a, &b), -1);
    assert_int_equal(http_range_parse("bytes=5-2", 100, &a, &b), 0);
    assert_int_equal(http_range_parse("bytes=0-1,5-6", 100, &a, &b), 0);
    assert_int_equal(http_range_parse("items=0-1", 100, &a, &b), 0);
    assert_int_equal(http_range_parse("bytes=x-1", 100, &a, &b), 0);
    assert_int_equal(http_range_parse("bytes=99999999999999999999-", 100, &a, &b), 0);
    assert_int_equal(http_range_parse("bytes=1-2junk", 100, &a, &b), 0);
}

static void test_file_types(void **state)
{
    (void)state;
    struct problem p = {0};
    const char *mime;
    const unsigned char pdf[] = "%PDF-1.7 ...", png[] = "\x89PNG\r\n\x1a\n....", exe[] = "MZ\x90\x00\x03";
    const unsigned char zip[] = "PK\x03\x04rest", text[] = "name,score\nada,10\n";
    assert_string_equal(content_sniff(pdf, sizeof pdf - 1), "application/pdf");
    assert_null(content_sniff(exe, sizeof exe - 1));
    assert_int_equal(content_check_type("a.pdf", "application/pdf", pdf, sizeof pdf - 1, &mime, &p), LE_OK);
    assert_string_equal(mime, "application/pdf");
    assert_int_equal(content_check_type("a.pdf", "application/pdf", png, sizeof png - 1, &mime, &p), LE_INVALID);
    assert_string_equal(p.field, "file");
    assert_int_equal(content_check_type("a.png", NULL, pdf, sizeof pdf - 1, &mime, &p), LE_INVALID);
    assert_int_equal(content_check_type("a.exe", NULL, exe, sizeof exe - 1, &mime, &p), LE_INVALID);
    assert_int_equal(content_check_type("f.docx", "application/octet-stream", zip, sizeof zip - 1, &mime, &p), LE_OK);
    assert_non_null(strstr(mime, "wordprocessingml"));
    assert_int_equal(content_check_type("s.csv", NULL, text, sizeof text - 1, &mime, &p), LE_OK);
    assert_string_equal(mime, "text/csv");
    assert_int_equal(content_check_type("s.csv", NULL, exe, sizeof exe - 1, &mime, &p), LE_INVALID);
    /* no extension: the claimed MIME type decides what the bytes must be */
    assert_int_equal(content_check_type("upload", "application/pdf", pdf, sizeof pdf - 1, &mime, &p), LE_OK);
}

static void test_file_cap_and_dedup(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct course_input in = COURSE_INPUT_INIT;
    in.code = "DOC-1";
    in.title = "Docs";
    int64_t course, section, a1, a2;
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, &course, &p), LE_OK);
    assert_int_equal(section_create(f->db, f->a, course, "S", f->admin, &section, &p), LE_OK);
    static const unsigned char pdf[] = "%PDF-1.4 a small document";
    struct activity_input x = {.kind = "file", .title = "Doc", .required = 1, .file_name = "doc.pdf",
                               .file_mime = "application/pdf", .file_data = pdf, .file_len = sizeof pdf - 1};
    int64_t saved = content_file_max;
    content_file_max = 10;
    assert_int_equal(activity_create(f->db, f->a, f->root, course, section, &x, f->admin, &a1, &p), LE_TOOBIG);
    assert_string_equal(p.field, "file");
    content_file_max = saved;
    assert_int_equal(activity_create(f->db, f->a, f->root, course, section, &x, f->admin, &a1, &p), LE_OK);
    x.title = "Same bytes";
    assert_int_equal(activity_create(f->db, f->a, f->root, course, section, &x, f->admin, &a2, &p), LE_OK);
    int64_t n = 0;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM files", ""), LE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM activities", ""), LE_OK);
    assert_int_equal(n, 2);
    /* a claim that does not match the bytes writes nothing */
    x.file_name = "doc.png";
    assert_int_equal(activity_create(f->db, f->a, f->root, course, section, &x, f->admin, &a2, &p), LE_INVALID);
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM activities", ""), LE_OK);
    assert_int_equal(n, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markdown_safe),
        cmocka_unit_test(test_markdown_rendered_once),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_range_parse),
        cmocka_unit_test(test_file_types),
        cmocka_unit_test_setup_teardown(test_category_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_course_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_cap_and_dedup, setup, teardown),
    };
    if (core_init()) return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
