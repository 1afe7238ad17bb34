/* The fixture most model tests share: a fresh data directory with a migrated database, an
 * administrator ("root.admin", password PW) and a fake clock at T0; removed afterwards.
 * setup uses SQLite in the data directory; setup_any uses a fresh PostgreSQL database instead
 * when LECTERN_TEST_PG is set (an administrator URL, as scripts/pg-test-cluster.sh sets), so
 * the same tests check the same SQL on both engines. teardown undoes either.
 * The model is started as lectern starts it (model_init). Include after cmocka.h; static inline,
 * as not every test uses every part. */
#ifndef LECTERN_TEST_FIXTURE_H
#define LECTERN_TEST_FIXTURE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/model/model.h"
#include "../../src/model/people/people.h"

#define T0 1800000000LL
#define PW "violet kettle ferry 42"

struct fx {
    char root[64];
    struct db *db;
    struct arena *a;
    int64_t admin;
    char pg_name[64];  /* on PostgreSQL: the test's own database and its URL; "" on SQLite */
    char pg_url[512];
};

static inline int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

/* LECTERN_TEST_PG, or NULL when unset. */
static inline const char *pg_admin_url(void)
{
    const char *u = getenv("LECTERN_TEST_PG");
    return u && *u ? u : NULL;
}

static inline bool pg_admin_exec(const char *sql)
{
    struct db *db;
    struct problem p = {0};
    if (db_open(pg_admin_url(), NULL, &db, &p)) {
        fprintf(stderr, "%s\n", p.message);
        return false;
    }
    bool ok = db_exec(db, sql) == LE_OK;
    db_close(db);
    return ok;
}

/* A temporary data directory and an empty database: a fresh one in the PostgreSQL cluster
 * (named in f->pg_name, reached at f->pg_url) when pg, else SQLite's in the directory. */
static inline int fx_open(struct fx *f, bool pg)
{
    snprintf(f->root, sizeof f->root, "/tmp/lectern-test-XXXXXX");
    if (!mkdtemp(f->root)) return -1;
    if (pg) {
        char rnd[13], sql[128];
        random_hex(rnd, 6);
        snprintf(f->pg_name, sizeof f->pg_name, "lectern_unit_%s", rnd);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", f->pg_name);
        if (!pg_admin_exec(sql)) return -1;
        /* The administrator URL with the database name replaced. */
        const char *admin = pg_admin_url();
        const char *slash = strchr(strstr(admin, "://") + 3, '/'), *query = strchr(admin, '?');
        size_t base = slash ? (size_t)(slash - admin) : strlen(admin);
        snprintf(f->pg_url, sizeof f->pg_url, "%.*s/%s%s", (int)base, admin, f->pg_name, query ? query : "");
    }
    struct problem p = {0};
    if (db_open(pg ? f->pg_url : NULL, f->root, &f->db, &p)) {
        fprintf(stderr, "db_open: %s\n", p.message);
        return -1;
    }
    return 0;
}

static inline int fx_setup(void **state, bool pg)
{
    model_init();
    struct fx *f = calloc(1, sizeof *f);
    *state = f;
    struct problem p = {0};
    if (fx_open(f, pg) || db_migrate(f->db, &p)) return -1;
    f->a = arena_new(0);
    time_set_fake(T0);
    struct user_input in = {.username = "root.admin", .first_name = "Ada", .last_name = "Admin", .roles = "admin"};
    if (user_create(f->db, f->a, &in, PW, false, 0, &f->admin, NULL, &p)) return -1;
    return 0;
}

static inline int setup(void **state)
{
    return fx_setup(state, false);
}

static inline int setup_any(void **state)
{
    return fx_setup(state, pg_admin_url() != NULL);
}

static inline int teardown(void **state)
{
    struct fx *f = *state;
    time_set_fake(0);
    arena_free(f->a);
    db_close(f->db);
    if (f->pg_name[0]) {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->pg_name);
        pg_admin_exec(sql);
    }
    if (f->root[0]) nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

#endif
