/* Lectern's database interface: a connection is a `struct db` whose engine is a table of
 * function pointers, so SQLite (default, sqlite.c) and PostgreSQL (pg.c) serve the same model
 * code. SQL written against it uses ?N placeholders and portable syntax only. */
#ifndef LECTERN_DB_H
#define LECTERN_DB_H

#include "../core/core.h"

struct db;
/* Engines embed this first in their own statement struct. */
struct db_stmt {
    struct db *db;
};

struct db_engine {
    const char *name;
    lerr (*exec)(struct db *db, const char *sql);
    struct db_stmt *(*prepare)(struct db *db, const char *sql);
    void (*bind_int)(struct db_stmt *st, int idx, int64_t v);
    void (*bind_text)(struct db_stmt *st, int idx, const char *s, size_t n);
    void (*bind_null)(struct db_stmt *st, int idx);
    int (*step)(struct db_stmt *st);
    int64_t (*col_int)(struct db_stmt *st, int col);
    const char *(*col_text)(struct db_stmt *st, int col);
    bool (*col_is_null)(struct db_stmt *st, int col);
    void (*done)(struct db_stmt *st);
    lerr (*begin)(struct db *db);
    lerr (*commit)(struct db *db);
    lerr (*rollback)(struct db *db);
    const char *(*errmsg)(struct db *db);
    void (*close)(struct db *db);
    bool (*table_exists)(struct db *db, const char *name);  /* for the migrator */
    /* Held while migrating so that several nodes starting together migrate once; NULL when
     * the engine's write lock already does it (SQLite). */
    lerr (*lock_migrations)(struct db *db);
    void (*unlock_migrations)(struct db *db);
    /* A consistent copy of the whole database into a new file (SQLite's online backup). */
    lerr (*backup)(struct db *db, const char *path, struct problem *p);
    /* One read transaction for a run of reads (db_read_begin); NULL where each statement is
     * cheap enough on its own (PostgreSQL). */
    void (*read_begin)(struct db *db);
    void (*read_end)(struct db *db);
    /* One snapshot for every read until snapshot_end (db_snapshot_begin). */
    lerr (*snapshot_begin)(struct db *db);
    void (*snapshot_end)(struct db *db);
    /* Appended to a SELECT that picks rows to claim (a job queue): " FOR UPDATE SKIP LOCKED"
     * on PostgreSQL, "" on SQLite where the single writer already serialises claims. */
    const char *for_update_skip_locked;
    /* Between the short transactions of long work (db_yield); NULL where nothing is needed. */
    void (*yield)(struct db *db);
};

struct db {
    const struct db_engine *engine;
    uint64_t nqueries;   /* statements stepped on this connection; read by per-request counters */
    int in_tx;           /* 0 outside a transaction; 1 in one; >1 inside db_tx_begin savepoints */
    /* Set by the owner of a connection that does background work (the job workers): its write
     * transactions give way to interactive ones waiting for the write lock (docs/jobs.md). */
    bool background;
};

enum { DB_DONE = 0, DB_ROW = 1, DB_ERR = -1, DB_BUSY = -2, DB_CONSTRAINT = -3 };

/* Opens one connection. `url` is NULL or "" for SQLite at DATA_DIR/lectern.db; a
 * postgres:// or postgresql:// URL (or libpq's "host=... dbname=..." form) selects the
 * PostgreSQL engine. On failure p says what to fix (never echoing a password). */
lerr db_open(const char *url, const char *data_dir, struct db **out, struct problem *p);
void db_close(struct db *db);
/* The engine's name: "sqlite" or "postgres". */
const char *db_engine_name(struct db *db);
/* The engine's row-claiming suffix (struct db_engine.for_update_skip_locked). */
const char *db_for_update_skip_locked(struct db *db);
/* A consistent copy of the database into the new file `path` while others keep writing
 * (SQLite). LE_INVALID on engines whose backups are made by their own tools (PostgreSQL). */
lerr db_backup(struct db *db, const char *path, struct problem *p);

/* A statement prepared once per connection and cached by SQL text: reset, bindings cleared.
 * Returns NULL on error (logged with the SQL). Always finish with db_done(). */
struct db_stmt *db_prepare(struct db *db, const char *sql);
void db_bind_int(struct db_stmt *st, int idx, int64_t v);   /* idx counts from 1, as ?1 */
void db_bind_text(struct db_stmt *st, int idx, const char *s); /* NULL binds NULL */
void db_bind_null(struct db_stmt *st, int idx);
/* A REAL (DOUBLE PRECISION) value, bound as its shortest exact text: both engines convert it
 * by the column's type, and PostgreSQL takes every parameter as text anyway. */
void db_bind_double(struct db_stmt *st, int idx, double v);

/* Rows: DB_ROW while there are rows, DB_DONE at the end, negative on error
 * (DB_CONSTRAINT for a unique or foreign-key violation). */
int db_step(struct db_stmt *st);
int64_t db_col_int(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col); /* valid until the next step or done */
bool db_col_is_null(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);    /* 0 for NULL */
void db_done(struct db_stmt *st);

/* Runs SQL without parameters or results (migrations, pragmas); it may hold several
 * statements separated by ';'. LE_CONFLICT on a constraint, LE_DB otherwise. */
