/* The PostgreSQL engine on libpq: one connection per thread, statements prepared once per
 * connection (PQprepare under generated names, cached by SQL text like the SQLite engine) and
 * run with PQexecPrepared in text format. SQL arrives with ?N placeholders and is rewritten to
 * $N here, outside string literals, quoted identifiers and comments.
 *
 * Write transactions take one cluster-wide advisory lock at BEGIN (pg_advisory_xact_lock), so
 * they run one at a time across every node, as they do under SQLite's single writer. Nearly
 * every write transaction appends to the hash-chained audit log, which needs appends in one
 * order anyway; taking that order at BEGIN instead of at the append means two transactions can
 * never hold row locks the other wants (no deadlocks between them) and the chain stays one
 * valid chain. Reads, single statements outside a transaction (session touches) and job claims
 * (FOR UPDATE SKIP LOCKED) do not take the lock and run in parallel.
 *
 * Unlike SQLite, a failed statement inside a PostgreSQL transaction aborts the transaction:
 * the model already ends a unit of work on its first error, and savepoints (db_tx_begin) can
 * still be rolled back to. A statement outside a transaction that fails on a deadlock or a
 * serialization failure is retried; one that finds the connection broken (a server restart)
 * reconnects, prepares again and is retried once. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>
#include "db.h"

#define CACHE_BUCKETS 128
#define CACHE_MAX 1024      /* statements cached per connection; past it they run unprepared */
#define MAX_PARAMS 99       /* ?1 .. ?99 */
#define RETRIES 3           /* deadlock / serialization failure, outside a transaction */

/* pg_advisory_lock(int4, int4) keys: the first says "Lectern", the second what is locked. */
#define LOCK_CLASS 1818583924 /* 'lect' */
#define LOCK_WRITER 1
#define LOCK_MIGRATE 2
#define LOCK_TIMEOUT_S 30   /* longest wait for a lock inside a write transaction */

struct pg_stmt {
    struct db_stmt base;
    char *sql;               /* cache key; NULL for one-shot handles */
    char *pgsql;             /* the SQL with $N placeholders */
    char name[24];           /* prepared statement name; "" when run unprepared */
    int nparams;
    unsigned gen;            /* connection generation it was prepared on */
    struct pg_stmt *owner;   /* for a one-shot copy of a busy cached statement */
    char *vals[MAX_PARAMS];  /* bound values as text; NULL binds NULL */
    PGresult *res;
    int row, nrows;
    bool busy, executed;
    struct pg_stmt *next;    /* bucket chain */
};

struct pg_db {
    struct db base;
    PGconn *conn;
    unsigned gen;            /* bumped on reconnect: every statement must be prepared again */
    unsigned next_name;
    struct pg_stmt *buckets[CACHE_BUCKETS];
    int ncached;
    char err[512];
};

static struct pg_db *pg(struct db *db)
{
    return (struct pg_db *)db;
}

static struct pg_stmt *pgs(struct db_stmt *st)
{
    return (struct pg_stmt *)st;
}

