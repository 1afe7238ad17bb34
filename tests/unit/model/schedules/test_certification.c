/* Certifications (certification.c, renewal.c): the expiry arithmetic (days, a yearly date, the
 * rhythm of an early or a late renewal), the states across a year, the settings refused with
 * their field, and on a database a year and more on a set clock: certified on completion, the
 * renewal window open on read, the scan archiving the completion and enrolling on the renewal
 * path once, an early renewal keeping the rhythm, the course taken again with its earlier
 * record kept, and expiry with the history intact. On SQLite, or with LECTERN_TEST_PG on a
 * fresh PostgreSQL database (fixture.h). */
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

#define DAY 86400LL

static void test_expiry_and_rhythm(void **state)
{
    (void)state;
    struct cert_rule year = {.valid_days = 365, .window_days = 30, .rhythm = RHYTHM_EXPIRY};
    int64_t first = certification_expiry(&year, T0, 0);
    assert_int_equal(first, T0 + 365 * DAY);
    /* Renewed ten days early: from the old expiry with the rhythm "expiry", else from today. */
    assert_int_equal(certification_expiry(&year, first - 10 * DAY, first), first + 365 * DAY);
    struct cert_rule from_completion = year;
    from_completion.rhythm = RHYTHM_COMPLETION;
    assert_int_equal(certification_expiry(&from_completion, first - 10 * DAY, first), first + 355 * DAY);
    /* Renewed after it expired: a new rhythm from the completion, whatever the setting. */
    assert_int_equal(certification_expiry(&year, first + 5 * DAY, first), first + 370 * DAY);
    /* Until 31 March each year: the next end of that day after the completion. */
    struct cert_rule march = {.valid_month = 3, .valid_day = 31, .window_days = 30};
    int64_t may_2027 = 1809907200;  /* 2027-05-10T00:00:00Z */
    int64_t feb_2027 = 1803686400;  /* 2027-02-27T00:00:00Z */
    assert_int_equal(certification_expiry(&march, may_2027, 0), 1838159999); /* 2028-03-31T23:59:59Z */
    assert_int_equal(certification_expiry(&march, feb_2027, 0), 1806537599); /* 2027-03-31T23:59:59Z */
    /* Renewed early in the window: to the following 31 March. */
    assert_int_equal(certification_expiry(&march, 1806537599 - 20 * DAY, 1806537599), 1838159999);
}

static void test_states_across_a_year(void **state)
{
    (void)state;
    struct cert_rule year = {.valid_days = 365, .window_days = 30};
    int64_t expires = T0 + 365 * DAY;
    assert_int_equal(certification_state(&year, 0, 0, false, T0), STATE_ASSIGNED);
    assert_int_equal(certification_state(&year, 0, T0 - 1, true, T0), STATE_OVERDUE); /* first one past due */
    assert_int_equal(certification_state(&year, expires, 0, false, T0), STATE_CERTIFIED);
    assert_int_equal(certification_state(&year, expires, 0, false, expires - 30 * DAY - 1), STATE_CERTIFIED);
    assert_int_equal(certification_state(&year, expires, 0, false, expires - 30 * DAY), STATE_RENEWAL_OPEN);
    assert_int_equal(certification_state(&year, expires, T0 - 1, false, expires - 1), STATE_RENEWAL_OPEN);
    assert_int_equal(certification_state(&year, expires, 0, false, expires), STATE_EXPIRED);
    enum assignment_state s;
    for (int i = STATE_CERTIFIED; i <= STATE_EXPIRED; i++) {
        assert_true(assignment_state_parse(assignment_state_name((enum assignment_state)i), &s));
        assert_int_equal(s, i);
    }
}

static void expect_refused(const struct certification_input *in, const char *field)
{
    struct arena *a = arena_new(0);
    struct problem p = {0};
    struct cert_rule r;
    assert_int_equal(certification_check(a, in, "certification.", &r, &p), LE_INVALID);
    assert_string_equal(p.field, field);
    arena_free(a);
}

static void test_bad_settings(void **state)
{
    (void)state;
    expect_refused(&(struct certification_input){.valid_days = 4000}, "certification.valid_days");
    expect_refused(&(struct certification_input){.valid_until = "02-29"}, "certification.valid_until");
    expect_refused(&(struct certification_input){.valid_until = "3-31"}, "certification.valid_until");
    expect_refused(&(struct certification_input){.valid_days = 30, .valid_until = "03-31"}, "certification.valid_until");
    expect_refused(&(struct certification_input){.valid_days = 30, .window_days = 30}, "certification.renew_window_days");
    expect_refused(&(struct certification_input){.valid_days = 30, .rhythm = "monthly"}, "certification.rhythm");
    struct arena *a = arena_new(0);
    struct problem p = {0};
    struct cert_rule r;
    struct certification_input ok = {.valid_until = "03-31", .window_days = 60, .rhythm = "completion"};
    assert_int_equal(certification_check(a, &ok, "", &r, &p), LE_OK);
    assert_int_equal(r.valid_month, 3);
    assert_int_equal(r.valid_day, 31);
    assert_int_equal(r.rhythm, RHYTHM_COMPLETION);
    assert_true(cert_rule_on(&r));
    arena_free(a);
}

/* ---- On a database ---- */

