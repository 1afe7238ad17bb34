/* Maintenance (maintenance.c, maintenance_overlaps.c, maintenance_mode.c): windows that end
 * before they start or meet another are refused at their field, the providers list what a
 * window overlaps, read-only mode ends by itself at its time, a read-only window reads only
 * while it lasts, and the banner's lead time. On SQLite, or with LECTERN_TEST_PG on a fresh
 * PostgreSQL database (fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "../../../../src/model/communication/communication.h"

#include "../../fixture.h"

#define DAY0 ((int64_t)1924992000) /* 2031-01-01T00:00:00Z */
#define H 3600

static int64_t window(struct fx *f, int64_t from, int64_t to, bool read_only, lerr expect, struct problem *p)
{
    char s[21], e[21];
    time_iso8601(from, s);
    time_iso8601(to, e);
    struct maintenance_input in = {s, e, "Upgrade", "Everything", read_only};
    int64_t id = 0;
    memset(p, 0, sizeof *p);
    assert_int_equal(maintenance_create(f->db, f->a, &in, NULL, f->admin, &id, p), expect);
    return id;
}

static void test_overlap_checks(void **state)
{
    struct fx *f = *state;
    struct problem p;
    window(f, DAY0 + 10 * H, DAY0 + 12 * H, false, LE_OK, &p);
    window(f, DAY0 + 9 * H, DAY0 + 8 * H, false, LE_INVALID, &p);
    assert_string_equal(p.field, "ends_at");
    window(f, DAY0 + 9 * H, DAY0 + 9 * H, false, LE_INVALID, &p);
    window(f, DAY0 + 11 * H, DAY0 + 13 * H, false, LE_CONFLICT, &p);
    assert_string_equal(p.field, "starts_at");
    assert_non_null(strstr(p.message, "2031-01-01T10:00:00Z to 2031-01-01T12:00:00Z"));
    window(f, DAY0 + 9 * H, DAY0 + 13 * H, false, LE_CONFLICT, &p); /* around it */
    window(f, DAY0 + 12 * H, DAY0 + 13 * H, false, LE_OK, &p);      /* back to back */
    window(f, DAY0 + 8 * H, DAY0 + 10 * H, false, LE_OK, &p);
    memset(&p, 0, sizeof p);
    assert_int_equal(maintenance_check_times(f->db, DAY0 + 11 * H, DAY0 + 12 * H, 0, &p), LE_CONFLICT);
    struct maintenance_input silent = {"2031-02-01T00:00Z", "2031-02-01T01:00Z", "  ", NULL, false};
    int64_t id;
    assert_int_equal(maintenance_create(f->db, f->a, &silent, NULL, f->admin, &id, &p), LE_INVALID);
    assert_string_equal(p.field, "message");
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM maintenance_windows", ""), LE_OK);
    assert_int_equal(n, 3);
}

/* A course with a session whose event runs 09:00-11:00 on day 3, a quiz closing at 10:00 on
 * day 3 and a learner due on day 5. */
static void make_dated_things(struct fx *f)
{
    struct problem p = {0};
    struct course_input in = COURSE_INPUT_INIT;
    in.code = "MT-1";
    in.title = "Maintenance";
    int64_t course, section, session, quiz, uid, eid;
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, &course, &p), LE_OK);
    assert_int_equal(section_create(f->db, f->a, course, "Part", f->admin, &section, &p), LE_OK);
    struct activity_input s = {.kind = "session", .title = "Class day", .required = -1, .allow_mark_done = -1};
    assert_int_equal(activity_create(f->db, f->a, f->root, course, section, &s, f->admin, &session, &p), LE_OK);
    struct activity_input q = {.kind = "quiz", .title = "Final quiz", .required = -1, .allow_mark_done = -1};
    assert_int_equal(activity_create(f->db, f->a, f->root, course, section, &q, f->admin, &quiz, &p), LE_OK);
    assert_int_equal(db_run(f->db, "UPDATE quizzes SET close_at = ?1 WHERE activity_id = ?2", "ii", DAY0 + 2 * 86400 + 10 * H,
                            quiz),
                     LE_OK);
    struct event_input ev = EVENT_INPUT_INIT;
    ev.title = "Day one";
    ev.starts_at = "2031-01-03T09:00:00Z";
    ev.ends_at = "2031-01-03T11:00:00Z";
    ev.timezone = "UTC";
    ev.seats = 5;
    ev.meeting_url = "https://meet.example.org/day-one";
    lerr e = event_create(f->db, f->a, course, &ev, f->admin, &eid, &p);
    if (e) fprintf(stderr, "event_create: %s: %s\n", p.field, p.message);
    assert_int_equal(e, LE_OK);
    struct user_input u = {.username = "lea", .first_name = "Lea", .last_name = "L", .roles = "learner"};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &uid, NULL, &p), LE_OK);
    assert_int_equal(enrol_user(f->db, f->a, course, "lea", "learner", "2031-01-05", f->admin, ROLE_ADMIN, &eid, &p), LE_OK);
}

