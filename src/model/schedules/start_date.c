/* Due dates counted from the person's start date (users.start_date, docs/schedules.md): a
 * programme due "N days after the start date" gives each assignment its date when the person
 * is assigned, or, for someone whose start date is not known yet, when it is entered (the
 * people domain tells its listeners, and programme_rules_sync comes here). A start date
 * changed later leaves dates already given, as a changed programme rule does. */
#include <stdlib.h>
#include "internal.h"

lerr due_start_check(const struct programme_input *in, struct problem *p)
{
    if (in->due_start_days < 0) return LE_OK;
    if (in->due_start_days > 3650)
        return problem_set(p, LE_INVALID, "due_start_days", "Give the days after the start date as 1 to 3650.");
    if (in->due_start_days > 0 && (in->due_days > 0 || (in->due_date && *in->due_date)))
        return problem_set(p, LE_INVALID, "due_start_days",
                           "Choose one due date rule: a date, days after assignment or days after the start date.");
    return LE_OK;
}

lerr due_start_write(struct db *db, int64_t programme_id, const struct programme_input *in, struct problem *p)
{
    bool other = in->due_days > 0 || (in->due_date && *in->due_date);
    if (in->due_start_days < 0 && !other) return LE_OK;
    int64_t days = in->due_start_days > 0 ? in->due_start_days : 0;
    if (db_run(db,
               "UPDATE programmes SET due_start_days = NULLIF(CAST(?2 AS BIGINT), 0), due_days = CASE WHEN ?2 > 0 THEN "
               "NULL ELSE due_days END, due_at = CASE WHEN ?2 > 0 THEN NULL ELSE due_at END WHERE id = ?1",
               "ii", programme_id, days))
        return model_db_problem(p);
    return LE_OK;
}

#define FROM_START_MAX 1000

lerr assignments_due_from_start(struct db *db, int64_t programme_id, int64_t user_id, struct problem *p)
{
    struct db_stmt *st = db_query(
        db,
        "SELECT a.id, u.start_date, x.due_start_days FROM programme_assignments a JOIN programmes x ON x.id = "
        "a.programme_id JOIN users u ON u.id = a.user_id WHERE a.due_at IS NULL AND a.completed_at IS NULL AND "
        "a.ended_at IS NULL AND x.due_start_days IS NOT NULL AND u.start_date IS NOT NULL AND (?1 = 0 OR "
        "a.programme_id = ?1) AND (?2 = 0 OR a.user_id = ?2) ORDER BY a.id LIMIT ?3",
        "iii", programme_id, user_id, (int64_t)FROM_START_MAX);
    if (!st) return model_db_problem(p);
    int64_t (*due)[2] = calloc(FROM_START_MAX, sizeof *due);
    int n = 0;
    while (due && n < FROM_START_MAX && db_step(st) == DB_ROW) {
        int64_t start;
        if (!course_parse_date(db_col_text(st, 1), &start)) continue;
        due[n][0] = db_col_int(st, 0);
        due[n++][1] = start + db_col_int(st, 2) * 86400;
    }
    db_done(st);
    lerr e = due ? LE_OK : problem_set(p, LE_NOMEM, "", "out of memory");
    for (int i = 0; !e && i < n; i++)
        if (db_run(db, "UPDATE programme_assignments SET due_at = ?2 WHERE id = ?1", "ii", due[i][0], due[i][1]))
            e = model_db_problem(p);
    free(due);
    return e;
}
