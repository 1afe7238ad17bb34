/* Discussions (forum.c, forum_read.c, forum_moderate.c): the posting rules on their own (a
 * locked thread refuses posts, the author's 30 minutes to edit, hidden posts for moderators
 * only) and on a database: who may read a course's forum, a lock refusing a reply, editing
 * after the window refused, a hidden post gone for learners and marked for moderators, and
 * every moderation audited; unread markers, quoting, the questions-and-answers rule, reports,
 * deleting and moving, and search on the engine's full-text index. On SQLite, or with
 * LECTERN_TEST_PG on PostgreSQL (fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "../../../../src/model/communication/communication.h"

#include "../../fixture.h"

static void test_rules(void **state)
{
    (void)state;
    struct problem p = {0};
    assert_int_equal(forum_check_open(false, &p), LE_OK);
    assert_int_equal(forum_check_open(true, &p), LE_CONFLICT);
    assert_string_equal(p.field, "body");
    assert_non_null(strstr(p.message, "locked"));

    assert_true(forum_may_edit(7, 7, T0, T0));
    assert_true(forum_may_edit(7, 7, T0, T0 + FORUM_EDIT_SECONDS - 1));
    assert_false(forum_may_edit(7, 7, T0, T0 + FORUM_EDIT_SECONDS)); /* 30 minutes, not a second more */
    assert_false(forum_may_edit(7, 8, T0, T0));                      /* only the author */

    assert_true(forum_post_shown(false, false));
    assert_false(forum_post_shown(true, false));
    assert_true(forum_post_shown(true, true));

    assert_int_equal(forum_check_text("", true, "x", &p), LE_INVALID);
    assert_string_equal(p.field, "title");
    assert_int_equal(forum_check_text(NULL, false, "", &p), LE_INVALID);
    assert_string_equal(p.field, "body");
    static char big[FORUM_BODY_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    assert_int_equal(forum_check_text(NULL, false, big, &p), LE_TOOBIG);
}

static int64_t person(struct fx *f, const char *username, const char *roles)
{
    struct problem p = {0};
    int64_t id;
    char email[128];
    snprintf(email, sizeof email, "%s@example.org", username);
    struct user_input u = {.username = username, .email = email, .first_name = username, .last_name = "Test", .roles = roles};
    assert_int_equal(user_create(f->db, f->a, &u, PW, false, 0, &id, NULL, &p), LE_OK);
    return id;
}

struct people {
    int64_t lea, ivy, out;
};

/* A course FO-1 with lea learning and ivy teaching, and out, who is in neither. */
static struct people course_with_people(struct fx *f)
{
    struct problem p = {0};
    struct course_input in = COURSE_INPUT_INIT;
    in.code = "FO-1";
    in.title = "Forklifts";
    in.status = "published";
    int64_t course, eid;
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, &course, &p), LE_OK);
    struct people who = {person(f, "lea", "learner"), person(f, "ivy", "instructor"), person(f, "out", "learner")};
    assert_int_equal(enrol_user(f->db, f->a, course, "lea", "learner", NULL, f->admin, ROLE_ADMIN, &eid, &p), LE_OK);
    assert_int_equal(enrol_user(f->db, f->a, course, "ivy", "instructor", NULL, f->admin, ROLE_ADMIN, &eid, &p), LE_OK);
    return who;
}

static json_t *page_of(struct fx *f, int64_t thread, int64_t viewer, unsigned roles)
{
    struct problem p = {0};
    json_t *m = NULL;
    assert_int_equal(forum_thread_json(f->db, f->a, thread, 1, viewer, roles, &m, &p), LE_OK);
    return m;
}

