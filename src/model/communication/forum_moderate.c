/* Moderating discussions: the course's instructors and administrators pin and lock threads and
 * hide posts (a hidden post stays in the thread for moderators, marked). Every change is
 * audited, so a hidden post can always be traced to who hid it. */
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
    if (db_query_int(db, &thread, "SELECT thread_id FROM forum_posts WHERE id = ?1", "i", post_id))
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
