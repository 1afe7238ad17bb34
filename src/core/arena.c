/* Arena: a chain of blocks freed at once, plus deferred cleanups run in reverse order.
 * A request's allocations all share its lifetime, so the request path never calls free(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core.h"

struct arena_block {
    struct arena_block *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

struct arena_defer {
    struct arena_defer *next;
    void (*fn)(void *);
    void *ptr;
};

struct arena {
    struct arena_block *head;
    struct arena_defer *defers;
    size_t block_size;
    size_t total;
};

static struct arena_block *block_new(size_t size)
{
    struct arena_block *b = malloc(sizeof *b + size);
    if (!b) {
        fprintf(stderr, "lectern: out of memory\n");
        abort();
    }
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

struct arena *arena_new(size_t block_size)
{
    struct arena *a = calloc(1, sizeof *a);
    if (!a) abort();
    a->block_size = block_size ? block_size : 8192;
    a->head = block_new(a->block_size);
    return a;
}

void arena_free(struct arena *a)
{
    if (!a) return;
    /* Cleanups first, newest first: they may still read arena memory. */
    for (struct arena_defer *d = a->defers; d; d = d->next) d->fn(d->ptr);
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void *arena_alloc_uninit(struct arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n) abort(); /* overflow */
    struct arena_block *b = a->head;
    if (b->size - b->used < need) {
        /* Big requests get a block of their own, inserted behind the current one so the
         * current block's free space stays usable. */
        if (need > a->block_size / 2) {
            struct arena_block *big = block_new(need);
            big->used = need;
            big->next = b->next;
            b->next = big;
            a->total += need;
            return big->data;
        }
        b = block_new(a->block_size);
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->total += need;
    return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
    void *p = arena_alloc_uninit(a, n);
    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (!s) return NULL;
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_sprintf(struct arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void arena_defer(struct arena *a, void (*fn)(void *), void *ptr)
{
    struct arena_defer *d = arena_alloc(a, sizeof *d);
    d->fn = fn;
    d->ptr = ptr;
    d->next = a->defers;
    a->defers = d;
}

size_t arena_used(const struct arena *a)
{
    return a->total;
}
