/* Programme reminders (schedules/reminder.c): the scan at a given time sends the reminder due
 * before the due date once (two scans send one message), reminds again when an extension moves
 * the due date, sends the overdue notice and tells the line manager after the days set, and
 * sends nothing to people whose assignment ended or who completed. Also the reminder settings
 * and their bad input, and due dates counted from the person's start date. Certifications'
 * expiry warnings: 60 and 30 days before the expiry, each once, again after a renewal moves the
 * expiry, and none once the assignment ended. On SQLite, or with LECTERN_TEST_PG on a fresh PostgreSQL database
 * (fixture.h). */
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

#define DAY 86400

static void test_days_parse(void **state)
{
    (void)state;
    int d[REMINDER_BEFORE_MAX];
    assert_int_equal(reminder_days_parse("1, 14,7", d, REMINDER_BEFORE_MAX), 3);
    assert_int_equal(d[0], 14);
    assert_int_equal(d[1], 7);
    assert_int_equal(d[2], 1);
    assert_int_equal(reminder_days_parse("", d, REMINDER_BEFORE_MAX), 0);
    assert_int_equal(reminder_days_parse("7,7", d, REMINDER_BEFORE_MAX), -1);
    assert_int_equal(reminder_days_parse("0", d, REMINDER_BEFORE_MAX), -1);
    assert_int_equal(reminder_days_parse("seven", d, REMINDER_BEFORE_MAX), -1);
    assert_int_equal(reminder_days_parse("7days", d, REMINDER_BEFORE_MAX), -1);
    assert_int_equal(reminder_days_parse("400", d, REMINDER_BEFORE_MAX), -1);
}

static int64_t make_user(struct fx *f, const char *username, const char *manager)
{
    struct problem p = {0};
    int64_t id;
    char email[64];
    snprintf(email, sizeof email, "%s@example.org", username);
    struct user_input u = {.username = username, .email = email, .first_name = "Pat", .last_name = "Test",
                           .roles = manager ? "learner" : "manager"};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &id, NULL, &p), LE_OK);
    if (manager) {
        struct user_org_input o = {.department_id = -1, .job_role_id = -1, .manager = manager};
        assert_int_equal(user_org_update(f->db, f->a, id, &o, f->admin, &p), LE_OK);
    }
    return id;
}

/* A programme of one course due on 2027-01-31, assigned to lea (managed by mona). */
static int64_t make_programme(struct fx *f, int64_t *course)
{
    struct problem p = {0};
    struct course_input c = COURSE_INPUT_INIT;
    c.code = "REM-1";
    c.title = "Reminded";
    c.status = "published";
    assert_int_equal(course_create(f->db, f->a, &c, f->admin, course, &p), LE_OK);
    make_user(f, "mona", NULL);
    make_user(f, "lea", "mona");
    struct programme_set_input sets[] = {{.courses = "REM-1"}};
    struct programme_input in = PROGRAMME_INPUT_INIT;
    in.code = "REM";
    in.title = "Reminded";
    in.sets = sets;
    in.n_sets = 1;
    in.due_date = "2027-01-31";
    int64_t id;
    assert_int_equal(programme_create(f->db, f->a, &in, f->admin, &id, &p), LE_OK);
    struct programme_rule_input rule = {.kind = "user", .username = "lea"};
    assert_int_equal(programme_assign(f->db, f->a, id, &rule, f->admin, NULL, &p), LE_OK);
    return id;
}

static int64_t due_at(struct fx *f)
{
    int64_t due = 0;
    assert_int_equal(db_query_int(f->db, &due, "SELECT COALESCE(due_at, 0) FROM programme_assignments WHERE id > ?1", "i", 0), LE_OK);
    return due;
}

static int scan(struct fx *f, int64_t now)
{
    struct problem p = {0};
    int sent = -1;
    assert_int_equal(schedules_reminders_scan(f->db, f->a, now, &sent, &p), LE_OK);
    return sent;
}

/* Messages in the outbox from this template to this address. */
static int64_t outbox(struct fx *f, const char *template, const char *to)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM mail_outbox WHERE template = ?1 AND to_addr = ?2",
                                  "ss", template, to),
                     LE_OK);
    return n;
}

