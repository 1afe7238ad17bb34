/* Moodle XML (https://docs.moodle.org/en/Moodle_XML_format), read and written with libxml2.
 * The reader gives the same entries as the GIFT reader (struct gift_file), so the bank's import
 * reports both alike; the writer gives what Moodle's importer (question/format/xml) reads.
 *
 * Pictures: Moodle embeds a text's files as <file name="x.png" encoding="base64"> beside its
 * <text>, which points at them as @@PLUGINFILE@@/x.png. The question bank has no file area of
 * its own (course files belong to file activities), and html_sanitize already keeps inline
 * PNG, GIF, JPEG and WebP pictures, so each picture becomes a data: address in the HTML. A
 * picture is capped (IMAGE_MAX) because it then lives inside the question's text; anything
 * that is not such a picture is refused by name. The writer turns data: pictures back into
 * <file> elements, so a bank travels to Moodle and back unchanged. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "../platform/platform.h"

#define IMAGE_MAX (64 * 1024) /* bytes of one picture kept inside a question */
#define PLUGINFILE "@@PLUGINFILE@@"

/* Moodle's names for the four text formats, and ours. */
static const struct {
    const char *moodle, *lectern;
} formats[] = {
    {"html", "html"},
    {"moodle_auto_format", "moodle"},
    {"plain_text", "plain"},
    {"markdown", "markdown"},
};

/* ---- reading: one question ---- */

struct mxq {
    struct arena *a;
    xmlNode *node;  /* the <question> */
    char err[380];  /* the first problem, if any */
    int err_line;
};

static bool mx_error(struct mxq *q, const xmlNode *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool mx_error(struct mxq *q, const xmlNode *at, const char *fmt, ...)
{
    if (q->err[0]) return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q->err, sizeof q->err, fmt, ap);
    va_end(ap);
    q->err_line = (int)xmlGetLineNo(at ? at : q->node);
    return false;
}

static bool is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, (const xmlChar *)name);
}

static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_elem(c, name)) return c;
    return NULL;
}

/* The text inside n, in the arena; "" for no n. */
static const char *content(struct arena *a, const xmlNode *n)
{
    xmlChar *s = n ? xmlNodeGetContent(n) : NULL;
    char *out = arena_strdup(a, s ? (const char *)s : "");
    xmlFree(s);
    return out;
}

static const char *attr(struct arena *a, const xmlNode *n, const char *name)
{
    xmlChar *s = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;
    char *out = s ? arena_strdup(a, (const char *)s) : NULL;
    xmlFree(s);
    return out;
}

/* <x><text>...</text></x>, trimmed. */
static const char *text_of(struct arena *a, const xmlNode *n)
{
    return arena_trim(a, content(a, child(n, "text")));
}

/* n's format attribute as our format name; fallback when it has none; NULL (error) when it is
 * not one of Moodle's. */
static const char *format_in(struct mxq *q, const xmlNode *n, const char *fallback)
{
    const char *f = attr(q->a, n, "format");
    if (!f) return fallback;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (!strcmp(f, formats[i].moodle)) return formats[i].lectern;
    mx_error(q, n, "the format \"%.40s\" is not one of Moodle's: html, moodle_auto_format, plain_text or markdown", f);
    return NULL;
}

static const char *replace_all(struct arena *a, const char *s, const char *from, const char *to)
{
    if (!strstr(s, from)) return s;
    struct buf b;
    buf_init(&b, 0);
    for (const char *hit; (hit = strstr(s, from)); s = hit + strlen(from)) {
        buf_add(&b, s, (size_t)(hit - s));
        buf_adds(&b, to);
    }
    buf_adds(&b, s);
    char *out = arena_strndup(a, b.data, b.len);
    buf_release(&b);
    return out;
}

/* A file name as Moodle writes it in a link (rawurlencode): "my pic.png" → "my%20pic.png". */
static const char *url_encoded(struct arena *a, const char *s)
{
    struct buf b;
    buf_init(&b, 0);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-_.~/", c))
            buf_addc(&b, (char)c);
        else
            buf_addf(&b, "%%%02X", c);
    }
    char *out = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_release(&b);
    return out;
}

