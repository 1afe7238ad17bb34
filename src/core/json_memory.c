/* jansson's memory on the request's arena.
 *
 * A page's model is a tree of a few hundred small JSON values, built, rendered once and
 * thrown away; with malloc each of them cost an allocation and a free, a fifth of a page's
 * instructions. Once json_memory_install() has run, the values a thread makes while it has an
 * arena in use (json_memory_use, set by the HTTP server around each request) come from that
 * arena, and freeing them is a no-op: the arena goes as a whole when the request ends.
 * Elsewhere (start-up, job workers, the CLI) they come from malloc as before.
 *
 * Every block carries a tag in front, so a value freed after its request's arena was put
 * aside, or a malloc'ed value freed during a request, goes the right way. Values made during
 * a request must not outlive it; nothing in Lectern keeps one (caches hold plain C strings). */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "core.h"

/* The tag sits in a 16-byte header so the value behind it keeps malloc's alignment. */
#define HEADER 16
#define FROM_HEAP 0x6865617021u  /* "heap!" */
#define FROM_ARENA 0x6172656e61u /* "arena" */
/* Past this much arena memory a request's JSON goes to malloc again, so a rare very large
 * response (an export) cannot hold twice its size until the request ends. */
#define ARENA_JSON_MAX (32u * 1024 * 1024)

static _Thread_local struct arena *current;
/* A value went to malloc while an arena was in use (the cap): the request's trees must then be
 * released value by value. */
static _Thread_local bool spilled;

static void *json_memory_alloc(size_t n)
{
    struct arena *a = current;
    uint64_t *block;
    if (n > SIZE_MAX - HEADER) return NULL;
    if (a && arena_used(a) + n < ARENA_JSON_MAX) {
        block = arena_alloc_uninit(a, n + HEADER);
        block[0] = FROM_ARENA;
    } else {
        block = malloc(n + HEADER);
        if (!block) return NULL;
        block[0] = FROM_HEAP;
        if (a) spilled = true;
    }
    return (char *)block + HEADER;
}

static void json_memory_free(void *p)
{
    if (!p) return;
    uint64_t *block = (uint64_t *)(void *)((char *)p - HEADER);
    if (block[0] == FROM_HEAP) free(block);
    /* FROM_ARENA: returned with the arena. */
}

void json_memory_install(void)
{
    json_set_alloc_funcs(json_memory_alloc, json_memory_free);
}

struct arena *json_memory_use(struct arena *a)
{
    struct arena *before = current;
    current = a;
    spilled = false;
    return before;
}

struct arena *json_memory_pause(void)
{
    struct arena *before = current;
    current = NULL;
    return before;
}

/* Unlike json_memory_use, keeps what the request has spilled so far. */
void json_memory_resume(struct arena *a)
{
    current = a;
}

static bool from_arena(const json_t *v)
{
    return ((const uint64_t *)(const void *)((const char *)v - HEADER))[0] == FROM_ARENA;
}

void json_memory_release(json_t *v)
{
    /* The walk json_decref makes to free a tree was a tenth of a page's instructions, for
     * frees that do nothing. When the tree and everything made since the arena came into use
     * are the arena's, it goes with the arena. Values from outside that it holds (the
     * translation catalogues) keep the reference the tree took: they live as long as Lectern. */
    if (!v || v->refcount == (size_t)-1) return; /* null, true, false: never freed */
    if (current && !spilled && v->refcount == 1 && from_arena(v)) return;
    json_decref(v);
}

void json_text_free(char *text)
{
    void (*release)(void *) = NULL;
    json_get_alloc_funcs(NULL, &release);
    if (release) release(text);
}
