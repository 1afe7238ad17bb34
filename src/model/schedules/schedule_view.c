/* The administrators' schedule: who is due in each of the next weeks, who is overdue, whose
 * certification is expiring or has expired, for one programme, a department (with its
 * sub-departments) or a job role, in one query; and the choices of its filters in another. */
#include "internal.h"

#define WEEK (7 * 86400)

enum schedule_bucket schedule_bucket(int64_t due_at, int64_t completed_at, int64_t expires_at, int64_t now,
                                     int64_t week0, int weeks, int *week_out)
{
    *week_out = -1;
    /* A certified person is due again when the certification expires, whatever the first due date. */
    if (expires_at) {
        if (expires_at <= now) return BUCKET_EXPIRED;
        return expires_at < week0 + (int64_t)weeks * WEEK ? BUCKET_EXPIRING : BUCKET_NONE;
    }
    if (completed_at || !due_at) return BUCKET_NONE;
    if (due_at <= now) return BUCKET_OVERDUE;
    int64_t k = (due_at - week0) / WEEK;
    if (k >= weeks) return BUCKET_NONE;
    *week_out = (int)k;
    return BUCKET_WEEK;
}

/* Live assignments of active programmes due or expiring before ?4, filtered by programme (?1),
 * job role (?2) and department subtree (?3); soonest first. */
static const char *const schedule_sql =
    "WITH RECURSIVE sub(id) AS (SELECT id FROM departments WHERE id = ?3 UNION ALL SELECT d.id FROM departments d "
    "JOIN sub ON d.parent_id = sub.id) "
    "SELECT p.code, p.title, u.username, u.first_name || ' ' || u.last_name, COALESCE(d.name, ''), COALESCE(j.name, "
    "''), COALESCE(a.due_at, 0), COALESCE(a.completed_at, 0), COALESCE(a.expires_at, 0) FROM programme_assignments a "
    "JOIN programmes p ON p.id = a.programme_id AND p.status = 'active' JOIN users u ON u.id = a.user_id LEFT JOIN "
    "departments d ON d.id = u.department_id LEFT JOIN job_roles j ON j.id = u.job_role_id WHERE a.ended_at IS NULL "
    "AND (?1 = 0 OR a.programme_id = ?1) AND (?2 = 0 OR u.job_role_id = ?2) AND (?3 = 0 OR u.department_id IN "
    "(SELECT id FROM sub)) AND ((a.expires_at IS NOT NULL AND a.expires_at < ?4) OR (a.expires_at IS NULL AND "
    "a.completed_at IS NULL AND a.due_at IS NOT NULL AND a.due_at < ?4)) ORDER BY COALESCE(a.expires_at, a.due_at), "
    "p.code, u.username LIMIT ?5";

/* The start of now's day (UTC): week 1 is that day and the six after it. */
static int64_t day_start(int64_t now)
{
    return now - ((now % 86400) + 86400) % 86400;
}

static json_t *schedule_item(struct arena *a, struct db_stmt *st, enum schedule_bucket b)
{
    int64_t due = db_col_int(st, 6), expires = db_col_int(st, 8);
    static const char *const states[] = {[BUCKET_WEEK] = "due", [BUCKET_OVERDUE] = "overdue",
                                         [BUCKET_EXPIRING] = "expiring", [BUCKET_EXPIRED] = "expired"};
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?}", "code", db_col_text(st, 0), "title",
                     db_col_text(st, 1), "username", db_col_text(st, 2), "name", db_col_text(st, 3), "department",
                     db_col_text(st, 4), "job_role", db_col_text(st, 5), "state", states[b], "due",
                     schedules_date(a, due), "expires", schedules_date(a, expires));
}

json_t *schedule_json(struct db *db, struct arena *a, const struct schedule_filter *f, int64_t now)
{
    int weeks = f->weeks < 1 ? SCHEDULE_WEEKS_DEFAULT : f->weeks > SCHEDULE_WEEKS_MAX ? SCHEDULE_WEEKS_MAX : f->weeks;
    int64_t week0 = day_start(now), horizon = week0 + (int64_t)weeks * WEEK;
    json_t *week_list = json_array(), *overdue = json_array(), *expiring = json_array();
    for (int k = 0; k < weeks; k++)
        json_array_append_new(week_list, json_pack("{s:i, s:s, s:s, s:[]}", "week", k + 1, "from",
                                                   schedules_date(a, week0 + (int64_t)k * WEEK), "to",
                                                   schedules_date(a, week0 + (int64_t)(k + 1) * WEEK - 1), "items"));
    int max = f->max_rows > 0 ? f->max_rows : SCHEDULE_ROWS_MAX;
    struct db_stmt *st = db_query(db, schedule_sql, "iiiii", f->programme_id, f->job_role_id, f->department_id, horizon,
                                  (int64_t)max + 1);
    int n = 0, rc, k;
    while ((rc = db_step(st)) == DB_ROW && n < max) {
        enum schedule_bucket b =
            schedule_bucket(db_col_int(st, 6), db_col_int(st, 7), db_col_int(st, 8), now, week0, weeks, &k);
        if (b == BUCKET_NONE) continue;
        json_t *list = b == BUCKET_WEEK      ? json_object_get(json_array_get(week_list, (size_t)k), "items")
                       : b == BUCKET_OVERDUE ? overdue
                                             : expiring;
        json_array_append_new(list, schedule_item(a, st, b));
        n++;
    }
    bool more = rc == DB_ROW;
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) {
        json_decref(week_list);
        json_decref(overdue);
        json_decref(expiring);
        return NULL;
    }
    return json_pack("{s:i, s:s, s:o, s:o, s:o, s:b}", "weeks", weeks, "from", schedules_date(a, week0), "due",
                     week_list, "overdue", overdue, "expiring", expiring, "truncated", more);
}

json_t *schedule_choices(struct db *db, struct arena *a)
{
    /* One statement for the three filters: the page stays within its query budget. */
    struct db_stmt *st = db_query(db,
                                  "SELECT 'p', id, code, title, 0 FROM programmes WHERE status = 'active' UNION ALL "
                                  "SELECT 'd', id, '', name, COALESCE(parent_id, 0) FROM departments UNION ALL SELECT "
                                  "'j', id, '', name, 0 FROM job_roles ORDER BY 1, 4",
                                  "");
    json_t *programmes = json_array(), *departments = json_array(), *roles = json_array();
    while (db_step(st) == DB_ROW) {
        const char *kind = db_col_text(st, 0);
        if (*kind == 'p')
            json_array_append_new(programmes, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_int(st, 1), "code",
                                                        db_col_text(st, 2), "title", db_col_text(st, 3)));
        else
            json_array_append_new(*kind == 'd' ? departments : roles,
                                  json_pack("{s:I, s:s, s:I}", "id", (json_int_t)db_col_int(st, 1), "name",
                                            db_col_text(st, 3), "parent_id", (json_int_t)db_col_int(st, 4)));
    }
    db_done(st);
    (void)a;
    return json_pack("{s:o, s:o, s:o}", "programmes", programmes, "departments", departments, "job_roles", roles);
}
