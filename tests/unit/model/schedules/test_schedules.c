/* Schedules (progress.c, programme.c, assignment.c, extension.c): the set logic (all of these,
 * any N of these, a set opening only when the one before is complete), the assignment states,
 * and on a database: a job-role assignment enrolling in the open set, the next set opening on
 * completion (also when the missing required activity is deleted), the programme completing, a
 * person who moves away keeping their history, a bad set writing nothing, and an extension that
 * must move the date later. On SQLite, or with
 * LECTERN_TEST_PG on a fresh PostgreSQL database (fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "../../../../src/model/schedules/schedules.h"

#include "../../fixture.h"
#include "schedules_fixture.h"

static void test_all_and_any(void **state)
{
    (void)state;
    struct set_progress sets[] = {
        {.n_courses = 3, .n_done = 2},                 /* all of three: not yet */
        {.n_courses = 3, .n_done = 2, .require_n = 2}, /* any two of three: complete */
        {.n_courses = 2, .n_done = 2, .require_n = 5}, /* asks more than it has: all of them */
    };
    assert_false(programme_progress(sets, 3));
    assert_false(sets[0].complete);
    assert_true(sets[1].complete);
    assert_true(sets[2].complete);
    sets[0].n_done = 3;
    assert_true(programme_progress(sets, 3));
    struct set_progress empty = {.n_courses = 0};
    assert_false(programme_progress(&empty, 1));
    assert_false(empty.complete);
    assert_false(programme_progress(NULL, 0));
}

static void test_order_between_sets(void **state)
{
    (void)state;
    struct set_progress sets[] = {
        {.n_courses = 2, .n_done = 1},
        {.n_courses = 1, .after_previous = true},
        {.n_courses = 1},                              /* no order: open from the start */
        {.n_courses = 1, .after_previous = true},      /* after the third, which is not done */
    };
    programme_progress(sets, 4);
    assert_true(sets[0].open);
    assert_false(sets[1].open);
    assert_true(sets[2].open);
    assert_false(sets[3].open);
    sets[0].n_done = 2;
    sets[2].n_done = 1;
    programme_progress(sets, 4);
    assert_true(sets[1].open);
    assert_true(sets[3].open);
    assert_false(sets[1].complete);
}

static void test_states(void **state)
{
    (void)state;
    int64_t now = T0;
    assert_int_equal(assignment_state(0, 0, false, now), STATE_ASSIGNED);
    assert_int_equal(assignment_state(0, 0, true, now), STATE_IN_PROGRESS);
    assert_int_equal(assignment_state(0, now + 1, true, now), STATE_IN_PROGRESS);
    assert_int_equal(assignment_state(0, now, false, now), STATE_ASSIGNED);
    assert_int_equal(assignment_state(0, now - 1, true, now), STATE_OVERDUE);
    assert_int_equal(assignment_state(now - 5, now - 1, true, now), STATE_COMPLETE);
    enum assignment_state s;
    for (int i = STATE_ASSIGNED; i <= STATE_OVERDUE; i++) {
        assert_true(assignment_state_parse(assignment_state_name((enum assignment_state)i), &s));
        assert_int_equal(s, i);
    }
    assert_false(assignment_state_parse("late", &s));
}

/* The schedule's parts: a week by the due date counted from the start of today, overdue once
 * the date has passed, a certification by its expiry whatever its first due date. */
