/* The site's maintenance state: read-only mode (on, until when, the administrator's words), the
 * banner's lead time, and the window now or next. Every request asks for it (read-only mode
 * refuses writes; the layout shows the banner), so each process keeps a copy read at most once
 * a second: a change on any node reaches every other within a second, and a page gains no
 * query of its own. */
#include <pthread.h>
#include <string.h>
#include "internal.h"

#define STATE_TTL_S 1

static struct {
    pthread_mutex_t lock;
    struct arena *arena;          /* the copy's strings */
    struct maintenance_state state;
    int64_t loaded_at;
    bool valid;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

void maintenance_state_changed(void)
{
    pthread_mutex_lock(&cache.lock);
    cache.valid = false;
    pthread_mutex_unlock(&cache.lock);
}

/* The raw settings: read_only as stored (its expiry is applied when the state is asked). */
static lerr load_settings(struct db *db, struct arena *a, struct maintenance_state *s)
{
    struct db_stmt *st = db_query(db, "SELECT read_only, until_at, message, lead_hours FROM maintenance_settings WHERE id = 1", "");
    if (!st) return LE_DB;
    lerr e = LE_DB;
    if (db_step(st) == DB_ROW) {
        s->read_only = db_col_int(st, 0) != 0;
        s->until_at = db_col_int(st, 1);
        s->message = model_col_str(a, st, 2);
        s->lead_hours = (int)db_col_int(st, 3);
        e = LE_OK;
    }
    db_done(st);
    return e;
}

/* The window now, or the next one to start: the banner's lead time is applied when asked, so
 * the copy stays right while it is kept. */
static lerr load_window(struct db *db, struct arena *a, int64_t now, struct maintenance_state *s)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT id, starts_at, ends_at, message, affected, read_only FROM maintenance_windows "
                                  "WHERE ends_at > ?1 ORDER BY starts_at LIMIT 1",
                                  "i", now);
    if (!st) return LE_DB;
    if (db_step(st) == DB_ROW) {
        s->window_id = db_col_int(st, 0);
        s->window_starts_at = db_col_int(st, 1);
        s->window_ends_at = db_col_int(st, 2);
        s->window_message = model_col_str(a, st, 3);
        s->window_affected = model_col_str(a, st, 4);
        s->window_read_only = db_col_int(st, 5) != 0;
    }
    db_done(st);
    return LE_OK;
}

static void copy_state(struct arena *a, const struct maintenance_state *from, int64_t now, struct maintenance_state *to)
{
    *to = *from;
    to->message = arena_strdup(a, from->message ? from->message : "");
    to->read_only = from->read_only && (from->until_at == 0 || from->until_at > now);
    if (!to->read_only) to->until_at = 0;
    bool shown = from->window_id && from->window_ends_at > now &&
                 from->window_starts_at - (int64_t)from->lead_hours * 3600 <= now;
    if (!shown) {
        to->window_id = to->window_starts_at = to->window_ends_at = 0;
        to->window_message = to->window_affected = "";
        return;
    }
    /* A window scheduled to read only puts the site in read-only mode while it lasts. */
    if (from->window_read_only && from->window_starts_at <= now && !to->read_only) {
        to->read_only = true;
        to->until_at = from->window_ends_at;
        to->message = arena_strdup(a, from->window_message);
    }
    to->window_message = arena_strdup(a, from->window_message);
    to->window_affected = arena_strdup(a, from->window_affected);
}

lerr maintenance_state_get(struct db *db, struct arena *a, int64_t now, struct maintenance_state *out)
{
    pthread_mutex_lock(&cache.lock);
    if (!cache.valid || now - cache.loaded_at >= STATE_TTL_S || now < cache.loaded_at) {
        struct arena *fresh = arena_new(1024);
        struct maintenance_state s = {0};
        if (fresh && load_settings(db, fresh, &s) == LE_OK && load_window(db, fresh, now, &s) == LE_OK) {
            arena_free(cache.arena);
            cache.arena = fresh;
            cache.state = s;
            cache.loaded_at = now;
            cache.valid = true;
        } else {
            arena_free(fresh);
        }
    }
    lerr e = cache.arena ? LE_OK : LE_DB;
    if (!e) copy_state(a, &cache.state, now, out);
    else memset(out, 0, sizeof *out);
    pthread_mutex_unlock(&cache.lock);
    return e;
}

lerr maintenance_read_only_set(struct db *db, struct arena *a, bool on, int64_t until_at, const char *message,
                               int64_t actor_id, struct problem *p)
{
    int64_t now = time_now();
    if (on && until_at && until_at <= now)
        return problem_set(p, LE_INVALID, "until", "Read-only mode would end before it starts; give a time in the future.");
    if (message && strlen(message) > MAINTENANCE_TEXT_MAX)
        return problem_set(p, LE_INVALID, "message", "Write the message in at most %d characters.", MAINTENANCE_TEXT_MAX);
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = db_run(db,
                    "UPDATE maintenance_settings SET read_only = ?1, until_at = ?2, message = ?3, changed_by = ?4, "
                    "changed_at = ?5 WHERE id = 1",
                    "iisii", (int64_t)on, on ? until_at : (int64_t)0, on && message ? arena_trim(a, message) : "",
                    actor_id, now);
    if (!e)
        e = audit_append(db, actor_id, on ? "maintenance.read_only_on" : "maintenance.read_only_off", "site",
                         NULL);
    if (e) e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e) maintenance_state_changed();
    return e;
}

lerr maintenance_lead_hours_set(struct db *db, struct arena *a, int hours, int64_t actor_id, struct problem *p)
{
    (void)a;
    if (hours < 0 || hours > 24 * 30)
        return problem_set(p, LE_INVALID, "lead_hours", "Give the lead time as a number of hours from 0 to 720.");
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = db_run(db, "UPDATE maintenance_settings SET lead_hours = ?1 WHERE id = 1", "i", (int64_t)hours);
    if (!e) e = audit_append(db, actor_id, "maintenance.lead_hours", "site", NULL);
    if (e) e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e) maintenance_state_changed();
    return e;
}

json_t *maintenance_status_json(const struct maintenance_state *s, int64_t now)
{
    json_t *o = json_object();
    bool in_window = s->window_id && s->window_starts_at <= now && now < s->window_ends_at;
    jset_str(o, "status", s->read_only ? "read_only" : in_window ? "maintenance" : "ok");
    if (s->read_only) {
        json_t *ro = json_object();
        jset(ro, "until", model_json_time(s->until_at));
        jset_str(ro, "message", s->message);
        jset(o, "read_only", ro);
    }
    if (s->window_id) {
        json_t *w = json_object();
        jset(w, "starts_at", model_json_time(s->window_starts_at));
        jset(w, "ends_at", model_json_time(s->window_ends_at));
        jset_str(w, "message", s->window_message);
        jset_str(w, "affected", s->window_affected);
        jset(o, in_window ? "window" : "next_window", w);
    }
    return o;
}
