/* Bounded growing buffer: appends past `max` fail with LE_TOOBIG instead of growing forever. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core.h"

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : SIZE_MAX / 2;
}

static lerr buf_grow(struct buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra) return LE_TOOBIG;
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return LE_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) return LE_NOMEM;
    b->data = p;
    b->cap = cap;
    return LE_OK;
}

lerr buf_reserve(struct buf *b, size_t n)
{
    return buf_grow(b, n);
}

lerr buf_add_grow(struct buf *b, const char *s, size_t n)
{
    lerr e = buf_grow(b, n);
    if (e) return e;
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return LE_OK;
}

lerr buf_adds(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

lerr buf_addc(struct buf *b, char c)
{
    return buf_add(b, &c, 1);
}

lerr buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return LE_INVALID;
    }
    lerr e = buf_grow(b, (size_t)n);
    if (e) {
        va_end(ap2);
        return e;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
    return LE_OK;
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

void buf_release(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *buf_detach(struct buf *b)
{
    char *p = b->data;
    if (!p) p = calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
