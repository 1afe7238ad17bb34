/* Markdown (course summaries, policies, pages): markdown_to_html, whose safe mode must never
 * let what people type become markup of their own: no raw HTML element and no script link
 * survives. */
#include <ctype.h>
#include "../../src/model/platform/platform.h"
#include "fuzz.h"

/* Case-insensitive search, as browsers read tags and URL schemes. */
static const char *find_nocase(const char *s, const char *what)
{
    size_t n = strlen(what);
    for (; *s; s++)
        if (strncasecmp(s, what, n) == 0) return s;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    struct arena *a = arena_new(0);
    char *html = markdown_to_html(a, text);
    if (!html) fuzz_fail("markdown_to_html gave NULL");
    static const char *const banned[] = {"<script", "<iframe", "<style", "<object", "<embed",
                                         "<svg", "<form", "<input", "href=\"javascript:",
                                         "src=\"javascript:", "href=\"vbscript:", "href=\"file:"};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        if (find_nocase(html, banned[i]))
            fuzz_fail("\"%s\" in the HTML of:\n%s\n---\n%s", banned[i], text, html);
    /* Every element is one cmark makes: raw HTML in the text comes out escaped or as a
     * comment. */
    static const char *const made[] = {"p", "a", "img", "h1", "h2", "h3", "h4", "h5", "h6",
                                       "em", "strong", "code", "pre", "ul", "ol", "li",
                                       "blockquote", "br", "hr", "table", "thead", "tbody",
                                       "tr", "th", "td", "del"};
    for (const char *t = strchr(html, '<'); t; t = strchr(t + 1, '<')) {
        if (t[1] == '!' || t[1] == '/') continue;
        size_t n = 0;
        while (isalnum((unsigned char)t[1 + n])) n++;
        bool known = false;
        for (size_t i = 0; i < sizeof made / sizeof made[0] && !known; i++)
            known = strlen(made[i]) == n && strncmp(t + 1, made[i], n) == 0;
        if (!known) fuzz_fail("an element cmark does not make, at \"%.20s\", from:\n%s", t, text);
    }
    arena_free(a);
    free(text);
    return 0;
}