static const char *kinds(struct fx *f, int64_t from, int64_t to)
{
    json_t *items = maintenance_overlaps_json(f->db, f->a, from, to);
    char *out = arena_strdup(f->a, "");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) out = arena_sprintf(f->a, "%s%s%s", out, i ? "," : "", json_string_value(json_object_get(it, "kind")));
    json_decref(items);
    return out;
}

static void test_providers(void **state)
{
    struct fx *f = *state;
    make_dated_things(f);
    int64_t day3 = DAY0 + 2 * 86400;
    assert_int_equal(maintenance_n_overlap_providers, 3);
    assert_string_equal(maintenance_overlap_providers[0].name, "quiz_close");
    /* In time order: the event from 09:00, then the quiz closing at 10:00. */
    assert_string_equal(kinds(f, day3 + 8 * H, day3 + 12 * H), "event,quiz_close");
    assert_string_equal(kinds(f, day3 + 10 * H + 1, day3 + 12 * H), "event"); /* the event's end */
    assert_string_equal(kinds(f, day3 + 11 * H, day3 + 12 * H), "");           /* it has ended */
    assert_string_equal(kinds(f, DAY0 + 4 * 86400 - H, DAY0 + 4 * 86400 + H), "course_due");
}

static void test_read_only_expires(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct maintenance_state s;
    maintenance_state_changed();
    time_set_fake(DAY0);
    assert_int_equal(maintenance_read_only_set(f->db, f->a, true, DAY0 - 1, NULL, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "until");
    assert_int_equal(maintenance_read_only_set(f->db, f->a, true, DAY0 + 60, "Backup", f->admin, &p), LE_OK);
    assert_int_equal(maintenance_state_get(f->db, f->a, DAY0 + 59, &s), LE_OK);
    assert_true(s.read_only);
    assert_int_equal(s.until_at, DAY0 + 60);
    assert_string_equal(s.message, "Backup");
    json_t *st = maintenance_status_json(&s, DAY0 + 59);
    assert_string_equal(json_string_value(json_object_get(st, "status")), "read_only");
    json_decref(st);
    /* At its time it is off, with nothing written: every node reads the same row. */
    assert_int_equal(maintenance_state_get(f->db, f->a, DAY0 + 60, &s), LE_OK);
    assert_false(s.read_only);
    assert_int_equal(maintenance_read_only_set(f->db, f->a, true, 0, NULL, f->admin, &p), LE_OK);
    assert_int_equal(maintenance_state_get(f->db, f->a, DAY0 + 86400 * 365, &s), LE_OK);
    assert_true(s.read_only); /* no --until: until turned off */
    assert_int_equal(maintenance_read_only_set(f->db, f->a, false, 0, NULL, f->admin, &p), LE_OK);
    assert_int_equal(maintenance_state_get(f->db, f->a, DAY0, &s), LE_OK);
    assert_false(s.read_only);
    time_set_fake(0);
}

static void test_window_read_only_and_lead(void **state)
{
    struct fx *f = *state;
    struct problem p;
    struct maintenance_state s;
    maintenance_state_changed();
    time_set_fake(DAY0);
    window(f, DAY0 + 100 * H, DAY0 + 101 * H, true, LE_OK, &p);
    /* 100 hours ahead: beyond the default 72 hours' lead, so no banner yet. */
    assert_int_equal(maintenance_state_get(f->db, f->a, DAY0, &s), LE_OK);
    assert_int_equal(s.lead_hours, 72);
    assert_int_equal(s.window_id, 0);
    assert_int_equal(maintenance_lead_hours_set(f->db, f->a, 120, f->admin, &p), LE_OK);
    assert_int_equal(maintenance_state_get(f->db, f->a, DAY0, &s), LE_OK);
    assert_true(s.window_id > 0);
    assert_false(s.read_only);
    json_t *st = maintenance_status_json(&s, DAY0);
    assert_string_equal(json_string_value(json_object_get(st, "status")), "ok");
    assert_non_null(json_object_get(st, "next_window"));
    json_decref(st);
    /* During the window the site reads only, until its end. */
    assert_int_equal(maintenance_state_get(f->db, f->a, DAY0 + 100 * H + 5, &s), LE_OK);
    assert_true(s.read_only);
    assert_int_equal(s.until_at, DAY0 + 101 * H);
    assert_int_equal(maintenance_state_get(f->db, f->a, DAY0 + 101 * H, &s), LE_OK);
    assert_false(s.read_only);
    assert_int_equal(s.window_id, 0);
    time_set_fake(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_overlap_checks, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_providers, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_expires, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_window_read_only_and_lead, setup_any, teardown),
    };
    if (core_init()) return 1;
    if (pg_admin_url()) fprintf(stderr, "test_maintenance: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
