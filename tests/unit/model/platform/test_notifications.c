/* The notification centre (notification_type.c, notification.c, notification_digest.c): the
 * declared table of types (unique keys, each with its mail template, sign-in messages e-mail
 * only), how a person's choice resolves (e-mail unless they chose a channel the type allows),
 * notify_send taking each channel, marking read, and the daily digest's once-only key. On
 * SQLite, or with LECTERN_TEST_PG on a fresh PostgreSQL database (fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "../../../../src/model/platform/platform.h"
#include "../../../../src/core/asset.h"

#include "../../fixture.h"

static void test_type_table(void **state)
{
    (void)state;
    const struct notification_type *types;
    size_t n = notification_types(&types);
    assert_true(n >= 20);
    for (size_t i = 0; i < n; i++) {
        char path[128];
        snprintf(path, sizeof path, "templates/mail/%s.txt.mustache", types[i].key);
        assert_non_null(asset_find(path));                   /* its default mail text */
        assert_true(types[i].channels & NOTIFY_EMAIL);       /* e-mail is always allowed: the default */
        assert_true(types[i].line && *types[i].line && types[i].link[0] == '/');
        assert_ptr_equal(notification_type_find(types[i].key), &types[i]);
        for (size_t j = i + 1; j < n; j++) assert_string_not_equal(types[i].key, types[j].key);
    }
    assert_int_equal(notification_type_find("password_reset")->channels, NOTIFY_EMAIL);
    assert_int_equal(notification_type_find("signin_link")->channels, NOTIFY_EMAIL);
    assert_int_equal(notification_type_find("forum_post")->channels,
                     NOTIFY_EMAIL | NOTIFY_INAPP | NOTIFY_DIGEST | NOTIFY_OFF | NOTIFY_LISTED);
    assert_null(notification_type_find("no_such_type"));
}

static void test_resolution(void **state)
{
    (void)state;
    const struct notification_type *reset = notification_type_find("password_reset");
    const struct notification_type *booked = notification_type_find("event_booked");
    assert_int_equal(notify_channel_resolve(booked, NULL), NOTIFY_EMAIL);
    assert_int_equal(notify_channel_resolve(booked, "inapp"), NOTIFY_INAPP);
    assert_int_equal(notify_channel_resolve(booked, "digest"), NOTIFY_DIGEST);
    assert_int_equal(notify_channel_resolve(booked, "off"), NOTIFY_OFF);
    assert_int_equal(notify_channel_resolve(booked, "pigeon"), NOTIFY_EMAIL);
    /* A choice the type does not allow (written before the type changed) is e-mail. */
    assert_int_equal(notify_channel_resolve(reset, "off"), NOTIFY_EMAIL);
    assert_int_equal(notify_channel_resolve(reset, "inapp"), NOTIFY_EMAIL);
    assert_string_equal(notify_channel_name(NOTIFY_DIGEST), "digest");
    assert_int_equal(notify_channel_parse("email"), NOTIFY_EMAIL);
}

static int64_t person(struct fx *f, const char *username)
{
    struct problem p = {0};
    int64_t id;
    char email[128];
    snprintf(email, sizeof email, "%s@example.org", username);
    struct user_input u = {.username = username, .email = email, .first_name = username, .last_name = "Test", .roles = "learner"};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &id, NULL, &p), LE_OK);
    return id;
}

static int64_t count(struct fx *f, const char *sql, int64_t id)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, sql, "i", id), LE_OK);
    return n;
}
#define OUTBOX "SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?1"
#define KEPT "SELECT COUNT(*) FROM notifications WHERE user_id = ?1"

static void send(struct fx *f, const char *type, int64_t to)
{
    struct problem p = {0};
    json_t *d = json_pack("{s:s}", "title", "Hello");
    assert_int_equal(notify_send(f->db, type, to, "x@example.org", d, NULL, NULL, &p), LE_OK);
    json_decref(d);
}

