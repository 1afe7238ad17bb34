/* Reading process documents: one page with where it sits (its ancestors and children), the
 * tree of every page a reader may read, a page's revisions, and the diff of two of them. A
 * page's readers are its audience and the administrators; to anyone else it does not exist. */
#include <string.h>
#include "doc_internal.h"

/* "YYYY-MM-DD" of a day's first second, or NULL for 0. */
static json_t *day_json(int64_t t)
{
    if (!t) return json_null();
    char iso[21];
    time_iso8601(t, iso);
    iso[10] = '\0';
    return json_string(iso);
}

/* The pages above page_id, top first: one recursive query. */
static json_t *ancestors_json(struct db *db, struct arena *a, int64_t parent_id)
{
    json_t *path = json_array();
    if (!parent_id) return path;
    struct db_stmt *st = db_query(db,
                                  "WITH RECURSIVE up(id, depth) AS (SELECT CAST(?1 AS BIGINT), 0 UNION ALL SELECT d.parent_id, "
                                  "up.depth + 1 FROM doc_pages d JOIN up ON d.id = up.id WHERE d.parent_id IS NOT NULL "
                                  "AND up.depth < ?2) SELECT d.slug, d.title FROM up JOIN doc_pages d ON d.id = up.id "
                                  "ORDER BY up.depth DESC",
                                  "ii", parent_id, (int64_t)DOC_DEPTH_MAX);
    if (!st) return path;
    while (db_step(st) == DB_ROW)
        json_array_append_new(path, json_pack("{s:s, s:s}", "slug", model_col_str(a, st, 0), "title",
                                              model_col_str(a, st, 1)));
    db_done(st);
    return path;
}

/* The pages right under page_id the reader may read, by title. */
static json_t *children_json(struct db *db, struct arena *a, int64_t page_id, unsigned roles)
{
    json_t *list = json_array();
    struct db_stmt *st = db_query(db, "SELECT slug, title, audience FROM doc_pages WHERE parent_id = ?1 ORDER BY title, slug",
                                  "i", page_id);
    if (!st) return list;
    while (db_step(st) == DB_ROW)
        if (doc_audience_allows(model_col_str(a, st, 2), roles))
            json_array_append_new(list, json_pack("{s:s, s:s}", "slug", model_col_str(a, st, 0), "title",
                                                  model_col_str(a, st, 1)));
    db_done(st);
    return list;
}

lerr doc_json(struct db *db, struct arena *a, const char *slug, unsigned viewer_roles, json_t **out, struct problem *p)
{
    *out = NULL;
    struct db_stmt *st = db_query(db,
                                  "SELECT d.id, d.slug, d.title, d.body, d.body_html, d.audience, u.username, "
                                  "u.first_name, u.last_name, COALESCE(d.review_at, 0), d.revision, d.updated_at, "
                                  "COALESCE(d.parent_id, 0), COALESCE(pp.slug, ''), COALESCE(pp.title, ''), "
                                  "COALESCE(pp.parent_id, 0) FROM doc_pages d JOIN users u ON u.id = d.owner_id LEFT "
                                  "JOIN doc_pages pp ON pp.id = d.parent_id WHERE d.slug = ?1",
                                  "s", slug ? slug : "");
    if (!st) return model_db_problem(p);
    int64_t id = 0, parent_id = 0, grandparent_id = 0;
    json_t *parent = NULL;
    if (db_step(st) == DB_ROW && doc_audience_allows(model_col_str(a, st, 5), viewer_roles)) {
        id = db_col_int(st, 0), parent_id = db_col_int(st, 12), grandparent_id = db_col_int(st, 15);
        if (parent_id)
            parent = json_pack("{s:s, s:s}", "slug", model_col_str(a, st, 13), "title", model_col_str(a, st, 14));
        int64_t review_at = db_col_int(st, 9);
        *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:o, s:b, s:I, s:o}", "slug", model_col_str(a, st, 1),
                         "title", model_col_str(a, st, 2), "body", model_col_str(a, st, 3), "body_html",
                         model_col_str(a, st, 4), "audience", model_col_str(a, st, 5), "owner", "username",
                         model_col_str(a, st, 6), "name",
                         arena_sprintf(a, "%s %s", model_col_str(a, st, 7), model_col_str(a, st, 8)), "review_on",
                         day_json(review_at), "review_due", review_at && review_at <= time_now(), "revision",
                         (json_int_t)db_col_int(st, 10), "updated_at", model_json_time(db_col_int(st, 11)));
    }
    db_done(st);
    if (!*out) return problem_set(p, LE_NOTFOUND, "slug", "There is no such page.");
    /* The parent came with the page; only a page deeper down asks for the rest of its path. */
    json_t *path = grandparent_id ? ancestors_json(db, a, parent_id) : json_array();
    if (parent && !grandparent_id) json_array_append(path, parent);
    json_object_set_new(*out, "parent", parent ? parent : json_null());
    json_object_set_new(*out, "path", path);
    json_object_set_new(*out, "children", children_json(db, a, id, viewer_roles));
    json_object_set_new(*out, "attachments", doc_attachments_json(db, a, id));
    return LE_OK;
}

