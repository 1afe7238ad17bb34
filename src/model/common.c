/* Helpers shared by the model's files (internal.h). */
#include "internal.h"

lerr model_db_problem(struct problem *p)
{
    return problem_set(p, LE_DB, "",
                       "The database could not complete the change; nothing was saved. Try again, "
                       "and tell the administrator if it keeps happening.");
}

const char *model_col_str(struct arena *a, struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return arena_strdup(a, s ? s : "");
}

json_t *model_json_time(int64_t t)
{
    if (!t) return json_null();
    char s[21];
    time_iso8601(t, s);
    return json_string_nocheck(s); /* digits and punctuation only */
}
