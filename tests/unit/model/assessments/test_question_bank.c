/* The question bank (question_bank.c) and quiz results (quiz_stats.c): create, read, update and
 * delete; shared and per-course categories; GIFT import (all-or-nothing, --skip-bad, dry run)
 * and an export that imports back to the same questions; results statistics on attempts
 * inserted by hand, checked against values worked out on paper.
 *
 * On SQLite by default; with LECTERN_TEST_PG set (scripts/pg-test-cluster.sh) every test runs
 * on a fresh PostgreSQL database instead, so the same SQL is checked on both engines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../../src/model/assessments/assessments.h"

#include "../../fixture.h"

static int64_t make_course(struct fx *f, const char *code)
{
    struct course_input in = COURSE_INPUT_INIT;
    in.code = code;
    in.title = code;
    int64_t id = 0;
    struct problem p = {0};
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, &id, &p), LE_OK);
    return id;
}

static json_t *single(const char *title, const char *text, const char *category)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:i, s:s}, {s:s, s:i, s:s}]}", "type", "single", "title", title,
                     "text", text, "category", category, "answers", "text", "Left", "fraction", 100, "feedback",
                     "Yes.", "text", "Right", "fraction", 0, "feedback", "No.");
}

static int64_t audit_count(struct fx *f, const char *action)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM audit_log WHERE action = ?1", "s", action), LE_OK);
    return n;
}

static void test_crud(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t course = make_course(f, "QB-1"), id = 0;
    json_t *q = single("Exits", "Where is the nearest **exit**?", "Safety/Fire");
    lerr e = question_create(f->db, f->a, course, false, q, f->admin, &id, &p);
    json_decref(q);
    assert_int_equal(e, LE_OK);
    assert_true(id > 0);
    assert_int_equal(audit_count(f, "question.create"), 1);

    json_t *g = question_get_json(f->db, f->a, course, id, &p);
    assert_non_null(g);
    assert_string_equal(json_string_value(json_object_get(g, "type")), "single");
    assert_string_equal(json_string_value(json_object_get(g, "title")), "Exits");
    assert_string_equal(json_string_value(json_object_get(g, "category")), "Safety/Fire");
    assert_int_equal(json_integer_value(json_object_get(g, "version")), 1);
    assert_false(json_is_true(json_object_get(g, "shared")));
    assert_int_equal(json_array_size(json_object_get(g, "answers")), 2);
    json_decref(g);

    /* the stored row has its type and title in columns */
    struct db_stmt *st = db_query(f->db, "SELECT qtype, title FROM questions WHERE id = ?1", "i", id);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "single");
    assert_string_equal(db_col_text(st, 1), "Exits");
    db_done(st);

    /* an invalid question is refused, naming the member */
    json_t *bad = json_pack("{s:s, s:s, s:[]}", "type", "single", "text", "No answers", "answers");
    assert_int_equal(question_create(f->db, f->a, course, false, bad, f->admin, NULL, &p), LE_INVALID);
    json_decref(bad);

    /* update bumps the version and is audited with the number regraded */
    json_t *u = single("Exits (fixed)", "Where is the nearest exit?", "Safety/Fire");
    int regraded = -1;
    assert_int_equal(question_update(f->db, f->a, course, id, u, f->admin, &regraded, &p), LE_OK);
    json_decref(u);
    assert_int_equal(regraded, 0);
    g = question_get_json(f->db, f->a, course, id, &p);
    assert_int_equal(json_integer_value(json_object_get(g, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(g, "title")), "Exits (fixed)");
    json_decref(g);
    assert_int_equal(audit_count(f, "question.update"), 1);
    /* an edit without a category leaves the question in its category */
    u = single("Exits (fixed)", "Where is the nearest exit?", "");
    assert_int_equal(question_update(f->db, f->a, course, id, u, f->admin, NULL, &p), LE_OK);
    json_decref(u);
    g = question_get_json(f->db, f->a, course, id, &p);
    assert_string_equal(json_string_value(json_object_get(g, "category")), "Safety/Fire");
    assert_int_equal(json_integer_value(json_object_get(g, "version")), 3);
    json_decref(g);
    st = db_query(f->db, "SELECT details FROM audit_log WHERE action = 'question.update' ORDER BY id", "");
    assert_int_equal(db_step(st), DB_ROW);
    assert_non_null(strstr(db_col_text(st, 0), "\"regraded\":0"));
    db_done(st);

    /* search: title and text, case-insensitive; LIKE's wildcards are plain characters */
    json_t *l = questions_json(f->db, f->a, course, 0, "NEAREST EXIT", 1, 10);
    assert_int_equal(json_integer_value(json_object_get(l, "total")), 1);
    json_decref(l);
    l = questions_json(f->db, f->a, course, 0, "fixed", 1, 10);
    assert_int_equal(json_integer_value(json_object_get(l, "total")), 1);
    json_decref(l);
    l = questions_json(f->db, f->a, course, 0, "%", 1, 10);
    assert_int_equal(json_integer_value(json_object_get(l, "total")), 0);
    json_decref(l);

    /* paging: newest first */
    int64_t id2 = 0, id3 = 0;
    json_t *q2 = single("Second", "Two?", ""), *q3 = single("Third", "Three?", "");
    assert_int_equal(question_create(f->db, f->a, course, false, q2, f->admin, &id2, &p), LE_OK);
    assert_int_equal(question_create(f->db, f->a, course, false, q3, f->admin, &id3, &p), LE_OK);
    json_decref(q2);
    json_decref(q3);
    l = questions_json(f->db, f->a, course, 0, "", 1, 2);
    assert_int_equal(json_integer_value(json_object_get(l, "total")), 3);
    assert_int_equal(json_array_size(json_object_get(l, "questions")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(l, "questions"), 0), "id")), id3);
    json_decref(l);
    l = questions_json(f->db, f->a, course, 0, "", 2, 2);
    assert_int_equal(json_array_size(json_object_get(l, "questions")), 1);
    assert_int_equal(json_integer_value(json_object_get(l, "total")), 3);
    json_decref(l);

    /* categories: "" is the Default category */
    json_t *cats = qcategories_json(f->db, f->a, course);
    json_t *arr = json_object_get(cats, "categories");
    assert_int_equal(json_array_size(arr), 2);
    size_t i;
    json_t *c;
    int found = 0;
    json_array_foreach(arr, i, c)
    {
        if (str_eq(json_string_value(json_object_get(c, "name")), "Default")) {
            assert_int_equal(json_integer_value(json_object_get(c, "questions")), 2);
            found++;
        }
        if (str_eq(json_string_value(json_object_get(c, "name")), "Safety/Fire")) {
            assert_int_equal(json_integer_value(json_object_get(c, "questions")), 1);
            int64_t cid = json_integer_value(json_object_get(c, "id"));
            l = questions_json(f->db, f->a, course, cid, NULL, 1, 10);
            assert_int_equal(json_integer_value(json_object_get(l, "total")), 1);
            json_decref(l);
            found++;
        }
    }
    assert_int_equal(found, 2);
    json_decref(cats);
    int64_t cat1 = 0, cat2 = 0;
    assert_int_equal(qcategory_ensure(f->db, course, " Safety / Fire ", &cat1, &p), LE_OK);
    assert_int_equal(qcategory_ensure(f->db, course, "Safety/Fire", &cat2, &p), LE_OK);
    assert_int_equal(cat1, cat2);
    assert_int_equal(qcategory_ensure(f->db, course, "Safety/ /Fire", &cat1, &p), LE_INVALID);
    assert_string_equal(p.field, "category");
    /* "//" is a slash within a name, as Moodle writes it: one level, not Safety and Fire. */
    int64_t slash = 0;
    assert_int_equal(qcategory_ensure(f->db, course, "Safety//Fire", &slash, &p), LE_OK);
    assert_true(slash != cat2);

    /* delete: gone from the bank, kept in the table, audited */
    assert_int_equal(question_delete(f->db, f->a, course, id, f->admin, &p), LE_OK);
    assert_null(question_get_json(f->db, f->a, course, id, &p));
    assert_int_equal(p.code, LE_NOTFOUND);
    assert_int_equal(question_delete(f->db, f->a, course, id, f->admin, &p), LE_NOTFOUND);
    int64_t n;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM questions WHERE id = ?1 AND deleted_at IS NOT NULL",
                                  "i", id),
                     LE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(audit_count(f, "question.delete"), 1);
    l = questions_json(f->db, f->a, course, 0, "", 1, 10);
    assert_int_equal(json_integer_value(json_object_get(l, "total")), 2);
    json_decref(l);
}