static bool is_picture(const char *mime)
{
    return mime && (!strcmp(mime, "image/png") || !strcmp(mime, "image/gif") || !strcmp(mime, "image/jpeg") ||
                    !strcmp(mime, "image/webp"));
}

/* A <file>'s picture as a data: address; NULL with the error. */
static const char *file_data_url(struct mxq *q, const xmlNode *f, const char *name)
{
    const char *enc = attr(q->a, f, "encoding");
    if (!enc || strcmp(enc, "base64")) {
        mx_error(q, f, "the file %.100s is not marked encoding=\"base64\", the only encoding Moodle writes", name);
        return NULL;
    }
    const char *b64 = content(q->a, f);
    size_t cap = strlen(b64) / 4 * 3 + 3, n = 0;
    unsigned char *bin = malloc(cap);
    if (!bin || sodium_base642bin(bin, cap, b64, strlen(b64), " \t\r\n", &n, NULL, sodium_base64_VARIANT_ORIGINAL)) {
        free(bin);
        mx_error(q, f, "the file %.100s is not valid base64", name);
        return NULL;
    }
    const char *mime = content_sniff(bin, n);
    const char *url = NULL;
    if (!is_picture(mime)) {
        mx_error(q, f, "the file %.100s is not a PNG, GIF, JPEG or WebP picture; a question keeps only pictures", name);
    } else if (n > IMAGE_MAX) {
        mx_error(q, f, "the picture %.100s is %zu KB; a picture inside a question may be up to %d KB: make it smaller, "
                 "or add it to the course's files and link it", name, (n + 1023) / 1024, IMAGE_MAX / 1024);
    } else {
        size_t elen = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
        char *enc64 = arena_alloc(q->a, elen);
        sodium_bin2base64(enc64, elen, bin, n, sodium_base64_VARIANT_ORIGINAL);
        url = arena_sprintf(q->a, "data:%s;base64,%s", mime, enc64);
    }
    free(bin);
    return url;
}

/* The <text> of n with its <file>s put in place of their @@PLUGINFILE@@ links; NULL with the
 * error when a file is not a picture we keep or a link points at a file that is not there. */
static const char *text_with_files(struct mxq *q, const xmlNode *n)
{
    const char *text = content(q->a, child(n, "text"));
    for (xmlNode *f = n ? n->children : NULL; f; f = f->next) {
        if (!is_elem(f, "file")) continue;
        const char *name = attr(q->a, f, "name"), *path = attr(q->a, f, "path");
        if (!name || !*name) return mx_error(q, f, "a <file> has no name"), NULL;
        if (!path || !*path) path = "/";
        const char *url = file_data_url(q, f, name);
        if (!url) return NULL;
        text = replace_all(q->a, text, arena_sprintf(q->a, PLUGINFILE "%s%s", path, name), url);
        text = replace_all(q->a, text, arena_sprintf(q->a, PLUGINFILE "%s", url_encoded(q->a, arena_sprintf(q->a, "%s%s", path, name))), url);
    }
    const char *left = strstr(text, PLUGINFILE);
    if (left) {
        size_t k = strcspn(left, "\"' >");
        mx_error(q, n, "the text shows %.*s, but no <file> of that name is inside it; export the question from Moodle "
                 "again (its files travel with it)", (int)(k < 120 ? k : 120), left);
        return NULL;
    }
    return text;
}

/* Sets o[key] to the format unless it is plain (the default, not stored). */
static void set_format(json_t *o, const char *key, const char *format)
{
    if (format && strcmp(format, "plain")) json_object_set_new(o, key, json_string(format));
}

static bool read_fraction(struct mxq *q, const xmlNode *an, double *out)
{
    const char *s = attr(q->a, an, "fraction");
    char *end = NULL;
    *out = s ? strtod(s, &end) : 0;
    if (s && (end == s || *arena_trim(q->a, end) || !isfinite(*out)))
        return mx_error(q, an, "the answer's fraction \"%.40s\" is not a number (a percentage, like 100 or 33.33333)", s);
    return true;
}

