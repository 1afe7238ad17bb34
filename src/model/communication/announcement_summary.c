/* Whether any announcement can be showing now, known without a query on most requests: a
 * summary of the announcements not yet expired (the earliest publish time, the latest expiry;
 * the same of the urgent ones) kept in memory under the auth_version.shown_version it was read
 * with. Migration 0038's triggers give shown_version a new value with every change to an
 * announcement, on any node, and every signed-in request reads it with its session, so a stale
 * summary is noticed on the next request. Expiry by the clock needs no write: the summary only
 * says "maybe", and the real query decides. serve reads it once at start
 * (announcements_summary_warm), so the first pages cost nothing more either. */
#include <pthread.h>
#include "internal.h"

#define FOREVER INT64_MAX

/* Of all announcements not yet expired, and of the urgent ones among them. */
struct span {
    bool any;
    int64_t earliest, latest; /* publish_at, expire_at (FOREVER = none) */
};

static struct {
    pthread_mutex_t lock;
    bool set;
    int64_t version;
    struct span all, urgent;
} summary = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool maybe(const struct span *s, int64_t now)
{
    return s->any && s->earliest <= now && now < s->latest;
}

/* Reads the spans: false when the database could not answer. */
static bool read_spans(struct db *db, int64_t now, struct span *all, struct span *urgent)
{
    struct db_stmt *st = db_query(
        db,
        "SELECT COUNT(*), COALESCE(MIN(publish_at), 0), MAX(CASE WHEN expire_at IS NULL THEN ?2 ELSE expire_at END), "
        "SUM(CASE WHEN importance = 'urgent' THEN 1 ELSE 0 END), COALESCE(MIN(CASE WHEN importance = 'urgent' THEN "
        "publish_at END), 0), MAX(CASE WHEN importance <> 'urgent' THEN 0 WHEN expire_at IS NULL THEN ?2 ELSE "
        "expire_at END) FROM announcements WHERE expire_at IS NULL OR expire_at > ?1",
        "ii", now, (int64_t)FOREVER);
    bool ok = st && db_step(st) == DB_ROW;
    if (ok) {
        *all = (struct span){db_col_int(st, 0) > 0, db_col_int(st, 1), db_col_int(st, 2)};
        *urgent = (struct span){db_col_int(st, 3) > 0, db_col_int(st, 4), db_col_int(st, 5)};
    }
    if (st) db_done(st);
    return ok;
}

void announcements_summary_warm(struct db *db)
{
    int64_t version = 0;
    if (db_query_int(db, &version, "SELECT shown_version FROM auth_version WHERE id = 1", "") == LE_OK)
        announcements_may_be_live(db, version, false);
}

bool announcements_may_be_live(struct db *db, int64_t version, bool urgent)
{
    if (!version) return true;
    int64_t now = time_now();
    pthread_mutex_lock(&summary.lock);
    bool known = summary.set && summary.version == version;
    bool answer = known && maybe(urgent ? &summary.urgent : &summary.all, now);
    pthread_mutex_unlock(&summary.lock);
    if (known) return answer;
    struct span all, hot;
    if (!read_spans(db, now, &all, &hot)) return true;
    pthread_mutex_lock(&summary.lock);
    summary.set = true, summary.version = version, summary.all = all, summary.urgent = hot;
    pthread_mutex_unlock(&summary.lock);
    return maybe(urgent ? &hot : &all, now);
}