static void choose(struct fx *f, int64_t who, const char *type, const char *channel, lerr expect)
{
    struct problem p = {0};
    assert_int_equal(notify_preferences_save(f->db, who, &type, &channel, 1, &p), expect);
}

static void test_send_as_chosen(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t ann = person(f, "ann");
    send(f, "announcement", ann);
    assert_int_equal(count(f, OUTBOX, ann), 1); /* the default: e-mail */
    assert_int_equal(count(f, KEPT, ann), 0);
    choose(f, ann, "announcement", "inapp", LE_OK);
    send(f, "announcement", ann);
    assert_int_equal(count(f, OUTBOX, ann), 1);
    assert_int_equal(count(f, KEPT, ann), 1);
    /* Without an address: kept in Lectern all the same; by e-mail, nothing and no error. */
    json_t *none = json_object();
    assert_int_equal(notify_send(f->db, "announcement", ann, "", none, NULL, NULL, &p), LE_OK);
    assert_int_equal(count(f, KEPT, ann), 2);
    assert_int_equal(notify_send(f->db, "event_booked", ann, "", none, NULL, NULL, &p), LE_OK);
    assert_int_equal(count(f, OUTBOX, ann), 1);
    json_decref(none);
    /* A reply in a followed discussion, e-mailed, is listed in Lectern too: the bell counts it. */
    send(f, "forum_post", ann);
    assert_int_equal(count(f, OUTBOX, ann), 2);
    assert_int_equal(count(f, KEPT, ann), 3);
    choose(f, ann, "announcement", "off", LE_OK);
    send(f, "announcement", ann);
    assert_int_equal(count(f, OUTBOX, ann) + count(f, KEPT, ann), 5);

    /* A sign-in message cannot be turned off, nor kept in Lectern: refused, nothing saved. */
    const char *types[] = {"event_booked", "password_reset"}, *channels[] = {"inapp", "off"};
    assert_int_equal(notify_preferences_save(f->db, ann, types, channels, 2, &p), LE_INVALID);
    assert_string_equal(p.field, "password_reset");
    assert_int_equal(count(f, "SELECT COUNT(*) FROM notification_preferences WHERE user_id = ?1", ann), 1);
    /* Even a row written behind the form's back leaves it e-mail. */
    assert_int_equal(db_run(f->db, "INSERT INTO notification_preferences VALUES (?1, 'password_reset', 'off')", "i", ann),
                     LE_OK);
    send(f, "password_reset", ann);
    assert_int_equal(count(f, OUTBOX, ann), 3);
    assert_int_equal(count(f, KEPT, ann), 3); /* a sign-in message is not kept in Lectern */
    choose(f, ann, "no_such_type", "email", LE_INVALID);
    json_t *d = json_object();
    assert_int_equal(notify_send(f->db, "no_such_type", ann, "x@example.org", d, NULL, NULL, &p), LE_INVALID);
    json_decref(d);
}

