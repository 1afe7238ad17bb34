/* Maintenance windows: when the site is down or reads only, scheduled ahead so that people are
 * told (the banner, the notices) and what the window overlaps can be moved first. Windows never
 * overlap one another, so "the window now" is always one. */
#include <string.h>
#include "internal.h"

#define WINDOW_COLS "id, starts_at, ends_at, message, affected, read_only"

static json_t *window_row_json(struct db_stmt *st)
{
    json_t *w = json_object();
    jset_int(w, "id", db_col_int(st, 0));
    jset(w, "starts_at", model_json_time(db_col_int(st, 1)));
    jset(w, "ends_at", model_json_time(db_col_int(st, 2)));
    jset_str(w, "message", db_col_text(st, 3) ? db_col_text(st, 3) : "");
    jset_str(w, "affected", db_col_text(st, 4) ? db_col_text(st, 4) : "");
    jset_bool(w, "read_only", db_col_int(st, 5) != 0);
    return w;
}

json_t *maintenance_json(struct db *db, int64_t id, struct problem *p)
{
    struct db_stmt *st = db_query(db, "SELECT " WINDOW_COLS " FROM maintenance_windows WHERE id = ?1", "i", id);
    if (!st) {
        model_db_problem(p);
        return NULL;
    }
    json_t *w = db_step(st) == DB_ROW ? window_row_json(st) : NULL;
    db_done(st);
    if (!w) problem_set(p, LE_NOTFOUND, "id", "There is no maintenance window %lld; choose one from the list.", (long long)id);
    return w;
}

json_t *maintenance_list_json(struct db *db)
{
    json_t *list = json_array();
    struct db_stmt *st = db_query(db,
                                  "SELECT " WINDOW_COLS " FROM maintenance_windows WHERE ends_at > ?1 - 30 * 86400 "
                                  "ORDER BY starts_at LIMIT 100",
                                  "i", time_now());
    if (!st) return list;
    while (db_step(st) == DB_ROW) json_array_append_new(list, window_row_json(st));
    db_done(st);
    return list;
}

lerr maintenance_check_times(struct db *db, int64_t starts_at, int64_t ends_at, int64_t except_id, struct problem *p)
{
    if (ends_at <= starts_at)
        return problem_set(p, LE_INVALID, "ends_at", "The window must end after it starts; give an end later than the start.");
    struct db_stmt *st = db_query(db,
                                  "SELECT id, starts_at, ends_at FROM maintenance_windows WHERE starts_at < ?2 AND "
                                  "ends_at > ?1 AND id <> ?3 ORDER BY starts_at LIMIT 1",
                                  "iii", starts_at, ends_at, except_id);
    if (!st) return model_db_problem(p);
    lerr e = LE_OK;
    if (db_step(st) == DB_ROW) {
        char from[21], to[21];
        time_iso8601(db_col_int(st, 1), from);
        time_iso8601(db_col_int(st, 2), to);
        e = problem_set(p, LE_CONFLICT, "starts_at",
                        "This window overlaps the maintenance window from %s to %s (UTC); choose times outside it, "
                        "or change that window.", from, to);
    }
    db_done(st);
    return e;
}

static lerr window_check_text(const struct maintenance_input *in, struct arena *a, struct problem *p)
{
    const char *msg = in->message ? arena_trim(a, in->message) : "";
    if (!*msg) return problem_set(p, LE_INVALID, "message", "Say what the maintenance is, such as \"Upgrading Lectern\".");
    if (strlen(msg) > MAINTENANCE_TEXT_MAX)
        return problem_set(p, LE_INVALID, "message", "Write the message in at most %d characters.", MAINTENANCE_TEXT_MAX);
    if (in->affected && strlen(in->affected) > MAINTENANCE_TEXT_MAX)
        return problem_set(p, LE_INVALID, "affected", "Say what is affected in at most %d characters.", MAINTENANCE_TEXT_MAX);
    return LE_OK;
}

static lerr window_parse_time(const char *text, const struct tz *zone, const char *field, int64_t *out,
                              struct problem *p)
{
    if (!text || !*text) return problem_set(p, LE_INVALID, field, "Give the %s time of the window.", str_eq(field, "starts_at") ? "start" : "end");
    if (!planning_parse_time(text, zone, out))
        return problem_set(p, LE_INVALID, field, "Give the time as a date and time, such as 2027-03-28T09:30.");
    return LE_OK;
}

lerr maintenance_create(struct db *db, struct arena *a, const struct maintenance_input *in, const struct tz *zone,
                        int64_t actor_id, int64_t *id_out, struct problem *p)
{
    int64_t starts_at = 0, ends_at = 0;
    lerr e = window_parse_time(in->starts_at, zone, "starts_at", &starts_at, p);
    if (!e) e = window_parse_time(in->ends_at, zone, "ends_at", &ends_at, p);
    if (!e) e = window_check_text(in, a, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    e = maintenance_check_times(db, starts_at, ends_at, 0, p);
    if (!e) {
        struct db_stmt *st = db_query(db,
                                      "INSERT INTO maintenance_windows (starts_at, ends_at, message, affected, read_only, "
                                      "created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                                      "iissiii", starts_at, ends_at, arena_trim(a, in->message),
                                      in->affected ? arena_trim(a, in->affected) : "", (int64_t)in->read_only, actor_id,
                                      time_now());
        e = st ? bulk_step_id(st, id_out) : LE_DB;
        if (e) e = model_db_problem(p);
    }
    if (!e && audit_append(db, actor_id, "maintenance.create", arena_sprintf(a, "maintenance:%lld", (long long)*id_out),
                           NULL))
        e = model_db_problem(p);
    if (!e) {
        json_t *payload = json_pack("{s:I}", "window_id", (json_int_t)*id_out);
        e = job_enqueue(db, MAINTENANCE_NOTICE_JOB, payload, 0, 0, NULL, p);
        json_decref(payload);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e) maintenance_state_changed();
    return e;
}

lerr maintenance_delete(struct db *db, struct arena *a, int64_t id, int64_t actor_id, struct problem *p)
{
    json_t *w = maintenance_json(db, id, p);
    if (!w) return p->code;
    json_decref(w);
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = db_run(db, "DELETE FROM maintenance_notices WHERE window_id = ?1", "i", id);
    if (!e) e = db_run(db, "DELETE FROM maintenance_windows WHERE id = ?1", "i", id);
    if (!e) e = audit_append(db, actor_id, "maintenance.delete", arena_sprintf(a, "maintenance:%lld", (long long)id), NULL);
    if (e) e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e) maintenance_state_changed();
    return e;
}
