/* The day a person started (users.start_date, YYYY-MM-DD; docs/people.md): set by an
 * administrator on the person's page, through the API or a bulk upload's start_date column,
 * and read by the domains above (a programme may fall due N days after it). A date, not a
 * moment: no time zone applies. */
#include <stdlib.h>
#include <string.h>
#include "../internal.h"
#include "people.h"

/* A real calendar date as YYYY-MM-DD. */
static bool real_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
    return d <= days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

lerr user_start_date_check(struct arena *a, const char *in, const char **out, struct problem *p)
{
    char *v = arena_trim(a, in ? in : "");
    *out = v;
    if (!*v || real_date(v)) return LE_OK;
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
