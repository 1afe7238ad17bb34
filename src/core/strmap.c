/* The arena string map (core.h): open addressing with linear probing over FNV-1a hashes. The
 * bulk upload keeps usernames, emails and codes of a whole file in a few of them. */
#include <string.h>
#include "core.h"

void strmap_init(struct strmap *m, struct arena *a, size_t expected, int missing)
{
    size_t cap = 16;
    while (cap < expected * 2 + 16) cap <<= 1;
    m->keys = arena_alloc(a, cap * sizeof *m->keys);
    m->vals = arena_alloc(a, cap * sizeof *m->vals);
    m->mask = cap - 1;
    m->n = 0;
    m->missing = missing;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The slot of key: its value, or with insert an empty slot taken for it (NULL when the map is
 * half full, or without insert when the key is absent). */
static int *slot(const struct strmap *m, const char *key, bool insert)
{
    size_t i = (size_t)hash_str(key) & m->mask;
    for (;;) {
        if (!m->keys[i]) {
            if (!insert || m->n * 2 >= m->mask) return NULL;
            struct strmap *w = (struct strmap *)m;
            w->keys[i] = key;
            w->vals[i] = m->missing;
            w->n++;
            return &w->vals[i];
        }
        if (strcmp(m->keys[i], key) == 0) return &m->vals[i];
        i = (i + 1) & m->mask;
    }
}

int strmap_get(const struct strmap *m, const char *key)
{
    const int *v = m->keys && key && *key ? slot(m, key, false) : NULL;
    return v ? *v : m->missing;
}

void strmap_put(struct strmap *m, const char *key, int val)
{
    int *v = m->keys && key && *key ? slot(m, key, true) : NULL;
    if (v) *v = val;
}