static json_t *fraction_json(double fraction)
{
    return fraction == floor(fraction) ? json_integer((json_int_t)fraction) : json_real(fraction);
}

/* An answer's <feedback> into the answer object, in the question's format unless it says. */
static bool read_feedback(struct mxq *q, const xmlNode *an, const char *qformat, json_t *o)
{
    const xmlNode *fb = child(an, "feedback");
    const char *format = format_in(q, fb, qformat), *text = fb ? text_with_files(q, fb) : "";
    if (!format || !text) return false;
    json_object_set_new(o, "feedback", json_string(text));
    if (*text) set_format(o, "feedback_format", format);
    return true;
}

/* {"text", "fraction", "feedback"} from an <answer>. shown: a choice, kept in its format;
 * otherwise the text is compared (a short answer), so it is plain and HTML gives its text. */
static json_t *text_answer(struct mxq *q, const xmlNode *an, const char *qformat, bool shown)
{
    const char *format = format_in(q, an, qformat), *text = text_with_files(q, an);
    double fraction;
    if (!format || !text || !read_fraction(q, an, &fraction)) return NULL;
    if (!shown && !strcmp(format, "html")) text = html_to_text(q->a, text);
    json_t *o = json_pack("{s:s, s:o}", "text", arena_trim(q->a, text), "fraction", fraction_json(fraction));
    if (shown) set_format(o, "format", format);
    if (!read_feedback(q, an, qformat, o)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

typedef bool (*answers_fn)(struct mxq *q, const char *qformat, json_t *qj);

/* Every <answer> of the question through text_answer. */
static bool read_text_answers(struct mxq *q, const char *qformat, json_t *qj, bool shown)
{
    json_t *list = json_object_get(qj, "answers");
    for (xmlNode *an = q->node->children; an; an = an->next) {
        if (!is_elem(an, "answer")) continue;
        json_t *o = text_answer(q, an, qformat, shown);
        if (!o) return false;
        json_array_append_new(list, o);
    }
    return true;
}

/* multichoice: <single>true</single> (Moodle's default) is single choice, false multiple. */
static bool read_choice(struct mxq *q, const char *qformat, json_t *qj)
{
    const char *single = arena_trim(q->a, content(q->a, child(q->node, "single")));
    bool multi = !strcmp(single, "false") || !strcmp(single, "0");
    json_object_set_new(qj, "type", json_string(multi ? "multi" : "single"));
    return read_text_answers(q, qformat, qj, true);
}

static bool read_short(struct mxq *q, const char *qformat, json_t *qj)
{
    const char *usecase = arena_trim(q->a, content(q->a, child(q->node, "usecase")));
    json_object_set_new(qj, "case_sensitive", json_boolean(!strcmp(usecase, "1") || !strcmp(usecase, "true")));
    return read_text_answers(q, qformat, qj, false);
}

/* truefalse: an answer "true" and one "false", in whatever order; ours are true then false. */
static bool read_truefalse(struct mxq *q, const char *qformat, json_t *qj)
{
    json_t *side[2] = {NULL, NULL};
    bool ok = true;
    for (xmlNode *an = q->node->children; an && ok; an = an->next) {
        if (!is_elem(an, "answer")) continue;
        json_t *o = text_answer(q, an, qformat, false);
        const char *t = o ? json_string_value(json_object_get(o, "text")) : "";
        int k = !strcasecmp(t, "true") ? 0 : !strcasecmp(t, "false") ? 1 : -1;
        if (o && (k < 0 || side[k]))
            ok = mx_error(q, an, "a true-false question has one answer \"true\" and one \"false\"; this one is \"%.40s\"", t);
        if (!o || !ok) {
            json_decref(o);
            ok = false;
            break;
        }
        json_object_set_new(o, "text", json_string(k ? "false" : "true"));
        side[k] = o;
    }
    if (ok && (!side[0] || !side[1])) ok = mx_error(q, NULL, "a true-false question needs an answer \"true\" and an answer \"false\"");
    for (int k = 0; k < 2; k++)
        if (side[k]) json_array_append_new(json_object_get(qj, "answers"), side[k]);
    return ok;
}

/* numerical: <answer fraction><text>3.14</text><tolerance>0.01</tolerance>; "*" is any other
 * number. Units are not read (answers are numbers). */
static bool read_numerical(struct mxq *q, const char *qformat, json_t *qj)
{
    for (xmlNode *an = q->node->children; an; an = an->next) {
        if (!is_elem(an, "answer")) continue;
        const char *text = text_of(q->a, an), *tol = arena_trim(q->a, content(q->a, child(an, "tolerance")));
        double fraction, value = 0, tolerance = 0;
        if (!read_fraction(q, an, &fraction)) return false;
        json_t *o;
        if (!strcmp(text, "*")) {
            o = json_pack("{s:b, s:o}", "other", 1, "fraction", fraction_json(fraction));
        } else {
            if (!question_parse_number(text, &value))
                return mx_error(q, an, "the numerical answer \"%.40s\" is not a number", text);
            if (*tol && !question_parse_number(tol, &tolerance))
                return mx_error(q, an, "the tolerance \"%.40s\" is not a number", tol);
            o = json_pack("{s:f, s:f, s:o}", "value", value, "tolerance", fabs(tolerance), "fraction",
                          fraction_json(fraction));
        }
        json_array_append_new(json_object_get(qj, "answers"), o);
        if (!read_feedback(q, an, qformat, o)) return false;
    }
    return true;
}

/* matching: <subquestion><text>left</text><answer><text>right</text></answer>; a subquestion
 * without text is a distractor. Both sides are plain text (they are listed, not formatted). */
static bool read_matching(struct mxq *q, const char *qformat, json_t *qj)
{
    for (xmlNode *sq = q->node->children; sq; sq = sq->next) {
        if (!is_elem(sq, "subquestion")) continue;
        const char *format = format_in(q, sq, qformat), *left = text_with_files(q, sq);
        if (!format || !left) return false;
        if (!strcmp(format, "html")) left = html_to_text(q->a, left);
        json_array_append_new(json_object_get(qj, "answers"),
                              json_pack("{s:s, s:s}", "left", arena_trim(q->a, left), "right",
                                        text_of(q->a, child(sq, "answer"))));
    }
    return true;
}

static bool read_nothing(struct mxq *q, const char *qformat, json_t *qj)
{
    (void)q, (void)qformat, (void)qj;
    return true;
}

/* Moodle's types that we have, and how their answers are read. */
static const struct {
    const char *moodle, *type;
    answers_fn read;
} mx_types[] = {
    {"multichoice", "single", read_choice},  {"truefalse", "truefalse", read_truefalse},
    {"shortanswer", "short", read_short},    {"numerical", "numerical", read_numerical},
    {"matching", "matching", read_matching}, {"essay", "essay", read_nothing},
    {"description", "description", read_nothing},
};

/* What every type has: name, text, general feedback, id number, tags. */
static json_t *read_question(struct mxq *q, size_t t, const char *category)
{
    const xmlNode *n = q->node, *qt = child(n, "questiontext"), *gf = child(n, "generalfeedback");
    const char *format = format_in(q, qt, "moodle"), *text = text_with_files(q, qt);
    const char *gformat = format_in(q, gf, format), *gtext = text_with_files(q, gf);
    if (!format || !text || !gformat || !gtext) return NULL;
    json_t *qj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[]}", "type", mx_types[t].type, "title",
                           text_of(q->a, child(n, "name")), "text", text, "format", format, "general_feedback", gtext,
                           "category", category, "answers");
    if (*gtext) set_format(qj, "general_feedback_format", gformat);
    const char *idnumber = arena_trim(q->a, content(q->a, child(n, "idnumber")));
    if (*idnumber) json_object_set_new(qj, "idnumber", json_string(idnumber));
    json_t *tags = json_array();
    for (xmlNode *tag = child(n, "tags") ? child(n, "tags")->children : NULL; tag; tag = tag->next)
        if (is_elem(tag, "tag") && *text_of(q->a, tag)) json_array_append_new(tags, json_string(text_of(q->a, tag)));
    if (json_array_size(tags))
        json_object_set_new(qj, "tags", tags);
    else
        json_decref(tags);
    if (!mx_types[t].read(q, format, qj)) {
        json_decref(qj);
        return NULL;
    }
    return qj;
}

