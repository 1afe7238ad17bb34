/* Grading and checking (src/model/assessments/grade.c, question_check.c): every type's grade including
 * partial credit, negative weights, numerical tolerance and ranges, the short-answer wildcard
 * and case option, matching shares, essays and descriptions, responses that do not fit; the
 * question rules with the messages they give; and the response shapes saved for each type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../../src/model/assessments/assessments.h"

/* A question from JSON text, checked; fails the test when it does not pass. */
static json_t *q_ok(const char *text)
{
    json_error_t err;
    json_t *q = json_loads(text, 0, &err);
    if (!q) fail_msg("test JSON: %s", err.text);
    struct problem p = {0};
    if (question_check(q, &p)) fail_msg("question_check: %s (%s)", p.message, p.field);
    return q;
}

/* Grades a response given as JSON text ("" = no response). */
static struct grade grade(const json_t *q, const char *response)
{
    json_t *r = *response ? json_loads(response, 0, NULL) : NULL;
    if (*response && !r) fail_msg("bad response JSON %s", response);
    struct grade g = question_grade(q, r);
    json_decref(r);
    return g;
}

static void assert_grade(struct grade g, double fraction, bool answered)
{
    if (fabs(g.fraction - fraction) > 1e-9 || g.answered != answered)
        fail_msg("got fraction %g answered %d, want %g %d", g.fraction, g.answered, fraction, answered);
}

static void assert_contains(const char *s, const char *part)
{
    if (!strstr(s, part)) fail_msg("\"%s\" does not contain \"%s\"", s, part);
}

/* ---- grading ---- */

static void grades_single_choice(void **state)
{
    (void)state;
    json_t *q = q_ok("{\"type\":\"single\",\"text\":\"Q\",\"answers\":["
                     "{\"text\":\"right\",\"fraction\":100,\"feedback\":\"Yes\"},"
                     "{\"text\":\"half\",\"fraction\":50,\"feedback\":\"Half\"},"
                     "{\"text\":\"wrong\",\"fraction\":0},"
                     "{\"text\":\"penalty\",\"fraction\":-50,\"feedback\":\"Ouch\"}]}");
    struct grade g = grade(q, "{\"choice\":0}");
    assert_grade(g, 1, true);
    assert_string_equal(g.feedback, "Yes");
    assert_false(g.needs_person);
    g = grade(q, "{\"choice\":1}");
    assert_grade(g, 0.5, true);
    assert_string_equal(g.feedback, "Half");
    assert_grade(grade(q, "{\"choice\":2}"), 0, true);
    assert_string_equal(grade(q, "{\"choice\":2}").feedback, "");
    /* A negative weight is clamped to 0 for a single choice, but its feedback shows. */
    g = grade(q, "{\"choice\":3}");
    assert_grade(g, 0, true);
    assert_string_equal(g.feedback, "Ouch");
    /* Responses that do not fit. */
    assert_grade(grade(q, "{\"choice\":4}"), 0, false);
    assert_grade(grade(q, "{\"choice\":-1}"), 0, false);
    assert_grade(grade(q, "{\"choice\":\"0\"}"), 0, false);
    assert_grade(grade(q, "{\"text\":\"right\"}"), 0, false);
    assert_grade(grade(q, "{}"), 0, false);
    assert_grade(grade(q, ""), 0, false);
    assert_grade(grade(q, "[0]"), 0, false);
    json_decref(q);
}