static void test_shared_and_course_banks(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t ca = make_course(f, "QB-A"), cb = make_course(f, "QB-B"), own = 0, shared = 0;
    json_t *q = single("Own", "Only in A", "A things");
    lerr e = question_create(f->db, f->a, ca, false, q, f->admin, &own, &p);
    json_decref(q);
    assert_int_equal(e, LE_OK);
    q = single("Shared", "For everyone", "Common");
    assert_int_equal(question_create(f->db, f->a, ca, true, q, f->admin, &shared, &p), LE_OK);
    json_decref(q);

    /* B cannot see A's question; it can see the shared one */
    assert_null(question_get_json(f->db, f->a, cb, own, &p));
    assert_int_equal(p.code, LE_NOTFOUND);
    json_t *g = question_get_json(f->db, f->a, cb, shared, &p);
    assert_non_null(g);
    assert_true(json_is_true(json_object_get(g, "shared")));
    json_decref(g);
    json_t *l = questions_json(f->db, f->a, cb, 0, "", 1, 10);
    assert_int_equal(json_integer_value(json_object_get(l, "total")), 1);
    json_decref(l);
    l = questions_json(f->db, f->a, ca, 0, "", 1, 10);
    assert_int_equal(json_integer_value(json_object_get(l, "total")), 2);
    json_decref(l);
    json_t *cats = qcategories_json(f->db, f->a, cb);
    assert_int_equal(json_array_size(json_object_get(cats, "categories")), 1);
    json_t *c0 = json_array_get(json_object_get(cats, "categories"), 0);
    assert_string_equal(json_string_value(json_object_get(c0, "name")), "Common");
    assert_true(json_is_true(json_object_get(c0, "shared")));
    json_decref(cats);

    /* B can neither change nor delete A's question; nobody changes a shared one from a course */
    q = single("Hijack", "x", "");
    assert_int_equal(question_update(f->db, f->a, cb, own, q, f->admin, NULL, &p), LE_NOTFOUND);
    assert_int_equal(question_delete(f->db, f->a, cb, own, f->admin, &p), LE_NOTFOUND);
    assert_int_equal(question_update(f->db, f->a, cb, shared, q, f->admin, NULL, &p), LE_FORBIDDEN);
    assert_int_equal(question_update(f->db, f->a, 0, shared, q, f->admin, NULL, &p), LE_OK);
    json_decref(q);

    /* export holds only the course's own questions */
    char *gift = question_export(f->db, f->a, ca, "gift", &p);
    assert_non_null(gift);
    assert_non_null(strstr(gift, "Only in A"));
    assert_null(strstr(gift, "everyone"));
    free(gift);
}