static void test_course_forum(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct people who = course_with_people(f);
    struct forum_access fa;
    assert_int_equal(forum_open(f->db, f->a, "FO-1", who.out, ROLE_LEARNER, &fa, &p), LE_FORBIDDEN);
    assert_int_equal(forum_open(f->db, f->a, "FO-1", who.lea, ROLE_LEARNER, &fa, &p), LE_OK);
    assert_false(fa.moderator);
    assert_int_equal(fa.forum_id, 0); /* made on first use */

    int64_t thread = 0, reply = 0;
    assert_int_equal(forum_thread_create(f->db, f->a, &fa, "Brakes", "How *often*?", NULL, who.lea, &thread, &p), LE_OK);
    assert_int_equal(forum_open(f->db, f->a, "FO-1", who.ivy, ROLE_INSTRUCTOR, &fa, &p), LE_OK);
    assert_true(fa.moderator);
    assert_true(fa.forum_id > 0);
    assert_int_equal(forum_reply(f->db, f->a, thread, "Weekly.", NULL, who.ivy, ROLE_INSTRUCTOR, &reply, &p), LE_OK);
    assert_int_equal(forum_reply(f->db, f->a, thread, "Me too", NULL, who.out, ROLE_LEARNER, &reply, &p), LE_FORBIDDEN);

    /* A learner cannot moderate; the instructor locks, and then nobody can post. */
    assert_int_equal(forum_thread_moderate(f->db, f->a, thread, "lock", who.lea, ROLE_LEARNER, &p), LE_FORBIDDEN);
    assert_int_equal(forum_thread_moderate(f->db, f->a, thread, "lock", who.ivy, ROLE_INSTRUCTOR, &p), LE_OK);
    assert_int_equal(forum_reply(f->db, f->a, thread, "Thanks", NULL, who.lea, ROLE_LEARNER, &reply, &p), LE_CONFLICT);
    assert_string_equal(p.field, "body");
    int64_t n = 0;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM forum_posts", ""), LE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM audit_log WHERE action = 'forum.lock'", ""),
                     LE_OK);
    assert_int_equal(n, 1);
}

static void test_edit_window_and_hiding(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct people who = course_with_people(f);
    struct forum_access fa;
    int64_t thread = 0, reply = 0, back = 0;
    assert_int_equal(forum_open(f->db, f->a, "FO-1", who.lea, ROLE_LEARNER, &fa, &p), LE_OK);
    assert_int_equal(forum_thread_create(f->db, f->a, &fa, "Gloves", "Which size?", NULL, who.lea, &thread, &p), LE_OK);
    assert_int_equal(forum_reply(f->db, f->a, thread, "Rude words", NULL, who.lea, ROLE_LEARNER, &reply, &p), LE_OK);

    time_set_fake(T0 + FORUM_EDIT_SECONDS - 60);
    assert_int_equal(forum_post_edit(f->db, f->a, reply, "Kind words", who.lea, ROLE_LEARNER, &back, &p), LE_OK);
    assert_int_equal(back, thread);
    assert_int_equal(forum_post_edit(f->db, f->a, reply, "Hijack", who.ivy, ROLE_INSTRUCTOR, &back, &p),
                     LE_FORBIDDEN);
    time_set_fake(T0 + FORUM_EDIT_SECONDS);
    assert_int_equal(forum_post_edit(f->db, f->a, reply, "Too late", who.lea, ROLE_LEARNER, &back, &p), LE_FORBIDDEN);
    assert_non_null(strstr(p.message, "30 minutes"));

    assert_int_equal(forum_post_hide(f->db, f->a, reply, true, who.lea, ROLE_LEARNER, &back, &p), LE_FORBIDDEN);
    assert_int_equal(forum_post_hide(f->db, f->a, reply, true, who.ivy, ROLE_INSTRUCTOR, &back, &p), LE_OK);
    json_t *learner = page_of(f, thread, who.lea, ROLE_LEARNER);
    assert_int_equal(json_array_size(json_object_get(learner, "posts")), 1);
    assert_int_equal(json_integer_value(json_object_get(learner, "total")), 1);
    json_t *mod = page_of(f, thread, who.ivy, ROLE_INSTRUCTOR);
    json_t *posts = json_object_get(mod, "posts");
    assert_int_equal(json_array_size(posts), 2);
    assert_true(json_is_true(json_object_get(json_array_get(posts, 1), "hidden")));
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(posts, 1), "body_html")), "Kind words"));
    json_decref(learner);
    json_decref(mod);
    time_set_fake(T0);
}

