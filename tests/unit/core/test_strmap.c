/* The arena string map: what was put is found, absent keys answer the map's missing value,
 * a put replaces, and a full map drops new keys without losing the ones it holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include "../../../src/core/core.h"

static void test_put_get(void **state)
{
    (void)state;
    struct arena *a = arena_new(0);
    struct strmap m;
    strmap_init(&m, a, 4, -7);
    assert_int_equal(strmap_get(&m, "ann"), -7);
    strmap_put(&m, "ann", 1);
    strmap_put(&m, "bob", 2);
    assert_int_equal(strmap_get(&m, "ann"), 1);
    assert_int_equal(strmap_get(&m, "bob"), 2);
    strmap_put(&m, "ann", 3);
    assert_int_equal(strmap_get(&m, "ann"), 3);
    assert_int_equal(strmap_get(&m, "an"), -7);
    assert_int_equal(strmap_get(&m, ""), -7);
    assert_int_equal(strmap_get(&m, NULL), -7);
    strmap_put(&m, "", 9); /* an empty key is never stored */
    assert_int_equal(strmap_get(&m, ""), -7);
    arena_free(a);
}

static void test_full_map_keeps_what_it_holds(void **state)
{
    (void)state;
    struct arena *a = arena_new(0);
    struct strmap m;
    strmap_init(&m, a, 1, -1); /* 32 slots: at most 16 keys */
    char *keys[100];
    for (int i = 0; i < 100; i++) {
        keys[i] = arena_sprintf(a, "key%d", i);
        strmap_put(&m, keys[i], i);
    }
    int kept = 0;
    for (int i = 0; i < 100; i++) {
        int v = strmap_get(&m, keys[i]);
        if (v != -1) {
            assert_int_equal(v, i);
            kept++;
        }
    }
    assert_true(kept >= 15 && kept <= 16);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get),
        cmocka_unit_test(test_full_map_keeps_what_it_holds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
