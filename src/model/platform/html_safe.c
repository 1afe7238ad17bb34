/* HTML that others wrote (Moodle's editor, imported question banks), made safe to serve.
 *
 * The text is parsed with libxml2's HTML parser, which builds a tree the way a browser would
 * from tag soup (unclosed tags, stray brackets, entities), and the tree is written out again
 * through an allow-list: known formatting, list, table, link and image elements with a few
 * attributes each. Elements that run code or pull in other documents (script, style, iframe,
 * object, form, svg, ...) go with everything inside them; other unknown elements are dropped
 * but their text stays. URLs must be http(s), mailto, relative, or an inline raster image
 * (data:image/png|gif|jpeg|webp). Nothing from the input reaches the output except through
 * html_escape, so the output is well-formed whatever came in.
 *
 * The same tree gives the text alone (html_to_text) for places that hold plain text: a short
 * answer that is compared with what a learner types, a matching item. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include "platform.h"

/* Elements kept, and the attributes each may keep (besides the global ones below). */
static const struct {
    const char *name;
    const char *attrs[6];
} allowed[] = {
    {"p", {0}}, {"br", {0}}, {"hr", {0}}, {"div", {0}}, {"span", {0}},
    {"b", {0}}, {"strong", {0}}, {"i", {0}}, {"em", {0}}, {"u", {0}}, {"s", {0}},
    {"strike", {0}}, {"del", {0}}, {"ins", {0}}, {"sub", {0}}, {"sup", {0}}, {"small", {0}},
    {"mark", {0}}, {"code", {0}}, {"pre", {0}}, {"kbd", {0}}, {"samp", {0}}, {"var", {0}},
    {"blockquote", {0}}, {"q", {0}}, {"cite", {0}}, {"abbr", {0}},
    {"h1", {0}}, {"h2", {0}}, {"h3", {0}}, {"h4", {0}}, {"h5", {0}}, {"h6", {0}},
    {"ul", {0}}, {"ol", {"start", "type", "reversed"}}, {"li", {"value"}},
    {"dl", {0}}, {"dt", {0}}, {"dd", {0}}, {"figure", {0}}, {"figcaption", {0}},
    {"table", {0}}, {"caption", {0}}, {"thead", {0}}, {"tbody", {0}}, {"tfoot", {0}},
    {"tr", {0}}, {"th", {"colspan", "rowspan", "scope"}}, {"td", {"colspan", "rowspan"}},
    {"colgroup", {"span"}}, {"col", {"span"}},
    {"a", {"href", "title"}},
    {"img", {"src", "alt", "width", "height"}},
};
static const char *const global_attrs[] = {"title", "lang", "dir"};

/* Dropped with everything inside: they run code, style the page or embed other documents. */
static const char *const dropped[] = {"script", "style", "iframe", "frame", "frameset", "object", "embed",
                                      "applet", "noscript", "template", "form", "input", "button", "select",
                                      "textarea", "svg", "math", "head", "title", "meta", "link", "base"};

static const char *const void_elements[] = {"br", "hr", "img", "col"};

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(name, list[i]) == 0) return true;
    return false;
}
#define IN(name, list) in_list(name, list, sizeof list / sizeof list[0])

static int allowed_index(const char *name)
{
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        if (strcasecmp(name, allowed[i].name) == 0) return (int)i;
    return -1;
}

static bool attr_allowed(int element, const char *attr)
{
    if (IN(attr, global_attrs)) return true;
    for (size_t i = 0; i < 6 && allowed[element].attrs[i]; i++)
        if (strcasecmp(attr, allowed[element].attrs[i]) == 0) return true;
    return false;
}

/* A URL a page may point to: no scheme (relative), http, https, mailto; for images also an
 * inline raster picture. Browsers ignore control characters and spaces inside a scheme, so
 * they are skipped before the scheme is read. */
static bool url_ok(const char *url, bool image)
{
    char scheme[16];
    size_t k = 0;
    const char *c = url;
    for (; *c && *c != ':' && *c != '/' && *c != '?' && *c != '#'; c++) {
        if ((unsigned char)*c <= ' ') continue;
        if (k + 1 >= sizeof scheme) return false;
        scheme[k++] = (char)(*c | 0x20);
    }
    scheme[k] = '\0';
    if (*c != ':') return true; /* relative */
    if (!strcmp(scheme, "http") || !strcmp(scheme, "https")) return true;
    if (!image) return !strcmp(scheme, "mailto");
    static const char *const pictures[] = {"data:image/png;", "data:image/gif;", "data:image/jpeg;",
                                           "data:image/webp;"};
    for (size_t i = 0; i < sizeof pictures / sizeof pictures[0]; i++)
        if (strncasecmp(url + strspn(url, " \t\r\n"), pictures[i], strlen(pictures[i])) == 0) return true;
    return false;
}

static void put_attrs(struct buf *out, const xmlNode *n, int element)
{
    for (const xmlAttr *at = n->properties; at; at = at->next) {
        const char *name = (const char *)at->name;
        if (!attr_allowed(element, name)) continue;
        xmlChar *value = xmlNodeListGetString(n->doc, at->children, 1);
        const char *v = value ? (const char *)value : "";
        bool is_url = !strcasecmp(name, "href") || !strcasecmp(name, "src");
        if (!is_url || url_ok(v, !strcasecmp(name, "src"))) {
            buf_addf(out, " %s=\"", name);
            html_escape(out, v, strlen(v));
            buf_addc(out, '"');
        }
        xmlFree(value);
    }
    /* A link to another site opens as the reader chose, but gives that site no hold on Lectern. */
    if (!strcasecmp((const char *)n->name, "a")) buf_adds(out, " rel=\"noopener noreferrer nofollow\"");
}