static const char good_gift[] = "// fire safety\n"
                                "$CATEGORY: Safety/Fire\n"
                                "\n"
                                "::Exits::Where is the nearest exit? {=Left ~Right ~Behind you}\n"
                                "\n"
                                "::Alarm::The fire alarm is red. {T}\n"
                                "\n"
                                "$CATEGORY: Safety/First aid\n"
                                "\n"
                                "::Rate::How many compressions a minute? {#110:10}\n";

static const char bad_gift[] = "::One::First question {=yes ~no}\n"
                               "\n"
                               "::Broken::Nothing is right here {~a ~b}\n"
                               "\n"
                               "::Three::Third question {T}\n";

static int64_t bank_total(struct fx *f, int64_t course)
{
    json_t *l = questions_json(f->db, f->a, course, 0, "", 1, 100);
    int64_t n = json_integer_value(json_object_get(l, "total"));
    json_decref(l);
    return n;
}

/* A large file's report stays small: every error up to 1,000 and the first 1,000 questions
 * that are ok are listed, in the file's order; the rest are counted. With skip_bad every good
 * question is still saved, though most are not listed. */
static void test_import_report_is_capped(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t course = make_course(f, "QB-BIG");
    struct buf g;
    buf_init(&g, 1 << 20);
    /* 2,400 questions: every other one is broken (no answer after =), 1,200 of each */
    for (int i = 1; i <= 2400; i++)
        buf_addf(&g, i % 2 ? "::Q%d::Is %d odd? {T}\n\n" : "::Q%d::Pick %d {= ~x}\n\n", i, i);
    json_t *r = NULL;
    lerr e = question_import(f->db, f->a, course, "gift", g.data, g.len, true, false, f->admin, &r, &p);
    assert_int_equal(e, LE_INVALID);
    assert_int_equal(json_integer_value(json_object_get(r, "imported")), 1200);
    assert_int_equal(json_integer_value(json_object_get(r, "errors")), 1200);
    json_t *rows = json_object_get(r, "questions");
    int n_ok = 0, n_err = 0, last_line = 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        int line = (int)json_integer_value(json_object_get(row, "line"));
        assert_true(line > last_line);
        last_line = line;
        if (str_eq(json_string_value(json_object_get(row, "status")), "ok")) n_ok++;
        else n_err++;
    }
    assert_int_equal(n_ok, 500);   /* the ok ones among the first 1,000 questions */
    assert_int_equal(n_err, 1000); /* the errors, capped */
    assert_int_equal(json_integer_value(json_object_get(r, "not_listed")), 2400 - 1500);
    assert_int_equal(json_integer_value(json_object_get(r, "errors_not_listed")), 200);
    json_decref(r);
    assert_int_equal(bank_total(f, course), 0);

    e = question_import(f->db, f->a, course, "gift", g.data, g.len, false, true, f->admin, &r, &p);
    assert_int_equal(e, LE_OK);
    assert_true(json_is_true(json_object_get(r, "saved")));
    json_decref(r);
    assert_int_equal(bank_total(f, course), 1200);
    buf_release(&g);
}

