/* GIFT reading and writing (src/model/assessments/gift.c): every construct of Moodle's format (comments,
 * titles, categories, formats, every question type, weights, feedback, general feedback,
 * missing word, escapes, questions over several lines), each kind of malformed question
 * reported with its line while the rest still parse, and the round trip
 * gift_parse(gift_write(qs)) == qs for every type. */
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

static void parse(const char *text, struct gift_file *f)
{
    struct problem p = {0};
    lerr e = gift_parse(text, strlen(text), f, &p);
    if (e) fail_msg("gift_parse failed: %s", p.message);
}

/* Entry i's question; fails the test with the entry's error when it has none. */
static json_t *question(struct gift_file *f, size_t i)
{
    if (i >= f->n) fail_msg("only %zu entries, wanted %zu", f->n, i + 1);
    if (!f->entries[i].question) fail_msg("entry %zu: %s", i, f->entries[i].error);
    return f->entries[i].question;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s) fail_msg("no string \"%s\"", key);
    return s;
}

static const json_t *answer(const json_t *q, size_t i)
{
    const json_t *a = json_array_get(json_object_get(q, "answers"), i);
    assert_non_null(a);
    return a;
}

static double fraction(const json_t *q, size_t i)
{
    return json_number_value(json_object_get(answer(q, i), "fraction"));
}

static size_t n_answers(const json_t *q)
{
    return json_array_size(json_object_get(q, "answers"));
}

/* The error of entry i, which must have one. */
static const char *error_of(struct gift_file *f, size_t i)
{
    assert_true(i < f->n);
    if (f->entries[i].question) fail_msg("entry %zu parsed, but an error was expected", i);
    return f->entries[i].error;
}

static void assert_contains(const char *s, const char *part)
{
    if (!strstr(s, part)) fail_msg("\"%s\" does not contain \"%s\"", s, part);
}

/* ---- constructs ---- */

static void single_choice_with_title_feedback_and_comments(void **state)
{
    (void)state;
    struct gift_file f;
    parse("// a comment before the question\n"
          "::Grant::Who's buried in Grant's tomb?{\n"
          "  ~Grant#No, he is not.\n"
          "  // a comment among the answers\n"
          "  =no one#Right: he is entombed.\n"
          "  ~%50%Ulysses\n"
          "  ~%-25%Jefferson\n"
          "  ####Tombs are above ground.\n"
          "}\n",
          &f);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.n_errors, 0);
    assert_int_equal(f.entries[0].line, 2);
    json_t *q = question(&f, 0);
    assert_string_equal(str(q, "type"), "single");
    assert_string_equal(str(q, "title"), "Grant");
    assert_string_equal(str(q, "text"), "Who's buried in Grant's tomb?");
    assert_string_equal(str(q, "format"), "moodle"); /* untagged: Moodle's auto-format */
    assert_string_equal(str(q, "category"), "");
    assert_string_equal(str(q, "general_feedback"), "Tombs are above ground.");
    assert_false(json_is_true(json_object_get(q, "case_sensitive")));
    assert_int_equal(n_answers(q), 4);
    assert_string_equal(str(answer(q, 0), "text"), "Grant");
    assert_string_equal(str(answer(q, 0), "feedback"), "No, he is not.");
    assert_true(fraction(q, 0) == 0);
    assert_string_equal(str(answer(q, 1), "text"), "no one");
    assert_true(fraction(q, 1) == 100);
    assert_string_equal(str(answer(q, 1), "feedback"), "Right: he is entombed.");
    assert_true(fraction(q, 2) == 50);
    assert_string_equal(str(answer(q, 2), "feedback"), "");
    assert_true(fraction(q, 3) == -25);
    gift_file_free(&f);
}

static void multiple_answers_need_weights_adding_to_100(void **state)
{
    (void)state;
    struct gift_file f;
    parse("Which are primes? {~%50%2 ~%50%3 ~%-100%4 ~1}\n\n"
          "Thirds: {~%33.33333%a ~%33.33333%b ~%33.33333%c ~d}\n\n"
          "Only one right, no = {~%100%yes ~%-50%no}\n",
          &f);
    assert_int_equal(f.n_errors, 0);
    json_t *q = question(&f, 0);
    assert_string_equal(str(q, "type"), "multi");
    assert_true(fraction(q, 0) == 50 && fraction(q, 1) == 50 && fraction(q, 2) == -100 && fraction(q, 3) == 0);
    q = question(&f, 1);
    assert_string_equal(str(q, "type"), "multi");
    assert_true(json_is_real(json_object_get(answer(q, 0), "fraction")));
    assert_true(fabs(fraction(q, 0) - 33.33333) < 1e-9);
    /* Moodle: a block with no = is multiple answer, whatever the weights. */
    assert_string_equal(str(question(&f, 2), "type"), "multi");
    gift_file_free(&f);
}

