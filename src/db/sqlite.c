/* The SQLite engine: one connection per thread (opened NOMUTEX), WAL, and a per-connection
 * statement cache keyed by SQL text so every statement is prepared once per connection.
 *
 * Durability: WAL with synchronous=NORMAL writes each commit to the WAL file before COMMIT
 * returns, so an acknowledged write survives the process being killed (kill -9); only a power
 * loss or OS crash can lose the last transactions, which FULL would also cover at the cost of
 * an fsync per commit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "db.h"

#define CACHE_BUCKETS 128
#define CACHE_MAX 1024     /* statements cached per connection; past it they are one-shot */

struct sq_stmt {
    struct db_stmt base;
    sqlite3_stmt *st;
    char *sql;             /* cache key; NULL for one-shot statements */
    struct sq_stmt *next;  /* bucket chain */
    bool busy;             /* handed out and not yet done */
    bool stepped;          /* counted in nqueries since the last reset */
};

struct sq_db {
    struct db base;
    sqlite3 *h;
    struct sq_stmt *buckets[CACHE_BUCKETS];
    int ncached;
};

static struct sq_db *sq(struct db *db)
{
    return (struct sq_db *)db;
}

static struct sq_stmt *sqs(struct db_stmt *st)
{
    return (struct sq_stmt *)st;
}

static uint32_t hash_sql(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Only one statement per string: trailing text other than blanks and ';' is a mistake. */
static bool tail_is_empty(const char *tail)
{
    for (; tail && *tail; tail++)
        if (*tail != ';' && *tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != '\r')
            return false;
    return true;
}

static struct db_stmt *sq_prepare(struct db *db, const char *sql)
{
    struct sq_db *d = sq(db);
    uint32_t b = hash_sql(sql) % CACHE_BUCKETS;
    bool key_present = false;
    for (struct sq_stmt *s = d->buckets[b]; s; s = s->next) {
        if (strcmp(s->sql, sql) != 0) continue;
        key_present = true;
        if (s->busy) break; /* the same SQL is still in use (nested loop): use a one-shot copy */
        s->busy = true;
        s->stepped = false;
        return &s->base;
    }
    bool cache = !key_present && d->ncached < CACHE_MAX;
    sqlite3_stmt *raw = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(d->h, sql, -1, cache ? SQLITE_PREPARE_PERSISTENT : 0, &raw, &tail);
    if (rc != SQLITE_OK || !raw) {
        log_error("sqlite: cannot prepare (%s): %s", sqlite3_errmsg(d->h), sql);
        sqlite3_finalize(raw);
        return NULL;
    }
    if (!tail_is_empty(tail)) {
        log_error("sqlite: more than one statement in: %s", sql);
        sqlite3_finalize(raw);
        return NULL;
    }
    struct sq_stmt *s = calloc(1, sizeof *s);
    if (!s) {
        sqlite3_finalize(raw);
        return NULL;
    }
    s->base.db = db;
    s->st = raw;
    s->busy = true;
    if (cache) {
        s->sql = strdup(sql);
        if (!s->sql) {
            sqlite3_finalize(raw);
            free(s);
            return NULL;
        }
        s->next = d->buckets[b];
        d->buckets[b] = s;
        d->ncached++;
    }
    return &s->base;
}

static void sq_bind_check(struct sq_stmt *s, int rc, int idx)
{
    if (rc != SQLITE_OK)
        log_error("sqlite: cannot bind ?%d (%s): %s", idx, sqlite3_errstr(rc), sqlite3_sql(s->st));
}

static void sq_bind_int(struct db_stmt *st, int idx, int64_t v)
{
    sq_bind_check(sqs(st), sqlite3_bind_int64(sqs(st)->st, idx, v), idx);
}

static void sq_bind_text(struct db_stmt *st, int idx, const char *s, size_t n)
{
    sq_bind_check(sqs(st), sqlite3_bind_text64(sqs(st)->st, idx, s, n, SQLITE_TRANSIENT, SQLITE_UTF8),
                  idx);
}

static void sq_bind_null(struct db_stmt *st, int idx)
{
    sq_bind_check(sqs(st), sqlite3_bind_null(sqs(st)->st, idx), idx);
}

static int sq_step(struct db_stmt *st)
{
    struct sq_stmt *s = sqs(st);
    if (!s->stepped) {
        s->stepped = true;
        st->db->nqueries++;
    }
    int rc = sqlite3_step(s->st);
    switch (rc & 0xff) {
    case SQLITE_ROW: return DB_ROW;
    case SQLITE_DONE: return DB_DONE;
    case SQLITE_CONSTRAINT: return DB_CONSTRAINT; /* expected by callers; not logged */
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        log_error("sqlite: busy: %s", sqlite3_sql(s->st));
        return DB_BUSY;
    default:
        log_error("sqlite: %s: %s", sqlite3_errmsg(sq(st->db)->h), sqlite3_sql(s->st));
        return DB_ERR;
    }
}

static int64_t sq_col_int(struct db_stmt *st, int col)
{
    return sqlite3_column_int64(sqs(st)->st, col);
}

static const char *sq_col_text(struct db_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(sqs(st)->st, col);
}

static bool sq_col_is_null(struct db_stmt *st, int col)
{
    return sqlite3_column_type(sqs(st)->st, col) == SQLITE_NULL;
}

static void sq_done(struct db_stmt *st)
{
    struct sq_stmt *s = sqs(st);
    if (s->sql) {
        sqlite3_reset(s->st);
        sqlite3_clear_bindings(s->st);
        s->busy = false;
        s->stepped = false;
    } else {
        sqlite3_finalize(s->st);
        free(s);
    }
}

static lerr sq_exec(struct db *db, const char *sql)
{
    struct sq_db *d = sq(db);
    db->nqueries++;
    char *err = NULL;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, &err);
    if (rc == SQLITE_OK) return LE_OK;
    log_error("sqlite: %s: %.200s", err ? err : sqlite3_errstr(rc), sql);
    sqlite3_free(err);
    return (rc & 0xff) == SQLITE_CONSTRAINT ? LE_CONFLICT : LE_DB;
}

