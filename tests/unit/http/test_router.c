/* Router: literal and typed segments, exact matching, 405 detection, the Allow header, and the
 * page a form's address leads to when it is opened as a page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "../../../src/http/http.h"

static void h(struct request *req, struct response *res)
{
    (void)req;
    (void)res;
}

static const struct route routes[] = {
    {"GET", "/", h, 0, NULL, 0},
    {"GET", "/admin/users", h, 0, NULL, 0},
    {"POST", "/admin/users", h, 0, NULL, 0},
    {"GET", "/admin/users/new", h, 0, NULL, 0},
    {"GET", "/admin/users/{username:name}", h, 0, NULL, 0},
    {"POST", "/admin/users/{username:name}/suspend", h, 0, NULL, 0},
    {"GET", "/api/v1/courses/{id:int}", h, 0, NULL, 0},
    {"DELETE", "/api/v1/courses/{id:int}", h, 0, NULL, 0},
    {"GET", "/api/v1/courses/{id:int}/sections/{sid:int}", h, 0, NULL, 0},
    {"GET", "/files/{hash:str}", h, 0, NULL, 0},
    {"PATCH", "/api/v1/settings", h, 0, NULL, 0},
    {"GET", "/broken/{x:float}", h, 0, NULL, 0},
    {"GET", "/courses/{code:str}", h, 0, NULL, 0},
    {"POST", "/admin/courses/{code:str}/copy", h, 0, NULL, 0},
};
static const size_t nroutes = sizeof routes / sizeof routes[0];

static struct arena *arena;

static int setup(void **state)
{
    (void)state;
    arena = arena_new(0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    return 0;
}

static const struct route *match(const char *method, const char *path, struct route_match *m)
{
    return router_match(routes, nroutes, method, path, arena, m) ? m->route : NULL;
}

static void test_literal(void **state)
{
    (void)state;
    struct route_match m;
    assert_ptr_equal(match("GET", "/", &m), &routes[0]);
    assert_int_equal(m.n, 0);
    assert_ptr_equal(match("GET", "/admin/users", &m), &routes[1]);
    assert_ptr_equal(match("POST", "/admin/users", &m), &routes[2]);
    /* table order: the literal "new" comes before the capture */
    assert_ptr_equal(match("GET", "/admin/users/new", &m), &routes[3]);
    assert_int_equal(m.n, 0);
}

static void test_exact_only(void **state)
{
    (void)state;
    struct route_match m;
    assert_null(match("GET", "/admin/users/", &m));
    assert_false(m.method_mismatch);
    assert_null(match("GET", "/admin", &m));
    assert_null(match("GET", "/admin/users/x/y", &m));
    assert_null(match("GET", "//", &m));
    assert_null(match("GET", "", &m));
    assert_null(match("GET", "admin/users", &m));
    assert_null(match("GET", "/Admin/users", &m));
}

static void test_int_capture(void **state)
{
    (void)state;
    struct route_match m;
    assert_ptr_equal(match("GET", "/api/v1/courses/42", &m), &routes[6]);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.names[0], "id");
    assert_string_equal(m.values[0], "42");
    assert_ptr_equal(match("GET", "/api/v1/courses/9223372036854775807", &m), &routes[6]);
    assert_string_equal(m.values[0], "9223372036854775807");
    /* one more than INT64_MAX, far more, signs, letters, empty */
    assert_null(match("GET", "/api/v1/courses/9223372036854775808", &m));
    assert_null(match("GET", "/api/v1/courses/99999999999999999999999", &m));
    assert_null(match("GET", "/api/v1/courses/-1", &m));
    assert_null(match("GET", "/api/v1/courses/+1", &m));
    assert_null(match("GET", "/api/v1/courses/12a", &m));
    assert_null(match("GET", "/api/v1/courses/", &m));
    assert_null(match("GET", "/api/v1/courses/ 1", &m));
}

static void test_two_captures(void **state)
{
    (void)state;
    struct route_match m;
    assert_ptr_equal(match("GET", "/api/v1/courses/7/sections/8", &m), &routes[8]);
    assert_int_equal(m.n, 2);
    assert_string_equal(m.names[0], "id");
    assert_string_equal(m.values[0], "7");
    assert_string_equal(m.names[1], "sid");
    assert_string_equal(m.values[1], "8");
}

static void test_name_capture(void **state)
{
    (void)state;
    struct route_match m;
    assert_ptr_equal(match("GET", "/admin/users/Jane.Doe-1_x@example.org", &m), &routes[4]);
    assert_string_equal(m.names[0], "username");
    assert_string_equal(m.values[0], "Jane.Doe-1_x@example.org");
    assert_null(match("GET", "/admin/users/jane doe", &m));
    assert_null(match("GET", "/admin/users/jane+doe", &m));
    assert_null(match("GET", "/admin/users/j\xc3\xa9r\xc3\xb4me", &m));
    assert_null(match("GET", "/admin/users/a%2F", &m));
    char longname[120];
    memset(longname, 'a', sizeof longname);
    memcpy(longname, "/admin/users/", 13);
    longname[13 + 100] = '\0';
    assert_non_null(match("GET", longname, &m)); /* exactly 100 */
    longname[13 + 100] = 'a';
    longname[13 + 101] = '\0';
    assert_null(match("GET", longname, &m));     /* 101 */
    assert_ptr_equal(match("POST", "/admin/users/bob/suspend", &m), &routes[5]);
    assert_string_equal(m.values[0], "bob");
}

