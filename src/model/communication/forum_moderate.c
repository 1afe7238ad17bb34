/* Moderating discussions: the course's instructors and administrators pin and lock threads,
 * hide and delete posts (a hidden post stays in the thread for moderators, marked; a deleted
 * one leaves only a note for them), delete threads and move them to another forum they
 * moderate. Every change is audited, so it can always be traced to who made it. */
#include <stdio.h>
#include "internal.h"

static lerr moderator_of_thread(struct db *db, struct arena *a, int64_t thread_id, int64_t actor_id,
                                unsigned actor_roles, struct problem *p)
{
    struct forum_access fa;
    lerr e = forum_open_thread(db, a, thread_id, actor_id, actor_roles, &fa, NULL, p);
    if (!e && !fa.moderator)
        e = problem_set(p, LE_FORBIDDEN, "id", "Only the course's instructors and administrators moderate its forum.");
    return e;
}

/* The change and its audit entry, together or not at all. */
static lerr change_audited(struct db *db, const char *sql, int64_t id, int64_t value, int64_t actor_id,
                           const char *action, const char *target, struct problem *p)
{
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = db_run(db, sql, "ii", id, value) ? model_db_problem(p) : LE_OK;
    json_t *d = json_object();
    if (!e && audit_append(db, actor_id, action, target, d)) e = model_db_problem(p);
    json_decref(d);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr forum_thread_moderate(struct db *db, struct arena *a, int64_t thread_id, const char *action, int64_t actor_id,
                           unsigned actor_roles, struct problem *p)
{
    static const struct {
        const char *action, *sql;
        int value;
    } actions[] = {
        {"pin", "UPDATE forum_threads SET pinned = ?2 WHERE id = ?1", 1},
        {"unpin", "UPDATE forum_threads SET pinned = ?2 WHERE id = ?1", 0},
        {"lock", "UPDATE forum_threads SET locked = ?2 WHERE id = ?1", 1},
        {"unlock", "UPDATE forum_threads SET locked = ?2 WHERE id = ?1", 0},
    };
    size_t i = 0;
    while (i < sizeof actions / sizeof actions[0] && !str_eq(action, actions[i].action)) i++;
    if (i == sizeof actions / sizeof actions[0])
        return problem_set(p, LE_INVALID, "action", "Choose what to do with the thread: pin, unpin, lock or unlock.");
    lerr e = moderator_of_thread(db, a, thread_id, actor_id, actor_roles, p);
    if (e) return e;
    char target[40];
    snprintf(target, sizeof target, "forum_thread:%lld", (long long)thread_id);
    return change_audited(db, actions[i].sql, thread_id, actions[i].value, actor_id,
                          arena_sprintf(a, "forum.%s", actions[i].action), target, p);
}

lerr forum_post_hide(struct db *db, struct arena *a, int64_t post_id, bool hidden, int64_t actor_id,
                     unsigned actor_roles, int64_t *thread_out, struct problem *p)
{
    int64_t thread = 0;
    if (db_query_int(db, &thread, "SELECT thread_id FROM forum_posts WHERE id = ?1 AND deleted = 0", "i", post_id))
        return problem_set(p, LE_NOTFOUND, "id", "There is no such post.");
    lerr e = moderator_of_thread(db, a, thread, actor_id, actor_roles, p);
    if (e) return e;
    char target[40];
    snprintf(target, sizeof target, "forum_post:%lld", (long long)post_id);
    e = change_audited(db, "UPDATE forum_posts SET hidden = ?2 WHERE id = ?1", post_id, hidden, actor_id,
                       hidden ? "forum.hide" : "forum.show", target, p);
    if (!e && thread_out) *thread_out = thread;
    return e;
}

/* A post's thread, for a moderator of it. */
static lerr moderated_post(struct db *db, struct arena *a, int64_t post_id, int64_t actor_id, unsigned actor_roles,
                           int64_t *thread, struct problem *p)
{
    if (db_query_int(db, thread, "SELECT thread_id FROM forum_posts WHERE id = ?1 AND deleted = 0", "i", post_id))
        return problem_set(p, LE_NOTFOUND, "id", "There is no such post.");
    return moderator_of_thread(db, a, *thread, actor_id, actor_roles, p);
}

/* Ends a moderation's transaction: its audit entry with it, or nothing when e says it failed. */
static lerr end_audited(struct db *db, lerr e, int64_t actor_id, const char *action, const char *target,
                        json_t *details, struct problem *p)
{
    if (!e && audit_append(db, actor_id, action, target, details)) e = model_db_problem(p);
    json_decref(details);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr forum_post_delete(struct db *db, struct arena *a, int64_t post_id, int64_t actor_id, unsigned actor_roles,
                       int64_t *thread_out, struct problem *p)
{
    int64_t thread = 0;
    lerr e = moderated_post(db, a, post_id, actor_id, actor_roles, &thread, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    /* The text and the file go; the row stays so that replies keep their place and the
     * moderators see that something was removed. Its open reports are settled with it. */
    if (db_run(db, "UPDATE forum_posts SET deleted = 1, hidden = 1, body = '', body_html = '' WHERE id = ?1", "i",
               post_id) ||
        db_run(db, "DELETE FROM forum_attachments WHERE post_id = ?1", "i", post_id) ||
        db_run(db,
               "UPDATE forum_reports SET resolved_at = ?2, resolved_by = ?3 WHERE post_id = ?1 AND resolved_at IS "
               "NULL",
               "iii", post_id, time_now(), actor_id))
        e = model_db_problem(p);
    e = end_audited(db, e, actor_id, "forum.delete", arena_sprintf(a, "forum_post:%lld", (long long)post_id),
                    json_pack("{s:I}", "thread_id", (json_int_t)thread), p);
    if (!e && thread_out) *thread_out = thread;
    return e;
}

lerr forum_thread_delete(struct db *db, struct arena *a, int64_t thread_id, int64_t actor_id, unsigned actor_roles,
                         struct forum_access *fa_out, struct problem *p)
{
    lerr e = forum_open_thread(db, a, thread_id, actor_id, actor_roles, fa_out, NULL, p);
    if (!e && !fa_out->moderator)
        e = problem_set(p, LE_FORBIDDEN, "id", "Only the course's instructors and administrators moderate its forum.");
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    if (db_run(db, "UPDATE forum_threads SET deleted = 1 WHERE id = ?1", "i", thread_id) ||
        db_run(db,
               "UPDATE forum_reports SET resolved_at = ?2, resolved_by = ?3 WHERE resolved_at IS NULL AND post_id IN "
               "(SELECT id FROM forum_posts WHERE thread_id = ?1)",
               "iii", thread_id, time_now(), actor_id))
        e = model_db_problem(p);
    return end_audited(db, e, actor_id, "forum.delete_thread",
                       arena_sprintf(a, "forum_thread:%lld", (long long)thread_id),
                       json_pack("{s:I}", "forum_id", (json_int_t)fa_out->forum_id), p);
}

lerr forum_thread_move(struct db *db, struct arena *a, int64_t thread_id, const char *to_course, int64_t actor_id,
                       unsigned actor_roles, struct problem *p)
{
    struct forum_access from, to;
    lerr e = forum_open_thread(db, a, thread_id, actor_id, actor_roles, &from, NULL, p);
    if (!e && !from.moderator)
        e = problem_set(p, LE_FORBIDDEN, "id", "Only the course's instructors and administrators moderate its forum.");
    if (e) return e;
    if (!to_course || !*to_course) return problem_set(p, LE_INVALID, "to", "Choose the forum to move the thread to.");
    bool site = str_eq(to_course, "site");
    e = forum_open(db, a, site ? NULL : to_course, actor_id, actor_roles, &to, p);
    if (e == LE_NOTFOUND || e == LE_FORBIDDEN || (!e && !to.moderator))
        return problem_set(p, e == LE_NOTFOUND ? LE_NOTFOUND : LE_FORBIDDEN, "to",
                           "Choose a forum you moderate: a course you teach%s.",
                           (actor_roles & ROLE_ADMIN) ? ", any course or the whole site" : "");
    if (e) return e;
    if (to.course_id == from.course_id)
        return problem_set(p, LE_INVALID, "to", "The thread is already in that forum; choose another.");
    int64_t forum_id = 0;
    if (db_tx_begin(db)) return model_db_problem(p);
    if (forum_ensure(db, to.course_id, time_now(), &forum_id) ||
        db_run(db, "UPDATE forum_threads SET forum_id = ?2 WHERE id = ?1", "ii", thread_id, forum_id))
        e = model_db_problem(p);
    return end_audited(db, e, actor_id, "forum.move", arena_sprintf(a, "forum_thread:%lld", (long long)thread_id),
                       json_pack("{s:I, s:I}", "from_course_id", (json_int_t)from.course_id, "to_course_id",
                                 (json_int_t)to.course_id),
                       p);
}

json_t *forum_move_targets_json(struct db *db, int64_t viewer_id, unsigned viewer_roles)
{
    bool admin = viewer_roles & ROLE_ADMIN;
    json_t *list = json_array();
    if (admin) json_array_append_new(list, json_pack("{s:s, s:b}", "code", "site", "is_site", 1));
    /* The courses taught, and for administrators every course that has a forum already. */
    struct db_stmt *st = db_query(
        db,
        "SELECT c.code, c.title FROM courses c WHERE c.id IN (SELECT e.course_id FROM enrolments e WHERE e.user_id = "
        "?1 AND e.role = 'instructor' AND e.unenrolled_at IS NULL) OR (?2 = 1 AND c.id IN (SELECT course_id FROM "
        "forums)) ORDER BY c.title, c.code LIMIT 200",
        "ii", viewer_id, (int64_t)admin);
    while (st && db_step(st) == DB_ROW)
        json_array_append_new(list, json_pack("{s:s, s:s}", "code", db_col_text(st, 0), "title", db_col_text(st, 1)));
    if (st) db_done(st);
    return list;
}

lerr forum_set_kind(struct db *db, struct arena *a, const struct forum_access *fa, const char *kind, int64_t actor_id,
                    struct problem *p)
{
    if (!fa->moderator)
        return problem_set(p, LE_FORBIDDEN, "kind", "Only the forum's moderators choose what kind of forum it is.");
    if (!str_eq(kind, "general") && !str_eq(kind, "qa"))
        return problem_set(p, LE_INVALID, "kind", "Choose a general discussion or questions and answers.");
    int64_t forum_id = 0;
    lerr e = LE_OK;
    if (db_tx_begin(db)) return model_db_problem(p);
    if (forum_ensure(db, fa->course_id, time_now(), &forum_id) ||
        db_run(db, "UPDATE forums SET kind = ?2 WHERE id = ?1", "is", forum_id, kind))
        e = model_db_problem(p);
    return end_audited(db, e, actor_id, "forum.settings", arena_sprintf(a, "forum:%lld", (long long)forum_id),
                       json_pack("{s:s}", "kind", kind), p);
}