static void grades_multiple_answers(void **state)
{
    (void)state;
    json_t *q = q_ok("{\"type\":\"multi\",\"text\":\"Primes\",\"answers\":["
                     "{\"text\":\"2\",\"fraction\":50,\"feedback\":\"2 is prime\"},"
                     "{\"text\":\"3\",\"fraction\":50},"
                     "{\"text\":\"4\",\"fraction\":-100,\"feedback\":\"4 is not\"},"
                     "{\"text\":\"1\",\"fraction\":-25}]}");
    assert_grade(grade(q, "{\"choices\":[0,1]}"), 1, true);
    assert_grade(grade(q, "{\"choices\":[1]}"), 0.5, true);
    /* Negative weights cancel positive ones; the sum is clamped to 0..1. */
    assert_grade(grade(q, "{\"choices\":[0,1,3]}"), 0.75, true);
    assert_grade(grade(q, "{\"choices\":[0,2]}"), 0, true);
    assert_grade(grade(q, "{\"choices\":[0,1,2,3]}"), 0, true);
    /* Choosing one answer twice counts once. */
    assert_grade(grade(q, "{\"choices\":[0,0]}"), 0.5, true);
    struct grade g = grade(q, "{\"choices\":[2,0]}");
    assert_string_equal(g.feedback, "4 is not");
    assert_grade(grade(q, "{\"choices\":[]}"), 0, false);
    assert_grade(grade(q, "{\"choices\":[0,9]}"), 0, false);
    assert_grade(grade(q, "{\"choices\":1}"), 0, false);
    json_decref(q);
}

static void grades_true_false(void **state)
{
    (void)state;
    json_t *q = q_ok("{\"type\":\"truefalse\",\"text\":\"Sky is blue\",\"answers\":["
                     "{\"text\":\"true\",\"fraction\":100,\"feedback\":\"Yes, blue\"},"
                     "{\"text\":\"false\",\"fraction\":0,\"feedback\":\"Look up\"}]}");
    struct grade g = grade(q, "{\"value\":true}");
    assert_grade(g, 1, true);
    assert_string_equal(g.feedback, "Yes, blue");
    g = grade(q, "{\"value\":false}");
    assert_grade(g, 0, true);
    assert_string_equal(g.feedback, "Look up");
    assert_grade(grade(q, "{\"value\":\"true\"}"), 0, false);
    assert_grade(grade(q, "{\"value\":1}"), 0, false);
    json_decref(q);
}

static void grades_short_answer(void **state)
{
    (void)state;
    json_t *q = q_ok("{\"type\":\"short\",\"text\":\"Who?\",\"answers\":["
                     "{\"text\":\"no one\",\"fraction\":100,\"feedback\":\"Right\"},"
                     "{\"text\":\"Gr*t\",\"fraction\":50,\"feedback\":\"Half\"},"
                     "{\"text\":\"*body\",\"fraction\":100,\"feedback\":\"Body\"}]}");
    struct grade g = grade(q, "{\"text\":\"  No One \\n\"}");
    assert_grade(g, 1, true);
    assert_string_equal(g.feedback, "Right");
    assert_grade(grade(q, "{\"text\":\"no  one\"}"), 0, true);
    g = grade(q, "{\"text\":\"grant\"}");
    assert_grade(g, 0.5, true);
    assert_string_equal(g.feedback, "Half");
    assert_grade(grade(q, "{\"text\":\"Grt\"}"), 0.5, true);     /* * matches nothing too */
    assert_grade(grade(q, "{\"text\":\"Grant!\"}"), 0, true);    /* the whole text must match */
    assert_grade(grade(q, "{\"text\":\"nobody\"}"), 1, true);
    assert_grade(grade(q, "{\"text\":\"body\"}"), 1, true);
    assert_string_equal(grade(q, "{\"text\":\"wrong\"}").feedback, "");
    assert_grade(grade(q, "{\"text\":\"   \"}"), 0, false);
    assert_grade(grade(q, "{\"text\":3}"), 0, false);

    /* The best matching answer wins, not the first. */
    json_t *best = q_ok("{\"type\":\"short\",\"text\":\"Q\",\"answers\":["
                        "{\"text\":\"*\",\"fraction\":10,\"feedback\":\"anything\"},"
                        "{\"text\":\"paris\",\"fraction\":100,\"feedback\":\"capital\"}]}");
    g = grade(best, "{\"text\":\"Paris\"}");
    assert_grade(g, 1, true);
    assert_string_equal(g.feedback, "capital");
    assert_grade(grade(best, "{\"text\":\"Lyon\"}"), 0.1, true);
    json_decref(best);

    json_t *cs = q_ok("{\"type\":\"short\",\"text\":\"Symbol?\",\"case_sensitive\":true,\"answers\":["
                      "{\"text\":\"NaCl\",\"fraction\":100}]}");
    assert_grade(grade(cs, "{\"text\":\"NaCl\"}"), 1, true);
    assert_grade(grade(cs, "{\"text\":\"nacl\"}"), 0, true);
    json_decref(cs);
    json_decref(q);
}

