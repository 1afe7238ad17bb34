/* Embedded assets (build/assets.c) and the development mode that reads them from disk. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "asset.h"
#include "core.h"

extern struct asset lectern_assets[];
extern const size_t lectern_n_assets;

static const char *dev_dir;
static pthread_once_t etag_once = PTHREAD_ONCE_INIT;

/* Disk copies in development mode. Old copies are kept (never freed) so a pointer handed to
 * another thread stays valid; this mode is for a developer's machine only. */
struct dev_asset {
    struct dev_asset *next;
    struct asset asset;
    time_t mtime;
};
static struct dev_asset *dev_assets;
static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;

static void make_etag(struct asset *a)
{
    char hex[65];
    sha256_hex(a->data, a->len, hex);
    snprintf(a->etag, sizeof a->etag, "\"%.16s\"", hex);
}

static void compute_etags(void)
{
    for (size_t i = 0; i < lectern_n_assets; i++) make_etag(&lectern_assets[i]);
}

void asset_set_dev_dir(const char *dir)
{
    dev_dir = dir;
}

static int cmp_path(const void *key, const void *elem)
{
    return strcmp(key, ((const struct asset *)elem)->path);
}

static const struct asset *dev_find(const char *path)
{
    if (strstr(path, "..")) return NULL;
    char full[4096];
    snprintf(full, sizeof full, "%s/%s", dev_dir, path);
    struct stat st;
    if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) return NULL;
    pthread_mutex_lock(&dev_lock);
    struct dev_asset *found = NULL;
    for (struct dev_asset *d = dev_assets; d; d = d->next)
        if (strcmp(d->asset.path, path) == 0) {
            found = d;
            break;
        }
    if (!found || found->mtime != st.st_mtime) {
        FILE *f = fopen(full, "rb");
        unsigned char *data = f ? malloc((size_t)st.st_size + 1) : NULL;
        if (data && fread(data, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
            data[st.st_size] = 0;
            struct dev_asset *d = calloc(1, sizeof *d);
            d->asset.path = strdup(path);
            d->asset.data = data;
            d->asset.len = (size_t)st.st_size;
            d->mtime = st.st_mtime;
            make_etag(&d->asset);
            d->next = dev_assets;
            dev_assets = d;
            found = d;
        } else {
            free(data);
        }
        if (f) fclose(f);
    }
    pthread_mutex_unlock(&dev_lock);
    return found ? &found->asset : NULL;
}

const struct asset *asset_find(const char *path)
{
    if (dev_dir) {
        const struct asset *a = dev_find(path);
        if (a) return a;
    }
    pthread_once(&etag_once, compute_etags);
    /* The generator writes the table in sorted path order. */
    return bsearch(path, lectern_assets, lectern_n_assets, sizeof lectern_assets[0], cmp_path);
}

void asset_each(const char *prefix, void (*fn)(const struct asset *, void *), void *ctx)
{
    pthread_once(&etag_once, compute_etags);
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < lectern_n_assets; i++) {
        if (strncmp(lectern_assets[i].path, prefix, plen) != 0) continue;
        const struct asset *a = dev_dir ? asset_find(lectern_assets[i].path) : &lectern_assets[i];
        fn(a ? a : &lectern_assets[i], ctx);
    }
}
