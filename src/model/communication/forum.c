/* Discussions: who may read a forum and who moderates it, the posting rules (a locked thread
 * refuses posts, an author edits for 30 minutes, hidden posts are for moderators), starting a
 * thread, replying and editing. Reading is forum_read.c; moderation forum_moderate.c. */
#include <string.h>
#include "internal.h"

lerr forum_check_open(bool locked, struct problem *p)
{
    if (locked)
        return problem_set(p, LE_CONFLICT, "body",
                           "This thread is locked: nobody can post in it any more. Start a new thread instead.");
    return LE_OK;
}

bool forum_may_edit(int64_t author_id, int64_t actor_id, int64_t created_at, int64_t now)
{
    return author_id == actor_id && now < created_at + FORUM_EDIT_SECONDS;
}

bool forum_post_shown(bool hidden, bool moderator)
{
    return !hidden || moderator;
}

bool forum_qa_waiting(const struct forum_access *fa)
{
    return fa->qa && !fa->moderator && !fa->has_posted;
}

bool forum_post_visible(const struct forum_access *fa, int64_t post_id, int64_t author_id, bool hidden)
{
    if (!forum_post_shown(hidden, fa->moderator)) return false;
    return !forum_qa_waiting(fa) || post_id == fa->first_post_id || author_id == fa->viewer_id;
}

lerr forum_check_text(const char *title, bool needs_title, const char *body, struct problem *p)
{
    if (needs_title && (!title || !*title)) return problem_set(p, LE_INVALID, "title", "Give the thread a title.");
    if (needs_title && strlen(title) > FORUM_TITLE_MAX)
        return problem_set(p, LE_INVALID, "title", "Keep the title to %d characters.", FORUM_TITLE_MAX);
    if (!body || !*body) return problem_set(p, LE_INVALID, "body", "Write the post's text.");
    if (strlen(body) > FORUM_BODY_MAX)
        return problem_set(p, LE_TOOBIG, "body", "Keep the post to %d characters.", FORUM_BODY_MAX);
    return LE_OK;
}

/* Fills the viewer's side of fa from their live enrolment role in its course (NULL = none). */
static lerr viewer_standing(struct forum_access *fa, const char *enrol_role, unsigned viewer_roles,
                            struct problem *p)
{
    bool admin = viewer_roles & ROLE_ADMIN;
    fa->moderator = admin || (fa->course_id && str_eq(enrol_role, "instructor"));
    if (fa->course_id && !fa->moderator && !enrol_role)
        return problem_set(p, LE_FORBIDDEN, "code", "Only the course's people can read its forum.");
    return LE_OK;
}

lerr forum_open(struct db *db, struct arena *a, const char *course_code, int64_t viewer_id, unsigned viewer_roles,
                struct forum_access *out, struct problem *p)
{
    *out = (struct forum_access){.viewer_id = viewer_id};
    const char *role = NULL;
    if (course_code) {
        struct course c;
        if (course_get(db, a, course_code, viewer_id, &c, p)) return p->code;
        out->course_id = c.id, out->course_code = c.code, out->course_title = c.title;
        role = c.my_role;
    }
    struct db_stmt *st = db_query(db,
                                  "SELECT f.id, f.kind, EXISTS (SELECT 1 FROM forum_subscriptions s WHERE s.forum_id = "
                                  "f.id AND s.user_id = ?2) FROM forums f WHERE f.course_id = ?1",
                                  "ii", out->course_id, viewer_id);
    if (!st) return model_db_problem(p);
    int rc = db_step(st);
    if (rc == DB_ROW)
        out->forum_id = db_col_int(st, 0), out->qa = str_eq(db_col_text(st, 1), "qa"), out->following = db_col_int(st, 2);
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return model_db_problem(p);
    return viewer_standing(out, role, viewer_roles, p);
}