/* Where the first unread post is: page 1 for a thread never opened, the page after the posts
 * read, and the last page when everything is read. */
static void test_first_unread_page(void **state)
{
    (void)state;
    struct forum_access fa = {0};
    assert_int_equal(forum_first_unread_page(&fa, 120), 1);
    fa.last_read_post_id = 9, fa.n_read_shown = FORUM_PAGE_POSTS;
    assert_int_equal(forum_first_unread_page(&fa, 120), 2);
    fa.n_read_shown = FORUM_PAGE_POSTS - 1;
    assert_int_equal(forum_first_unread_page(&fa, 120), 1);
    fa.n_read_shown = 120;
    assert_int_equal(forum_first_unread_page(&fa, 120), 3);
    fa.n_read_shown = 100;
    assert_int_equal(forum_first_unread_page(&fa, 100), 2); /* all read, whole pages: the last */
}

/* The questions-and-answers rule: a learner who has not posted sees the opening post and their
 * own; hidden posts stay for moderators. */
static void test_qa_visibility(void **state)
{
    (void)state;
    struct forum_access fa = {.qa = true, .viewer_id = 5, .first_post_id = 10};
    assert_true(forum_qa_waiting(&fa));
    assert_true(forum_post_visible(&fa, 10, 9, false));
    assert_false(forum_post_visible(&fa, 11, 9, false));
    assert_true(forum_post_visible(&fa, 12, 5, false));
    assert_false(forum_post_visible(&fa, 10, 9, true));
    fa.has_posted = true;
    assert_false(forum_qa_waiting(&fa));
    assert_true(forum_post_visible(&fa, 11, 9, false));
    fa.has_posted = false, fa.moderator = true;
    assert_false(forum_qa_waiting(&fa));
    assert_true(forum_post_visible(&fa, 11, 9, true));
    fa.moderator = false, fa.qa = false;
    assert_true(forum_post_visible(&fa, 11, 9, false));
}

static int64_t unread_of(struct fx *f, int64_t viewer, unsigned roles)
{
    struct problem p = {0};
    struct forum_access fa;
    assert_int_equal(forum_open(f->db, f->a, "FO-1", viewer, roles, &fa, &p), LE_OK);
    json_t *list = forum_threads_json(f->db, &fa, 10);
    int64_t n = json_integer_value(json_object_get(json_array_get(list, 0), "unread"));
    json_decref(list);
    return n;
}

/* A thread's page records the newest post it showed; a hidden post is not unread for a
 * learner; marking the forum read is for one person only. */
static void test_unread(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct people who = course_with_people(f);
    struct forum_access fa;
    int64_t thread = 0, reply = 0;
    assert_int_equal(forum_open(f->db, f->a, "FO-1", who.lea, ROLE_LEARNER, &fa, &p), LE_OK);
    assert_int_equal(forum_thread_create(f->db, f->a, &fa, "Boots", "Steel caps?", NULL, who.lea, &thread, &p), LE_OK);
    assert_int_equal(forum_reply(f->db, f->a, thread, "Yes.", NULL, who.ivy, ROLE_INSTRUCTOR, &reply, &p), LE_OK);
    assert_int_equal(forum_reply(f->db, f->a, thread, "Spam", NULL, who.ivy, ROLE_INSTRUCTOR, &reply, &p), LE_OK);
    assert_int_equal(forum_post_hide(f->db, f->a, reply, true, who.ivy, ROLE_INSTRUCTOR, NULL, &p), LE_OK);
    assert_int_equal(unread_of(f, who.lea, ROLE_LEARNER), 2); /* never opened; the hidden one not counted */
    assert_int_equal(unread_of(f, who.ivy, ROLE_INSTRUCTOR), 3);
    json_decref(page_of(f, thread, who.lea, ROLE_LEARNER));
    assert_int_equal(unread_of(f, who.lea, ROLE_LEARNER), 0);
    assert_int_equal(forum_reply(f->db, f->a, thread, "Also toes.", NULL, who.ivy, ROLE_INSTRUCTOR, &reply, &p), LE_OK);
    assert_int_equal(unread_of(f, who.lea, ROLE_LEARNER), 1);
    assert_int_equal(forum_open(f->db, f->a, "FO-1", who.lea, ROLE_LEARNER, &fa, &p), LE_OK);
    assert_int_equal(forum_mark_read(f->db, &fa, &p), LE_OK);
    assert_int_equal(unread_of(f, who.lea, ROLE_LEARNER), 0);
    assert_int_equal(unread_of(f, who.ivy, ROLE_INSTRUCTOR), 4);
}

