/* The notification centre's sending and in-app side (docs/notifications.md): notify_send, the
 * one way every domain sends a person a message, applies the person's choice for the type
 * (notification_preferences, else e-mail); what is not e-mailed at once is a row of
 * notifications (an e-mail too for types marked NOTIFY_LISTED), shown by the bell and the list
 * page, and gathered into the daily digest (notification_digest.c) when that is the choice. Migration 0043's triggers change
 * auth_version.notify_version with every change to notifications, so the bell's counts kept
 * in memory know when to ask again. */
#include <string.h>
#include "../internal.h"
#include "platform.h"

/* The person's channel for t: e-mail unless they chose another the type allows. Types that
 * allow only e-mail are not looked up. */
static lerr channel_of(struct db *db, int64_t user_id, const struct notification_type *t, unsigned *out)
{
    *out = NOTIFY_EMAIL;
    if (!user_id || t->channels == NOTIFY_EMAIL) return LE_OK;
    struct db_stmt *st = db_query(db, "SELECT channel FROM notification_preferences WHERE user_id = ?1 AND type = ?2",
                                  "is", user_id, t->key);
    if (!st) return LE_DB;
    int rc = db_step(st);
    if (rc == DB_ROW) *out = notify_channel_resolve(t, db_col_text(st, 0));
    db_done(st);
    return rc < 0 ? LE_DB : LE_OK;
}

static lerr keep(struct db *db, const struct notification_type *t, int64_t user_id, unsigned channel, json_t *data,
                 struct problem *p)
{
    char *text = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (data && !text) return problem_set(p, LE_NOMEM, "", "out of memory");
    if (db_tx_begin(db)) {
        json_text_free(text);
        return model_db_problem(p);
    }
    lerr e = LE_OK;
    if (db_run(db, "INSERT INTO notifications (user_id, type, channel, data, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
               "isssi", user_id, t->key, notify_channel_name(channel), text ? text : "{}", time_now()) ||
        db_run(db, "UPDATE users SET notifications_unread = notifications_unread + 1 WHERE id = ?1", "i", user_id))
        e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    json_text_free(text);
    return e;
}

static lerr send_by(struct db *db, const struct notification_type *t, unsigned channel, int64_t user_id,
                    const char *email, json_t *data, const struct mail_attachment *att, int64_t *outbox_id,
                    struct problem *p)
{
    switch (channel) {
    case NOTIFY_OFF:
        return LE_OK;
    case NOTIFY_INAPP:
    case NOTIFY_DIGEST:
        return keep(db, t, user_id, channel, data, p);
    default: {
        /* A type marked NOTIFY_LISTED is listed in Lectern too (the bell counts its e-mail). */
        lerr e = user_id && (t->channels & NOTIFY_LISTED) ? keep(db, t, user_id, channel, data, p) : LE_OK;
        if (e || !email || !*email) return e; /* no address: nothing to send by e-mail */
        if (att) return mail_enqueue_attached(db, email, t->key, data, user_id, att, p);
        return mail_enqueue(db, email, t->key, data, user_id, true, outbox_id, p);
    }
    }
}

lerr notify_send(struct db *db, const char *type, int64_t user_id, const char *email, json_t *data,
                 const struct mail_attachment *att, int64_t *outbox_id, struct problem *p)
{
    if (outbox_id) *outbox_id = 0;
    const struct notification_type *t = notification_type_find(type);
    if (!t) return problem_set(p, LE_INVALID, "type", "There is no notification type %s.", type ? type : "");
    unsigned channel;
    if (channel_of(db, user_id, t, &channel)) return model_db_problem(p);
    return send_by(db, t, channel, user_id, email, data, att, outbox_id, p);
}

lerr notify_send_chosen(struct db *db, const char *type, int64_t user_id, const char *email, const char *chosen,
                        json_t *data, int64_t *outbox_id, struct problem *p)
{
    if (outbox_id) *outbox_id = 0;
    const struct notification_type *t = notification_type_find(type);
    if (!t) return problem_set(p, LE_INVALID, "type", "There is no notification type %s.", type ? type : "");
    return send_by(db, t, notify_channel_resolve(t, chosen), user_id, email, data, NULL, outbox_id, p);
}

lerr notify_preferences_get(struct db *db, struct arena *a, int64_t user_id, const char ***out)
{
    const struct notification_type *types;
    size_t n = notification_types(&types);
    const char **chosen = arena_alloc(a, n * sizeof *chosen);
    memset(chosen, 0, n * sizeof *chosen);
    *out = chosen;
    struct db_stmt *st = db_query(db, "SELECT type, channel FROM notification_preferences WHERE user_id = ?1", "i",
                                  user_id);
    if (!st) return LE_DB;
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        for (size_t i = 0; i < n; i++)
            if (str_eq(types[i].key, db_col_text(st, 0))) chosen[i] = model_col_str(a, st, 1);
    db_done(st);
    return rc < 0 ? LE_DB : LE_OK;
}

