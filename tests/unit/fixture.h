/* The fixture most model tests share: a fresh data directory with a migrated database, an
 * administrator ("root.admin", password PW) and a fake clock at T0; removed afterwards.
 * Include after cmocka.h and model.h. */
#ifndef LECTERN_TEST_FIXTURE_H
#define LECTERN_TEST_FIXTURE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#define T0 1800000000LL
#define PW "violet kettle ferry 42"

struct fx {
    char root[64];
    struct db *db;
    struct arena *a;
    int64_t admin;
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
    struct problem p = {0};
    if (db_open(NULL, f->root, &f->db, &p) || db_migrate(f->db, &p)) return -1;
    f->a = arena_new(0);
    time_set_fake(T0);
    struct user_input in = {.username = "root.admin", .first_name = "Ada", .last_name = "Admin", .roles = "admin"};
    if (user_create(f->db, f->a, &in, PW, false, 0, &f->admin, NULL, &p)) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    time_set_fake(0);
    arena_free(f->a);
    db_close(f->db);
    nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

#endif
