/* Sessions in memory: the last database lookup of each recent session (the session and its
 * user), so that a signed-in page view reads one small row instead of a session, its user and
 * the token index, which lie on pages scattered over the database.
 *
 * An entry is used only while auth_version.version (migration 0018) is still the one it was read
 * under: triggers change that version with every change that could alter a lookup, whichever
 * process or node makes it. It is used only while its session is alive by the times it was read
 * with, and only within a minute of its last-seen time, so that session.c's touch of
 * last_seen_at still happens once a minute; anything else goes back to the database.
 *
 * The table is set-associative (a few ways per set, chosen by the token hash), so its size is
 * fixed and a busy set drops its least recently used entry. Entries are one allocation each:
 * the struct and its strings. */
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include "internal.h"

#define SETS 4096 /* with WAYS, room for 16,384 sessions (some 4 MiB) */
#define WAYS 4
#define LOCKS 64 /* sets share locks: set i uses lock i % LOCKS */

struct cached_session {
    char token_hash[65];
    int64_t version, last_seen, expires, last_used;
    struct session_user su; /* strings point into this allocation */
};

static struct cached_session *table[SETS][WAYS];
static pthread_mutex_t locks[LOCKS] = {[0 ... LOCKS - 1] = PTHREAD_MUTEX_INITIALIZER};

/* The set of a token hash: its first three hex digits (the hash is SHA-256, so uniform). */
static unsigned set_of(const char *token_hash)
{
    unsigned v = 0;
    for (int i = 0; i < 3; i++) {
        char c = token_hash[i];
        v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v % SETS;
}

static const char *dup_or_null(struct arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

bool session_cache_get(const char *token_hash, int64_t version, int64_t now, int64_t idle_s, int64_t touch_s,
                       struct arena *a, struct session_user *out)
{
    unsigned set = set_of(token_hash);
    pthread_mutex_t *lock = &locks[set % LOCKS];
    bool hit = false;
    pthread_mutex_lock(lock);
    for (int w = 0; w < WAYS; w++) {
        struct cached_session *c = table[set][w];
        if (!c || memcmp(c->token_hash, token_hash, 64) != 0) continue;
        int64_t idle = now - c->last_seen;
        if (c->version == version && now < c->expires && idle < idle_s && idle < touch_s) {
            c->last_used = now;
            *out = c->su;
            out->username = dup_or_null(a, c->su.username);
            out->first_name = dup_or_null(a, c->su.first_name);
            out->last_name = dup_or_null(a, c->su.last_name);
            out->csrf = dup_or_null(a, c->su.csrf);
            out->impersonator_name = dup_or_null(a, c->su.impersonator_name);
            out->timezone = dup_or_null(a, c->su.timezone);
            hit = true;
        }
        break;
    }
    pthread_mutex_unlock(lock);
    return hit;
}

/* Appends s to the entry's block at *at; NULL stays NULL. */
static const char *put_str(char **at, const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*at, s, n);
    const char *copy = *at;
    *at += n;
    return copy;
}

static size_t len_or_0(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

void session_cache_put(const char *token_hash, int64_t version, int64_t last_seen, int64_t expires, int64_t now,
                       const struct session_user *su)
{
    size_t strings = len_or_0(su->username) + len_or_0(su->first_name) + len_or_0(su->last_name) +
                     len_or_0(su->csrf) + len_or_0(su->impersonator_name) + len_or_0(su->timezone);
    struct cached_session *c = malloc(sizeof *c + strings);
    if (!c) return; /* the next lookup reads the database again */
    memcpy(c->token_hash, token_hash, 64);
    c->token_hash[64] = '\0';
    c->version = version;
    c->last_seen = last_seen;
    c->expires = expires;
    c->last_used = now;
    c->su = *su;
    char *at = (char *)(c + 1);
    c->su.username = put_str(&at, su->username);
    c->su.first_name = put_str(&at, su->first_name);
    c->su.last_name = put_str(&at, su->last_name);
    c->su.csrf = put_str(&at, su->csrf);
    c->su.impersonator_name = put_str(&at, su->impersonator_name);
    c->su.timezone = put_str(&at, su->timezone);

    unsigned set = set_of(token_hash);
    pthread_mutex_t *lock = &locks[set % LOCKS];
    pthread_mutex_lock(lock);
    /* The same session's way if it has one, else an empty way, else the least recently used. */
    int way = -1;
    for (int w = 0; w < WAYS && way < 0; w++)
        if (table[set][w] && memcmp(table[set][w]->token_hash, token_hash, 64) == 0) way = w;
    for (int w = 0; w < WAYS && way < 0; w++)
        if (!table[set][w]) way = w;
    if (way < 0) {
        way = 0;
        for (int w = 1; w < WAYS; w++)
            if (table[set][w]->last_used < table[set][way]->last_used) way = w;
    }
    struct cached_session *old = table[set][way];
    table[set][way] = c;
    pthread_mutex_unlock(lock);
    free(old);
}

void session_cache_forget(const char *token_hash)
{
    unsigned set = set_of(token_hash);
    pthread_mutex_t *lock = &locks[set % LOCKS];
    struct cached_session *old = NULL;
    pthread_mutex_lock(lock);
    for (int w = 0; w < WAYS; w++)
        if (table[set][w] && memcmp(table[set][w]->token_hash, token_hash, 64) == 0) {
            old = table[set][w];
            table[set][w] = NULL;
        }
    pthread_mutex_unlock(lock);
    free(old);
}
