/* Planning's approval, reminders and attendance extras (approval.c, reminder.c,
 * session_settings.c, attendance.c): a request waits without a seat until the line manager
 * decides, once; the reminder scan sends each message once however often it runs, and again
 * when the event moves; "partly" completes where the session says so; "all attended" leaves
 * exceptions alone; a no-show is reported to the manager. The scan is given "now", so time
 * passes as the test likes. On SQLite, or with LECTERN_TEST_PG on a fresh PostgreSQL database. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "../../../../src/model/planning/planning.h"

#include "../../fixture.h"

/* p0..p3 learners: p0 and p1 report to boss, p2 to other, p3 to nobody; tr trains. */
struct world {
    int64_t course, session, boss, other, trainer, people[4];
};

static int64_t person(struct fx *f, const char *name, const char *roles)
{
    struct problem p = {0};
    char email[64];
    snprintf(email, sizeof email, "%s@example.org", name);
    struct user_input u = {.username = name, .email = email, .first_name = "P", .last_name = name, .roles = roles};
    int64_t id = 0;
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &id, NULL, &p), LE_OK);
    return id;
}

static struct world make_world(struct fx *f, bool needs_approval)
{
    struct world w = {0};
    struct problem p = {0};
    struct course_input in = COURSE_INPUT_INIT;
    in.code = "AP-1";
    in.title = "Approval";
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, &w.course, &p), LE_OK);
    int64_t section, eid;
    assert_int_equal(section_create(f->db, f->a, w.course, "Class", f->admin, &section, &p), LE_OK);
    struct activity_input x = {.kind = "session", .title = "Class day", .required = -1, .allow_mark_done = -1};
    assert_int_equal(activity_create(f->db, f->a, f->root, w.course, section, &x, f->admin, &w.session, &p), LE_OK);
    w.boss = person(f, "boss", "manager");
    w.other = person(f, "other", "manager");
    w.trainer = person(f, "tr", "instructor");
    assert_int_equal(enrol_user(f->db, f->a, w.course, "tr", "instructor", NULL, f->admin, ROLE_ADMIN, &eid, &p), LE_OK);
    const char *names[] = {"p0", "p1", "p2", "p3"};
    int64_t managers[] = {w.boss, w.boss, w.other, 0};
    for (int i = 0; i < 4; i++) {
        w.people[i] = person(f, names[i], "learner");
        assert_int_equal(enrol_user(f->db, f->a, w.course, names[i], "learner", NULL, f->admin, ROLE_ADMIN, &eid, &p), LE_OK);
        if (managers[i])
            assert_int_equal(db_run(f->db, "UPDATE users SET manager_id = ?2 WHERE id = ?1", "ii", w.people[i], managers[i]), LE_OK);
    }
    struct session_settings s;
    assert_int_equal(session_settings_get(f->db, w.session, &s, &p), LE_OK);
    s.needs_approval = needs_approval;
    assert_int_equal(session_settings_save(f->db, f->a, w.course, w.session, &s, f->admin, &p), LE_OK);
    return w;
}

static int64_t make_event(struct fx *f, struct world *w, int64_t seats, int64_t starts)
{
    struct problem p = {0};
    struct event_input in = EVENT_INPUT_INIT;
    char start[21], end[21];
    time_iso8601(starts, start);
    time_iso8601(starts + 3600, end);
    const char *trainers[] = {"tr"};
    in.title = "Day one";
    in.starts_at = start;
    in.ends_at = end;
    in.timezone = "Europe/London";
    in.seats = seats;
    in.meeting_url = "https://meet.example.org/day-one";
    in.trainers = trainers;
    in.n_trainers = 1;
    int64_t id = 0;
    assert_int_equal(event_create(f->db, f->a, w->course, &in, f->admin, &id, &p), LE_OK);
    return id;
}

static const char *book(struct fx *f, int64_t event, int64_t user, lerr expect)
{
    struct problem p = {0};
    const char *state = NULL;
    assert_int_equal(booking_create(f->db, f->a, event, user, user, &state, &p), expect);
    return state;
}

static int64_t count_sql(struct fx *f, const char *sql, int64_t a1, const char *a2)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, sql, "is", a1, a2), LE_OK);
    return n;
}

/* Messages in the outbox to the person, of one template. */
static int64_t mails(struct fx *f, int64_t user, const char *template)
{
    return count_sql(f, "SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?1 AND template = ?2", user, template);
}

