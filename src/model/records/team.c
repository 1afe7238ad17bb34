/* The manager's team: everyone in their reporting line (direct reports, or the whole line
 * below them) with their training at a glance, in one query a page; and what waits for the
 * manager's decision, counted in one query. */
#include "internal.h"

/* ?1 the manager, ?2 1 = direct reports only, ?3 now, ?4 the expiry horizon, ?5 limit,
 * ?6 offset. depth counts the steps down the line; a chain is at most 64 long. */
static const char team_sql[] =
    "WITH RECURSIVE line(id, depth) AS (SELECT id, 1 FROM users WHERE manager_id = ?1 AND deleted_at IS NULL "
    "UNION ALL SELECT u.id, line.depth + 1 FROM users u JOIN line ON u.manager_id = line.id WHERE u.deleted_at IS "
    "NULL AND line.depth < 64) "
    "SELECT u.username, TRIM(u.first_name || ' ' || u.last_name), line.depth, COALESCE(m.username, ''), "
    "(SELECT COUNT(*) FROM enrolments e WHERE e.user_id = u.id AND e.role = 'learner' AND e.unenrolled_at IS NULL), "
    "(SELECT COUNT(*) FROM enrolments e WHERE e.user_id = u.id AND e.role = 'learner' AND e.unenrolled_at IS NULL "
    "AND e.completed_at IS NOT NULL), "
    "(SELECT COUNT(*) FROM enrolments e WHERE e.user_id = u.id AND e.role = 'learner' AND e.unenrolled_at IS NULL "
    "AND e.completed_at IS NULL AND e.due_at < ?3) + (SELECT COUNT(*) FROM programme_assignments pa WHERE "
    "pa.user_id = u.id AND pa.ended_at IS NULL AND pa.completed_at IS NULL AND pa.due_at < ?3), "
    "(SELECT MIN(ev.starts_at) FROM event_bookings b JOIN events ev ON ev.id = b.event_id WHERE b.user_id = u.id "
    "AND b.state = 'booked' AND ev.state = 'scheduled' AND ev.starts_at > ?3), "
    "(SELECT COUNT(*) FROM programme_assignments pa WHERE pa.user_id = u.id AND pa.ended_at IS NULL AND "
    "pa.expires_at IS NOT NULL AND pa.expires_at < ?3), "
    "(SELECT COUNT(*) FROM programme_assignments pa WHERE pa.user_id = u.id AND pa.ended_at IS NULL AND "
    "pa.expires_at IS NOT NULL AND pa.expires_at >= ?3 AND pa.expires_at < ?4), "
    "COUNT(*) OVER () "
    "FROM line JOIN users u ON u.id = line.id LEFT JOIN users m ON m.id = u.manager_id "
    "WHERE ?2 = 0 OR line.depth = 1 ORDER BY u.last_name, u.first_name, u.username LIMIT ?5 OFFSET ?6";

static json_t *member_json(struct arena *a, struct db_stmt *st)
{
    json_t *m = json_object();
    const char *username = model_col_str(a, st, 0), *name = model_col_str(a, st, 1);
    jset_str(m, "username", username);
    jset_str(m, "name", *name ? name : username);
    jset_int(m, "depth", db_col_int(st, 2));
    jset_str(m, "manager", model_col_str(a, st, 3));
    int64_t enrolled = db_col_int(st, 4), completed = db_col_int(st, 5);
    jset_int(m, "enrolled", enrolled);
    jset_int(m, "completed", completed);
    jset_int(m, "percent", enrolled ? (int)(completed * 100 / enrolled) : 0);
    jset_int(m, "overdue", db_col_int(st, 6));
    jset(m, "next_class", db_col_is_null(st, 7) ? json_null() : model_json_time(db_col_int(st, 7)));
    jset_int(m, "certifications_expired", db_col_int(st, 8));
    jset_int(m, "certifications_expiring", db_col_int(st, 9));
    return m;
}

json_t *team_json(struct db *db, struct arena *a, int64_t manager_id, bool direct_only, int page, int per_page,
                  int *total_out)
{
    *total_out = 0;
    int64_t now = time_now();
    struct db_stmt *st = db_query(db, team_sql, "iiiiii", manager_id, (int64_t)direct_only, now,
                                  now + (int64_t)TEAM_EXPIRING_DAYS * 86400, (int64_t)per_page,
                                  (int64_t)(page - 1) * per_page);
    json_t *list = json_array();
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        *total_out = (int)db_col_int(st, 10);
        json_array_append_new(list, member_json(a, st));
    }
    db_done(st);
    if (rc != DB_DONE) {
        json_decref(list);
        return NULL;
    }
    return list;
}

json_t *team_waiting_json(struct db *db, int64_t manager_id)
{
    /* Bookings and enrolment requests as their own queues count them: bookings of direct
     * reports, enrolment requests and external training of anyone down the line. */
    struct db_stmt *st = db_query(
        db,
        "WITH RECURSIVE line(id) AS (SELECT id FROM users WHERE manager_id = ?1 UNION SELECT u.id FROM users u "
        "JOIN line ON u.manager_id = line.id) SELECT "
        "(SELECT COUNT(*) FROM event_bookings b JOIN users u ON u.id = b.user_id WHERE b.state = "
        "'awaiting_approval' AND u.manager_id = ?1), "
        "(SELECT COUNT(*) FROM enrolment_requests r WHERE r.status = 'pending' AND r.user_id IN (SELECT id FROM line)), "
        "(SELECT COUNT(*) FROM external_training t WHERE t.state = 'pending' AND t.user_id IN (SELECT id FROM line))",
        "i", manager_id);
    json_t *w = NULL;
    if (db_step(st) == DB_ROW) {
        int64_t bookings = db_col_int(st, 0), requests = db_col_int(st, 1), external = db_col_int(st, 2);
        w = json_pack("{s:I, s:I, s:I, s:I}", "bookings", (json_int_t)bookings, "enrolment_requests",
                      (json_int_t)requests, "external_training", (json_int_t)external, "total",
                      (json_int_t)(bookings + requests + external));
    }
    db_done(st);
    return w;
}
