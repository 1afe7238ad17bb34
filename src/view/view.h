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
/* Compiles src under name (replacing an earlier one). Errors name the line and what is wrong. */
lerr tpl_set_add(struct tpl_set *set, const char *name, const char *src, size_t len,
                 struct problem *p);
bool tpl_set_has(const struct tpl_set *set, const char *name);
/* Renders template name against a context stack (stack[0] is the bottom, stack[n-1] the top,
 * searched first). Partials and parents resolve by name within the set; a missing partial
 * renders as empty, as the spec says. */
lerr tpl_set_render(const struct tpl_set *set, const char *name, json_t *const *stack, size_t n,
                    struct buf *out);

/* ---- Translations (i18n.c): every user-visible string goes through here. ---- */
/* Loads locale/<lang>.json catalogues from assets. */
lerr i18n_load(void);
/* The text for key in lang (falls back to "en", then to the key itself). */
const char *i18n_text(const char *lang, const char *key);
/* All strings of a language as a JSON object, for templates ({{t.key}}); borrowed reference. */
json_t *i18n_catalog(const char *lang);

#endif
