/* The database layer: migrations, the type-string helpers, constraints, transactions,
 * savepoints, the statement cache and the pool. Each test gets a fresh data directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../../../src/db/db.h"

struct fx {
    char root[64];
    char data[96];
    struct db *db;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    snprintf(f->root, sizeof f->root, "/tmp/lectern-test-XXXXXX");
    if (!mkdtemp(f->root)) return -1;
    snprintf(f->data, sizeof f->data, "%s/data", f->root); /* db_open creates it */
    struct problem p = {0};
    if (db_open(NULL, f->data, &f->db, &p)) {
        fprintf(stderr, "db_open: %s\n", p.message);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    db_close(f->db);
    nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static int64_t count(struct db *db, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(db, &n, sql, ""), LE_OK);
    return n;
}

static void test_open_creates_private_data_dir(void **state)
{
    struct fx *f = *state;
    struct stat st;
    assert_int_equal(stat(f->data, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    char path[128];
    snprintf(path, sizeof path, "%s/lectern.db", f->data);
    assert_int_equal(stat(path, &st), 0);
    /* WAL is in force and foreign keys are on. */
    struct db_stmt *s = db_query(f->db, "PRAGMA journal_mode", "");
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "wal");
    db_done(s);
    assert_int_equal(count(f->db, "PRAGMA foreign_keys"), 1);
}

static void test_migrate_fresh(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(db_schema_version(f->db), 0);
    assert_true(db_known_version() >= 1);
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    assert_int_equal(db_schema_version(f->db), db_known_version());
    const char *tables[] = {"users", "sessions", "signin_attempts", "audit_log", "settings", "files",
                            "schema_migrations"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) assert_true(db_table_exists(f->db, tables[i]));
    assert_false(db_table_exists(f->db, "no_such_table"));
    struct db_stmt *s = db_query(f->db, "SELECT name, applied_at FROM schema_migrations WHERE version = 1", "");
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "0001_init");
    assert_true(db_col_int(s, 1) > 0);
    db_done(s);
}

static void test_remigrate_is_noop(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    int64_t rows = count(f->db, "SELECT COUNT(*) FROM schema_migrations");
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('k', 'v')", ""), LE_OK);
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM schema_migrations"), rows);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings WHERE key = 'k'"), 1);
    assert_int_equal(db_schema_version(f->db), db_known_version());
}

static void test_refuses_newer_schema(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                            "isi", (int64_t)9999, "9999_future", (int64_t)1),
                     LE_OK);
    assert_int_equal(db_migrate(f->db, &p), LE_SCHEMA);
    assert_int_equal(p.code, LE_SCHEMA);
    char want[200];
    snprintf(want, sizeof want,
             "database schema version 9999 is newer than this Lectern (knows up to %d); upgrade Lectern",
             db_known_version());
    assert_string_equal(p.message, want);
}

static void test_run_and_query(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    const char *tricky = "it's \"quoted\"; DROP TABLE settings; --";
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES (?1, ?2)", "ss", "a", tricky), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO files (sha256, size, mime, created_at) VALUES (?1, ?2, ?3, ?4)",
                            "sisi", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                            (int64_t)5000000000LL, "image/png", (int64_t)-1),
                     LE_OK);
    struct db_stmt *s = db_query(f->db, "SELECT value FROM settings WHERE key = ?1", "s", "a");
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), tricky);
    assert_false(db_col_is_null(s, 0));
    assert_int_equal(db_step(s), DB_DONE);
    db_done(s);
    int64_t size = 0;
    assert_int_equal(db_query_int(f->db, &size, "SELECT size FROM files WHERE created_at = ?1", "i", (int64_t)-1), LE_OK);
    assert_true(size == 5000000000LL);
    assert_int_equal(db_query_int(f->db, &size, "SELECT size FROM files WHERE mime = ?1", "s", "none"), LE_NOTFOUND);
    /* 's' with NULL binds NULL. */
    s = db_query(f->db, "SELECT ?1 IS NULL, ?2", "si", NULL, (int64_t)7);
    assert_int_equal(db_step(s), DB_ROW);
    assert_int_equal(db_col_int(s, 0), 1);
    assert_int_equal(db_col_int(s, 1), 7);
    db_done(s);
    /* Errors: bad SQL, bad type letter, two statements in one string. */
    assert_null(db_query(f->db, "SELEKT 1", ""));
    assert_null(db_query(f->db, "SELECT ?1", "x", 1));
    assert_int_equal(db_run(f->db, "SELECT 1; SELECT 2", ""), LE_DB);
    assert_int_equal(db_run(f->db, "INSERT INTO nowhere VALUES (1)", ""), LE_DB);
    /* NULL statements are tolerated by every wrapper. */
    db_bind_int(NULL, 1, 1);
    db_bind_text(NULL, 1, "x");
    assert_int_equal(db_step(NULL), DB_ERR);
    db_done(NULL);
}

