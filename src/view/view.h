/* Lectern's view layer: the Mustache engine, the template set, translations, and the
 * renderer that turns a handler's model into JSON or an HTML page inside the layout. */
#ifndef LECTERN_VIEW_H
#define LECTERN_VIEW_H

#include <jansson.h>
#include "../core/core.h"

/* ---- Mustache (mustache.c): the spec's comments, delimiters, interpolation, inverted,
 * partials and sections, plus inheritance (parents {{<name}} and blocks {{$name}}).
 * Values escape & < > " ' by default. Templates compile once; rendering is thread-safe. */
struct tpl_set;
struct tpl_set *tpl_set_new(void);
void tpl_set_free(struct tpl_set *set);
/* Compiles src under name (replacing an earlier one). Errors name the line and what is wrong.
 * Not to be called while another thread renders from the same set. */
lerr tpl_set_add(struct tpl_set *set, const char *name, const char *src, size_t len,
                 struct problem *p);
bool tpl_set_has(const struct tpl_set *set, const char *name);
/* Pages round reals to at most decimals places (60.7142857 -> "60.71"); 0, the default, prints
 * them in full. Set before rendering starts. */
void tpl_set_round_reals(struct tpl_set *set, int decimals);
/* Renders template name against a context stack (stack[0] is the bottom, stack[n-1] the top,
 * searched first). Partials and parents resolve by name within the set; a missing partial
 * renders as empty, as the spec says. Falsey, as in JavaScript: missing, null, false, "", 0
 * and []. A dotted name part that is a number indexes a list ({{#items.0}}). Numbers print
 * in the fewest digits that read back the same (1.21 -> "1.21"); objects and lists print as
 * nothing. Errors: LE_NOTFOUND (no template name), LE_TOOBIG (out's cap), LE_NOMEM, and
 * LE_INTERNAL when partials/parents nest deeper than 100 (runaway recursion; logged). */
lerr tpl_set_render(const struct tpl_set *set, const char *name, json_t *const *stack, size_t n,
                    struct buf *out);

/* ---- Translations (i18n.c): every user-visible string goes through here. ---- */
/* Loads locale/<lang>.json catalogues from assets. Each is one flat object "key": "text";
 * "en" is required and every other language is merged over it. Call at start-up, before any
 * lookup; loading again replaces the catalogues, invalidating strings handed out before.
 * On error (logged with file and key) the previous catalogues stay. */
lerr i18n_load(void);
/* Same, from n in-memory catalogues (langs[i] is the tag, texts[i] the JSON of lens[i]
 * bytes); for tests and tools. */
lerr i18n_load_texts(const char *const *langs, const char *const *texts, const size_t *lens,
                     size_t n);
/* The text for key in lang (falls back to the primary tag, "pt" for "pt-BR", then to "en",
 * then to the key itself). Valid until the next load. */
const char *i18n_text(const char *lang, const char *key);
/* All strings of a language as a JSON object, for templates ({{t.key}}); borrowed reference.
 * Keys are nested at their dots ("nav.sign_in" is {"nav": {"sign_in": ...}}) because Mustache
 * resolves {{t.nav.sign_in}} part by part. Same fallbacks as i18n_text; NULL before a load. */
json_t *i18n_catalog(const char *lang);

/* ---- Mail texts (mail_text.c): "Subject: ..." on the first line, a blank line, the body ---- */
/* Splits a rendered text (changed in place) into its subject (one line, trimmed) and body;
 * LE_INVALID naming `name` when the first line is not "Subject: ...". */
lerr mail_text_split(struct arena *a, char *text, const char *name, char **subject, char **body, struct problem *p);
/* Compiles src (Mustache) and renders it against the stack, then splits it as above. A
 * template that does not compile is LE_INVALID with the line and what is wrong. */
lerr mail_text_render(struct arena *a, const char *src, json_t *const *stack, size_t n, char **subject, char **body,
                      struct problem *p);
/* A notification's line and link (docs/notifications.md) from its type's templates and its
 * data (JSON text), with the site's name and the translations: one line each; the link is a
 * path on this site ("/" when the template gives anything else). */
void notification_render(struct arena *a, const char *line_src, const char *link_src, const char *data_json,
                         const char *site_name, char **line, char **link);
/* LE_OK when a line template compiles; otherwise LE_INVALID at "line" with the line and what
 * is wrong. */
lerr notification_line_check(const char *src, struct problem *p);

/* ---- Certificates (certificate_pdf.c) ---- */
/* tpl (Mustache whose tags are the placeholders) rendered against vars as pango markup: tpl's
 * own text escaped, the values escaped by the engine; NUL-terminated in out. */
lerr certificate_text(const char *tpl, json_t *vars, struct buf *out, struct problem *p);
struct certificate_page {
    bool portrait;
    const char *title, *body;        /* Mustache with the placeholders */
    json_t *vars;                    /* {name, course, date, expires, code} as people read them */
    const char *vars_title;          /* the PDF's title in its metadata */
    const char *verify_url;          /* in the QR code and under it */
    const char *verify_caption;      /* the words before the address: "Check it at" */
    const char *logo_path;           /* a PNG file, NULL = none */
};
/* The certificate as a one-page A4 PDF into out (initialised here; the caller releases it). */
lerr certificate_pdf(const struct certificate_page *c, struct buf *out, struct problem *p);

#endif
