/* Markdown for course summaries, policies and pages: cmark-gfm with the GitHub table,
 * strikethrough and autolink extensions, in safe mode. Safe mode replaces raw HTML with a
 * comment and drops links and images whose URL is javascript:, vbscript:, file: or data:
 * (other than a few image types), so what people type is never served as markup of their own. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include "model.h"

static pthread_once_t registered = PTHREAD_ONCE_INIT;

static void register_extensions(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

char *markdown_to_html(struct arena *a, const char *text)
{
    if (!text || !*text) return arena_strdup(a, "");
    pthread_once(&registered, register_extensions);
    int options = CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8;
    cmark_parser *parser = cmark_parser_new(options);
    static const char *const names[] = {"table", "strikethrough", "autolink"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cmark_syntax_extension *ext = cmark_find_syntax_extension(names[i]);
        if (ext) cmark_parser_attach_syntax_extension(parser, ext);
    }
    cmark_parser_feed(parser, text, strlen(text));
    cmark_node *doc = cmark_parser_finish(parser);
    char *html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
    char *out = arena_strdup(a, html ? html : "");
    free(html);
    cmark_node_free(doc);
    cmark_parser_free(parser);
    return out;
}