static void true_false_with_feedback(void **state)
{
    (void)state;
    struct gift_file f;
    parse("Grass is green.{T}\n\n"
          "The sun is cold.{FALSE#Wrong: it is hot.#Right, it is hot.}\n\n"
          "Water is wet.{TRUE#Think again.#Yes.####Wet is relative.}\n\n"
          "Ice is hot.{F#Ice is cold.}\n",
          &f);
    assert_int_equal(f.n_errors, 0);
    json_t *q = question(&f, 0);
    assert_string_equal(str(q, "type"), "truefalse");
    assert_string_equal(str(answer(q, 0), "text"), "true");
    assert_string_equal(str(answer(q, 1), "text"), "false");
    assert_true(fraction(q, 0) == 100 && fraction(q, 1) == 0);

    /* FALSE is right: the first feedback (for a wrong answer) goes on "true". */
    q = question(&f, 1);
    assert_true(fraction(q, 0) == 0 && fraction(q, 1) == 100);
    assert_string_equal(str(answer(q, 0), "feedback"), "Wrong: it is hot.");
    assert_string_equal(str(answer(q, 1), "feedback"), "Right, it is hot.");

    /* TRUE is right: the first feedback goes on "false", the second on "true". */
    q = question(&f, 2);
    assert_true(fraction(q, 0) == 100);
    assert_string_equal(str(answer(q, 0), "feedback"), "Yes.");
    assert_string_equal(str(answer(q, 1), "feedback"), "Think again.");
    assert_string_equal(str(q, "general_feedback"), "Wet is relative.");

    q = question(&f, 3);
    assert_true(fraction(q, 1) == 100);
    assert_string_equal(str(answer(q, 0), "feedback"), "Ice is cold.");
    assert_string_equal(str(answer(q, 1), "feedback"), "");
    gift_file_free(&f);
}

static void short_answer(void **state)
{
    (void)state;
    struct gift_file f;
    parse("Who's buried in Grant's tomb?{=no one =nobody#Yes. =%50%Grant#Half right.}\n\n"
          "Two plus two is {=four =4}.\n",
          &f);
    json_t *q = question(&f, 0);
    assert_string_equal(str(q, "type"), "short");
    assert_int_equal(n_answers(q), 3);
    assert_string_equal(str(answer(q, 0), "text"), "no one");
    assert_true(fraction(q, 0) == 100 && fraction(q, 1) == 100 && fraction(q, 2) == 50);
    assert_string_equal(str(answer(q, 1), "feedback"), "Yes.");
    assert_string_equal(str(answer(q, 2), "text"), "Grant");
    q = question(&f, 1);
    assert_string_equal(str(q, "type"), "short");
    assert_string_equal(str(q, "text"), "Two plus two is _____.");
    gift_file_free(&f);
}

