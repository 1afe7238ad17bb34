/* Translations: the shipped English catalogue loads (read from the working tree through the
 * asset development mode), and lookups fall back from a language to its primary tag, to
 * English, to the key itself. Runs with the repository root as working directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include "../../../src/core/asset.h"
#include "../../../src/view/view.h"

static lerr load(const char *const *langs, const char *const *texts, size_t n)
{
    size_t lens[8];
    for (size_t i = 0; i < n; i++) lens[i] = strlen(texts[i]);
    return i18n_load_texts(langs, texts, lens, n);
}

static void shipped_english_loads(void **state)
{
    (void)state;
    asset_set_dev_dir(".");
    assert_int_equal(i18n_load(), LE_OK);
    assert_string_equal(i18n_text("en", "app.name"), "Lectern");
    assert_string_equal(i18n_text("en", "nav.sign_in"), "Sign in");
    assert_string_equal(i18n_text("en", "nav.sign_out"), "Sign out");
    assert_string_equal(i18n_text("en", "nav.dashboard"), "Dashboard");
    assert_string_equal(i18n_text("en", "nav.users"), "Users");
    assert_string_equal(i18n_text("en", "nav.settings"), "Settings");
    /* Unknown languages read English; unknown keys read as themselves. */
    assert_string_equal(i18n_text("xx", "nav.users"), "Users");
    assert_string_equal(i18n_text(NULL, "nav.users"), "Users");
    assert_string_equal(i18n_text("en", "no.such.key"), "no.such.key");

    /* Templates see the catalogue nested at the dots. */
    json_t *t = i18n_catalog("en");
    assert_non_null(t);
    assert_string_equal(json_string_value(json_object_get(json_object_get(t, "nav"), "sign_in")), "Sign in");
    struct tpl_set *set = tpl_set_new();
    const char *src = "<a>{{t.nav.sign_out}}</a>{{t.app.name}}";
    assert_int_equal(tpl_set_add(set, "nav", src, strlen(src), NULL), LE_OK);
    json_t *chrome = json_pack("{s:O}", "t", t);
    json_t *stack[1] = {chrome};
    struct buf out;
    buf_init(&out, 0);
    assert_int_equal(tpl_set_render(set, "nav", stack, 1, &out), LE_OK);
    assert_string_equal(out.data, "<a>Sign out</a>Lectern");
    buf_release(&out);
    json_decref(chrome);
    tpl_set_free(set);
    asset_set_dev_dir(NULL);
}

static void falls_back_to_english(void **state)
{
    (void)state;
    const char *langs[] = {"en", "fr"};
    const char *texts[] = {
        "{\"nav.sign_in\": \"Sign in\", \"nav.users\": \"Users\", \"app.name\": \"Lectern\"}",
        "{\"nav.sign_in\": \"Se connecter\", \"extra\": \"Seulement en français\"}",
    };
    assert_int_equal(load(langs, texts, 2), LE_OK);
    assert_string_equal(i18n_text("fr", "nav.sign_in"), "Se connecter");
    assert_string_equal(i18n_text("fr", "nav.users"), "Users");      /* not translated yet */
    assert_string_equal(i18n_text("fr-CA", "nav.sign_in"), "Se connecter"); /* primary tag */
    assert_string_equal(i18n_text("de", "nav.sign_in"), "Sign in");
    assert_string_equal(i18n_text("en", "extra"), "extra");
    assert_string_equal(i18n_text("fr", "missing"), "missing");

    json_t *fr = i18n_catalog("fr");
    assert_string_equal(json_string_value(json_object_get(json_object_get(fr, "nav"), "sign_in")), "Se connecter");
    assert_string_equal(json_string_value(json_object_get(json_object_get(fr, "nav"), "users")), "Users");
    assert_ptr_equal(i18n_catalog("zz"), i18n_catalog("en"));
}

static void bad_catalogues_are_refused(void **state)
{
    (void)state;
    const char *langs[] = {"en"};
    const char *good[] = {"{\"a.b\": \"kept\"}"};
    assert_int_equal(load(langs, good, 1), LE_OK);

    const char *not_json[] = {"{\"a\": "};
    const char *not_object[] = {"[\"a\"]"};
    const char *not_string[] = {"{\"a\": 1}"};
    const char *duplicate[] = {"{\"a\": \"x\", \"a\": \"y\"}"};
    const char *clash[] = {"{\"a.b\": \"x\", \"a.b.c\": \"y\"}"};
    const char *empty_part[] = {"{\"a..b\": \"x\"}"};
    assert_int_equal(load(langs, not_json, 1), LE_INVALID);
    assert_int_equal(load(langs, not_object, 1), LE_INVALID);
    assert_int_equal(load(langs, not_string, 1), LE_INVALID);
    assert_int_equal(load(langs, duplicate, 1), LE_INVALID);
    assert_int_equal(load(langs, clash, 1), LE_INVALID);
    assert_int_equal(load(langs, empty_part, 1), LE_INVALID);
    const char *no_en_langs[] = {"fr"};
    assert_int_equal(load(no_en_langs, good, 1), LE_NOTFOUND);
    const char *bad_tag[] = {"../en"};
    assert_int_equal(load(bad_tag, good, 1), LE_INVALID);

    /* A failed load leaves the catalogues that were there. */
    assert_string_equal(i18n_text("en", "a.b"), "kept");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_english_loads),
        cmocka_unit_test(falls_back_to_english),
        cmocka_unit_test(bad_catalogues_are_refused),
    };
    return cmocka_run_group_tests_name("i18n", tests, NULL, NULL);
}
