/* Reporting posts: any reader of a post may report it to the forum's moderators with a reason;
 * the moderators find the open reports on their forum's reports page (and a count beside each
 * thread) and resolve them, audited. Deleting the post or its thread settles its reports. */
#include <string.h>
#include "internal.h"

/* The post's thread and whether it is deleted or hidden, or LE_NOTFOUND. */
static lerr post_place(struct db *db, int64_t post_id, int64_t *thread, bool *shown_to_all, int64_t *author,
                       struct problem *p)
{
    struct db_stmt *st =
        db_query(db, "SELECT thread_id, hidden, deleted, author_id FROM forum_posts WHERE id = ?1", "i", post_id);
    if (!st) return model_db_problem(p);
    bool found = db_step(st) == DB_ROW;
    if (found) *thread = db_col_int(st, 0), *shown_to_all = !db_col_int(st, 1), *author = db_col_int(st, 3);
    bool deleted = found && db_col_int(st, 2);
    db_done(st);
    return found && !deleted ? LE_OK : problem_set(p, LE_NOTFOUND, "id", "There is no such post.");
}

lerr forum_post_report(struct db *db, struct arena *a, int64_t post_id, const char *reason, int64_t actor_id,
                       unsigned actor_roles, int64_t *thread_out, struct problem *p)
{
    int64_t thread = 0, open = 0, author = 0;
    bool shown = false;
    struct forum_access fa;
    lerr e = post_place(db, post_id, &thread, &shown, &author, p);
    if (!e) e = forum_open_thread(db, a, thread, actor_id, actor_roles, &fa, NULL, p);
    if (e) return e;
    if (!forum_post_visible(&fa, post_id, author, !shown))
        return problem_set(p, LE_NOTFOUND, "id", "There is no such post.");
    if (!reason || !*reason) return problem_set(p, LE_INVALID, "reason", "Say what is wrong with the post.");
    if (strlen(reason) > FORUM_REASON_MAX)
        return problem_set(p, LE_INVALID, "reason", "Keep the reason to %d characters.", FORUM_REASON_MAX);
    if (db_query_int(db, &open,
                     "SELECT COUNT(*) FROM forum_reports WHERE post_id = ?1 AND reporter_id = ?2 AND resolved_at IS "
                     "NULL",
                     "ii", post_id, actor_id))
        return model_db_problem(p);
    if (open)
        return problem_set(p, LE_CONFLICT, "reason",
                           "You have already reported this post; the moderators have your report.");
    if (db_run(db, "INSERT INTO forum_reports (post_id, reporter_id, reason, created_at) VALUES (?1, ?2, ?3, ?4)",
               "iisi", post_id, actor_id, reason, time_now()))
        return model_db_problem(p);
    if (thread_out) *thread_out = thread;
    return LE_OK;
}

static json_t *report_json(struct arena *a, struct db_stmt *st)
{
    const char *body = db_col_text(st, 7);
    int64_t post = db_col_int(st, 5);
    /* An excerpt of the Markdown as written: enough to recognise the post. The link is to the
     * page it is on for a moderator, who sees every post, hidden ones too. */
    const char *excerpt = strlen(body) > 300 ? arena_sprintf(a, "%.300s…", body) : body;
    return json_pack("{s:I, s:s, s:s++, s:o, s:I, s:s++, s:s, s:I, s:s, s:s}", "id", (json_int_t)db_col_int(st, 0),
                     "reason", db_col_text(st, 1), "reporter", db_col_text(st, 2), " ", db_col_text(st, 3),
                     "created_at", model_json_time(db_col_int(st, 4)), "post_id", (json_int_t)post, "post_author",
                     db_col_text(st, 8), " ", db_col_text(st, 9), "excerpt", excerpt, "thread_id",
                     (json_int_t)db_col_int(st, 6), "thread_title", db_col_text(st, 10), "href",
                     arena_sprintf(a, "/threads/%lld?page=%lld#post-%lld", (long long)db_col_int(st, 6),
                                   (long long)((db_col_int(st, 11) - 1) / FORUM_PAGE_POSTS + 1), (long long)post));
}

lerr forum_reports_json(struct db *db, struct arena *a, const struct forum_access *fa, json_t **out,
                        struct problem *p)
{
    if (!fa->moderator)
        return problem_set(p, LE_FORBIDDEN, "code", "Only the forum's moderators see the reports.");
    *out = json_array();
    if (!fa->forum_id) return LE_OK;
    struct db_stmt *st = db_query(
        db,
        "SELECT r.id, r.reason, ru.first_name, ru.last_name, r.created_at, p.id, t.id, p.body, pu.first_name, "
        "pu.last_name, t.title, (SELECT COUNT(*) FROM forum_posts q WHERE q.thread_id = t.id AND q.id <= p.id) FROM "
        "forum_reports r JOIN forum_posts p ON p.id = r.post_id JOIN forum_threads t ON "
        "t.id = p.thread_id JOIN users ru ON ru.id = r.reporter_id JOIN users pu ON pu.id = p.author_id WHERE "
        "t.forum_id = ?1 AND t.deleted = 0 AND r.resolved_at IS NULL ORDER BY r.id LIMIT 200",
        "i", fa->forum_id);
    if (!st) return model_db_problem(p);
    while (db_step(st) == DB_ROW) json_array_append_new(*out, report_json(a, st));
    db_done(st);
    return LE_OK;
}

lerr forum_report_resolve(struct db *db, struct arena *a, int64_t report_id, int64_t actor_id, unsigned actor_roles,
                          struct forum_access *fa_out, struct problem *p)
{
    int64_t thread = 0;
    if (db_query_int(db, &thread,
                     "SELECT p.thread_id FROM forum_reports r JOIN forum_posts p ON p.id = r.post_id WHERE r.id = ?1 "
                     "AND r.resolved_at IS NULL",
                     "i", report_id))
        return problem_set(p, LE_NOTFOUND, "id", "There is no such open report: it may have been resolved already.");
    lerr e = forum_open_thread(db, a, thread, actor_id, actor_roles, fa_out, NULL, p);
    if (!e && !fa_out->moderator)
        e = problem_set(p, LE_FORBIDDEN, "id", "Only the forum's moderators resolve its reports.");
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    json_t *d = json_object();
    if (db_run(db, "UPDATE forum_reports SET resolved_at = ?2, resolved_by = ?3 WHERE id = ?1", "iii", report_id,
               time_now(), actor_id) ||
        audit_append(db, actor_id, "forum.report_resolve", arena_sprintf(a, "forum_report:%lld", (long long)report_id),
                     d))
        e = model_db_problem(p);
    json_decref(d);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}