static void numerical_forms(void **state)
{
    (void)state;
    struct gift_file f;
    parse("Pi to two places?{#3.14:0.01}\n\n"
          "Exactly pi-ish {#3.14}\n\n"
          "Between one and five {#1..5#In range.}\n\n"
          "Pi, graded {#\n  =%100%3.14:0.0#Exact.\n  =%50%3.1:0.1#Close.\n}\n\n"
          "Negative {#-5..-1}\n",
          &f);
    assert_int_equal(f.n_errors, 0);
    json_t *q = question(&f, 0);
    assert_string_equal(str(q, "type"), "numerical");
    const json_t *a = answer(q, 0);
    assert_true(json_is_real(json_object_get(a, "value")));
    assert_true(json_real_value(json_object_get(a, "value")) == 3.14);
    assert_true(json_real_value(json_object_get(a, "tolerance")) == 0.01);
    assert_true(fraction(q, 0) == 100);

    a = answer(question(&f, 1), 0);
    assert_true(json_real_value(json_object_get(a, "tolerance")) == 0);

    q = question(&f, 2);
    a = answer(q, 0);
    assert_null(json_object_get(a, "value"));
    assert_true(json_real_value(json_object_get(a, "min")) == 1);
    assert_true(json_real_value(json_object_get(a, "max")) == 5);
    assert_string_equal(str(a, "feedback"), "In range.");

    q = question(&f, 3);
    assert_int_equal(n_answers(q), 2);
    assert_true(fraction(q, 0) == 100 && fraction(q, 1) == 50);
    assert_true(json_real_value(json_object_get(answer(q, 1), "value")) == 3.1);
    assert_true(json_real_value(json_object_get(answer(q, 1), "tolerance")) == 0.1);
    assert_string_equal(str(answer(q, 1), "feedback"), "Close.");

    a = answer(question(&f, 4), 0);
    assert_true(json_real_value(json_object_get(a, "min")) == -5);
    assert_true(json_real_value(json_object_get(a, "max")) == -1);
    gift_file_free(&f);
}

static void matching_essay_description_missing_word(void **state)
{
    (void)state;
    struct gift_file f;
    parse("Match the capitals.{\n  =Canada -> Ottawa\n  =Italy->Rome\n  =Japan -> Tokyo\n####Geography!}\n\n"
          "Write about your summer.{}\n\n"
          "Describe a tomb. {####Any tomb will do.}\n\n"
          "::Intro::This part is about tombs.\n\n"
          "Grant is {~buried =entombed ~living} in Grant's tomb.\n",
          &f);
    assert_int_equal(f.n_errors, 0);
    json_t *q = question(&f, 0);
    assert_string_equal(str(q, "type"), "matching");
    assert_int_equal(n_answers(q), 3);
    assert_string_equal(str(answer(q, 0), "left"), "Canada");
    assert_string_equal(str(answer(q, 0), "right"), "Ottawa");
    assert_string_equal(str(answer(q, 1), "left"), "Italy");
    assert_string_equal(str(answer(q, 1), "right"), "Rome");
    assert_string_equal(str(q, "general_feedback"), "Geography!");

    q = question(&f, 1);
    assert_string_equal(str(q, "type"), "essay");
    assert_int_equal(n_answers(q), 0);
    assert_string_equal(str(question(&f, 2), "general_feedback"), "Any tomb will do.");
    assert_string_equal(str(question(&f, 2), "type"), "essay");

    q = question(&f, 3);
    assert_string_equal(str(q, "type"), "description");
    assert_string_equal(str(q, "title"), "Intro");
    assert_string_equal(str(q, "text"), "This part is about tombs.");

    q = question(&f, 4);
    assert_string_equal(str(q, "type"), "single");
    assert_string_equal(str(q, "text"), "Grant is _____ in Grant's tomb.");
    assert_true(fraction(q, 1) == 100);
    gift_file_free(&f);
}

static void formats_categories_escapes_and_lines(void **state)
{
    (void)state;
    struct gift_file f;
    parse("$CATEGORY: $course$/top/Safety/Fire\n"
          "\n"
          "[html]<b>Hot?</b>{T}\n"
          "\n"
          "::Plain::[plain]Plain text{T}\n"
          "\n"
          "$CATEGORY: $system$/top/Other\n"
          "[moodle]Moodle text{F}\n"
          "\n"
          "[foo]Not a format{F}\n"
          "\n"
          "$CATEGORY: top\n"
          "::Ti\\:tle::Escapes \\~ \\= \\# \\{ \\} \\: \\\\ and\\nnewline{\n"
          "  =a\\=b#c\\#d\n"
          "  ~e\\~f\n"
          "}\n"
          "\n"
          "$CATEGORY: Plain/Path\n"
          "A question\n"
          "over three\n"
          "lines {T}\n",
          &f);
    assert_int_equal(f.n, 6);
    assert_int_equal(f.n_errors, 0);
    json_t *q = question(&f, 0);
    assert_string_equal(str(q, "format"), "html");
    assert_string_equal(str(q, "text"), "<b>Hot?</b>");
    assert_string_equal(str(q, "category"), "Safety/Fire");
    assert_int_equal(f.entries[0].line, 3);
    q = question(&f, 1);
    assert_string_equal(str(q, "format"), "plain");
    assert_string_equal(str(q, "title"), "Plain");
    assert_string_equal(str(q, "category"), "Safety/Fire");
    q = question(&f, 2);
    assert_string_equal(str(q, "format"), "moodle");
    assert_string_equal(str(q, "category"), "Other");
    q = question(&f, 3);
    assert_string_equal(str(q, "format"), "moodle");
    assert_string_equal(str(q, "text"), "[foo]Not a format");
    q = question(&f, 4);
    assert_string_equal(str(q, "category"), "");
    assert_string_equal(str(q, "title"), "Ti:tle");
    assert_string_equal(str(q, "text"), "Escapes ~ = # { } : \\ and\nnewline");
    assert_string_equal(str(answer(q, 0), "text"), "a=b");
    assert_string_equal(str(answer(q, 0), "feedback"), "c#d");
    assert_string_equal(str(answer(q, 1), "text"), "e~f");
    q = question(&f, 5);
    assert_string_equal(str(q, "category"), "Plain/Path");
    assert_string_equal(str(q, "text"), "A question\nover three\nlines");
    assert_int_equal(f.entries[5].line, 19);
    gift_file_free(&f);
}

