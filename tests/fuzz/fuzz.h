/* What every fuzz target shares (docs/fuzzing.md). A target is one file, fuzz_<name>.c, with
 * LLVMFuzzerTestOneInput; it feeds the bytes to one parser of outside input and aborts, which
 * libFuzzer reports as a crash and saves the input for, when the parser breaks a promise:
 * memory errors and undefined behaviour are the sanitizers' to find; these helpers catch an
 * error that would answer 5xx for bad input, or one that says nothing about what to fix. */
#ifndef LECTERN_FUZZ_H
#define LECTERN_FUZZ_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static inline void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* Bad input may be refused, but as the client's fault (4xx) and with a message. */
static inline void fuzz_expect_clean(lerr e, const struct problem *p, const char *what)
{
    if (e == LE_OK) return;
    if (lerr_http_status(e) >= 500)
        fuzz_fail("%s: %s (%d) for bad input: %s", what, lerr_code(e), lerr_http_status(e),
                  p ? p->message : "");
    if (p && !p->message[0]) fuzz_fail("%s: %s without a message", what, lerr_code(e));
}

/* The input as a NUL-terminated string (malloc'd), for parsers that take one. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
