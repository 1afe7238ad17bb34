/* The joined route table (src/web/routes.c): every domain's routes are in it once, and each is
 * reachable: a path made from its own pattern is matched by that route and not by one listed
 * before it (the router takes the first match), so a domain added later cannot shadow another
 * domain's route, and a literal segment stays before a capture at the same place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "../../../src/web/web.h"

static struct arena *arena;

static int setup(void **state)
{
    (void)state;
    arena = arena_new(0);
    struct problem p = {0};
    return web_routes_join(&p) == LE_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    return 0;
}

/* The pattern with each capture replaced by a value of its type that no literal segment uses. */
static const char *sample_path(const char *pattern)
{
    char out[512];
    size_t n = 0;
    for (const char *s = pattern; *s && n < sizeof out - 8;) {
        if (*s == '{') {
            const char *colon = strchr(s, ':'), *close = strchr(s, '}');
            assert_non_null(colon);
            assert_non_null(close);
            const char *v = strncmp(colon + 1, "int", 3) == 0 ? "7301" : "zq7301";
            memcpy(out + n, v, strlen(v));
            n += strlen(v);
            s = close + 1;
        } else {
            out[n++] = *s++;
        }
    }
    return arena_strndup(arena, out, n);
}

static void test_every_route_reachable(void **state)
{
    (void)state;
    assert_true(web_n_routes > 200);
    for (size_t i = 0; i < web_n_routes; i++) {
        const struct route *r = &web_routes[i];
        struct route_match m;
        const char *path = sample_path(r->pattern);
        bool found = router_match(web_routes, web_n_routes, r->method, path, arena, &m);
        if (!found || m.route != r)
            fail_msg("%s %s: the path %s reaches %s", r->method, r->pattern, path,
                     found ? m.route->pattern : "no route");
    }
}

static void test_no_route_twice(void **state)
{
    (void)state;
    for (size_t i = 0; i < web_n_routes; i++) {
        assert_non_null(web_routes[i].handler);
        for (size_t j = i + 1; j < web_n_routes; j++)
            if (strcmp(web_routes[i].method, web_routes[j].method) == 0 &&
                strcmp(web_routes[i].pattern, web_routes[j].pattern) == 0)
                fail_msg("%s %s is declared twice", web_routes[i].method, web_routes[i].pattern);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_route_reachable),
        cmocka_unit_test(test_no_route_twice),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