lerr db_exec(struct db *db, const char *sql);
/* Transactions. begin takes the write lock up front so a transaction never fails halfway
 * on a lock upgrade: BEGIN IMMEDIATE on SQLite, a cluster-wide advisory lock on PostgreSQL,
 * so write transactions run one at a time on both. Nesting is not supported. On PostgreSQL a
 * failed statement aborts the transaction: end the unit of work on the first error. */
lerr db_begin(struct db *db);
/* Long work commits in short transactions and calls this between them, outside any: it lets
 * writers of other processes in (SQLite); this process's own writers are let in by the lock. */
void db_yield(struct db *db);
lerr db_commit(struct db *db);
lerr db_rollback(struct db *db);
const char *db_errmsg(struct db *db);
/* A unit of work that composes: outside a transaction db_tx_begin starts one (BEGIN
 * IMMEDIATE); inside one it opens a savepoint. db_tx_end(db, e) commits or releases when e is
 * LE_OK and rolls back to the matching begin otherwise; it returns e, or LE_DB when the commit
 * failed. Model functions use these so they work alone and inside a caller's transaction
 * (an import that creates many users all-or-nothing). */
lerr db_tx_begin(struct db *db);
lerr db_tx_end(struct db *db, lerr e);
bool db_table_exists(struct db *db, const char *name);
/* The reads that follow, up to db_read_end, share one read transaction: one snapshot, and one
 * taking of the database's read locks instead of one per statement (SQLite's WAL read lock is
 * a system call each time). Anything that writes (db_begin, db_exec, a statement that changes
 * rows) ends it first, so writes and the reads after them behave as without it. For a page
 * view: begin when the request starts, end before its connection goes back to the pool. */
void db_read_begin(struct db *db);
void db_read_end(struct db *db);
/* Every read until db_snapshot_end sees one snapshot of the database, on both engines
 * (SQLite's read transaction, PostgreSQL's REPEATABLE READ READ ONLY): a check or an export
 * that must not see another connection's write half-way. Inside a transaction it does
 * nothing (*began false): the transaction is the snapshot. Only reads may run inside it. */
lerr db_snapshot_begin(struct db *db, bool *began);
void db_snapshot_end(struct db *db, bool began);

/* Convenience: prepare, bind by a type string, step once, done. Types: 'i' int64_t,
 * 'd' double, 's' const char * (NULL binds NULL). Returns LE_OK, LE_CONFLICT on constraint, LE_DB. */
lerr db_run(struct db *db, const char *sql, const char *types, ...);
/* Binds the same way and returns the prepared statement positioned before its first row. */
struct db_stmt *db_query(struct db *db, const char *sql, const char *types, ...);
/* Binds the same way and reads column 0 of the first row into *out. LE_NOTFOUND when there is
 * no row (or the value is NULL), LE_DB on error. */
lerr db_query_int(struct db *db, int64_t *out, const char *sql, const char *types, ...);

/* ---- Engines (chosen by db_open) ---- */
/* SQLite at data_dir/lectern.db; creates data_dir (mode 0700) when missing. Every connection
 * holds a shared flock(2) on the file so that restore can tell the database is in use. */
lerr db_sqlite_open(const char *data_dir, struct db **out, struct problem *p);
/* PostgreSQL through libpq; url as libpq takes it. */
lerr db_pg_open(const char *url, struct db **out, struct problem *p);
/* True when url names a PostgreSQL database (postgres://, postgresql://, key=value form). */
bool db_pg_url(const char *url);
/* Replaces data_dir/lectern.db with the SQLite file `file` after checking that it is a sound
 * Lectern database no newer than this binary. Refuses (LE_CONFLICT) while any process has the
 * database open. The replaced database is kept as lectern.db.before-restore. */
lerr db_sqlite_restore(const char *data_dir, const char *file, struct problem *p);

/* ---- Pool: one connection per worker thread, handed out under a lock. ---- */
struct db_pool;
lerr db_pool_open(const char *url, const char *data_dir, int size, struct db_pool **out, struct problem *p);
struct db *db_pool_get(struct db_pool *pool);   /* blocks while all are in use */
void db_pool_put(struct db_pool *pool, struct db *db);
void db_pool_close(struct db_pool *pool);
/* Statements run by connections that have been returned to the pool (a connection's queries
 * are added when it is put back). */
uint64_t db_pool_total_queries(struct db_pool *pool);

/* ---- Migrations (src/db/migrate.c): migrations/NNNN_name.sql, embedded ----
 * A file migrations/<engine>/NNNN_name.sql (engine = struct db_engine.name, e.g. "postgres")
 * replaces the portable file of the same version for that engine only. */
int db_schema_version(struct db *db);  /* 0 for an empty database, -1 on error */
int db_known_version(void);            /* highest migration this binary carries */
int db_known_above(int version);       /* how many it carries above version (numbers may skip) */
/* Applies pending migrations, each in its own transaction, under the engine's migration lock
 * (so nodes starting together migrate once). Refuses (LE_SCHEMA) a database whose version is
 * newer than this binary knows, before changing anything. */
lerr db_migrate(struct db *db, struct problem *p);

#endif
