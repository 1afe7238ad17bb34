/* Lectern core: errors, arenas, bounded buffers, time, randomness and hashing.
 * The one header every other layer may include. Nothing here knows about HTTP or SQL. */
#ifndef LECTERN_CORE_H
#define LECTERN_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* One error enum for the whole program: 0 is success, everything else is a reason. */
typedef enum {
    LE_OK = 0,
    LE_NOMEM,       /* allocation failed */
    LE_INVALID,     /* input is malformed or breaks a rule (400/422) */
    LE_NOTFOUND,    /* no such thing (404) */
    LE_CONFLICT,    /* already exists / state does not allow it (409) */
    LE_AUTH,        /* not signed in or bad credentials (401) */
    LE_FORBIDDEN,   /* signed in but not allowed (403) */
    LE_TOOBIG,      /* over a size cap (413) */
    LE_RATELIMIT,   /* too many attempts (429) */
    LE_DB,          /* database failure (500) */
    LE_IO,          /* filesystem failure (500) */
    LE_SCHEMA,      /* database schema newer than this binary, or migration failure */
    LE_INTERNAL,    /* a bug */
} lerr;

const char *lerr_code(lerr e);   /* stable machine-readable code, e.g. "invalid" */
int lerr_http_status(lerr e);    /* the HTTP status that goes with it */

/* A user-facing problem: what went wrong, which field, and a message that says what to fix.
 * Model functions fill one when they return non-zero; handlers pass it to the view. */
struct problem {
    lerr code;
    char field[64];
    char message[400];
    char reason[40];   /* optional finer machine code for API clients, e.g.
                        * "password_change_required"; empty = lerr_code(code) */
};
/* Sets p (if not NULL) and returns code, so callers can `return problem_set(p, ...)`. */
lerr problem_set(struct problem *p, lerr code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- Arena: memory tied to a lifetime (a request, a command). ----
 * Allocations are freed all at once by arena_free(); arena_defer() registers cleanups that
 * are not memory (statements, JSON trees) and runs them in reverse order before freeing. */
struct arena;
struct arena *arena_new(size_t block_size);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);     /* zeroed, 16-byte aligned; aborts on OOM */
char *arena_strdup(struct arena *a, const char *s); /* NULL in, NULL out */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_sprintf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_defer(struct arena *a, void (*fn)(void *), void *ptr);
size_t arena_used(const struct arena *a);
void *arena_alloc_uninit(struct arena *a, size_t n); /* as arena_alloc, not zeroed */

/* ---- JSON values on the request's arena (json_memory.c). ----
 * json_memory_install() makes jansson allocate through Lectern, once, at the very start of
 * the program (before any JSON value exists). Then the JSON values a thread makes while
 * json_memory_use(a) is in force come from arena a and are never freed one by one; it returns
 * the arena in force before, to put back afterwards (NULL: malloc). Text from json_dumps()
 * is released with json_text_free(), never free(). */
void json_memory_install(void);
struct arena *json_memory_use(struct arena *a);
void json_text_free(char *text);
/* Until json_memory_resume(a), values come from malloc even during a request, and are freed
 * one by one: for a loop that makes and drops a tree per item of a large file (an import),
 * which the request's arena would otherwise hold until the request ends. Returns the arena to
 * resume with. */
struct arena *json_memory_pause(void);
void json_memory_resume(struct arena *a);
/* Drops the last reference to a tree made during the request (a page's model): nothing to do
 * when all of the request's JSON came from its arena, json_decref otherwise. A tree released
 * so may hold references to values from outside the request only if those live as long as
 * the program (the translation catalogues); they keep the reference. */
struct json_t;
void json_memory_release(struct json_t *v);

/* ---- Bounded growing buffer: every buffer has a maximum size. ---- */
struct buf {
    char *data;   /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    size_t max;   /* hard cap on len; appends past it fail with LE_TOOBIG */
};
void buf_init(struct buf *b, size_t max);
/* Room for n more bytes, allocated at once: a buffer known to grow saves its reallocations. */
lerr buf_reserve(struct buf *b, size_t n);
lerr buf_add_grow(struct buf *b, const char *s, size_t n); /* buf_add when it must grow */
/* Appends n bytes. Inline for the common case of room to spare: templates append a few bytes
 * at a time, thousands of times per page. */
