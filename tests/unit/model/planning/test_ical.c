/* iCalendar and calendars (ical.c, calendar.c): what Lectern writes is parsed back with
 * libical: the VTIMEZONE of the event's zone, 09:00 in London on both sides of the change to
 * summer time, METHOD, UID and SEQUENCE; invitations in the outbox rising in SEQUENCE under one
 * UID through a change and a cancellation; a person's calendar in range; and the feed's token,
 * which stops working once replaced. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <libical/ical.h>
#include "../../../../src/model/planning/planning.h"

#include "../../fixture.h"

/* 2030-03-29 09:00 GMT and 2030-04-01 09:00 BST (08:00 UTC): the change is on 31 March. */
#define WINTER 1901005200LL
#define SUMMER 1901260800LL

static struct cal_item london_item(int64_t id, int64_t starts, const char *state, int64_t sequence)
{
    return (struct cal_item){.kind = "event", .event_id = id, .activity_id = 3, .position = 1, .starts_at = starts,
                             .ends_at = starts + 3 * 3600, .title = "Fire safety", .course_code = "FS-1",
                             .course_title = "Fire", .state = state, .timezone = "Europe/London", .room = "Room 7",
                             .site = "Head office", .address = "", .meeting_url = "https://meet.example.org/fs",
                             .note = "Bring boots.", .sequence = sequence};
}

static icalcomponent *parse(const char *text)
{
    assert_non_null(text);
    icalcomponent *cal = icalparser_parse_string(text);
    assert_non_null(cal);
    assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
    return cal;
}

/* The event's start as the UTC time a calendar program computes from DTSTART and its TZID. */
static int64_t start_utc(icalcomponent *cal, icalcomponent *ev, int *local_hour)
{
    icalproperty *dt = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
    icalparameter *tzid = icalproperty_get_first_parameter(dt, ICAL_TZID_PARAMETER);
    assert_non_null(tzid);
    assert_string_equal(icalparameter_get_tzid(tzid), "Europe/London");
    icaltimezone *zone = icalcomponent_get_timezone(cal, "Europe/London");
    assert_non_null(zone);
    struct icaltimetype t = icalproperty_get_dtstart(dt);
    *local_hour = t.hour;
    return (int64_t)icaltime_as_timet_with_zone(t, zone);
}

static void test_dst_and_vtimezone(void **state)
{
    (void)state;
    struct arena *a = arena_new(0);
    struct cal_item items[] = {london_item(7, WINTER, "booked", 0), london_item(8, SUMMER, "waitlisted", 4)};
    struct cal_items c = {items, 2};
    icalcomponent *cal = parse(ical_build(a, &c, "REQUEST", "https://lectern.example.org", "mailto:t@example.org", NULL, NULL));
    assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_REQUEST);
    assert_int_equal(icalcomponent_count_components(cal, ICAL_VTIMEZONE_COMPONENT), 1);
    icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    int hour = 0;
    assert_int_equal(start_utc(cal, ev, &hour), WINTER);
    assert_int_equal(hour, 9);
    assert_string_equal(icalcomponent_get_uid(ev), "event-7-part-1@lectern.example.org");
    assert_string_equal(icalcomponent_get_location(ev), "Room 7, Head office");
    assert_non_null(strstr(icalcomponent_get_description(ev), "Bring boots."));
    assert_non_null(strstr(icalcomponent_get_description(ev), "https://meet.example.org/fs"));
    assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CONFIRMED);
    ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
    assert_int_equal(start_utc(cal, ev, &hour), SUMMER);
    assert_int_equal(hour, 9);
    assert_int_equal(icalcomponent_get_sequence(ev), 4);
    assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_TENTATIVE);
    icalproperty *url = icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY);
    assert_string_equal(icalproperty_get_url(url), "https://lectern.example.org/courses/FS-1/sessions/3");
    icalcomponent_free(cal);
    arena_free(a);
}