static uint32_t hash_sql(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* A libpq message on one line into d->err. */
static void set_err(struct pg_db *d, const char *msg)
{
    snprintf(d->err, sizeof d->err, "%s", msg && *msg ? msg : "unknown PostgreSQL error");
    for (char *q = d->err; *q; q++) /* one log line */
        if (*q == '\n' || *q == '\t') *q = ' ';
    size_t n = strlen(d->err);
    while (n && (d->err[n - 1] == '\n' || d->err[n - 1] == ' ')) d->err[--n] = '\0';
}

static const char *sqlstate(const PGresult *res)
{
    const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return s ? s : "";
}

static bool is_retryable(const char *state)
{
    return strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0; /* serialization, deadlock */
}

/* ---- ?N -> $N ---- */

/* Rewrites placeholders, skipping '...' literals, "..." identifiers, -- and block comments.
 * Returns a malloc'd string and the highest N in *nparams, or NULL (logged) when a '?' is not
 * followed by a number from 1 to MAX_PARAMS. */
static char *rewrite(const char *sql, int *nparams)
{
    size_t n = strlen(sql);
    char *out = malloc(n + 1); /* "?12" -> "$12": never longer */
    if (!out) return NULL;
    size_t k = 0;
    int maxp = 0;
    for (size_t i = 0; i < n;) {
        char c = sql[i];
        if (c == '\'' || c == '"') {
            out[k++] = sql[i++];
            while (i < n) {
                out[k++] = sql[i];
                if (sql[i++] == c) {
                    if (i < n && sql[i] == c) { /* doubled quote inside */
                        out[k++] = sql[i++];
                        continue;
                    }
                    break;
                }
            }
        } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
            while (i < n && sql[i] != '\n') out[k++] = sql[i++];
        } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
            out[k++] = sql[i++];
            out[k++] = sql[i++];
            while (i < n && !(sql[i] == '*' && i + 1 < n && sql[i + 1] == '/')) out[k++] = sql[i++];
            if (i < n) {
                out[k++] = sql[i++];
                out[k++] = sql[i++];
            }
        } else if (c == '?') {
            i++;
            int v = 0;
            size_t digits = 0;
            while (i < n && isdigit((unsigned char)sql[i]) && digits < 3) {
                v = v * 10 + (sql[i] - '0');
                out[k + 1 + digits] = sql[i];
                i++;
                digits++;
            }
            if (digits == 0 || v < 1 || v > MAX_PARAMS) {
                log_error("pg: placeholders must be ?1 to ?%d in: %s", MAX_PARAMS, sql);
                free(out);
                return NULL;
            }
            out[k] = '$';
            k += 1 + digits;
            if (v > maxp) maxp = v;
        } else {
            out[k++] = sql[i++];
        }
    }
    out[k] = '\0';
    *nparams = maxp;
    return out;
}

/* ---- Connection ---- */

static void quiet_notices(void *arg, const char *message)
{
    (void)arg, (void)message; /* "relation already exists, skipping" and the like */
}

/* Reconnects a broken connection (outside a transaction only). Every prepared statement is
 * gone with the old session, so the generation changes and statements prepare again. */
static bool reconnect(struct pg_db *d)
{
    if (PQstatus(d->conn) == CONNECTION_OK) return true;
    log_error("pg: connection lost (%s); reconnecting", d->err[0] ? d->err : PQerrorMessage(d->conn));
    PQreset(d->conn);
    if (PQstatus(d->conn) != CONNECTION_OK) {
        set_err(d, PQerrorMessage(d->conn));
        log_error("pg: reconnect failed: %s", d->err);
        return false;
    }
    d->gen++;
    return true;
}

static bool ensure_prepared(struct pg_db *d, struct pg_stmt *s)
{
    struct pg_stmt *o = s->owner ? s->owner : s;
    if (!o->name[0] || o->gen == d->gen) return true;
    PGresult *r = PQprepare(d->conn, o->name, o->pgsql, 0, NULL);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok && PQstatus(d->conn) == CONNECTION_BAD && d->base.in_tx == 0) {
        set_err(d, PQresultErrorMessage(r));
        PQclear(r);
        if (!reconnect(d)) return false;
        r = PQprepare(d->conn, o->name, o->pgsql, 0, NULL);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    }
    if (!ok) {
        set_err(d, PQresultErrorMessage(r));
        log_error("pg: cannot prepare (%s): %s", d->err, o->sql ? o->sql : o->pgsql);
    } else {
        o->gen = d->gen;
    }
    PQclear(r);
    return ok;
}

/* ---- Statements ---- */

static struct pg_stmt *new_stmt(struct pg_db *d)
{
    struct pg_stmt *s = calloc(1, sizeof *s);
    if (s) s->base.db = &d->base;
    return s;
}

static void free_stmt(struct pg_stmt *s)
{
    for (int i = 0; i < MAX_PARAMS; i++) free(s->vals[i]);
    PQclear(s->res);
    if (!s->owner) {
        free(s->sql);
        free(s->pgsql);
    }
    free(s);
}