static inline lerr buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->cap - b->len <= n || b->len + n > b->max) return buf_add_grow(b, s, n);
    if (n) memcpy(b->data + b->len, s, n); /* s may be NULL when n is 0 */
    b->len += n;
    b->data[b->len] = '\0';
    return LE_OK;
}
lerr buf_adds(struct buf *b, const char *s);
lerr buf_addc(struct buf *b, char c);
lerr buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_release(struct buf *b);
char *buf_detach(struct buf *b); /* caller frees */

/* ---- A string -> int map in an arena (strmap.c): sized once for an expected count, never
 * grows; keys are borrowed. A put when the map is half full is dropped, so a cache built on it
 * still works (a later get misses and the caller looks the key up again). ---- */
struct strmap {
    const char **keys;
    int *vals;
    size_t mask, n;
    int missing;      /* what get answers for an absent key */
};
void strmap_init(struct strmap *m, struct arena *a, size_t expected, int missing);
int strmap_get(const struct strmap *m, const char *key);   /* NULL or "" -> missing */
void strmap_put(struct strmap *m, const char *key, int val);

/* ---- Text ---- */
bool utf8_valid(const char *s, size_t n);
/* Escapes & < > " ' for HTML text and attributes. */
lerr html_escape(struct buf *out, const char *s, size_t n);
bool str_eq(const char *a, const char *b);  /* NULL-safe */
/* Characters (code points) in valid UTF-8: in a NUL-terminated string, or in n bytes. */
size_t utf8_chars(const char *s);
size_t utf8_chars_n(const char *s, size_t n);
/* A copy of s without leading and trailing spaces, tabs and line ends, in the arena. */
char *arena_trim(struct arena *a, const char *s);
/* Constant-time comparison of equal-length secrets. */
bool secret_eq(const char *a, const char *b);

/* ---- Time: UTC everywhere; epoch seconds inside, ISO 8601 outside. ---- */
int64_t time_now(void);            /* seconds since the epoch; overridable in tests */
void time_set_fake(int64_t t);     /* tests only: 0 restores the real clock */
/* The test clock (clock.c): in builds with LECTERN_TEST_CLOCK, the offset in DATA_DIR/test-clock
 * that time_now() adds, read at most once a second; elsewhere 0. */
void time_clock_use(const char *data_dir);
int64_t time_clock_offset(void);
#ifdef LECTERN_TEST_CLOCK
/* Writes the offset (seconds) for data_dir's servers and this process: LE_IO on failure. */
lerr time_clock_write(const char *data_dir, int64_t offset, struct problem *p);
#endif
/* "2026-11-28T10:58:39Z" into out (at least 21 bytes). */
void time_iso8601(int64_t t, char out[static 21]);
double time_monotonic_ms(void);

/* ---- Time zones (tz.c): IANA names from the system's zone database ($TZDIR or
 * /usr/share/zoneinfo), each loaded once and shared by every thread. ---- */
struct tz;
/* The zone named name ("Europe/London", "UTC"); NULL when it is no zone of the database. */
const struct tz *tz_get(const char *name);
const struct tz *tz_utc(void);
const char *tz_name(const struct tz *z);
/* Letters, digits and _ / - + only, no "..": safe to look up as a file (it may still be none). */
bool tz_name_ok(const char *name);
/* Seconds east of UTC in zone z (NULL = UTC) at UTC time t; *abbr (if given) gets the zone's
 * abbreviation then, such as "GMT", "BST" or "JST". */
int tz_offset(const struct tz *z, int64_t t, const char **abbr);
/* The UTC time of a wall-clock time in zone z, given as the epoch seconds that wall time would
 * be in UTC (what timegm gives for what a person typed). */
int64_t tz_to_utc(const struct tz *z, int64_t wall);

/* ---- Randomness and hashing (libsodium) ---- */
lerr core_init(void);              /* sodium_init(); call once at start */
/* nbytes random bytes as lowercase hex into out (2*nbytes+1). */
void random_hex(char *out, size_t nbytes);
/* n random letters of alphabet (at most 2^32 letters long) and a NUL into out (n+1). */
void random_code(char *out, size_t n, const char *alphabet);
/* SHA-256 of data as lowercase hex into out[65]. */
void sha256_hex(const void *data, size_t n, char out[static 65]);

/* ---- Logging: one line per event on stderr ---- */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
