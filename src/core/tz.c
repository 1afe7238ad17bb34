/* Time zones: IANA names ("Europe/London") read from the system's zone database (TZif files
 * under /usr/share/zoneinfo, or $TZDIR), so pages can show a time in each viewer's own zone.
 * libc can convert into one zone per process (TZ), not one per request, so Lectern reads the
 * files itself. Each zone is loaded once and kept for the life of the process (there are a
 * few hundred at most); lookups after that take a mutex only to find the loaded zone.
 *
 * A file lists every transition up to 2037. Later times in a zone that still changes its
 * clocks repeat the rule of 28 years earlier: 28 years hold exactly 7 leap years, so the
 * weekdays (and with them "last Sunday of March") fall on the same dates (until 2100). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core.h"

#define TZ_NAME_MAX 64
#define TZ_LOADED_MAX 256
#define TZ_FILE_MAX (256 * 1024)
#define TWENTY_EIGHT_YEARS ((int64_t)(28 * 365 + 7) * 86400)

struct tz_type {
    int32_t offset;
    char abbr[8];
};

struct tz {
    char name[TZ_NAME_MAX + 1];
    int64_t *at;        /* transition times, ascending */
    uint8_t *type;      /* the type in force from at[i] */
    size_t n_at;
    struct tz_type *types;
    size_t n_types;
    bool repeats;       /* the clocks still change (the file's footer has a rule) */
};

static struct {
    pthread_mutex_t lock;
    struct tz *v[TZ_LOADED_MAX];
    size_t n;
} loaded = {.lock = PTHREAD_MUTEX_INITIALIZER};

static const struct tz utc = {.name = "UTC", .types = (struct tz_type[]){{0, "UTC"}}, .n_types = 1};

bool tz_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > TZ_NAME_MAX || name[0] == '/' || strstr(name, "..")) return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '/' || c == '-' || c == '+'))
            return false;
    }
    return true;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* The TZif data (RFC 8536): version 2 and later repeat the tables with 64-bit times after the
 * 32-bit ones, then a footer line with the rule for later times. */
static struct tz *parse(const char *name, const unsigned char *d, size_t len)
{
    if (len < 44 || memcmp(d, "TZif", 4) != 0) return NULL;
    bool v2 = d[4] >= '2';
    size_t width = 4;
    const unsigned char *h = d;
    for (int pass = 0; pass < (v2 ? 2 : 1); pass++) {
        uint32_t isut = be32(h + 20), isstd = be32(h + 24), leap = be32(h + 28), timecnt = be32(h + 32),
                 typecnt = be32(h + 36), charcnt = be32(h + 40);
        size_t body = timecnt * width + timecnt + typecnt * 6 + charcnt + leap * (width + 4) + isstd + isut;
        if (typecnt == 0 || (size_t)(h + 44 - d) + body > len) return NULL;
        if (pass == 0 && v2) {
            h += 44 + body;
            width = 8;
            if ((size_t)(h - d) + 44 > len || memcmp(h, "TZif", 4) != 0) return NULL;
            continue;
        }
        struct tz *z = calloc(1, sizeof *z);
        z->at = calloc(timecnt + 1, sizeof *z->at);
        z->type = calloc(timecnt + 1, 1);
        z->types = calloc(typecnt, sizeof *z->types);
        if (!z->at || !z->type || !z->types) goto fail;
        snprintf(z->name, sizeof z->name, "%s", name);
        const unsigned char *p = h + 44, *idx = p + timecnt * width, *tt = idx + timecnt,
                            *chars = tt + typecnt * 6;
        for (uint32_t i = 0; i < timecnt; i++) {
            z->at[i] = width == 8 ? be64(p + i * 8) : (int32_t)be32(p + i * 4);
            z->type[i] = idx[i];
            if (idx[i] >= typecnt) goto fail;
        }
        for (uint32_t i = 0; i < typecnt; i++) {
            z->types[i].offset = (int32_t)be32(tt + i * 6);
            unsigned ai = tt[i * 6 + 5];
            if (ai < charcnt) snprintf(z->types[i].abbr, sizeof z->types[i].abbr, "%.*s", (int)(charcnt - ai), chars + ai);
        }
        z->n_at = timecnt;
        z->n_types = typecnt;
        /* The footer ("\nGMT0BST,M3.5.0/1,M10.5.0\n") has a comma when the clocks still change. */
        const unsigned char *foot = h + 44 + body;
        z->repeats = v2 && foot < d + len && memchr(foot, ',', (size_t)(d + len - foot)) != NULL;
        return z;
    fail:
        free(z->at);
        free(z->type);
        free(z->types);
        free(z);
        return NULL;
    }
    return NULL;
}

static struct tz *load(const char *name)
{
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char *d = malloc(TZ_FILE_MAX);
    size_t len = d ? fread(d, 1, TZ_FILE_MAX, f) : 0;
    fclose(f);
    struct tz *z = d ? parse(name, d, len) : NULL;
    free(d);
    return z;
}

const struct tz *tz_get(const char *name)
{
    if (!tz_name_ok(name)) return NULL;
    if (strcmp(name, "UTC") == 0) return &utc;
    pthread_mutex_lock(&loaded.lock);
    struct tz *z = NULL;
    for (size_t i = 0; i < loaded.n && !z; i++)
        if (strcmp(loaded.v[i]->name, name) == 0) z = loaded.v[i];
    if (!z && loaded.n < TZ_LOADED_MAX && (z = load(name))) loaded.v[loaded.n++] = z;
    pthread_mutex_unlock(&loaded.lock);
    return z;
}

const struct tz *tz_utc(void)
{
    return &utc;
}

const char *tz_name(const struct tz *z)
{
    return z ? z->name : utc.name;
}

int64_t tz_to_utc(const struct tz *z, int64_t wall)
{
    /* The offset at the wall time read as UTC is right except within hours of a change; the
     * offset at the first guess settles it (a wall time skipped by a change reads as after it). */
    int64_t guess = wall - tz_offset(z, wall, NULL);
    return wall - tz_offset(z, guess, NULL);
}

int tz_offset(const struct tz *z, int64_t t, const char **abbr)
{
    if (!z) z = &utc;
    if (z->repeats && z->n_at && t > z->at[z->n_at - 1]) {
        int64_t periods = (t - z->at[z->n_at - 1]) / TWENTY_EIGHT_YEARS + 1;
        t -= periods * TWENTY_EIGHT_YEARS;
    }
    /* The last transition at or before t; before the first, the zone's first type. */
    size_t lo = 0, hi = z->n_at;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (z->at[mid] <= t) lo = mid + 1;
        else hi = mid;
    }
    const struct tz_type *ty = &z->types[lo ? z->type[lo - 1] : 0];
    if (abbr) *abbr = ty->abbr;
    return ty->offset;
}
