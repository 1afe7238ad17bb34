/* Conflicts (conflict.c) and an event's parts (event_parts.c): parts read in the event's zone,
 * sorted, empty rows skipped and overlapping ones refused; a room clashes only where parts
 * overlap (times that touch do not); a trainer teaching elsewhere and one booked elsewhere are
 * told apart; a room smaller than the seats; a clash refuses the save until an administrator
 * gives a reason, which is audited. On SQLite, or with LECTERN_TEST_PG on PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "../../../../src/model/planning/planning.h"

#include "../../fixture.h"

#define DAY 86400
#define H 3600
/* Midnight UTC some days after the fake clock's T0. */
#define D(n) ((T0 / DAY + (n)) * DAY)

struct world {
    int64_t course, other, room, trainer, learner;
};

static int64_t session_course(struct fx *f, const char *code)
{
    struct problem p = {0};
    struct course_input in = COURSE_INPUT_INIT;
    in.code = code;
    in.title = code;
    int64_t course, section, activity;
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, &course, &p), LE_OK);
    assert_int_equal(section_create(f->db, f->a, course, "Class", f->admin, &section, &p), LE_OK);
    struct activity_input x = {.kind = "session", .title = "Class", .required = -1, .allow_mark_done = -1};
    assert_int_equal(activity_create(f->db, f->a, f->root, course, section, &x, f->admin, &activity, &p), LE_OK);
    return course;
}

static int64_t person(struct fx *f, const char *name)
{
    struct problem p = {0};
    int64_t id;
    struct user_input u = {.username = name, .first_name = "P", .last_name = name, .roles = "learner,instructor"};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &id, NULL, &p), LE_OK);
    return id;
}

static void enrol(struct fx *f, int64_t course, const char *name, const char *role)
{
    struct problem p = {0};
    int64_t eid;
    assert_int_equal(enrol_user(f->db, f->a, course, name, role, NULL, f->admin, ROLE_ADMIN, &eid, &p), LE_OK);
}

static struct world make_world(struct fx *f)
{
    struct world w = {.course = session_course(f, "CF-1"), .other = session_course(f, "CF-2")};
    w.trainer = person(f, "tom");
    w.learner = person(f, "lou");
    enrol(f, w.course, "tom", "instructor");
    enrol(f, w.other, "tom", "learner");
    enrol(f, w.course, "lou", "learner");
    enrol(f, w.other, "lou", "learner");
    struct problem p = {0};
    struct room_input r = ROOM_INPUT_INIT;
    r.name = "Hall";
    r.capacity = 10;
    assert_int_equal(room_create(f->db, f->a, &r, f->admin, &w.room, &p), LE_OK);
    return w;
}

static const char *iso(struct fx *f, int64_t t)
{
    char *s = arena_alloc(f->a, 21);
    time_iso8601(t, s);
    return s;
}

/* An event of course in the room (0: online) with the given parts (start, end pairs). */
static int64_t plan(struct fx *f, int64_t course, int64_t room, const char *trainer, const int64_t *times, int n,
                    lerr expect)
{
    struct event_part_text parts[4];
    for (int i = 0; i < n; i++) parts[i] = (struct event_part_text){iso(f, times[2 * i]), iso(f, times[2 * i + 1]), 0, 0};
    struct event_input in = EVENT_INPUT_INIT;
    in.title = "Class";
    in.timezone = "UTC";
    in.parts = parts;
    in.n_parts = n;
    in.seats = 5;
    if (room) in.room_id = room;
    else in.meeting_url = "https://meet.example.org/x";
    const char *names[] = {trainer};
    if (trainer) in.trainers = names, in.n_trainers = 1;
    struct problem p = {0};
    int64_t id = 0;
    assert_int_equal(event_create(f->db, f->a, course, &in, f->admin, &id, &p), expect);
    return id;
}

static json_t *clashes(struct fx *f, int64_t room, int64_t seats, const int64_t *trainer, int64_t from, int64_t to)
{
    struct event_part part = {from, to};
    struct conflict_subject s = {0, &part, 1, room, seats, trainer, trainer ? 1 : 0};
    return event_conflicts(f->db, f->a, &s);
}

