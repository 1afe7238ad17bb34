/* The SQLite engine: one connection per thread (opened NOMUTEX), WAL, and a per-connection
 * statement cache keyed by SQL text so every statement is prepared once per connection.
 *
 * Durability: WAL with synchronous=NORMAL writes each commit to the WAL file before COMMIT
 * returns, so an acknowledged write survives the process being killed (kill -9); only a power
 * loss or OS crash can lose the last transactions, which FULL would also cover at the cost of
 * an fsync per commit. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>
#include <time.h>
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
    bool holds_writer;     /* a write outside a transaction, holding the writer lock until done */
};

struct sq_db {
    struct db base;
    sqlite3 *h;
    int lock_fd;           /* holds a shared flock on lectern.db while open (see restore) */
    struct sq_stmt *buckets[CACHE_BUCKETS];
    int ncached;
    bool tx_writer;        /* holds the process's writer lock: inside BEGIN IMMEDIATE ... COMMIT */
    int stmt_writers;      /* write statements outside a transaction holding it until they finish */
    bool reading;          /* inside db_read_begin's deferred BEGIN, which has written nothing */
    /* The read transaction's BEGIN and COMMIT, prepared once: every page view runs both, and
     * sqlite3_exec would parse them each time. */
    sqlite3_stmt *read_begin, *read_commit;
};

static struct sq_db *sq(struct db *db)
{
    return (struct sq_db *)db;
}

static struct sq_stmt *sqs(struct db_stmt *st)
{
    return (struct sq_stmt *)st;
}

/* The bucket's hash: the length and the last 48 bytes (where statements of the same table
 * and shape differ), not the whole text, which every lookup would otherwise walk byte by byte
 * (page statements run to a thousand characters); strcmp in the bucket decides. */