static void test_import(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t course = make_course(f, "QB-IMP");
    json_t *r = NULL;

    /* dry run: the report, nothing saved */
    lerr e = question_import(f->db, f->a, course, "gift", good_gift, strlen(good_gift), true, false, f->admin, &r, &p);
    assert_int_equal(e, LE_OK);
    assert_int_equal(json_integer_value(json_object_get(r, "imported")), 3);
    assert_int_equal(json_integer_value(json_object_get(r, "errors")), 0);
    assert_false(json_is_true(json_object_get(r, "saved")));
    json_t *rows = json_object_get(r, "questions");
    assert_int_equal(json_array_size(rows), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "line")), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "type")), "single");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "type")), "truefalse");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 2), "title")), "Rate");
    json_decref(r);
    assert_int_equal(bank_total(f, course), 0);

    /* a file with an error: nothing saved, the error on its line */
    e = question_import(f->db, f->a, course, "gift", bad_gift, strlen(bad_gift), false, false, f->admin, &r, &p);
    assert_int_equal(e, LE_INVALID);
    assert_non_null(r);
    assert_int_equal(json_integer_value(json_object_get(r, "errors")), 1);
    assert_int_equal(json_integer_value(json_object_get(r, "imported")), 2);
    assert_false(json_is_true(json_object_get(r, "saved")));
    json_t *b = json_array_get(json_object_get(r, "questions"), 1);
    assert_string_equal(json_string_value(json_object_get(b, "status")), "error");
    assert_int_equal(json_integer_value(json_object_get(b, "line")), 3);
    assert_true(strlen(json_string_value(json_object_get(b, "error"))) > 0);
    json_decref(r);
    assert_int_equal(bank_total(f, course), 0);

    /* --skip-bad: the good ones are saved */
    e = question_import(f->db, f->a, course, "gift", bad_gift, strlen(bad_gift), false, true, f->admin, &r, &p);
    assert_int_equal(e, LE_OK);
    assert_true(json_is_true(json_object_get(r, "saved")));
    json_decref(r);
    assert_int_equal(bank_total(f, course), 2);

    /* a good file: saved, categories from $CATEGORY, audited once */
    int64_t before = audit_count(f, "question.import");
    e = question_import(f->db, f->a, course, "gift", good_gift, strlen(good_gift), false, false, f->admin, &r, &p);
    assert_int_equal(e, LE_OK);
    assert_true(json_is_true(json_object_get(r, "saved")));
    json_decref(r);
    assert_int_equal(bank_total(f, course), 5);
    assert_int_equal(audit_count(f, "question.import"), before + 1);
    json_t *cats = qcategories_json(f->db, f->a, course);
    size_t i;
    json_t *c;
    int seen = 0;
    json_array_foreach(json_object_get(cats, "categories"), i, c)
    {
        const char *n = json_string_value(json_object_get(c, "name"));
        if (str_eq(n, "Safety/Fire")) seen++, assert_int_equal(json_integer_value(json_object_get(c, "questions")), 2);
        if (str_eq(n, "Safety/First aid"))
            seen++, assert_int_equal(json_integer_value(json_object_get(c, "questions")), 1);
    }
    assert_int_equal(seen, 2);
    json_decref(cats);

    /* not UTF-8: refused as a whole */
    static const char latin1[] = "::T::Caf\xe9 {T}\n";
    assert_int_equal(question_import(f->db, f->a, course, "gift", latin1, strlen(latin1), false, false, f->admin, &r, &p),
                     LE_INVALID);
    assert_null(r);
}

/* The questions of a course without the bank's own fields, ordered by title. */
static json_t *bank_questions(struct fx *f, int64_t course)
{
    json_t *l = questions_json(f->db, f->a, course, 0, "", 1, 100);
    json_t *qs = json_deep_copy(json_object_get(l, "questions"));
    json_decref(l);
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q)
    {
        const char *drop[] = {"id", "version", "category_id", "shared", "updated_at"};
        for (size_t k = 0; k < 5; k++) json_object_del(q, drop[k]);
    }
    /* sort by title (few items) */
    size_t n = json_array_size(qs);
    for (size_t x = 0; x < n; x++)
        for (size_t y = x + 1; y < n; y++) {
            const char *tx = json_string_value(json_object_get(json_array_get(qs, x), "title"));
            const char *ty = json_string_value(json_object_get(json_array_get(qs, y), "title"));
            if (strcmp(tx, ty) > 0) {
                json_t *jx = json_incref(json_array_get(qs, x)), *jy = json_incref(json_array_get(qs, y));
                json_array_set_new(qs, x, jy);
                json_array_set_new(qs, y, jx);
            }
        }
    return qs;
}

