/* Markdown for course summaries, policies and pages: cmark-gfm with the GitHub table,
 * strikethrough and autolink extensions, in safe mode. Safe mode replaces raw HTML with a
 * comment and drops links and images whose URL is javascript:, vbscript:, file: or data:
 * (other than a few image types), so what people type is never served as markup of their own. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include "platform.h"

static pthread_once_t registered = PTHREAD_ONCE_INIT;

/* Rendered HTML by source text. A course's summary and policy are rendered on every course
 * page and catalogue line, and the same text always gives the same HTML, so a small
 * direct-mapped table keyed by the text itself is never stale. Long texts (whole pages) are
 * rendered each time: they are read far less often, and would hold memory. */
#define RENDERED_SLOTS 256
#define RENDERED_TEXT_MAX 8192

static struct {
    pthread_mutex_t lock;
    struct rendered {
        uint64_t hash;
        char *text, *html;
    } slot[RENDERED_SLOTS];
} rendered = {.lock = PTHREAD_MUTEX_INITIALIZER};

static uint64_t text_hash(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static char *rendered_get(struct arena *a, uint64_t h, const char *text)
{
    char *out = NULL;
    pthread_mutex_lock(&rendered.lock);
    struct rendered *r = &rendered.slot[h % RENDERED_SLOTS];
    if (r->text && r->hash == h && strcmp(r->text, text) == 0) out = arena_strdup(a, r->html);
    pthread_mutex_unlock(&rendered.lock);
    return out;
}

static void rendered_put(uint64_t h, const char *text, const char *html)
{
    char *t = strdup(text), *x = strdup(html);
    if (!t || !x) {
        free(t);
        free(x);
        return;
    }
    pthread_mutex_lock(&rendered.lock);
    struct rendered *r = &rendered.slot[h % RENDERED_SLOTS];
    char *old_text = r->text, *old_html = r->html;
    *r = (struct rendered){h, t, x};
    pthread_mutex_unlock(&rendered.lock);
    free(old_text);
    free(old_html);
}

static void register_extensions(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

char *markdown_to_html(struct arena *a, const char *text)
{
    if (!text || !*text) return arena_strdup(a, "");
    size_t len = strlen(text);
    uint64_t h = len <= RENDERED_TEXT_MAX ? text_hash(text, len) : 0;
    char *known = len <= RENDERED_TEXT_MAX ? rendered_get(a, h, text) : NULL;
    if (known) return known;
    pthread_once(&registered, register_extensions);
    int options = CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8;
    cmark_parser *parser = cmark_parser_new(options);
    static const char *const names[] = {"table", "strikethrough", "autolink"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cmark_syntax_extension *ext = cmark_find_syntax_extension(names[i]);
        if (ext) cmark_parser_attach_syntax_extension(parser, ext);
    }
    cmark_parser_feed(parser, text, len);
    cmark_node *doc = cmark_parser_finish(parser);
    char *html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
    char *out = arena_strdup(a, html ? html : "");
    if (html && len <= RENDERED_TEXT_MAX) rendered_put(h, text, html);
    free(html);
    cmark_node_free(doc);
    cmark_parser_free(parser);
    return out;
}