/* ---- reading: the file ---- */

struct mx_reader {
    struct gift_file *out;
    size_t cap;
    struct arena *a;
    const char *category;
    int category_line;
};

static struct gift_entry *add_entry(struct mx_reader *r, int line)
{
    struct gift_file *f = r->out;
    if (f->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        struct gift_entry *e = realloc(f->entries, cap * sizeof *e);
        if (!e) return NULL;
        f->entries = e, r->cap = cap;
    }
    struct gift_entry *ent = &f->entries[f->n++];
    memset(ent, 0, sizeof *ent);
    ent->line = line;
    ent->category_line = r->category_line;
    return ent;
}

static void entry_error(struct gift_file *f, struct gift_entry *ent, int line, const char *message)
{
    ent->error_line = line;
    snprintf(ent->error, sizeof ent->error, "line %d: %.380s", line, message);
    f->n_errors++;
}

/* <question type="category"><category><text>$course$/top/A/B</text></category>: the category
 * of the questions that follow, as GIFT's $CATEGORY: line. */
static void read_category(struct mx_reader *r, const xmlNode *qn)
{
    const xmlNode *c = child(qn, "category");
    const char *path = child(c, "text") ? text_of(r->a, c) : arena_trim(r->a, content(r->a, c));
    size_t len = strlen(path);
    path = moodle_category_path(path, &len);
    r->category = arena_strndup(r->a, path, len);
    r->category_line = (int)xmlGetLineNo(c ? c : qn);
}