static void test_schedule_buckets(void **state)
{
    (void)state;
    int64_t now = T0, week0 = T0 - 3600, day = 86400;
    int k;
    assert_int_equal(schedule_bucket(now + day, 0, 0, now, week0, 8, &k), BUCKET_WEEK);
    assert_int_equal(k, 0);
    assert_int_equal(schedule_bucket(week0 + 7 * day, 0, 0, now, week0, 8, &k), BUCKET_WEEK);
    assert_int_equal(k, 1);
    assert_int_equal(schedule_bucket(week0 + 56 * day - 1, 0, 0, now, week0, 8, &k), BUCKET_WEEK);
    assert_int_equal(k, 7);
    assert_int_equal(schedule_bucket(week0 + 56 * day, 0, 0, now, week0, 8, &k), BUCKET_NONE);
    assert_int_equal(schedule_bucket(now, 0, 0, now, week0, 8, &k), BUCKET_OVERDUE);
    assert_int_equal(k, -1);
    assert_int_equal(schedule_bucket(now - day, now - 2 * day, 0, now, week0, 8, &k), BUCKET_NONE); /* complete */
    assert_int_equal(schedule_bucket(0, 0, 0, now, week0, 8, &k), BUCKET_NONE);                     /* no due date */
    /* Certified: the expiry counts, not the first due date long passed. */
    assert_int_equal(schedule_bucket(now - 400 * day, 0, now + 30 * day, now, week0, 8, &k), BUCKET_EXPIRING);
    assert_int_equal(schedule_bucket(now - 400 * day, 0, now + 30 * day, now, week0, 4, &k), BUCKET_NONE);
    assert_int_equal(schedule_bucket(0, now - day, now, now, week0, 8, &k), BUCKET_EXPIRED);
}

static bool live_enrolment(struct fx *f, int64_t course, int64_t user)
{
    int64_t id;
    return enrolment_live_id(f->db, course, user, &id) == LE_OK;
}

static void set_job_role(struct fx *f, int64_t user, int64_t role)
{
    struct problem p = {0};
    struct user_org_input o = {.department_id = -1, .job_role_id = role};
    assert_int_equal(user_org_update(f->db, f->a, user, &o, f->admin, &p), LE_OK);
}

static void test_assignment_follows_and_completes(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t c1, c2, page1, page2, role, other_role, lea, prog;
    make_course(f, "SC-1", &c1, &page1);
    make_course(f, "SC-2", &c2, &page2);
    assert_int_equal(job_role_create(f->db, "Driver", "", f->admin, &role, &p), LE_OK);
    assert_int_equal(job_role_create(f->db, "Clerk", "", f->admin, &other_role, &p), LE_OK);
    struct user_input u = {.username = "lea", .first_name = "Lea", .last_name = "Learner", .roles = "learner"};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &lea, NULL, &p), LE_OK);

    struct programme_set_input sets[] = {{.courses = "SC-1"}, {.courses = "SC-2", .after_previous = true}};
    struct programme_input in = PROGRAMME_INPUT_INIT;
    in.code = "DRV";
    in.title = "Drivers";
    in.sets = sets;
    in.n_sets = 2;
    in.due_days = 10;
    assert_int_equal(programme_create(f->db, f->a, &in, f->admin, &prog, &p), LE_OK);
    int64_t added = -1;
    struct programme_rule_input rule = {.kind = "job_role", .job_role_id = role};
    assert_int_equal(programme_assign(f->db, f->a, prog, &rule, f->admin, &added, &p), LE_OK);
    assert_int_equal(added, 0);

    set_job_role(f, lea, role); /* joins the role: assigned, enrolled in the first set only */
    assert_true(live_enrolment(f, c1, lea));
    assert_false(live_enrolment(f, c2, lea));
    assert_int_equal(count(f, "SELECT due_at FROM programme_assignments WHERE user_id = ?1", lea), T0 + 10 * 86400);

    assert_int_equal(activity_complete(f->db, page1, lea, "viewed", &p), LE_OK);
    assert_true(live_enrolment(f, c2, lea));
    assert_int_equal(count(f, "SELECT COUNT(*) FROM programme_assignments WHERE user_id = ?1 AND completed_at IS NULL", lea), 1);
    assert_int_equal(activity_complete(f->db, page2, lea, "viewed", &p), LE_OK);
    assert_int_equal(count(f, "SELECT completed_at FROM programme_assignments WHERE user_id = ?1", lea), T0);

    set_job_role(f, lea, other_role); /* leaves: the row stays, ended, and so do the courses */
    assert_int_equal(count(f, "SELECT COUNT(*) FROM programme_assignments WHERE user_id = ?1 AND ended_at IS NOT NULL", lea), 1);
    assert_true(live_enrolment(f, c1, lea));
    json_t *list = programme_assignments_json(f->db, f->a, prog, NULL);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
}