static struct db_stmt *pg_prepare(struct db *db, const char *sql)
{
    struct pg_db *d = pg(db);
    uint32_t b = hash_sql(sql) % CACHE_BUCKETS;
    struct pg_stmt *cached = NULL;
    for (struct pg_stmt *s = d->buckets[b]; s; s = s->next) {
        if (strcmp(s->sql, sql) != 0) continue;
        cached = s;
        break;
    }
    if (cached && !cached->busy) {
        if (!ensure_prepared(d, cached)) return NULL;
        cached->busy = true;
        return &cached->base;
    }
    if (cached) {
        /* The same SQL still in use (a nested loop): a second handle on the same prepared
         * statement, freed at db_done. */
        struct pg_stmt *s = new_stmt(d);
        if (!s) return NULL;
        s->owner = cached;
        s->pgsql = cached->pgsql;
        s->nparams = cached->nparams;
        memcpy(s->name, cached->name, sizeof s->name);
        s->busy = true;
        return &s->base;
    }
    struct pg_stmt *s = new_stmt(d);
    if (!s) return NULL;
    s->pgsql = rewrite(sql, &s->nparams);
    if (!s->pgsql) {
        free(s);
        return NULL;
    }
    if (d->ncached < CACHE_MAX) {
        s->sql = strdup(sql);
        if (!s->sql) {
            free_stmt(s);
            return NULL;
        }
        snprintf(s->name, sizeof s->name, "lectern_%u", ++d->next_name);
        s->gen = d->gen - 1; /* not prepared yet */
        if (!ensure_prepared(d, s)) {
            free_stmt(s);
            return NULL;
        }
        s->next = d->buckets[b];
        d->buckets[b] = s;
        d->ncached++;
    }
    /* Past the cap: one-shot, sent with PQexecParams (parsed on every run). */
    s->busy = true;
    return &s->base;
}

static void set_val(struct pg_stmt *s, int idx, char *v)
{
    if (idx < 1 || idx > s->nparams) {
        log_error("pg: cannot bind ?%d (the statement has %d): %s", idx, s->nparams, s->pgsql);
        free(v);
        return;
    }
    free(s->vals[idx - 1]);
    s->vals[idx - 1] = v;
}

static void pg_bind_int(struct db_stmt *st, int idx, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    set_val(pgs(st), idx, strdup(buf));
}

static void pg_bind_text(struct db_stmt *st, int idx, const char *s, size_t n)
{
    char *v = malloc(n + 1);
    if (v) {
        memcpy(v, s, n);
        v[n] = '\0';
    }
    set_val(pgs(st), idx, v);
}

static void pg_bind_null(struct db_stmt *st, int idx)
{
    set_val(pgs(st), idx, NULL);
}

static PGresult *run_once(struct pg_db *d, struct pg_stmt *s)
{
    const char *const *vals = (const char *const *)s->vals;
    if (s->name[0]) {
        if (!ensure_prepared(d, s)) return NULL;
        return PQexecPrepared(d->conn, s->name, s->nparams, vals, NULL, NULL, 0);
    }
    return PQexecParams(d->conn, s->pgsql, s->nparams, NULL, vals, NULL, NULL, 0);
}

static int pg_step(struct db_stmt *st)
{
    struct pg_stmt *s = pgs(st);
    struct pg_db *d = pg(st->db);
    if (s->executed) {
        if (!s->res || s->row + 1 >= s->nrows) {
            s->row = s->nrows;
            return DB_DONE;
        }
        s->row++;
        return DB_ROW;
    }
    s->executed = true;
    st->db->nqueries++;
    for (int attempt = 0;; attempt++) {
        PQclear(s->res);
        s->res = run_once(d, s);
        ExecStatusType rs = s->res ? PQresultStatus(s->res) : PGRES_FATAL_ERROR;
        if (rs == PGRES_TUPLES_OK || rs == PGRES_COMMAND_OK) {
            s->nrows = rs == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
            s->row = 0;
            if (s->nrows > 0) return DB_ROW;
            return DB_DONE;
        }
        set_err(d, s->res ? PQresultErrorMessage(s->res) : PQerrorMessage(d->conn));
        char state[6];
        snprintf(state, sizeof state, "%s", sqlstate(s->res));
        PQclear(s->res);
        s->res = NULL;
        bool in_tx = d->base.in_tx > 0;
        if (strncmp(state, "23", 2) == 0) return DB_CONSTRAINT; /* expected by callers */
        if (!in_tx && attempt < RETRIES && is_retryable(state)) {
            struct timespec ts = {0, (long)(attempt + 1) * 20 * 1000000L};
            nanosleep(&ts, NULL);
            continue;
        }
        if (!in_tx && attempt == 0 && PQstatus(d->conn) == CONNECTION_BAD && reconnect(d)) continue;
        if (is_retryable(state) || strcmp(state, "55P03") == 0) {
            log_error("pg: busy (%s): %s", d->err, s->pgsql);
            return DB_BUSY;
        }
        log_error("pg: %s: %s", d->err, s->pgsql);
        return DB_ERR;
    }
}