/* How many clashes, the list freed. */
static size_t n_clashes(json_t *c)
{
    size_t n = json_array_size(c);
    json_decref(c);
    return n;
}

static void test_parts_parse(void **state)
{
    (void)state;
    struct problem p = {0};
    struct event_part out[EVENT_PARTS_MAX];
    int n = 0;
    const struct tz *london = tz_get("Europe/London");
    struct event_part_text sent[] = {
        {"2027-07-02T09:00", "2027-07-02T12:00", "part2_starts_at", "part2_ends_at"},
        {"", "", "part3_starts_at", "part3_ends_at"},
        {"2027-07-01T09:00", "2027-07-01T17:00", "starts_at", "ends_at"},
    };
    assert_int_equal(event_parts_parse(sent, 3, london, out, &n, &p), LE_OK);
    assert_int_equal(n, 2); /* the empty row is left out, and the parts come by start */
    int64_t first;
    assert_true(planning_parse_time("2027-07-01T08:00:00Z", NULL, &first)); /* 09:00 summer time */
    assert_int_equal(out[0].starts_at, first);
    assert_int_equal(out[1].ends_at - out[1].starts_at, 3 * H);

    struct event_part_text overlapping[] = {{"2027-07-01T09:00", "2027-07-01T12:00", 0, 0},
                                            {"2027-07-01T11:00", "2027-07-01T13:00", 0, 0}};
    assert_int_equal(event_parts_parse(overlapping, 2, london, out, &n, &p), LE_INVALID);
    assert_string_equal(p.field, "parts");
    struct event_part_text touching[] = {{"2027-07-01T09:00", "2027-07-01T12:00", 0, 0},
                                         {"2027-07-01T12:00", "2027-07-01T13:00", 0, 0}};
    assert_int_equal(event_parts_parse(touching, 2, london, out, &n, &p), LE_OK);
    struct event_part_text backwards[] = {{"2027-07-01T09:00", "2027-07-01T08:00", "part2_starts_at", "part2_ends_at"}};
    assert_int_equal(event_parts_parse(backwards, 1, london, out, &n, &p), LE_INVALID);
    assert_string_equal(p.field, "part2_ends_at");
    struct event_part_text half[] = {{"2027-07-01T09:00", "", "part2_starts_at", "part2_ends_at"}};
    assert_int_equal(event_parts_parse(half, 1, london, out, &n, &p), LE_INVALID);
    assert_string_equal(p.field, "part2_ends_at");
    struct event_part_text none[] = {{"", "", "starts_at", "ends_at"}};
    assert_int_equal(event_parts_parse(none, 1, london, out, &n, &p), LE_INVALID);
    assert_string_equal(p.field, "starts_at");
}

static void test_room_overlap_across_parts(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    const int64_t two_days[] = {D(10) + 9 * H, D(10) + 12 * H, D(11) + 9 * H, D(11) + 12 * H};
    int64_t first = plan(f, w.other, w.room, NULL, two_days, 2, LE_OK);
    /* Between the parts, and touching either end: no clash, though the spans overlap. */
    assert_int_equal(n_clashes(clashes(f, w.room, 5, NULL, D(10) + 13 * H, D(10) + 17 * H)), 0);
    assert_int_equal(n_clashes(clashes(f, w.room, 5, NULL, D(11) + 12 * H, D(11) + 14 * H)), 0);
    assert_int_equal(n_clashes(clashes(f, w.room, 5, NULL, D(10) + 8 * H, D(10) + 9 * H)), 0);
    json_t *c = clashes(f, w.room, 5, NULL, D(11) + 11 * H, D(11) + 13 * H);
    assert_int_equal(json_array_size(c), 1);
    json_t *x = json_array_get(c, 0);
    assert_string_equal(json_string_value(json_object_get(x, "kind")), "room");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(x, "event"), "id")), first);
    assert_string_equal(json_string_value(json_object_get(json_object_get(x, "course"), "code")), "CF-2");
    assert_string_equal(json_string_value(json_object_get(x, "starts_at")), iso(f, D(11) + 11 * H));
    assert_string_equal(json_string_value(json_object_get(x, "ends_at")), iso(f, D(11) + 12 * H));
    json_decref(c);
    /* A cancelled event frees its room. */
    struct problem p = {0};
    assert_int_equal(event_cancel(f->db, f->a, first, f->admin, &p), LE_OK);
    assert_int_equal(n_clashes(clashes(f, w.room, 5, NULL, D(11) + 11 * H, D(11) + 13 * H)), 0);
}

