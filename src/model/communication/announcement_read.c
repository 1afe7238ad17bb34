/* Reading announcements: what a person sees (in one query from their own row upwards: their
 * department's ancestors, their managers, their enrolments), the urgent banners, dismissal,
 * and the author's view with how many of the audience have seen it. Being shown counts as
 * seen: the first showing writes one row a person, later ones write nothing. */
#include "internal.h"

/* The announcements user ?1 may see at ?2; ?3 = 1 also expired ones; ?4 a course id or 0. */
#define SEES                                                                                                     \
    "WITH RECURSIVE me AS (SELECT id, department_id, job_role_id, roles FROM users WHERE id = ?1), "             \
    "up(id) AS (SELECT department_id FROM me WHERE department_id IS NOT NULL UNION SELECT d.parent_id FROM "     \
    "departments d JOIN up ON d.id = up.id WHERE d.parent_id IS NOT NULL), "                                    \
    "bosses(id) AS (SELECT manager_id FROM users WHERE id = ?1 AND manager_id IS NOT NULL UNION SELECT "          \
    "u.manager_id FROM users u JOIN bosses b ON u.id = b.id WHERE u.manager_id IS NOT NULL) "                    \
    "SELECT a.id, a.title, a.body_html, a.importance, a.pinned, a.audience, c.code, c.title, a.publish_at, "       \
    "a.expire_at, au.first_name, au.last_name, v.seen_at, v.dismissed_at FROM announcements a JOIN me ON 1 = 1 "   \
    "JOIN users au ON au.id = a.author_id LEFT JOIN courses c ON c.id = a.course_id LEFT JOIN "                  \
    "announcement_views v ON v.announcement_id = a.id AND v.user_id = ?1 WHERE a.publish_at <= ?2 AND (?3 = 1 "   \
    "OR a.expire_at IS NULL OR a.expire_at > ?2) AND (?4 = 0 OR a.course_id = ?4) AND (a.audience = 'site' OR "  \
    "(a.audience = 'course' AND EXISTS (SELECT 1 FROM enrolments e WHERE e.course_id = a.course_id AND "        \
    "e.user_id = ?1 AND e.unenrolled_at IS NULL)) OR (a.audience = 'department' AND a.department_id IN (SELECT " \
    "id FROM up)) OR (a.audience = 'job_role' AND a.job_role_id = me.job_role_id) OR (a.audience = 'role' AND "  \
    "(a.role_mask & me.roles) <> 0) OR (a.audience = 'team' AND a.author_id IN (SELECT id FROM bosses))) "

static json_t *item_json(struct db_stmt *st)
{
    json_t *o = json_object();
    jset_int(o, "id", db_col_int(st, 0));
    jset_str(o, "title", db_col_text(st, 1));
    jset_str(o, "body_html", db_col_text(st, 2));
    jset_str(o, "importance", db_col_text(st, 3));
    jset_bool(o, "pinned", db_col_int(st, 4) != 0);
    jset_str(o, "audience", db_col_text(st, 5));
    jset(o, "course", db_col_is_null(st, 6) ? json_null()
                                            : json_pack("{s:s, s:s}", "code", db_col_text(st, 6), "title",
                                                        db_col_text(st, 7)));
    jset(o, "publish_at", model_json_time(db_col_int(st, 8)));
    jset(o, "expire_at", model_json_time(db_col_int(st, 9)));
    json_object_set_new(o, "author", json_sprintf("%s %s", db_col_text(st, 10), db_col_text(st, 11)));
    jset_bool(o, "dismissed", !db_col_is_null(st, 13));
    return o;
}

/* One INSERT for the announcements shown for the first time; a second showing (or another
 * node's at the same moment) meets the key and writes nothing. The text holds placeholders
 * only, so there is one shape per count (at most SEEN_MAX) in each connection's statement
 * cache; a failure costs only the count, never the page. */
#define SEEN_MAX 97 /* ?1 the person, ?2 the time, ?3 ... the announcements: the engines' 99 */
static void record_seen(struct db *db, struct arena *a, int64_t user_id, const int64_t *ids, size_t n, int64_t now)
{
    if (!n) return;
    if (n > SEEN_MAX) n = SEEN_MAX;
    const char *sql = "INSERT INTO announcement_views (announcement_id, user_id, seen_at) VALUES (?3, ?1, ?2)";
    for (size_t i = 1; i < n; i++) sql = arena_sprintf(a, "%s, (?%zu, ?1, ?2)", sql, i + 3);
    struct db_stmt *st = db_prepare(db, arena_sprintf(a, "%s ON CONFLICT DO NOTHING", sql));
    if (!st) return;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, now);
    for (size_t i = 0; i < n; i++) db_bind_int(st, (int)i + 3, ids[i]);
    db_step(st);
    db_done(st);
}

json_t *announcements_for_user(struct db *db, struct arena *a, int64_t user_id, int64_t course_id, bool expired,
                               int limit)
{
    json_t *list = json_array();
    int64_t now = time_now();
    if (limit < 1 || limit > 200) limit = 50;
    struct db_stmt *st = db_query(db, SEES "ORDER BY a.pinned DESC, a.publish_at DESC, a.id DESC LIMIT ?5", "iiiii",
                                  user_id, now, (int64_t)expired, course_id, (int64_t)limit);
    int64_t *unseen = arena_alloc(a, (size_t)limit * sizeof *unseen);
    size_t n_unseen = 0;
    while (st && db_step(st) == DB_ROW) {
        if (db_col_is_null(st, 12)) unseen[n_unseen++] = db_col_int(st, 0);
        json_array_append_new(list, item_json(st));
    }
    if (st) db_done(st);
    record_seen(db, a, user_id, unseen, n_unseen, now);
    return list;
}

json_t *announcement_banners(struct db *db, struct arena *a, int64_t user_id)
{
    (void)a;
    json_t *list = json_array();
    struct db_stmt *st = db_query(db,
                                  SEES "AND a.importance = 'urgent' AND v.dismissed_at IS NULL ORDER BY a.publish_at "
                                       "DESC, a.id DESC LIMIT 3",
                                  "iiii", user_id, time_now(), (int64_t)0, (int64_t)0);
    while (st && db_step(st) == DB_ROW)
        json_array_append_new(list, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_int(st, 0), "title",
                                              db_col_text(st, 1), "body_html", db_col_text(st, 2)));
    if (st) db_done(st);
    return list;
}

lerr announcement_dismiss(struct db *db, int64_t id, int64_t user_id, struct problem *p)
{
    bool reaches = false;
    int64_t live = 0, now = time_now();
    if (db_query_int(db, &live,
                     "SELECT COUNT(*) FROM announcements WHERE id = ?1 AND publish_at <= ?2 AND (expire_at IS NULL OR "
                     "expire_at > ?2)",
                     "ii", id, now) ||
        announcement_reaches(db, id, user_id, &reaches))
        return model_db_problem(p);
    if (!live || !reaches) return problem_set(p, LE_NOTFOUND, "id", "There is no such announcement to dismiss.");
    return db_run(db,
                  "INSERT INTO announcement_views (announcement_id, user_id, seen_at, dismissed_at) VALUES (?1, ?2, ?3, "
                  "?3) ON CONFLICT (announcement_id, user_id) DO UPDATE SET dismissed_at = ?3",
                  "iii", id, user_id, now)
               ? model_db_problem(p)
               : LE_OK;
}
