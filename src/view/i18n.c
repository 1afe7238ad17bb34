/* Translations: one flat JSON catalogue per language, locale/<lang>.json, mapping keys such as
 * "nav.sign_in" to text. English is the base: every other language is merged over it, so a
 * key a translation lacks shows in English rather than as nothing.
 *
 * Two views of each language are kept: the flat one for i18n_text(), and a nested one for
 * templates, where {{t.nav.sign_in}} walks t -> nav -> sign_in (Mustache never treats a
 * dotted name as one key).
 *
 * The catalogues are built by i18n_load() at start-up and only read afterwards, so any number
 * of threads may look up text at once. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "../core/asset.h"
#include "view.h"

#define BASE_LANG "en"
#define LANG_MAX 35 /* the longest language tag accepted (BCP 47 practical limit) */

static struct {
    json_t *flat;   /* lang -> {key: text}, already merged over English */
    json_t *nested; /* lang -> {part: {part: text}} for templates */
} catalogues;

static bool lang_ok(const char *lang, size_t n)
{
    if (n == 0 || n > LANG_MAX) return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)lang[i]) && lang[i] != '-' && lang[i] != '_') return false;
    return true;
}

/* Parses one catalogue: a flat object of strings. */
static json_t *parse_catalogue(const char *lang, const char *text, size_t len)
{
    json_error_t err;
    json_t *cat = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!cat) {
        log_error("i18n: locale/%s.json line %d: %s", lang, err.line, err.text);
        return NULL;
    }
    if (!json_is_object(cat)) {
        log_error("i18n: locale/%s.json must be one object of \"key\": \"text\" pairs", lang);
        json_decref(cat);
        return NULL;
    }
    const char *key;
    json_t *v;
    json_object_foreach(cat, key, v) {
        if (!json_is_string(v)) {
            log_error("i18n: locale/%s.json: the value of \"%s\" must be a string", lang, key);
            json_decref(cat);
            return NULL;
        }
    }
    return cat;
}

/* {"nav.sign_in": "Sign in"} -> {"nav": {"sign_in": "Sign in"}}. A key that is both a text
 * and the start of another key ("a.b" and "a.b.c") cannot be both in a template, so it is an
 * error, as is an empty part ("a..b"). */
static json_t *nest(const char *lang, json_t *flat)
{
    json_t *root = json_object();
    if (!root) return NULL;
    const char *key;
    json_t *text;
    json_object_foreach(flat, key, text) {
        json_t *obj = root;
        const char *part = key;
        for (;;) {
            const char *dot = strchr(part, '.');
            size_t n = dot ? (size_t)(dot - part) : strlen(part);
            char name[256];
            if (n == 0 || n >= sizeof name) {
                log_error("i18n: locale/%s.json: the key \"%s\" has an empty or overlong part",
                          lang, key);
                json_decref(root);
                return NULL;
            }
            memcpy(name, part, n);
            name[n] = '\0';
            json_t *have = json_object_get(obj, name);
            if (!dot) {
                if (have) goto clash;
                json_object_set(obj, name, text);
                break;
            }
            if (!have) {
                have = json_object();
                json_object_set_new(obj, name, have);
            } else if (!json_is_object(have)) {
                goto clash;
            }
            obj = have;
            part = dot + 1;
        }
        continue;
    clash:
        log_error("i18n: locale/%s.json: the key \"%s\" clashes with another key that is its prefix "
                  "or extends it; rename one of them", lang, key);
        json_decref(root);
        return NULL;
    }
    return root;
}