static bool has_row(struct pg_stmt *s, int col)
{
    return s->res && s->row < s->nrows && col >= 0 && col < PQnfields(s->res);
}

static int64_t pg_col_int(struct db_stmt *st, int col)
{
    struct pg_stmt *s = pgs(st);
    if (!has_row(s, col) || PQgetisnull(s->res, s->row, col)) return 0;
    const char *v = PQgetvalue(s->res, s->row, col);
    if (v[0] == 't' && v[1] == '\0') return 1; /* boolean */
    if (v[0] == 'f' && v[1] == '\0') return 0;
    return strtoll(v, NULL, 10);
}

static const char *pg_col_text(struct db_stmt *st, int col)
{
    struct pg_stmt *s = pgs(st);
    if (!has_row(s, col) || PQgetisnull(s->res, s->row, col)) return NULL;
    return PQgetvalue(s->res, s->row, col);
}

static bool pg_col_is_null(struct db_stmt *st, int col)
{
    struct pg_stmt *s = pgs(st);
    return !has_row(s, col) || PQgetisnull(s->res, s->row, col);
}

static void pg_done(struct db_stmt *st)
{
    struct pg_stmt *s = pgs(st);
    if (!s->sql) { /* one-shot handle (a busy copy, or past the cache cap) */
        free_stmt(s);
        return;
    }
    PQclear(s->res);
    s->res = NULL;
    for (int i = 0; i < MAX_PARAMS; i++) {
        free(s->vals[i]);
        s->vals[i] = NULL;
    }
    s->row = s->nrows = 0;
    s->executed = false;
    s->busy = false;
}

/* ---- Plain SQL, transactions ---- */

/* Runs SQL without parameters (may hold several statements). */
static lerr pg_exec_quiet(struct pg_db *d, const char *sql, PGresult **keep)
{
    for (int attempt = 0;; attempt++) {
        PGresult *r = PQexec(d->conn, sql);
        ExecStatusType rs = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        if (rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK || rs == PGRES_EMPTY_QUERY) {
            if (keep)
                *keep = r;
            else
                PQclear(r);
            return LE_OK;
        }
        set_err(d, r ? PQresultErrorMessage(r) : PQerrorMessage(d->conn));
        char state[6] = "";
        snprintf(state, sizeof state, "%s", sqlstate(r));
        PQclear(r);
        bool in_tx = d->base.in_tx > 0;
        if (!in_tx && attempt == 0 && PQstatus(d->conn) == CONNECTION_BAD && reconnect(d)) continue;
        return strncmp(state, "23", 2) == 0 ? LE_CONFLICT : LE_DB;
    }
}

static lerr pg_exec(struct db *db, const char *sql)
{
    db->nqueries++;
    lerr e = pg_exec_quiet(pg(db), sql, NULL);
    if (e) log_error("pg: %s: %.200s", pg(db)->err, sql);
    return e;
}

/* One round trip: BEGIN, a bound on lock waits (like SQLite's busy timeout, so a stuck writer
 * shows up as an error instead of a pile of waiting requests), and the writer lock. */
static lerr pg_begin(struct db *db)
{
    char sql[160];
    snprintf(sql, sizeof sql, "BEGIN; SET LOCAL lock_timeout = '%ds'; SELECT pg_advisory_xact_lock(%d, %d)",
             LOCK_TIMEOUT_S, LOCK_CLASS, LOCK_WRITER);
    lerr e = pg_exec(db, sql);
    /* A lock wait that timed out leaves the transaction open (and aborted): end it here, as
     * the caller does not count it as begun. */
    if (e && PQtransactionStatus(pg(db)->conn) != PQTRANS_IDLE) pg_exec_quiet(pg(db), "ROLLBACK", NULL);
    return e;
}

/* A read-only transaction on one snapshot; counted as a transaction so that a broken
 * connection is not silently replaced by one without the snapshot. */
