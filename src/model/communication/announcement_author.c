/* The author's view of an announcement: what it says, who it is for, how many of its audience
 * there are now and how many have seen it; administrators also see who. The people it is
 * shown to read the same announcement without those counts. */
#include "internal.h"

#define ONE_SELECT                                                                                                \
    "SELECT a.id, a.title, a.body, a.body_html, a.importance, a.pinned, a.email, a.audience, c.code, "            \
    "d.name, j.name, a.role_mask, a.publish_at, a.expire_at, a.author_id, au.username, (SELECT COUNT(*) FROM "   \
    "announcement_views v WHERE v.announcement_id = a.id), (SELECT COUNT(*) FROM announcement_emails m WHERE "     \
    "m.announcement_id = a.id) FROM announcements a JOIN users au ON au.id = a.author_id LEFT JOIN courses c ON " \
    "c.id = a.course_id LEFT JOIN departments d ON d.id = a.department_id LEFT JOIN job_roles j ON j.id = "      \
    "a.job_role_id "

/* {site: true} | {course: CODE} | {department_id, department} | {job_role_id, job_role} |
 * {role: "learner, ..."} | {team: true}: the shape the API takes. */
static json_t *audience_json(struct db_stmt *st, struct arena *a)
{
    const char *kind = db_col_text(st, 7);
    if (str_eq(kind, "course")) return json_pack("{s:s}", "course", db_col_text(st, 8));
    if (str_eq(kind, "department")) return json_pack("{s:s}", "department", db_col_text(st, 9));
    if (str_eq(kind, "job_role")) return json_pack("{s:s}", "job_role", db_col_text(st, 10));
    if (str_eq(kind, "role")) {
        unsigned mask = (unsigned)db_col_int(st, 11);
        const char *names = "";
        for (unsigned r = ROLE_ADMIN; r <= ROLE_LEARNER; r <<= 1)
            if (mask & r) names = *names ? arena_sprintf(a, "%s, %s", names, role_name(r)) : role_name(r);
        return json_pack("{s:s}", "role", names);
    }
    return json_pack("{s:b}", kind, 1);
}

static json_t *one_json(struct db_stmt *st, struct arena *a)
{
    json_t *o = json_object();
    jset_int(o, "id", db_col_int(st, 0));
    jset_str(o, "title", db_col_text(st, 1));
    jset_str(o, "body", db_col_text(st, 2));
    jset_str(o, "body_html", db_col_text(st, 3));
    jset_str(o, "importance", db_col_text(st, 4));
    jset_bool(o, "pinned", db_col_int(st, 5) != 0);
    jset_bool(o, "email", db_col_int(st, 6) != 0);
    jset(o, "audience", audience_json(st, a));
    jset(o, "publish_at", model_json_time(db_col_int(st, 12)));
    jset(o, "expire_at", model_json_time(db_col_int(st, 13)));
    jset_bool(o, "live", announcement_live(db_col_int(st, 12), db_col_int(st, 13), time_now()));
    jset_str(o, "author", db_col_text(st, 15));
    return o;
}

/* Who has seen it, by name: for administrators. */
static json_t *seen_by_json(struct db *db, int64_t id)
{
    json_t *list = json_array();
    struct db_stmt *st = db_query(db,
                                  "SELECT u.username, u.first_name, u.last_name, v.seen_at, v.dismissed_at FROM "
                                  "announcement_views v JOIN users u ON u.id = v.user_id WHERE v.announcement_id = ?1 "
                                  "ORDER BY u.last_name, u.first_name, u.username LIMIT 1000",
                                  "i", id);
    while (st && db_step(st) == DB_ROW)
        json_array_append_new(list, json_pack("{s:s, s:s++, s:o}", "username", db_col_text(st, 0), "name",
                                              db_col_text(st, 1), " ", db_col_text(st, 2), "seen_at",
                                              model_json_time(db_col_int(st, 3))));
    if (st) db_done(st);
    return list;
}

lerr announcement_json(struct db *db, struct arena *a, int64_t id, int64_t viewer_id, unsigned viewer_roles,
                       json_t **out, struct problem *p)
{
    *out = NULL;
    struct db_stmt *st = db_query(db, ONE_SELECT "WHERE a.id = ?1", "i", id);
    if (!st) return model_db_problem(p);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return problem_set(p, LE_NOTFOUND, "id", "There is no such announcement.");
    }
    json_t *o = one_json(st, a);
    bool author = db_col_int(st, 14) == viewer_id, admin = viewer_roles & ROLE_ADMIN;
    int64_t seen = db_col_int(st, 16), emailed = db_col_int(st, 17), publish = db_col_int(st, 12);
    db_done(st);
    bool reaches = false;
    if (!author && !admin && (announcement_reaches(db, id, viewer_id, &reaches) || !reaches || publish > time_now())) {
        json_decref(o);
        return problem_set(p, LE_NOTFOUND, "id", "There is no such announcement.");
    }
    if (author || admin) {
        int64_t size = 0;
        announcement_audience_count(db, id, &size);
        jset_int(o, "audience_size", size);
        jset_int(o, "seen", seen);
        jset_int(o, "emailed", emailed);
    }
    if (admin) jset(o, "seen_by", seen_by_json(db, id));
    *out = o;
    return LE_OK;
}

json_t *announcements_written(struct db *db, struct arena *a, int64_t viewer_id, unsigned viewer_roles, int limit)
{
    json_t *list = json_array();
    if (limit < 1 || limit > 200) limit = 50;
    struct db_stmt *st = db_query(db, ONE_SELECT "WHERE (?1 = 1 OR a.author_id = ?2) ORDER BY a.id DESC LIMIT ?3",
                                  "iii", (int64_t)((viewer_roles & ROLE_ADMIN) != 0), viewer_id, (int64_t)limit);
    while (st && db_step(st) == DB_ROW) {
        json_t *o = one_json(st, a);
        jset_int(o, "seen", db_col_int(st, 16));
        json_array_append_new(list, o);
    }
    if (st) db_done(st);
    return list;
}