/* A quotation keeps every line, empty ones too, and drops a textarea's carriage returns. */
static void test_quote(void **state)
{
    struct fx *f = *state;
    assert_string_equal(forum_quote_markdown(f->a, "Ivy Test", "One\r\n\r\n**Two**"),
                        "> **Ivy Test** wrote:\n>\n> One\n>\n> **Two**\n\n");
    assert_string_equal(forum_quote_markdown(f->a, "A", "x\n"), "> **A** wrote:\n>\n> x\n\n");
}

static int64_t count(struct fx *f, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, sql, ""), LE_OK);
    return n;
}

/* Reports, deleting a reported post (which settles its report) and a thread, and moving a
 * thread only to a forum the moderator moderates. */
static void test_moderation(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct people who = course_with_people(f);
    struct forum_access fa;
    int64_t thread = 0, reply = 0, back = 0;
    assert_int_equal(forum_open(f->db, f->a, "FO-1", who.lea, ROLE_LEARNER, &fa, &p), LE_OK);
    assert_int_equal(forum_thread_create(f->db, f->a, &fa, "Spam", "Hello", NULL, who.lea, &thread, &p), LE_OK);
    assert_int_equal(forum_reply(f->db, f->a, thread, "Cheap watches", NULL, who.lea, ROLE_LEARNER, &reply, &p), LE_OK);

    assert_int_equal(forum_post_report(f->db, f->a, reply, "", who.ivy, ROLE_INSTRUCTOR, &back, &p), LE_INVALID);
    assert_string_equal(p.field, "reason");
    assert_int_equal(forum_post_report(f->db, f->a, reply, "Spam", who.out, ROLE_LEARNER, &back, &p), LE_FORBIDDEN);
    assert_int_equal(forum_post_report(f->db, f->a, reply, "Spam", who.ivy, ROLE_INSTRUCTOR, &back, &p), LE_OK);
    assert_int_equal(forum_post_report(f->db, f->a, reply, "Spam", who.ivy, ROLE_INSTRUCTOR, &back, &p), LE_CONFLICT);
    json_t *reports = NULL;
    assert_int_equal(forum_reports_json(f->db, f->a, &fa, &reports, &p), LE_FORBIDDEN); /* lea's view */
    assert_int_equal(forum_open(f->db, f->a, "FO-1", who.ivy, ROLE_INSTRUCTOR, &fa, &p), LE_OK);
    assert_int_equal(forum_reports_json(f->db, f->a, &fa, &reports, &p), LE_OK);
    assert_int_equal(json_array_size(reports), 1);
    json_decref(reports);

    assert_int_equal(forum_post_delete(f->db, f->a, reply, who.lea, ROLE_LEARNER, &back, &p), LE_FORBIDDEN);
    assert_int_equal(forum_post_delete(f->db, f->a, reply, who.ivy, ROLE_INSTRUCTOR, &back, &p), LE_OK);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM forum_reports WHERE resolved_at IS NULL"), 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM forum_posts WHERE deleted = 1 AND hidden = 1 AND body = ''"), 1);
    assert_int_equal(forum_post_delete(f->db, f->a, reply, who.ivy, ROLE_INSTRUCTOR, &back, &p), LE_NOTFOUND);

    /* Moving: ivy moderates FO-1 only; an administrator may move it to the site forum. */
    assert_int_equal(forum_thread_move(f->db, f->a, thread, "site", who.ivy, ROLE_INSTRUCTOR, &p), LE_FORBIDDEN);
    assert_string_equal(p.field, "to");
    assert_int_equal(forum_thread_move(f->db, f->a, thread, "FO-1", who.ivy, ROLE_INSTRUCTOR, &p), LE_INVALID);
    assert_int_equal(forum_thread_move(f->db, f->a, thread, "site", f->admin, ROLE_ADMIN, &p), LE_OK);
    assert_int_equal(forum_open_thread(f->db, f->a, thread, who.out, ROLE_LEARNER, &fa, NULL, &p), LE_OK);
    assert_int_equal(fa.course_id, 0);

    assert_int_equal(forum_thread_delete(f->db, f->a, thread, who.out, ROLE_LEARNER, &fa, &p), LE_FORBIDDEN);
    assert_int_equal(forum_thread_delete(f->db, f->a, thread, f->admin, ROLE_ADMIN, &fa, &p), LE_OK);
    assert_int_equal(forum_open_thread(f->db, f->a, thread, f->admin, ROLE_ADMIN, &fa, NULL, &p), LE_NOTFOUND);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action IN ('forum.delete', 'forum.move', "
                              "'forum.delete_thread')"),
                     3);
}