static void crlf_bom_and_empty_files(void **state)
{
    (void)state;
    struct gift_file f;
    parse("\xEF\xBB\xBF" "First{T}\r\n\r\n// c\r\nSecond{=a ~b}\r\n", &f);
    assert_int_equal(f.n, 2);
    assert_string_equal(str(question(&f, 0), "text"), "First");
    assert_string_equal(str(answer(question(&f, 1), 1), "text"), "b");
    assert_int_equal(f.entries[1].line, 4);
    gift_file_free(&f);

    parse("", &f);
    assert_int_equal(f.n, 0);
    gift_file_free(&f);
    parse("// only comments\n\n   \n// more\n", &f);
    assert_int_equal(f.n, 0);
    gift_file_free(&f);
}

/* A ::title:: line right after a closed answer block starts a new question even without the
 * blank line (docs/assessments.md's example is written that way); a description's next line
 * and a missing word's rest still belong to their question. */
static void title_after_a_closed_block_starts_a_question(void **state)
{
    (void)state;
    struct gift_file f;
    parse("::A::One {T}\n"
          "::B::Two {=x ~y}\n"
          "::C::Intro text\n"
          "::not a title, still the intro\n"
          "\n"
          "::D::Gap {=in ~out}\n"
          "the rest of D\n",
          &f);
    assert_int_equal(f.n_errors, 0);
    assert_int_equal(f.n, 4);
    assert_string_equal(str(question(&f, 0), "title"), "A");
    assert_int_equal(f.entries[1].line, 2);
    assert_string_equal(str(question(&f, 1), "type"), "single");
    assert_string_equal(str(question(&f, 2), "type"), "description");
    assert_string_equal(str(question(&f, 2), "text"), "Intro text\n::not a title, still the intro");
    assert_string_equal(str(question(&f, 3), "text"), "Gap _____\nthe rest of D");
    gift_file_free(&f);
}

/* ---- malformed questions: each error names its line, the rest still parse ---- */

