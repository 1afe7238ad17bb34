/* Emailing an announcement to its audience: a batch at a time through the job queue (the
 * 'announcement.email' job runs one batch and queues the next), each person's message queued
 * in the transaction that records it in announcement_emails, whose key refuses a second
 * record: a job that runs twice, on two nodes or again after a crash emails nobody twice. */
#include "internal.h"

struct recipient {
    int64_t user_id;
    const char *email, *username, *first_name;
    const char *chosen; /* their choice for announcements (notification centre), NULL = none */
};

/* Records the person's email, then queues it, in one transaction; false in *sent when the
 * record was there already. */
static lerr email_once(struct db *db, int64_t id, const struct recipient *r, json_t *data, bool *sent,
                       struct problem *p)
{
    *sent = false;
    if (db_tx_begin(db)) return model_db_problem(p);
    int64_t now = time_now(), outbox_id = 0;
    struct db_stmt *st = db_query(db,
                                  "INSERT INTO announcement_emails (announcement_id, user_id, outbox_id, queued_at) "
                                  "VALUES (?1, ?2, 0, ?3) ON CONFLICT DO NOTHING RETURNING user_id",
                                  "iii", id, r->user_id, now);
    int rc = st ? db_step(st) : DB_DONE - 1;
    if (st) db_done(st);
    lerr e = rc < 0 ? model_db_problem(p) : LE_OK;
    if (!e && rc == DB_ROW) {
        json_object_set_new(data, "first_name", json_string(r->first_name));
        json_object_set_new(data, "username", json_string(r->username));
        e = notify_send_chosen(db, "announcement", r->user_id, r->email, r->chosen, data, &outbox_id, p);
        if (!e && db_run(db, "UPDATE announcement_emails SET outbox_id = ?3 WHERE announcement_id = ?1 AND user_id = ?2",
                         "iii", id, r->user_id, outbox_id))
            e = model_db_problem(p);
        *sent = !e;
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (e) *sent = false;
    return e;
}

/* The message's fields: the title, the text as written and the link to the archive. */
static json_t *message_data(struct db *db, struct arena *a, int64_t id, bool *live)
{
    struct db_stmt *st = db_query(db, "SELECT title, body, publish_at, expire_at FROM announcements WHERE id = ?1", "i", id);
    json_t *d = NULL;
    if (st && db_step(st) == DB_ROW) {
        *live = announcement_live(db_col_int(st, 2), db_col_int(st, 3), time_now());
        const char *base = mail_base_url(db, a);
        d = json_pack("{s:s, s:s, s:s}", "title", db_col_text(st, 0), "body", db_col_text(st, 1), "link",
                      arena_sprintf(a, "%s/announcements", base ? base : ""));
    }
    if (st) db_done(st);
    return d;
}

lerr announcement_email_batch(struct db *db, struct arena *a, int64_t id, int batch, int *queued_out, bool *more,
                              struct problem *p)
{
    *queued_out = 0;
    *more = false;
    bool live = false;
    json_t *data = message_data(db, a, id, &live);
    if (!data) return problem_set(p, LE_NOTFOUND, "announcement_id", "There is no such announcement.");
    if (!live) {
        json_decref(data);
        return LE_OK;
    }
    if (batch < 1) batch = ANNOUNCEMENT_EMAIL_BATCH;
    struct recipient *list = arena_alloc(a, (size_t)batch * sizeof *list);
    int n = 0;
    struct db_stmt *st = db_query(db,
                                  ANNOUNCEMENT_REACH "SELECT u.id, u.email, u.username, u.first_name, np.channel FROM reach r "
                                  "JOIN users u ON u.id = r.user_id LEFT JOIN notification_preferences np ON np.user_id = "
                                  "u.id AND np.type = 'announcement' WHERE u.email <> '' AND NOT EXISTS (SELECT 1 FROM "
                                  "announcement_emails m WHERE m.announcement_id = ?1 AND m.user_id = u.id) ORDER BY "
                                  "u.id LIMIT ?2",
                                  "ii", id, (int64_t)batch + 1);
    while (st && db_step(st) == DB_ROW) {
        if (n == batch) {
            *more = true;
            break;
        }
        list[n++] = (struct recipient){db_col_int(st, 0), model_col_str(a, st, 1), model_col_str(a, st, 2),
                                       model_col_str(a, st, 3),
                                       db_col_is_null(st, 4) ? NULL : model_col_str(a, st, 4)};
    }
    if (st) db_done(st);
    lerr e = st ? LE_OK : model_db_problem(p);
    for (int i = 0; !e && i < n; i++) {
        bool sent;
        e = email_once(db, id, &list[i], data, &sent, p);
        *queued_out += sent;
    }
    json_decref(data);
    return e;
}