static int64_t search_total(struct fx *f, const char *q, const char *where, int64_t viewer, unsigned roles)
{
    struct problem p = {0};
    json_t *m = NULL;
    assert_int_equal(forum_search(f->db, f->a, q, where, 1, viewer, roles, &m, &p), LE_OK);
    int64_t n = json_integer_value(json_object_get(m, "total"));
    json_decref(m);
    return n;
}

/* Search on the engine's own full-text index: prefixes, every word, titles finding the opening
 * post, only forums the person reads, hidden posts for moderators. */
static void test_search(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct people who = course_with_people(f);
    struct forum_access fa;
    int64_t thread = 0, reply = 0;
    assert_int_equal(forum_open(f->db, f->a, "FO-1", who.lea, ROLE_LEARNER, &fa, &p), LE_OK);
    assert_int_equal(forum_thread_create(f->db, f->a, &fa, "Pallet jacks", "Check the wheels", NULL, who.lea, &thread, &p),
                     LE_OK);
    assert_int_equal(forum_reply(f->db, f->a, thread, "Wheel-chocks too", NULL, who.ivy, ROLE_INSTRUCTOR, &reply, &p), LE_OK);
    assert_int_equal(search_total(f, "pallet", "", who.lea, ROLE_LEARNER), 1);
    assert_int_equal(search_total(f, "whee", "", who.lea, ROLE_LEARNER), 2);
    assert_int_equal(search_total(f, "wheel chocks", "FO-1", who.lea, ROLE_LEARNER), 1);
    assert_int_equal(search_total(f, "whee", "site", who.lea, ROLE_LEARNER), 0);
    assert_int_equal(search_total(f, "whee", "", who.out, ROLE_LEARNER), 0);
    assert_int_equal(forum_post_hide(f->db, f->a, reply, true, who.ivy, ROLE_INSTRUCTOR, NULL, &p), LE_OK);
    assert_int_equal(search_total(f, "chocks", "", who.lea, ROLE_LEARNER), 0);
    assert_int_equal(search_total(f, "chocks", "", who.ivy, ROLE_INSTRUCTOR), 1);
    json_t *m = NULL;
    assert_int_equal(forum_search(f->db, f->a, "!!", "", 1, who.lea, ROLE_LEARNER, &m, &p), LE_INVALID);
    assert_string_equal(p.field, "q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test_setup_teardown(test_course_forum, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_edit_window_and_hiding, setup_any, teardown),
        cmocka_unit_test(test_first_unread_page),
        cmocka_unit_test(test_qa_visibility),
        cmocka_unit_test_setup_teardown(test_unread, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_quote, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_moderation, setup_any, teardown),
        cmocka_unit_test_setup_teardown(test_search, setup_any, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