static void grades_numerical(void **state)
{
    (void)state;
    json_t *q = q_ok("{\"type\":\"numerical\",\"text\":\"Pi\",\"answers\":["
                     "{\"value\":3.14,\"tolerance\":0.01,\"fraction\":100,\"feedback\":\"Good\"},"
                     "{\"value\":3,\"tolerance\":0.5,\"fraction\":50,\"feedback\":\"Roughly\"}]}");
    /* question_check turned the integer 3 into a real. */
    assert_true(json_is_real(json_object_get(json_array_get(json_object_get(q, "answers"), 1), "value")));
    struct grade g = grade(q, "{\"value\":\"3.14\"}");
    assert_grade(g, 1, true);
    assert_string_equal(g.feedback, "Good");
    assert_grade(grade(q, "{\"value\":\"3,15\"}"), 1, true);   /* comma, at the edge */
    assert_grade(grade(q, "{\"value\":\" 3.13 \"}"), 1, true);
    /* 3.2 is only roughly right; 3.14 above matched both answers and took the better one. */
    g = grade(q, "{\"value\":\"3.2\"}");
    assert_grade(g, 0.5, true);
    assert_string_equal(g.feedback, "Roughly");
    assert_grade(grade(q, "{\"value\":\"3.5\"}"), 0.5, true);
    assert_grade(grade(q, "{\"value\":\"3.51\"}"), 0, true);
    assert_grade(grade(q, "{\"value\":\"2.4\"}"), 0, true);
    assert_grade(grade(q, "{\"value\":\"pi\"}"), 0, true);      /* typed, but not a number */
    assert_grade(grade(q, "{\"value\":\"1,000.5\"}"), 0, true);
    assert_grade(grade(q, "{\"value\":\"\"}"), 0, false);
    assert_grade(grade(q, "{\"value\":3.14}"), 0, false);       /* a number, not text */

    json_t *range = q_ok("{\"type\":\"numerical\",\"text\":\"1 to 5\",\"answers\":["
                         "{\"min\":1,\"max\":5,\"fraction\":100},"
                         "{\"min\":-10,\"max\":10,\"fraction\":-20,\"feedback\":\"not in range\"}]}");
    assert_grade(grade(range, "{\"value\":\"1\"}"), 1, true);
    assert_grade(grade(range, "{\"value\":\"5\"}"), 1, true);
    assert_grade(grade(range, "{\"value\":\"5.0001\"}"), 0, true);
    assert_grade(grade(range, "{\"value\":\"-2e0\"}"), 0, true);
    json_decref(range);

    json_t *exact = q_ok("{\"type\":\"numerical\",\"text\":\"0.1+0.2\",\"answers\":[{\"value\":0.3,\"fraction\":100}]}");
    assert_grade(grade(exact, "{\"value\":\"0.3\"}"), 1, true);
    assert_grade(grade(exact, "{\"value\":\"0.31\"}"), 0, true);
    json_decref(exact);
    json_decref(q);
}

