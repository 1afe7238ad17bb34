/* The register of rooms: where events take place, on a site or online (a meeting address).
 * A room is archived rather than deleted while any event names it. */
#include <string.h>
#include "internal.h"

#define ROOM_COLS "id, name, site, address, capacity, resources, notes, meeting_url, archived, dial_in"

static json_t *room_row_json(struct db_stmt *st)
{
    const char *cols[] = {"name", "site", "address"};
    json_t *r = json_pack("{s:I}", "id", (json_int_t)db_col_int(st, 0));
    for (int i = 0; i < 3; i++) json_object_set_new(r, cols[i], json_string(db_col_text(st, 1 + i) ? db_col_text(st, 1 + i) : ""));
    json_object_set_new(r, "capacity", json_integer(db_col_int(st, 4)));
    const char *more[] = {"resources", "notes", "meeting_url"};
    for (int i = 0; i < 3; i++) json_object_set_new(r, more[i], json_string(db_col_text(st, 5 + i) ? db_col_text(st, 5 + i) : ""));
    json_object_set_new(r, "archived", json_boolean(db_col_int(st, 8)));
    json_object_set_new(r, "dial_in", json_string(db_col_text(st, 9) ? db_col_text(st, 9) : ""));
    return r;
}

json_t *room_json(struct db *db, int64_t id, struct problem *p)
{
    struct db_stmt *st = db_query(db, "SELECT " ROOM_COLS " FROM rooms WHERE id = ?1", "i", id);
    if (!st) {
        model_db_problem(p);
        return NULL;
    }
    json_t *r = db_step(st) == DB_ROW ? room_row_json(st) : NULL;
    db_done(st);
    if (!r) problem_set(p, LE_NOTFOUND, "id", "There is no room %lld; choose one from the list of rooms.", (long long)id);
    return r;
}

json_t *rooms_json(struct db *db, bool include_archived)
{
    struct db_stmt *st = db_query(db, "SELECT " ROOM_COLS " FROM rooms WHERE archived = 0 OR ?1 = 1 ORDER BY site, name, id",
                                  "i", (int64_t)include_archived);
    json_t *list = json_array();
    if (!st) return list;
    while (db_step(st) == DB_ROW) json_array_append_new(list, room_row_json(st));
    db_done(st);
    return list;
}

/* Checks what was sent; *name (trimmed) is required at create. */
static lerr room_check(struct arena *a, const struct room_input *in, bool creating, struct problem *p)
{
    const char *name = in->name ? arena_trim(a, in->name) : NULL;
    if ((creating || name) && (!name || !*name))
        return problem_set(p, LE_INVALID, "name", "Give the room a name, such as \"Training room 2\".");
    if (name && utf8_chars(name) > 200) return problem_set(p, LE_INVALID, "name", "A room's name has at most 200 characters.");
    const char *texts[] = {in->site, in->address, in->resources, in->notes, in->dial_in};
    const char *fields[] = {"site", "address", "resources", "notes", "dial_in"};
    for (int i = 0; i < 5; i++)
        if (texts[i] && strlen(texts[i]) > ROOM_TEXT_MAX)
            return problem_set(p, LE_INVALID, fields[i], "Write at most %d characters in %s.", ROOM_TEXT_MAX, fields[i]);
    if (in->capacity < -1 || in->capacity > 100000)
        return problem_set(p, LE_INVALID, "capacity", "Give the capacity as a number of seats from 0 to 100,000.");
    if (!planning_https_ok(in->meeting_url))
        return problem_set(p, LE_INVALID, "meeting_url", "Give the meeting address as an https:// link, or leave it empty.");
    return LE_OK;
}

static lerr room_name_taken(struct problem *p)
{
    return problem_set(p, LE_CONFLICT, "name", "A room of that name exists on that site already; choose another name.");
}