lerr forum_open_thread(struct db *db, struct arena *a, int64_t thread_id, int64_t viewer_id, unsigned viewer_roles,
                       struct forum_access *out, bool *locked, struct problem *p)
{
    *out = (struct forum_access){.viewer_id = viewer_id};
    /* The posts up to the last one read are counted twice, with and without the hidden ones,
     * because whether the viewer moderates is only known from this row. */
    struct db_stmt *st = db_query(
        db,
        "SELECT t.forum_id, f.course_id, c.code, c.title, t.locked, (SELECT e.role FROM enrolments e WHERE "
        "e.course_id = f.course_id AND e.user_id = ?2 AND e.unenrolled_at IS NULL), COALESCE(r.last_post_id, 0), "
        "(SELECT COUNT(*) FROM forum_posts p WHERE p.thread_id = t.id AND p.id <= r.last_post_id AND p.hidden = 0), "
        "(SELECT COUNT(*) FROM forum_posts p WHERE p.thread_id = t.id AND p.id <= r.last_post_id), t.title, f.kind, "
        "(SELECT MIN(p.id) FROM forum_posts p WHERE p.thread_id = t.id), EXISTS (SELECT 1 FROM forum_posts p WHERE "
        "p.thread_id = t.id AND p.author_id = ?2 AND p.deleted = 0), t.pinned, ua.first_name, ua.last_name, "
        "t.created_at, EXISTS (SELECT 1 FROM forum_subscriptions s WHERE s.thread_id = t.id AND s.user_id = ?2) "
        "FROM forum_threads t JOIN users ua ON ua.id = t.author_id JOIN forums f ON f.id = t.forum_id "
        "LEFT JOIN courses c ON c.id = f.course_id LEFT JOIN forum_reads r ON "
        "r.thread_id = t.id AND r.user_id = ?2 WHERE t.id = ?1 AND t.deleted = 0",
        "ii", thread_id, viewer_id);
    if (!st) return model_db_problem(p);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return rc == DB_DONE ? problem_set(p, LE_NOTFOUND, "id", "There is no such thread.") : model_db_problem(p);
    }
    out->forum_id = db_col_int(st, 0);
    out->course_id = db_col_int(st, 1);
    if (out->course_id) out->course_code = model_col_str(a, st, 2), out->course_title = model_col_str(a, st, 3);
    if (locked) *locked = db_col_int(st, 4) != 0;
    const char *role = db_col_is_null(st, 5) ? NULL : model_col_str(a, st, 5);
    out->last_read_post_id = db_col_int(st, 6);
    int64_t read_shown = db_col_int(st, 7), read_all = db_col_int(st, 8);
    out->thread_title = model_col_str(a, st, 9);
    out->qa = str_eq(db_col_text(st, 10), "qa");
    out->first_post_id = db_col_int(st, 11);
    out->has_posted = db_col_int(st, 12) != 0;
    out->thread_locked = db_col_int(st, 4) != 0;
    out->thread_pinned = db_col_int(st, 13) != 0;
    out->thread_author = arena_sprintf(a, "%s %s", model_col_str(a, st, 14), model_col_str(a, st, 15));
    out->thread_created_at = db_col_int(st, 16);
    out->following = db_col_int(st, 17) != 0;
    db_done(st);
    lerr e = viewer_standing(out, role, viewer_roles, p);
    out->n_read_shown = out->moderator ? read_all : read_shown;
    return e;
}

static lerr insert_post(struct db *db, struct arena *a, int64_t thread_id, const char *body, int64_t actor_id,
                        int64_t now, int64_t *id_out)
{
    struct db_stmt *st = db_prepare(db, "INSERT INTO forum_posts (thread_id, author_id, body, body_html, created_at) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id");
    if (!st) return LE_DB;
    db_bind_int(st, 1, thread_id);
    db_bind_int(st, 2, actor_id);
    db_bind_text(st, 3, body);
    db_bind_text(st, 4, markdown_to_html(a, body));
    db_bind_int(st, 5, now);
    return bulk_step_id(st, id_out);
}

/* The forum's row, made the first time a thread is started in it (two people starting the
 * first thread at once both find the one row). */
lerr forum_ensure(struct db *db, int64_t course_id, int64_t now, int64_t *id_out)
{
    if (db_run(db, "INSERT INTO forums (course_id, created_at) VALUES (?1, ?2) ON CONFLICT (course_id) DO NOTHING",
               "ii", course_id, now) == LE_DB)
        return LE_DB;
    return db_query_int(db, id_out, "SELECT id FROM forums WHERE course_id = ?1", "i", course_id);
}