static void put_children(struct buf *out, const xmlNode *first);

static void put_element(struct buf *out, const xmlNode *n)
{
    const char *name = (const char *)n->name;
    if (IN(name, dropped)) return;
    int element = allowed_index(name);
    if (element < 0) { /* html, body and unknown elements: their content only */
        put_children(out, n->children);
        return;
    }
    buf_addf(out, "<%s", allowed[element].name);
    put_attrs(out, n, element);
    buf_addc(out, '>');
    if (IN(name, void_elements)) return;
    put_children(out, n->children);
    buf_addf(out, "</%s>", allowed[element].name);
}

/* One node of the tree: an element through the allow-list, text escaped; comments,
 * processing instructions and the like say nothing to the reader. */
static void put_node(struct buf *out, const xmlNode *n)
{
    if (n->type == XML_ELEMENT_NODE) {
        put_element(out, n);
    } else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        const char *t = (const char *)n->content;
        if (t) html_escape(out, t, strlen(t));
    }
}

static void put_children(struct buf *out, const xmlNode *first)
{
    for (const xmlNode *n = first; n; n = n->next) put_node(out, n);
}

static pthread_once_t parser_ready = PTHREAD_ONCE_INIT;

static htmlDocPtr parse(const char *html)
{
    pthread_once(&parser_ready, xmlInitParser); /* libxml2 sets up its tables once, before threads share it */
    int options = HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOBLANKS |
                  HTML_PARSE_COMPACT;
    /* A wrapper gives the parser one root whatever the fragment starts with. */
    size_t n = strlen(html);
    char *wrapped = malloc(n + 32);
    if (!wrapped) return NULL;
    memcpy(wrapped, "<div>", 5);
    memcpy(wrapped + 5, html, n);
    memcpy(wrapped + 5 + n, "</div>", 7);
    htmlDocPtr doc = htmlReadMemory(wrapped, (int)(n + 11), NULL, "UTF-8", options);
    free(wrapped);
    return doc;
}

/* The body the parser made of the wrapped fragment: html > body. */
static const xmlNode *body_of(htmlDocPtr doc)
{
    const xmlNode *html = doc ? xmlDocGetRootElement(doc) : NULL;
    for (const xmlNode *c = html ? html->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcasecmp((const char *)c->name, "body")) return c;
    return NULL;
}

/* Writes the fragment node by node with `put`: the body's content, where the first element
 * is parse()'s wrapper, written as its children. (A stray </div> in the text closes the wrapper
 * early; what follows it is then a sibling, still written.) */
static void put_fragment(struct buf *out, htmlDocPtr doc, void (*put)(struct buf *, const xmlNode *))
{
    const xmlNode *body = body_of(doc);
    bool wrapper = true;
    for (const xmlNode *n = body ? body->children : NULL; n; n = n->next) {
        if (wrapper && n->type == XML_ELEMENT_NODE && !strcasecmp((const char *)n->name, "div")) {
            wrapper = false;
            for (const xmlNode *c = n->children; c; c = c->next) put(out, c);
        } else {
            put(out, n);
        }
    }
}

char *html_sanitize(struct arena *a, const char *html)
{
    if (!html || !*html) return arena_strdup(a, "");
    htmlDocPtr doc = parse(html);
    struct buf out;
    buf_init(&out, strlen(html) + 64);
    put_fragment(&out, doc, put_node);
    xmlFreeDoc(doc);
    char *s = arena_strdup(a, out.data ? out.data : "");
    buf_release(&out);
    return s;
}

static bool breaks_line(const char *name)
{
    static const char *const blocks[] = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                                         "blockquote", "pre", "dt", "dd", "table", "ul", "ol"};
    return IN(name, blocks);
}

static void put_text_node(struct buf *out, const xmlNode *n)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content) buf_adds(out, (const char *)n->content);
        return;
    }
    if (n->type != XML_ELEMENT_NODE || IN((const char *)n->name, dropped)) return;
    bool block = breaks_line((const char *)n->name);
    if (block && out->len && out->data[out->len - 1] != '\n') buf_addc(out, '\n');
    if (!strcasecmp((const char *)n->name, "img")) {
        xmlChar *alt = xmlGetProp(n, (const xmlChar *)"alt");
        if (alt) buf_adds(out, (const char *)alt);
        xmlFree(alt);
    }
    for (const xmlNode *c = n->children; c; c = c->next) put_text_node(out, c);
    if (block && out->len && out->data[out->len - 1] != '\n') buf_addc(out, '\n');
}

char *html_to_text(struct arena *a, const char *html)
{
    if (!html || !*html) return arena_strdup(a, "");
    htmlDocPtr doc = parse(html);
    struct buf out;
    buf_init(&out, strlen(html) + 16);
    put_fragment(&out, doc, put_text_node);
    xmlFreeDoc(doc);
    /* Without the line breaks the blocks left at either end. */
    size_t b = 0, e = out.len;
    while (b < e && (out.data[b] == '\n' || out.data[b] == ' ')) b++;
    while (e > b && (out.data[e - 1] == '\n' || out.data[e - 1] == ' ')) e--;
    char *s = arena_strndup(a, out.data ? out.data + b : "", e - b);
    buf_release(&out);
    return s;
}
