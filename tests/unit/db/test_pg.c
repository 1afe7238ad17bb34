/* The PostgreSQL engine against a real server: placeholders, types, constraints, aborted
 * transactions and savepoints, the statement cache, reconnecting, migrations under the lock,
 * audit appends and job claims from many connections at once, and that the two dialects'
 * migrations define the same tables, columns and indexes.
 *
 * Needs LECTERN_TEST_PG (an administrator URL, as scripts/pg-test-cluster.sh sets); without
 * it every test is skipped. Each test gets a fresh database. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "../../../src/model/platform/platform.h"
#include "../../../src/core/asset.h"

#include "../fixture.h"

/* A fresh, empty database (the tests migrate it themselves) and a temporary directory for the
 * SQLite side of comparisons; nothing without LECTERN_TEST_PG. */
static int setup_empty(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    *state = f;
    return pg_admin_url() ? fx_open(f, true) : 0;
}

#define NEED_PG()                                                                                  \
    do {                                                                                           \
        if (!pg_admin_url()) skip();                                                                  \
    } while (0)

static int64_t count(struct db *db, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(db, &n, sql, ""), LE_OK);
    return n;
}

static void migrate(struct fx *f)
{
    struct problem p = {0};
    assert_int_equal(db_migrate(f->db, &p), LE_OK);
}

static void test_placeholders_and_types(void **state)
{
    NEED_PG();
    struct fx *f = *state;
    assert_string_equal(db_engine_name(f->db), "postgres");
    /* ?N outside literals, identifiers and comments only; the same ?N twice; out of order. */
    struct db_stmt *s = db_query(f->db,
                                 "SELECT 'what?1 it''s' AS \"col?2\", CAST(?2 AS TEXT) || CAST(?1 AS TEXT), "
                                 "CAST(?3 AS BIGINT) + CAST(?3 AS BIGINT), CAST(?4 AS TEXT) IS NULL, 1 = 1 "
                                 "-- and ?9 in a comment\n",
                                 "ssis", "a", "b", (int64_t)2500000000LL, NULL);
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "what?1 it's");
    assert_string_equal(db_col_text(s, 1), "ba");
    assert_true(db_col_int(s, 2) == 5000000000LL);
    assert_int_equal(db_col_int(s, 3), 1); /* boolean true */
    assert_int_equal(db_col_int(s, 4), 1);
    assert_false(db_col_is_null(s, 0));
    assert_null(db_col_text(s, 9)); /* no such column */
    assert_int_equal(db_step(s), DB_DONE);
    db_done(s);
    /* Errors: bad SQL and a bare '?' give no statement; two statements in one run fail. */
    assert_null(db_query(f->db, "SELEKT 1", ""));
    assert_null(db_query(f->db, "SELECT ?", ""));
    assert_int_equal(db_run(f->db, "SELECT 1; SELECT 2", ""), LE_DB);
    /* NULL columns read as NULL text and 0. */
    s = db_query(f->db, "SELECT CAST(NULL AS TEXT), CAST(NULL AS BIGINT)", "");
    assert_int_equal(db_step(s), DB_ROW);
    assert_null(db_col_text(s, 0));
    assert_true(db_col_is_null(s, 1));
    assert_int_equal(db_col_int(s, 1), 0);
    db_done(s);
}

/* One for each migration the binary carries (migrations/NNNN_*.sql; a PostgreSQL version of one
 * replaces it): numbers may have gaps, where a branch took a number that another one fills. */
static void count_migration(const struct asset *a, void *ctx)
{
    if (!strchr(a->path + strlen("migrations/"), '/')) (*(int64_t *)ctx)++;
}

static int64_t known_migrations(void)
{
    int64_t n = 0;
    asset_each("migrations/", count_migration, &n);
    return n;
}

static void test_migrate_and_newer_schema(void **state)
{
    NEED_PG();
    struct fx *f = *state;
    struct problem p = {0};
    assert_int_equal(db_schema_version(f->db), 0);
    migrate(f);
    assert_int_equal(db_schema_version(f->db), db_known_version());
    migrate(f); /* again: nothing to do */
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM schema_migrations"), known_migrations());
    assert_true(db_table_exists(f->db, "jobs"));
    assert_false(db_table_exists(f->db, "no_such_table"));
    assert_int_equal(db_run(f->db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'x', 1)", ""),
                     LE_OK);
    assert_int_equal(db_migrate(f->db, &p), LE_SCHEMA);
    assert_non_null(strstr(p.message, "database schema version 9999 is newer than this Lectern"));
}

