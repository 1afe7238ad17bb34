/* The daily digest (docs/notifications.md): the notifications a person chose to receive as a
 * digest, gathered into one e-mail a day (type notification_digest). A digest is recorded in
 * notification_digests in the transaction that queues it, whose key (person, day) refuses a
 * second: a run twice, on two nodes or again after a crash sends each person one a day. The
 * lines are rendered by the caller (src/jobs/digest.c), which has the templates. */
#include "../internal.h"
#include "platform.h"

lerr notify_digest_people(struct db *db, struct arena *a, const char *day, int64_t from, int64_t to, int limit,
                          int64_t **out, int *n_out)
{
    *n_out = 0;
    *out = arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof **out);
    struct db_stmt *st = db_query(db,
                                  "SELECT DISTINCT n.user_id FROM notifications n WHERE n.channel = 'digest' AND "
                                  "n.created_at >= ?2 AND n.created_at < ?3 AND NOT EXISTS (SELECT 1 FROM "
                                  "notification_digests d WHERE d.user_id = n.user_id AND d.day = ?1) ORDER BY "
                                  "n.user_id LIMIT ?4",
                                  "siii", day, from, to, (int64_t)limit);
    if (!st) return LE_DB;
    int rc;
    while ((rc = db_step(st)) == DB_ROW && *n_out < limit) (*out)[(*n_out)++] = db_col_int(st, 0);
    db_done(st);
    return rc < 0 ? LE_DB : LE_OK;
}

#define DIGEST_ITEMS_MAX 200 /* a day's digest lists at most these; the rest are on the list page */

lerr notify_digest_items(struct db *db, struct arena *a, int64_t user_id, int64_t from, int64_t to,
                         struct notification **out, int *n_out)
{
    *n_out = 0;
    *out = arena_alloc(a, DIGEST_ITEMS_MAX * sizeof **out);
    struct db_stmt *st = db_query(db,
                                  "SELECT id, type, data, created_at FROM notifications WHERE user_id = ?1 AND "
                                  "channel = 'digest' AND created_at >= ?2 AND created_at < ?3 ORDER BY id LIMIT ?4",
                                  "iiii", user_id, from, to, (int64_t)DIGEST_ITEMS_MAX);
    if (!st) return LE_DB;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct notification *n = &(*out)[(*n_out)++];
        *n = (struct notification){.id = db_col_int(st, 0), .type = model_col_str(a, st, 1), .channel = "digest",
                                   .data = model_col_str(a, st, 2), .created_at = db_col_int(st, 3)};
    }
    db_done(st);
    return rc < 0 ? LE_DB : LE_OK;
}

/* The person's name and address for the digest's greeting; false when they have no address. */
static bool addressee(struct db *db, struct arena *a, int64_t user_id, json_t *data, const char **email)
{
    struct db_stmt *st = db_query(db, "SELECT email, username, first_name FROM users WHERE id = ?1", "i", user_id);
    bool ok = st && db_step(st) == DB_ROW;
    if (ok) {
        *email = model_col_str(a, st, 0);
        json_object_set_new(data, "username", json_string(model_col_str(a, st, 1)));
        json_object_set_new(data, "first_name", json_string(model_col_str(a, st, 2)));
        ok = **email != '\0';
    }
    if (st) db_done(st);
    return ok;
}

lerr notify_digest_send(struct db *db, struct arena *a, int64_t user_id, const char *day,
                        const struct digest_item *items, int n, bool *sent, struct problem *p)
{
    *sent = false;
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:s, s:s}", "line", items[i].line, "link", items[i].link));
    json_t *data = json_pack("{s:s, s:o, s:i}", "day", day, "items", list, "count", n);
    if (db_tx_begin(db)) {
        json_decref(data);
        return model_db_problem(p);
    }
    struct db_stmt *st = db_query(db,
                                  "INSERT INTO notification_digests (user_id, day, items, outbox_id, sent_at) VALUES "
                                  "(?1, ?2, ?3, 0, ?4) ON CONFLICT DO NOTHING RETURNING user_id",
                                  "isii", user_id, day, (int64_t)n, time_now());
    int rc = st ? db_step(st) : DB_DONE - 1;
    if (st) db_done(st);
    lerr e = rc < 0 ? model_db_problem(p) : LE_OK;
    const char *email = NULL;
    int64_t outbox_id = 0;
    /* Without an address the record still stands: nothing to send today. */
    if (!e && rc == DB_ROW && addressee(db, a, user_id, data, &email)) {
        e = notify_send(db, "notification_digest", user_id, email, data, NULL, &outbox_id, p);
        if (!e && db_run(db, "UPDATE notification_digests SET outbox_id = ?3 WHERE user_id = ?1 AND day = ?2", "isi",
                         user_id, day, outbox_id))
            e = model_db_problem(p);
        *sent = !e;
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (e) *sent = false;
    json_decref(data);
    return e;
}