static void test_constraint_is_conflict(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('dup', '1')", ""), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('dup', '2')", ""), LE_CONFLICT);
    struct db_stmt *s = db_prepare(f->db, "INSERT INTO settings (key, value) VALUES ('dup', '3')");
    assert_int_equal(db_step(s), DB_CONSTRAINT);
    db_done(s);
    /* Foreign keys are enforced: a session for a user that does not exist. */
    assert_int_equal(db_run(f->db,
                            "INSERT INTO sessions (token_hash, csrf, user_id, created_at, last_seen_at, "
                            "expires_at) VALUES ('h', 'c', 424242, 1, 1, 2)",
                            ""),
                     LE_CONFLICT);
    /* CHECK constraints too. */
    assert_int_equal(db_run(f->db,
                            "INSERT INTO users (username, status, roles, created_at, updated_at) "
                            "VALUES ('x', 'deleted', 1, 1, 1)",
                            ""),
                     LE_CONFLICT);
    assert_int_equal(count(f->db, "SELECT value FROM settings WHERE key = 'dup'"), 1);
}

static void test_rollback_leaves_nothing(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    assert_int_equal(db_begin(f->db), LE_OK);
    assert_int_equal(f->db->in_tx, 1);
    assert_int_equal(db_begin(f->db), LE_INTERNAL); /* no nesting with db_begin */
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('r1', 'x')", ""), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('r2', 'x')", ""), LE_OK);
    assert_int_equal(db_rollback(f->db), LE_OK);
    assert_int_equal(f->db->in_tx, 0);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings"), 0);

    /* Commit keeps; a constraint error inside a transaction leaves it usable. */
    assert_int_equal(db_begin(f->db), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('c1', 'x')", ""), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('c1', 'y')", ""), LE_CONFLICT);
    assert_int_equal(db_commit(f->db), LE_OK);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings"), 1);
}

/* A page's reads share one snapshot; a write ends it first, whether it is a statement on its
 * own or a transaction, even while a read is still being stepped. */
static void test_read_snapshot(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    struct db *other;
    assert_int_equal(db_open(NULL, f->data, &other, &p), LE_OK);

    db_read_begin(f->db);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings"), 0);
    assert_int_equal(db_run(other, "INSERT INTO settings (key, value) VALUES ('a', 'x')", ""), LE_OK);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings"), 0); /* the same snapshot */
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('b', 'x')", ""), LE_OK);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings"), 2); /* ended by the write */
    db_read_end(f->db);

    db_read_begin(f->db);
    struct db_stmt *st = db_query(f->db, "SELECT key FROM settings WHERE key IN ('a', 'b') ORDER BY key", "");
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "a");
    assert_int_equal(db_begin(f->db), LE_OK); /* a transaction in the middle of the rows */
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('c', 'x')", ""), LE_OK);
    assert_int_equal(db_commit(f->db), LE_OK);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "b");
    assert_int_equal(db_step(st), DB_DONE);
    db_done(st);
    db_read_end(f->db);
    db_read_end(f->db); /* twice, or without a begin: nothing */
    assert_int_equal(count(other, "SELECT COUNT(*) FROM settings"), 3);
    db_close(other);
}