static const char *state_of(struct fx *f, int64_t event, int64_t user)
{
    struct db_stmt *st = db_query(f->db, "SELECT state FROM event_bookings WHERE event_id = ?1 AND user_id = ?2 ORDER BY id DESC LIMIT 1",
                                  "ii", event, user);
    assert_non_null(st);
    const char *s = db_step(st) == DB_ROW ? arena_strdup(f->a, db_col_text(st, 0)) : "";
    db_done(st);
    return s;
}

static void test_approval_decided_once(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f, true);
    struct problem p = {0};
    int64_t ev = make_event(f, &w, 1, time_now() + 10 * 86400);
    assert_string_equal(book(f, ev, w.people[0], LE_OK), "awaiting_approval");
    assert_string_equal(book(f, ev, w.people[1], LE_OK), "awaiting_approval");
    book(f, ev, w.people[0], LE_CONFLICT);
    int64_t taken = -1;
    assert_int_equal(db_query_int(f->db, &taken, "SELECT seats_taken FROM events WHERE id = ?1", "i", ev), LE_OK);
    assert_int_equal(taken, 0);
    assert_int_equal(mails(f, w.boss, "event_approval_request"), 2);

    const char *st = NULL;
    /* Someone else's manager sees no such request; the learner's own manager decides once. */
    assert_int_equal(booking_approve(f->db, f->a, ev, w.people[0], w.other, false, &st, &p), LE_NOTFOUND);
    assert_int_equal(booking_approve(f->db, f->a, ev, w.people[0], w.boss, false, &st, &p), LE_OK);
    assert_string_equal(st, "booked");
    assert_int_equal(booking_approve(f->db, f->a, ev, w.people[0], w.boss, false, &st, &p), LE_CONFLICT);
    assert_int_equal(booking_decline(f->db, f->a, ev, w.people[0], "late", w.boss, false, &p), LE_CONFLICT);
    assert_int_equal(mails(f, w.people[0], "event_approved"), 1);
    /* The only seat is taken: the next approval joins the waitlist. */
    assert_int_equal(booking_approve(f->db, f->a, ev, w.people[1], w.boss, false, &st, &p), LE_OK);
    assert_string_equal(st, "waitlisted");
    assert_int_equal(mails(f, w.people[1], "event_waitlisted"), 1);

    /* Without a manager an administrator decides; a decline needs a reason and is final. */
    assert_string_equal(book(f, ev, w.people[3], LE_OK), "awaiting_approval");
    assert_int_equal(booking_decline(f->db, f->a, ev, w.people[3], "  ", f->admin, true, &p), LE_INVALID);
    assert_string_equal(p.field, "reason");
    assert_int_equal(booking_decline(f->db, f->a, ev, w.people[3], "Budget is spent", f->admin, true, &p), LE_OK);
    assert_string_equal(state_of(f, ev, w.people[3]), "declined");
    assert_int_equal(booking_decline(f->db, f->a, ev, w.people[3], "again", f->admin, true, &p), LE_CONFLICT);
    assert_int_equal(mails(f, w.people[3], "event_declined"), 1);
    assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?1 AND data LIKE ?2", w.people[3],
                               "%Budget is spent%"),
                     1);
    /* A declined request is history: the person may ask again. */
    assert_string_equal(book(f, ev, w.people[3], LE_OK), "awaiting_approval");

    json_t *mine = approvals_json(f->db, w.boss, false), *all = approvals_json(f->db, f->admin, true);
    assert_int_equal(json_array_size(mine), 0);
    assert_int_equal(json_array_size(all), 1);
    assert_true(json_is_null(json_object_get(json_array_get(all, 0), "manager")));
    json_decref(mine);
    json_decref(all);
}

static int scan(struct fx *f, int64_t now)
{
    struct problem p = {0};
    int sent = -1;
    assert_int_equal(planning_reminders_scan(f->db, f->a, now, &sent, &p), LE_OK);
    return sent;
}