static void malformed_questions_name_their_line(void **state)
{
    (void)state;
    struct gift_file f;
    parse("Good one{T}\n"                               /* 1 */
          "\n"                                          /* 2 */
          "Unclosed brace {\n"                          /* 3 */
          "  =a\n"                                      /* 4 */
          "  ~b\n"                                      /* 5 */
          "\n"                                          /* 6 */
          "Weights {~%50%a ~%40%b ~c}\n"                /* 7 */
          "\n"                                          /* 8 */
          "Backslash kept\n"                            /* 9 */
          "here \\q {T}\n"                              /* 10 */
          "\n"                                          /* 11 */
          "Empty answer {\n"                            /* 12 */
          "  =right\n"                                  /* 13 */
          "  ~ \n"                                      /* 14 */
          "}\n"                                         /* 15 */
          "\n"                                          /* 16 */
          "Empty equals {=a = }\n"                      /* 17 */
          "\n"                                          /* 18 */
          "Unknown shape {just words}\n"                /* 19 */
          "\n"                                          /* 20 */
          "::Title only::{T}\n"                         /* 21 */
          "\n"                                          /* 22 */
          "Still fine{F}\n",                            /* 23 */
          &f);
    assert_int_equal(f.n, 9);
    assert_int_equal(f.n_errors, 6);
    assert_non_null(question(&f, 0));
    assert_non_null(question(&f, 8));
    /* A backslash before a character that is not an escape stays, as Moodle keeps it. */
    assert_string_equal(str(question(&f, 3), "text"), "Backslash kept\nhere \\q");
    assert_int_equal(f.entries[3].error_line, 0);

    const char *e = error_of(&f, 1);
    assert_contains(e, "line 3: ");
    assert_contains(e, "not closed");
    assert_int_equal(f.entries[1].line, 3);

    e = error_of(&f, 2);
    assert_contains(e, "line 7: ");
    assert_contains(e, "weights add up to 90%");

    e = error_of(&f, 4);
    assert_contains(e, "line 14: ");
    assert_contains(e, "empty");
    assert_int_equal(f.entries[4].line, 12);
    assert_int_equal(f.entries[4].error_line, 14); /* the line at fault, not the question's first */

    e = error_of(&f, 5);
    assert_contains(e, "line 17: ");
    assert_contains(e, "empty");

    e = error_of(&f, 6);
    assert_contains(e, "line 19: ");
    assert_contains(e, "start each answer with = (right) or ~ (wrong)");

    e = error_of(&f, 7);
    assert_contains(e, "line 21: ");
    assert_contains(e, "no text");
    gift_file_free(&f);
}

static void more_malformed_questions(void **state)
{
    (void)state;
    struct gift_file f;
    parse("Stray } brace{T}\n\n"                         /* 1 */
          "Two {T} blocks {F}\n\n"                        /* 3 */
          "::Open title {T}\n\n"                          /* 5 */
          "Not a number {#abc}\n\n"                       /* 7 */
          "Not a range {#5..x}\n\n"                       /* 9 */
          "Pair without arrow {=a -> b =c}\n\n"           /* 11 */
          "Too heavy {=a ~%150%b}\n\n"                    /* 13 */
          "Unicode escape \\é {T}\n\n"                    /* 15 */
          "Backslash at the end \\\n{T}\n\n"              /* 17 */
          "One choice only {=a ~}\n\n"                    /* 20 */
          "Single without a right answer {=%50%a ~b}\n\n" /* 22 */
          "Empty numerical {#}\n\n"                       /* 24 */
          "Numerical other value {#=3 ~2#no}\n",         /* 26 */
          &f);
    assert_int_equal(f.n, 13);
    assert_int_equal(f.n_errors, 11);
    assert_contains(error_of(&f, 0), "line 1: a } closes no answer block");
    assert_contains(error_of(&f, 1), "line 3: a question has one answer block");
    assert_contains(error_of(&f, 2), "line 5: the title opened with :: is not closed");
    assert_contains(error_of(&f, 3), "line 7: \"abc\" is not a number");
    assert_contains(error_of(&f, 4), "line 9: \"x\" is not a number");
    assert_contains(error_of(&f, 5), "line 11: the pair \"c\" has no ->");
    assert_contains(error_of(&f, 6), "line 13: the weight 150% is outside");
    /* Backslashes that escape nothing are text, as in Moodle. */
    assert_string_equal(str(question(&f, 7), "text"), "Unicode escape \\é");
    assert_string_equal(str(question(&f, 8), "text"), "Backslash at the end \\");
    assert_contains(error_of(&f, 9), "line 20: an answer after ~ is empty");
    /* Problems found by question_check are reported on the question's first line. */
    assert_contains(error_of(&f, 10), "line 22: No answer is worth 100%");
    assert_contains(error_of(&f, 11), "line 24: the numerical answer is empty");
    assert_contains(error_of(&f, 12), "line 26: a ~ in a numerical block stands for any other answer");
    gift_file_free(&f);
}

static void not_utf8_is_refused(void **state)
{
    (void)state;
    struct gift_file f;
    struct problem p = {0};
    const char latin1[] = "Good{T}\n\nRen\xe9{T}\n";
    assert_int_equal(gift_parse(latin1, strlen(latin1), &f, &p), LE_INVALID);
    assert_contains(p.message, "Line 3");
    assert_contains(p.message, "UTF-8");
    assert_int_equal(f.n, 0);
    const char nul[] = "A{T}\n\0{F}";
    assert_int_equal(gift_parse(nul, sizeof nul - 1, &f, &p), LE_INVALID);
    assert_contains(p.message, "Line 2");
}