static void test_savepoints_compose(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    /* Alone, db_tx_begin/db_tx_end is a transaction. */
    assert_int_equal(db_tx_begin(f->db), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('t1', 'x')", ""), LE_OK);
    assert_int_equal(db_tx_end(f->db, LE_INVALID), LE_INVALID);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings"), 0);

    /* Inside a caller's transaction, a failed inner unit undoes only itself... */
    assert_int_equal(db_begin(f->db), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('outer', 'x')", ""), LE_OK);
    assert_int_equal(db_tx_begin(f->db), LE_OK);
    assert_int_equal(f->db->in_tx, 2);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('inner', 'x')", ""), LE_OK);
    assert_int_equal(db_tx_end(f->db, LE_CONFLICT), LE_CONFLICT);
    assert_int_equal(f->db->in_tx, 1);
    assert_int_equal(db_tx_begin(f->db), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('kept', 'x')", ""), LE_OK);
    assert_int_equal(db_tx_end(f->db, LE_OK), LE_OK);
    assert_int_equal(db_commit(f->db), LE_OK);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings WHERE key IN ('outer', 'kept')"), 2);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings WHERE key = 'inner'"), 0);

    /* ...and the caller's rollback undoes a successful inner unit too. */
    assert_int_equal(db_begin(f->db), LE_OK);
    assert_int_equal(db_tx_begin(f->db), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('gone', 'x')", ""), LE_OK);
    assert_int_equal(db_tx_end(f->db, LE_OK), LE_OK);
    assert_int_equal(db_rollback(f->db), LE_OK);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings WHERE key = 'gone'"), 0);
}

static void test_statement_cache_and_counter(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    for (int i = 0; i < 3; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES (?1, 'v')", "s", k), LE_OK);
    }
    /* The same SQL used while it is still open (a nested loop) gets its own statement. */
    const char *sql = "SELECT key FROM settings ORDER BY key";
    uint64_t before = f->db->nqueries;
    struct db_stmt *outer = db_query(f->db, sql, "");
    int pairs = 0;
    while (db_step(outer) == DB_ROW) {
        struct db_stmt *inner = db_query(f->db, sql, "");
        assert_ptr_not_equal(inner, outer);
        while (db_step(inner) == DB_ROW) pairs++;
        db_done(inner);
    }
    db_done(outer);
    assert_int_equal(pairs, 9);
    assert_int_equal(f->db->nqueries - before, 4); /* one per execution, not per row */
    /* Once done, the cached statement is handed out again, reset and unbound. */
    struct db_stmt *a = db_query(f->db, "SELECT COUNT(*) FROM settings WHERE key = ?1", "s", "k1");
    assert_int_equal(db_step(a), DB_ROW);
    assert_int_equal(db_col_int(a, 0), 1);
    db_done(a);
    struct db_stmt *b = db_prepare(f->db, "SELECT COUNT(*) FROM settings WHERE key = ?1");
    assert_ptr_equal(a, b);
    assert_int_equal(db_step(b), DB_ROW);
    assert_int_equal(db_col_int(b, 0), 0); /* ?1 is NULL again */
    db_done(b);
}

static void test_durable_across_reopen(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('kept', 'yes')", ""), LE_OK);
    db_close(f->db);
    f->db = NULL;
    assert_int_equal(db_open("", f->data, &f->db, &p), LE_OK);
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings WHERE key = 'kept'"), 1);
}

static void test_survives_kill_9(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    /* A child process commits and is killed without closing anything: what COMMIT
     * acknowledged is there afterwards. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct db *db = NULL;
        if (db_open(NULL, f->data, &db, &p)) _exit(1);
        for (int i = 0; i < 20; i++) {
            char k[16];
            snprintf(k, sizeof k, "k%d", i);
            if (db_begin(db) || db_run(db, "INSERT INTO settings (key, value) VALUES (?1, 'v')", "s", k) ||
                db_commit(db))
                _exit(1);
        }
        db_begin(db); /* and one left open: it must not appear */
        db_run(db, "INSERT INTO settings (key, value) VALUES ('uncommitted', 'v')", "");
        kill(getpid(), SIGKILL);
        _exit(2);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    db_close(f->db);
    f->db = NULL;
    assert_int_equal(db_open(NULL, f->data, &f->db, &p), LE_OK);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings WHERE key LIKE 'k%'"), 20);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings WHERE key = 'uncommitted'"), 0);
}