static void test_before_due_once(void **state)
{
    struct fx *f = *state;
    int64_t course;
    make_programme(f, &course);
    int64_t due = due_at(f);
    assert_int_equal(scan(f, due - 20 * DAY), 0);         /* nothing due 20 days before */
    assert_int_equal(scan(f, due - 10 * DAY), 1);         /* the 14-day reminder */
    assert_int_equal(scan(f, due - 10 * DAY + 3600), 0);  /* the next scan: already sent */
    assert_int_equal(scan(f, due - 9 * DAY), 0);
    assert_int_equal(outbox(f, "programme_due_soon", "lea@example.org"), 1);
    /* A scan that missed the 7-day reminder sends only the nearest, the 1-day one. */
    assert_int_equal(scan(f, due - DAY / 2), 1);
    assert_int_equal(scan(f, due - DAY / 2), 0);
    assert_int_equal(outbox(f, "programme_due_soon", "lea@example.org"), 2);
    assert_int_equal(outbox(f, "programme_overdue", "lea@example.org"), 0);
}

static void test_extension_reminds_again(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t course, prog = make_programme(f, &course);
    int64_t due = due_at(f);
    assert_int_equal(scan(f, due + DAY), 1); /* overdue notice; escalation waits 7 days */
    assert_int_equal(scan(f, due + 2 * DAY), 0);
    assert_int_equal(programme_extend(f->db, f->a, prog, "lea", "2027-02-28", "Leave", f->admin, ROLE_ADMIN, &p), LE_OK);
    int64_t later = due_at(f);
    assert_true(later > due);
    assert_int_equal(scan(f, due + 2 * DAY), 0);   /* no longer overdue, not yet near */
    assert_int_equal(scan(f, later - DAY / 2), 1); /* the new date's 1-day reminder */
    assert_int_equal(scan(f, later + DAY), 1);     /* and its own overdue notice */
    assert_int_equal(scan(f, later + DAY), 0);
    assert_int_equal(outbox(f, "programme_overdue", "lea@example.org"), 2);
}

static void test_escalation_to_manager(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t course, prog = make_programme(f, &course);
    int64_t due = due_at(f);
    assert_int_equal(scan(f, due + 6 * DAY), 1); /* the overdue notice only */
    assert_int_equal(outbox(f, "programme_escalation", "mona@example.org"), 0);
    assert_int_equal(scan(f, due + 7 * DAY), 1); /* seven days overdue: the manager is told */
    assert_int_equal(scan(f, due + 8 * DAY), 0);
    assert_int_equal(outbox(f, "programme_escalation", "mona@example.org"), 1);
    assert_int_equal(outbox(f, "programme_escalation", "lea@example.org"), 0);
    /* The message names the learner, for the manager. */
    int64_t named = 0;
    assert_int_equal(db_query_int(f->db, &named,
                                  "SELECT COUNT(*) FROM mail_outbox WHERE template = 'programme_escalation' AND data "
                                  "LIKE ?1",
                                  "s", "%\"learner_username\":\"lea\"%"),
                     LE_OK);
    assert_int_equal(named, 1);
    /* Settings: no escalation and no overdue notice means nothing more, even after an extension. */
    struct programme_reminders r = {.before = "", .overdue = false, .escalate_days = 0};
    assert_int_equal(programme_reminders_update(f->db, f->a, prog, &r, f->admin, &p), LE_OK);
    assert_int_equal(programme_extend(f->db, f->a, prog, "lea", "2027-03-31", "Ill", f->admin, ROLE_ADMIN, &p), LE_OK);
    assert_int_equal(scan(f, due_at(f) + 30 * DAY), 0);
}

static void test_ended_and_completed_get_nothing(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t course, prog = make_programme(f, &course);
    int64_t due = due_at(f);
    /* lea leaves the assigned group: the assignment ends, the reminders stop. */
    assert_int_equal(db_run(f->db, "UPDATE programme_assignments SET ended_at = ?1", "i", T0), LE_OK);
    assert_int_equal(scan(f, due - DAY / 2), 0);
    assert_int_equal(scan(f, due + 30 * DAY), 0);
    /* Back in the group, then complete: still nothing. */
    assert_int_equal(db_run(f->db, "UPDATE programme_assignments SET ended_at = NULL, completed_at = ?1", "i", T0), LE_OK);
    assert_int_equal(scan(f, due + 30 * DAY), 0);
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM mail_outbox WHERE template LIKE ?1", "s", "programme_%"),
                     LE_OK);
    assert_int_equal(n, 0);
    (void)prog, (void)p;
}

