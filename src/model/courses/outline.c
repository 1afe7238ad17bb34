/* Course outlines in memory: each course's live sections and activities, in order.
 *
 * The learner's dashboard needs the outline of every enrolled course (to count the required
 * activities done and find the next one), and the course page its own; reading them joined
 * was most of those pages' database time. Outlines change rarely, and every change raises
 * courses.outline_version (triggers, migration 0014), so the pages read the version with the
 * course row and take the outline from here while the version matches. The version lives in
 * the database, so a change made on another node is seen as soon as the course row is read.
 * One process serves one database: a database restored from a backup under a running server
 * could repeat a version with other content, so servers are restarted after a restore.
 *
 * An outline is immutable once built and counted by reference: a request holds the ones it
 * uses until its arena goes, so a newer version can replace an entry at any time. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define BUCKETS 4096
/* Beyond this many courses the cache starts again empty rather than grow without bound. */
#define OUTLINES_MAX 50000

struct outline_entry {
    struct outline outline;
    atomic_int refs;  /* the table's reference and one per request holding it */
    struct outline_entry *next;
};

static struct {
    pthread_mutex_t lock;
    struct outline_entry *buckets[BUCKETS];
    int count;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void entry_release(void *p)
{
    struct outline_entry *e = p;
    if (atomic_fetch_sub(&e->refs, 1) == 1) free(e);
}

static struct outline_entry **bucket(int64_t course_id)
{
    return &cache.buckets[(uint64_t)course_id % BUCKETS];
}

/* The cached outline of course_id at `version`, held for the arena's lifetime; NULL when the
 * cache has another version or none. */
static const struct outline *cached(struct arena *a, int64_t course_id, int64_t version)
{
    struct outline_entry *found = NULL;
    pthread_mutex_lock(&cache.lock);
    for (struct outline_entry *e = *bucket(course_id); e; e = e->next)
        if (e->outline.course_id == course_id) {
            if (e->outline.version == version) {
                atomic_fetch_add(&e->refs, 1);
                found = e;
            }
            break;
        }
    pthread_mutex_unlock(&cache.lock);
    if (!found) return NULL;
    arena_defer(a, entry_release, found);
    return &found->outline;
}

/* Puts e in the table in place of the course's older entry (a newer one stays). */
static void publish(struct outline_entry *e)
{
    pthread_mutex_lock(&cache.lock);
    struct outline_entry **at = bucket(e->outline.course_id);
    for (struct outline_entry **p = at; *p; p = &(*p)->next) {
        struct outline_entry *old = *p;
        if (old->outline.course_id != e->outline.course_id) continue;
        if (old->outline.version > e->outline.version) {
            pthread_mutex_unlock(&cache.lock);
            entry_release(e);
            return;
        }
        *p = old->next;
        cache.count--;
        entry_release(old);
        break;
    }
    if (cache.count >= OUTLINES_MAX) {
        for (int b = 0; b < BUCKETS; b++)
            while (cache.buckets[b]) {
                struct outline_entry *old = cache.buckets[b];
                cache.buckets[b] = old->next;
                entry_release(old);
            }
        cache.count = 0;
    }
    e->next = *at;
    *at = e;
    cache.count++;
    pthread_mutex_unlock(&cache.lock);
}

/* An outline's rows, copied out of the statement before the entry is built. */
struct row {
    int64_t section_id, activity_id;
    const char *section_title, *kind, *title;
    bool required, allow_mark_done;
};

/* One allocation for the entry and all its text. */
static struct outline_entry *build(int64_t course_id, int64_t version, const struct row *rows, size_t n)
{
    size_t text = 0;
    int sections = 0, activities = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || rows[i - 1].section_id != rows[i].section_id) {
            sections++;
            text += strlen(rows[i].section_title) + 1;
        }
        if (rows[i].activity_id) {
            activities++;
            text += strlen(rows[i].kind) + strlen(rows[i].title) + 2;
        }
    }
    size_t size = sizeof(struct outline_entry) + (size_t)sections * sizeof(struct outline_section) +
                  (size_t)activities * sizeof(struct outline_activity) + text;
    struct outline_entry *e = calloc(1, size);
    if (!e) return NULL;
    struct outline *o = &e->outline;
    o->course_id = course_id;
    o->version = version;
    o->sections = (struct outline_section *)(e + 1);
    o->activities = (struct outline_activity *)(o->sections + sections);
    char *pool = (char *)(o->activities + activities);
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        if (i == 0 || rows[i - 1].section_id != r->section_id) {
            struct outline_section *sec = &o->sections[o->n_sections++];
            sec->id = r->section_id;
            sec->title = strcpy(pool, r->section_title);
            pool += strlen(pool) + 1;
            sec->first = o->n_activities;
        }
        if (!r->activity_id) continue;
        struct outline_activity *x = &o->activities[o->n_activities++];
        x->id = r->activity_id;
        x->kind = strcpy(pool, r->kind);
        pool += strlen(pool) + 1;
        x->title = strcpy(pool, r->title);
        pool += strlen(pool) + 1;
        x->required = r->required;
        x->allow_mark_done = r->allow_mark_done;
        o->sections[o->n_sections - 1].n++;
    }
    atomic_init(&e->refs, 1);
    return e;
}

/* The columns every outline query returns, in the course's order: grouped by course, then
 * sections by position and activities by position within them. */
