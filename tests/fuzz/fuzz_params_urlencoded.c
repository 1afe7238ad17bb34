/* A form body (application/x-www-form-urlencoded), as a POST sends it: parse_urlencoded, then
 * every parameter type applied to what it read. The query string goes the same way after
 * libmicrohttpd splits it (raw_add, params_apply). */
#include "params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new(0);
    struct raw_params raw = {.source = RAW_FORM};
    struct problem p = {0};
    lerr e = parse_urlencoded((const char *)data, size, a, &raw, &p);
    fuzz_expect_clean(e, &p, "parse_urlencoded");
    if (!e) {
        fuzz_raw_check(&raw);
        fuzz_params_apply_each(&raw, a);
    }
    arena_free(a);
    return 0;
}