lerr forum_thread_create(struct db *db, struct arena *a, const struct forum_access *fa, const char *title,
                         const char *body, const struct forum_file *file, int64_t actor_id, int64_t *thread_id_out,
                         struct problem *p)
{
    int64_t now = time_now(), forum_id = 0, thread_id = 0, post_id = 0;
    const char *mime = NULL;
    lerr e = forum_check_text(title, true, body, p);
    if (!e && file) e = forum_file_check(file, &mime, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    struct db_stmt *st = NULL;
    if (forum_ensure(db, fa->course_id, now, &forum_id) ||
        !(st = db_prepare(db, "INSERT INTO forum_threads (forum_id, title, author_id, created_at, last_post_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id")))
        e = model_db_problem(p);
    if (!e) {
        db_bind_int(st, 1, forum_id);
        db_bind_text(st, 2, title);
        db_bind_int(st, 3, actor_id);
        db_bind_int(st, 4, now);
        if (bulk_step_id(st, &thread_id) || insert_post(db, a, thread_id, body, actor_id, now, &post_id) ||
            db_run(db, "UPDATE forum_threads SET last_post_id = ?2 WHERE id = ?1", "ii", thread_id, post_id))
            e = model_db_problem(p);
        if (!e && file) e = forum_file_attach(db, post_id, file, mime, p);
        if (!e) e = forum_post_written(db, thread_id, post_id, actor_id, p);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e && thread_id_out) *thread_id_out = thread_id;
    return e;
}

lerr forum_reply(struct db *db, struct arena *a, int64_t thread_id, const char *body, const struct forum_file *file,
                 int64_t actor_id, unsigned actor_roles, int64_t *post_id_out, struct problem *p)
{
    struct forum_access fa;
    bool locked = false;
    int64_t now = time_now(), id = 0;
    const char *mime = NULL;
    lerr e = forum_open_thread(db, a, thread_id, actor_id, actor_roles, &fa, &locked, p);
    if (!e) e = forum_check_text(NULL, false, body, p);
    if (!e) e = forum_check_open(locked, p);
    if (!e && file) e = forum_file_check(file, &mime, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    /* Locked again inside the transaction: a lock that lands between the check and the write
     * still refuses the post. */
    int64_t still_locked = 0;
    if (db_query_int(db, &still_locked, "SELECT locked FROM forum_threads WHERE id = ?1", "i", thread_id))
        e = model_db_problem(p);
    if (!e) e = forum_check_open(still_locked != 0, p);
    if (!e && (insert_post(db, a, thread_id, body, actor_id, now, &id) ||
               db_run(db, "UPDATE forum_threads SET last_post_at = ?2, last_post_id = ?3 WHERE id = ?1", "iii", thread_id,
                      now, id)))
        e = model_db_problem(p);
    if (!e && file) e = forum_file_attach(db, id, file, mime, p);
    if (!e) e = forum_post_written(db, thread_id, id, actor_id, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e && post_id_out) *post_id_out = id;
    return e;
}

lerr forum_post_edit(struct db *db, struct arena *a, int64_t post_id, const char *body, int64_t actor_id,
                     unsigned actor_roles, int64_t *thread_out, struct problem *p)
{
    int64_t author = 0, created = 0, thread = 0;
    struct db_stmt *st = db_query(
        db, "SELECT author_id, created_at, thread_id FROM forum_posts WHERE id = ?1 AND deleted = 0", "i", post_id);
    if (!st) return model_db_problem(p);
    bool found = db_step(st) == DB_ROW;
    if (found) author = db_col_int(st, 0), created = db_col_int(st, 1), thread = db_col_int(st, 2);
    db_done(st);
    if (!found) return problem_set(p, LE_NOTFOUND, "id", "There is no such post.");
    struct forum_access fa;
    bool locked = false;
    lerr e = forum_open_thread(db, a, thread, actor_id, actor_roles, &fa, &locked, p);
    if (e) return e;
    if (!forum_may_edit(author, actor_id, created, time_now()))
        return problem_set(p, LE_FORBIDDEN, "body",
                           author == actor_id ? "A post can be edited for 30 minutes after it is written; that time "
                                                "has passed. Reply with a correction instead."
                                              : "Only its author can edit a post.");
    e = forum_check_text(NULL, false, body, p);
    if (!e) e = forum_check_open(locked, p);
    if (!e && db_run(db, "UPDATE forum_posts SET body = ?2, body_html = ?3, edited_at = ?4 WHERE id = ?1", "issi",
                     post_id, body, markdown_to_html(a, body), time_now()))
        e = model_db_problem(p);
    if (!e && thread_out) *thread_out = thread;
    return e;
}
