/* A user's recent sign-in attempts, for the administrator's support page. */
#include "people.h"

json_t *signin_history(struct db *db, int64_t user_id, int n)
{
    json_t *items = json_array();
    struct db_stmt *st = db_query(db,
                                  "SELECT at, ip, user_agent, success, reason FROM signin_attempts "
                                  "WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2",
                                  "ii", user_id, (int64_t)n);
    if (!st) return items;
    while (db_step(st) == DB_ROW) {
        char at[21];
        time_iso8601(db_col_int(st, 0), at);
        json_array_append_new(items, json_pack("{s:s, s:s?, s:s?, s:b, s:s}", "at", at, "ip", db_col_text(st, 1),
                                               "user_agent", db_col_text(st, 2), "success",
                                               (int)db_col_int(st, 3), "reason", db_col_text(st, 4)));
    }
    db_done(st);
    return items;
}
