/* The uploads' row checks on CSV files: users (user_import_preview, in the three modes),
 * courses and enrolments (previews, which write nothing), against a database made once per
 * process: SQLite in a temporary directory, migrated, with an administrator, one learner and
 * one course for rows to name. Whatever the file, the answer is a report of its errors: never
 * a database or internal error. */
#include <ftw.h>
#include <unistd.h>
#include "../../src/db/db.h"
#include "../../src/model/model.h"
#include "../../src/model/courses/courses.h"
#include "../../src/model/people/people.h"
#include "fuzz.h"

static char root[] = "/tmp/lectern-fuzz-XXXXXX";
static struct db *db;
static int64_t admin_id;
static struct course course;    /* FIRE-101, read into course_arena for the whole process */
static struct arena *course_arena;

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    arena_free(course_arena);
    db_close(db);
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void must(lerr e, const struct problem *p, const char *what)
{
    if (e) fuzz_fail("setting up the database: %s: %s", what, p->message);
}

static void setup_database(void)
{
    struct problem p = {0};
    model_init();
    if (!mkdtemp(root)) fuzz_fail("mkdtemp failed");
    must(db_open(NULL, root, &db, &p), &p, "db_open");
    atexit(cleanup);
    must(db_migrate(db, &p), &p, "db_migrate");
    struct arena *a = arena_new(0);
    struct user_input admin = {.username = "root.admin", .email = "root@example.org",
                               .first_name = "Ada", .last_name = "Admin", .roles = "admin"};
    must(user_create(db, a, &admin, "violet kettle ferry 42", false, 0, &admin_id, NULL, &p), &p,
         "user_create admin");
    struct user_input learner = {.username = "jo", .email = "jo@example.org",
                                 .first_name = "Jo", .last_name = "Learner", .roles = "learner"};
    int64_t id;
    must(user_create(db, a, &learner, NULL, false, admin_id, &id, NULL, &p), &p, "user_create jo");
    struct course_input in = COURSE_INPUT_INIT;
    in.code = "FIRE-101";
    in.title = "Fire safety";
    in.status = "published";
    must(course_create(db, a, &in, admin_id, &id, &p), &p, "course_create");
    arena_free(a);
    course_arena = arena_new(0);
    must(course_get(db, course_arena, "FIRE-101", 0, &course, &p), &p, "course_get");
}

static void users(struct arena *a, const char *data, size_t size)
{
    struct import_options o = {.mode = (enum import_mode)(size % 3), .allow_renames = true,
                               .allow_suspend = true, .allow_delete = true, .actor_id = admin_id,
                               .threads = 1};
    struct import_result r;
    struct problem p = {0};
    lerr e = user_import_preview(db, a, data, size, &o, &r, &p);
    fuzz_expect_clean(e, &p, "user_import_preview");
    if (e) return;
    for (int i = 0; i < r.n_rows; i++)
        for (int k = 0; k < r.rows[i].n_errors; k++)
            if (!r.rows[i].errors[k].message || !r.rows[i].errors[k].message[0])
                fuzz_fail("user row %d: an error without a message", r.rows[i].line);
    json_decref(import_result_to_json(&r, 0, 100, false));
}

static void courses_and_enrolments(struct arena *a, const char *data, size_t size)
{
    for (int run = 0; run < 3; run++) {
        struct course_import_result r;
        struct problem p = {0};
        lerr e = run == 0   ? course_import_run(db, a, data, size, false, admin_id, &r, &p)
                 : run == 1 ? enrol_import_run(db, a, data, size, false, admin_id, &r, &p)
                            : enrol_import_course(db, a, &course, data, size, false, admin_id,
                                                  ROLE_ADMIN, &r, &p);
        fuzz_expect_clean(e, &p, run == 0 ? "course_import_run" : "enrol_import");
        if (!e && r.committed) fuzz_fail("a preview wrote");
        for (int i = 0; !e && i < r.n_rows; i++)
            for (int k = 0; k < r.rows[i].n_errors; k++)
                if (!r.rows[i].errors[k].message || !r.rows[i].errors[k].message[0])
                    fuzz_fail("row %d: an error without a message", r.rows[i].line);
        json_decref(r.unknown);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db) setup_database();
    struct arena *a = arena_new(0);
    users(a, (const char *)data, size);
    courses_and_enrolments(a, (const char *)data, size);
    arena_free(a);
    return 0;
}