lerr i18n_load_texts(const char *const *langs, const char *const *texts, const size_t *lens, size_t n)
{
    json_t *own = json_object();
    if (!own) return LE_NOMEM;
    lerr e = LE_OK;
    for (size_t i = 0; i < n && !e; i++) {
        if (!lang_ok(langs[i], strlen(langs[i]))) {
            log_error("i18n: \"%s\" is not a language tag (letters, digits, '-' or '_')", langs[i]);
            e = LE_INVALID;
            break;
        }
        json_t *cat = parse_catalogue(langs[i], texts[i], lens[i]);
        if (!cat) e = LE_INVALID;
        else json_object_set_new(own, langs[i], cat);
    }
    json_t *base = json_object_get(own, BASE_LANG);
    if (!e && !base) {
        log_error("i18n: locale/" BASE_LANG ".json is missing; it is the catalogue every other "
                  "language falls back to");
        e = LE_NOTFOUND;
    }

    json_t *flat = json_object(), *nested = json_object();
    if (!e && (!flat || !nested)) e = LE_NOMEM;
    const char *lang;
    json_t *cat;
    json_object_foreach(own, lang, cat) {
        if (e) break;
        json_t *merged = json_copy(base);
        if (!merged || json_object_update(merged, cat) != 0) {
            json_decref(merged);
            e = LE_NOMEM;
            break;
        }
        json_t *tree = nest(lang, merged);
        if (!tree) {
            json_decref(merged);
            e = LE_INVALID;
            break;
        }
        json_object_set_new(flat, lang, merged);
        json_object_set_new(nested, lang, tree);
    }
    json_decref(own);
    if (e) {
        /* Keep whatever was loaded before: a broken edit must not blank every page. */
        json_decref(flat);
        json_decref(nested);
        return e;
    }
    json_t *old_flat = catalogues.flat, *old_nested = catalogues.nested;
    catalogues.flat = flat;
    catalogues.nested = nested;
    json_decref(old_flat);
    json_decref(old_nested);
    return LE_OK;
}

struct collect {
    const char **langs;
    const char **texts;
    size_t *lens;
    char (*names)[LANG_MAX + 1];
    size_t n, cap;
    bool oom;
};

static void collect_one(const struct asset *a, void *ctx)
{
    struct collect *c = ctx;
    const char *file = a->path + strlen("locale/");
    size_t n = strlen(file);
    if (n <= 5 || strcmp(file + n - 5, ".json") != 0 || c->oom) return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        const char **langs = realloc(c->langs, cap * sizeof *langs);
        if (langs) c->langs = langs;
        const char **texts = realloc(c->texts, cap * sizeof *texts);
        if (texts) c->texts = texts;
        size_t *lens = realloc(c->lens, cap * sizeof *lens);
        if (lens) c->lens = lens;
        char(*names)[LANG_MAX + 1] = realloc(c->names, cap * sizeof *names);
        if (names) c->names = names;
        if (!langs || !texts || !lens || !names) {
            c->oom = true;
            return;
        }
        c->cap = cap;
    }
    /* An over-long or odd name is kept whole enough for i18n_load_texts to reject it. */
    snprintf(c->names[c->n], sizeof c->names[c->n], "%.*s", (int)(n - 5), file);
    c->texts[c->n] = (const char *)a->data;
    c->lens[c->n] = a->len;
    c->n++;
}

lerr i18n_load(void)
{
    struct collect c = {0};
    asset_each("locale/", collect_one, &c);
    /* A development tree may have an English catalogue the embedded table does not list. */
    bool have_base = false;
    for (size_t i = 0; i < c.n; i++) have_base |= strcmp(c.names[i], BASE_LANG) == 0;
    const struct asset *base = have_base ? NULL : asset_find("locale/" BASE_LANG ".json");
    if (base) collect_one(base, &c);
    lerr e = LE_NOMEM;
    if (!c.oom) {
        for (size_t i = 0; i < c.n; i++) c.langs[i] = c.names[i];
        e = i18n_load_texts(c.langs, c.texts, c.lens, c.n);
    }
    free(c.langs);
    free(c.texts);
    free(c.lens);
    free(c.names);
    return e;
}

/* The catalogue of lang in table: the language itself, then its primary tag ("pt" for
 * "pt-BR"), then English. */
static json_t *pick(json_t *table, const char *lang)
{
    if (!table) return NULL;
    json_t *cat = lang ? json_object_get(table, lang) : NULL;
    if (!cat && lang) {
        size_t n = strcspn(lang, "-_");
        char primary[LANG_MAX + 1];
        if (lang[n] && n > 0 && n <= LANG_MAX) {
            memcpy(primary, lang, n);
            primary[n] = '\0';
            cat = json_object_get(table, primary);
        }
    }
    return cat ? cat : json_object_get(table, BASE_LANG);
}

const char *i18n_text(const char *lang, const char *key)
{
    if (!key) return "";
    const char *text = json_string_value(json_object_get(pick(catalogues.flat, lang), key));
    return text ? text : key;
}

json_t *i18n_catalog(const char *lang)
{
    return pick(catalogues.nested, lang);
}
