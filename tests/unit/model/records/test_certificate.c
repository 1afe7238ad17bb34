/* Certificates (certificate.c, certificate_template.c, view/certificate_pdf.c): codes from the
 * safe alphabet, the placeholder check, placeholders rendered through Mustache as pango markup,
 * the valid / expired / revoked state, and on a database a completion issuing its certificate
 * once however often the hook runs, a reissue adding the next generation and revoking the
 * first. On SQLite, or with LECTERN_TEST_PG on a fresh PostgreSQL database (fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "../../../../src/model/records/records.h"
#include "../../../../src/view/view.h"

#include "../../fixture.h"

static void test_codes(void **state)
{
    (void)state;
    char a[CERT_CODE_LEN + 1], b[CERT_CODE_LEN + 1];
    cert_code_new(a);
    cert_code_new(b);
    assert_int_equal(strlen(a), CERT_CODE_LEN);
    assert_string_not_equal(a, b);
    for (const char *c = a; *c; c++) assert_non_null(strchr(CERT_CODE_ALPHABET, *c));
    assert_true(cert_code_ok(a));
    assert_true(cert_code_ok("abcdefghjkmnpqrs"));    /* any case */
    assert_false(cert_code_ok("ABCDEFGHJKMNPQR"));    /* one short */
    assert_false(cert_code_ok("ABCDEFGHJKMNPQRO"));   /* O looks like 0 */
    assert_false(cert_code_ok("ABCDEFGHJKMNPQR1"));
    assert_false(cert_code_ok(NULL));
    /* Letters never seen twice in a row over many codes would mean a broken generator. */
    int seen[256] = {0};
    for (int i = 0; i < 200; i++) {
        cert_code_new(a);
        for (const char *c = a; *c; c++) seen[(unsigned char)*c]++;
    }
    for (const char *c = CERT_CODE_ALPHABET; *c; c++) assert_true(seen[(unsigned char)*c] > 0);
}

static void test_placeholder_check(void **state)
{
    (void)state;
    struct problem p = {0};
    assert_int_equal(cert_text_check("{{name}} did {{ course }} on {{date}}, {{expires}} {{code}}", "body", &p), LE_OK);
    assert_int_equal(cert_text_check("No placeholders at all.", "body", &p), LE_OK);
    assert_int_equal(cert_text_check("Hi {{username}}", "body", &p), LE_INVALID);
    assert_string_equal(p.field, "body");
    memset(&p, 0, sizeof p);
    assert_int_equal(cert_text_check("{{#name}}x{{/name}}", "title", &p), LE_INVALID);
    assert_string_equal(p.field, "title");
    assert_int_equal(cert_text_check("{{{name}}}", "body", &p), LE_INVALID);
    assert_int_equal(cert_text_check("{{>layout}}", "body", &p), LE_INVALID);
    assert_int_equal(cert_text_check("open {{name", "body", &p), LE_INVALID);
}

static void test_rendering(void **state)
{
    (void)state;
    json_t *vars = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", "Ana <& Bo>", "course", "Ζωή Π. ليلى 李明",
                             "date", "2026-12-07", "expires", "", "code", "ABCDEFGHJKMNPQRS");
    struct buf out;
    buf_init(&out, 4096);
    struct problem p = {0};
    assert_int_equal(certificate_text("{{name}} & co completed {{course}} on {{date}}{{expires}} <{{code}}>", vars,
                                      &out, &p),
                     LE_OK);
    /* The template's own & and < escaped for pango's markup, the values escaped by the engine. */
    assert_string_equal(out.data, "Ana &lt;&amp; Bo&gt; &amp; co completed Ζωή Π. ليلى 李明 on 2026-12-07 "
                                  "&lt;ABCDEFGHJKMNPQRS&gt;");
    buf_release(&out);
    struct certificate_page page = {.title = "Certificate", .body = "{{name}}: {{course}}", .vars = vars,
                                    .vars_title = "Course", .verify_url = "http://example.org/verify/X",
                                    .verify_caption = "Check at"};
    assert_int_equal(certificate_pdf(&page, &out, &p), LE_OK);
    assert_true(out.len > 1000);
    assert_memory_equal(out.data, "%PDF-", 5);
    buf_release(&out);
    json_decref(vars);
}