static void test_export_round_trip(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t ca = make_course(f, "QB-X"), cb = make_course(f, "QB-Y");
    json_t *r = NULL;
    lerr e = question_import(f->db, f->a, ca, "gift", good_gift, strlen(good_gift), false, false, f->admin, &r, &p);
    assert_int_equal(e, LE_OK);
    json_decref(r);
    json_t *q = single("Default one", "In no category {braces} and = signs ~ tildes # hash", "");
    assert_int_equal(question_create(f->db, f->a, ca, false, q, f->admin, NULL, &p), LE_OK);
    json_decref(q);

    char *gift = question_export(f->db, f->a, ca, "gift", &p);
    assert_non_null(gift);
    /* gift_write writes Moodle's form, "$CATEGORY: $course$/top/Safety/Fire" */
    assert_non_null(strstr(gift, "$CATEGORY:"));
    assert_non_null(strstr(gift, "/Safety/Fire\n"));
    assert_non_null(strstr(gift, "/Safety/First aid\n"));
    e = question_import(f->db, f->a, cb, "gift", gift, strlen(gift), false, false, f->admin, &r, &p);
    if (e) print_message("%s\n%s\n", p.message, gift);
    assert_int_equal(e, LE_OK);
    assert_int_equal(json_integer_value(json_object_get(r, "imported")), 4);
    json_decref(r);
    free(gift);
    json_t *qa = bank_questions(f, ca), *qb = bank_questions(f, cb);
    if (!json_equal(qa, qb)) {
        char *sa = json_dumps(qa, JSON_INDENT(1) | JSON_SORT_KEYS), *sb = json_dumps(qb, JSON_INDENT(1) | JSON_SORT_KEYS);
        print_message("exported:\n%s\nimported:\n%s\n", sa, sb);
        free(sa);
        free(sb);
    }
    assert_true(json_equal(qa, qb));
    json_decref(qa);
    json_decref(qb);
}

/* ---- Results ---- */

static int64_t make_user(struct fx *f, const char *username, const char *first, const char *last)
{
    struct user_input in = {.username = username, .first_name = first, .last_name = last, .roles = "learner"};
    int64_t id = 0;
    struct problem p = {0};
    assert_int_equal(user_create(f->db, f->a, &in, PW, false, 0, &id, NULL, &p), LE_OK);
    return id;
}

static int64_t make_quiz(struct fx *f, int64_t course, const char *title, double pass_percent)
{
    struct problem p = {0};
    int64_t section = 0, id = 0;
    assert_int_equal(section_create(f->db, f->a, course, "Quizzes", f->admin, &section, &p), LE_OK);
    struct db_stmt *st = db_query(f->db,
                                  "INSERT INTO activities (course_id, section_id, kind, title, position, created_at, "
                                  "updated_at) VALUES (?1, ?2, 'quiz', ?3, 1, ?4, ?4) RETURNING id",
                                  "iisi", course, section, title, T0);
    assert_int_equal(db_step(st), DB_ROW);
    id = db_col_int(st, 0);
    db_done(st);
    assert_int_equal(db_run(f->db, "INSERT INTO quizzes (activity_id, pass_percent) VALUES (?1, ?2)", "id", id,
                            pass_percent),
                     LE_OK);
    return id;
}

static int64_t raw_question(struct fx *f, int64_t cat, const char *type, const char *title, const char *data)
{
    struct db_stmt *st = db_query(f->db,
                                  "INSERT INTO questions (category_id, qtype, title, data, created_at, updated_at) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id",
                                  "isssi", cat, type, title, data, T0);
    assert_int_equal(db_step(st), DB_ROW);
    int64_t id = db_col_int(st, 0);
    db_done(st);
    return id;
}

static int64_t raw_attempt(struct fx *f, int64_t quiz, int64_t user, int number, const char *state, double score,
                           double max, int needs_grading)
{
    struct db_stmt *st;
    if (str_eq(state, "submitted"))
        st = db_query(f->db,
                      "INSERT INTO quiz_attempts (quiz_id, user_id, number, state, started_at, submitted_at, "
                      "submitted_by, score, max_score, percent, needs_grading) VALUES (?1, ?2, ?3, 'submitted', ?4, ?5, "
                      "'learner', ?6, ?7, ?8, ?9) RETURNING id",
                      "iiiiidddi", quiz, user, (int64_t)number, T0 + number, T0 + 100 + number, score, max,
                      score / max * 100, (int64_t)needs_grading);
    else
        st = db_query(f->db,
                      "INSERT INTO quiz_attempts (quiz_id, user_id, number, state, started_at, max_score) VALUES (?1, "
                      "?2, ?3, 'in_progress', ?4, ?5) RETURNING id",
                      "iiiid", quiz, user, (int64_t)number, T0 + number, max);
    assert_int_equal(db_step(st), DB_ROW);
    int64_t id = db_col_int(st, 0);
    db_done(st);
    return id;
}