/* ---- writing ---- */

/* Every type, weight, feedback form, format, title, category and escape. */
static const char *const all_types_json = "["
    "{\"type\":\"single\",\"title\":\"T: one\",\"text\":\"Who's {buried} in #1 tomb?\",\"format\":\"html\","
    " \"general_feedback\":\"See ~ notes = here\",\"category\":\"\",\"answers\":["
    "  {\"text\":\"Grant\",\"fraction\":0,\"feedback\":\"No\\\\pe\"},"
    "  {\"text\":\"no one\",\"fraction\":100,\"feedback\":\"Yes: right\"},"
    "  {\"text\":\"half\",\"fraction\":50,\"feedback\":\"\"},"
    "  {\"text\":\"%10% off\",\"fraction\":0,\"feedback\":\"\"},"
    "  {\"text\":\"bad\",\"fraction\":-33.5,\"feedback\":\"\"}]},"
    "{\"type\":\"single\",\"text\":\"All right\",\"category\":\"Safety/Fire\",\"answers\":["
    "  {\"text\":\"a\",\"fraction\":100},{\"text\":\"b\",\"fraction\":100}]},"
    "{\"type\":\"multi\",\"text\":\"Primes\\nover lines\",\"category\":\"Safety/Fire\",\"answers\":["
    "  {\"text\":\"2\",\"fraction\":33.333333333333336,\"feedback\":\"yes\"},"
    "  {\"text\":\"3\",\"fraction\":33.333333333333336},"
    "  {\"text\":\"5\",\"fraction\":33.333333333333329},"
    "  {\"text\":\"4\",\"fraction\":-100},{\"text\":\"%1\",\"fraction\":0}]},"
    "{\"type\":\"multi\",\"text\":\"One right\",\"category\":\"Safety/Fire\",\"answers\":["
    "  {\"text\":\"yes\",\"fraction\":100},{\"text\":\"no\",\"fraction\":-50}]},"
    "{\"type\":\"truefalse\",\"text\":\"[Brackets] first\",\"answers\":["
    "  {\"text\":\"true\",\"fraction\":100,\"feedback\":\"right #1\"},"
    "  {\"text\":\"false\",\"fraction\":0,\"feedback\":\"wrong\"}]},"
    "{\"type\":\"truefalse\",\"text\":\"// not a comment\",\"general_feedback\":\"gf\",\"answers\":["
    "  {\"text\":\"true\",\"fraction\":0,\"feedback\":\"\"},"
    "  {\"text\":\"false\",\"fraction\":100,\"feedback\":\"only right\"}]},"
    "{\"type\":\"truefalse\",\"text\":\"$CATEGORY: not a category\",\"answers\":["
    "  {\"text\":\"true\",\"fraction\":0,\"feedback\":\"only wrong\"},"
    "  {\"text\":\"false\",\"fraction\":100,\"feedback\":\"\"}]},"
    "{\"type\":\"short\",\"title\":\"::colons::\",\"text\":\"Two plus two is _____ (in words).\",\"format\":\"plain\",\"answers\":["
    "  {\"text\":\"four\",\"fraction\":100,\"feedback\":\"good\"},"
    "  {\"text\":\"f*r\",\"fraction\":25.5,\"feedback\":\"\"},{\"text\":\"T\",\"fraction\":100}]},"
    "{\"type\":\"numerical\",\"text\":\"Pi?\",\"format\":\"moodle\",\"general_feedback\":\"3.14159...\",\"answers\":["
    "  {\"value\":3.14159,\"tolerance\":0.001,\"fraction\":100,\"feedback\":\"exact\"},"
    "  {\"value\":3.1,\"tolerance\":0.1,\"fraction\":50},"
    "  {\"min\":-1e-05,\"max\":1e20,\"fraction\":-10,\"feedback\":\"range\"},"
    "  {\"value\":-0.1,\"tolerance\":0,\"fraction\":0}]},"
    "{\"type\":\"matching\",\"text\":\"Match: {these}\",\"general_feedback\":\"well\",\"answers\":["
    "  {\"left\":\"Canada\",\"right\":\"Ottawa = capital\"},{\"left\":\"It~aly\",\"right\":\"Rome\"},"
    "  {\"left\":\"Japan #1\",\"right\":\"Tokyo -> east\"}]},"
    "{\"type\":\"essay\",\"text\":\"Write _____ about summer.\",\"general_feedback\":\"Any length\"},"
    "{\"type\":\"essay\",\"text\":\"No feedback \\\\ here\",\"category\":\"Other\"},"
    "{\"type\":\"description\",\"title\":\"Intro\",\"text\":\"Just text: with {braces} and _____ blanks\",\"category\":\"Other\"},"
    "{\"type\":\"single\",\"text\":\"Back to the default _____\",\"answers\":["
    "  {\"text\":\"a\",\"fraction\":100},{\"text\":\"b\",\"fraction\":0}]}"
    "]";