static void test_states(void **state)
{
    (void)state;
    assert_string_equal(cert_state(0, 0, T0), "valid");
    assert_string_equal(cert_state(T0 + 1, 0, T0), "valid");
    assert_string_equal(cert_state(T0, 0, T0), "expired");
    assert_string_equal(cert_state(T0 - 1, 0, T0), "expired");
    assert_string_equal(cert_state(T0 - 1, T0 - 5, T0), "revoked");
    assert_string_equal(cert_state(0, T0 - 5, T0), "revoked");
}

static int64_t count(struct fx *f, const char *where)
{
    int64_t n = -1;
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM certificates WHERE %s", where);
    assert_int_equal(db_query_int(f->db, &n, sql, ""), LE_OK);
    return n;
}

static void test_issued_once_and_reissued(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct course_input c = COURSE_INPUT_INIT;
    c.code = "CRT-1", c.title = "Safe lifting";
    int64_t course, lea;
    assert_int_equal(course_create(f->db, f->a, &c, f->admin, &course, &p), LE_OK);
    struct user_input u = {.username = "lea", .first_name = "Lea", .last_name = "Learner", .roles = "learner"};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &lea, NULL, &p), LE_OK);
    assert_int_equal(db_run(f->db,
                            "INSERT INTO enrolments (course_id, user_id, role, source, enrolled_at, completed_at) "
                            "VALUES (?1, ?2, 'learner', 'manual', ?3, ?3)",
                            "iii", course, lea, (int64_t)T0),
                     LE_OK);
    /* No template: nothing is issued. */
    assert_int_equal(certificates_on_course_complete(f->db, course, lea, &p), LE_OK);
    assert_int_equal(count(f, "1 = 1"), 0);
    struct cert_template_input in = {.title = "Certificate", .body = "{{name}} completed {{course}}.",
                                     .valid_days = "30"};
    struct cert_owner o = {.course_id = course};
    assert_int_equal(cert_template_set(f->db, f->a, f->root, o, &in, f->admin, &p), LE_OK);
    for (int i = 0; i < 3; i++) assert_int_equal(certificates_on_course_complete(f->db, course, lea, &p), LE_OK);
    assert_int_equal(count(f, "1 = 1"), 1);
    assert_int_equal(count(f, "expires_at = completed_at + 30 * 86400"), 1);

    const char *code = NULL;
    struct db_stmt *st = db_query(f->db, "SELECT code FROM certificates", "");
    assert_int_equal(db_step(st), DB_ROW);
    code = arena_strdup(f->a, db_col_text(st, 0));
    db_done(st);
    struct certificate cert;
    assert_int_equal(certificate_by_code(f->db, f->a, code, &cert, &p), LE_OK);
    assert_string_equal(cert.name, "Lea Learner");
    assert_string_equal(cert.what_title, "Safe lifting");

    const char *fresh = NULL;
    assert_int_equal(certificate_reissue(f->db, f->a, code, f->admin, &fresh, &p), LE_OK);
    assert_string_not_equal(fresh, code);
    assert_int_equal(count(f, "revoked_at IS NOT NULL"), 1);
    assert_int_equal(count(f, "generation = 1 AND revoked_at IS NULL"), 1);
    /* The hook again: generation 0 of this completion exists, so nothing more. */
    assert_int_equal(certificates_on_course_complete(f->db, course, lea, &p), LE_OK);
    assert_int_equal(count(f, "1 = 1"), 2);
    memset(&p, 0, sizeof p);
    assert_int_equal(certificate_revoke(f->db, f->a, code, "Again", f->admin, &p), LE_CONFLICT);
    assert_int_equal(certificate_revoke(f->db, f->a, fresh, "  ", f->admin, &p), LE_INVALID);
    assert_int_equal(certificate_revoke(f->db, f->a, fresh, "Issued in error", f->admin, &p), LE_OK);
    assert_int_equal(count(f, "revoked_at IS NULL"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_placeholder_check),
        cmocka_unit_test(test_rendering),
        cmocka_unit_test(test_states),
        cmocka_unit_test_setup_teardown(test_issued_once_and_reissued, setup_any, teardown),
    };
    if (core_init()) return 1;
    if (pg_admin_url()) fprintf(stderr, "test_certificate: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