static void raw_answer(struct fx *f, int64_t attempt, int slot, int64_t question, double fraction, const char *response)
{
    if (isnan(fraction))
        assert_int_equal(db_run(f->db,
                                "INSERT INTO attempt_questions (attempt_id, slot, question_id, question_version, "
                                "points, response) VALUES (?1, ?2, ?3, 1, 1, ?4)",
                                "iiis", attempt, (int64_t)slot, question, response),
                         LE_OK);
    else
        assert_int_equal(db_run(f->db,
                                "INSERT INTO attempt_questions (attempt_id, slot, question_id, question_version, "
                                "points, response, fraction, mark) VALUES (?1, ?2, ?3, 1, 1, ?4, ?5, ?5)",
                                "iiisd", attempt, (int64_t)slot, question, response, fraction),
                         LE_OK);
}

static double jnum(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

static void test_results(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t course = make_course(f, "QB-RES"), cat;
    assert_int_equal(qcategory_ensure(f->db, course, "", &cat, &p), LE_OK);
    int64_t quiz = make_quiz(f, course, "Fire quiz", 50);
    int64_t q1 = raw_question(f, cat, "single", "One", "{\"type\":\"single\",\"text\":\"1\",\"answers\":[]}");
    int64_t q2 = raw_question(f, cat, "truefalse", "Two", "{\"type\":\"truefalse\",\"text\":\"2\",\"answers\":[]}");
    int64_t q3 = raw_question(f, cat, "multi", "", "{\"type\":\"multi\",\"text\":\"=cmd() three\",\"answers\":[]}");
    int64_t qs[3] = {q1, q2, q3};
    for (int i = 0; i < 3; i++)
        assert_int_equal(db_run(f->db, "INSERT INTO quiz_questions (quiz_id, question_id, position, points) VALUES "
                                       "(?1, ?2, ?3, 1)",
                                "iii", quiz, qs[i], (int64_t)(i + 1)),
                         LE_OK);
    /* Four submitted attempts, fractions per question (one point each):
     *   A 1 1 1 = 3/3 = 100%   B 1 0 1 = 66.67%   C 0 1 0 = 33.33%   D 0 0 .5 = 16.67%
     * and one attempt in progress, which no statistic counts. */
    int64_t u[4] = {make_user(f, "ann", "Ann", "Able"), make_user(f, "bob", "Bob", "Baker"),
                    make_user(f, "cat", "=Cat", "Cole"), make_user(f, "dan", "Dan", "Dunn")};
    double fr[4][3] = {{1, 1, 1}, {1, 0, 1}, {0, 1, 0}, {0, 0, 0.5}};
    for (int i = 0; i < 4; i++) {
        int64_t at = raw_attempt(f, quiz, u[i], 1, "submitted", fr[i][0] + fr[i][1] + fr[i][2], 3, 0);
        for (int k = 0; k < 3; k++) raw_answer(f, at, k + 1, qs[k], fr[i][k], "{}");
    }
    int64_t open = raw_attempt(f, quiz, u[0], 2, "in_progress", 0, 3, 0);
    raw_answer(f, open, 1, q1, NAN, NULL);

    json_t *r = quiz_results_json(f->db, f->a, quiz);
    json_t *s = json_object_get(r, "summary");
    assert_int_equal(json_integer_value(json_object_get(s, "attempts")), 4);
    assert_int_equal(json_integer_value(json_object_get(s, "learners")), 4);
    /* mean (100 + 66.667 + 33.333 + 16.667) / 4 = 54.1667; median (33.333 + 66.667) / 2 = 50 */
    assert_true(fabs(jnum(s, "mean") - 650.0 / 12) < 1e-6);
    assert_true(fabs(jnum(s, "median") - 50) < 1e-6);
    assert_true(fabs(jnum(s, "pass_rate") - 0.5) < 1e-9); /* A and B reach 50% */
    json_t *h = json_object_get(s, "histogram");
    assert_int_equal(json_array_size(h), 10);
    int want[10] = {0, 1, 0, 1, 0, 0, 1, 0, 0, 1};
    for (int b = 0; b < 10; b++) assert_int_equal(json_integer_value(json_array_get(h, (size_t)b)), want[b]);

    json_t *atts = json_object_get(r, "attempts");
    assert_int_equal(json_array_size(atts), 5);
    json_t *a0 = json_array_get(atts, 0); /* Able, attempt 1 */
    assert_string_equal(json_string_value(json_object_get(a0, "user")), "ann");
    assert_true(json_is_true(json_object_get(a0, "passed")));
    assert_true(json_is_null(json_object_get(json_array_get(atts, 1), "percent"))); /* Able, in progress */

    /* Per question, by hand. Rest of the attempt = the other two questions' percent.
     * Q1: x = 1 1 0 0, rest = 100 50 50 25: facility .5, r = 37.5 / sqrt(1 * 2968.75)
     * Q2: x = 1 0 1 0, rest = 100 100 0 25: facility .5, r = -12.5 / sqrt(1 * 7968.75)
     * Q3: x = 1 1 0 .5, rest = 100 50 50 0: facility .625, r = 25 / sqrt(.6875 * 5000) */
    json_t *qj = json_object_get(r, "questions");
    assert_int_equal(json_array_size(qj), 3);
    double fac[3] = {0.5, 0.5, 0.625};
    double dis[3] = {37.5 / sqrt(2968.75), -12.5 / sqrt(7968.75), 25 / sqrt(0.6875 * 5000)};
    for (int k = 0; k < 3; k++) {
        json_t *x = json_array_get(qj, (size_t)k);
        assert_int_equal(json_integer_value(json_object_get(x, "question_id")), qs[k]);
        assert_int_equal(json_integer_value(json_object_get(x, "slot")), k + 1);
        assert_int_equal(json_integer_value(json_object_get(x, "attempts")), 4);
        assert_true(fabs(jnum(x, "facility") - fac[k]) < 1e-9);
        assert_true(fabs(jnum(x, "discrimination") - dis[k]) < 1e-9);
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(qj, 2), "title")), "=cmd() three");
    json_decref(r);

    /* CSV: a header, one row per attempt, formula-like text neutralised */
    size_t len = 0;
    char *csv = quiz_results_csv(f->db, f->a, quiz, &len);
    assert_non_null(csv);
    assert_int_equal(len, strlen(csv));
    assert_ptr_equal(strstr(csv, "username,name,attempt,state,started,submitted,score,max,percent,passed,Q1 One,Q2 "
                                 "Two,Q3 =cmd() three\n"),
                     csv);
    assert_non_null(strstr(csv, "ann,Ann Able,1,submitted,"));
    assert_non_null(strstr(csv, ",3,3,100,yes,1,1,1\n"));
    assert_non_null(strstr(csv, "dan,Dan Dunn,1,submitted,"));
    assert_non_null(strstr(csv, ",0.5,3,16.6667,no,0,0,0.5\n"));
    assert_non_null(strstr(csv, "cat,'=Cat Cole,1,")); /* a name a spreadsheet would run as a formula */
    int lines = 0;
    for (char *c = csv; *c; c++) lines += *c == '\n';
    assert_int_equal(lines, 6);
    free(csv);
}

