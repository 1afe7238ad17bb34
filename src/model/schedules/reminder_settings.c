/* Each programme's reminder settings (docs/schedules.md): the days before the due date a
 * reminder goes out, whether an overdue notice does, after how many days overdue the line
 * manager is told, and the days before a certification's expiry it warns. The scan (reminder.c) reads them from the programme's row. */
#include <stdio.h>
#include "internal.h"

/* "14,7,1" for the days, largest first. */
static const char *days_text(struct arena *a, const int *days, int n)
{
    char *s = arena_alloc(a, (size_t)n * 5 + 1);
    size_t len = 0;
    s[0] = '\0';
    for (int i = 0; i < n; i++) len += (size_t)sprintf(s + len, "%s%d", i ? "," : "", days[i]);
    return s;
}

lerr programme_reminders_update(struct db *db, struct arena *a, int64_t id, const struct programme_reminders *in,
                                int64_t actor_id, struct problem *p)
{
    int days[REMINDER_BEFORE_MAX];
    int n = reminder_days_parse(in->before, days, REMINDER_BEFORE_MAX);
    if (n < 0)
        return problem_set(p, LE_INVALID, "remind_before",
                           "Give the days before the due date as up to %d different numbers from 1 to %d, separated "
                           "by commas (such as 14, 7, 1), or leave it empty for none.",
                           REMINDER_BEFORE_MAX, REMINDER_DAYS_LIMIT);
    int expiry_days[REMINDER_BEFORE_MAX];
    int n_expiry = reminder_days_parse(in->expiry ? in->expiry : "60,30", expiry_days, REMINDER_BEFORE_MAX);
    if (n_expiry < 0)
        return problem_set(p, LE_INVALID, "remind_expiry",
                           "Give the days before a certification expires as up to %d different numbers from 1 to %d, "
                           "separated by commas (such as 60, 30), or leave it empty for no warning.",
                           REMINDER_BEFORE_MAX, REMINDER_DAYS_LIMIT);
    if (in->escalate_days < 0 || in->escalate_days > REMINDER_DAYS_LIMIT)
        return problem_set(p, LE_INVALID, "escalate_days",
                           "Give the days overdue before the line manager is told as 0 (never) to %d.",
                           REMINDER_DAYS_LIMIT);
    const char *before = days_text(a, days, n);
    const char *expiry = days_text(a, expiry_days, n_expiry);
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = LE_OK;
    struct db_stmt *st = db_query(db,
                                  "UPDATE programmes SET remind_before = ?2, remind_overdue = ?3, escalate_days = ?4, "
                                  "updated_at = ?5, remind_expiry = ?6 WHERE id = ?1 RETURNING code",
                                  "isiiis", id, before, (int64_t)(in->overdue ? 1 : 0), (int64_t)in->escalate_days,
                                  time_now(), expiry);
    const char *code = st && db_step(st) == DB_ROW ? arena_strdup(a, db_col_text(st, 0)) : NULL;
    if (st) db_done(st);
    if (!st) e = model_db_problem(p);
    else if (!code) e = problem_set(p, LE_NOTFOUND, "code", "This programme no longer exists.");
    if (!e)
        e = schedules_audit(db, a, actor_id, "programme.reminders", code,
                            json_pack("{s:s, s:b, s:i, s:s}", "remind_before", before, "overdue", in->overdue,
                                      "escalate_days", in->escalate_days, "remind_expiry", expiry),
                            p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

json_t *programme_reminders_json(struct db *db, int64_t id)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT remind_before, remind_overdue, escalate_days, remind_expiry FROM programmes "
                                  "WHERE id = ?1",
                                  "i", id);
    if (!st || db_step(st) != DB_ROW) {
        if (st) db_done(st);
        return NULL;
    }
    int days[REMINDER_BEFORE_MAX];
    int n = reminder_days_parse(db_col_text(st, 0), days, REMINDER_BEFORE_MAX);
    json_t *before = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(before, json_integer(days[i]));
    json_t *j = json_pack("{s:o, s:s, s:b, s:I}", "before_days", before, "before", db_col_text(st, 0), "overdue",
                          db_col_int(st, 1) != 0, "escalate_days", (json_int_t)db_col_int(st, 2));
    n = reminder_days_parse(db_col_text(st, 3), days, REMINDER_BEFORE_MAX);
    json_t *expiry = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(expiry, json_integer(days[i]));
    json_object_set_new(j, "expiry_days", expiry);
    json_object_set_new(j, "expiry", json_string(db_col_text(st, 3)));
    db_done(st);
    return j;
}