static int64_t person(struct fx *f, const char *username)
{
    struct problem p = {0};
    int64_t id;
    struct user_input u = {.username = username, .first_name = username, .last_name = "Person", .roles = "learner"};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &id, NULL, &p), LE_OK);
    return id;
}

static void set_manager(struct fx *f, int64_t user, const char *manager)
{
    struct problem p = {0};
    struct user_org_input o = {.department_id = -1, .job_role_id = -1, .manager = manager};
    assert_int_equal(user_org_update(f->db, f->a, user, &o, f->admin, &p), LE_OK);
}

static int64_t live(struct fx *f, int64_t prog)
{
    return count(f, "SELECT COUNT(*) FROM programme_assignments WHERE programme_id = ?1 AND ended_at IS NULL", prog);
}

/* A manager's reporting line: direct and indirect reports; a person given another manager
 * takes the people below them along; removing the rule (counted first by a dry run) ends only
 * the assignments no other rule holds, keeping the rows. */
static void test_team_rule_follows_the_line(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t c1, page1, prog, added = -1, ended = -1;
    make_course(f, "TM-1", &c1, &page1);
    person(f, "boss");
    person(f, "other");
    int64_t mid = person(f, "mid"), ann = person(f, "ann");
    set_manager(f, mid, "boss");
    set_manager(f, ann, "mid");
    struct programme_set_input sets[] = {{.courses = "TM-1"}};
    struct programme_input in = PROGRAMME_INPUT_INIT;
    in.code = "TM";
    in.title = "Team";
    in.sets = sets;
    in.n_sets = 1;
    assert_int_equal(programme_create(f->db, f->a, &in, f->admin, &prog, &p), LE_OK);
    struct programme_rule_input team = {.kind = "team", .manager = "boss"};
    assert_int_equal(programme_assign(f->db, f->a, prog, &team, f->admin, &added, &p), LE_OK);
    assert_int_equal(added, 2);
    assert_true(live_enrolment(f, c1, ann));
    struct programme_rule_input nobody = {.kind = "team", .manager = "ghost"};
    assert_int_equal(programme_assign(f->db, f->a, prog, &nobody, f->admin, &added, &p), LE_INVALID);
    assert_string_equal(p.field, "manager");

    set_manager(f, mid, "other"); /* mid leaves the line, and ann below them with them */
    assert_int_equal(live(f, prog), 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM programme_assignments WHERE programme_id = ?1", prog), 2);
    set_manager(f, mid, "boss");
    assert_int_equal(live(f, prog), 2);

    struct programme_rule_input by_name = {.kind = "user", .username = "ann"};
    assert_int_equal(programme_assign(f->db, f->a, prog, &by_name, f->admin, &added, &p), LE_OK);
    int64_t rule = count(f, "SELECT id FROM programme_rules WHERE programme_id = ?1 AND kind = 'team'", prog);
    assert_int_equal(programme_rule_delete(f->db, f->a, prog, rule, true, f->admin, &ended, &p), LE_OK);
    assert_int_equal(ended, 1); /* mid; ann is assigned by name too */
    assert_int_equal(live(f, prog), 2);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM programme_rules WHERE programme_id = ?1", prog), 2);
    assert_int_equal(programme_rule_delete(f->db, f->a, prog, rule, false, f->admin, &ended, &p), LE_OK);
    assert_int_equal(ended, 1);
    assert_int_equal(live(f, prog), 1);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM programme_assignments WHERE user_id = ?1 AND ended_at IS NOT NULL", mid), 1);
    assert_int_equal(programme_rule_delete(f->db, f->a, prog, rule, false, f->admin, &ended, &p), LE_NOTFOUND);
}

/* A fixed due date already passed: the assignment is refused until confirmed (saying how many
 * it would assign, nothing written); and who is part-way through a programme. */
static void test_past_due_confirm_and_part_way(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t c1, c2, page1, page2, prog, added = -1, part_way = -1;
    make_course(f, "PD-1", &c1, &page1);
    make_course(f, "PD-2", &c2, &page2);
    int64_t pia = person(f, "pia");
    person(f, "quin");
    struct programme_set_input sets[] = {{.courses = "PD-1"}, {.courses = "PD-2"}};
    struct programme_input in = PROGRAMME_INPUT_INIT;
    in.code = "PD";
    in.title = "Past due";
    in.sets = sets;
    in.n_sets = 2;
    in.due_date = "2020-01-31";
    assert_int_equal(programme_create(f->db, f->a, &in, f->admin, &prog, &p), LE_OK);
    struct programme_rule_input everyone = {.kind = "everyone"};
    assert_int_equal(programme_assign(f->db, f->a, prog, &everyone, f->admin, &added, &p), LE_CONFLICT);
    assert_string_equal(p.field, "confirm");
    assert_non_null(strstr(p.message, "2020-01-31"));
    assert_int_equal(added, 3); /* the administrator, pia and quin */
    assert_int_equal(count(f, "SELECT COUNT(*) FROM programme_rules WHERE programme_id = ?1", prog), 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM programme_assignments WHERE programme_id = ?1", prog), 0);
    everyone.confirm_past_due = true;
    assert_int_equal(programme_assign(f->db, f->a, prog, &everyone, f->admin, &added, &p), LE_OK);
    assert_int_equal(added, 3);

    assert_int_equal(programme_part_way(f->db, f->a, prog, &part_way, &p), LE_OK);
    assert_int_equal(part_way, 0);
    assert_int_equal(activity_complete(f->db, page1, pia, "viewed", &p), LE_OK);
    assert_int_equal(programme_part_way(f->db, f->a, prog, &part_way, &p), LE_OK);
    assert_int_equal(part_way, 1);
    assert_int_equal(activity_complete(f->db, page2, pia, "viewed", &p), LE_OK); /* complete: no longer part-way */
    assert_int_equal(programme_part_way(f->db, f->a, prog, &part_way, &p), LE_OK);
    assert_int_equal(part_way, 0);
}

/* A course completed because its last missing required activity was deleted completes the
 * programme too (courses tell of completions made in bulk). */
static void test_completion_by_deleted_activity(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t c1, page1, page2, section, lea, prog;
    make_course(f, "SC-1", &c1, &page1);
    assert_int_equal(db_query_int(f->db, &section, "SELECT section_id FROM activities WHERE id = ?1", "i", page1), LE_OK);
    struct activity_input x = {.kind = "page", .title = "More", .body = "Text", .required = -1, .allow_mark_done = -1};
    assert_int_equal(activity_create(f->db, f->a, f->root, c1, section, &x, f->admin, &page2, &p), LE_OK);
    struct user_input u = {.username = "lea", .first_name = "Lea", .last_name = "Learner", .roles = "learner"};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &lea, NULL, &p), LE_OK);
    struct programme_set_input sets[] = {{.courses = "SC-1"}};
    struct programme_input in = PROGRAMME_INPUT_INIT;
    in.code = "ONE";
    in.title = "One course";
    in.sets = sets;
    in.n_sets = 1;
    assert_int_equal(programme_create(f->db, f->a, &in, f->admin, &prog, &p), LE_OK);
    struct programme_rule_input rule = {.kind = "everyone"};
    assert_int_equal(programme_assign(f->db, f->a, prog, &rule, f->admin, NULL, &p), LE_OK);
    assert_int_equal(activity_complete(f->db, page1, lea, "viewed", &p), LE_OK);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM programme_assignments WHERE user_id = ?1 AND completed_at IS NULL", lea), 1);
    assert_int_equal(activity_delete(f->db, f->a, c1, page2, f->admin, &p), LE_OK);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM programme_assignments WHERE user_id = ?1 AND completed_at IS NULL", lea), 0);
}

