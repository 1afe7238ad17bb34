/* Counts the model contributes to /metrics. Read on a scrape, never on a page. */
#include <string.h>
#include "platform.h"

lerr stats_jobs(struct db *db, int64_t *queued, int64_t *running, int64_t *failed)
{
    *queued = *running = *failed = 0;
    /* The jobs table comes with migration 0002; an older schema simply has no queue. */
    if (!db_table_exists(db, "jobs")) return LE_NOTFOUND;
    struct db_stmt *st = db_query(db,
                                  "SELECT state, COUNT(*) FROM jobs WHERE state IN "
                                  "('queued', 'running', 'failed') GROUP BY state",
                                  "");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *state = db_col_text(st, 0);
        int64_t n = db_col_int(st, 1);
        if (!state) continue;
        if (strcmp(state, "queued") == 0) *queued = n;
        else if (strcmp(state, "running") == 0) *running = n;
        else if (strcmp(state, "failed") == 0) *failed = n;
    }
    db_done(st);
    return rc == DB_DONE ? LE_OK : LE_DB;
}