static void test_results_edges_and_grading_queue(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t course = make_course(f, "QB-ESS"), other = make_course(f, "QB-OTHER"), cat;
    assert_int_equal(qcategory_ensure(f->db, course, "Essays", &cat, &p), LE_OK);
    int64_t quiz = make_quiz(f, course, "Essay quiz", 0);
    int64_t qe = raw_question(f, cat, "essay", "Describe", "{\"type\":\"essay\",\"text\":\"Describe it\",\"answers\":[]}");
    int64_t qt = raw_question(f, cat, "truefalse", "TF", "{\"type\":\"truefalse\",\"text\":\"t\",\"answers\":[]}");

    /* empty quiz: no statistics */
    json_t *r = quiz_results_json(f->db, f->a, quiz);
    json_t *s = json_object_get(r, "summary");
    assert_int_equal(json_integer_value(json_object_get(s, "attempts")), 0);
    assert_true(json_is_null(json_object_get(s, "mean")));
    assert_true(json_is_null(json_object_get(s, "median")));
    assert_true(json_is_null(json_object_get(s, "pass_rate")));
    json_decref(r);

    int64_t u1 = make_user(f, "eve", "Eve", "Essay"), u2 = make_user(f, "fay", "Fay", "Full");
    /* Eve: essay waiting for a person, true/false right */
    int64_t a1 = raw_attempt(f, quiz, u1, 1, "submitted", 1, 2, 1);
    raw_answer(f, a1, 1, qe, NAN, "{\"text\":\"It burns.\"}");
    raw_answer(f, a1, 2, qt, 1, "{\"value\":true}");
    /* Fay: both graded, true/false right as well (no variance on it) */
    int64_t a2 = raw_attempt(f, quiz, u2, 1, "submitted", 1.5, 2, 0);
    raw_answer(f, a2, 1, qe, 0.5, "{\"text\":\"Hot.\"}");
    raw_answer(f, a2, 2, qt, 1, "{\"value\":true}");

    r = quiz_results_json(f->db, f->a, quiz);
    s = json_object_get(r, "summary");
    assert_int_equal(json_integer_value(json_object_get(s, "attempts")), 2);
    assert_true(fabs(jnum(s, "pass_rate") - 1.0) < 1e-9); /* only Fay's is decided; Eve's waits */
    json_t *qs = json_object_get(r, "questions");
    json_t *x0 = json_array_get(qs, 0), *x1 = json_array_get(qs, 1);
    /* essay: one graded answer, too few for a correlation */
    assert_int_equal(json_integer_value(json_object_get(x0, "attempts")), 2);
    assert_true(fabs(jnum(x0, "facility") - 0.5) < 1e-9);
    assert_true(json_is_null(json_object_get(x0, "discrimination")));
    /* true/false: everybody right, no variance */
    assert_true(fabs(jnum(x1, "facility") - 1.0) < 1e-9);
    assert_true(json_is_null(json_object_get(x1, "discrimination")));
    json_t *att = json_array_get(json_object_get(r, "attempts"), 0); /* Essay, Eve */
    assert_true(json_is_true(json_object_get(att, "needs_grading")));
    assert_true(json_is_null(json_object_get(att, "passed")));
    json_decref(r);

    json_t *g = grading_queue_json(f->db, f->a, course);
    assert_int_equal(json_array_size(g), 1);
    json_t *g0 = json_array_get(g, 0);
    assert_int_equal(json_integer_value(json_object_get(g0, "attempt_id")), a1);
    assert_int_equal(json_integer_value(json_object_get(g0, "slot")), 1);
    assert_int_equal(json_integer_value(json_object_get(g0, "quiz_id")), quiz);
    assert_string_equal(json_string_value(json_object_get(g0, "quiz")), "Essay quiz");
    assert_string_equal(json_string_value(json_object_get(g0, "user")), "eve");
    assert_string_equal(json_string_value(json_object_get(g0, "name")), "Eve Essay");
    assert_string_equal(json_string_value(json_object_get(g0, "question")), "Describe");
    assert_string_equal(json_string_value(json_object_get(g0, "response_text")), "It burns.");
    json_decref(g);
    g = grading_queue_json(f->db, f->a, other);
    assert_int_equal(json_array_size(g), 0);
    json_decref(g);
}