static void test_cancel_and_feed_shape(void **state)
{
    (void)state;
    struct arena *a = arena_new(0);
    struct cal_item items[] = {london_item(7, WINTER, "booked", 2), {.kind = "due", .title = "Fire", .state = "open"}};
    struct cal_items c = {items, 2};
    icalcomponent *cal = parse(ical_build(a, &c, "CANCEL", "https://lectern.example.org", "", NULL, NULL));
    assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_CANCEL);
    assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 1); /* a due date is no event */
    icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CANCELLED);
    assert_int_equal(icalcomponent_get_sequence(ev), 2);
    icalcomponent_free(cal);
    cal = parse(ical_build(a, &c, NULL, "https://lectern.example.org", "", "My calendar", NULL));
    assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_NONE);
    /* A feed is the person's own calendar: it names no attendee. */
    ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    assert_null(icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY));
    icalcomponent_free(cal);
    arena_free(a);
}

/* A course with a session, a room and a learner; an event ten days ahead in London. */
struct world {
    int64_t course, event, learner;
};

static struct world make_world(struct fx *f)
{
    struct world w = {0};
    struct problem p = {0};
    struct course_input in = COURSE_INPUT_INIT;
    in.code = "IC-1";
    in.title = "Invitations";
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, &w.course, &p), LE_OK);
    int64_t section, session, room, eid;
    assert_int_equal(section_create(f->db, f->a, w.course, "Class", f->admin, &section, &p), LE_OK);
    struct activity_input x = {.kind = "session", .title = "Class day", .required = -1, .allow_mark_done = -1};
    assert_int_equal(activity_create(f->db, f->a, f->root, w.course, section, &x, f->admin, &session, &p), LE_OK);
    struct user_input u = {.username = "lea", .first_name = "Lea", .last_name = "L", .roles = "learner", .email = "lea@example.org"};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &w.learner, NULL, &p), LE_OK);
    assert_int_equal(enrol_user(f->db, f->a, w.course, "lea", "learner", NULL, f->admin, ROLE_ADMIN, &eid, &p), LE_OK);
    struct room_input r = ROOM_INPUT_INIT;
    r.name = "Room 1";
    assert_int_equal(room_create(f->db, f->a, &r, f->admin, &room, &p), LE_OK);
    struct event_input e = EVENT_INPUT_INIT;
    char start[21], end[21];
    time_iso8601(time_now() + 10 * 86400, start);
    time_iso8601(time_now() + 10 * 86400 + 3600, end);
    e.title = "Day one";
    e.starts_at = start;
    e.ends_at = end;
    e.timezone = "Europe/London";
    e.room_id = room;
    e.seats = 5;
    assert_int_equal(event_create(f->db, f->a, w.course, &e, f->admin, &w.event, &p), LE_OK);
    return w;
}

/* The invitation of the newest message of template tpl, parsed; its VEVENT in *ev. */
static icalcomponent *outbox_invitation(struct fx *f, const char *tpl, const char *type, icalcomponent **ev)
{
    struct db_stmt *st = db_query(f->db,
                                  "SELECT attachment_type, attachment FROM mail_outbox WHERE template = ?1 ORDER BY id DESC "
                                  "LIMIT 1",
                                  "s", tpl);
    assert_non_null(st);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), type);
    icalcomponent *cal = parse(arena_strdup(f->a, db_col_text(st, 1)));
    db_done(st);
    *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    assert_non_null(*ev);
    return cal;
}

/* The invitation names the person it was sent to: their address, their name, and whether they hold the seat. */
static void assert_attendee(icalcomponent *ev, icalparameter_partstat partstat)
{
    icalproperty *att = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
    assert_non_null(att);
    assert_string_equal(icalproperty_get_attendee(att), "mailto:lea@example.org");
    icalparameter *cn = icalproperty_get_first_parameter(att, ICAL_CN_PARAMETER);
    assert_non_null(cn);
    assert_string_equal(icalparameter_get_cn(cn), "Lea L");
    icalparameter *role = icalproperty_get_first_parameter(att, ICAL_ROLE_PARAMETER);
    assert_non_null(role);
    assert_int_equal(icalparameter_get_role(role), ICAL_ROLE_REQPARTICIPANT);
    icalparameter *ps = icalproperty_get_first_parameter(att, ICAL_PARTSTAT_PARAMETER);
    assert_non_null(ps);
    assert_int_equal(icalparameter_get_partstat(ps), partstat);
    assert_null(icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY));
}

