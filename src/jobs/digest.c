/* The daily digest (docs/notifications.md): once a day each person who chose the digest for a
 * notification type gets one e-mail listing what came for them the day before (UTC midnight to
 * midnight; the day before that too, when it is still owed). It runs from every node's idle workers once an hour (digest_sweep, called beside
 * the programmes' reminders by worker.c) and as the 'notifications.digest' job. Each person's
 * digest of a day is recorded in the transaction that queues it (notification_digest.c), so
 * runs on every node, twice or again after a crash send each person one. */
#include "jobs.h"
#include "../view/view.h"

#define DAY 86400
#define PEOPLE_BATCH 100

/* One person's digest of the day [from, from + DAY): the lines rendered here, where the
 * templates are. */
static lerr digest_one(struct db *db, struct arena *a, int64_t user_id, const char *day, int64_t from,
                       const char *site_name, const char *const *lines, bool *sent, struct problem *p)
{
    const struct notification_type *types;
    notification_types(&types);
    struct notification *list;
    int n;
    if (notify_digest_items(db, a, user_id, from, from + DAY, &list, &n))
        return problem_set(p, LE_DB, "", "cannot read the digest items: %s", db_errmsg(db));
    struct digest_item *items = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *items);
    for (int i = 0; i < n; i++) {
        const struct notification_type *t = notification_type_find(list[i].type);
        char *line = "", *link = "/";
        if (t) notification_render(a, lines[t - types], t->link, list[i].data, site_name, &line, &link);
        items[i] = (struct digest_item){line, link};
    }
    return notify_digest_send(db, a, user_id, day, items, n, sent, p);
}

/* The digests of the day from midnight `from`, a batch of people at a time. */
static lerr digest_day(struct db *db, struct arena *a, int64_t from, const char *site_name, const char *const *lines,
                       int *sent_out, struct problem *p)
{
    char day[21];
    time_iso8601(from, day);
    day[10] = '\0';
    for (;;) {
        int64_t *people;
        int n;
        if (notify_digest_people(db, a, day, from, from + DAY, PEOPLE_BATCH, &people, &n))
            return problem_set(p, LE_DB, "", "cannot read who has a digest: %s", db_errmsg(db));
        for (int i = 0; i < n; i++) {
            bool sent = false;
            lerr e = digest_one(db, a, people[i], day, from, site_name, lines, &sent, p);
            if (e) return e;
            *sent_out += sent;
        }
        if (n < PEOPLE_BATCH) return LE_OK;
    }
}

/* Yesterday's digests, and the day before's that are still owed (a day on which no worker ran
 * after midnight), oldest first. */
#define DAYS_OWED 2

lerr notification_digest_run(struct db *db, struct arena *a, int64_t now, int *sent_out, struct problem *p)
{
    *sent_out = 0;
    struct site_settings site;
    if (settings_get(db, a, &site)) return problem_set(p, LE_DB, "", "cannot read the settings: %s", db_errmsg(db));
    bool *text_own;
    const char **lines; /* the administrators' lines where they rewrote them */
    if (notification_overrides(db, a, &text_own, &lines))
        return problem_set(p, LE_DB, "", "cannot read the messages' texts: %s", db_errmsg(db));
    int64_t today = now - now % DAY;
    for (int back = DAYS_OWED; back >= 1; back--) {
        lerr e = digest_day(db, a, today - back * DAY, site.site_name, lines, sent_out, p);
        if (e) return e;
    }
    return LE_OK;
}

lerr job_notification_digest(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    (void)payload;
    int sent = 0;
    lerr e = notification_digest_run(r->db, r->arena, time_now(), &sent, p);
    if (!e) *result = json_pack("{s:i}", "sent", sent);
    return e;
}

void digest_sweep(struct db *db, const char *owner)
{
    struct arena *a = arena_new(4096);
    struct problem p = {0};
    int sent = 0;
    if (notification_digest_run(db, a, time_now(), &sent, &p))
        log_error("notifications: the daily digest on %s failed: %s", owner, p.message);
    else if (sent > 0)
        log_info("notifications: %d digest%s queued by %s", sent, sent == 1 ? "" : "s", owner);
    arena_free(a);
}