lerr room_create(struct db *db, struct arena *a, const struct room_input *in, int64_t actor_id, int64_t *id_out,
                 struct problem *p)
{
    lerr e = room_check(a, in, true, p);
    if (e) return e;
    int64_t now = time_now();
    if (db_tx_begin(db)) return model_db_problem(p);
    struct db_stmt *st = db_query(db,
                                  "INSERT INTO rooms (name, site, address, capacity, resources, notes, meeting_url, "
                                  "archived, created_at, updated_at, dial_in) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                                  "?9, ?10) RETURNING id",
                                  "sssisssiis", arena_trim(a, in->name), in->site ? arena_trim(a, in->site) : "",
                                  in->address ? in->address : "", in->capacity < 0 ? (int64_t)0 : in->capacity,
                                  in->resources ? in->resources : "", in->notes ? in->notes : "",
                                  in->meeting_url ? in->meeting_url : "", (int64_t)(in->archived == 1), now,
                                  in->dial_in ? in->dial_in : "");
    e = st ? bulk_step_id(st, id_out) : LE_DB;
    if (e == LE_CONFLICT) e = room_name_taken(p);
    else if (e) e = model_db_problem(p);
    if (!e) e = planning_audit(db, a, actor_id, "room.create", "room", *id_out, json_pack("{s:s}", "name", in->name), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr room_update(struct db *db, struct arena *a, int64_t id, const struct room_input *in, int64_t actor_id,
                 struct problem *p)
{
    lerr e = room_check(a, in, false, p);
    if (e) return e;
    json_t *old = room_json(db, id, p);
    if (!old) return p->code;
    json_decref(old);
    if (db_tx_begin(db)) return model_db_problem(p);
    /* Each column keeps its value where the input says "unchanged" (NULL / -1). */
    lerr r = db_run(db,
                    "UPDATE rooms SET name = COALESCE(?2, name), site = COALESCE(?3, site), address = COALESCE(?4, "
                    "address), capacity = CASE WHEN ?5 < 0 THEN capacity ELSE ?5 END, resources = COALESCE(?6, "
                    "resources), notes = COALESCE(?7, notes), meeting_url = COALESCE(?8, meeting_url), archived = "
                    "CASE WHEN ?9 < 0 THEN archived ELSE ?9 END, updated_at = ?10, dial_in = COALESCE(?11, dial_in) "
                    "WHERE id = ?1",
                    "isssisssiis", id, in->name ? arena_trim(a, in->name) : NULL, in->site ? arena_trim(a, in->site) : NULL,
                    in->address, in->capacity, in->resources, in->notes, in->meeting_url, (int64_t)in->archived,
                    time_now(), in->dial_in);
    e = r == LE_CONFLICT ? room_name_taken(p) : r ? model_db_problem(p) : LE_OK;
    if (!e) e = planning_audit(db, a, actor_id, "room.update", "room", id, NULL, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr room_delete(struct db *db, struct arena *a, int64_t id, int64_t actor_id, struct problem *p)
{
    json_t *old = room_json(db, id, p);
    if (!old) return p->code;
    json_decref(old);
    struct db_stmt *st = db_query(db, "SELECT title, starts_at FROM events WHERE room_id = ?1 ORDER BY starts_at LIMIT 6",
                                  "i", id);
    if (!st) return model_db_problem(p);
    const char *names = "";
    int n = 0;
    while (db_step(st) == DB_ROW) {
        char when[21];
        time_iso8601(db_col_int(st, 1), when);
        names = arena_sprintf(a, "%s%s%s (%s)", names, n ? ", " : "", n < 5 ? db_col_text(st, 0) : "...", when);
        n++;
    }
    db_done(st);
    if (n)
        return problem_set(p, LE_CONFLICT, "id", "Events use this room: %s. Archive it instead, or move those events first.",
                           names);
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = db_run(db, "DELETE FROM rooms WHERE id = ?1", "i", id) ? model_db_problem(p) : LE_OK;
    if (!e) e = planning_audit(db, a, actor_id, "room.delete", "room", id, NULL, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}
