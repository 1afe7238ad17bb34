/* Events from CSV (event_import.c): a preview writes nothing, a commit writes every row in the
 * zone each row names, a time the clocks skip or pass twice is a located error unless an offset
 * names the instant, one bad row keeps every row out, a course without a session gets one, and
 * the same file again is unchanged. On SQLite, or with LECTERN_TEST_PG on a fresh PostgreSQL
 * database (fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "../../../../src/model/planning/planning.h"

#include "../../fixture.h"

#define HEAD "course,title,start,end,timezone,room,seats,trainers\n"

static void make_course(struct fx *f)
{
    struct problem p = {0};
    struct course_input in = COURSE_INPUT_INIT;
    in.code = "IM-1";
    in.title = "Evacuation drill";
    int64_t course, eid, room;
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, &course, &p), LE_OK);
    struct user_input u = {.username = "ivy", .first_name = "Ivy", .last_name = "Trainer", .roles = "instructor"};
    int64_t ivy;
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &ivy, NULL, &p), LE_OK);
    assert_int_equal(enrol_user(f->db, f->a, course, "ivy", "instructor", NULL, f->admin, ROLE_ADMIN, &eid, &p), LE_OK);
    struct room_input r = ROOM_INPUT_INIT;
    r.name = "Hall";
    assert_int_equal(room_create(f->db, f->a, &r, f->admin, &room, &p), LE_OK);
}

static struct course_import_result run(struct fx *f, const char *csv, bool commit)
{
    struct course_import_result r;
    struct problem p = {0};
    assert_int_equal(event_import_run(f->db, f->a, csv, strlen(csv), commit, f->admin, &r, &p), LE_OK);
    json_decref(r.unknown);
    r.unknown = NULL;
    return r;
}

static int64_t events(struct fx *f)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM events", ""), LE_OK);
    return n;
}

/* The first error of row k, as "column: message". */
static const char *error_of(struct fx *f, const struct course_import_result *r, int k)
{
    assert_true(r->rows[k].n_errors > 0);
    return arena_sprintf(f->a, "%s: %s", r->rows[k].errors[0].column, r->rows[k].errors[0].message);
}

/* Skipped and repeated wall-clock times are refused with their line and column; an offset
 * settles the repeated one; any bad row keeps every row out. */
static void test_times_that_are_not_one_moment(void **state)
{
    struct fx *f = *state;
    make_course(f);
    struct course_import_result r = run(f,
                                        HEAD "IM-1,Fine,2030-06-03 09:00,2030-06-03 12:00,Europe/London,Hall,10,ivy\n"
                                             "IM-1,Gap,2030-03-31 01:30,2030-03-31 03:00,Europe/London,Hall,10,ivy\n"
                                             "IM-1,Twice,2030-10-27 01:30,2030-10-27 03:00,Europe/London,Hall,10,ivy\n",
                                        true);
    assert_int_equal(r.n_create, 1);
    assert_int_equal(r.n_errors, 2);
    assert_false(r.committed);
    assert_int_equal(r.rows[1].line, 3);
    assert_non_null(strstr(error_of(f, &r, 1), "start: 2030-03-31 01:30 does not exist in Europe/London"));
    assert_non_null(strstr(error_of(f, &r, 2), "start: 2030-10-27 01:30 happens twice in Europe/London"));
    assert_non_null(strstr(error_of(f, &r, 2), "2030-10-27 01:30+01:00 or 2030-10-27 01:30+00:00"));
    assert_int_equal(events(f), 0);
    /* The offset names the instant: the first 01:30, in summer time. */
    r = run(f, HEAD "IM-1,Twice,2030-10-27T01:30+01:00,2030-10-27T03:00,Europe/London,Hall,10,ivy\n", true);
    assert_true(r.committed);
    int64_t starts = 0;
    assert_int_equal(db_query_int(f->db, &starts, "SELECT starts_at FROM events WHERE title = 'Twice'", ""), LE_OK);
    assert_int_equal(starts, 1919291400); /* 2030-10-27T00:30:00Z */
}

/* A preview writes nothing; the commit makes the course's session and its events; the same
 * file again changes nothing. */
static void test_preview_commit_again(void **state)
{
    struct fx *f = *state;
    make_course(f);
    const char *csv = HEAD "IM-1,Day one,2030-06-03 09:00,2030-06-03 12:00,Europe/Lisbon,Hall,10,ivy\n"
                           "IM-1,Day two,2030-06-10 09:00,2030-06-10 12:00,Europe/Lisbon,Hall,10,ivy\n";
    struct course_import_result r = run(f, csv, false);
    assert_int_equal(r.n_create, 2);
    assert_false(r.committed);
    assert_string_equal(r.rows[0].note, "with a new session 'Evacuation drill'");
    assert_null(r.rows[1].note);
    assert_int_equal(events(f), 0);
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM activities WHERE kind = 'session'", ""), LE_OK);
    assert_int_equal(n, 0);
    r = run(f, csv, true);
    assert_true(r.committed);
    assert_int_equal(events(f), 2);
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(DISTINCT activity_id) FROM events", ""), LE_OK);
    assert_int_equal(n, 1);
    r = run(f, csv, true);
    assert_int_equal(r.n_unchanged, 2);
    assert_int_equal(r.n_create, 0);
    assert_int_equal(events(f), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_times_that_are_not_one_moment, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_preview_commit_again, setup_any, teardown),
    };
    if (core_init()) return 1;
    if (pg_admin_url()) fprintf(stderr, "test_event_import: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
