/* GIFT as Moodle writes it: a corpus of cases taken from Moodle's GIFT documentation
 * (docs.moodle.org/en/GIFT_format) and from what Moodle's GIFT exporter writes
 * (question/format/gift/format.php: format tags on text, answers and feedback, "// [id:] [tag:]"
 * lines, escaped category names), each read as Moodle reads it, shown to a learner as Moodle
 * shows it, and written back so that reading it again gives the same question. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../../src/model/assessments/assessments.h"

static struct gift_file parse(const char *text)
{
    struct gift_file f;
    struct problem p = {0};
    if (gift_parse(text, strlen(text), &f, &p)) fail_msg("gift_parse failed: %s", p.message);
    return f;
}

static json_t *only_question(struct gift_file *f)
{
    if (f->n != 1) fail_msg("%zu entries, wanted 1", f->n);
    if (!f->entries[0].question) fail_msg("%s", f->entries[0].error);
    return f->entries[0].question;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "(none)";
}

static const json_t *answer(const json_t *q, size_t i)
{
    const json_t *a = json_array_get(json_object_get(q, "answers"), i);
    if (!a) fail_msg("no answer %zu", i);
    return a;
}

/* Writes q as GIFT, reads it back, and checks the question is the same. */
static void round_trips(const json_t *q)
{
    json_t *qs = json_array();
    json_array_append(qs, (json_t *)q);
    char *text = gift_write(qs);
    struct gift_file g = parse(text);
    if (g.n != 1 || !g.entries[0].question) fail_msg("written text does not read back:\n%s\n%s", text, g.n ? g.entries[0].error : "");
    if (!json_equal((json_t *)q, g.entries[0].question)) {
        char *a = json_dumps(q, JSON_SORT_KEYS), *b = json_dumps(g.entries[0].question, JSON_SORT_KEYS);
        fail_msg("round trip changed the question:\n%s\n%s\nvia\n%s", a, b, text);
    }
    free(text);
    json_decref(qs);
    gift_file_free(&g);
}

static void assert_contains(const char *s, const char *part)
{
    if (!strstr(s, part)) fail_msg("\"%s\" does not contain \"%s\"", s, part);
}

/* Moodle's editor writes HTML; its exporter tags it [html] on the question, each answer, the
 * feedback and the general feedback. A learner sees the text, not a blank. */
static void html_everywhere(void **state)
{
    (void)state;
    struct gift_file f = parse(
        "// question: 4  name: Colours\n"
        "::Colours::[html]<p>Which colour is <strong>the sky</strong>?</p>{\n"
        "\t=[html]<p>blue</p>#[html]<p>Right, <em>blue</em>.</p>\n"
        "\t~[html]<p>green</p>#[html]<p>No.</p>\n"
        "\t####[html]<p>Rayleigh scattering.</p>\n"
        "}\n");
    json_t *q = only_question(&f);
    assert_string_equal(str(q, "format"), "html");
    assert_string_equal(str(answer(q, 0), "format"), "html");
    assert_string_equal(str(answer(q, 0), "text"), "<p>blue</p>");
    assert_string_equal(str(answer(q, 0), "feedback_format"), "html");
    assert_string_equal(str(q, "general_feedback_format"), "html");
    struct arena *a = arena_new(0);
    assert_string_equal(rich_text_html(a, str(q, "text"), str(q, "format")), "<p>Which colour is <strong>the sky</strong>?</p>");
    assert_string_equal(rich_text_html(a, str(answer(q, 1), "feedback"), "html"), "<p>No.</p>");
    arena_free(a);
    round_trips(q);
    gift_file_free(&f);
}

/* Untagged answers and feedback take the question's format; [plain] on one answer is kept. */
static void tags_on_answers(void **state)
{
    (void)state;
    struct gift_file f = parse("[html]Pick {=[plain]<b> is bold#fine ~[markdown]*not* this}\n");
    json_t *q = only_question(&f);
    assert_string_equal(str(answer(q, 0), "text"), "<b> is bold");
    assert_null(json_object_get(answer(q, 0), "format")); /* plain is the default */
    assert_string_equal(str(answer(q, 0), "feedback_format"), "html");
    assert_string_equal(str(answer(q, 1), "format"), "markdown");
    round_trips(q);
    gift_file_free(&f);
}