static void test_trainer_teaching_and_booked(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    const int64_t morning[] = {D(20) + 9 * H, D(20) + 12 * H};
    plan(f, w.course, 0, "tom", morning, 1, LE_OK);
    json_t *c = clashes(f, 0, 5, &w.trainer, D(20) + 10 * H, D(20) + 11 * H);
    assert_int_equal(json_array_size(c), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(c, 0), "kind")), "trainer_teaching");
    assert_string_equal(json_string_value(json_object_get(json_array_get(c, 0), "trainer")), "tom");
    json_decref(c);

    /* Tom as a learner, booked on another course's class the next day. */
    const int64_t next_day[] = {D(21) + 9 * H, D(21) + 12 * H};
    int64_t other = plan(f, w.other, 0, NULL, next_day, 1, LE_OK);
    struct problem p = {0};
    const char *st;
    assert_int_equal(booking_create(f->db, f->a, other, w.trainer, w.trainer, &st, &p), LE_OK);
    c = clashes(f, 0, 5, &w.trainer, D(21) + 11 * H, D(21) + 13 * H);
    assert_int_equal(json_array_size(c), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(c, 0), "kind")), "trainer_booked");
    json_decref(c);
    assert_int_equal(n_clashes(clashes(f, 0, 5, &w.trainer, D(21) + 12 * H, D(21) + 13 * H)), 0);
}

static void test_capacity(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    assert_int_equal(n_clashes(clashes(f, w.room, 10, NULL, D(30), D(30) + H)), 0);
    json_t *c = clashes(f, w.room, 12, NULL, D(30), D(30) + H);
    assert_int_equal(json_array_size(c), 1);
    json_t *x = json_array_get(c, 0);
    assert_string_equal(json_string_value(json_object_get(x, "kind")), "capacity");
    assert_int_equal(json_integer_value(json_object_get(x, "capacity")), 10);
    assert_int_equal(json_integer_value(json_object_get(x, "seats")), 12);
    json_decref(c);
}

static int64_t count(struct fx *f, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, sql, ""), LE_OK);
    return n;
}

static void test_override_only_with_reason_by_administrator(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    const int64_t morning[] = {D(40) + 9 * H, D(40) + 12 * H};
    plan(f, w.other, w.room, NULL, morning, 1, LE_OK);
    int64_t before = count(f, "SELECT COUNT(*) FROM events");
    struct event_part_text part = {iso(f, D(40) + 10 * H), iso(f, D(40) + 11 * H), 0, 0};
    struct event_input in = EVENT_INPUT_INIT;
    in.title = "Shared";
    in.timezone = "UTC";
    in.parts = &part;
    in.n_parts = 1;
    in.seats = 5;
    in.room_id = w.room;
    json_t *found = NULL;
    in.conflicts_out = &found;
    struct problem p = {0};
    int64_t id = 0;
    assert_int_equal(event_create(f->db, f->a, w.course, &in, f->admin, &id, &p), LE_CONFLICT);
    assert_string_equal(p.reason, "conflicts");
    assert_int_equal(json_array_size(found), 1);
    json_decref(found);
    in.override_reason = "Split by a partition";
    assert_int_equal(event_create(f->db, f->a, w.course, &in, f->admin, &id, &p), LE_FORBIDDEN);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM events"), before); /* nothing written */
    json_decref(found);
    in.may_override = true;
    assert_int_equal(event_create(f->db, f->a, w.course, &in, f->admin, &id, &p), LE_OK);
    json_decref(found);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'conflict.override'"), 1);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM event_parts"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts_parse),
        cmocka_unit_test_setup_teardown(test_room_overlap_across_parts, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_trainer_teaching_and_booked, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_capacity, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_override_only_with_reason_by_administrator, setup_any, teardown),
    };
    if (core_init()) return 1;
    if (pg_admin_url()) fprintf(stderr, "test_conflict: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
