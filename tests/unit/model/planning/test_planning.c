/* Planning (planning.c, room.c, event.c, booking.c, attendance.c): times read in an event's
 * zone, rooms kept while used, waitlist promotion in order, no overselling when many book at
 * once from their own connections, attendance completing the session. On SQLite, or with
 * LECTERN_TEST_PG on a fresh PostgreSQL database (fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "../../../../src/model/planning/planning.h"

#include "../../fixture.h"

#define N_PEOPLE 12

struct world {
    int64_t course, session, room, people[N_PEOPLE];
};

static struct world make_world(struct fx *f)
{
    struct world w = {0};
    struct problem p = {0};
    struct course_input in = COURSE_INPUT_INIT;
    in.code = "PL-1";
    in.title = "Planning";
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, &w.course, &p), LE_OK);
    int64_t section, eid;
    assert_int_equal(section_create(f->db, f->a, w.course, "Class", f->admin, &section, &p), LE_OK);
    struct activity_input x = {.kind = "session", .title = "Class day", .required = -1, .allow_mark_done = -1};
    assert_int_equal(activity_create(f->db, f->a, f->root, w.course, section, &x, f->admin, &w.session, &p), LE_OK);
    for (int i = 0; i < N_PEOPLE; i++) {
        char name[16];
        snprintf(name, sizeof name, "p%02d", i);
        struct user_input u = {.username = name, .first_name = "P", .last_name = name, .roles = "learner"};
        assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &w.people[i], NULL, &p), LE_OK);
        assert_int_equal(enrol_user(f->db, f->a, w.course, name, "learner", NULL, f->admin, ROLE_ADMIN, &eid, &p), LE_OK);
    }
    struct room_input r = ROOM_INPUT_INIT;
    r.name = "Room 1";
    r.capacity = 10;
    assert_int_equal(room_create(f->db, f->a, &r, f->admin, &w.room, &p), LE_OK);
    return w;
}

static int64_t make_event(struct fx *f, struct world *w, int64_t seats)
{
    struct problem p = {0};
    struct event_input in = EVENT_INPUT_INIT;
    char start[21], end[21];
    time_iso8601(time_now() + 10 * 86400, start);
    time_iso8601(time_now() + 10 * 86400 + 3600, end);
    in.title = "Day one";
    in.starts_at = start;
    in.ends_at = end;
    in.timezone = "Europe/London";
    in.room_id = w->room;
    in.seats = seats;
    int64_t id = 0;
    lerr e = event_create(f->db, f->a, w->course, &in, f->admin, &id, &p);
    if (e) fprintf(stderr, "event_create: %s: %s\n", p.field, p.message);
    assert_int_equal(e, LE_OK);
    return id;
}

static const char *book(struct fx *f, int64_t event, int64_t user, lerr expect)
{
    struct problem p = {0};
    const char *state = NULL;
    assert_int_equal(booking_create(f->db, f->a, event, user, user, &state, &p), expect);
    return state;
}

static int64_t count(struct fx *f, int64_t event, const char *state)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM event_bookings WHERE event_id = ?1 AND state = ?2",
                                  "is", event, state),
                     LE_OK);
    return n;
}

/* A wall-clock time is read in the event's zone, on both sides of the March change in London. */
static void test_parse_time(void **state)
{
    (void)state;
    const struct tz *london = tz_get("Europe/London");
    int64_t t;
    assert_true(planning_parse_time("2027-03-27T09:00", london, &t));
    assert_int_equal(t, 1806138000); /* 09:00 GMT */
    assert_true(planning_parse_time("2027-03-29T09:00", london, &t));
    assert_int_equal(t, 1806307200); /* 09:00 BST = 08:00 UTC */
    assert_true(planning_parse_time("2027-03-29T09:00:00+02:00", london, &t));
    assert_int_equal(t, 1806303600);
    assert_true(planning_parse_time("2027-03-29T08:00:00Z", NULL, &t));
    assert_int_equal(t, 1806307200);
    assert_false(planning_parse_time("2027-02-30T09:00", london, &t));
    assert_false(planning_parse_time("2027-03-29", london, &t));
    assert_false(planning_parse_time("tomorrow", london, &t));
}

/* A room an event uses is not deleted; a room no event uses is. */
static void test_room_kept_while_used(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    make_event(f, &w, 2);
    assert_int_equal(room_delete(f->db, f->a, w.room, f->admin, &p), LE_CONFLICT);
    assert_non_null(strstr(p.message, "Day one"));
    struct room_input r = ROOM_INPUT_INIT;
    r.name = "Spare";
    int64_t spare;
    assert_int_equal(room_create(f->db, f->a, &r, f->admin, &spare, &p), LE_OK);
    assert_int_equal(room_delete(f->db, f->a, spare, f->admin, &p), LE_OK);
}

/* Full: the next people wait in order; a booked seat that frees goes to the first waiting, a
 * waiting place that ends frees nothing. */