static lerr pg_snapshot_begin(struct db *db)
{
    lerr e = pg_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (!e) db->in_tx = 1;
    return e;
}

static void pg_snapshot_end(struct db *db)
{
    pg_exec_quiet(pg(db), "COMMIT", NULL);
    db->in_tx = 0;
}

static lerr pg_commit(struct db *db)
{
    struct pg_db *d = pg(db);
    db->nqueries++;
    PGresult *r = NULL;
    lerr e = pg_exec_quiet(d, "COMMIT", &r);
    /* COMMIT of a transaction that an error aborted succeeds as a ROLLBACK: that is a failure. */
    if (!e && strcmp(PQcmdStatus(r), "COMMIT") != 0) {
        set_err(d, "the transaction was aborted by an earlier error and rolled back");
        e = LE_DB;
    }
    PQclear(r);
    if (e) log_error("pg: commit: %s", d->err);
    return e;
}

static lerr pg_rollback(struct db *db)
{
    struct pg_db *d = pg(db);
    PGTransactionStatusType ts = PQtransactionStatus(d->conn);
    if (ts == PQTRANS_IDLE || ts == PQTRANS_UNKNOWN) return LE_OK;
    return pg_exec(db, "ROLLBACK");
}

static const char *pg_errmsg(struct db *db)
{
    struct pg_db *d = pg(db);
    return d->err[0] ? d->err : "no error";
}

static bool pg_table_exists(struct db *db, const char *name)
{
    struct db_stmt *st = pg_prepare(db, "SELECT 1 FROM pg_catalog.pg_tables "
                                        "WHERE schemaname = current_schema() AND tablename = ?1");
    if (!st) return false;
    pg_bind_text(st, 1, name, strlen(name));
    bool found = pg_step(st) == DB_ROW;
    pg_done(st);
    return found;
}

/* Migrations run under a session-level advisory lock, so nodes that start together apply
 * each migration once: the others wait, then find it recorded. */
static lerr pg_lock_migrations(struct db *db)
{
    struct pg_db *d = pg(db);
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_try_advisory_lock(%d, %d)", LOCK_CLASS, LOCK_MIGRATE);
    PGresult *r = NULL;
    if (pg_exec_quiet(d, sql, &r)) return LE_DB;
    bool got = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (got) return LE_OK;
    log_info("migrate: another node is migrating this database; waiting for it");
    snprintf(sql, sizeof sql, "SELECT pg_advisory_lock(%d, %d)", LOCK_CLASS, LOCK_MIGRATE);
    return pg_exec_quiet(d, sql, NULL);
}

static void pg_unlock_migrations(struct db *db)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_advisory_unlock(%d, %d)", LOCK_CLASS, LOCK_MIGRATE);
    pg_exec_quiet(pg(db), sql, NULL);
}

static lerr pg_backup(struct db *db, const char *path, struct problem *p)
{
    (void)db, (void)path;
    return problem_set(p, LE_INVALID, "", "backups of a PostgreSQL database are made with pg_dump");
}

static void pg_close(struct db *db)
{
    struct pg_db *d = pg(db);
    for (int b = 0; b < CACHE_BUCKETS; b++) {
        struct pg_stmt *s = d->buckets[b];
        while (s) {
            struct pg_stmt *next = s->next;
            if (s->busy) log_error("pg: statement not finished with db_done: %s", s->sql);
            free_stmt(s);
            s = next;
        }
    }
    PQfinish(d->conn);
    free(d);
}

static const struct db_engine pg_engine = {
    .name = "postgres",
    .exec = pg_exec,
    .prepare = pg_prepare,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_is_null = pg_col_is_null,
    .done = pg_done,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .errmsg = pg_errmsg,
    .close = pg_close,
    .table_exists = pg_table_exists,
    .lock_migrations = pg_lock_migrations,
    .unlock_migrations = pg_unlock_migrations,
    .backup = pg_backup,
    .for_update_skip_locked = " FOR UPDATE SKIP LOCKED",
    .snapshot_begin = pg_snapshot_begin,
    .snapshot_end = pg_snapshot_end,
};