static uint32_t hash_sql(const char *s)
{
    size_t n = strlen(s);
    uint32_t h = 2166136261u ^ (uint32_t)n; /* FNV-1a */
    for (const char *p = s + (n > 48 ? n - 48 : 0); *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
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

/* Ends db_read_begin's read transaction. COMMIT of a transaction that only read: it gives up
 * the snapshot and the locks, and statements still being stepped carry on outside it. */
/* Runs a statement without results through *st, preparing it the first time. */
static bool run_prepared(struct sq_db *d, sqlite3_stmt **st, const char *sql)
{
    if (!*st && sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) return false;
    int rc = sqlite3_step(*st);
    sqlite3_reset(*st);
    return rc == SQLITE_DONE;
}

static void sq_read_end(struct db *db)
{
    struct sq_db *d = sq(db);
    if (!d->reading) return;
    d->reading = false;
    if (!sqlite3_get_autocommit(d->h) && !run_prepared(d, &d->read_commit, "COMMIT"))
        log_error("sqlite: cannot end a read transaction: %s", sqlite3_errmsg(d->h));
}

/* A deferred BEGIN takes no lock until the first read. */
static void sq_read_begin(struct db *db)
{
    struct sq_db *d = sq(db);
    if (d->reading || !sqlite3_get_autocommit(d->h)) return;
    if (run_prepared(d, &d->read_begin, "BEGIN"))
        d->reading = true;
    else
        log_error("sqlite: cannot begin a read transaction: %s", sqlite3_errmsg(d->h));
}

/* A snapshot is the read transaction, begun now rather than at the next page view. */
static lerr sq_snapshot_begin(struct db *db)
{
    sq_read_end(db);
    sq_read_begin(db);
    return sq(db)->reading ? LE_OK : LE_DB;
}

/* The threads of this process queue for SQLite's write lock on their own lock, `writer`.
 * SQLite's own wait (the busy handler) polls, so two threads that wrote at the same moment lost
 * milliseconds on every collision (the quiz burst: a write transaction per saved answer); the
 * lock hands over the moment it is free. Every write takes it: transactions (sq_begin) and
 * single statements outside one (sq_step), so no thread of this process ever meets SQLITE_BUSY
 * because another of its threads is writing.
 *
 * Interactive writers go first: a connection marked background (the job workers') waits while
 * any interactive writer waits, so a job that commits in short transactions lets every
 * sign-in and answer save in between. So that a steady stream of requests cannot starve a job
 * for ever, a background writer waits at most BACKGROUND_PATIENCE_MS behind them. */
#define BACKGROUND_PATIENCE_MS 200

static struct {
    pthread_mutex_t m;
    pthread_cond_t interactive_turn, background_turn;
    bool held;
    int interactive_waiting;
} writer = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0};

static void deadline_after_ms(struct timespec *t, long ms)
{
    clock_gettime(CLOCK_REALTIME, t); /* the clock of a default condition variable */
    t->tv_sec += ms / 1000;
    t->tv_nsec += (ms % 1000) * 1000000L;
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

static void writer_acquire(bool background)
{
    pthread_mutex_lock(&writer.m);
    if (!background) {
        writer.interactive_waiting++;
        while (writer.held) pthread_cond_wait(&writer.interactive_turn, &writer.m);
        writer.interactive_waiting--;
    } else {
        struct timespec until;
        deadline_after_ms(&until, BACKGROUND_PATIENCE_MS);
        bool patient = true;
        while (writer.held || (patient && writer.interactive_waiting > 0))
            if (pthread_cond_timedwait(&writer.background_turn, &writer.m, &until) == ETIMEDOUT) patient = false;
    }
    writer.held = true;
    pthread_mutex_unlock(&writer.m);
}

static void writer_give_back(void)
{
    pthread_mutex_lock(&writer.m);
    writer.held = false;
    if (writer.interactive_waiting > 0) pthread_cond_signal(&writer.interactive_turn);
    pthread_cond_broadcast(&writer.background_turn); /* they look again (at most the job workers) */
    pthread_mutex_unlock(&writer.m);
}

/* A connection holds the lock while in a write transaction or while any write statement
 * outside one is unfinished; it takes it once for both. */
static void writer_hold(struct sq_db *d, bool tx)
{
    if (!d->tx_writer && !d->stmt_writers) writer_acquire(d->base.background);
    if (tx) d->tx_writer = true;
    else d->stmt_writers++;
}

static void writer_drop(struct sq_db *d, bool tx)
{
    if (tx) {
        if (!d->tx_writer) return;
        d->tx_writer = false;
    } else {
        if (d->stmt_writers <= 0) return;
        d->stmt_writers--;
    }
    if (!d->tx_writer && !d->stmt_writers) writer_give_back();
}

static void stmt_writer_drop(struct sq_stmt *s)
{
    if (!s->holds_writer) return;
    s->holds_writer = false;
    writer_drop(sq(s->base.db), false);
}

static int sq_step(struct db_stmt *st)
{
    struct sq_stmt *s = sqs(st);
    if (!s->stepped) {
        s->stepped = true;
        st->db->nqueries++;
        /* A write ends the read transaction first: it then runs, and takes the write lock,
         * as it would without one (and never as an upgrade of a stale snapshot). */
        struct sq_db *d = sq(st->db);
        if (!sqlite3_stmt_readonly(s->st)) {
            if (d->reading) sq_read_end(st->db);
            /* Outside a transaction the statement is its own: it queues for the writer lock
             * like a transaction would, and holds it until it finishes. */
            if (!d->tx_writer && sqlite3_get_autocommit(d->h)) {
                writer_hold(d, false);
                s->holds_writer = true;
            }
        }
    }
    int rc = sqlite3_step(s->st);
    if ((rc & 0xff) != SQLITE_ROW) stmt_writer_drop(s); /* finished: its implicit transaction ended */
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
    stmt_writer_drop(s);
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
    sq_read_end(db); /* BEGIN IMMEDIATE, migrations, pragmas: never inside a read transaction */
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
    struct sq_db *d = sq(db);
    writer_hold(d, true);
    lerr e = sq_exec(db, "BEGIN IMMEDIATE");
    if (e) writer_drop(d, true);
    return e;
}

static lerr sq_commit(struct db *db)
{
    lerr e = sq_exec(db, "COMMIT");
    if (!e) writer_drop(sq(db), true); /* on failure db_commit rolls back, which releases */
    return e;
}

static lerr sq_rollback(struct db *db)
{
    /* Some errors (disk full, I/O) roll back by themselves; then there is nothing to do. */
    lerr e = sqlite3_get_autocommit(sq(db)->h) ? LE_OK : sq_exec(db, "ROLLBACK");
    writer_drop(sq(db), true);
    return e;
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
    d->reading = false; /* closing ends it */
    /* Closed inside a transaction: SQLite rolls it back. */
    writer_drop(d, true);
    while (d->stmt_writers > 0) writer_drop(d, false);
    sqlite3_finalize(d->read_begin);
    sqlite3_finalize(d->read_commit);
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
    if (d->lock_fd >= 0) close(d->lock_fd);
    free(d);
}

static lerr fsync_path(const char *path, bool dir)
{
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) return LE_IO;
    lerr e = fsync(fd) == 0 ? LE_OK : LE_IO;
    close(fd);
    return e;
}

/* The directory part of path ("." when there is none) into out. */
static void dir_of(const char *path, char *out, size_t out_len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, out_len, ".");
    else if (slash == path)
        snprintf(out, out_len, "/");
    else
        snprintf(out, out_len, "%.*s", (int)(slash - path), path);
}