static void test_bad_set_writes_nothing(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t c1, page1, id;
    make_course(f, "SC-1", &c1, &page1);
    struct programme_set_input sets[] = {{.courses = "SC-1"}, {.courses = "SC-1 NOPE"}};
    struct programme_input in = PROGRAMME_INPUT_INIT;
    in.code = "BAD";
    in.title = "Bad";
    in.sets = sets;
    in.n_sets = 2;
    assert_int_equal(programme_create(f->db, f->a, &in, f->admin, &id, &p), LE_INVALID);
    assert_string_equal(p.field, "sets[1]");
    assert_non_null(strstr(p.message, "NOPE"));
    assert_int_equal(count(f, "SELECT COUNT(*) FROM programmes WHERE id > ?1", 0), 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM programme_sets WHERE id > ?1", 0), 0);
    sets[1].courses = "SC-1";
    sets[1].require_n = 2;
    assert_int_equal(programme_create(f->db, f->a, &in, f->admin, &id, &p), LE_INVALID);
    assert_string_equal(p.field, "sets[1]");
}

static void test_extension_moves_later_only(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t c1, page1, id, lea;
    make_course(f, "SC-1", &c1, &page1);
    struct user_input u = {.username = "lea", .first_name = "Lea", .last_name = "Learner", .roles = "learner"};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &lea, NULL, &p), LE_OK);
    struct programme_set_input sets[] = {{.courses = "SC-1"}};
    struct programme_input in = PROGRAMME_INPUT_INIT;
    in.code = "EXT";
    in.title = "Extend";
    in.sets = sets;
    in.n_sets = 1;
    in.due_date = "2027-01-31";
    assert_int_equal(programme_create(f->db, f->a, &in, f->admin, &id, &p), LE_OK);
    struct programme_rule_input rule = {.kind = "user", .username = "lea"};
    assert_int_equal(programme_assign(f->db, f->a, id, &rule, f->admin, NULL, &p), LE_OK);
    assert_int_equal(programme_extend(f->db, f->a, id, "lea", "2027-01-31", "Same day", f->admin, ROLE_ADMIN, &p),
                     LE_INVALID);
    assert_string_equal(p.field, "due");
    assert_int_equal(programme_extend(f->db, f->a, id, "lea", "2027-02-28", "", f->admin, ROLE_ADMIN, &p), LE_INVALID);
    assert_string_equal(p.field, "reason");
    assert_int_equal(programme_extend(f->db, f->a, id, "lea", "2027-02-28", "Leave", lea, ROLE_LEARNER, &p),
                     LE_FORBIDDEN);
    assert_int_equal(programme_extend(f->db, f->a, id, "lea", "2027-02-28", "Leave", f->admin, ROLE_ADMIN, &p), LE_OK);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM programme_extensions WHERE assignment_id > ?1", 0), 1);
    json_t *plan = plan_json(f->db, f->a, lea);
    assert_string_equal(json_string_value(json_object_get(json_array_get(plan, 0), "due")), "2027-02-28");
    json_decref(plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_and_any),
        cmocka_unit_test(test_order_between_sets),
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_schedule_buckets),
        cmocka_unit_test_setup_teardown(test_assignment_follows_and_completes, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_completion_by_deleted_activity, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_team_rule_follows_the_line, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_past_due_confirm_and_part_way, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_bad_set_writes_nothing, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_extension_moves_later_only, setup_any, teardown),
    };
    if (core_init()) return 1;
    if (pg_admin_url()) fprintf(stderr, "test_schedules: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