static void test_constraints_and_aborted_transactions(void **state)
{
    NEED_PG();
    struct fx *f = *state;
    migrate(f);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('dup', '1')", ""), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('dup', '2')", ""), LE_CONFLICT);
    assert_int_equal(db_run(f->db,
                            "INSERT INTO sessions (token_hash, csrf, user_id, created_at, last_seen_at, "
                            "expires_at) VALUES ('h', 'c', 424242, 1, 1, 2)",
                            ""),
                     LE_CONFLICT); /* foreign key */
    assert_int_equal(db_run(f->db,
                            "INSERT INTO users (username, status, roles, created_at, updated_at) "
                            "VALUES ('x', 'deleted', 1, 1, 1)",
                            ""),
                     LE_CONFLICT); /* check */

    /* A failed statement aborts a PostgreSQL transaction: its commit fails and keeps nothing. */
    assert_int_equal(db_begin(f->db), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('t1', 'x')", ""), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('dup', '3')", ""), LE_CONFLICT);
    assert_int_equal(db_commit(f->db), LE_DB);
    assert_int_equal(f->db->in_tx, 0);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings WHERE key = 't1'"), 0);

    /* Savepoints: a failed inner unit is undone alone and the outer one goes on. */
    assert_int_equal(db_begin(f->db), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('outer', 'x')", ""), LE_OK);
    assert_int_equal(db_tx_begin(f->db), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('dup', '4')", ""), LE_CONFLICT);
    assert_int_equal(db_tx_end(f->db, LE_CONFLICT), LE_CONFLICT);
    assert_int_equal(db_tx_begin(f->db), LE_OK);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('kept', 'x')", ""), LE_OK);
    assert_int_equal(db_tx_end(f->db, LE_OK), LE_OK);
    assert_int_equal(db_commit(f->db), LE_OK);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings WHERE key IN ('outer', 'kept')"), 2);

    /* RETURNING and identity columns. */
    struct db_stmt *s = db_query(f->db,
                                 "INSERT INTO users (username, roles, created_at, updated_at) VALUES (?1, 1, 1, 1) "
                                 "RETURNING id",
                                 "s", "u1");
    assert_int_equal(db_step(s), DB_ROW);
    assert_true(db_col_int(s, 0) >= 1);
    db_done(s);
}

static void test_statement_cache(void **state)
{
    NEED_PG();
    struct fx *f = *state;
    migrate(f);
    for (int i = 0; i < 3; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES (?1, 'v')", "s", k), LE_OK);
    }
    const char *sql = "SELECT key FROM settings WHERE key LIKE 'k%' ORDER BY key";
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
    assert_int_equal(f->db->nqueries - before, 4);
    struct db_stmt *a = db_query(f->db, "SELECT COUNT(*) FROM settings WHERE key = ?1", "s", "k1");
    assert_int_equal(db_step(a), DB_ROW);
    assert_int_equal(db_col_int(a, 0), 1);
    db_done(a);
    struct db_stmt *b = db_prepare(f->db, "SELECT COUNT(*) FROM settings WHERE key = ?1");
    assert_ptr_equal(a, b);
    assert_int_equal(db_step(b), DB_ROW);
    assert_int_equal(db_col_int(b, 0), 0); /* unbound: NULL */
    db_done(b);
}

static void test_reconnects(void **state)
{
    NEED_PG();
    struct fx *f = *state;
    migrate(f);
    assert_int_equal(db_run(f->db, "INSERT INTO settings (key, value) VALUES ('a', '1')", ""), LE_OK);
    int64_t pid = 0;
    assert_int_equal(db_query_int(f->db, &pid, "SELECT pg_backend_pid()", ""), LE_OK);
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", (long long)pid);
    PGconn *c = PQconnectdb(f->pg_url);
    PQclear(PQexec(c, sql));
    PQfinish(c);
    /* The server ended our session: the next statement reconnects and prepares again. */
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings WHERE key = 'a'"), 1);
    int64_t pid2 = 0;
    assert_int_equal(db_query_int(f->db, &pid2, "SELECT pg_backend_pid()", ""), LE_OK);
    assert_true(pid2 != pid);
}

/* ---- Many connections at once ---- */

struct worker_arg {
    const char *url;
    int n;
    int failures;
    char owner[16];
    int64_t ids[400];
    int nids;
};

static void *do_migrate(void *arg)
{
    struct worker_arg *w = arg;
    struct db *db = NULL;
    struct problem p = {0};
    if (db_open(w->url, NULL, &db, &p) || db_migrate(db, &p)) w->failures++;
    db_close(db);
    return NULL;
}

static void test_concurrent_migrations(void **state)
{
    NEED_PG();
    struct fx *f = *state;
    enum { N = 4 };
    struct worker_arg w[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].url = f->pg_url;
        assert_int_equal(pthread_create(&t[i], NULL, do_migrate, &w[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM schema_migrations"), known_migrations());
}

static void *do_appends(void *arg)
{
    struct worker_arg *w = arg;
    struct db *db = NULL;
    struct problem p = {0};
    if (db_open(w->url, NULL, &db, &p)) {
        w->failures = w->n;
        return NULL;
    }
    for (int i = 0; i < w->n; i++) {
        json_t *d = json_pack("{s:i}", "i", i);
        if (audit_append(db, 0, "test.append", w->owner, d)) w->failures++;
        json_decref(d);
    }
    db_close(db);
    return NULL;
}

static void test_concurrent_audit_appends(void **state)
{
    NEED_PG();
    struct fx *f = *state;
    migrate(f);
    enum { N = 4, EACH = 50 };
    struct worker_arg w[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].url = f->pg_url;
        w[i].n = EACH;
        snprintf(w[i].owner, sizeof w[i].owner, "t%d", i);
        assert_int_equal(pthread_create(&t[i], NULL, do_appends, &w[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
    int64_t bad = -1, n = 0;
    struct problem p = {0};
    assert_int_equal(audit_verify(f->db, &bad, &n, &p), LE_OK);
    assert_int_equal(n, N * EACH);
}

static void *do_claims(void *arg)
{
    struct worker_arg *w = arg;
    struct db *db = NULL;
    struct problem p = {0};
    if (db_open(w->url, NULL, &db, &p)) return NULL;
    struct arena *a = arena_new(4096);
    struct job j;
    for (;;) {
        lerr e = job_claim(db, a, w->owner, 60, &j);
        if (e == LE_NOTFOUND) break;
        if (e) {
            w->failures++;
            break;
        }
        w->ids[w->nids++] = j.id;
        if (job_complete(db, &j, w->owner, NULL)) w->failures++;
    }
    arena_free(a);
    db_close(db);
    return NULL;
}

static void test_job_claims(void **state)
{
    NEED_PG();
    struct fx *f = *state;
    migrate(f);
    enum { JOBS = 200, N = 4 };
    struct problem p = {0};
    int64_t first = 0, id;
    for (int i = 0; i < JOBS; i++) {
        assert_int_equal(job_enqueue(f->db, "noop", NULL, 0, 0, &id, &p), LE_OK);
        if (!first) first = id;
    }
    /* SKIP LOCKED: a job whose row another transaction has locked is passed over at once. */
    struct db *other = NULL;
    assert_int_equal(db_open(f->pg_url, NULL, &other, &p), LE_OK);
    assert_int_equal(db_begin(other), LE_OK);
    assert_int_equal(db_run(other, "UPDATE jobs SET updated_at = updated_at WHERE id = ?1", "i", first), LE_OK);
    struct arena *a = arena_new(4096);
    struct job j;
    assert_int_equal(job_claim(f->db, a, "main", 60, &j), LE_OK);
    assert_true(j.id != first);
    assert_int_equal(job_complete(f->db, &j, "main", NULL), LE_OK);
    assert_int_equal(db_rollback(other), LE_OK);
    db_close(other);
    arena_free(a);

    struct worker_arg w[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].url = f->pg_url;
        snprintf(w[i].owner, sizeof w[i].owner, "t%d", i);
        assert_int_equal(pthread_create(&t[i], NULL, do_claims, &w[i]), 0);
    }
    static int seen[JOBS + 1];
    memset(seen, 0, sizeof seen);
    int total = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failures, 0);
        for (int k = 0; k < w[i].nids; k++) {
            int64_t n = w[i].ids[k] - first + 1;
            assert_true(n >= 1 && n <= JOBS);
            seen[n]++;
            total++;
        }
    }
    assert_int_equal(total, JOBS - 1);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM jobs WHERE state = 'done' AND attempts = 1"), JOBS);
    for (int i = 1; i <= JOBS; i++) assert_true(seen[i] <= 1);
}

/* ---- The two dialects define the same schema ---- */

/* "table.column family null|notnull" lines, sorted by the caller's SQL; family is int or text. */
static char *describe(struct db *db, const char *sql)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    struct db_stmt *s = db_query(db, sql, "");
    while (db_step(s) == DB_ROW) {
        const char *table = db_col_text(s, 0), *col = db_col_text(s, 1), *type = db_col_text(s, 2);
        bool notnull = db_col_int(s, 3) != 0;
        /* Full-text search is the one planned difference (0005_courses, 0012_user_search,
         * 0042_forum_more): SQLite's FTS5 tables and their shadow tables, PostgreSQL's tsvector
         * columns and their GIN indexes (TABLE_search_tsv), and its trigram index on users. */
        size_t n = col ? strlen(col) : 0;
        bool tsv_index = n > 11 && !strcmp(col + n - 11, "_search_tsv");
        if ((table && strstr(table, "_fts")) || str_eq(col, "search_tsv") || tsv_index || str_eq(col, "users_search_trgm"))
            continue;
        char family[16] = "other";
        char t[64];
        snprintf(t, sizeof t, "%s", type ? type : "");
        for (char *q = t; *q; q++) *q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
        if (strstr(t, "INT")) snprintf(family, sizeof family, "int");
        else if (strstr(t, "TEXT") || strstr(t, "CHAR")) snprintf(family, sizeof family, "text");
        buf_addf(&b, "%s.%s %s %s\n", table, col ? col : "", family, notnull ? "notnull" : "null");
    }
    db_done(s);
    return buf_detach(&b);
}

static void test_dialects_match(void **state)
{
    NEED_PG();
    struct fx *f = *state;
    migrate(f);
    struct db *lite = NULL;
    struct problem p = {0};
    assert_int_equal(db_open(NULL, f->root, &lite, &p), LE_OK);
    assert_int_equal(db_migrate(lite, &p), LE_OK);
    /* Columns. A primary key column is never NULL (SQLite reports its rowid alias as
     * nullable). */
    char *lite_cols = describe(lite,
                               "SELECT m.name, c.name, c.type, c.\"notnull\" OR c.pk > 0 FROM sqlite_master m, "
                               "pragma_table_info(m.name) c WHERE m.type = 'table' "
                               "ORDER BY m.name, c.name");
    char *pg_cols = describe(f->db,
                             "SELECT c.table_name, c.column_name, c.data_type, "
                             "CASE WHEN c.is_nullable = 'NO' THEN 1 ELSE 0 END FROM information_schema.columns c "
                             "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND "
                             "t.table_name = c.table_name WHERE c.table_schema = current_schema() AND "
                             "t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.column_name");
    assert_true(strlen(lite_cols) > 100);
    assert_string_equal(pg_cols, lite_cols);
    /* Named indexes (not the ones behind PRIMARY KEY and UNIQUE). */
    char *lite_idx = describe(lite,
                              "SELECT tbl_name, name, '', 0 FROM sqlite_master WHERE type = 'index' AND "
                              "name NOT LIKE 'sqlite_autoindex_%' ORDER BY tbl_name, name");
    char *pg_idx = describe(f->db,
                            "SELECT i.tablename, i.indexname, '', 0 FROM pg_indexes i WHERE i.schemaname = "
                            "current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = "
                            "i.indexname) ORDER BY i.tablename, i.indexname");
    assert_true(strlen(lite_idx) > 10);
    assert_string_equal(pg_idx, lite_idx);
    free(lite_cols);
    free(pg_cols);
    free(lite_idx);
    free(pg_idx);
    db_close(lite);
}

int main(void)
{
    if (core_init()) return 1;
    if (!pg_admin_url()) fprintf(stderr, "test_pg: LECTERN_TEST_PG is not set; skipping (see scripts/pg-test-cluster.sh)\n");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_placeholders_and_types, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_and_newer_schema, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_constraints_and_aborted_transactions, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_statement_cache, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_reconnects, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_migrations, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_audit_appends, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_job_claims, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_dialects_match, setup_empty, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