static void test_waitlist_promotion(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    int64_t ev = make_event(f, &w, 2);
    assert_string_equal(book(f, ev, w.people[0], LE_OK), "booked");
    assert_string_equal(book(f, ev, w.people[1], LE_OK), "booked");
    assert_string_equal(book(f, ev, w.people[2], LE_OK), "waitlisted");
    assert_string_equal(book(f, ev, w.people[3], LE_OK), "waitlisted");
    book(f, ev, w.people[2], LE_CONFLICT); /* twice */
    assert_int_equal(booking_cancel(f->db, f->a, ev, w.people[3], false, w.people[3], &p), LE_OK);
    assert_int_equal(count(f, ev, "booked"), 2);
    assert_int_equal(booking_cancel(f->db, f->a, ev, w.people[0], false, w.people[0], &p), LE_OK);
    assert_int_equal(count(f, ev, "booked"), 2);
    assert_int_equal(count(f, ev, "waitlisted"), 0);
    int64_t n;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM event_bookings WHERE event_id = ?1 AND user_id = ?2 "
                                             "AND state = 'booked'",
                                  "ii", ev, w.people[2]),
                     LE_OK);
    assert_int_equal(n, 1);
    /* More seats move the waitlist up too. */
    book(f, ev, w.people[4], LE_OK);
    struct event_input more = EVENT_INPUT_INIT;
    more.seats = 3;
    assert_int_equal(event_update(f->db, f->a, ev, &more, f->admin, &p), LE_OK);
    assert_int_equal(count(f, ev, "booked"), 3);
    /* Fewer seats than booked people is refused. */
    more.seats = 1;
    assert_int_equal(event_update(f->db, f->a, ev, &more, f->admin, &p), LE_CONFLICT);
    assert_string_equal(p.field, "seats");
    /* Cancelling the event ends every place. */
    assert_int_equal(event_cancel(f->db, f->a, ev, f->admin, &p), LE_OK);
    assert_int_equal(count(f, ev, "booked"), 0);
    book(f, ev, w.people[5], LE_CONFLICT);
}

struct racer {
    const char *url, *root;
    int64_t event, user;
    const char *state;
    lerr e;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct problem p = {0};
    struct db *db;
    if (db_open(r->url, r->root, &db, &p)) {
        r->e = LE_DB;
        return NULL;
    }
    struct arena *a = arena_new(0);
    r->e = booking_create(db, a, r->event, r->user, r->user, &r->state, &p);
    arena_free(a);
    db_close(db);
    return NULL;
}

/* Twelve people booking three seats at once, each on their own connection: three booked. */
static void test_no_oversell(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    int64_t ev = make_event(f, &w, 3);
    struct racer r[N_PEOPLE];
    pthread_t th[N_PEOPLE];
    for (int i = 0; i < N_PEOPLE; i++) {
        r[i] = (struct racer){.url = f->pg_url[0] ? f->pg_url : NULL, .root = f->root, .event = ev, .user = w.people[i]};
        pthread_create(&th[i], NULL, race, &r[i]);
    }
    int booked = 0;
    for (int i = 0; i < N_PEOPLE; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(r[i].e, LE_OK);
        booked += str_eq(r[i].state, "booked");
    }
    assert_int_equal(booked, 3);
    assert_int_equal(count(f, ev, "booked"), 3);
    assert_int_equal(count(f, ev, "waitlisted"), N_PEOPLE - 3);
    int64_t taken;
    assert_int_equal(db_query_int(f->db, &taken, "SELECT seats_taken FROM events WHERE id = ?1", "i", ev), LE_OK);
    assert_int_equal(taken, 3);
}

/* Attended completes the session for that person; a no-show does not. */
static void test_attendance_completes(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    int64_t ev = make_event(f, &w, 2);
    book(f, ev, w.people[0], LE_OK);
    book(f, ev, w.people[1], LE_OK);
    assert_int_equal(attendance_record(f->db, f->a, ev, "p00", "attended", f->admin, &p), LE_OK);
    assert_int_equal(attendance_record(f->db, f->a, ev, "p01", "no_show", f->admin, &p), LE_OK);
    assert_int_equal(attendance_record(f->db, f->a, ev, "p01", "asleep", f->admin, &p), LE_INVALID);
    assert_int_equal(attendance_record(f->db, f->a, ev, "p05", "attended", f->admin, &p), LE_NOTFOUND);
    int64_t n;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM activity_progress WHERE activity_id = ?1 AND user_id = ?2",
                                  "ii", w.session, w.people[0]),
                     LE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM activity_progress WHERE activity_id = ?1 AND user_id = ?2",
                                  "ii", w.session, w.people[1]),
                     LE_OK);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test_setup_teardown(test_room_kept_while_used, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_waitlist_promotion, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_no_oversell, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_attendance_completes, setup_any, teardown),
    };
    if (core_init()) return 1;
    if (pg_admin_url()) fprintf(stderr, "test_planning: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
