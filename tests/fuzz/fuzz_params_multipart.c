/* A multipart/form-data body (file uploads): parse_multipart, then every parameter type
 * applied to what it read. An input whose first line starts "Content-Type:" brings its own
 * header (boundary and all); any other is a body sent with the seeds' boundary. */
#include "params.h"

#define SEED_CONTENT_TYPE "multipart/form-data; boundary=----LecternFuzz"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    size_t len = size;
    char *content_type = NULL;
    if (size >= 13 && strncasecmp(body, "Content-Type:", 13) == 0) {
        const char *eol = memchr(body, '\n', size);
        size_t hn = eol ? (size_t)(eol - body) : size;
        content_type = fuzz_text(data + 13, hn - 13);
        len = eol ? size - hn - 1 : 0;
        body = eol ? eol + 1 : body + size;
    }
    struct arena *a = arena_new(0);
    struct raw_params raw = {.source = RAW_FORM};
    struct problem p = {0};
    lerr e = parse_multipart(body, len, content_type ? content_type : SEED_CONTENT_TYPE, a,
                             &raw, &p);
    fuzz_expect_clean(e, &p, "parse_multipart");
    for (size_t i = 0; !e && i < raw.n; i++) {
        const struct uploaded_file *f = raw.items[i].file;
        if (f && (f->data < (const unsigned char *)body || f->data + f->len > (const unsigned char *)body + len))
            fuzz_fail("file %s: its data is not inside the body", raw.items[i].name);
    }
    if (!e) {
        fuzz_raw_check(&raw);
        fuzz_params_apply_each(&raw, a);
    }
    arena_free(a);
    free(content_type);
    return 0;
}