static lerr read_entry(struct mx_reader *r, xmlNode *qn)
{
    const char *mtype = attr(r->a, qn, "type");
    if (mtype && !strcmp(mtype, "category")) {
        read_category(r, qn);
        return LE_OK;
    }
    int line = (int)xmlGetLineNo(qn);
    struct gift_entry *ent = add_entry(r, line);
    if (!ent) return LE_NOMEM;
    const char *name = text_of(r->a, child(qn, "name"));
    snprintf(ent->title, sizeof ent->title, "%s", name);
    snprintf(ent->type, sizeof ent->type, "%s", mtype ? mtype : "");
    size_t t = 0, nt = sizeof mx_types / sizeof mx_types[0];
    while (t < nt && !(mtype && !strcmp(mtype, mx_types[t].moodle))) t++;
    if (t == nt) {
        entry_error(r->out, ent, line,
                    arena_sprintf(r->a, "\"%.100s\" is a Moodle %.40s question, a type Lectern does not have; "
                                  "remove it from the file or skip it", name, mtype ? mtype : "(no type)"));
        return LE_OK;
    }
    struct mxq q = {.a = r->a, .node = qn};
    json_t *qj = read_question(&q, t, r->category ? r->category : "");
    struct problem p = {0};
    if (qj && question_check(qj, &p)) {
        json_decref(qj);
        qj = NULL;
        /* A bad category is fixed on its category question; anything else in the question. */
        q.err_line = !strcmp(p.field, "category") && r->category_line ? r->category_line : line;
        snprintf(q.err, sizeof q.err, "%.370s", p.message);
    }
    if (!qj) {
        entry_error(r->out, ent, q.err_line ? q.err_line : line, q.err[0] ? q.err : "this question could not be read");
        return LE_OK;
    }
    ent->question = qj;
    snprintf(ent->type, sizeof ent->type, "%s", json_string_value(json_object_get(qj, "type")));
    return LE_OK;
}

static pthread_once_t parser_ready = PTHREAD_ONCE_INIT;

/* The first parse error, kept by the context's error callback: later ones follow from it
 * (libxml2's last error is often only "premature end of data" at the end of the file). */
