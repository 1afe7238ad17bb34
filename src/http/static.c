/* Static files from the embedded assets: the hot path that is benchmarked against nginx.
 * No arena, no database, no hooks: the asset is found by binary search and answered from a
 * response object built once per asset and shared by every connection afterwards
 * (libmicrohttpd responses are reference-counted and may be queued many times). The bytes are
 * never copied: the response points at the embedded data (MHD_RESPMEM_PERSISTENT). */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../core/asset.h"
#include "internal.h"

#define CACHE_SLOTS 2048 /* power of two; more assets than this are answered uncached */

struct static_slot {
    _Atomic(const struct asset *) asset;
    _Atomic(struct MHD_Response *) ok;             /* 200 with the body */
    _Atomic(struct MHD_Response *) not_modified;   /* 304 */
};
struct static_cache {
    struct static_slot slots[CACHE_SLOTS];
};

struct static_cache *static_cache_new(void)
{
    return calloc(1, sizeof(struct static_cache));
}

void static_cache_free(struct static_cache *c)
{
    if (!c) return;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        struct MHD_Response *r = atomic_load(&c->slots[i].ok);
        if (r) MHD_destroy_response(r);
        r = atomic_load(&c->slots[i].not_modified);
        if (r) MHD_destroy_response(r);
    }
    free(c);
}

static const struct {
    const char *ext;
    const char *type;
} content_types[] = {
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
};

const char *static_content_type(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof content_types / sizeof content_types[0]; i++)
            if (strcasecmp(dot + 1, content_types[i].ext) == 0) return content_types[i].type;
    return "application/octet-stream";
}

static struct MHD_Response *build(const struct asset *a, bool not_modified, bool vendor,
                                  bool closing)
{
    struct MHD_Response *r =
        not_modified ? MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT)
                     : MHD_create_response_from_buffer(a->len, (void *)a->data,
                                                       MHD_RESPMEM_PERSISTENT);
    if (!r) return NULL;
    if (!not_modified) MHD_add_response_header(r, "Content-Type", static_content_type(a->path));
    MHD_add_response_header(r, "ETag", a->etag);
    /* Vendor files are pinned by the lock file and renamed on upgrade: cache them for good. */
    MHD_add_response_header(r, "Cache-Control", vendor ? "public, max-age=31536000, immutable"
                                                       : "public, max-age=3600");
    http_security_headers(r);
    if (closing) MHD_add_response_header(r, "Connection", "close");
    return r;
}

/* The shared response for (asset, kind), built on first use (vendor follows from the
 * asset's path, so it is not part of the key). Two threads may race to build
 * it; the loser destroys its copy. */
static struct MHD_Response *cached(struct static_cache *c, const struct asset *a,
                                   bool not_modified, bool vendor)
{
    uintptr_t h = (uintptr_t)a;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15u;
    size_t i = (size_t)(h >> 7) & (CACHE_SLOTS - 1);
    for (size_t probe = 0; probe < 32; probe++, i = (i + 1) & (CACHE_SLOTS - 1)) {
        struct static_slot *s = &c->slots[i];
        const struct asset *cur = atomic_load(&s->asset);
        if (!cur) {
            const struct asset *expected = NULL;
            if (!atomic_compare_exchange_strong(&s->asset, &expected, a)) cur = expected;
            else cur = a;
        }
        if (cur != a) continue;
        _Atomic(struct MHD_Response *) *slot = not_modified ? &s->not_modified : &s->ok;
        struct MHD_Response *r = atomic_load(slot);
        if (r) return r;
        struct MHD_Response *fresh = build(a, not_modified, vendor, false);
        if (!fresh) return NULL;
        struct MHD_Response *expected = NULL;
        if (atomic_compare_exchange_strong(slot, &expected, fresh)) return fresh;
        MHD_destroy_response(fresh);
        return expected;
    }
    return NULL;
}

/* If-None-Match: a list of entity tags (possibly weak) or "*". */
static bool etag_matches(const char *header, const char *etag)
{
    if (!header) return false;
    size_t en = strlen(etag);
    const char *p = header;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',') p++;
        if (*p == '*') return true;
        if (p[0] == 'W' && p[1] == '/') p += 2;
        size_t n = strcspn(p, ",");
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
        if (n == en && memcmp(p, etag, en) == 0) return true;
        p += strcspn(p, ",");
    }
    return false;
}

static int queue_plain(struct MHD_Connection *conn, int status, const char *text, bool closing)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (!r) return 0;
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    http_security_headers(r);
    if (closing) MHD_add_response_header(r, "Connection", "close");
    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return ok == MHD_YES ? status : 0;
}

int static_serve(struct static_cache *c, struct MHD_Connection *conn, const char *rest,
                 bool vendor, bool closing, size_t *bytes)
{
    *bytes = 0;
    char path[1024];
    size_t rn = strlen(rest);
    if (rn == 0 || rn > sizeof path - 8 || strstr(rest, "..") || rest[0] == '/')
        return queue_plain(conn, 404, "Not found\n", closing);
    memcpy(path, "static/", 7);
    memcpy(path + 7, rest, rn + 1);
    const struct asset *a = asset_find(path);
    if (!a) return queue_plain(conn, 404, "Not found\n", closing);

    bool not_modified = etag_matches(
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH), a->etag);
    int status = not_modified ? 304 : 200;
    struct MHD_Response *r = closing ? NULL : cached(c, a, not_modified, vendor);
    bool own = false;
    if (!r) {
        r = build(a, not_modified, vendor, closing);
        own = true;
    }
    if (!r) return 0;
    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)status, r);
    if (own) MHD_destroy_response(r);
    if (ok != MHD_YES) return 0;
    *bytes = not_modified ? 0 : a->len;
    return status;
}