/* The state My plan shows for the person's only programme. */
static const char *plan_state(struct fx *f, int64_t user)
{
    json_t *plan = plan_json(f->db, f->a, user);
    assert_int_equal(json_array_size(plan), 1);
    const char *s = arena_strdup(f->a, json_string_value(json_object_get(json_array_get(plan, 0), "state")));
    json_decref(plan);
    return s;
}

static int renew_now(struct fx *f)
{
    struct problem p = {0};
    int renewed = -1;
    assert_int_equal(certifications_renew(f->db, f->a, time_now(), &renewed, &p), LE_OK);
    return renewed;
}

#define EXPIRES "SELECT expires_at FROM programme_assignments WHERE user_id = ?1"
#define HISTORY "SELECT COUNT(*) FROM programme_completion_history h JOIN programme_assignments a ON a.id = " \
                "h.assignment_id WHERE a.user_id = ?1"

static void test_renewal_across_a_year(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t full, refresher, page_full, page_ref, role, lea, prog, enrolment;
    make_course(f, "CF-FULL", &full, &page_full);
    make_course(f, "CF-REF", &refresher, &page_ref);
    assert_int_equal(job_role_create(f->db, "Rigger", "", f->admin, &role, &p), LE_OK);
    struct user_input u = {.username = "lea", .first_name = "Lea", .last_name = "Learner", .roles = "learner"};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &lea, NULL, &p), LE_OK);
    struct programme_set_input sets[] = {{.courses = "CF-FULL"}, {.courses = "CF-REF", .renewal = true}};
    struct programme_input in = PROGRAMME_INPUT_INIT;
    in.code = "RIG";
    in.title = "Rigging";
    in.sets = sets;
    in.n_sets = 2;
    in.certification = (struct certification_input){.set = true, .valid_days = 365, .window_days = 30};
    assert_int_equal(programme_create(f->db, f->a, &in, f->admin, &prog, &p), LE_OK);
    struct programme_rule_input rule = {.kind = "job_role", .job_role_id = role};
    int64_t added;
    assert_int_equal(programme_assign(f->db, f->a, prog, &rule, f->admin, &added, &p), LE_OK);
    struct user_org_input o = {.department_id = -1, .job_role_id = role};
    assert_int_equal(user_org_update(f->db, f->a, lea, &o, f->admin, &p), LE_OK);
    assert_string_equal(plan_state(f, lea), "assigned");
    assert_int_equal(enrolment_live_id(f->db, refresher, lea, &enrolment), LE_NOTFOUND); /* not on the path yet */

    assert_int_equal(activity_complete(f->db, page_full, lea, "viewed", &p), LE_OK);
    int64_t first = T0 + 365 * DAY;
    assert_int_equal(count(f, EXPIRES, lea), first);
    assert_string_equal(plan_state(f, lea), "certified");
    assert_int_equal(renew_now(f), 0);

    time_set_fake(T0 + 340 * DAY); /* the window is open on read, before any scan */
    assert_string_equal(plan_state(f, lea), "renewal_open");
    assert_int_equal(renew_now(f), 1);
    assert_int_equal(renew_now(f), 0); /* once, however often the scan runs */
    assert_int_equal(count(f, HISTORY, lea), 1);
    assert_int_equal(count(f, "SELECT h.expires_at FROM programme_completion_history h WHERE h.cycle = 0 AND ?1 > 0", 1),
                     first);
    assert_int_equal(enrolment_live_id(f->db, refresher, lea, &enrolment), LE_OK);
    assert_string_equal(plan_state(f, lea), "renewal_open");

    time_set_fake(T0 + 355 * DAY); /* renewed ten days early: the rhythm is kept */
    assert_int_equal(activity_complete(f->db, page_ref, lea, "viewed", &p), LE_OK);
    int64_t second = first + 365 * DAY;
    assert_int_equal(count(f, EXPIRES, lea), second);
    assert_string_equal(plan_state(f, lea), "certified");

    time_set_fake(second - 20 * DAY); /* the refresher is taken again; its first record stays */
    assert_int_equal(renew_now(f), 1);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM activity_progress_archive WHERE user_id = ?1", lea), 1);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM activity_progress WHERE activity_id = ?1", page_ref), 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM enrolments WHERE course_id = ?1 AND completed_at IS NOT NULL AND "
                              "unenrolled_at IS NOT NULL", refresher), 1);
    assert_int_equal(enrolment_live_id(f->db, refresher, lea, &enrolment), LE_OK);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM enrolments WHERE id = ?1 AND completed_at IS NULL", enrolment), 1);

    time_set_fake(second + 1); /* not renewed: expired, with both completions in the history */
    assert_string_equal(plan_state(f, lea), "expired");
    assert_int_equal(renew_now(f), 0);
    assert_int_equal(count(f, HISTORY, lea), 2);
    json_t *history = plan_history_json(f->db, f->a, lea);
    assert_int_equal(json_array_size(history), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(history, 1), "completed")), "2027-01-15");
    json_decref(history);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expiry_and_rhythm),
        cmocka_unit_test(test_states_across_a_year),
        cmocka_unit_test(test_bad_settings),
        cmocka_unit_test_setup_teardown(test_renewal_across_a_year, setup_any, teardown),
    };
    if (pg_admin_url()) fprintf(stderr, "test_certification: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
