/* HTML from elsewhere made safe (src/model/platform/html_safe.c) and the four text formats
 * (rich_text.c): what a question from Moodle's editor keeps (formatting, lists, tables, images,
 * links) and what never reaches a page (scripts, event handlers, javascript: and other
 * schemes, styles, frames, forms), including the tricks browsers fall for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "../../../../src/model/platform/platform.h"

static struct arena *a;

static int setup(void **state)
{
    (void)state;
    a = arena_new(0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(a);
    return 0;
}

static void same(const char *in, const char *want)
{
    const char *got = html_sanitize(a, in);
    if (strcmp(got, want)) fail_msg("html_sanitize(%s)\n  gave %s\n  want %s", in, got, want);
}

static void keeps_what_a_question_needs(void **state)
{
    (void)state;
    same("<p>Which is <strong>bold</strong>, <em>em</em>, H<sub>2</sub>O, x<sup>2</sup>?</p>",
         "<p>Which is <strong>bold</strong>, <em>em</em>, H<sub>2</sub>O, x<sup>2</sup>?</p>");
    same("<ol start=\"3\"><li>one</li><li>two</li></ol>", "<ol start=\"3\"><li>one</li><li>two</li></ol>");
    same("<table border=\"1\" class=\"x\"><tr><th scope=\"col\">A</th></tr><tr><td colspan=\"2\">1</td></tr></table>",
         "<table><tr><th scope=\"col\">A</th></tr><tr><td colspan=\"2\">1</td></tr></table>");
    same("<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"A dot\" width=\"10\">",
         "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"A dot\" width=\"10\">");
    same("<a href=\"https://example.org/a?b=1&amp;c=2\">link</a>",
         "<a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener noreferrer nofollow\">link</a>");
    same("Plain text &amp; an entity: &eacute;", "Plain text &amp; an entity: é");
    same("", "");
}

static void drops_what_runs_code(void **state)
{
    (void)state;
    same("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>");
    same("<img src=x onerror=\"alert(1)\">", "<img src=\"x\">");
    same("<a href=\"javascript:alert(1)\">x</a>", "<a rel=\"noopener noreferrer nofollow\">x</a>");
    same("<a href=\" jav&#x09;ascript:alert(1)\">x</a>", "<a rel=\"noopener noreferrer nofollow\">x</a>");
    same("<a href=\"JaVaScRiPt:alert(1)\">x</a>", "<a rel=\"noopener noreferrer nofollow\">x</a>");
    same("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">", "<img>");
    same("<a href=\"data:text/html,<script>alert(1)</script>\">x</a>", "<a rel=\"noopener noreferrer nofollow\">x</a>");
    same("<style>body{display:none}</style><p style=\"position:fixed\">t</p>", "<p>t</p>");
    same("<iframe src=\"https://evil.example\"></iframe><object data=x></object>ok", "ok");
    same("<form action=/x><input name=a><button>go</button></form>after", "after");
    same("<svg><script>alert(1)</script></svg>x", "x");
    same("<div onclick=\"x()\">a</div>", "<div>a</div>");
    same("<p>unclosed <b>bold", "<p>unclosed <b>bold</b></p>");
    same("a</div><script>alert(1)</script>b", "ab");
    same("<!-- a comment --><p>t</p>", "<p>t</p>");
    same("<font color=red>kept text</font>", "kept text");
    same("\"><script>alert(1)</script>", "&quot;&gt;");
}

static void text_of_html(void **state)
{
    (void)state;
    assert_string_equal(html_to_text(a, "<p>blue</p>"), "blue");
    assert_string_equal(html_to_text(a, "<p>a &lt; b</p><p>c</p>"), "a < b\nc");
    assert_string_equal(html_to_text(a, "<img alt=\"dot\" src=x>"), "dot");
    assert_string_equal(html_to_text(a, "x<script>y</script>"), "x");
}

static void the_four_formats(void **state)
{
    (void)state;
    assert_string_equal(rich_text_html(a, "a *b*", "markdown"), "<p>a <em>b</em></p>\n");
    assert_string_equal(rich_text_html(a, "a *b*\n<b>c</b>", "moodle"), "a *b*<br><b>c</b>");
    assert_string_equal(rich_text_html(a, "a <b>c</b>\nd", "plain"), "a &lt;b&gt;c&lt;/b&gt;<br>d");
    assert_string_equal(rich_text_html(a, "<p onclick=x>c</p>", "html"), "<p>c</p>");
    assert_true(rich_text_format_known("moodle"));
    assert_false(rich_text_format_known("rtf"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(keeps_what_a_question_needs, setup, teardown),
        cmocka_unit_test_setup_teardown(drops_what_runs_code, setup, teardown),
        cmocka_unit_test_setup_teardown(text_of_html, setup, teardown),
        cmocka_unit_test_setup_teardown(the_four_formats, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