static void grades_matching(void **state)
{
    (void)state;
    json_t *q = q_ok("{\"type\":\"matching\",\"text\":\"Capitals\",\"answers\":["
                     "{\"left\":\"Canada\",\"right\":\"Ottawa\"},{\"left\":\"Italy\",\"right\":\"Rome\"},"
                     "{\"left\":\"Japan\",\"right\":\"Tokyo\"},{\"left\":\"Lazio\",\"right\":\"Rome\"}]}");
    assert_grade(grade(q, "{\"pairs\":[0,1,2,3]}"), 1, true);
    assert_grade(grade(q, "{\"pairs\":[0,2,1,3]}"), 0.5, true);
    assert_grade(grade(q, "{\"pairs\":[0,-1,-1,-1]}"), 0.25, true);
    /* Rome is Rome whichever of the two "Rome" entries was picked. */
    assert_grade(grade(q, "{\"pairs\":[0,3,2,1]}"), 1, true);
    assert_grade(grade(q, "{\"pairs\":[-1,-1,-1,-1]}"), 0, false);
    assert_grade(grade(q, "{\"pairs\":[0,1,2]}"), 0, false);
    assert_grade(grade(q, "{\"pairs\":[0,1,2,4]}"), 0, false);
    json_decref(q);
}

static void essays_need_a_person_descriptions_are_not_graded(void **state)
{
    (void)state;
    json_t *essay = q_ok("{\"type\":\"essay\",\"text\":\"Write\"}");
    struct grade g = grade(essay, "{\"text\":\"My summer\"}");
    assert_true(g.needs_person);
    assert_grade(g, 0, true);
    g = grade(essay, "");
    assert_true(g.needs_person);
    assert_false(g.answered);
    assert_false(grade(essay, "{\"text\":\" \"}").answered);
    json_decref(essay);

    json_t *d = q_ok("{\"type\":\"description\",\"text\":\"Read this\"}");
    g = grade(d, "{\"text\":\"x\"}");
    assert_grade(g, 0, false);
    assert_false(g.needs_person);
    json_decref(d);

    assert_true(question_type_auto("single") && question_type_auto("matching") && question_type_auto("numerical"));
    assert_false(question_type_auto("essay") || question_type_auto("description") || question_type_auto("nope"));
    assert_true(question_type_known("description") && question_type_known("truefalse"));
    assert_false(question_type_known("cloze") || question_type_known(NULL));
}

/* ---- question rules ---- */

static void check_fails(const char *text, const char *field, const char *message)
{
    json_t *q = json_loads(text, 0, NULL);
    if (!q) fail_msg("bad test JSON %s", text);
    struct problem p = {0};
    if (question_check(q, &p) != LE_INVALID) fail_msg("accepted: %s", text);
    assert_string_equal(p.field, field);
    assert_contains(p.message, message);
    json_decref(q);
}

