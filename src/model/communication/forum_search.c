/* Searching the forums (docs/communication.md): posts whose text matches, and the opening post
 * of threads whose title matches, in every forum the person may read (the site's, and the
 * courses they are in; all of them for administrators), newest first, a page at a time. The
 * same rules as reading apply: hidden posts only for the forum's moderators, deleted posts and
 * threads never, and the questions-and-answers rule. One query a page; the only engine
 * difference is how a row matches the words (FTS5 tables, or tsvector columns). */
#include <string.h>
#include "internal.h"

/* ?1 viewer, ?2 the words, ?3 administrator, ?4 where ("" every forum, "site", or a course
 * code), ?5 limit, ?6 offset. "readable" is every forum the viewer may read, with whether they
 * moderate it. */
#define SEARCH_SQL \
    "WITH readable AS (SELECT f.id, f.course_id, f.kind, CASE WHEN ?3 = 1 OR e.role = 'instructor' THEN 1 ELSE " \
    "0 END AS moderator FROM forums f LEFT JOIN enrolments e ON e.course_id = f.course_id AND f.course_id <> 0 " \
    "AND e.user_id = ?1 AND e.unenrolled_at IS NULL WHERE f.course_id = 0 OR ?3 = 1 OR e.id IS NOT NULL) SELECT " \
    "p.id, t.id, t.title, u.first_name, u.last_name, p.created_at, p.body, p.hidden, c.code, c.title, COUNT(*) " \
    "OVER (), (SELECT COUNT(*) FROM forum_posts q WHERE q.thread_id = t.id AND q.id <= p.id AND (q.hidden = 0 " \
    "OR m.moderator = 1)) FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id JOIN readable m ON m.id " \
    "= t.forum_id LEFT JOIN courses c ON c.id = m.course_id JOIN users u ON u.id = p.author_id WHERE t.deleted " \
    "= 0 AND p.deleted = 0 AND (p.hidden = 0 OR m.moderator = 1) AND (?4 = '' OR (?4 = 'site' AND m.course_id = " \
    "0) OR c.code = ?4) AND (m.kind <> 'qa' OR m.moderator = 1 OR p.id = (SELECT MIN(q.id) FROM forum_posts q " \
    "WHERE q.thread_id = t.id) OR EXISTS (SELECT 1 FROM forum_posts o WHERE o.thread_id = t.id AND o.author_id " \
    "= ?1 AND o.deleted = 0)) AND (%s) ORDER BY p.id DESC LIMIT ?5 OFFSET ?6"

static const char *match_sql(bool pg)
{
    return pg ? "p.search_tsv @@ to_tsquery('simple', ?2) OR (t.search_tsv @@ to_tsquery('simple', ?2) AND p.id = "
                "(SELECT MIN(q.id) FROM forum_posts q WHERE q.thread_id = t.id))"
              : "p.id IN (SELECT rowid FROM forum_posts_fts WHERE forum_posts_fts MATCH ?2) OR (t.id IN (SELECT rowid "
                "FROM forum_threads_fts WHERE forum_threads_fts MATCH ?2) AND p.id = (SELECT MIN(q.id) FROM "
                "forum_posts q WHERE q.thread_id = t.id))";
}

static json_t *hit_json(struct arena *a, struct db_stmt *st)
{
    const char *body = db_col_text(st, 6);
    int64_t post = db_col_int(st, 0), thread = db_col_int(st, 1);
    /* The link opens the page the post is on (the posts before it that the viewer sees). */
    bool course = !db_col_is_null(st, 8);
    return json_pack("{s:I, s:I, s:s, s:s++, s:o, s:s, s:b, s:s?, s:s?, s:s}", "post_id", (json_int_t)post,
                     "thread_id", (json_int_t)thread, "thread_title", db_col_text(st, 2), "author", db_col_text(st, 3),
                     " ", db_col_text(st, 4), "created_at", model_json_time(db_col_int(st, 5)), "excerpt",
                     strlen(body) > 240 ? arena_sprintf(a, "%.240s…", body) : body, "hidden", (int)db_col_int(st, 7),
                     "course_code", course ? db_col_text(st, 8) : NULL, "course_title",
                     course ? db_col_text(st, 9) : NULL, "href",
                     arena_sprintf(a, "/threads/%lld?page=%lld#post-%lld", (long long)thread,
                                   (long long)((db_col_int(st, 11) - 1) / FORUM_PAGE_POSTS + 1), (long long)post));
}

lerr forum_search(struct db *db, struct arena *a, const char *q, const char *where, int page, int64_t viewer_id,
                  unsigned viewer_roles, json_t **out, struct problem *p)
{
    bool pg = str_eq(db_engine_name(db), "postgres");
    const char *terms = model_search_terms(a, q, pg);
    if (!*terms) return problem_set(p, LE_INVALID, "q", "Type a word to search for.");
    if (page < 1) return problem_set(p, LE_INVALID, "page", "Pages are numbered from 1.");
    struct db_stmt *st = db_query(db, arena_sprintf(a, SEARCH_SQL, match_sql(pg)), "isisii", viewer_id, terms,
                                  (int64_t)((viewer_roles & ROLE_ADMIN) != 0), where ? where : "",
                                  (int64_t)FORUM_SEARCH_PAGE, (int64_t)(page - 1) * FORUM_SEARCH_PAGE);
    if (!st) return model_db_problem(p);
    json_t *hits = json_array();
    int64_t total = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        total = db_col_int(st, 10);
        json_array_append_new(hits, hit_json(a, st));
    }
    db_done(st);
    if (rc != DB_DONE) {
        json_decref(hits);
        return model_db_problem(p);
    }
    *out = json_pack("{s:s, s:s, s:o, s:i, s:i, s:I}", "q", q, "where", where ? where : "", "results", hits, "page",
                     page, "per_page", FORUM_SEARCH_PAGE, "total", (json_int_t)total);
    return LE_OK;
}