struct first_error {
    int line;
    char message[200];
};

static void keep_first_error(void *ctx, xmlErrorPtr err)
{
    struct first_error *fe = ((xmlParserCtxt *)ctx)->_private;
    if (!fe || fe->line || !err || err->level < XML_ERR_ERROR) return;
    fe->line = err->line > 0 ? err->line : 1;
    snprintf(fe->message, sizeof fe->message, "%s", err->message ? err->message : "it is not well-formed");
    fe->message[strcspn(fe->message, "\n")] = '\0';
}

lerr moodlexml_parse(const char *text, size_t len, struct gift_file *out, struct problem *p)
{
    memset(out, 0, sizeof *out);
    pthread_once(&parser_ready, xmlInitParser);
    xmlParserCtxt *ctx = xmlNewParserCtxt();
    if (!ctx) return problem_set(p, LE_NOMEM, "file", "Out of memory while reading the Moodle XML file.");
    struct first_error fe = {0};
    ctx->_private = &fe;
    ctx->sax->serror = keep_first_error;
    /* No network, no external entities or DTDs: the file is all there is. */
    xmlDoc *doc = xmlCtxtReadMemory(ctx, text ? text : "", (int)(text && len < INT32_MAX ? len : 0), NULL, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOWARNING);
    if (!doc) {
        xmlFreeParserCtxt(ctx);
        return problem_set(p, LE_INVALID, "file", "The file is not well-formed XML at line %d: %s. Save it from Moodle "
                           "again, or correct that line.", fe.line, fe.line ? fe.message : "it could not be read");
    }
    xmlFreeParserCtxt(ctx);
    xmlNode *root = xmlDocGetRootElement(doc);
    lerr e = LE_OK;
    if (!root || !is_elem(root, "quiz")) {
        e = problem_set(p, LE_INVALID, "file", "The file is XML but not Moodle XML: it starts with <%.40s>, not <quiz>.",
                        root ? (const char *)root->name : "");
    } else {
        struct mx_reader r = {.out = out, .a = arena_new(4096)};
        for (xmlNode *qn = root->children; qn && !e; qn = qn->next)
            if (is_elem(qn, "question")) e = read_entry(&r, qn);
        arena_free(r.a);
        if (e) problem_set(p, e, "file", "Out of memory while reading the Moodle XML file.");
    }
    xmlFreeDoc(doc);
    if (e) gift_file_free(out);
    return e;
}

/* ---- writing ---- */

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static const char *format_out(const char *format)
{
    for (size_t i = 0; format && i < sizeof formats / sizeof formats[0]; i++)
        if (!strcmp(format, formats[i].lectern)) return formats[i].moodle;
    return "plain_text";
}

/* Text in CDATA; "]]>" inside is split across two sections. */
static void put_cdata(struct buf *b, const char *s)
{
    buf_adds(b, "<text><![CDATA[");
    for (const char *hit; (hit = strstr(s, "]]>")); s = hit + 3) {
        buf_add(b, s, (size_t)(hit - s));
        buf_adds(b, "]]]]><![CDATA[>");
    }
    buf_adds(b, s);
    buf_adds(b, "]]></text>");
}

/* Text in an element of its own (Moodle writes <idnumber> without <text>). */
static void put_escaped(struct buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            buf_adds(b, "&lt;");
        else if (*s == '>')
            buf_adds(b, "&gt;");
        else if (*s == '&')
            buf_adds(b, "&amp;");
        else
            buf_addc(b, *s);
    }
}

/* Text with its inline data: pictures moved into <file> elements (image1.png, ...), as Moodle
 * keeps them. */