/* IMMEDIATE takes the write lock at BEGIN (waiting up to busy_timeout), so a transaction
 * never fails halfway when a read lock would have to be upgraded. */
static lerr sq_begin(struct db *db)
{
    return sq_exec(db, "BEGIN IMMEDIATE");
}

static lerr sq_commit(struct db *db)
{
    return sq_exec(db, "COMMIT");
}

static lerr sq_rollback(struct db *db)
{
    /* Some errors (disk full, I/O) roll back by themselves; then there is nothing to do. */
    if (sqlite3_get_autocommit(sq(db)->h)) return LE_OK;
    return sq_exec(db, "ROLLBACK");
}

static const char *sq_errmsg(struct db *db)
{
    return sqlite3_errmsg(sq(db)->h);
}

static bool sq_table_exists(struct db *db, const char *name)
{
    struct db_stmt *st = sq_prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
    if (!st) return false;
    sq_bind_text(st, 1, name, strlen(name));
    bool found = sq_step(st) == DB_ROW;
    sq_done(st);
    return found;
}

static void sq_close(struct db *db)
{
    struct sq_db *d = sq(db);
    for (int b = 0; b < CACHE_BUCKETS; b++) {
        struct sq_stmt *s = d->buckets[b];
        while (s) {
            struct sq_stmt *next = s->next;
            if (s->busy) log_error("sqlite: statement not finished with db_done: %s", s->sql);
            sqlite3_finalize(s->st);
            free(s->sql);
            free(s);
            s = next;
        }
    }
    /* close_v2 defers the close if a one-shot statement was leaked, instead of failing. */
    sqlite3_close_v2(d->h);
    free(d);
}

static const struct db_engine sqlite_engine = {
    .name = "sqlite",
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind_int = sq_bind_int,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_is_null = sq_col_is_null,
    .done = sq_done,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .errmsg = sq_errmsg,
    .close = sq_close,
    .table_exists = sq_table_exists,
};

/* mkdir -p with mode 0700 for each directory it creates. */
static lerr make_dirs(const char *path, struct problem *p)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof tmp)
        return problem_set(p, LE_INVALID, "data", "the data directory path is empty or too long");
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] != '/' && tmp[i] != '\0') continue;
        char saved = tmp[i];
        tmp[i] = '\0';
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
            return problem_set(p, LE_IO, "data", "cannot create the data directory %s: %s", tmp,
                               strerror(errno));
        tmp[i] = saved;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return problem_set(p, LE_IO, "data", "the data directory %s is not a directory", path);
    return LE_OK;
}

lerr db_sqlite_open(const char *data_dir, struct db **out, struct problem *p)
{
    *out = NULL;
    lerr e = make_dirs(data_dir, p);
    if (e) return e;
    char path[4200];
    snprintf(path, sizeof path, "%s/lectern.db", data_dir);
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        problem_set(p, LE_IO, "data", "cannot open the database %s: %s", path,
                    h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return LE_IO;
    }
    sqlite3_extended_result_codes(h, 1);
    struct sq_db *d = calloc(1, sizeof *d);
    if (!d) {
        sqlite3_close(h);
        return problem_set(p, LE_NOMEM, "", "out of memory");
    }
    d->base.engine = &sqlite_engine;
    d->h = h;
    /* busy_timeout first, so switching to WAL waits for another process instead of failing. */
    static const char *const pragmas[] = {
        "PRAGMA busy_timeout = 5000",
        "PRAGMA journal_mode = WAL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA synchronous = NORMAL",
    };
    for (size_t i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++) {
        if (sq_exec(&d->base, pragmas[i])) {
            problem_set(p, LE_DB, "data", "cannot set up the database %s (%s): %s", path, pragmas[i],
                        sqlite3_errmsg(h));
            sq_close(&d->base);
            return LE_DB;
        }
    }
    /* journal_mode answers with the mode in force; WAL can be refused (e.g. some network
     * file systems), and then durability and concurrency are not what we promise. */
    struct db_stmt *st = sq_prepare(&d->base, "PRAGMA journal_mode");
    const char *mode = st && sq_step(st) == DB_ROW ? sq_col_text(st, 0) : NULL;
    bool wal = mode && strcmp(mode, "wal") == 0;
    if (st) sq_done(st);
    if (!wal) {
        sq_close(&d->base);
        return problem_set(p, LE_DB, "data",
                           "the database %s cannot use write-ahead logging; put the data directory "
                           "on a local file system",
                           path);
    }
    d->base.nqueries = 0;
    *out = &d->base;
    return LE_OK;
}