static void test_list_and_read(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t bo = person(f, "bo"), cy = person(f, "cy");
    choose(f, bo, "event_booked", "inapp", LE_OK);
    for (int i = 0; i < 5; i++) send(f, "event_booked", bo);
    struct notification *list;
    int n;
    int64_t older, unread;
    assert_int_equal(notifications_list(f->db, f->a, bo, 0, 3, &list, &n, &older), LE_OK);
    assert_int_equal(n, 3);
    assert_true(list[0].id > list[1].id); /* newest first */
    assert_int_equal(older, list[2].id);
    assert_int_equal(notifications_list(f->db, f->a, bo, older, 3, &list, &n, &older), LE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(older, 0);
    int changed;
    assert_int_equal(notifications_mark_read(f->db, cy, list[0].id, &changed, &p), LE_NOTFOUND); /* not cy's */
    assert_int_equal(notifications_mark_read(f->db, bo, list[0].id, &changed, &p), LE_OK);
    assert_int_equal(changed, 1);
    assert_int_equal(notifications_unread(f->db, bo, &unread), LE_OK);
    assert_int_equal(unread, 4);
    assert_int_equal(notifications_mark_read(f->db, bo, 0, &changed, &p), LE_OK);
    assert_int_equal(changed, 4);
    assert_int_equal(notifications_unread(f->db, bo, &unread), LE_OK);
    assert_int_equal(unread, 0);
}

static void test_digest_once(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t di = person(f, "di");
    choose(f, di, "announcement", "digest", LE_OK);
    send(f, "announcement", di);
    send(f, "announcement", di);
    int64_t from = T0 - T0 % 86400, *people;
    int n;
    assert_int_equal(notify_digest_people(f->db, f->a, "day-one", from, from + 86400, 10, &people, &n), LE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(people[0], di);
    struct notification *items;
    assert_int_equal(notify_digest_items(f->db, f->a, di, from, from + 86400, &items, &n), LE_OK);
    assert_int_equal(n, 2);
    struct digest_item lines[2] = {{"First", "/announcements"}, {"Second", "/announcements"}};
    bool sent;
    assert_int_equal(notify_digest_send(f->db, f->a, di, "day-one", lines, 2, &sent, &p), LE_OK);
    assert_true(sent);
    /* A second run, another node or a retry: the key refuses it. */
    assert_int_equal(notify_digest_send(f->db, f->a, di, "day-one", lines, 2, &sent, &p), LE_OK);
    assert_false(sent);
    assert_int_equal(notify_digest_people(f->db, f->a, "day-one", from, from + 86400, 10, &people, &n), LE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?1 AND template = 'notification_digest'", di),
                     1);
}

/* The administrator's line replaces the table's until reset; saving the table's own line keeps
 * no rewrite; a line over two lines is refused with nothing saved, the text included. */
static void test_line_rewrite(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    const struct notification_type *types, *t = notification_type_find("announcement");
    notification_types(&types);
    size_t i = (size_t)(t - types);
    bool *own;
    const char **lines;
    const char *text = "Subject: {{{title}}}\n\nHello\n";
    assert_int_equal(notification_texts_save(f->db, "announcement", text, "One\nTwo", f->admin, &p), LE_INVALID);
    assert_string_equal(p.field, "line");
    assert_int_equal(notification_overrides(f->db, f->a, &own, &lines), LE_OK);
    assert_false(own[i]);
    assert_ptr_equal(lines[i], t->line);
    assert_int_equal(notification_texts_save(f->db, "announcement", text, "News: {{{title}}}", f->admin, &p), LE_OK);
    assert_int_equal(notification_overrides(f->db, f->a, &own, &lines), LE_OK);
    assert_true(own[i]);
    assert_string_equal(lines[i], "News: {{{title}}}");
    assert_ptr_equal(lines[0], types[0].line); /* the others keep the table's */
    assert_int_equal(notification_texts_save(f->db, "announcement", text, t->line, f->admin, &p), LE_OK);
    assert_int_equal(notification_overrides(f->db, f->a, &own, &lines), LE_OK);
    assert_ptr_equal(lines[i], t->line);
    assert_int_equal(notification_texts_save(f->db, "announcement", text, "Again", f->admin, &p), LE_OK);
    assert_int_equal(notification_texts_reset(f->db, "announcement", f->admin, &p), LE_OK);
    assert_int_equal(notification_overrides(f->db, f->a, &own, &lines), LE_OK);
    assert_false(own[i]);
    assert_ptr_equal(lines[i], t->line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_table),
        cmocka_unit_test(test_resolution),
        cmocka_unit_test_setup_teardown(test_send_as_chosen, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_list_and_read, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_digest_once, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_line_rewrite, setup_any, teardown),
    };
    if (core_init()) return 1;
    if (pg_admin_url()) fprintf(stderr, "test_notifications: on PostgreSQL (LECTERN_TEST_PG)\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