static void question_rules(void **state)
{
    (void)state;
    /* Defaults are filled in. */
    json_t *q = q_ok("{\"type\":\"single\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\",\"fraction\":100.0},{\"text\":\"b\",\"fraction\":0}]}");
    assert_string_equal(json_string_value(json_object_get(q, "format")), "markdown");
    assert_string_equal(json_string_value(json_object_get(q, "title")), "");
    assert_string_equal(json_string_value(json_object_get(q, "category")), "");
    assert_string_equal(json_string_value(json_object_get(q, "general_feedback")), "");
    assert_true(json_is_false(json_object_get(q, "case_sensitive")));
    json_t *a0 = json_array_get(json_object_get(q, "answers"), 0);
    assert_string_equal(json_string_value(json_object_get(a0, "feedback")), "");
    assert_true(json_is_integer(json_object_get(a0, "fraction"))); /* 100.0 kept as 100 */
    json_decref(q);

    check_fails("[]", "question", "JSON object");
    check_fails("{\"type\":\"cloze\",\"text\":\"Q\"}", "type", "Choose a type");
    check_fails("{\"type\":\"essay\"}", "text", "question text is missing");
    check_fails("{\"type\":\"essay\",\"text\":\"  \"}", "text", "question text is empty");
    check_fails("{\"type\":\"essay\",\"text\":\"Q\",\"format\":\"rtf\"}", "format", "use markdown, html, plain or moodle");
    check_fails("{\"type\":\"essay\",\"text\":\"Q\",\"category\":\"a\\nb\"}", "category", "one line");
    check_fails("{\"type\":\"essay\",\"text\":\"Q\",\"case_sensitive\":1}", "case_sensitive", "true or false");
    check_fails("{\"type\":\"essay\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\"}]}", "answers", "no answers");
    check_fails("{\"type\":\"single\",\"text\":\"Q\"}", "answers", "must be a list");
    check_fails("{\"type\":\"single\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\",\"fraction\":100}]}", "answers",
                "at least 2 answers; add 1 more");
    check_fails("{\"type\":\"single\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\",\"fraction\":90},{\"text\":\"b\",\"fraction\":0}]}",
                "answers", "No answer is worth 100%");
    check_fails("{\"type\":\"single\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\",\"fraction\":100},{\"text\":\"\",\"fraction\":0}]}",
                "answers", "Answer 2 is empty");
    check_fails("{\"type\":\"single\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\",\"fraction\":100},{\"text\":\"b\",\"fraction\":101}]}",
                "answers", "Answer 2 is worth 101%");
    check_fails("{\"type\":\"single\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\",\"fraction\":100},{\"text\":\"b\"}]}",
                "answers", "Answer 2 needs a fraction");
    check_fails("{\"type\":\"multi\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\",\"fraction\":50},{\"text\":\"b\",\"fraction\":40},"
                "{\"text\":\"c\",\"fraction\":-100}]}",
                "answers", "add up to 90%; make them 100%");
    check_fails("{\"type\":\"truefalse\",\"text\":\"Q\",\"answers\":[{\"text\":\"false\",\"fraction\":100},{\"text\":\"true\",\"fraction\":0}]}",
                "answers", "Answer 1 of a true/false question must be \"true\"");
    check_fails("{\"type\":\"truefalse\",\"text\":\"Q\",\"answers\":[{\"text\":\"true\",\"fraction\":100},{\"text\":\"false\",\"fraction\":100}]}",
                "answers", "exactly one of true and false");
    check_fails("{\"type\":\"short\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\",\"fraction\":-10}]}", "answers", "from 0% to 100%");
    /* A 0% answer is a known wrong answer with its feedback; one worth 100% is still needed. */
    check_fails("{\"type\":\"short\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\",\"fraction\":0}]}", "answers", "worth 100%");
    check_fails("{\"type\":\"short\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\",\"fraction\":50}]}", "answers", "worth 100%");
    check_fails("{\"type\":\"numerical\",\"text\":\"Q\",\"answers\":[{\"value\":\"3\",\"fraction\":100}]}", "answers",
                "needs \"value\" as a number");
    check_fails("{\"type\":\"numerical\",\"text\":\"Q\",\"answers\":[{\"value\":3,\"tolerance\":-1,\"fraction\":100}]}", "answers",
                "negative tolerance");
    check_fails("{\"type\":\"numerical\",\"text\":\"Q\",\"answers\":[{\"min\":5,\"max\":1,\"fraction\":100}]}", "answers",
                "put the smaller number first");
    check_fails("{\"type\":\"numerical\",\"text\":\"Q\",\"answers\":[{\"min\":1,\"fraction\":100}]}", "answers", "\"max\"");
    check_fails("{\"type\":\"numerical\",\"text\":\"Q\",\"answers\":[{\"value\":1,\"min\":0,\"max\":2,\"fraction\":100}]}", "answers",
                "both a value and a range");
    check_fails("{\"type\":\"matching\",\"text\":\"Q\",\"answers\":[{\"left\":\"a\",\"right\":\"b\"}]}", "answers", "at least 2");
    check_fails("{\"type\":\"matching\",\"text\":\"Q\",\"answers\":[{\"left\":\"a\",\"right\":\"b\"},{\"left\":\"c\"}]}", "answers",
                "right side of pair 2 is missing");

    /* Caps: 100,000 bytes of text and 100 answers. */
    char *big = malloc(100002);
    memset(big, 'x', 100001);
    big[100001] = '\0';
    json_t *huge = json_pack("{s:s,s:s}", "type", "essay", "text", big);
    struct problem p = {0};
    assert_int_equal(question_check(huge, &p), LE_INVALID);
    assert_contains(p.message, "at most 100000");
    big[100000] = '\0';
    json_object_set_new(huge, "text", json_string(big));
    assert_int_equal(question_check(huge, &p), LE_OK);
    json_decref(huge);
    free(big);
    json_t *many = json_pack("{s:s,s:s,s:[]}", "type", "short", "text", "Q", "answers");
    for (int i = 0; i < 101; i++) json_array_append_new(json_object_get(many, "answers"), json_pack("{s:s,s:i}", "text", "a", "fraction", 100));
    assert_int_equal(question_check(many, &p), LE_INVALID);
    assert_contains(p.message, "at most 100 answers; remove 1");
    json_array_remove(json_object_get(many, "answers"), 0);
    assert_int_equal(question_check(many, &p), LE_OK);
    json_decref(many);
}