static json_t *checked_questions(void)
{
    json_error_t err;
    json_t *qs = json_loads(all_types_json, 0, &err);
    if (!qs) fail_msg("test JSON: %s at %d", err.text, err.position);
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q) {
        struct problem p = {0};
        if (question_check(q, &p)) fail_msg("question %zu: %s (%s)", i, p.message, p.field);
    }
    return qs;
}

static void round_trip_every_type(void **state)
{
    (void)state;
    json_t *qs = checked_questions();
    char *text = gift_write(qs);
    assert_non_null(text);
    struct gift_file f;
    parse(text, &f);
    if (f.n_errors) fail_msg("%s\n---\n%s", f.entries[0].question ? "" : f.entries[0].error, text);
    assert_int_equal(f.n, json_array_size(qs));
    for (size_t i = 0; i < f.n; i++) {
        json_t *back = question(&f, i), *want = json_array_get(qs, i);
        if (!json_equal(back, want)) {
            char *a = json_dumps(back, JSON_SORT_KEYS), *b = json_dumps(want, JSON_SORT_KEYS);
            fail_msg("question %zu differs:\n got  %s\n want %s\n---\n%s", i, a, b, text);
        }
    }
    /* The categories were written as changes only. */
    assert_contains(text, "$CATEGORY: $course$/top/Safety/Fire\n");
    assert_contains(text, "$CATEGORY: $course$/top\n");
    char *second = strstr(text, "Safety/Fire");
    assert_null(strstr(second + 1, "Safety/Fire"));
    gift_file_free(&f);

    /* Writing what was read gives the same text again. */
    parse(text, &f);
    json_t *again = json_array();
    for (size_t i = 0; i < f.n; i++) json_array_append(again, question(&f, i));
    char *text2 = gift_write(again);
    assert_string_equal(text, text2);
    free(text2);
    json_decref(again);
    gift_file_free(&f);
    free(text);
    json_decref(qs);
}

/* src parses without errors, and its questions written and parsed again are the same. */
static void assert_round_trip(const char *src, struct gift_file *f)
{
    struct gift_file g;
    parse(src, f);
    assert_int_equal(f->n_errors, 0);
    json_t *qs = json_array();
    for (size_t i = 0; i < f->n; i++) json_array_append(qs, question(f, i));
    char *text = gift_write(qs);
    parse(text, &g);
    assert_int_equal(g.n, f->n);
    for (size_t i = 0; i < f->n; i++) assert_true(json_equal(question(f, i), question(&g, i)));
    free(text);
    json_decref(qs);
    gift_file_free(&g);
}

static void round_trip_a_hand_written_file(void **state)
{
    (void)state;
    struct gift_file f;
    assert_round_trip("$CATEGORY: $course$/top/Maths\n\n"
                      "::Q1:: 1+1=2 {T#No#Yes####Basic}\n\n"
                      "Pick {=%100%a#fa ~%50%b ~c}\n\n"
                      "Tick {~%50%a ~%50%b ~%-100%c}\n\n"
                      "Name it {=x =%20%y*}\n\n"
                      "Number {#1..5}\n\n"
                      "Pairs {=a -> 1 =b -> 2}\n\n"
                      "Essay {}\n\n"
                      "Words\\nwith escapes \\{ \\} and a blank {=in ~out} here.\n",
                      &f);
    gift_file_free(&f);
}