static void test_invitations_in_outbox(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    const char *booked;
    assert_int_equal(booking_create(f->db, f->a, w.event, w.learner, w.learner, &booked, &p), LE_OK);
    icalcomponent *ev, *cal = outbox_invitation(f, "event_confirmed", "text/calendar; method=REQUEST", &ev);
    const char *uid = arena_strdup(f->a, icalcomponent_get_uid(ev));
    int seq = icalcomponent_get_sequence(ev);
    assert_attendee(ev, ICAL_PARTSTAT_ACCEPTED);
    icalcomponent_free(cal);

    char start[21];
    time_iso8601(time_now() + 11 * 86400, start);
    struct event_input later = EVENT_INPUT_INIT;
    later.starts_at = start;
    later.ends_at = arena_sprintf(f->a, "%.*sT23:00:00Z", 10, start);
    assert_int_equal(event_update(f->db, f->a, w.event, &later, f->admin, &p), LE_OK);
    cal = outbox_invitation(f, "event_changed", "text/calendar; method=REQUEST", &ev);
    assert_string_equal(icalcomponent_get_uid(ev), uid);
    assert_true(icalcomponent_get_sequence(ev) > seq);
    seq = icalcomponent_get_sequence(ev);
    assert_attendee(ev, ICAL_PARTSTAT_ACCEPTED);
    icalcomponent_free(cal);

    /* A change of title alone moves nothing in anyone's calendar: no message. */
    int64_t before = 0, after = 0;
    db_query_int(f->db, &before, "SELECT COUNT(*) FROM mail_outbox", "");
    struct event_input retitle = EVENT_INPUT_INIT;
    retitle.title = "Day one (new name)";
    assert_int_equal(event_update(f->db, f->a, w.event, &retitle, f->admin, &p), LE_OK);
    db_query_int(f->db, &after, "SELECT COUNT(*) FROM mail_outbox", "");
    assert_int_equal(after, before);

    assert_int_equal(event_cancel(f->db, f->a, w.event, f->admin, &p), LE_OK);
    cal = outbox_invitation(f, "event_cancelled", "text/calendar; method=CANCEL", &ev);
    assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_CANCEL);
    assert_string_equal(icalcomponent_get_uid(ev), uid);
    assert_true(icalcomponent_get_sequence(ev) > seq);
    assert_attendee(ev, ICAL_PARTSTAT_DECLINED);
    icalcomponent_free(cal);
}

static void test_person_calendar_and_feed_token(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f);
    struct problem p = {0};
    const char *booked;
    assert_int_equal(booking_create(f->db, f->a, w.event, w.learner, w.learner, &booked, &p), LE_OK);
    struct cal_items c;
    assert_int_equal(calendar_person(f->db, f->a, w.learner, time_now(), time_now() + 30 * 86400, &c, &p), LE_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.items[0].state, "booked");
    assert_string_equal(c.items[0].room, "Room 1");
    assert_int_equal(calendar_person(f->db, f->a, w.learner, time_now() + 20 * 86400, time_now() + 30 * 86400, &c, &p),
                     LE_OK);
    assert_int_equal(c.n, 0);

    const char *first, *second;
    int64_t owner = 0;
    assert_int_equal(calendar_feed_created(f->db, w.learner), 0);
    assert_int_equal(calendar_feed_renew(f->db, f->a, w.learner, &first, &p), LE_OK);
    assert_int_equal(calendar_feed_owner(f->db, first, &owner), LE_OK);
    assert_int_equal(owner, w.learner);
    assert_int_equal(calendar_feed_renew(f->db, f->a, w.learner, &second, &p), LE_OK);
    assert_int_equal(calendar_feed_owner(f->db, first, &owner), LE_NOTFOUND);
    assert_int_equal(calendar_feed_owner(f->db, second, &owner), LE_OK);
    assert_int_equal(calendar_feed_owner(f->db, "not-a-token", &owner), LE_NOTFOUND);
    /* Only the hash is kept. */
    int64_t stored = 0;
    assert_int_equal(db_query_int(f->db, &stored, "SELECT COUNT(*) FROM calendar_feeds WHERE token_hash = ?1", "s", second),
                     LE_OK);
    assert_int_equal(stored, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dst_and_vtimezone),
        cmocka_unit_test(test_cancel_and_feed_shape),
        cmocka_unit_test_setup_teardown(test_invitations_in_outbox, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_person_calendar_and_feed_token, setup_any, teardown),
    };
    if (core_init()) return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
