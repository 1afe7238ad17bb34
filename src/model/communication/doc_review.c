/* The review reminders of process documents: when a page's review date comes, its owner is
 * emailed once. The scan takes "now" from its caller (the 'docs.review' job and the workers'
 * hourly sweep pass the clock's time; unit tests pass any time) and is safe on any node, twice
 * at once or again after a crash: each message is queued in the transaction that records the
 * key (page, review date) in doc_review_reminders, whose primary key refuses a second record.
 * The review date is in the key, so a page given a new date is reminded again when it comes. */
#include "doc_internal.h"

#define REVIEW_SCAN_MAX 500 /* pages looked at per scan; more wait for the next one */

/* The one place the review reminders send mail: tells the page's owner its review date has
 * come (nothing when they have no address). Inside the caller's transaction; a later
 * notification type replaces this body alone. */
static lerr doc_review_tell(struct db *db, struct arena *a, int64_t page_id, int64_t review_at, struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT u.id, u.email, u.username, u.first_name, d.slug, d.title FROM doc_pages d "
                                  "JOIN users u ON u.id = d.owner_id WHERE d.id = ?1",
                                  "i", page_id);
    if (!st) return model_db_problem(p);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return LE_OK;
    }
    char day[21];
    time_iso8601(review_at, day);
    day[10] = '\0';
    int64_t owner = db_col_int(st, 0);
    const char *email = model_col_str(a, st, 1);
    json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s}", "username", model_col_str(a, st, 2), "first_name",
                          model_col_str(a, st, 3), "slug", model_col_str(a, st, 4), "title", model_col_str(a, st, 5),
                          "review_on", day);
    db_done(st);
    lerr e = notify_send(db, DOC_REVIEW_TEMPLATE, owner, email, d, NULL, NULL, p);
    json_decref(d);
    return e;
}

/* Records the key and tells the owner in one transaction; *sent false when the key was there
 * already (another scan sent it). */
static lerr remind_once(struct db *db, struct arena *a, int64_t page_id, int64_t review_at, int64_t now, bool *sent,
                        struct problem *p)
{
    *sent = false;
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = db_run(db, "INSERT INTO doc_review_reminders (page_id, review_at, queued_at) VALUES (?1, ?2, ?3)", "iii",
                    page_id, review_at, now);
    if (e) {
        db_tx_end(db, e);
        return e == LE_DB ? model_db_problem(p) : LE_OK; /* a conflict: reminded already */
    }
    e = doc_review_tell(db, a, page_id, review_at, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    *sent = !e;
    return e;
}

lerr doc_review_scan(struct db *db, struct arena *a, int64_t now, int *sent_out, struct problem *p)
{
    *sent_out = 0;
    struct db_stmt *st = db_query(db,
                                  "SELECT d.id, d.review_at FROM doc_pages d WHERE d.review_at <= ?1 AND NOT EXISTS "
                                  "(SELECT 1 FROM doc_review_reminders r WHERE r.page_id = d.id AND r.review_at = "
                                  "d.review_at) ORDER BY d.review_at LIMIT ?2",
                                  "ii", now, (int64_t)REVIEW_SCAN_MAX);
    if (!st) return model_db_problem(p);
    int64_t ids[REVIEW_SCAN_MAX], days[REVIEW_SCAN_MAX];
    int n = 0;
    while (n < REVIEW_SCAN_MAX && db_step(st) == DB_ROW) ids[n] = db_col_int(st, 0), days[n++] = db_col_int(st, 1);
    db_done(st);
    for (int i = 0; i < n; i++) {
        bool sent = false;
        if (remind_once(db, a, ids[i], days[i], now, &sent, p)) return p->code;
        *sent_out += sent;
    }
    return LE_OK;
}