#define OUTLINE_COLS "c.id, c.outline_version, s.id, s.title, x.id, x.kind, x.title, x.required, x.allow_mark_done"
#define OUTLINE_JOIN                                                                                               \
    " LEFT JOIN course_sections s ON s.course_id = c.id AND s.deleted_at IS NULL LEFT JOIN activities x ON "     \
    "x.course_id = c.id AND x.section_id = s.id AND x.deleted_at IS NULL"
#define OUTLINE_ORDER " ORDER BY c.id, s.position, s.id, x.position, x.id"

/* Builds and publishes an entry for each course in the statement's rows; `want` (may be NULL)
 * is called with each, to take the ones the caller asked for, and `named` (may be NULL, then
 * the statement need not select them) with each course's code and title, columns 9 and 10. */
static lerr load(struct db_stmt *st, struct arena *a, void (*want)(void *ctx, struct outline_entry *e), void *ctx,
                 outline_named_fn named, void *named_ctx)
{
    size_t n = 0, cap = 32;
    struct row *rows = arena_alloc(a, cap * sizeof *rows);
    int64_t course_id = 0, version = 0;
    lerr err = LE_OK;
    int rc;
    for (;;) {
        rc = db_step(st);
        int64_t next = rc == DB_ROW ? db_col_int(st, 0) : 0;
        if (course_id && next != course_id) { /* a course's rows are complete */
            struct outline_entry *e = build(course_id, version, rows, n);
            if (!e) {
                err = LE_NOMEM;
                break;
            }
            if (want) want(ctx, e);
            publish(e);
            n = 0;
        }
        if (rc != DB_ROW) break;
        if (named && next != course_id) named(named_ctx, next, db_col_int(st, 1), db_col_text(st, 9), db_col_text(st, 10));
        course_id = next;
        version = db_col_int(st, 1);
        if (db_col_is_null(st, 2)) continue; /* a course without sections */
        if (n == cap) {
            struct row *grown = arena_alloc(a, 2 * cap * sizeof *grown);
            memcpy(grown, rows, n * sizeof *rows);
            rows = grown, cap *= 2;
        }
        rows[n++] = (struct row){.section_id = db_col_int(st, 2), .section_title = model_col_str(a, st, 3),
                                 .activity_id = db_col_is_null(st, 4) ? 0 : db_col_int(st, 4),
                                 .kind = model_col_str(a, st, 5), .title = model_col_str(a, st, 6),
                                 .required = db_col_int(st, 7) != 0, .allow_mark_done = db_col_int(st, 8) != 0};
    }
    db_done(st);
    if (!err && rc != DB_DONE) err = LE_DB;
    return err;
}

/* Hands an entry to the request: one more reference, released with the arena. */
static const struct outline *hold(struct arena *a, struct outline_entry *e)
{
    atomic_fetch_add(&e->refs, 1);
    arena_defer(a, entry_release, e);
    return &e->outline;
}

struct want_one {
    struct arena *a;
    const struct outline *found;
};

static void want_one(void *ctx, struct outline_entry *e)
{
    struct want_one *w = ctx;
    w->found = hold(w->a, e);
}

lerr course_outline(struct db *db, struct arena *a, int64_t course_id, int64_t version, const struct outline **out)
{
    *out = cached(a, course_id, version);
    if (*out) return LE_OK;
    struct want_one w = {a, NULL};
    lerr err = load(db_query(db, "SELECT " OUTLINE_COLS " FROM courses c" OUTLINE_JOIN " WHERE c.id = ?1" OUTLINE_ORDER,
                             "i", course_id),
                    a, want_one, &w, NULL, NULL);
    if (!err && !w.found) err = LE_NOTFOUND;
    *out = err ? NULL : w.found;
    return err;
}

struct want_many {
    struct arena *a;
    size_t n;
    const int64_t *course_ids;
    const struct outline **out;
};

static void want_many(void *ctx, struct outline_entry *e)
{
    struct want_many *w = ctx;
    for (size_t i = 0; i < w->n; i++)
        if (w->course_ids[i] == e->outline.course_id && !w->out[i]) w->out[i] = hold(w->a, e);
}

lerr learner_outlines(struct db *db, struct arena *a, int64_t user_id, size_t n, const int64_t *course_ids,
                      const int64_t *versions, const struct outline **out)
{
    size_t missing = 0;
    for (size_t i = 0; i < n; i++)
        if (!(out[i] = cached(a, course_ids[i], versions[i]))) missing++;
    if (!missing) return LE_OK;
    /* One query for all of them, however many are missing (a first visit, or after edits). */
    struct want_many w = {a, n, course_ids, out};
    return load(db_query(db,
                         "SELECT " OUTLINE_COLS " FROM enrolments e JOIN courses c ON c.id = e.course_id" OUTLINE_JOIN
                         " WHERE e.user_id = ?1 AND e.unenrolled_at IS NULL" OUTLINE_ORDER,
                         "i", user_id),
                a, want_many, &w, NULL, NULL);
}

lerr learner_outlines_named(struct db *db, struct arena *a, int64_t user_id, size_t n, const int64_t *course_ids,
                            const struct outline **out, outline_named_fn named, void *ctx)
{
    struct want_many w = {a, n, course_ids, out};
    for (size_t i = 0; i < n; i++) out[i] = NULL;
    return load(db_query(db,
                         "SELECT " OUTLINE_COLS ", c.code, c.title FROM enrolments e JOIN courses c ON c.id = "
                         "e.course_id" OUTLINE_JOIN " WHERE e.user_id = ?1 AND e.unenrolled_at IS NULL" OUTLINE_ORDER,
                         "i", user_id),
                a, want_many, &w, named, ctx);
}