static void test_reminders_sent_once(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f, false);
    struct problem p = {0};
    int64_t start = time_now() + 10 * 86400;
    int64_t ev = make_event(f, &w, 5, start);
    book(f, ev, w.people[0], LE_OK);
    assert_int_equal(scan(f, time_now()), 0);
    /* Two days before: the learner and the trainer, once however often the scan runs. */
    assert_int_equal(scan(f, start - 2 * 86400 + 1), 2);
    assert_int_equal(scan(f, start - 2 * 86400 + 1), 0);
    assert_int_equal(scan(f, start - 86400), 0);
    assert_int_equal(mails(f, w.people[0], "event_reminder"), 1);
    assert_int_equal(mails(f, w.trainer, "event_reminder_trainer"), 1);
    /* Two hours before, once more. */
    assert_int_equal(scan(f, start - 2 * 3600 + 1), 2);
    assert_int_equal(scan(f, start - 3600), 0);
    /* Moved a day later and nearly due: the nearest offset that passed reminds again, once. */
    char moved[21];
    time_iso8601(start + 86400, moved);
    char moved_end[21];
    time_iso8601(start + 86400 + 3600, moved_end);
    struct event_input in = EVENT_INPUT_INIT;
    in.starts_at = moved;
    in.ends_at = moved_end;
    assert_int_equal(event_update(f->db, f->a, ev, &in, f->admin, &p), LE_OK);
    assert_int_equal(scan(f, start + 86400 - 3600), 2);
    assert_int_equal(scan(f, start + 86400 - 3600), 0);
    assert_int_equal(mails(f, w.people[0], "event_reminder"), 3);
    /* A session's own offsets: an hour before only. */
    struct session_settings s;
    assert_int_equal(session_offsets_parse("1h", &s, &p), LE_OK);
    assert_int_equal(session_settings_save(f->db, f->a, w.course, w.session, &s, f->admin, &p), LE_OK);
    int64_t ev2 = make_event(f, &w, 5, start + 5 * 86400);
    book(f, ev2, w.people[1], LE_OK);
    assert_int_equal(scan(f, start + 5 * 86400 - 2 * 86400), 0);
    assert_int_equal(scan(f, start + 5 * 86400 - 3000), 2);
    assert_int_equal(session_offsets_parse("2 weeks", &s, &p), LE_INVALID);
    assert_string_equal(p.field, "reminders");
    assert_int_equal(session_offsets_parse("31d", &s, &p), LE_INVALID);
}

static void test_approval_reminder_once(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f, true);
    int64_t ev = make_event(f, &w, 5, time_now() + 20 * 86400);
    book(f, ev, w.people[0], LE_OK);
    book(f, ev, w.people[3], LE_OK); /* no manager: nobody to remind */
    assert_int_equal(scan(f, time_now() + 86400), 0);
    assert_int_equal(scan(f, time_now() + 2 * 86400 + 60), 1);
    assert_int_equal(scan(f, time_now() + 3 * 86400), 0);
    assert_int_equal(mails(f, w.boss, "event_approval_reminder"), 1);
}

static void test_attendance_extras(void **state)
{
    struct fx *f = *state;
    struct world w = make_world(f, false);
    struct problem p = {0};
    struct session_settings s;
    assert_int_equal(session_settings_get(f->db, w.session, &s, &p), LE_OK);
    assert_false(s.partly_completes);
    s.partly_completes = true;
    assert_int_equal(session_settings_save(f->db, f->a, w.course, w.session, &s, f->admin, &p), LE_OK);
    int64_t ev = make_event(f, &w, 5, time_now() + 86400);
    for (int i = 0; i < 4; i++) book(f, ev, w.people[i], LE_OK);
    assert_int_equal(attendance_record(f->db, f->a, ev, "p1", "no_show", w.trainer, &p), LE_OK);
    assert_int_equal(attendance_record(f->db, f->a, ev, "p2", "partly", w.trainer, &p), LE_OK);
    int n = -1;
    assert_int_equal(attendance_all_attended(f->db, f->a, ev, w.trainer, &n, &p), LE_OK);
    assert_int_equal(n, 2); /* p0 and p3; the exceptions stand */
    assert_int_equal(attendance_all_attended(f->db, f->a, ev, w.trainer, &n, &p), LE_OK);
    assert_int_equal(n, 0);
    const char *sql = "SELECT COUNT(*) FROM activity_progress WHERE activity_id = ?1 AND user_id IN "
                      "(SELECT id FROM users WHERE username = ?2)";
    assert_int_equal(count_sql(f, sql, w.session, "p0"), 1);
    assert_int_equal(count_sql(f, sql, w.session, "p1"), 0);
    assert_int_equal(count_sql(f, sql, w.session, "p2"), 1);
    assert_int_equal(count_sql(f, sql, w.session, "p3"), 1);
    assert_int_equal(mails(f, w.boss, "event_no_show"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_approval_decided_once, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_reminders_sent_once, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_approval_reminder_once, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_attendance_extras, setup_any, teardown),
    };
    if (core_init()) return 1;
    if (pg_admin_url()) fprintf(stderr, "test_planning_approval: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