/* A short answer is compared with what is typed: the tag goes, HTML gives its text. */
static void short_answer_tags_and_zero_weight(void **state)
{
    (void)state;
    struct gift_file f = parse("Capital of France? {=[plain]Paris =[html]<p>paris</p> =%0%Lyon#Close, but no.}\n");
    json_t *q = only_question(&f);
    assert_string_equal(str(q, "type"), "short");
    assert_string_equal(str(answer(q, 0), "text"), "Paris");
    assert_string_equal(str(answer(q, 1), "text"), "paris");
    assert_int_equal(json_integer_value(json_object_get(answer(q, 2), "fraction")), 0);
    json_t *typed = json_pack("{s:s}", "text", "Lyon");
    struct grade g = question_grade(q, typed);
    assert_true(g.fraction == 0);
    assert_string_equal(g.feedback, "Close, but no.");
    json_decref(typed);
    round_trips(q);
    gift_file_free(&f);
}

/* Matching with a distractor, as Moodle's documentation shows it. */
static void matching_distractor(void **state)
{
    (void)state;
    struct gift_file f = parse("Match the capitals. {\n"
                               "  =Canada -> Ottawa\n"
                               "  =Italy -> Rome\n"
                               "  =Japan -> Tokyo\n"
                               "  = -> Paris\n"
                               "}\n");
    json_t *q = only_question(&f);
    assert_string_equal(str(q, "type"), "matching");
    assert_true(question_pair_is_distractor(answer(q, 3)));
    assert_string_equal(str(answer(q, 3), "right"), "Paris");
    /* All three real pairs right: full marks; the distractor is matched to nothing. */
    json_t *all = json_pack("{s:[i,i,i,i]}", "pairs", 0, 1, 2, -1);
    assert_true(question_grade(q, all).fraction > 0.999);
    json_t *wrong = json_pack("{s:[i,i,i,i]}", "pairs", 3, 1, 2, -1);
    assert_true(question_grade(q, wrong).fraction > 0.66 && question_grade(q, wrong).fraction < 0.67);
    json_decref(all);
    json_decref(wrong);
    round_trips(q);
    gift_file_free(&f);
}

/* Moodle's exporter writes a numerical question's catch-all feedback as "~#...". */
static void numerical_catch_all(void **state)
{
    (void)state;
    struct gift_file f = parse("When was Ulysses S. Grant born? {#\n"
                               "\t=%100%1822:0#Right\n"
                               "\t=%50%1821:1#Close\n"
                               "\t~#Read the chapter again.\n"
                               "}\n");
    json_t *q = only_question(&f);
    assert_true(json_is_true(json_object_get(answer(q, 2), "other")));
    json_t *far = json_pack("{s:s}", "value", "1900");
    struct grade g = question_grade(q, far);
    assert_true(g.fraction == 0);
    assert_string_equal(g.feedback, "Read the chapter again.");
    json_t *near = json_pack("{s:s}", "value", "1821");
    assert_true(question_grade(q, near).fraction > 0.49);
    json_decref(far);
    json_decref(near);
    round_trips(q);
    gift_file_free(&f);
}

/* "~=" is "=" for Moodle; a real course bank lost most of its files to it. */
static void tilde_equals(void **state)
{
    (void)state;
    struct gift_file f = parse("Which? {~=right ~wrong ~other}\n");
    json_t *q = only_question(&f);
    assert_string_equal(str(q, "type"), "single");
    assert_int_equal(json_array_size(json_object_get(q, "answers")), 3);
    assert_string_equal(str(answer(q, 0), "text"), "right");
    assert_int_equal(json_integer_value(json_object_get(answer(q, 0), "fraction")), 100);
    gift_file_free(&f);
}

/* Backslashes Moodle keeps: LaTeX and Windows paths. */
static void latex_and_paths(void **state)
{
    (void)state;
    struct gift_file f = parse("Solve \\(x^2 = 4\\) {=2 ~3}\n");
    json_t *q = only_question(&f);
    assert_string_equal(str(q, "text"), "Solve \\(x^2 = 4\\)");
    round_trips(q);
    gift_file_free(&f);
    f = parse("Path: C:\\Temp\\files and \\frac\\{1\\}\\{2\\} {T}\n");
    q = only_question(&f);
    assert_string_equal(str(q, "text"), "Path: C:\\Temp\\files and \\frac{1}{2}");
    round_trips(q);
    gift_file_free(&f);
}

