/* Following forums and threads, and telling followers of a new post. Writing a post follows its
 * thread and queues a 'forum.notify' job in the same transaction; the job tells the followers
 * who may read the post, in batches, each person once per post (forum_post_notices is written
 * with their message), through the notification centre's forum_post type, so each person's
 * choice of e-mail, Lectern, digest or off applies. */
#include <string.h>
#include "internal.h"

lerr forum_follow(struct db *db, const struct forum_access *fa, int64_t thread_id, bool on, struct problem *p)
{
    int64_t forum_id = fa->forum_id;
    if (!thread_id && !forum_id && forum_ensure(db, fa->course_id, time_now(), &forum_id)) return model_db_problem(p);
    lerr e = on ? db_run(db,
                         "INSERT INTO forum_subscriptions (user_id, forum_id, thread_id, created_at) VALUES (?1, ?2, "
                         "?3, ?4) ON CONFLICT (user_id, forum_id, thread_id) DO NOTHING",
                         "iiii", fa->viewer_id, thread_id ? (int64_t)0 : forum_id, thread_id, time_now())
                : db_run(db, "DELETE FROM forum_subscriptions WHERE user_id = ?1 AND forum_id = ?2 AND thread_id = ?3",
                         "iii", fa->viewer_id, thread_id ? (int64_t)0 : forum_id, thread_id);
    return e == LE_DB ? model_db_problem(p) : LE_OK;
}

lerr forum_post_written(struct db *db, int64_t thread_id, int64_t post_id, int64_t author_id, struct problem *p)
{
    if (db_run(db,
               "INSERT INTO forum_subscriptions (user_id, forum_id, thread_id, created_at) VALUES (?1, 0, ?2, ?3) ON "
               "CONFLICT (user_id, forum_id, thread_id) DO NOTHING",
               "iii", author_id, thread_id, time_now()) == LE_DB)
        return model_db_problem(p);
    json_t *payload = json_pack("{s:I}", "post_id", (json_int_t)post_id);
    lerr e = job_enqueue(db, "forum.notify", payload, 0, 5, NULL, p);
    json_decref(payload);
    return e;
}

/* The post as followers are told of it; false when it is gone or hidden (nothing to tell). */
struct post_notice {
    int64_t author_id, thread_id, forum_id, course_id, written_at;
    bool qa, opening;
    json_t *data;                 /* the message's fields, without the person's */
};

static bool notice_read(struct db *db, struct arena *a, int64_t post_id, struct post_notice *n)
{
    struct db_stmt *st = db_query(
        db,
        "SELECT p.author_id, p.thread_id, t.forum_id, f.course_id, f.kind, p.id = (SELECT MIN(x.id) FROM "
        "forum_posts x WHERE x.thread_id = t.id), t.title, p.body, TRIM(ua.first_name || ' ' || ua.last_name), "
        "ua.username, COALESCE(c.title, ''), p.created_at FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id JOIN "
        "forums f ON f.id = t.forum_id JOIN users ua ON ua.id = p.author_id LEFT JOIN courses c ON c.id = "
        "f.course_id WHERE p.id = ?1 AND p.hidden = 0 AND p.deleted = 0 AND t.deleted = 0",
        "i", post_id);
    bool found = st && db_step(st) == DB_ROW;
    if (found) {
        *n = (struct post_notice){.author_id = db_col_int(st, 0), .thread_id = db_col_int(st, 1),
                                  .forum_id = db_col_int(st, 2), .course_id = db_col_int(st, 3),
                                  .qa = str_eq(db_col_text(st, 4), "qa"), .opening = db_col_int(st, 5) != 0,
                                  .written_at = db_col_int(st, 11)};
        const char *author = model_col_str(a, st, 8), *base = mail_base_url(db, a);
        const char *body = model_col_str(a, st, 7);
        n->data = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:b}", "thread_title", model_col_str(a, st, 6),
                            "body", body, "author", *author ? author : model_col_str(a, st, 9), "forum",
                            model_col_str(a, st, 10), "thread_id", (json_int_t)n->thread_id, "post_id",
                            (json_int_t)post_id, "link",
                            arena_sprintf(a, "%s/threads/%lld#post-%lld", base ? base : "", (long long)n->thread_id,
                                          (long long)post_id),
                            "is_reply", !n->opening);
    }
    if (st) db_done(st);
    return found;
}