static void test_open_urls(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct db *db = (struct db *)1;
    /* PostgreSQL URLs go to libpq: an unreachable server (port 1 refuses at once) is a clear
     * message naming the server, never the password. */
    assert_int_equal(db_open("postgres://u:secret@127.0.0.1:1/lectern", f->data, &db, &p), LE_DB);
    assert_null(db);
    assert_non_null(strstr(p.message, "cannot connect to PostgreSQL (host 127.0.0.1, port 1, database lectern, user u)"));
    assert_null(strstr(p.message, "secret"));
    assert_int_equal(db_open("postgresql://u:secret@[::1/x", f->data, &db, &p), LE_INVALID);
    assert_non_null(strstr(p.message, "the PostgreSQL URL is not valid"));
    assert_null(strstr(p.message, "secret"));
    assert_int_equal(db_open("postgres://u:secret@127.0.0.1:1/x?sslmode=bogus", f->data, &db, &p), LE_DB);
    assert_null(strstr(p.message, "secret"));
    assert_true(db_pg_url("host=/run/postgresql dbname=lectern"));
    assert_false(db_pg_url("data/lectern.db"));
    assert_int_equal(db_open("mysql://u:secret@h/x", f->data, &db, &p), LE_INVALID);
    assert_non_null(strstr(p.message, "postgres://"));
    assert_null(strstr(p.message, "secret")); /* a password in the URL is never echoed */
    /* A data directory that is a file. */
    char file[128];
    snprintf(file, sizeof file, "%s/plainfile", f->root);
    FILE *fp = fopen(file, "w");
    fclose(fp);
    assert_int_not_equal(db_open(NULL, file, &db, &p), LE_OK);
}

struct waiter {
    struct db_pool *pool;
    struct db *got;
};

static void *wait_for_conn(void *arg)
{
    struct waiter *w = arg;
    w->got = db_pool_get(w->pool);
    return NULL;
}

static void test_pool(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
    struct db_pool *pool = NULL;
    assert_int_equal(db_pool_open(NULL, f->data, 2, &pool, &p), LE_OK);
    struct db *a = db_pool_get(pool), *b = db_pool_get(pool);
    assert_ptr_not_equal(a, b);
    assert_int_equal(db_run(a, "INSERT INTO settings (key, value) VALUES ('p', '1')", ""), LE_OK);
    int64_t n = 0;
    assert_int_equal(db_query_int(b, &n, "SELECT COUNT(*) FROM settings", ""), LE_OK);
    assert_int_equal(n, 1); /* another connection sees the committed write */
    /* A third caller waits until a connection comes back. */
    struct waiter w = {pool, NULL};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, wait_for_conn, &w), 0);
    db_pool_put(pool, a);
    pthread_join(t, NULL);
    assert_ptr_equal(w.got, a);
    db_pool_put(pool, b);
    /* A connection returned inside a transaction is rolled back. */
    assert_int_equal(db_begin(w.got), LE_OK);
    assert_int_equal(db_run(w.got, "INSERT INTO settings (key, value) VALUES ('q', '1')", ""), LE_OK);
    db_pool_put(pool, w.got);
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM settings", ""), LE_OK);
    assert_int_equal(n, 1);
    assert_true(db_pool_total_queries(pool) >= 3);
    db_pool_close(pool);
}

int main(void)
{
    if (core_init()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_creates_private_data_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_fresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remigrate_is_noop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_newer_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_and_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_constraint_is_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_savepoints_compose, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statement_cache_and_counter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_durable_across_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_survives_kill_9, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_urls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pool, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
