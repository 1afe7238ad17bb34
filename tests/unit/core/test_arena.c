/* Core memory and text: arena alignment, big blocks and deferred cleanups; bounded buffers;
 * HTML escaping; strict UTF-8 validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "../../../src/core/core.h"

static void test_alignment_and_zeroing(void **state)
{
    (void)state;
    struct arena *a = arena_new(256);
    for (size_t n = 1; n < 300; n += 7) {
        unsigned char *p = arena_alloc(a, n);
        assert_int_equal((uintptr_t)p % 16, 0);
        for (size_t i = 0; i < n; i++) assert_int_equal(p[i], 0);
        memset(p, 0xAB, n); /* ASan catches writes past what was asked for */
    }
    assert_true(arena_used(a) > 0);
    arena_free(a);
}

static void test_big_allocations(void **state)
{
    (void)state;
    struct arena *a = arena_new(1024);
    char *small1 = arena_alloc(a, 100);
    /* bigger than a block: gets a block of its own */
    char *big = arena_alloc(a, 1 << 20);
    assert_int_equal((uintptr_t)big % 16, 0);
    memset(big, 1, 1 << 20);
    /* the current block's free space is still used after the big one */
    char *small2 = arena_alloc(a, 100);
    assert_true(small2 > small1 && small2 < small1 + 1024);
    assert_int_equal(big[(1 << 20) - 1], 1);
    /* many blocks */
    for (int i = 0; i < 1000; i++) arena_alloc(a, 400);
    assert_true(arena_used(a) >= (1 << 20) + 1000 * 400);
    arena_free(a);
    arena_free(NULL);
}

static void test_strings(void **state)
{
    (void)state;
    struct arena *a = arena_new(0);
    assert_null(arena_strdup(a, NULL));
    assert_null(arena_strndup(a, NULL, 3));
    assert_string_equal(arena_strdup(a, "hello"), "hello");
    assert_string_equal(arena_strndup(a, "hello", 3), "hel");
    assert_string_equal(arena_sprintf(a, "%s-%d", "x", 42), "x-42");
    char long_text[5000];
    memset(long_text, 'z', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    assert_string_equal(arena_sprintf(a, "%s", long_text), long_text);
    arena_free(a);
}

static int order[8];
static int norder;
static void record(void *p)
{
    order[norder++] = *(int *)p;
}

static void test_defer_order(void **state)
{
    (void)state;
    norder = 0;
    struct arena *a = arena_new(0);
    int *ids = arena_alloc(a, 3 * sizeof *ids);
    ids[0] = 1, ids[1] = 2, ids[2] = 3;
    for (int i = 0; i < 3; i++) arena_defer(a, record, &ids[i]);
    arena_free(a); /* cleanups read arena memory: they must run before it is freed */
    assert_int_equal(norder, 3);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 1);
}

static void test_buf_cap(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_adds(&b, "hello"), LE_OK);
    assert_int_equal(buf_adds(&b, "world"), LE_OK);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "helloworld");
    assert_int_equal(buf_addc(&b, '!'), LE_TOOBIG);
    assert_int_equal(buf_addf(&b, "%d", 1), LE_TOOBIG);
    assert_int_equal(buf_add(&b, "x", SIZE_MAX), LE_TOOBIG);
    assert_string_equal(b.data, "helloworld"); /* unchanged by the failures */
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(buf_addf(&b, "%s=%d", "n", 12345), LE_OK);
    assert_string_equal(b.data, "n=12345");
    assert_int_equal(buf_addf(&b, "%s", "toolong"), LE_TOOBIG);
    char *d = buf_detach(&b);
    assert_string_equal(d, "n=12345");
    free(d);
    assert_null(b.data);
    buf_release(&b);

    struct buf big;
    buf_init(&big, 0); /* 0 = effectively unbounded */
    for (int i = 0; i < 10000; i++) assert_int_equal(buf_adds(&big, "0123456789"), LE_OK);
    assert_int_equal(big.len, 100000);
    buf_release(&big);
}