/* A certification valid for 365 days (renewal window 30 days) on its own course, assigned to
 * lea (managed by mona) and completed at T0; the id of the course's page through *page. */
static void make_certified(struct fx *f, int64_t *page)
{
    struct problem p = {0};
    int64_t course, prog;
    make_course(f, "EXP-1", &course, page);
    make_user(f, "mona", NULL);
    int64_t lea = make_user(f, "lea", "mona");
    struct programme_set_input sets[] = {{.courses = "EXP-1"}};
    struct programme_input in = PROGRAMME_INPUT_INIT;
    in.code = "EXP";
    in.title = "Expiring";
    in.sets = sets;
    in.n_sets = 1;
    in.certification = (struct certification_input){.set = true, .valid_days = 365, .window_days = 30};
    assert_int_equal(programme_create(f->db, f->a, &in, f->admin, &prog, &p), LE_OK);
    struct programme_rule_input rule = {.kind = "user", .username = "lea"};
    assert_int_equal(programme_assign(f->db, f->a, prog, &rule, f->admin, NULL, &p), LE_OK);
    assert_int_equal(activity_complete(f->db, *page, lea, "viewed", &p), LE_OK);
}

static int64_t expires_at(struct fx *f)
{
    return count(f, "SELECT COALESCE(MAX(expires_at), 0) FROM programme_assignments WHERE id > ?1", 0);
}

static void test_expiry_warnings_once_each(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t page;
    make_certified(f, &page);
    int64_t expiry = expires_at(f);
    assert_int_equal(expiry, T0 + 365 * DAY);
    assert_int_equal(scan(f, expiry - 61 * DAY), 0);        /* not yet within 60 days */
    assert_int_equal(scan(f, expiry - 59 * DAY), 1);        /* the 60-day warning */
    assert_int_equal(scan(f, expiry - 59 * DAY + 3600), 0); /* the next scan: already sent */
    assert_int_equal(scan(f, expiry - 31 * DAY), 0);
    assert_int_equal(scan(f, expiry - 29 * DAY), 1);        /* the 30-day warning */
    assert_int_equal(scan(f, expiry - 28 * DAY), 0);
    assert_int_equal(outbox(f, "programme_expiring", "lea@example.org"), 2);
    assert_int_equal(outbox(f, "programme_expiring", "mona@example.org"), 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM mail_outbox WHERE template = 'programme_expiring' AND data LIKE "
                              "'%\"days\":30%' AND ?1 > 0", 1),
                     1);

    /* Renewed: the window opened, lea completes the course again, the expiry moves a year on. */
    int renewed = -1;
    time_set_fake(expiry - 20 * DAY);
    assert_int_equal(certifications_renew(f->db, f->a, time_now(), &renewed, &p), LE_OK);
    assert_int_equal(renewed, 1);
    int64_t lea = count(f, "SELECT id FROM users WHERE username = 'lea' AND ?1 > 0", 1);
    assert_int_equal(activity_complete(f->db, page, lea, "viewed", &p), LE_OK);
    int64_t next = expires_at(f);
    assert_int_equal(next, expiry + 365 * DAY);
    assert_int_equal(scan(f, expiry - 19 * DAY), 0);        /* the new expiry is far off */
    assert_int_equal(scan(f, next - 59 * DAY), 1);          /* the new expiry warns again */
    assert_int_equal(scan(f, next - 59 * DAY), 0);
    assert_int_equal(outbox(f, "programme_expiring", "lea@example.org"), 3);

    /* lea leaves the assigned group: no warning more, and none after the expiry either. */
    assert_int_equal(db_run(f->db, "UPDATE programme_assignments SET ended_at = ?1", "i", next - 40 * DAY), LE_OK);
    assert_int_equal(scan(f, next - 29 * DAY), 0);
    assert_int_equal(db_run(f->db, "UPDATE programme_assignments SET ended_at = NULL", ""), LE_OK);
    assert_int_equal(scan(f, next + DAY), 0);
    assert_int_equal(outbox(f, "programme_expiring", "lea@example.org"), 3);
}

/* A programme's own expiry warning days: 45 and 10 instead of 60 and 30; none at all when empty;
 * a bad list refused naming remind_expiry. */
