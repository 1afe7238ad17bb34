/* JSON values on the request's arena (core/json_memory.c): values made while an arena is in
 * use come from it and are never freed one by one; values made outside come from malloc and
 * are freed, whenever they are released. The test build's AddressSanitizer fails a test that
 * frees arena memory with free() or leaks a malloc'ed value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "../../../src/core/core.h"

static json_t *page_model(int rows)
{
    json_t *list = json_array();
    for (int i = 0; i < rows; i++)
        json_array_append_new(list, json_pack("{s:i, s:s, s:b, s:[s, s]}", "id", i, "title", "Fire safety", "done",
                                              i % 2, "tags", "safety", "annual"));
    return json_pack("{s:o, s:s}", "rows", list, "user", "ada");
}

static void test_values_in_use_come_from_the_arena(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096);
    size_t before = arena_used(a);
    assert_null(json_memory_use(a));
    json_t *m = page_model(200);
    assert_true(arena_used(a) > before + 200 * 64);
    char *text = json_dumps(m, JSON_COMPACT);
    assert_non_null(strstr(text, "\"title\":\"Fire safety\""));
    json_text_free(text);
    json_decref(m); /* a no-op for arena memory; free() on it would fail under ASan */
    assert_ptr_equal(json_memory_use(NULL), a);
    arena_free(a);
}

static void test_values_outside_come_from_malloc(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096);
    json_t *kept = page_model(10); /* made before the request: malloc */
    json_memory_use(a);
    size_t before = arena_used(a);
    json_t *m = json_pack("{s:O}", "shared", kept); /* the request holds a reference */
    json_decref(kept);                               /* ... and is the last holder */
    json_decref(m); /* frees `kept` with free(); a leak here would fail under LeakSanitizer */
    assert_true(arena_used(a) > before);
    json_memory_use(NULL);
    arena_free(a);
}

static void test_release_after_the_request_is_safe(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096);
    json_memory_use(a);
    json_t *m = page_model(5);
    json_memory_use(NULL);
    /* Released later (an arena cleanup), while no arena is in use: still not passed to free(). */
    json_decref(m);
    char *text = json_dumps(json_true(), JSON_ENCODE_ANY); /* malloc again */
    assert_string_equal(text, "true");
    json_text_free(text);
    arena_free(a);
}

static void test_a_huge_response_goes_back_to_malloc(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096);
    json_memory_use(a);
    size_t n = 40u * 1024 * 1024; /* over the arena's share for JSON */
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'x', n);
    big[n] = '\0';
    size_t before = arena_used(a);
    json_t *s = json_string(big);
    assert_non_null(s);
    assert_true(arena_used(a) < before + 1024); /* the copy came from malloc */
    json_decref(s);                              /* and goes back with free() */
    free(big);
    json_memory_use(NULL);
    arena_free(a);
}

/* A page's model is dropped with its arena, without a walk, unless some of the request's JSON
 * went to malloc (then every value is released as usual, which LeakSanitizer checks). */
static void test_release_of_a_page_model(void **state)
{
    (void)state;
    json_t *catalogue = json_pack("{s:s}", "title", "Title"); /* from outside: lives on */
    struct arena *a = arena_new(4096);
    json_memory_use(a);
    json_t *m = page_model(50);
    json_object_set(m, "t", catalogue);
    json_memory_release(m); /* nothing freed one by one; the catalogue keeps the reference */
    assert_int_equal(catalogue->refcount, 2);
    json_memory_use(NULL);
    arena_free(a);

    a = arena_new(4096);
    json_memory_use(a);
    m = page_model(5);
    size_t n = 40u * 1024 * 1024;
    char *big = calloc(1, n + 1);
    memset(big, 'x', n);
    json_object_set_new(m, "export", json_string(big)); /* over the cap: malloc */
    free(big);
    json_object_set(m, "t", catalogue);
    json_memory_release(m); /* released value by value: the big string is freed */
    assert_int_equal(catalogue->refcount, 2);
    json_memory_use(NULL);
    arena_free(a);
    json_decref(catalogue);
    json_decref(catalogue);
}

int main(void)
{
    json_memory_install(); /* before any JSON value exists, as lectern's main() does */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_in_use_come_from_the_arena),
        cmocka_unit_test(test_values_outside_come_from_malloc),
        cmocka_unit_test(test_release_after_the_request_is_safe),
        cmocka_unit_test(test_a_huge_response_goes_back_to_malloc),
        cmocka_unit_test(test_release_of_a_page_model),
    };
    return cmocka_run_group_tests_name("json_memory", tests, NULL, NULL);
}
