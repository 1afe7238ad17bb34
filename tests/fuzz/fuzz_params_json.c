/* A JSON request body, as the API sends it: parse_json_body (jansson, depth-capped), then
 * every parameter type applied to its members. Each input runs twice: with jansson on the
 * request's arena, as the server runs it, and on malloc, where the sanitizers see every
 * value's lifetime. */
#include "params.h"

static void run(const uint8_t *data, size_t size, bool on_arena)
{
    struct arena *a = arena_new(0);
    struct arena *before = json_memory_use(on_arena ? a : NULL);
    struct raw_params raw = {.source = RAW_JSON};
    struct problem p = {0};
    json_t *root;
    lerr e = parse_json_body((const char *)data, size, &raw, &root, &p);
    fuzz_expect_clean(e, &p, "parse_json_body");
    if (!e) {
        if (!json_is_object(root)) fuzz_fail("a body that is not an object was accepted");
        fuzz_raw_check(&raw);
        fuzz_params_apply_each(&raw, a);
    }
    json_memory_release(root);
    json_memory_use(before);
    arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool installed;
    if (!installed) {
        json_memory_install();
        installed = true;
    }
    run(data, size, true);
    run(data, size, false);
    return 0;
}