/* ---- responses ---- */

static void response_ok(const json_t *q, const char *r)
{
    json_t *j = json_loads(r, JSON_DECODE_ANY, NULL);
    struct problem p = {0};
    if (question_response_check(q, j, &p)) fail_msg("%s refused: %s", r, p.message);
    json_decref(j);
}

static void response_bad(const json_t *q, const char *r, const char *field, const char *message)
{
    json_t *j = json_loads(r, JSON_DECODE_ANY, NULL);
    struct problem p = {0};
    if (question_response_check(q, j, &p) != LE_INVALID) fail_msg("%s accepted", r);
    assert_string_equal(p.field, field);
    assert_contains(p.message, message);
    json_decref(j);
}

static void response_shapes(void **state)
{
    (void)state;
    json_t *single = q_ok("{\"type\":\"single\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\",\"fraction\":100},"
                          "{\"text\":\"b\",\"fraction\":0},{\"text\":\"c\",\"fraction\":0},{\"text\":\"d\",\"fraction\":0}]}");
    response_ok(single, "{\"choice\":3}");
    response_ok(single, "{}");
    response_bad(single, "{\"choice\":4}", "choice", "Choose one of answers 0 to 3.");
    response_bad(single, "{\"choice\":-1}", "choice", "0 to 3");
    response_bad(single, "{\"choice\":\"1\"}", "choice", "0 to 3");
    response_bad(single, "{\"choices\":[1]}", "choices", "{\"choice\": i}");
    response_bad(single, "[1]", "response", "JSON object");
    response_bad(single, "1", "response", "JSON object");
    json_decref(single);

    json_t *multi = q_ok("{\"type\":\"multi\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\",\"fraction\":50},{\"text\":\"b\",\"fraction\":50}]}");
    response_ok(multi, "{\"choices\":[1,0]}");
    response_ok(multi, "{\"choices\":[]}");
    response_bad(multi, "{\"choices\":[2]}", "choices", "0 to 1");
    response_bad(multi, "{\"choices\":[1,1]}", "choices", "chosen twice");
    response_bad(multi, "{\"choices\":1}", "choices", "list");
    response_bad(multi, "{\"choice\":1}", "choice", "does not belong");
    json_decref(multi);

    json_t *tf = q_ok("{\"type\":\"truefalse\",\"text\":\"Q\",\"answers\":[{\"text\":\"true\",\"fraction\":100},{\"text\":\"false\",\"fraction\":0}]}");
    response_ok(tf, "{\"value\":false}");
    response_bad(tf, "{\"value\":\"false\"}", "value", "true or false");
    response_bad(tf, "{\"value\":0}", "value", "true or false");
    json_decref(tf);

    json_t *shrt = q_ok("{\"type\":\"short\",\"text\":\"Q\",\"answers\":[{\"text\":\"a\",\"fraction\":100}]}");
    response_ok(shrt, "{\"text\":\"anything\"}");
    response_ok(shrt, "{\"text\":\"\"}");
    response_bad(shrt, "{\"text\":5}", "text", "Send \"text\" as text");
    char big[1100];
    memset(big, 'x', 1001);
    big[1001] = '\0';
    json_t *r = json_pack("{s:s}", "text", big);
    struct problem p = {0};
    assert_int_equal(question_response_check(shrt, r, &p), LE_INVALID);
    assert_contains(p.message, "at most 1000");
    json_decref(r);
    json_decref(shrt);

    json_t *num = q_ok("{\"type\":\"numerical\",\"text\":\"Q\",\"answers\":[{\"value\":1,\"fraction\":100}]}");
    response_ok(num, "{\"value\":\"3,14\"}");
    response_ok(num, "{\"value\":\"-2.5e3\"}");
    response_ok(num, "{\"value\":\"\"}");
    response_bad(num, "{\"value\":3.14}", "value", "Send \"value\" as text");
    response_bad(num, "{\"value\":\"three\"}", "value", "Enter a number");
    response_bad(num, "{\"value\":\"1,000.5\"}", "value", "Enter a number");
    json_decref(num);

    json_t *match = q_ok("{\"type\":\"matching\",\"text\":\"Q\",\"answers\":[{\"left\":\"a\",\"right\":\"1\"},"
                         "{\"left\":\"b\",\"right\":\"2\"},{\"left\":\"c\",\"right\":\"3\"}]}");
    response_ok(match, "{\"pairs\":[2,-1,0]}");
    response_bad(match, "{\"pairs\":[0,1]}", "pairs", "each of the 3 items");
    response_bad(match, "{\"pairs\":[0,1,3]}", "pairs", "Match item 2 to one of 0 to 2, or -1");
    response_bad(match, "{\"pairs\":[0,1,-2]}", "pairs", "or -1");
    response_bad(match, "{\"pairs\":[0,1,\"2\"]}", "pairs", "Match item 2");
    json_decref(match);

    json_t *essay = q_ok("{\"type\":\"essay\",\"text\":\"Q\"}");
    response_ok(essay, "{\"text\":\"long story\"}");
    char *huge = malloc(50002);
    memset(huge, 'x', 50001);
    huge[50001] = '\0';
    r = json_pack("{s:s}", "text", huge);
    assert_int_equal(question_response_check(essay, r, &p), LE_INVALID);
    assert_contains(p.message, "at most 50000");
    huge[50000] = '\0';
    json_object_set_new(r, "text", json_string(huge));
    assert_int_equal(question_response_check(essay, r, &p), LE_OK);
    json_decref(r);
    free(huge);
    json_decref(essay);

    json_t *d = q_ok("{\"type\":\"description\",\"text\":\"Q\"}");
    response_ok(d, "{}");
    response_bad(d, "{\"text\":\"x\"}", "response", "no answer");
    json_decref(d);
}

static void parses_typed_numbers(void **state)
{
    (void)state;
    double d;
    assert_true(question_parse_number("3.14", &d) && d == 3.14);
    assert_true(question_parse_number(" 3,14 ", &d) && d == 3.14);
    assert_true(question_parse_number("-1e3", &d) && d == -1000);
    assert_true(question_parse_number("+7", &d) && d == 7);
    assert_false(question_parse_number("", &d));
    assert_false(question_parse_number("1,000.5", &d));
    assert_false(question_parse_number("0x10", &d));
    assert_false(question_parse_number("inf", &d));
    assert_false(question_parse_number("nan", &d));
    assert_false(question_parse_number("3 4", &d));
    assert_false(question_parse_number("1e999", &d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grades_single_choice),
        cmocka_unit_test(grades_multiple_answers),
        cmocka_unit_test(grades_true_false),
        cmocka_unit_test(grades_short_answer),
        cmocka_unit_test(grades_numerical),
        cmocka_unit_test(grades_matching),
        cmocka_unit_test(essays_need_a_person_descriptions_are_not_graded),
        cmocka_unit_test(question_rules),
        cmocka_unit_test(response_shapes),
        cmocka_unit_test(parses_typed_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