static void test_expiry_days_per_programme(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t page;
    make_certified(f, &page);
    int64_t prog = count(f, "SELECT id FROM programmes WHERE code = 'EXP' AND ?1 > 0", 1), expiry = expires_at(f);
    struct programme_reminders r = {.before = "14,7,1", .overdue = true, .escalate_days = 7, .expiry = "10, 61, soon"};
    assert_int_equal(programme_reminders_update(f->db, f->a, prog, &r, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "remind_expiry");
    r.expiry = "10, 45";
    assert_int_equal(programme_reminders_update(f->db, f->a, prog, &r, f->admin, &p), LE_OK);
    json_t *j = programme_reminders_json(f->db, prog);
    assert_string_equal(json_string_value(json_object_get(j, "expiry")), "45,10");
    json_decref(j);
    /* The plans mark it expiring from the first warning day on. */
    int64_t lea = count(f, "SELECT id FROM users WHERE username = 'lea' AND ?1 > 0", 1);
    time_set_fake(expiry - 50 * DAY);
    j = plan_json(f->db, f->a, lea);
    assert_false(json_is_true(json_object_get(json_array_get(j, 0), "expiring")));
    json_decref(j);
    time_set_fake(expiry - 44 * DAY);
    j = plan_json(f->db, f->a, lea);
    assert_true(json_is_true(json_object_get(json_array_get(j, 0), "expiring")));
    json_decref(j);
    assert_int_equal(scan(f, expiry - 59 * DAY), 0);   /* 60 days is no longer a warning day */
    assert_int_equal(scan(f, expiry - 44 * DAY), 1);   /* the 45-day warning */
    assert_int_equal(scan(f, expiry - 29 * DAY), 0);
    assert_int_equal(scan(f, expiry - 9 * DAY), 1);    /* the 10-day warning */
    assert_int_equal(scan(f, expiry - 8 * DAY), 0);
    assert_int_equal(outbox(f, "programme_expiring", "lea@example.org"), 2);
    r.expiry = "";
    assert_int_equal(programme_reminders_update(f->db, f->a, prog, &r, f->admin, &p), LE_OK);
    assert_int_equal(db_run(f->db, "DELETE FROM programme_reminders_sent", ""), LE_OK);
    assert_int_equal(scan(f, expiry - 9 * DAY), 0);    /* warns on no day */
}

/* A certification's completion brought in by `lectern completion import` gives the assignment
 * the file's expiry (or the validity counted from the imported date), and that expiry warns. */
static void test_imported_expiry_warns(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t course, page, prog;
    make_course(f, "IMP-1", &course, &page);
    make_user(f, "ira", NULL);
    make_user(f, "ike", NULL);
    struct programme_set_input sets[] = {{.courses = "IMP-1"}};
    struct programme_input in = PROGRAMME_INPUT_INIT;
    in.code = "IMP";
    in.title = "Imported";
    in.sets = sets;
    in.n_sets = 1;
    in.certification = (struct certification_input){.set = true, .valid_days = 365, .window_days = 30};
    assert_int_equal(programme_create(f->db, f->a, &in, f->admin, &prog, &p), LE_OK);
    struct programme_rule_input everyone = {.kind = "everyone"};
    assert_int_equal(programme_assign(f->db, f->a, prog, &everyone, f->admin, NULL, &p), LE_OK);
    /* ira's file gives an expiry (earlier than the validity would); ike's none: 365 days from
     * the imported completion. */
    const char *csv = "username,programme,completed,expiry\nira,IMP,2026-01-10,2027-01-20\nike,IMP,2026-12-01,\n";
    struct course_import_result r = {0};
    assert_int_equal(completion_import_run(f->db, f->a, csv, strlen(csv), true, f->admin, &r, &p), LE_OK);
    assert_int_equal(r.n_errors, 0);
    assert_true(r.committed);
    json_decref(r.unknown);
    int64_t ira = count(f, "SELECT a.expires_at FROM programme_assignments a JOIN users u ON u.id = a.user_id WHERE "
                           "u.username = 'ira' AND a.programme_id = ?1", prog);
    int64_t ike = count(f, "SELECT a.expires_at FROM programme_assignments a JOIN users u ON u.id = a.user_id WHERE "
                           "u.username = 'ike' AND a.programme_id = ?1", prog);
    int64_t jan20, dec1;
    assert_true(course_parse_date("2027-01-20", &jan20));
    assert_true(course_parse_date("2026-12-01", &dec1));
    assert_int_equal(ira, jan20);
    assert_int_equal(ike, dec1 + 365 * DAY);
    assert_int_equal(scan(f, jan20 - 59 * DAY), 1);   /* ira's 60-day warning, from the imported expiry */
    assert_int_equal(scan(f, jan20 - 58 * DAY), 0);
    assert_int_equal(outbox(f, "programme_expiring", "ira@example.org"), 1);
    assert_int_equal(scan(f, ike - 59 * DAY), 1);     /* ike's 60-day warning; ira's certification has expired */
    assert_int_equal(outbox(f, "programme_expiring", "ike@example.org"), 1);
}

static void test_settings_refuse_bad_input(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t course, prog = make_programme(f, &course);
    struct programme_reminders r = {.before = "14, 7, seven", .overdue = true, .escalate_days = 7};
    assert_int_equal(programme_reminders_update(f->db, f->a, prog, &r, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "remind_before");
    r.before = "30,3";
    r.escalate_days = -1;
    assert_int_equal(programme_reminders_update(f->db, f->a, prog, &r, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "escalate_days");
    json_t *j = programme_reminders_json(f->db, prog);
    assert_string_equal(json_string_value(json_object_get(j, "before")), "14,7,1"); /* unchanged: the defaults */
    json_decref(j);
    r.escalate_days = 3;
    assert_int_equal(programme_reminders_update(f->db, f->a, prog, &r, f->admin, &p), LE_OK);
    j = programme_reminders_json(f->db, prog);
    assert_string_equal(json_string_value(json_object_get(j, "before")), "30,3");
    assert_int_equal(json_integer_value(json_object_get(j, "escalate_days")), 3);
    json_decref(j);
}

static void test_due_after_start_date(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t course, lea, id;
    struct course_input c = COURSE_INPUT_INIT;
    c.code = "ST-1";
    c.title = "Started";
    c.status = "published";
    assert_int_equal(course_create(f->db, f->a, &c, f->admin, &course, &p), LE_OK);
    make_user(f, "mona", NULL);
    lea = make_user(f, "lea", "mona");
    struct programme_set_input sets[] = {{.courses = "ST-1"}};
    struct programme_input in = PROGRAMME_INPUT_INIT;
    in.code = "START";
    in.title = "Start";
    in.sets = sets;
    in.n_sets = 1;
    in.due_start_days = 30;
    in.due_days = 10;
    assert_int_equal(programme_create(f->db, f->a, &in, f->admin, &id, &p), LE_INVALID); /* two rules */
    assert_string_equal(p.field, "due_start_days");
    in.due_days = -1;
    assert_int_equal(programme_create(f->db, f->a, &in, f->admin, &id, &p), LE_OK);
    json_t *j = programme_json(f->db, f->a, id);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "due"), "days_after_start")), 30);
    json_decref(j);
    struct programme_rule_input rule = {.kind = "user", .username = "lea"};
    assert_int_equal(programme_assign(f->db, f->a, id, &rule, f->admin, NULL, &p), LE_OK);
    assert_int_equal(due_at(f), 0); /* no start date known yet: no due date */

    struct user_org_input o = {.department_id = -1, .job_role_id = -1, .start_date = "2027-02-30"};
    assert_int_equal(user_org_update(f->db, f->a, lea, &o, f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "start_date");
    o.start_date = "2027-01-01";
    assert_int_equal(user_org_update(f->db, f->a, lea, &o, f->admin, &p), LE_OK);
    assert_string_equal(user_start_date(f->db, f->a, lea), "2027-01-01");
    int64_t start;
    assert_true(course_parse_date("2027-01-01", &start));
    assert_int_equal(due_at(f), start + 30 * DAY);
    /* A later change of the start date keeps the date given, as a changed programme rule does. */
    o.start_date = "2027-03-01";
    assert_int_equal(user_org_update(f->db, f->a, lea, &o, f->admin, &p), LE_OK);
    assert_int_equal(due_at(f), start + 30 * DAY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_parse),
        cmocka_unit_test_setup_teardown(test_before_due_once, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_extension_reminds_again, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_escalation_to_manager, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_ended_and_completed_get_nothing, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_settings_refuse_bad_input, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_due_after_start_date, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_expiry_warnings_once_each, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_expiry_days_per_programme, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_imported_expiry_warns, setup_any, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