static void put_text_files(struct buf *b, const char *s)
{
    static const char *const exts[][2] = {{"png", "png"}, {"gif", "gif"}, {"jpeg", "jpg"}, {"webp", "webp"}};
    struct buf text, files;
    buf_init(&text, 0);
    buf_init(&files, 0);
    int n = 0;
    const char *hit;
    while ((hit = strstr(s, "data:image/"))) {
        const char *sub = hit + 11, *ext = NULL;
        for (size_t i = 0; i < sizeof exts / sizeof exts[0] && !ext; i++)
            if (!strncmp(sub, exts[i][0], strlen(exts[i][0])) && !strncmp(sub + strlen(exts[i][0]), ";base64,", 8))
                ext = exts[i][1];
        size_t head = ext ? (size_t)(strstr(sub, ";base64,") + 8 - hit) : 11;
        size_t body = ext ? strspn(hit + head, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") : 0;
        buf_add(&text, s, (size_t)(hit - s) + (ext ? 0 : head));
        if (ext) {
            buf_addf(&text, PLUGINFILE "/image%d.%s", ++n, ext);
            buf_addf(&files, "<file name=\"image%d.%s\" path=\"/\" encoding=\"base64\">", n, ext);
            buf_add(&files, hit + head, body);
            buf_adds(&files, "</file>");
        }
        s = hit + head + body;
    }
    buf_adds(&text, s);
    buf_addc(&text, '\0');
    put_cdata(b, text.data);
    if (files.len) buf_add(b, files.data, files.len);
    buf_release(&text);
    buf_release(&files);
}

/* <tag format="..."><text>...</text>[<file>...]</tag> */
static void put_formatted(struct buf *b, const char *tag, const char *text, const char *format)
{
    buf_addf(b, "<%s format=\"%s\">", tag, format_out(format));
    put_text_files(b, text);
    buf_addf(b, "</%s>\n", tag);
}

static void put_plain_element(struct buf *b, const char *tag, const char *text)
{
    buf_addf(b, "<%s>", tag);
    put_cdata(b, text);
    buf_addf(b, "</%s>\n", tag);
}

static void put_number(struct buf *b, double d)
{
    char s[40];
    snprintf(s, sizeof s, "%.15g", d);
    if (strtod(s, NULL) != d) snprintf(s, sizeof s, "%.17g", d);
    buf_adds(b, s);
}

/* <answer fraction="..." format="..."><text/><feedback/>; extra (a tolerance) before the
 * feedback. */
static void put_answer(struct buf *b, const json_t *a, const char *text, const char *format, const char *extra)
{
    buf_adds(b, "<answer fraction=\"");
    put_number(b, json_number_value(json_object_get(a, "fraction")));
    buf_addf(b, "\" format=\"%s\">", format_out(format));
    put_text_files(b, text);
    if (extra) buf_adds(b, extra);
    buf_addc(b, '\n');
    put_formatted(b, "feedback", str(a, "feedback"), json_string_value(json_object_get(a, "feedback_format")));
    buf_adds(b, "</answer>\n");
}

static void put_numerical_answer(struct buf *b, const json_t *a)
{
    if (json_is_true(json_object_get(a, "other"))) {
        put_answer(b, a, "*", "plain", "<tolerance>0</tolerance>");
        return;
    }
    /* A range min..max is Moodle's value with a tolerance of half the range either side. */
    double value = json_number_value(json_object_get(a, "value")), tol = json_number_value(json_object_get(a, "tolerance"));
    if (json_object_get(a, "min")) {
        double lo = json_number_value(json_object_get(a, "min")), hi = json_number_value(json_object_get(a, "max"));
        value = (lo + hi) / 2, tol = (hi - lo) / 2;
    }
    struct buf v, t;
    buf_init(&v, 0), buf_init(&t, 0);
    put_number(&v, value);
    buf_adds(&t, "<tolerance>");
    put_number(&t, tol);
    buf_adds(&t, "</tolerance>");
    buf_addc(&v, '\0'), buf_addc(&t, '\0');
    put_answer(b, a, v.data, "plain", t.data);
    buf_release(&v), buf_release(&t);
}

/* The type's own elements and its answers. */
static void put_answers(struct buf *b, const json_t *q, const char *type)
{
    const json_t *answers = json_object_get(q, "answers"), *a;
    size_t i;
    if (!strcmp(type, "single") || !strcmp(type, "multi"))
        buf_addf(b, "<single>%s</single>\n<shuffleanswers>true</shuffleanswers>\n<answernumbering>abc</answernumbering>\n",
                 strcmp(type, "single") ? "false" : "true");
    if (!strcmp(type, "short"))
        buf_addf(b, "<usecase>%d</usecase>\n", json_is_true(json_object_get(q, "case_sensitive")) ? 1 : 0);
    if (!strcmp(type, "essay"))
        buf_adds(b, "<responseformat>editor</responseformat>\n<responserequired>1</responserequired>\n"
                    "<responsefieldlines>15</responsefieldlines>\n<attachments>0</attachments>\n"
                    "<attachmentsrequired>0</attachmentsrequired>\n<graderinfo format=\"html\"><text></text></graderinfo>\n"
                    "<responsetemplate format=\"html\"><text></text></responsetemplate>\n");
    json_array_foreach(answers, i, a) {
        if (!strcmp(type, "numerical")) {
            put_numerical_answer(b, a);
        } else if (!strcmp(type, "matching")) {
            buf_adds(b, "<subquestion format=\"plain_text\">");
            put_cdata(b, str(a, "left"));
            buf_adds(b, "<answer>");
            put_cdata(b, str(a, "right"));
            buf_adds(b, "</answer></subquestion>\n");
        } else {
            bool shown = !strcmp(type, "single") || !strcmp(type, "multi");
            put_answer(b, a, str(a, "text"), shown ? json_string_value(json_object_get(a, "format")) : "plain", NULL);
        }
    }
    if (!strcmp(type, "matching")) buf_adds(b, "<shuffleanswers>true</shuffleanswers>\n");
}

static const char *moodle_type(const char *type)
{
    if (!strcmp(type, "multi")) return "multichoice";
    for (size_t i = 0; i < sizeof mx_types / sizeof mx_types[0]; i++)
        if (!strcmp(type, mx_types[i].type)) return mx_types[i].moodle;
    return "description";
}

static void put_question(struct buf *b, const json_t *q)
{
    const char *type = str(q, "type"), *format = *str(q, "format") ? str(q, "format") : "markdown";
    buf_addf(b, "<question type=\"%s\">\n", moodle_type(type));
    put_plain_element(b, "name", str(q, "title"));
    put_formatted(b, "questiontext", str(q, "text"), format);
    put_formatted(b, "generalfeedback", str(q, "general_feedback"),
                  json_string_value(json_object_get(q, "general_feedback_format")));
    buf_adds(b, "<defaultgrade>1</defaultgrade>\n<penalty>0.3333333</penalty>\n<hidden>0</hidden>\n");
    buf_adds(b, "<idnumber>");
    put_escaped(b, str(q, "idnumber"));
    buf_adds(b, "</idnumber>\n");
    put_answers(b, q, type);
    const json_t *tags = json_object_get(q, "tags"), *tag;
    size_t i;
    if (json_array_size(tags)) {
        buf_adds(b, "<tags>");
        json_array_foreach(tags, i, tag) {
            buf_adds(b, "<tag>");
            put_cdata(b, json_string_value(tag) ? json_string_value(tag) : "");
            buf_adds(b, "</tag>");
        }
        buf_adds(b, "</tags>\n");
    }
    buf_adds(b, "</question>\n");
}

char *moodlexml_write(const json_t *questions)
{
    struct buf b;
    buf_init(&b, 0);
    buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    const char *category = NULL;
    size_t i;
    const json_t *q;
    json_array_foreach(questions, i, q) {
        if (!category || strcmp(str(q, "category"), category)) {
            category = str(q, "category");
            struct buf path;
            buf_init(&path, 0);
            buf_addf(&path, "$course$/top%s%s", *category ? "/" : "", category);
            buf_addc(&path, '\0');
            buf_adds(&b, "<question type=\"category\">\n<category>");
            put_cdata(&b, path.data);
            buf_adds(&b, "</category>\n</question>\n");
            buf_release(&path);
        }
        put_question(&b, q);
    }
    buf_adds(&b, "</quiz>\n");
    return buf_detach(&b);
}
