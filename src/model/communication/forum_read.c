/* Reading discussions: a forum's threads (pinned first, then the newest activity) and a page of
 * a thread's posts, hidden ones for moderators only. A thread's page is two queries whatever
 * its length: the thread with who the viewer is in its forum and what they have read, and one
 * page of posts with the thread's total counted alongside; a third writes the viewer's unread
 * marker when the page shows something new to them. */
#include <string.h>
#include "internal.h"

static const char *author_name(struct arena *a, struct db_stmt *st, int first_col)
{
    return arena_sprintf(a, "%s %s", model_col_str(a, st, first_col), model_col_str(a, st, first_col + 1));
}

/* A row of the forum's list (the query of forum_threads_json). */
static json_t *thread_row_json(struct db_stmt *st)
{
    return json_pack("{s:I, s:s, s:b, s:b, s:s++, s:o, s:o, s:I, s:I, s:I, s:b}", "id", (json_int_t)db_col_int(st, 0),
                     "title", db_col_text(st, 1), "pinned", (int)db_col_int(st, 2), "locked", (int)db_col_int(st, 3),
                     "author", db_col_text(st, 4), " ", db_col_text(st, 5), "created_at",
                     model_json_time(db_col_int(st, 6)), "last_post_at", model_json_time(db_col_int(st, 7)), "posts",
                     (json_int_t)db_col_int(st, 8), "unread", (json_int_t)db_col_int(st, 9), "reports",
                     (json_int_t)db_col_int(st, 10), "answer_to_see", (int)db_col_int(st, 11));
}

json_t *forum_threads_json(struct db *db, const struct forum_access *fa, int limit)
{
    json_t *list = json_array();
    if (!fa->forum_id) return list; /* no thread started yet: nothing to ask */
    /* Both counts read the posts index (thread_id, id); the unread ones start after the
     * viewer's row in forum_reads, or at the first post of a thread they never opened. In a
     * questions-and-answers forum (?5) a learner counts only what they may see. */
#define OWN_POST "EXISTS (SELECT 1 FROM forum_posts o WHERE o.thread_id = t.id AND o.author_id = ?4 AND o.deleted = 0)"
#define VISIBLE                                                                                                     \
    "(p.hidden = 0 OR ?2 = 1) AND (?5 = 0 OR p.id = (SELECT MIN(q.id) FROM forum_posts q WHERE q.thread_id = t.id) " \
    "OR " OWN_POST ")"
    struct db_stmt *st = db_query(
        db,
        "SELECT t.id, t.title, t.pinned, t.locked, u.first_name, u.last_name, t.created_at, t.last_post_at, (SELECT "
        "COUNT(*) FROM forum_posts p WHERE p.thread_id = t.id AND " VISIBLE "), (SELECT COUNT(*) FROM "
        "forum_posts p WHERE p.thread_id = t.id AND " VISIBLE " AND p.id > COALESCE(r.last_post_id, 0)), "
        "CASE WHEN ?2 = 1 THEN (SELECT COUNT(*) FROM forum_reports x JOIN forum_posts p ON p.id = x.post_id WHERE "
        "p.thread_id = t.id AND x.resolved_at IS NULL) ELSE 0 END, CASE WHEN ?5 = 1 AND NOT " OWN_POST " THEN 1 ELSE 0 "
        "END FROM forum_threads t JOIN users u ON u.id = "
        "t.author_id LEFT JOIN forum_reads r ON r.thread_id = t.id AND r.user_id = ?4 WHERE t.forum_id = ?1 AND "
        "t.deleted = 0 ORDER BY t.pinned DESC, t.last_post_at DESC, t.last_post_id DESC LIMIT ?3",
        "iiiii", fa->forum_id, (int64_t)fa->moderator, (int64_t)limit, fa->viewer_id,
        (int64_t)(fa->qa && !fa->moderator));
#undef VISIBLE
#undef OWN_POST
    while (st && db_step(st) == DB_ROW) json_array_append_new(list, thread_row_json(st));
    if (st) db_done(st);
    return list;
}

/* The page after the posts read, before the thread's length is known. */
static int page_after_read(const struct forum_access *fa)
{
    return fa->last_read_post_id ? (int)(fa->n_read_shown / FORUM_PAGE_POSTS + 1) : 1;
}