json_t *doc_tree(struct db *db, struct arena *a, unsigned viewer_roles, int64_t now)
{
    json_t *list = json_array();
    /* Depth-first by title: each page's sort key is its ancestors' titles and slugs joined by a
     * newline, which sorts before any character of a title, so a page comes right before its own. */
    struct db_stmt *st = db_query(db,
                                  "WITH RECURSIVE t(id, slug, title, audience, review_at, depth, sort_key) AS ("
                                  "SELECT id, slug, title, audience, review_at, 0, title || '/' || slug FROM doc_pages "
                                  "WHERE parent_id IS NULL UNION ALL SELECT d.id, d.slug, d.title, d.audience, "
                                  "d.review_at, t.depth + 1, t.sort_key || '\n' || d.title || '/' || d.slug FROM "
                                  "doc_pages d JOIN t ON d.parent_id = t.id WHERE t.depth < ?1) SELECT slug, title, "
                                  "audience, COALESCE(review_at, 0), depth, sort_key FROM t ORDER BY sort_key",
                                  "i", (int64_t)DOC_DEPTH_MAX);
    if (!st) return list;
    int hide_below = -1; /* a page the reader may not read hides the pages under it */
    while (db_step(st) == DB_ROW) {
        int depth = (int)db_col_int(st, 4);
        if (hide_below >= 0 && depth > hide_below) continue;
        hide_below = -1;
        if (!doc_audience_allows(model_col_str(a, st, 2), viewer_roles)) {
            hide_below = depth;
            continue;
        }
        int64_t review_at = db_col_int(st, 3);
        json_array_append_new(list, json_pack("{s:s, s:s, s:i, s:s, s:o, s:b}", "slug", model_col_str(a, st, 0), "title",
                                              model_col_str(a, st, 1), "depth", depth, "audience",
                                              model_col_str(a, st, 2), "review_on", day_json(review_at), "review_due",
                                              review_at && review_at <= now));
    }
    db_done(st);
    return list;
}

lerr doc_revisions_json(struct db *db, struct arena *a, const char *slug, unsigned viewer_roles, json_t **out,
                        struct problem *p)
{
    struct doc_row r;
    *out = NULL;
    if (doc_find_readable(db, a, slug, viewer_roles, &r, p)) return p->code;
    struct db_stmt *st = db_query(db,
                                  "SELECT v.number, v.title, v.note, u.username, v.created_at FROM doc_revisions v "
                                  "JOIN users u ON u.id = v.author_id WHERE v.page_id = ?1 ORDER BY v.number DESC",
                                  "i", r.id);
    if (!st) return model_db_problem(p);
    json_t *list = json_array();
    while (db_step(st) == DB_ROW)
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:o}", "number", (json_int_t)db_col_int(st, 0),
                                              "title", model_col_str(a, st, 1), "note", model_col_str(a, st, 2),
                                              "author", model_col_str(a, st, 3), "created_at",
                                              model_json_time(db_col_int(st, 4))));
    db_done(st);
    *out = json_pack("{s:s, s:s, s:i, s:o}", "slug", r.slug, "title", r.title, "revision", r.revision, "revisions", list);
    return LE_OK;
}

lerr doc_diff_json(struct db *db, struct arena *a, const char *slug, int from, int to, unsigned viewer_roles,
                   json_t **out, struct problem *p)
{
    struct doc_row r;
    *out = NULL;
    if (doc_find_readable(db, a, slug, viewer_roles, &r, p)) return p->code;
    struct db_stmt *st = db_query(db,
                                  "SELECT number, title, body FROM doc_revisions WHERE page_id = ?1 AND number IN (?2, ?3)",
                                  "iii", r.id, (int64_t)from, (int64_t)to);
    if (!st) return model_db_problem(p);
    const char *old_body = NULL, *new_body = NULL, *old_title = NULL, *new_title = NULL;
    while (db_step(st) == DB_ROW) {
        int n = (int)db_col_int(st, 0);
        if (n == from) old_title = model_col_str(a, st, 1), old_body = model_col_str(a, st, 2);
        if (n == to) new_title = model_col_str(a, st, 1), new_body = model_col_str(a, st, 2);
    }
    db_done(st);
    if (!old_body) return problem_set(p, LE_NOTFOUND, "from", "The page has no revision %d.", from);
    if (!new_body) return problem_set(p, LE_NOTFOUND, "to", "The page has no revision %d.", to);
    *out = json_pack("{s:s, s:s, s:i, s:i, s:s, s:s, s:o}", "slug", r.slug, "title", r.title, "from", from, "to", to,
                     "from_title", old_title, "to_title", new_title, "lines", line_diff(a, old_body, new_body));
    return LE_OK;
}

json_t *doc_owner_choices(struct db *db, struct arena *a)
{
    json_t *list = json_array();
    struct db_stmt *st = db_query(db,
                                  "SELECT username, first_name, last_name FROM users WHERE deleted_at IS NULL AND status "
                                  "= 'active' AND (roles & ?1) <> 0 ORDER BY last_name, first_name, username LIMIT 500",
                                  "i", (int64_t)(ROLE_ADMIN | ROLE_MANAGER | ROLE_INSTRUCTOR));
    if (!st) return list;
    while (db_step(st) == DB_ROW)
        json_array_append_new(list, json_pack("{s:s, s:s}", "username", model_col_str(a, st, 0), "name",
                                              arena_sprintf(a, "%s %s", model_col_str(a, st, 1), model_col_str(a, st, 2))));
    db_done(st);
    return list;
}
