/* Moodle XML and Aiken: a corpus written from Moodle's documentation of both formats
 * (docs.moodle.org/en/Moodle_XML_format, docs.moodle.org/en/Aiken_format) and from what Moodle's
 * XML exporter writes (question/format/xml/format.php: CDATA text, format attributes, category
 * questions, <file> elements for pictures), each read as Moodle reads it, and written back so
 * that reading it again gives the same questions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../../src/model/assessments/assessments.h"

/* A 1x1 PNG, as Moodle embeds a pasted picture. */
#define PNG "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="

static const char corpus[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<quiz>\n"
    "<!-- question: 0  -->\n"
    "  <question type=\"category\">\n"
    "    <category><text>$course$/top/Safety/Fire</text></category>\n"
    "    <info format=\"html\"><text></text></info>\n"
    "  </question>\n"
    "  <question type=\"multichoice\">\n"
    "    <name><text>Extinguisher</text></name>\n"
    "    <questiontext format=\"html\">\n"
    "      <text><![CDATA[<p>Which is safe on <b>electrical</b> fires? <img src=\"@@PLUGINFILE@@/fire%20sign.png\" alt=\"sign\"></p>]]></text>\n"
    "      <file name=\"fire sign.png\" path=\"/\" encoding=\"base64\">" PNG "</file>\n"
    "    </questiontext>\n"
    "    <generalfeedback format=\"html\"><text><![CDATA[<p>Class E fires need a non-conductive agent.</p>]]></text></generalfeedback>\n"
    "    <defaultgrade>1.0000000</defaultgrade><penalty>0.3333333</penalty><hidden>0</hidden>\n"
    "    <idnumber>FIRE-1</idnumber>\n"
    "    <single>true</single><shuffleanswers>true</shuffleanswers><answernumbering>abc</answernumbering>\n"
    "    <answer fraction=\"100\" format=\"html\"><text><![CDATA[<p>CO<sub>2</sub></p>]]></text>\n"
    "      <feedback format=\"html\"><text><![CDATA[<p>Right: it does not conduct.</p>]]></text></feedback></answer>\n"
    "    <answer fraction=\"0\" format=\"plain_text\"><text>Water</text>\n"
    "      <feedback format=\"moodle_auto_format\"><text>Water conducts.</text></feedback></answer>\n"
    "    <answer fraction=\"-50\"><text>Foam</text><feedback><text></text></feedback></answer>\n"
    "    <tags><tag><text>fire</text></tag><tag><text>safety</text></tag></tags>\n"
    "  </question>\n"
    "  <question type=\"multichoice\">\n"
    "    <name><text>Exits</text></name>\n"
    "    <questiontext format=\"markdown\"><text>Which are **fire exits**?</text></questiontext>\n"
    "    <single>false</single>\n"
    "    <answer fraction=\"33.33333\" format=\"plain_text\"><text>Door A</text></answer>\n"
    "    <answer fraction=\"33.33333\" format=\"plain_text\"><text>Door B</text></answer>\n"
    "    <answer fraction=\"33.33334\" format=\"plain_text\"><text>Door C</text></answer>\n"
    "    <answer fraction=\"-100\" format=\"plain_text\"><text>Lift</text></answer>\n"
    "  </question>\n"
    "  <question type=\"truefalse\">\n"
    "    <name><text>Smoke rises</text></name>\n"
    "    <questiontext format=\"moodle_auto_format\"><text>Smoke rises.</text></questiontext>\n"
    "    <answer fraction=\"0\" format=\"moodle_auto_format\"><text>false</text><feedback><text>Think of a chimney.</text></feedback></answer>\n"
    "    <answer fraction=\"100\" format=\"moodle_auto_format\"><text>true</text><feedback><text>Right.</text></feedback></answer>\n"
    "  </question>\n"
    "  <question type=\"category\">\n"
    "    <category><text>$course$/top/Safety/Evacuation</text></category>\n"
    "  </question>\n"
    "  <question type=\"shortanswer\">\n"
    "    <name><text>Assembly</text></name>\n"
    "    <questiontext format=\"plain_text\"><text>Where do we assemble?</text></questiontext>\n"
    "    <usecase>1</usecase>\n"
    "    <answer fraction=\"100\" format=\"moodle_auto_format\"><text>Car park</text><feedback format=\"html\"><text><![CDATA[<p>Yes.</p>]]></text></feedback></answer>\n"
    "    <answer fraction=\"0\" format=\"moodle_auto_format\"><text>Lobby</text><feedback><text>Not inside.</text></feedback></answer>\n"
    "  </question>\n"
    "  <question type=\"numerical\">\n"
    "    <name><text>Pi</text></name>\n"
    "    <questiontext format=\"html\"><text>Pi to two places?</text></questiontext>\n"
    "    <answer fraction=\"100\"><text>3.14</text><tolerance>0.005</tolerance><feedback><text>Good.</text></feedback></answer>\n"
    "    <answer fraction=\"50\"><text>3.1</text><tolerance>0.05</tolerance><feedback><text></text></feedback></answer>\n"
    "    <answer fraction=\"0\"><text>*</text><feedback><text>Count the digits.</text></feedback></answer>\n"
    "    <units><unit><multiplier>1</multiplier><unit_name>m</unit_name></unit></units>\n"
    "  </question>\n"
    "  <question type=\"matching\">\n"
    "    <name><text>Match</text></name>\n"
    "    <questiontext format=\"html\"><text>Match the classes.</text></questiontext>\n"
    "    <subquestion format=\"html\"><text><![CDATA[<p>Class <b>A</b></p>]]></text><answer><text>paper</text></answer></subquestion>\n"
    "    <subquestion format=\"html\"><text>B</text><answer><text>liquids</text></answer></subquestion>\n"
    "    <subquestion format=\"html\"><text></text><answer><text>metals</text></answer></subquestion>\n"
    "  </question>\n"
    "  <question type=\"essay\">\n"
    "    <name><text>Report</text></name>\n"
    "    <questiontext format=\"html\"><text>Describe the last drill.</text></questiontext>\n"
    "    <responseformat>editor</responseformat>\n"
    "  </question>\n"
    "  <question type=\"description\">\n"
    "    <name><text>Intro</text></name>\n"
    "    <questiontext format=\"html\"><text><![CDATA[<p>This part is about ]]]]><![CDATA[> evacuation.</p>]]></text></questiontext>\n"
    "  </question>\n"
    "</quiz>\n";

static struct gift_file parse(const char *text)
{
    struct gift_file f;
    struct problem p = {0};
    if (moodlexml_parse(text, strlen(text), &f, &p)) fail_msg("moodlexml_parse failed: %s", p.message);
    return f;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "(none)";
}

static const json_t *question(const struct gift_file *f, size_t i)
{
    if (i >= f->n) fail_msg("no entry %zu (of %zu)", i, f->n);
    if (!f->entries[i].question) fail_msg("entry %zu: %s", i, f->entries[i].error);
    return f->entries[i].question;
}

static const json_t *answer(const json_t *q, size_t i)
{
    const json_t *a = json_array_get(json_object_get(q, "answers"), i);
    if (!a) fail_msg("no answer %zu", i);
    return a;
}

static double num(const json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

/* The line of the first occurrence of needle in text (1-based). */
static int line_of(const char *text, const char *needle)
{
    const char *hit = strstr(text, needle);
    if (!hit) fail_msg("no %s in the text", needle);
    int line = 1;
    for (const char *s = text; s < hit; s++) line += *s == '\n';
    return line;
}

static void every_type_is_read(void **state)
{
    (void)state;
    struct gift_file f = parse(corpus);
    assert_int_equal(f.n, 8);
    assert_int_equal(f.n_errors, 0);
    const json_t *q = question(&f, 0);
    assert_string_equal(str(q, "type"), "single");
    assert_string_equal(str(q, "title"), "Extinguisher");
    assert_string_equal(str(q, "format"), "html");
    assert_string_equal(str(q, "category"), "Safety/Fire");
    assert_string_equal(str(q, "idnumber"), "FIRE-1");
    assert_string_equal(json_string_value(json_array_get(json_object_get(q, "tags"), 1)), "safety");
    assert_string_equal(str(q, "general_feedback"), "<p>Class E fires need a non-conductive agent.</p>");
    assert_string_equal(str(q, "general_feedback_format"), "html");
    assert_int_equal(f.entries[0].line, line_of(corpus, "<question type=\"multichoice\">"));
    assert_string_equal(str(answer(q, 0), "text"), "<p>CO<sub>2</sub></p>");
    assert_string_equal(str(answer(q, 0), "format"), "html");
    assert_string_equal(str(answer(q, 0), "feedback_format"), "html");
    assert_string_equal(str(answer(q, 1), "format"), "(none)"); /* plain_text is the default */
    assert_string_equal(str(answer(q, 1), "feedback"), "Water conducts.");
    assert_string_equal(str(answer(q, 1), "feedback_format"), "moodle");
    assert_string_equal(str(answer(q, 2), "format"), "html"); /* no attribute: the question's */
    assert_int_equal((int)num(answer(q, 2), "fraction"), -50);

    q = question(&f, 1);
    assert_string_equal(str(q, "type"), "multi");
    assert_string_equal(str(q, "format"), "markdown");
    assert_int_equal(json_array_size(json_object_get(q, "answers")), 4);
    assert_int_equal((int)num(answer(q, 3), "fraction"), -100);

    q = question(&f, 2);
    assert_string_equal(str(q, "type"), "truefalse");
    assert_string_equal(str(q, "format"), "moodle");
    assert_string_equal(str(answer(q, 0), "text"), "true");
    assert_int_equal((int)num(answer(q, 0), "fraction"), 100);
    assert_string_equal(str(answer(q, 0), "feedback"), "Right.");
    assert_string_equal(str(answer(q, 1), "feedback"), "Think of a chimney.");

    q = question(&f, 3);
    assert_string_equal(str(q, "type"), "short");
    assert_string_equal(str(q, "category"), "Safety/Evacuation");
    assert_true(json_is_true(json_object_get(q, "case_sensitive")));
    assert_string_equal(str(q, "format"), "plain");
    assert_int_equal((int)num(answer(q, 1), "fraction"), 0);
    assert_string_equal(str(answer(q, 0), "feedback_format"), "html");
    assert_int_equal(f.entries[3].category_line, line_of(corpus, "Safety/Evacuation"));

    q = question(&f, 4);
    assert_string_equal(str(q, "type"), "numerical");
    assert_true(num(answer(q, 0), "value") == 3.14);
    assert_true(num(answer(q, 0), "tolerance") == 0.005);
    assert_int_equal((int)num(answer(q, 1), "fraction"), 50);
    assert_true(json_is_true(json_object_get(answer(q, 2), "other")));
    assert_string_equal(str(answer(q, 2), "feedback"), "Count the digits.");

    q = question(&f, 5);
    assert_string_equal(str(q, "type"), "matching");
    assert_string_equal(str(answer(q, 0), "left"), "Class A"); /* HTML gives its text */
    assert_string_equal(str(answer(q, 1), "right"), "liquids");
    assert_true(question_pair_is_distractor(answer(q, 2)));
    assert_string_equal(str(answer(q, 2), "right"), "metals");

    assert_string_equal(str(question(&f, 6), "type"), "essay");
    assert_int_equal(json_array_size(json_object_get(question(&f, 6), "answers")), 0);
    assert_string_equal(str(question(&f, 7), "type"), "description");
    assert_string_equal(str(question(&f, 7), "text"), "<p>This part is about ]]> evacuation.</p>");
    gift_file_free(&f);
}

static void pictures_become_inline_images(void **state)
{
    (void)state;
    struct gift_file f = parse(corpus);
    const char *text = str(question(&f, 0), "text");
    assert_non_null(strstr(text, "<img src=\"data:image/png;base64," PNG "\" alt=\"sign\">"));
    assert_null(strstr(text, "@@PLUGINFILE@@"));
    gift_file_free(&f);
}

#define ONE(body)                                                                                    \
    "<?xml version=\"1.0\"?>\n<quiz>\n<question type=\"description\">\n<name><text>Pic</text></name>\n" \
    "<questiontext format=\"html\">\n" body "</questiontext>\n</question>\n</quiz>\n"

static void expect_error(const char *xml, const char *needle, int line)
{
    struct gift_file f = parse(xml);
    assert_int_equal(f.n, 1);
    assert_null(f.entries[0].question);
    if (!strstr(f.entries[0].error, needle)) fail_msg("error \"%s\" does not say \"%s\"", f.entries[0].error, needle);
    assert_int_equal(f.entries[0].error_line, line);
    assert_string_equal(f.entries[0].title, "Pic");
    gift_file_free(&f);
}

static void bad_pictures_are_named(void **state)
{
    (void)state;
    /* a link to a file the question does not hold */
    expect_error(ONE("<text><![CDATA[<img src=\"@@PLUGINFILE@@/gone.png\">]]></text>\n"), "@@PLUGINFILE@@/gone.png", 5);
    /* not a picture: an SVG (it could carry a script) */
    expect_error(ONE("<text>x</text>\n<file name=\"a.svg\" path=\"/\" encoding=\"base64\">PHN2Zz48L3N2Zz4=</file>\n"),
                 "a.svg is not a PNG, GIF, JPEG or WebP picture", 7);
    expect_error(ONE("<text>x</text>\n<file name=\"b.png\" encoding=\"base64\">***</file>\n"), "b.png is not valid base64", 7);
    /* a picture over the cap */
    size_t n = 70 * 1024 - 1, b64 = n / 3 * 4; /* n is a multiple of 3: no padding */
    char *big = malloc(b64 + 1000);
    strcpy(big, ONE("<text>x</text>\n<file name=\"big.png\" encoding=\"base64\">iVBORw0KGgo"));
    char *end = strstr(big, "</questiontext>");
    char *tail = strdup(end);
    size_t at = (size_t)(end - big);
    memset(big + at, 'A', b64 - 11); /* after the 11 characters of the PNG signature */
    strcpy(big + at + b64 - 11, "</file>\n");
    strcat(big, tail);
    expect_error(big, "big.png is 70 KB; a picture inside a question may be up to 64 KB", 7);
    free(tail);
    free(big);
}

static const char unsupported[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<quiz>\n"
    "  <question type=\"calculated\">\n"
    "    <name><text>Area</text></name>\n"
    "    <questiontext format=\"html\"><text>Area of {r}?</text></questiontext>\n"
    "  </question>\n"
    "  <question type=\"truefalse\">\n"
    "    <name><text>Fine</text></name>\n"
    "    <questiontext format=\"html\"><text>Fine?</text></questiontext>\n"
    "    <answer fraction=\"100\"><text>true</text></answer>\n"
    "    <answer fraction=\"0\"><text>false</text></answer>\n"
    "  </question>\n"
    "  <question type=\"multianswer\">\n"
    "    <name><text>Cloze</text></name>\n"
    "    <questiontext format=\"html\"><text>{1:SHORTANSWER:=x}</text></questiontext>\n"
    "  </question>\n"
    "  <question type=\"ddwtos\">\n"
    "    <name><text>Drag</text></name>\n"
    "  </question>\n"
    "  <question type=\"multichoice\">\n"
    "    <name><text>No right answer</text></name>\n"
    "    <questiontext format=\"html\"><text>Which?</text></questiontext>\n"
    "    <answer fraction=\"50\"><text>a</text></answer>\n"
    "    <answer fraction=\"0\"><text>b</text></answer>\n"
    "  </question>\n"
    "  <question type=\"numerical\">\n"
    "    <name><text>Bad number</text></name>\n"
    "    <questiontext format=\"html\"><text>How many?</text></questiontext>\n"
    "    <answer fraction=\"100\"><text>three</text></answer>\n"
    "  </question>\n"
    "</quiz>\n";

static void unsupported_types_are_named_with_their_line(void **state)
{
    (void)state;
    struct gift_file f = parse(unsupported);
    assert_int_equal(f.n, 6);
    assert_int_equal(f.n_errors, 5);
    const char *names[] = {"Area", "Fine", "Cloze", "Drag"}, *types[] = {"calculated", "truefalse", "multianswer", "ddwtos"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(f.entries[i].title, names[i]);
        assert_string_equal(f.entries[i].type, types[i]);
        if (i == 1) {
            assert_non_null(f.entries[i].question);
            continue;
        }
        assert_null(f.entries[i].question);
        assert_non_null(strstr(f.entries[i].error, types[i]));
        assert_non_null(strstr(f.entries[i].error, names[i]));
        assert_non_null(strstr(f.entries[i].error, "a type Lectern does not have"));
    }
    assert_int_equal(f.entries[0].error_line, 3);
    assert_int_equal(f.entries[2].error_line, 13);
    assert_int_equal(f.entries[3].error_line, 17);
    assert_non_null(strstr(f.entries[0].error, "line 3: "));
    /* a question of a known type that breaks its rules says what to fix */
    assert_int_equal(f.entries[4].error_line, 20);
    assert_non_null(strstr(f.entries[4].error, "100"));
    assert_int_equal(f.entries[5].error_line, line_of(unsupported, "<text>three</text>"));
    assert_non_null(strstr(f.entries[5].error, "\"three\" is not a number"));
    gift_file_free(&f);
}

static void not_moodle_xml(void **state)
{
    (void)state;
    struct gift_file f;
    struct problem p = {0};
    const char *broken = "<?xml version=\"1.0\"?>\n<quiz>\n<question type=\"essay\">\n</quiz>\n";
    assert_int_equal(moodlexml_parse(broken, strlen(broken), &f, &p), LE_INVALID);
    if (!strstr(p.message, "not well-formed XML at line 4: Opening and ending tag mismatch")) fail_msg("%s", p.message);
    assert_int_equal(f.n, 0);
    memset(&p, 0, sizeof p);
    const char *other = "<?xml version=\"1.0\"?>\n<html><body/></html>\n";
    assert_int_equal(moodlexml_parse(other, strlen(other), &f, &p), LE_INVALID);
    assert_non_null(strstr(p.message, "<html>, not <quiz>"));
    /* no external entity is read: the file is all there is */
    memset(&p, 0, sizeof p);
    const char *xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE quiz [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<quiz>\n"
                      "<question type=\"description\"><name><text>X</text></name><questiontext><text>&x;</text>"
                      "</questiontext></question>\n</quiz>\n";
    struct gift_file g = parse(xxe);
    assert_int_equal(g.n, 1);
    if (g.entries[0].question) assert_null(strstr(str(g.entries[0].question, "text"), "root:"));
    gift_file_free(&g);
}

/* Read, write, read again: the same questions. */
static void round_trip(void **state)
{
    (void)state;
    struct gift_file f = parse(corpus);
    json_t *list = json_array();
    for (size_t i = 0; i < f.n; i++) json_array_append(list, (json_t *)question(&f, i));
    char *xml = moodlexml_write(list);
    assert_non_null(strstr(xml, "<question type=\"category\">\n<category><text><![CDATA[$course$/top/Safety/Fire]]></text>"));
    assert_non_null(strstr(xml, "<file name=\"image1.png\" path=\"/\" encoding=\"base64\">" PNG "</file>"));
    assert_non_null(strstr(xml, "src=\"@@PLUGINFILE@@/image1.png\""));
    assert_non_null(strstr(xml, "<answer fraction=\"-50\" format=\"html\">"));
    assert_non_null(strstr(xml, "<single>false</single>"));
    assert_non_null(strstr(xml, "<usecase>1</usecase>"));
    assert_non_null(strstr(xml, "<tags><tag><text><![CDATA[fire]]></text></tag>"));
    struct gift_file g = parse(xml);
    assert_int_equal(g.n, f.n);
    for (size_t i = 0; i < f.n; i++) {
        if (!json_equal((json_t *)question(&f, i), (json_t *)question(&g, i))) {
            char *a = json_dumps(question(&f, i), JSON_SORT_KEYS), *b = json_dumps(question(&g, i), JSON_SORT_KEYS);
            fail_msg("question %zu changed:\n%s\n%s\nvia\n%s", i, a, b, xml);
        }
    }
    /* a numerical range travels as its middle with half the range either side */
    json_t *range = json_loads("[{\"type\":\"numerical\",\"title\":\"\",\"text\":\"Floors?\",\"format\":\"plain\","
                               "\"category\":\"\",\"answers\":[{\"min\":1,\"max\":5,\"fraction\":100,\"feedback\":\"\"}]}]",
                               0, NULL);
    char *rx = moodlexml_write(range);
    struct gift_file h = parse(rx);
    assert_true(num(answer(question(&h, 0), 0), "value") == 3);
    assert_true(num(answer(question(&h, 0), 0), "tolerance") == 2);
    free(rx);
    json_decref(range);
    gift_file_free(&h);
    free(xml);
    json_decref(list);
    gift_file_free(&f);
    gift_file_free(&g);
}

/* ---- Aiken ---- */

static struct gift_file aiken(const char *text)
{
    struct gift_file f;
    struct problem p = {0};
    if (aiken_parse(text, strlen(text), &f, &p)) fail_msg("aiken_parse failed: %s", p.message);
    return f;
}

static void aiken_questions(void **state)
{
    (void)state;
    struct gift_file f = aiken("What is the capital of France?\n"
                               "A. Lyon\n"
                               "B. Paris\n"
                               "C. Nice\n"
                               "ANSWER: B\n"
                               "\n"
                               "Which of these\r\nis a fire exit?\r\n"
                               "A) The lift\r\n"
                               "B) Door A\r\n"
                               "ANSWER: B\r\n");
    assert_int_equal(f.n, 2);
    assert_int_equal(f.n_errors, 0);
    const json_t *q = question(&f, 0);
    assert_string_equal(str(q, "type"), "single");
    assert_string_equal(str(q, "format"), "plain");
    assert_string_equal(str(q, "text"), "What is the capital of France?");
    assert_int_equal(json_array_size(json_object_get(q, "answers")), 3);
    assert_string_equal(str(answer(q, 1), "text"), "Paris");
    assert_int_equal((int)num(answer(q, 1), "fraction"), 100);
    assert_int_equal((int)num(answer(q, 0), "fraction"), 0);
    q = question(&f, 1);
    assert_string_equal(str(q, "text"), "Which of these\nis a fire exit?");
    assert_string_equal(str(answer(q, 1), "text"), "Door A");
    assert_int_equal(f.entries[1].line, 7);
    gift_file_free(&f);
}

static void aiken_errors_name_their_line(void **state)
{
    (void)state;
    struct gift_file f = aiken("Good?\n"     /* 1 */
                               "A. yes\n"    /* 2 */
                               "B. no\n"     /* 3 */
                               "ANSWER: A\n" /* 4 */
                               "Out of range?\n"
                               "A. one\n"
                               "B. two\n"
                               "ANSWER: D\n" /* 8 */
                               "Skipped letter?\n"
                               "A. one\n"
                               "C. two\n" /* 11 */
                               "ANSWER: A\n"
                               "A. option first\n" /* 13 */
                               "B. two\n"
                               "ANSWER: A\n"
                               "No answer line?\n" /* 16 */
                               "A. one\n"
                               "B. two\n"
                               "Next question?\n" /* 19 */
                               "A. x\n"
                               "ANSWER: A\n" /* 21: only one option */
                               "Last without answer\n" /* 22 */
                               "A. a\n"
                               "B. b\n");
    assert_int_equal(f.n, 7);
    assert_int_equal(f.n_errors, 6);
    assert_non_null(f.entries[0].question);
    struct {
        int line;
        const char *says;
    } want[] = {
        {8, "ANSWER: D names no option; the options are A to B"},
        {11, "option C. should be B."},
        {13, "option A. comes before any question text"},
        {16, "has no ANSWER: line"},
        {21, "at least two options"},
        {22, "has no ANSWER: line"},
    };
    for (size_t i = 0; i < 6; i++) {
        const struct gift_entry *e = &f.entries[i + 1];
        assert_null(e->question);
        assert_int_equal(e->error_line, want[i].line);
        if (!strstr(e->error, want[i].says)) fail_msg("entry %zu: \"%s\" does not say \"%s\"", i + 1, e->error, want[i].says);
    }
    gift_file_free(&f);
}

static void formats_are_told_apart(void **state)
{
    (void)state;
    assert_string_equal(question_format_detect(corpus, strlen(corpus)), "moodlexml");
    const char *bare = "\n  <quiz><question type=\"essay\"/></quiz>";
    assert_string_equal(question_format_detect(bare, strlen(bare)), "moodlexml");
    const char *ak = "Q?\nA. a\nB. b\nANSWER: A\n";
    assert_string_equal(question_format_detect(ak, strlen(ak)), "aiken");
    const char *gift = "::Q:: Which? {=a ~b}\n";
    assert_string_equal(question_format_detect(gift, strlen(gift)), "gift");
    const char *gift_answer = "ANSWER: is this GIFT? {T}\n";
    assert_string_equal(question_format_detect(gift_answer, strlen(gift_answer)), "gift");
    assert_true(question_format_known("aiken"));
    assert_false(question_format_known("qti"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_type_is_read),
        cmocka_unit_test(pictures_become_inline_images),
        cmocka_unit_test(bad_pictures_are_named),
        cmocka_unit_test(unsupported_types_are_named_with_their_line),
        cmocka_unit_test(not_moodle_xml),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(aiken_questions),
        cmocka_unit_test(aiken_errors_name_their_line),
        cmocka_unit_test(formats_are_told_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