int forum_first_unread_page(const struct forum_access *fa, int64_t total)
{
    int last = total > 0 ? (int)((total + FORUM_PAGE_POSTS - 1) / FORUM_PAGE_POSTS) : 1, page = page_after_read(fa);
    return page < last ? page : last;
}

lerr forum_mark_read(struct db *db, const struct forum_access *fa, struct problem *p)
{
    if (!fa->forum_id) return LE_OK;
    return db_run(db,
                  "INSERT INTO forum_reads (user_id, thread_id, last_post_id) SELECT ?2, t.id, t.last_post_id FROM "
                  "forum_threads t WHERE t.forum_id = ?1 ON CONFLICT (user_id, thread_id) DO UPDATE SET "
                  "last_post_id = excluded.last_post_id",
                  "ii", fa->forum_id, fa->viewer_id)
               ? model_db_problem(p)
               : LE_OK;
}

/* Remembers the newest post shown on a page, when it is newer than what was read before. A
 * page that cannot write (read-only mode) still shows: the marker is a courtesy. */
static void record_read(struct db *db, const struct forum_access *fa, int64_t thread_id, int64_t newest_shown)
{
    if (newest_shown <= fa->last_read_post_id) return;
    db_run(db,
           "INSERT INTO forum_reads (user_id, thread_id, last_post_id) VALUES (?1, ?2, ?3) ON CONFLICT (user_id, "
           "thread_id) DO UPDATE SET last_post_id = excluded.last_post_id WHERE forum_reads.last_post_id < "
           "excluded.last_post_id",
           "iii", fa->viewer_id, thread_id, newest_shown);
}

/* The thread's own fields, with where its forum is. */
/* The thread's own fields, with where its forum is (read by forum_open_thread). */
static json_t *thread_head(struct arena *a, int64_t thread_id, const struct forum_access *fa)
{
    return json_pack("{s:I, s:s, s:b, s:b, s:s, s:o, s:s, s:s?, s:s?, s:b, s:b}", "id", (json_int_t)thread_id, "title",
                     fa->thread_title, "pinned", fa->thread_pinned, "locked", fa->thread_locked, "author",
                     fa->thread_author, "created_at", model_json_time(fa->thread_created_at), "forum_path",
                     fa->course_code ? arena_sprintf(a, "/courses/%s/forum", fa->course_code) : "/forum",
                     "course_code", fa->course_code, "course_title", fa->course_title, "moderator", fa->moderator,
                     "following", fa->following);
}

static json_t *post_json(struct arena *a, struct db_stmt *st, const struct forum_access *fa, int64_t now)
{
    int64_t viewer_id = fa->viewer_id;
    int64_t author = db_col_int(st, 1), created = db_col_int(st, 5);
    bool editable = !db_col_int(st, 14) && forum_may_edit(author, viewer_id, created, now);
    json_t *x = json_pack("{s:I, s:s, s:s, s:o, s:o, s:b, s:b}", "id", (json_int_t)db_col_int(st, 0), "author",
                          author_name(a, st, 2), "body_html", db_col_text(st, 4), "created_at",
                          model_json_time(created), "edited_at", model_json_time(db_col_int(st, 6)), "hidden",
                          (int)db_col_int(st, 7), "editable", editable);
    /* The Markdown as written, for the author's edit form only. */
    if (editable) json_object_set_new(x, "body", json_string(db_col_text(st, 8)));
    json_object_set_new(x, "unread", json_boolean(db_col_int(st, 0) > fa->last_read_post_id));
    json_object_set_new(x, "own", json_boolean(author == viewer_id));
    if (db_col_int(st, 14)) json_object_set_new(x, "deleted", json_true());
    if (!db_col_is_null(st, 10)) {
        int64_t id = db_col_int(st, 10);
        json_object_set_new(x, "attachment",
                            json_pack("{s:I, s:s, s:I, s:I, s:s, s:s}", "id", (json_int_t)id, "name",
                                      db_col_text(st, 11), "size", (json_int_t)db_col_int(st, 12), "kib",
                                      (json_int_t)((db_col_int(st, 12) + 1023) / 1024), "mime", db_col_text(st, 13),
                                      "href", arena_sprintf(a, "/attachments/%lld", (long long)id)));
    }
    return x;
}