/* One sqlite3_backup_step(-1) copies every page inside one read transaction of the source:
 * the copy is the database as of one moment, while other connections (the server) go on
 * writing to the WAL. The copy is switched to a rollback journal so it is one self-contained
 * file, checked, synced, and only then renamed to its name. */
static lerr sq_backup(struct db *db, const char *path, struct problem *p)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return problem_set(p, LE_CONFLICT, "file", "%s already exists: choose a new file name", path);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.partial", path);
    unlink(tmp);
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        problem_set(p, LE_IO, "file", "cannot create %s: %s", tmp, dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
        sqlite3_close(dst);
        unlink(tmp);
        return LE_IO;
    }
    for (int attempt = 0; attempt < 50; attempt++) {
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", sq(db)->h, "main");
        if (!b) {
            rc = sqlite3_errcode(dst);
            break;
        }
        rc = sqlite3_backup_step(b, -1);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
        sqlite3_sleep(100);
    }
    const char *why = NULL;
    if (rc != SQLITE_DONE) why = sqlite3_errstr(rc);
    char *err = NULL;
    if (!why && sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, &err) != SQLITE_OK)
        why = err ? err : "cannot switch the copy to a rollback journal";
    if (!why) {
        sqlite3_stmt *q = NULL;
        const char *res = NULL;
        if (sqlite3_prepare_v2(dst, "PRAGMA quick_check", -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
            res = (const char *)sqlite3_column_text(q, 0);
        if (!res || strcmp(res, "ok") != 0) why = "the copy failed its integrity check";
        sqlite3_finalize(q);
    }
    if (sqlite3_close(dst) != SQLITE_OK && !why) why = "cannot close the copy";
    if (!why && fsync_path(tmp, false)) why = strerror(errno);
    if (!why && rename(tmp, path) != 0) why = strerror(errno);
    if (why) {
        problem_set(p, LE_IO, "file", "cannot back up to %s: %s", path, why);
        sqlite3_free(err);
        unlink(tmp);
        return LE_IO;
    }
    char dir[4200];
    dir_of(path, dir, sizeof dir);
    fsync_path(dir, true);
    return LE_OK;
}

/* Only another process's writer makes SQLite answer SQLITE_BUSY here (this process's threads
 * queue on `writer`): `lectern user import` or another command while the server runs. SQLite's
 * busy_timeout sleeps up to 100 ms between looks, and a process that writes in short
 * transactions one after another (an import's chunks) is nearly always writing when it looks,
 * so the waiter could time out although the other side never held the lock for long. This
 * looks every millisecond, and the chunked writers pause a little between transactions
 * (db_yield). BUSY_WAIT_MS is far longer than any transaction Lectern holds. */
#define BUSY_WAIT_MS 15000

static int wait_for_other_process(void *ctx, int tries)
{
    (void)ctx;
    if (tries >= BUSY_WAIT_MS) return 0; /* each try sleeps at least 1 ms */
    sqlite3_sleep(1);
    return 1;
}

/* A writer that works in many short transactions calls this between them, so that waiters in
 * other processes (polling every millisecond) find the lock free; this process's own threads
 * need no pause (the writer lock hands over, interactive writers first). */
static void sq_yield(struct db *db)
{
    (void)db;
    sqlite3_sleep(2);
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
    .backup = sq_backup,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
    .snapshot_begin = sq_snapshot_begin,
    .snapshot_end = sq_read_end,
    .yield = sq_yield,
    .for_update_skip_locked = "",
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

/* Once per process, before the first connection: SQLite's memory statistics off. With them on
 * (the default) every allocation SQLite makes, on every connection, updates counters under one
 * global mutex, which the worker threads then contend for. */
static pthread_once_t sqlite_configured = PTHREAD_ONCE_INIT;

static void sqlite_configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

lerr db_sqlite_open(const char *data_dir, struct db **out, struct problem *p)
{
    *out = NULL;
    lerr e = make_dirs(data_dir, p);
    if (e) return e;
    char path[4200];
    snprintf(path, sizeof path, "%s/lectern.db", data_dir);
    /* A shared flock for as long as the connection is open: `lectern restore` takes it
     * exclusively, so it never replaces a database in use and nobody opens one mid-restore. */
    int lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd < 0)
        return problem_set(p, LE_IO, "data", "cannot open the database %s: %s", path, strerror(errno));
    if (flock(lock_fd, LOCK_SH | LOCK_NB) != 0) {
        close(lock_fd);
        return problem_set(p, LE_IO, "data",
                           "the database %s is being restored (lectern restore); try again when it "
                           "has finished",
                           path);
    }
    pthread_once(&sqlite_configured, sqlite_configure);
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        problem_set(p, LE_IO, "data", "cannot open the database %s: %s", path,
                    h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        close(lock_fd);
        return LE_IO;
    }
    sqlite3_extended_result_codes(h, 1);
    struct sq_db *d = calloc(1, sizeof *d);
    if (!d) {
        sqlite3_close(h);
        close(lock_fd);
        return problem_set(p, LE_NOMEM, "", "out of memory");
    }
    d->base.engine = &sqlite_engine;
    d->h = h;
    d->lock_fd = lock_fd;
    /* The busy handler first, so switching to WAL waits for another process instead of failing. */
    sqlite3_busy_handler(h, wait_for_other_process, NULL);
    static const char *const pragmas[] = {
        "PRAGMA journal_mode = WAL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA synchronous = NORMAL",
        /* A larger page cache than SQLite's 2 MiB default: the hot pages of the dashboard and
         * course page stay in memory (32 MiB per connection, one connection per worker: at
         * size L the learners' enrolments and completions, read with random sessions). */
        "PRAGMA cache_size = -32768",
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

/* ---- Restore ---- */

/* Checks the SQLite file at path: sound, and a Lectern database this binary can run. */
static lerr check_lectern_db(const char *path, const char *shown, struct problem *p)
{
    sqlite3 *h = NULL;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        problem_set(p, LE_INVALID, "file", "%s cannot be opened as a database: %s", shown,
                    h ? sqlite3_errmsg(h) : "out of memory");
        sqlite3_close(h);
        return LE_INVALID;
    }
    lerr e = LE_OK;
    sqlite3_stmt *q = NULL;
    const char *res = NULL;
    if (sqlite3_prepare_v2(h, "PRAGMA quick_check", -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        res = (const char *)sqlite3_column_text(q, 0);
    if (!res || strcmp(res, "ok") != 0)
        e = problem_set(p, LE_INVALID, "file", "%s is damaged: its integrity check failed (%s)", shown,
                        res ? res : sqlite3_errmsg(h));
    sqlite3_finalize(q);
    q = NULL;
    if (!e) {
        int found = 0;
        if (sqlite3_prepare_v2(h,
                               "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                               "('schema_migrations', 'users', 'audit_log', 'settings')",
                               -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            found = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
        q = NULL;
        if (found != 4)
            e = problem_set(p, LE_INVALID, "file",
                            "%s is an SQLite database but not a Lectern database (it lacks Lectern's "
                            "tables)",
                            shown);
    }
    if (!e) {
        int version = -1;
        if (sqlite3_prepare_v2(h, "SELECT MAX(version) FROM schema_migrations", -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
            version = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
        if (version < 1)
            e = problem_set(p, LE_INVALID, "file", "%s is not a Lectern database: it records no schema version",
                            shown);
        else if (version > db_known_version())
            e = problem_set(p, LE_SCHEMA, "file",
                            "%s has schema version %d, newer than this Lectern (knows up to %d): "
                            "restore it with a newer release",
                            shown, version, db_known_version());
    }
    /* The live database runs in WAL mode; the copy is switched before it goes live. */
    if (!e && sqlite3_exec(h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK)
        e = problem_set(p, LE_IO, "file", "cannot prepare the copy of %s: %s", shown, sqlite3_errmsg(h));
    if (sqlite3_close(h) != SQLITE_OK && !e) e = problem_set(p, LE_IO, "file", "cannot close %s", shown);
    return e;
}

static lerr copy_file(const char *from, const char *to, struct problem *p)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) return problem_set(p, LE_IO, "file", "cannot read %s: %s", from, strerror(errno));
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) {
        int err = errno;
        close(in);
        return problem_set(p, LE_IO, "file", "cannot write %s: %s", to, strerror(err));
    }
    char buf[65536];
    lerr e = LE_OK;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            e = problem_set(p, LE_IO, "file", "cannot read %s: %s", from, strerror(errno));
            break;
        }
        if (n == 0) break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                e = problem_set(p, LE_IO, "file", "cannot write %s: %s", to, strerror(errno));
                break;
            }
            off += w;
        }
        if (e) break;
    }
    if (!e && fsync(out) != 0) e = problem_set(p, LE_IO, "file", "cannot sync %s: %s", to, strerror(errno));
    if (close(out) != 0 && !e) e = problem_set(p, LE_IO, "file", "cannot write %s: %s", to, strerror(errno));
    close(in);
    return e;
}

lerr db_sqlite_restore(const char *data_dir, const char *file, struct problem *p)
{
    char head[16] = {0};
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return problem_set(p, LE_NOTFOUND, "file", "cannot read %s: %s", file, strerror(errno));
    ssize_t got = read(fd, head, sizeof head);
    close(fd);
    if (got != (ssize_t)sizeof head || memcmp(head, "SQLite format 3", 16) != 0)
        return problem_set(p, LE_INVALID, "file", "%s is not a Lectern backup (not an SQLite database)", file);
    lerr e = make_dirs(data_dir, p);
    if (e) return e;
    char live[4200], tmp[4300], kept[4300], wal[4300], shm[4300], kept_wal[4400];
    snprintf(live, sizeof live, "%s/lectern.db", data_dir);
    snprintf(tmp, sizeof tmp, "%s.restoring", live);
    snprintf(kept, sizeof kept, "%s.before-restore", live);
    snprintf(wal, sizeof wal, "%s-wal", live);
    snprintf(shm, sizeof shm, "%s-shm", live);
    snprintf(kept_wal, sizeof kept_wal, "%s-wal", kept);

    /* Exclusive against every open connection (each holds a shared flock), and it keeps new
     * ones out until the new file is in place. */
    int lock_fd = open(live, O_RDONLY | O_CLOEXEC);
    if (lock_fd < 0 && errno != ENOENT)
        return problem_set(p, LE_IO, "data", "cannot open %s: %s", live, strerror(errno));
    if (lock_fd >= 0 && flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        close(lock_fd);
        return problem_set(p, LE_CONFLICT, "data",
                           "the database %s is in use (lectern serve or another lectern command has "
                           "it open): stop Lectern first, then restore",
                           live);
    }
    /* Copy, then check the copy (not the original, which may be in use or read-only). */
    e = copy_file(file, tmp, p);
    if (!e) e = check_lectern_db(tmp, file, p);
    if (e) goto out;
    /* Keep the replaced database, with its write-ahead log if a crash left one: the log
     * belongs to the old file and must never be replayed into the new one. */
    struct stat st;
    if (lock_fd >= 0 && stat(live, &st) == 0 && st.st_size > 0) {
        unlink(kept);
        unlink(kept_wal);
        if (link(live, kept) != 0) {
            e = problem_set(p, LE_IO, "data", "cannot keep the current database as %s: %s", kept, strerror(errno));
            goto out;
        }
    }
    if (stat(wal, &st) == 0 && rename(wal, kept_wal) != 0) {
        e = problem_set(p, LE_IO, "data", "cannot move %s aside: %s", wal, strerror(errno));
        goto out;
    }
    unlink(shm);
    if (rename(tmp, live) != 0) {
        e = problem_set(p, LE_IO, "data", "cannot put the restored database in place: %s", strerror(errno));
        goto out;
    }
    fsync_path(data_dir, true);
out:
    if (e) unlink(tmp);
    if (lock_fd >= 0) close(lock_fd);
    return e;
}