/* Untagged text is Moodle's auto-format: "2*3*4" keeps its stars, "1." starts no list. */
static void untagged_is_moodle_auto_format(void **state)
{
    (void)state;
    struct gift_file f = parse("What is 2*3*4?\n1. think\n2. answer {#24}\n");
    json_t *q = only_question(&f);
    assert_string_equal(str(q, "format"), "moodle");
    struct arena *a = arena_new(0);
    assert_string_equal(rich_text_html(a, str(q, "text"), "moodle"), "What is 2*3*4?<br>1. think<br>2. answer");
    arena_free(a);
    round_trips(q);
    gift_file_free(&f);
}

/* Moodle 4: "// [id:...] [tag:...]" before a question. */
static void id_number_and_tags(void **state)
{
    (void)state;
    struct gift_file f = parse("// question: 12  name: Fire\n"
                               "// [id:FIRE-1] [tag:safety] [tag:fire drill] [tag:a\\]b]\n"
                               "::Fire::Where do we meet? {=Car park ~Canteen}\n\n"
                               "Next {T}\n");
    assert_int_equal(f.n, 2);
    json_t *q = f.entries[0].question;
    assert_non_null(q);
    assert_string_equal(str(q, "idnumber"), "FIRE-1");
    json_t *tags = json_object_get(q, "tags");
    assert_int_equal(json_array_size(tags), 3);
    assert_string_equal(json_string_value(json_array_get(tags, 1)), "fire drill");
    assert_string_equal(json_string_value(json_array_get(tags, 2)), "a]b");
    assert_null(json_object_get(f.entries[1].question, "idnumber")); /* labels belong to one question */
    round_trips(q);
    gift_file_free(&f);
}

/* A slash in a category name is written "//". */
static void category_with_slash(void **state)
{
    (void)state;
    struct gift_file f = parse("$CATEGORY: $course$/top/Units//Measures/Length\n\nHow long? {#5}\n");
    json_t *q = only_question(&f);
    assert_string_equal(str(q, "category"), "Units//Measures/Length");
    round_trips(q);
    gift_file_free(&f);
}

/* Old Mac files end lines with CR alone; every line still counts. */
static void cr_line_endings(void **state)
{
    (void)state;
    struct gift_file f = parse("// comment\r::A::One {T}\r\r::B::Two {F}\r");
    assert_int_equal(f.n, 2);
    assert_int_equal(f.n_errors, 0);
    assert_int_equal(f.entries[1].line, 4);
    gift_file_free(&f);
}

static void utf16_is_named(void **state)
{
    (void)state;
    const char text[] = "\xFF\xFEQ\0u\0e\0s\0t\0i\0o\0n\0 \0{\0T\0}\0";
    struct gift_file f;
    struct problem p = {0};
    assert_int_equal(gift_parse(text, sizeof text - 1, &f, &p), LE_INVALID);
    assert_contains(p.message, "UTF-16");
    assert_contains(p.message, "UTF-8");
}

/* Errors name the line at fault: an answer's own line; a category's $CATEGORY line. */
static void errors_name_their_line(void **state)
{
    (void)state;
    struct gift_file f = parse("Question over\n"        /* 1 */
                               "lines {\n"              /* 2 */
                               "  =right\n"             /* 3 */
                               "  ~%500%wrong\n"        /* 4 */
                               "}\n");
    assert_int_equal(f.n_errors, 1);
    assert_int_equal(f.entries[0].line, 1);
    assert_int_equal(f.entries[0].error_line, 4);
    assert_contains(f.entries[0].error, "line 4:");
    gift_file_free(&f);
    char long_name[400];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    char text[600];
    snprintf(text, sizeof text, "\n$CATEGORY: $course$/top/%s\n\nQ {T}\n", long_name);
    f = parse(text);
    assert_int_equal(f.n_errors, 1);
    assert_int_equal(f.entries[0].category_line, 2);
    assert_int_equal(f.entries[0].error_line, 2);
    gift_file_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(html_everywhere),
        cmocka_unit_test(tags_on_answers),
        cmocka_unit_test(short_answer_tags_and_zero_weight),
        cmocka_unit_test(matching_distractor),
        cmocka_unit_test(numerical_catch_all),
        cmocka_unit_test(tilde_equals),
        cmocka_unit_test(latex_and_paths),
        cmocka_unit_test(untagged_is_moodle_auto_format),
        cmocka_unit_test(id_number_and_tags),
        cmocka_unit_test(category_with_slash),
        cmocka_unit_test(cr_line_endings),
        cmocka_unit_test(utf16_is_named),
        cmocka_unit_test(errors_name_their_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