static void test_update_regrades(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t course = make_course(f, "QB-REG"), qid = 0;
    json_t *q = single("Exits", "Where is the exit?", "");
    assert_int_equal(question_create(f->db, f->a, course, false, q, f->admin, &qid, &p), LE_OK);
    json_decref(q);
    int64_t quiz = make_quiz(f, course, "Regrade quiz", 50);
    assert_int_equal(db_run(f->db, "INSERT INTO quiz_questions (quiz_id, question_id, position, points) VALUES (?1, ?2, "
                                   "1, 1)",
                            "ii", quiz, qid),
                     LE_OK);
    int64_t u = make_user(f, "gus", "Gus", "Grade");
    /* Gus chose "Right" (index 1), wrong when he submitted */
    int64_t at = raw_attempt(f, quiz, u, 1, "submitted", 0, 1, 0);
    assert_int_equal(db_run(f->db,
                            "INSERT INTO attempt_questions (attempt_id, slot, question_id, question_version, points, "
                            "response, fraction, mark) VALUES (?1, 1, ?2, 1, 1, '{\"choice\":1}', 0, 0)",
                            "ii", at, qid),
                     LE_OK);

    /* the type cannot change once answered */
    json_t *tf = json_pack("{s:s, s:s, s:[{s:s, s:i}, {s:s, s:i}]}", "type", "truefalse", "text", "Exit?", "answers",
                           "text", "true", "fraction", 100, "text", "false", "fraction", 0);
    assert_int_equal(question_update(f->db, f->a, course, qid, tf, f->admin, NULL, &p), LE_CONFLICT);
    assert_string_equal(p.field, "type");
    json_decref(tf);

    /* the key was wrong: "Right" is right; Gus's attempt is regraded */
    json_t *fixed = json_pack("{s:s, s:s, s:s, s:[{s:s, s:i}, {s:s, s:i}]}", "type", "single", "title", "Exits", "text",
                              "Where is the exit?", "answers", "text", "Left", "fraction", 0, "text", "Right",
                              "fraction", 100);
    int regraded = -1;
    assert_int_equal(question_update(f->db, f->a, course, qid, fixed, f->admin, &regraded, &p), LE_OK);
    json_decref(fixed);
    assert_int_equal(regraded, 1);
    struct db_stmt *st = db_query(f->db, "SELECT fraction FROM attempt_questions WHERE attempt_id = ?1", "i", at);
    assert_int_equal(db_step(st), DB_ROW);
    assert_true(fabs(db_col_double(st, 0) - 1.0) < 1e-9);
    db_done(st);
    st = db_query(f->db, "SELECT details FROM audit_log WHERE action = 'question.update'", "");
    assert_int_equal(db_step(st), DB_ROW);
    assert_non_null(strstr(db_col_text(st, 0), "\"regraded\":1"));
    db_done(st);
    json_t *r = quiz_results_json(f->db, f->a, quiz);
    assert_true(fabs(jnum(json_object_get(r, "summary"), "mean") - 100) < 1e-9);
    json_decref(r);

    /* a question a quiz lists cannot be deleted */
    assert_int_equal(question_delete(f->db, f->a, course, qid, f->admin, &p), LE_CONFLICT);
    assert_non_null(strstr(p.message, "quiz"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_crud, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_shared_and_course_banks, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_import, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_export_round_trip, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_results, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_results_edges_and_grading_queue, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_update_regrades, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_import_report_is_capped, setup_any, teardown),
    };
    if (pg_admin_url()) fprintf(stderr, "test_question_bank: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