/* words: notify.channel_{email,inapp,digest,off} */
static lerr check_choice(const char *type, const char *channel, struct problem *p)
{
    const struct notification_type *t = notification_type_find(type);
    if (!t) return problem_set(p, LE_INVALID, type ? type : "type", "There is no notification type %s.", type ? type : "");
    unsigned c = notify_channel_parse(channel);
    if (!c) return problem_set(p, LE_INVALID, t->key, "Choose e-mail, in Lectern, daily digest or off.");
    if (!(t->channels & c))
        return problem_set(p, LE_INVALID, t->key, "This message can only be sent by e-mail: it helps you sign in.");
    return LE_OK;
}

lerr notify_preferences_save(struct db *db, int64_t user_id, const char *const *types, const char *const *channels,
                             size_t n, struct problem *p)
{
    for (size_t i = 0; i < n; i++) {
        lerr e = check_choice(types[i], channels[i], p);
        if (e) return e;
    }
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = LE_OK;
    for (size_t i = 0; i < n && !e; i++)
        if (db_run(db,
                   "INSERT INTO notification_preferences (user_id, type, channel) VALUES (?1, ?2, ?3) ON CONFLICT "
                   "(user_id, type) DO UPDATE SET channel = excluded.channel",
                   "iss", user_id, types[i], channels[i]))
            e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

static void fill(struct db_stmt *st, struct arena *a, struct notification *n)
{
    n->id = db_col_int(st, 0);
    n->type = model_col_str(a, st, 1);
    n->channel = model_col_str(a, st, 2);
    n->data = model_col_str(a, st, 3);
    n->created_at = db_col_int(st, 4);
    n->read_at = db_col_is_null(st, 5) ? 0 : db_col_int(st, 5);
}

lerr notifications_list(struct db *db, struct arena *a, int64_t user_id, int64_t before_id, int limit,
                        struct notification **out, int *n_out, int64_t *older)
{
    if (limit < 1 || limit > NOTIFICATIONS_PAGE_MAX) limit = 20;
    *out = arena_alloc(a, (size_t)limit * sizeof **out);
    *n_out = 0;
    *older = 0;
    /* One more than asked says whether there is an older page. */
    struct db_stmt *st = db_query(db,
                                  "SELECT id, type, channel, data, created_at, read_at FROM notifications WHERE "
                                  "user_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3",
                                  "iii", user_id, before_id > 0 ? before_id : INT64_MAX, (int64_t)limit + 1);
    if (!st) return LE_DB;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n_out == limit) {
            *older = (*out)[limit - 1].id;
            break;
        }
        fill(st, a, &(*out)[(*n_out)++]);
    }
    db_done(st);
    return rc < 0 ? LE_DB : LE_OK;
}

lerr notifications_unread(struct db *db, int64_t user_id, int64_t *n)
{
    *n = 0;
    return db_query_int(db, n, "SELECT count(*) FROM notifications WHERE user_id = ?1 AND read_at IS NULL", "i",
                        user_id);
}

lerr notifications_mark_read(struct db *db, int64_t user_id, int64_t id, int *changed, struct problem *p)
{
    *changed = 0;
    if (id) {
        int64_t mine = 0;
        if (db_query_int(db, &mine, "SELECT count(*) FROM notifications WHERE id = ?1 AND user_id = ?2", "ii", id,
                         user_id))
            return model_db_problem(p);
        if (!mine) return problem_set(p, LE_NOTFOUND, "id", "There is no such notification of yours.");
    }
    if (db_tx_begin(db)) return model_db_problem(p);
    struct db_stmt *st = db_query(db,
                                  "UPDATE notifications SET read_at = ?3 WHERE user_id = ?1 AND read_at IS NULL AND "
                                  "(?2 = 0 OR id = ?2) RETURNING id",
                                  "iii", user_id, id, time_now());
    int rc = st ? DB_DONE : DB_ERR;
    while (st && (rc = db_step(st)) == DB_ROW) (*changed)++;
    if (st) db_done(st);
    lerr e = rc < 0 ? model_db_problem(p) : LE_OK;
    /* The count the bell reads with the session; recounted, so it can never drift. */
    if (!e && *changed &&
        db_run(db,
               "UPDATE users SET notifications_unread = (SELECT count(*) FROM notifications WHERE user_id = ?1 AND "
               "read_at IS NULL) WHERE id = ?1",
               "i", user_id))
        e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (e) *changed = 0;
    return e;
}