const char *forum_quote_markdown(struct arena *a, const char *author, const char *body)
{
    struct buf b;
    buf_init(&b, (size_t)FORUM_BODY_MAX * 2);
    buf_addf(&b, "> **%s** wrote:\n>\n", author);
    for (const char *line = body; *line;) {
        size_t n = strcspn(line, "\n");
        size_t text = n && line[n - 1] == '\r' ? n - 1 : n; /* a textarea sends CRLF */
        buf_addf(&b, text ? "> %.*s\n" : ">\n", (int)text, line);
        line += n + (line[n] == '\n');
    }
    buf_addc(&b, '\n');
    const char *out = arena_strdup(a, b.data ? b.data : "");
    buf_release(&b);
    return out;
}

lerr forum_thread_json(struct db *db, struct arena *a, int64_t thread_id, int page, int64_t viewer_id,
                       unsigned viewer_roles, json_t **out, struct problem *p)
{
    return forum_thread_page(db, a, thread_id, page, viewer_id, viewer_roles, 0, out, p);
}

lerr forum_thread_page(struct db *db, struct arena *a, int64_t thread_id, int page, int64_t viewer_id,
                       unsigned viewer_roles, int64_t quote_id, json_t **out, struct problem *p)
{
    struct forum_access fa;
    json_t *head;
    if (page < 0) return problem_set(p, LE_INVALID, "page", "Pages are numbered from 1.");
    lerr e = forum_open_thread(db, a, thread_id, viewer_id, viewer_roles, &fa, NULL, p);
    if (e) return e;
    head = thread_head(a, thread_id, &fa);
    /* Without a page, the one holding the first unread post: the count of what was read says
     * where it is, so no extra query finds it. */
    bool to_unread = page == 0;
    if (to_unread) page = page_after_read(&fa);
    struct db_stmt *st = db_query(
        db,
        "SELECT p.id, p.author_id, u.first_name, u.last_name, p.body_html, p.created_at, p.edited_at, p.hidden, "
        "p.body, COUNT(*) OVER (), x.id, x.file_name, x.size, x.mime, p.deleted FROM forum_posts p JOIN users u ON "
        "u.id = p.author_id LEFT JOIN forum_attachments x ON x.post_id = p.id WHERE p.thread_id = ?1 AND (p.hidden = "
        "0 OR ?2 = 1) AND (?5 = 0 OR p.id = ?6) ORDER BY p.id LIMIT ?3 OFFSET ?4",
        "iiiiii", thread_id, (int64_t)fa.moderator, (int64_t)FORUM_PAGE_POSTS, (int64_t)(page - 1) * FORUM_PAGE_POSTS,
        (int64_t)forum_qa_waiting(&fa), fa.first_post_id);
    json_t *posts = json_array();
    int64_t total = 0, now = time_now(), newest = 0;
    bool marked = false;
    const char *quote = NULL;
    while (st && db_step(st) == DB_ROW) {
        total = db_col_int(st, 9);
        newest = db_col_int(st, 0);
        json_t *post = post_json(a, st, &fa, now);
        if (newest == quote_id && !db_col_int(st, 14))
            quote = forum_quote_markdown(a, author_name(a, st, 2), db_col_text(st, 8));
        /* The anchor a link to the first unread post lands on. */
        if (!marked && newest > fa.last_read_post_id) {
            json_object_set_new(post, "first_unread", json_true());
            marked = true;
        }
        json_array_append_new(posts, post);
    }
    if (st) db_done(st);
    *out = json_pack("{s:o, s:o, s:i, s:i, s:I, s:i}", "thread", head, "posts", posts, "page", page, "per_page",
                     FORUM_PAGE_POSTS, "total", (json_int_t)total, "first_unread_page",
                     forum_first_unread_page(&fa, total));
    if (quote) json_object_set_new(*out, "quote", json_string(quote));
    json_object_set_new(*out, "qa", json_boolean(fa.qa));
    if (forum_qa_waiting(&fa)) json_object_set_new(*out, "qa_waiting", json_true());
    if (page > 1 && !json_array_size(posts)) {
        json_decref(*out);
        *out = NULL;
        /* Everything read, and the read posts fill whole pages: the last of them. */
        if (to_unread) return forum_thread_page(db, a, thread_id, page - 1, viewer_id, viewer_roles, quote_id, out, p);
        return problem_set(p, LE_NOTFOUND, "page", "The thread has no page %d.", page);
    }
    record_read(db, &fa, thread_id, newest);
    return LE_OK;
}