/* Followers of the thread or its forum (from before the post was written) who may read the
 * post and were not told yet: active,
 * not its author, the course's people (or administrators) for a course's forum, and in a
 * questions-and-answers forum, for a reply, only those who have posted in the thread or
 * moderate. */
#define FOLLOWERS                                                                                                  \
    "SELECT u.id, u.email, u.username, u.first_name FROM users u WHERE u.status = 'active' AND u.deleted_at IS "   \
    "NULL AND u.id <> ?2 AND (u.id IN (SELECT s.user_id FROM forum_subscriptions s WHERE s.thread_id = ?3 AND "   \
    "s.created_at <= ?9) OR u.id IN (SELECT s.user_id FROM forum_subscriptions s WHERE s.forum_id = ?4 AND "      \
    "s.created_at <= ?9)) AND (?5 = 0 OR (u.roles & ?7) " \
    "<> 0 OR EXISTS (SELECT 1 FROM enrolments e WHERE e.course_id = ?5 AND e.user_id = u.id AND e.unenrolled_at " \
    "IS NULL)) AND (?6 = 0 OR (u.roles & ?7) <> 0 OR EXISTS (SELECT 1 FROM enrolments e WHERE e.course_id = ?5 "   \
    "AND e.user_id = u.id AND e.unenrolled_at IS NULL AND e.role = 'instructor') OR EXISTS (SELECT 1 FROM "        \
    "forum_posts x WHERE x.thread_id = ?3 AND x.author_id = u.id AND x.deleted = 0)) AND NOT EXISTS (SELECT 1 "    \
    "FROM forum_post_notices n WHERE n.post_id = ?1 AND n.user_id = u.id) ORDER BY u.id LIMIT ?8"

lerr forum_notify_batch(struct db *db, struct arena *a, int64_t post_id, int batch, int *told_out, bool *more,
                        struct problem *p)
{
    *told_out = 0, *more = false;
    struct post_notice n;
    if (!notice_read(db, a, post_id, &n)) return LE_OK; /* deleted or hidden since: nothing to tell */
    if (db_tx_begin(db)) {
        json_decref(n.data);
        return model_db_problem(p);
    }
    struct db_stmt *st = db_query(db, FOLLOWERS, "iiiiiiiii", post_id, n.author_id, n.thread_id, n.forum_id,
                                  n.course_id, (int64_t)(n.qa && !n.opening), (int64_t)ROLE_ADMIN, (int64_t)batch + 1,
                                  n.written_at);
    lerr e = st ? LE_OK : model_db_problem(p);
    int rc = DB_DONE, seen = 0;
    /* Rows are read to the end before the inserts: a statement is not stepped across writes. */
    struct {
        int64_t id;
        const char *email, *username, *first_name;
    } *who = arena_alloc(a, sizeof *who * (size_t)(batch + 1));
    while (!e && (rc = db_step(st)) == DB_ROW) {
        if (seen == batch) {
            *more = true;
            break;
        }
        who[seen].id = db_col_int(st, 0);
        who[seen].email = model_col_str(a, st, 1), who[seen].username = model_col_str(a, st, 2);
        who[seen].first_name = model_col_str(a, st, 3);
        seen++;
    }
    if (st) db_done(st);
    if (!e && rc != DB_DONE && rc != DB_ROW) e = model_db_problem(p);
    for (int i = 0; !e && i < seen; i++) {
        json_t *d = json_deep_copy(n.data);
        json_object_set_new(d, "username", json_string(who[i].username));
        json_object_set_new(d, "first_name", json_string(who[i].first_name));
        if (db_run(db, "INSERT INTO forum_post_notices (post_id, user_id) VALUES (?1, ?2)", "ii", post_id, who[i].id))
            e = model_db_problem(p);
        else
            e = notify_send(db, "forum_post", who[i].id, who[i].email, d, NULL, NULL, p);
        json_decref(d);
    }
    json_decref(n.data);
    e = db_tx_end(db, e);
    if (!e) *told_out = seen;
    return e;
}
