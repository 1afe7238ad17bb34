/* Text in one of the four formats a question bank carries (Moodle's names), as safe HTML:
 *   markdown  the Markdown renderer (markdown.c), raw HTML dropped;
 *   html      the allow-list sanitiser (html_safe.c);
 *   moodle    Moodle's "auto-format": HTML may be written, and line breaks are kept as line
 *             breaks (nothing else is read into the text: "2*3*4" keeps its stars);
 *   plain     text as it is: escaped, line breaks kept. */
#include <string.h>
#include "platform.h"

static const char *const formats[] = {"markdown", "html", "moodle", "plain"};

bool rich_text_format_known(const char *format)
{
    for (size_t i = 0; format && i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(format, formats[i]) == 0) return true;
    return false;
}

/* Each line break as <br>; the text between escaped (plain) or kept (moodle, sanitised after). */
static char *with_breaks(struct arena *a, const char *text, bool escape)
{
    struct buf b;
    buf_init(&b, strlen(text) * (escape ? 6 : 1) + 64);
    for (const char *c = text; *c;) {
        size_t n = strcspn(c, "\r\n");
        if (escape) html_escape(&b, c, n);
        else buf_add(&b, c, n);
        c += n;
        if (*c == '\r' && c[1] == '\n') c++;
        if (*c) {
            buf_adds(&b, "<br>");
            c++;
        }
    }
    char *s = arena_strdup(a, b.data ? b.data : "");
    buf_release(&b);
    return s;
}

char *rich_text_html(struct arena *a, const char *text, const char *format)
{
    if (!text || !*text) return arena_strdup(a, "");
    if (!format || !strcmp(format, "markdown")) return markdown_to_html(a, text);
    if (!strcmp(format, "html")) return html_sanitize(a, text);
    if (!strcmp(format, "moodle")) return html_sanitize(a, with_breaks(a, text, false));
    return with_breaks(a, text, true);
}
