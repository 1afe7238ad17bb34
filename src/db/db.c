/* The engine-independent half of the database layer: NULL-safe wrappers over the engine's
 * function table, the type-string helpers, composable transactions and the connection pool. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db.h"

/* ---- Choosing an engine ---- */

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

lerr db_open(const char *url, const char *data_dir, struct db **out, struct problem *p)
{
    *out = NULL;
    if (!url || !*url) return db_sqlite_open(data_dir ? data_dir : "data", out, p);
    if (db_pg_url(url)) return db_pg_open(url, out, p);
    if (starts_with(url, "sqlite:"))
        return problem_set(p, LE_INVALID, "database",
                           "SQLite needs no URL: leave --db out and choose the directory with --data");
    /* The URL is not echoed: it may carry a password. */
    return problem_set(p, LE_INVALID, "database",
                       "the database URL is not understood: leave it empty for SQLite in the data "
                       "directory, or give postgres://user:password@host:port/dbname "
                       "(postgresql:// also works)");
}

const char *db_engine_name(struct db *db)
{
    return db ? db->engine->name : "";
}

const char *db_for_update_skip_locked(struct db *db)
{
    const char *s = db ? db->engine->for_update_skip_locked : NULL;
    return s ? s : "";
}

lerr db_backup(struct db *db, const char *path, struct problem *p)
{
    if (!db->engine->backup)
        return problem_set(p, LE_INVALID, "", "the %s engine cannot make backups", db->engine->name);
    return db->engine->backup(db, path, p);
}

void db_close(struct db *db)
{
    if (!db) return;
    if (db->in_tx) {
        log_error("db: closing a connection inside a transaction; rolling it back");
        db_rollback(db);
    }
    db->engine->close(db);
}

/* ---- Statements ---- */

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
    if (!db || !sql) return NULL;
    return db->engine->prepare(db, sql);
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
    if (st) st->db->engine->bind_int(st, idx, v);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s)
{
    if (!st) return;
    if (s)
        st->db->engine->bind_text(st, idx, s, strlen(s));
    else
        st->db->engine->bind_null(st, idx);
}

void db_bind_null(struct db_stmt *st, int idx)
{
    if (st) st->db->engine->bind_null(st, idx);
}

int db_step(struct db_stmt *st)
{
    return st ? st->db->engine->step(st) : DB_ERR;
}

int64_t db_col_int(struct db_stmt *st, int col)
{
    return st ? st->db->engine->col_int(st, col) : 0;
}

double db_col_double(struct db_stmt *st, int col)
{
    const char *t = db_col_text(st, col);
    return t ? strtod(t, NULL) : 0;
}

void db_bind_double(struct db_stmt *st, int idx, double v)
{
    char text[32];
    snprintf(text, sizeof text, "%.17g", v);
    db_bind_text(st, idx, text);
}

const char *db_col_text(struct db_stmt *st, int col)
{
    return st ? st->db->engine->col_text(st, col) : NULL;
}

bool db_col_is_null(struct db_stmt *st, int col)
{
    return st ? st->db->engine->col_is_null(st, col) : true;
}

void db_done(struct db_stmt *st)
{
    if (st) st->db->engine->done(st);
}

void db_read_begin(struct db *db)
{
    if (db->engine->read_begin && !db->in_tx) db->engine->read_begin(db);
}

void db_read_end(struct db *db)
{
    if (db->engine->read_end) db->engine->read_end(db);
}

lerr db_snapshot_begin(struct db *db, bool *began)
{
    *began = false;
    if (db->in_tx) return LE_OK;
    lerr e = db->engine->snapshot_begin(db);
    *began = e == LE_OK;
    return e;
}

void db_snapshot_end(struct db *db, bool began)
{
    if (began) db->engine->snapshot_end(db);
}

lerr db_exec(struct db *db, const char *sql)
{
    return db->engine->exec(db, sql);
}

const char *db_errmsg(struct db *db)
{
    return db ? db->engine->errmsg(db) : "no database connection";
}

bool db_table_exists(struct db *db, const char *name)
{
    return db->engine->table_exists(db, name);
}

/* ---- Transactions ---- */

void db_yield(struct db *db)
{
    if (db->in_tx) return; /* only between transactions */
    if (db->engine->yield) db->engine->yield(db);
}

lerr db_begin(struct db *db)
{
    if (db->in_tx) {
        log_error("db: db_begin inside a transaction (nesting is not supported; use db_tx_begin)");
        return LE_INTERNAL;
    }
    lerr e = db->engine->begin(db);
    if (!e) db->in_tx = 1;
    return e;
}

lerr db_commit(struct db *db)
{
    if (!db->in_tx) {
        log_error("db: db_commit outside a transaction");
        return LE_INTERNAL;
    }
    lerr e = db->engine->commit(db);
    if (e) {
        log_error("db: commit failed (%s); rolling back", db_errmsg(db));
        db->engine->rollback(db);
    }
    db->in_tx = 0;
    return e;
}

lerr db_rollback(struct db *db)
{
    lerr e = db->engine->rollback(db);
    db->in_tx = 0;
    return e;
}

lerr db_tx_begin(struct db *db)
{
    if (db->in_tx == 0) return db_begin(db);
    char sql[48];
    snprintf(sql, sizeof sql, "SAVEPOINT lectern_sp%d", db->in_tx);
    lerr e = db_exec(db, sql);
    if (!e) db->in_tx++;
    return e ? LE_DB : LE_OK;
}

