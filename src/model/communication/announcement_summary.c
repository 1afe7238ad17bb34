/* Whether any announcement can be showing now, known without a query on most requests: a
 * summary of the announcements not yet expired (the earliest publish time, the latest expiry)
 * kept in memory under the auth_version it was read with. Migration 0040's triggers give
 * auth_version a new value with every change to an announcement, on any node, and every
 * signed-in request reads it with its session, so a stale summary is noticed on the next
 * request. Expiry by the clock needs no write: the summary only says "maybe", and the real
 * query decides. */
#include <pthread.h>
#include "internal.h"

#define FOREVER INT64_MAX

static struct {
    pthread_mutex_t lock;
    bool set, any;
    int64_t version, earliest, latest; /* publish_at, expire_at (FOREVER = none) */
} summary = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool maybe(bool any, int64_t earliest, int64_t latest, int64_t now)
{
    return any && earliest <= now && now < latest;
}

bool announcements_may_be_live(struct db *db, int64_t version)
{
    if (!version) return true;
    int64_t now = time_now();
    pthread_mutex_lock(&summary.lock);
    bool known = summary.set && summary.version == version;
    bool answer = known && maybe(summary.any, summary.earliest, summary.latest, now);
    pthread_mutex_unlock(&summary.lock);
    if (known) return answer;
    struct db_stmt *st = db_query(db,
                                  "SELECT COUNT(*), COALESCE(MIN(publish_at), 0), MAX(CASE WHEN expire_at IS NULL THEN "
                                  "?2 ELSE expire_at END) FROM announcements WHERE expire_at IS NULL OR expire_at > ?1",
                                  "ii", now, (int64_t)FOREVER);
    if (!st || db_step(st) != DB_ROW) {
        if (st) db_done(st);
        return true;
    }
    bool any = db_col_int(st, 0) > 0;
    int64_t earliest = db_col_int(st, 1), latest = any ? db_col_int(st, 2) : 0;
    db_done(st);
    pthread_mutex_lock(&summary.lock);
    summary.set = true, summary.any = any, summary.version = version;
    summary.earliest = earliest, summary.latest = latest;
    pthread_mutex_unlock(&summary.lock);
    return maybe(any, earliest, latest, now);
}