static void test_html_escape(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1000);
    const char *in = "<a href=\"x\" title='y'>Tom & Jerry</a>";
    assert_int_equal(html_escape(&b, in, strlen(in)), LE_OK);
    assert_string_equal(b.data, "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;"
                                "Tom &amp; Jerry&lt;/a&gt;");
    buf_reset(&b);
    assert_int_equal(html_escape(&b, "plain é", strlen("plain é")), LE_OK);
    assert_string_equal(b.data, "plain é");
    buf_reset(&b);
    assert_int_equal(html_escape(&b, "", 0), LE_OK);
    assert_int_equal(b.len, 0);
    /* only the first n bytes */
    assert_int_equal(html_escape(&b, "&&&", 1), LE_OK);
    assert_string_equal(b.data, "&amp;");
    buf_release(&b);
    /* the cap holds while escaping */
    struct buf small;
    buf_init(&small, 8);
    assert_int_equal(html_escape(&small, "<<<", 3), LE_TOOBIG);
    buf_release(&small);
}

#define V(s) utf8_valid(s, sizeof(s) - 1)
static void test_utf8(void **state)
{
    (void)state;
    assert_true(V(""));
    assert_true(V("ascii"));
    assert_true(V("caf\xc3\xa9"));                 /* é */
    assert_true(V("\xe2\x82\xac"));                /* € */
    assert_true(V("\xf0\x9f\x98\x80"));            /* U+1F600 */
    assert_true(V("\xf4\x8f\xbf\xbf"));            /* U+10FFFF, the last one */
    assert_true(V("\xed\x9f\xbf"));                /* U+D7FF, just below the surrogates */
    assert_true(V("a\0b"));                        /* NUL is valid UTF-8 */
    /* overlongs */
    assert_false(V("\xc0\xaf"));                   /* '/' in two bytes */
    assert_false(V("\xc1\xbf"));
    assert_false(V("\xe0\x80\xaf"));               /* '/' in three */
    assert_false(V("\xe0\x9f\xbf"));               /* U+07FF in three */
    assert_false(V("\xf0\x80\x80\xaf"));           /* '/' in four */
    assert_false(V("\xf0\x8f\xbf\xbf"));           /* U+FFFF in four */
    /* surrogates */
    assert_false(V("\xed\xa0\x80"));               /* U+D800 */
    assert_false(V("\xed\xbf\xbf"));               /* U+DFFF */
    /* beyond U+10FFFF and bytes that never occur */
    assert_false(V("\xf4\x90\x80\x80"));
    assert_false(V("\xf5\x80\x80\x80"));
    assert_false(V("\xf8\x88\x80\x80\x80"));
    assert_false(V("\xfe"));
    assert_false(V("\xff"));
    /* truncation and stray continuation bytes */
    assert_false(V("\xc3"));
    assert_false(V("caf\xc3"));
    assert_false(V("\xe2\x82"));
    assert_false(V("\xf0\x9f\x98"));
    assert_false(V("\x80"));
    assert_false(V("a\xbf"));
    assert_false(V("\xc3\x28"));                   /* second byte not a continuation */
    /* length is respected: a valid prefix of an invalid buffer */
    assert_true(utf8_valid("ok\xff", 2));
}

/* ISO 8601 times are written by hand; they must agree with the C library's calendar. */
static void test_time_iso8601(void **state)
{
    (void)state;
    char mine[21], libc[21];
    time_iso8601(0, mine);
    assert_string_equal(mine, "1970-01-01T00:00:00Z");
    time_iso8601(951782400, mine); /* a century leap day */
    assert_string_equal(mine, "2000-02-29T00:00:00Z");
    time_iso8601(-1, mine);
    assert_string_equal(mine, "1969-12-31T23:59:59Z");
    uint64_t x = 88172645463325252u; /* xorshift: the same times every run */
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t t = (int64_t)(x % 8000000000u) - 2000000000; /* 1906 to 2160 */
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(libc, sizeof libc, "%Y-%m-%dT%H:%M:%SZ", &tm);
        time_iso8601(t, mine);
        assert_string_equal(mine, libc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alignment_and_zeroing),
        cmocka_unit_test(test_big_allocations),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_defer_order),
        cmocka_unit_test(test_buf_cap),
        cmocka_unit_test(test_html_escape),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_time_iso8601),
    };
    return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