static void test_str_capture(void **state)
{
    (void)state;
    struct route_match m;
    assert_ptr_equal(match("GET", "/files/any thing, really é", &m), &routes[9]);
    assert_string_equal(m.values[0], "any thing, really é");
    assert_null(match("GET", "/files/", &m));
    assert_null(match("GET", "/files/a/b", &m));
}

static void test_unknown_type_never_matches(void **state)
{
    (void)state;
    struct route_match m;
    assert_null(match("GET", "/broken/1.5", &m));
    assert_false(m.method_mismatch);
}

static void test_method_mismatch(void **state)
{
    (void)state;
    struct route_match m;
    assert_null(match("DELETE", "/admin/users", &m));
    assert_true(m.method_mismatch);
    assert_null(match("PUT", "/api/v1/courses/3", &m));
    assert_true(m.method_mismatch);
    assert_null(match("GET", "/api/v1/settings", &m));
    assert_true(m.method_mismatch);
    /* a path nothing has is a 404, not a 405 */
    assert_null(match("DELETE", "/nowhere", &m));
    assert_false(m.method_mismatch);
    /* a later route with the right method still matches */
    assert_ptr_equal(match("DELETE", "/api/v1/courses/3", &m), &routes[7]);
    assert_false(m.method_mismatch);
}

static void test_head_matches_get(void **state)
{
    (void)state;
    struct route_match m;
    assert_ptr_equal(match("HEAD", "/admin/users", &m), &routes[1]);
    assert_ptr_equal(match("HEAD", "/api/v1/courses/5", &m), &routes[6]);
    assert_null(match("HEAD", "/admin/users/bob/suspend", &m));
    assert_true(m.method_mismatch);
    assert_null(match("HEAD", "/api/v1/settings", &m));
    assert_true(m.method_mismatch);
}

static void test_allow_header(void **state)
{
    (void)state;
    char allow[64];
    assert_int_equal(router_allow(routes, nroutes, "/admin/users", allow, sizeof allow),
                     strlen("GET, HEAD, POST"));
    assert_string_equal(allow, "GET, HEAD, POST");
    router_allow(routes, nroutes, "/api/v1/courses/3", allow, sizeof allow);
    assert_string_equal(allow, "GET, HEAD, DELETE");
    router_allow(routes, nroutes, "/api/v1/settings", allow, sizeof allow);
    assert_string_equal(allow, "PATCH");
    assert_int_equal(router_allow(routes, nroutes, "/nowhere", allow, sizeof allow), 0);
    assert_string_equal(allow, "");
    /* never overflows a small buffer */
    char tiny[6];
    router_allow(routes, nroutes, "/admin/users", tiny, sizeof tiny);
    assert_string_equal(tiny, "GET");
}

static void test_null_inputs(void **state)
{
    (void)state;
    struct route_match m;
    assert_false(router_match(routes, nroutes, NULL, "/", arena, &m));
    assert_false(router_match(routes, nroutes, "GET", NULL, arena, &m));
    assert_false(router_match(NULL, 0, "GET", "/", arena, &m));
}

static void test_page_above(void **state)
{
    (void)state;
    /* itself, when it is a page */
    assert_string_equal(router_page_above(routes, nroutes, "/admin/users/new", arena), "/admin/users/new");
    /* a form's address: the nearest page above it */
    assert_string_equal(router_page_above(routes, nroutes, "/admin/users/bob/suspend", arena), "/admin/users/bob");
    /* the administration of a course acts on the course's own page */
    assert_string_equal(router_page_above(routes, nroutes, "/admin/courses/FIRE-1/copy", arena), "/courses/FIRE-1");
    /* nothing above it: the dashboard */
    assert_string_equal(router_page_above(routes, nroutes, "/nowhere/at/all", arena), "/");
    assert_string_equal(router_page_above(routes, nroutes, "/api/v1/settings", arena), "/");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal),
        cmocka_unit_test(test_exact_only),
        cmocka_unit_test(test_int_capture),
        cmocka_unit_test(test_two_captures),
        cmocka_unit_test(test_name_capture),
        cmocka_unit_test(test_str_capture),
        cmocka_unit_test(test_unknown_type_never_matches),
        cmocka_unit_test(test_method_mismatch),
        cmocka_unit_test(test_head_matches_get),
        cmocka_unit_test(test_allow_header),
        cmocka_unit_test(test_null_inputs),
        cmocka_unit_test(test_page_above),
    };
    return cmocka_run_group_tests_name("router", tests, setup, teardown);
}