/* ---- Opening ---- */

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool db_pg_url(const char *url)
{
    if (!url) return false;
    if (starts_with(url, "postgres://") || starts_with(url, "postgresql://")) return true;
    /* libpq's keyword form: "host=/run/postgresql dbname=lectern". */
    return strchr(url, '=') && !strstr(url, "://");
}

/* A connection failure in words: libpq's message (which never holds the password), the
 * server it was for, and what usually fixes it. */
static lerr connect_problem(PGconn *c, struct problem *p)
{
    char msg[400];
    snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
    /* libpq's message can span lines ("...failed: Connection refused\n\tIs the server..."). */
    for (char *q = msg; *q; q++)
        if (*q == '\n' || *q == '\t') *q = ' ';
    size_t n = strlen(msg);
    while (n && msg[n - 1] == ' ') msg[--n] = '\0';
    const char *hint = "";
    if (strstr(msg, "password authentication failed") || strstr(msg, "no password supplied"))
        hint = " (check the user name and password in the URL, or the server's pg_hba.conf)";
    else if (strstr(msg, "does not exist") && strstr(msg, "database"))
        hint = " (create it first, for example: createdb -E UTF8 -T template0 NAME)";
    else if (strstr(msg, "Connection refused") || strstr(msg, "could not connect") ||
             strstr(msg, "timeout expired") || strstr(msg, "could not translate host name"))
        hint = " (is PostgreSQL running, and are the host and port in the URL right?)";
    const char *host = PQhost(c), *port = PQport(c), *db = PQdb(c), *user = PQuser(c);
    return problem_set(p, LE_DB, "database",
                       "cannot connect to PostgreSQL (host %s, port %s, database %s, user %s): %s%s",
                       host && *host ? host : "default", port && *port ? port : "5432",
                       db && *db ? db : "default", user && *user ? user : "default", msg, hint);
}

lerr db_pg_open(const char *url, struct db **out, struct problem *p)
{
    *out = NULL;
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &perr);
    if (!opts) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", perr ? perr : "out of memory");
        for (char *q = msg; *q; q++)
            if (*q == '\n') *q = ' ';
        PQfreemem(perr);
        /* libpq's parse errors may quote the URL, and with it a password: not echoed. */
        char *cut = strstr(msg, " in URI");
        if (!cut) cut = strstr(msg, url);
        if (cut) *cut = '\0';
        return problem_set(p, LE_INVALID, "database",
                           "the PostgreSQL URL is not valid (%s); write it as "
                           "postgres://user:password@host:port/dbname",
                           msg);
    }
    PQconninfoFree(opts);
    /* Later keywords win: the URL's own connect_timeout replaces the default below. */
    const char *const keys[] = {"connect_timeout", "fallback_application_name", "client_encoding", "dbname", NULL};
    const char *const vals[] = {"10", "lectern", "UTF8", url, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (!c) return problem_set(p, LE_NOMEM, "", "out of memory");
    if (PQstatus(c) != CONNECTION_OK) {
        lerr e = connect_problem(c, p);
        PQfinish(c);
        return e;
    }
    const char *enc = PQparameterStatus(c, "server_encoding");
    if (!enc || strcmp(enc, "UTF8") != 0) {
        problem_set(p, LE_DB, "database",
                    "the PostgreSQL database %s uses the encoding %s; Lectern needs UTF8 "
                    "(createdb -E UTF8 -T template0 NAME)",
                    PQdb(c), enc ? enc : "unknown");
        PQfinish(c);
        return LE_DB;
    }
    PQsetNoticeProcessor(c, quiet_notices, NULL);
    struct pg_db *d = calloc(1, sizeof *d);
    if (!d) {
        PQfinish(c);
        return problem_set(p, LE_NOMEM, "", "out of memory");
    }
    d->base.engine = &pg_engine;
    d->conn = c;
    d->gen = 1;
    /* LIKE ... ESCAPE '\' in the model relies on standard strings (the default since 9.1). */
    const char *scs = PQparameterStatus(c, "standard_conforming_strings");
    if ((!scs || strcmp(scs, "on") != 0) && pg_exec_quiet(d, "SET standard_conforming_strings = on", NULL)) {
        problem_set(p, LE_DB, "database", "cannot set up the PostgreSQL session: %s", d->err);
        pg_close(&d->base);
        return LE_DB;
    }
    *out = &d->base;
    return LE_OK;
}