/* Found by fuzzing: a carriage return inside a line stayed in the question's text, but the
 * writer cannot write one, so an export read back as a different question. A lone carriage
 * return ends a line (old Mac files), so it is a line break that survives the round trip. */
static void a_lone_carriage_return_ends_a_line(void **state)
{
    (void)state;
    struct gift_file f;
    assert_round_trip("::B::Tw\r {=x stt}\nthe re", &f);
    assert_string_equal(str(question(&f, 0), "text"), "Tw\n _____\nthe re");
    gift_file_free(&f);
}

/* Found by fuzzing: a text starting with U+FEFF, written first in the file, lost it to the
 * reader's byte-order-mark check. The file then starts with a mark of its own. */
static void a_text_starting_with_a_byte_order_mark_keeps_it(void **state)
{
    (void)state;
    struct gift_file f;
    assert_round_trip("\xEF\xBB\xBF" "\xEF\xBB\xBF" "Zero width first\n", &f);
    assert_string_equal(str(question(&f, 0), "text"), "\xEF\xBB\xBF" "Zero width first");
    gift_file_free(&f);
}

/* gift_parse_each hands over one question at a time, in order, and stops at the first error
 * its callback returns. */
struct seen {
    int n;
    int lines[4];
    bool ok[4];
};

static lerr see_two(void *ctx, struct gift_entry *ent)
{
    struct seen *s = ctx;
    s->lines[s->n] = ent->line;
    s->ok[s->n] = ent->question != NULL;
    return ++s->n == 2 ? LE_DB : LE_OK;
}

static void streams_one_question_at_a_time(void **state)
{
    (void)state;
    const char *text = "::A::One {T}\n\n::B::Two {= ~x}\n\n::C::Three {F}\n";
    struct seen s = {0};
    struct problem p = {0};
    assert_int_equal(gift_parse_each(text, strlen(text), see_two, &s, &p), LE_DB);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.lines[0], 1);
    assert_true(s.ok[0]);
    assert_int_equal(s.lines[1], 3);
    assert_false(s.ok[1]);
}

static void writes_readable_gift(void **state)
{
    (void)state;
    json_t *qs = json_loads("[{\"type\":\"single\",\"title\":\"Tomb\",\"text\":\"Who?\",\"answers\":["
                            "{\"text\":\"Grant\",\"fraction\":0,\"feedback\":\"no\"},{\"text\":\"no one\",\"fraction\":100}]},"
                            "{\"type\":\"numerical\",\"text\":\"Pi\",\"answers\":[{\"value\":3.14,\"tolerance\":0.01,\"fraction\":100}]}]",
                            0, NULL);
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q) assert_int_equal(question_check(q, NULL), LE_OK);
    char *text = gift_write(qs);
    /* The question is Markdown (the default) and its answers plain, so both are tagged: Moodle
     * gives untagged text its auto-format, and untagged answers the question's format. */
    assert_string_equal(text, "::Tomb::[markdown]Who?{\n\t~[plain]Grant#[plain]no\n\t=[plain]no one\n}\n\n"
                              "[markdown]Pi{#\n\t=%100%3.14:0.01\n}\n\n");
    free(text);
    json_decref(qs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(single_choice_with_title_feedback_and_comments),
        cmocka_unit_test(multiple_answers_need_weights_adding_to_100),
        cmocka_unit_test(true_false_with_feedback),
        cmocka_unit_test(short_answer),
        cmocka_unit_test(numerical_forms),
        cmocka_unit_test(matching_essay_description_missing_word),
        cmocka_unit_test(formats_categories_escapes_and_lines),
        cmocka_unit_test(crlf_bom_and_empty_files),
        cmocka_unit_test(title_after_a_closed_block_starts_a_question),
        cmocka_unit_test(malformed_questions_name_their_line),
        cmocka_unit_test(more_malformed_questions),
        cmocka_unit_test(not_utf8_is_refused),
        cmocka_unit_test(round_trip_every_type),
        cmocka_unit_test(round_trip_a_hand_written_file),
        cmocka_unit_test(a_lone_carriage_return_ends_a_line),
        cmocka_unit_test(a_text_starting_with_a_byte_order_mark_keeps_it),
        cmocka_unit_test(writes_readable_gift),
        cmocka_unit_test(streams_one_question_at_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