lerr db_tx_end(struct db *db, lerr e)
{
    if (db->in_tx <= 0) {
        log_error("db: db_tx_end without db_tx_begin");
        return e ? e : LE_INTERNAL;
    }
    if (db->in_tx == 1) {
        if (e) {
            db_rollback(db);
            return e;
        }
        return db_commit(db) ? LE_DB : LE_OK;
    }
    db->in_tx--;
    char sql[96];
    if (e) {
        /* ROLLBACK TO keeps the savepoint open; RELEASE closes it. */
        snprintf(sql, sizeof sql, "ROLLBACK TO lectern_sp%d; RELEASE lectern_sp%d", db->in_tx,
                 db->in_tx);
        db_exec(db, sql);
        return e;
    }
    snprintf(sql, sizeof sql, "RELEASE lectern_sp%d", db->in_tx);
    return db_exec(db, sql) ? LE_DB : LE_OK;
}

/* ---- Type-string helpers ---- */

static struct db_stmt *query_v(struct db *db, const char *sql, const char *types, va_list ap)
{
    struct db_stmt *st = db_prepare(db, sql);
    if (!st) return NULL;
    int idx = 1;
    for (const char *t = types ? types : ""; *t; t++, idx++) {
        switch (*t) {
        case 'i': db_bind_int(st, idx, va_arg(ap, int64_t)); break;
        case 's': db_bind_text(st, idx, va_arg(ap, const char *)); break;
        case 'd': db_bind_double(st, idx, va_arg(ap, double)); break;
        default:
            log_error("db: unknown bind type '%c' for: %s", *t, sql);
            db_done(st);
            return NULL;
        }
    }
    return st;
}

lerr db_run(struct db *db, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_stmt *st = query_v(db, sql, types, ap);
    va_end(ap);
    if (!st) return LE_DB;
    int rc = db_step(st);
    db_done(st);
    if (rc == DB_ROW || rc == DB_DONE) return LE_OK;
    return rc == DB_CONSTRAINT ? LE_CONFLICT : LE_DB;
}

struct db_stmt *db_query(struct db *db, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_stmt *st = query_v(db, sql, types, ap);
    va_end(ap);
    return st;
}

lerr db_query_int(struct db *db, int64_t *out, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_stmt *st = query_v(db, sql, types, ap);
    va_end(ap);
    if (!st) return LE_DB;
    int rc = db_step(st);
    lerr e = LE_OK;
    if (rc == DB_ROW && !db_col_is_null(st, 0))
        *out = db_col_int(st, 0);
    else if (rc == DB_ROW || rc == DB_DONE)
        e = LE_NOTFOUND;
    else
        e = LE_DB;
    db_done(st);
    return e;
}

/* ---- Pool ---- */

struct db_pool {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int size;
    int nfree;
    struct db **all;
    struct db **idle;        /* stack of free connections */
    uint64_t *counted;       /* per connection: nqueries already added to total */
    uint64_t total;
};

lerr db_pool_open(const char *url, const char *data_dir, int size, struct db_pool **out,
                  struct problem *p)
{
    *out = NULL;
    if (size < 1) size = 1;
    if (size > 256) size = 256;
    struct db_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return problem_set(p, LE_NOMEM, "", "out of memory");
    pool->all = calloc((size_t)size, sizeof *pool->all);
    pool->idle = calloc((size_t)size, sizeof *pool->idle);
    pool->counted = calloc((size_t)size, sizeof *pool->counted);
    if (!pool->all || !pool->idle || !pool->counted) {
        free(pool->all);
        free(pool->idle);
        free(pool->counted);
        free(pool);
        return problem_set(p, LE_NOMEM, "", "out of memory");
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->cond, NULL);
    for (int i = 0; i < size; i++) {
        lerr e = db_open(url, data_dir, &pool->all[i], p);
        if (e) {
            pool->size = i;
            pool->nfree = i;
            db_pool_close(pool);
            return e;
        }
        pool->idle[i] = pool->all[i];
    }
    pool->size = size;
    pool->nfree = size;
    *out = pool;
    return LE_OK;
}

struct db *db_pool_get(struct db_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    while (pool->nfree == 0) pthread_cond_wait(&pool->cond, &pool->lock);
    struct db *db = pool->idle[--pool->nfree];
    pthread_mutex_unlock(&pool->lock);
    return db;
}

void db_pool_put(struct db_pool *pool, struct db *db)
{
    if (!db) return;
    db_read_end(db); /* the next user starts from a fresh snapshot */
    if (db->in_tx) {
        /* A handler that returned mid-transaction must not hand its locks to the next one. */
        log_error("db: connection returned to the pool inside a transaction; rolling back");
        db_rollback(db);
    }
    pthread_mutex_lock(&pool->lock);
    for (int i = 0; i < pool->size; i++) {
        if (pool->all[i] == db) {
            pool->total += db->nqueries - pool->counted[i];
            pool->counted[i] = db->nqueries;
            break;
        }
    }
    pool->idle[pool->nfree++] = db;
    pthread_cond_signal(&pool->cond);
    pthread_mutex_unlock(&pool->lock);
}

void db_pool_close(struct db_pool *pool)
{
    if (!pool) return;
    if (pool->nfree != pool->size) log_error("db: pool closed with connections still in use");
    for (int i = 0; i < pool->size; i++) db_close(pool->all[i]);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->cond);
    free(pool->all);
    free(pool->idle);
    free(pool->counted);
    free(pool);
}

uint64_t db_pool_total_queries(struct db_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    uint64_t n = pool->total;
    pthread_mutex_unlock(&pool->lock);
    return n;
}
