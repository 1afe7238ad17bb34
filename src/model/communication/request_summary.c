/* Whether any open request may be overdue, known without a query on most dashboards: the
 * earliest day an open request is needed by, kept in memory under the
 * auth_version.shown_version it was read with. Migration 0044's triggers give shown_version a
 * new value with every change to a request (as 0038's do for announcements), and every
 * signed-in request reads it with its session, so every node notices a change on its next
 * request. The passing of the day needs no write: the summary says "maybe", and the count
 * decides. So the administrators' dashboard runs its count only while something is overdue. */
#include <pthread.h>
#include "request_internal.h"

#define DAY 86400

static struct {
    pthread_mutex_t lock;
    bool set;
    int64_t version;
    bool any;          /* an open request exists */
    int64_t earliest;  /* the earliest needed_by among them */
} summary = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool maybe(bool any, int64_t earliest, int64_t now)
{
    return any && earliest + DAY <= now;
}

void admin_requests_summary_warm(struct db *db)
{
    int64_t version = 0;
    if (db_query_int(db, &version, "SELECT shown_version FROM auth_version WHERE id = 1", "") == LE_OK)
        admin_requests_may_be_overdue(db, version, time_now());
}

bool admin_requests_may_be_overdue(struct db *db, int64_t version, int64_t now)
{
    if (!version) return true;
    pthread_mutex_lock(&summary.lock);
    bool known = summary.set && summary.version == version;
    bool answer = known && maybe(summary.any, summary.earliest, now);
    pthread_mutex_unlock(&summary.lock);
    if (known) return answer;
    struct db_stmt *st = db_query(db,
                                  "SELECT COUNT(*), COALESCE(MIN(needed_by), 0) FROM admin_requests WHERE state IN "
                                  "('new', 'in_progress')",
                                  "");
    if (!st) return true;
    bool ok = db_step(st) == DB_ROW, any = ok && db_col_int(st, 0) > 0;
    int64_t earliest = ok ? db_col_int(st, 1) : 0;
    db_done(st);
    if (!ok) return true;
    pthread_mutex_lock(&summary.lock);
    summary.set = true, summary.version = version, summary.any = any, summary.earliest = earliest;
    pthread_mutex_unlock(&summary.lock);
    return maybe(any, earliest, now);
}
