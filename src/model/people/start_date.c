/* The day a person started (users.start_date, YYYY-MM-DD; docs/people.md): set by an
 * administrator on the person's page, through the API or a bulk upload's start_date column,
 * and read by the domains above (a programme may fall due N days after it). A date, not a
 * moment: no time zone applies. */
#include "internal.h"

lerr user_start_date_check(struct arena *a, const char *in, const char **out, struct problem *p)
{
    char *v = arena_trim(a, in ? in : "");
    *out = v;
    if (!*v || org_date_valid(v)) return LE_OK;
    return problem_set(p, LE_INVALID, "start_date", "Give the start date as YYYY-MM-DD, such as 2024-09-02, or leave it empty.");
}

const char *user_start_date(struct db *db, struct arena *a, int64_t user_id)
{
    struct db_stmt *st = db_query(db, "SELECT COALESCE(start_date, '') FROM users WHERE id = ?1", "i", user_id);
    const char *v = st && db_step(st) == DB_ROW ? model_col_str(a, st, 0) : "";
    if (st) db_done(st);
    return v;
}

lerr user_start_date_write(struct db *db, struct arena *a, int64_t user_id, const char *date, json_t *changes,
                           bool *changed, struct problem *p)
{
    const char *was = user_start_date(db, a, user_id);
    *changed = !str_eq(was, date);
    if (!*changed) return LE_OK;
    if (db_run(db, "UPDATE users SET start_date = NULLIF(?2, '') WHERE id = ?1", "is", user_id, date))
        return model_db_problem(p);
    json_object_set_new(changes, "start_date", json_pack("{s:s, s:s}", "from", was, "to", date));
    return LE_OK;
}
