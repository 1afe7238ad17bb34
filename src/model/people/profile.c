/* What a person changes about themselves on their profile page (docs/people.md, "Your
 * profile"): name, email, language and time zone; their live sessions, and ending every one
 * of them but the one in use. Each change is audited like an administrator's. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define SESSIONS_SHOWN 50
#define ZONES_MAX 600

lerr user_profile_update(struct db *db, struct arena *a, int64_t user_id, const struct profile_input *in,
                         struct problem *p)
{
    if (db_tx_begin(db)) return model_db_problem(p);
    struct user_input names = {NULL, in->email, in->first_name, in->last_name, NULL};
    lerr e = user_update(db, a, user_id, &names, user_id, p);
    if (!e) {
        struct user_org_input locale = {.lang = in->lang, .timezone = in->timezone,
                                        .department_id = -1, .job_role_id = -1};
        e = user_org_update(db, a, user_id, &locale, user_id, p);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

json_t *session_list_json(struct db *db, int64_t user_id, int64_t current_session_id)
{
    json_t *items = json_array();
    int64_t now = time_now();
    struct db_stmt *st = db_query(db,
                                  "SELECT id, ip, user_agent, created_at, last_seen_at FROM sessions "
                                  "WHERE user_id = ?1 AND ended_at IS NULL AND expires_at > ?2 "
                                  "AND last_seen_at > ?3 ORDER BY last_seen_at DESC, id DESC LIMIT ?4",
                                  "iiii", user_id, now, now - auth_config.session_idle_s,
                                  (int64_t)SESSIONS_SHOWN);
    if (!st) return items;
    while (db_step(st) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        json_t *s = json_pack("{s:I, s:s?, s:s?, s:b}", "id", (json_int_t)id, "ip", db_col_text(st, 1),
                              "user_agent", db_col_text(st, 2), "current", id == current_session_id);
        json_object_set_new(s, "created_at", model_json_time(db_col_int(st, 3)));
        json_object_set_new(s, "last_seen_at", model_json_time(db_col_int(st, 4)));
        json_array_append_new(items, s);
    }
    db_done(st);
    return items;
}

/* Ending a session changes auth_version (migration 0018), so every node's session cache
 * stops answering for the ended ones on their very next request. */
lerr session_end_others(struct db *db, int64_t user_id, int64_t keep_session_id, int64_t *n_ended,
                        struct problem *p)
{
    *n_ended = 0;
    if (db_tx_begin(db)) return model_db_problem(p);
    int64_t n = 0;
    lerr e = db_query_int(db, &n,
                          "SELECT COUNT(*) FROM sessions WHERE user_id = ?1 AND id <> ?2 AND ended_at IS NULL",
                          "ii", user_id, keep_session_id);
    if (!e && n > 0)
        e = db_run(db, "UPDATE sessions SET ended_at = ?3 WHERE user_id = ?1 AND id <> ?2 AND ended_at IS NULL",
                   "iii", user_id, keep_session_id, time_now());
    if (!e && n > 0) {
        char target[32];
        snprintf(target, sizeof target, "user:%lld", (long long)user_id);
        json_t *details = json_pack("{s:I}", "ended", (json_int_t)n);
        e = audit_append(db, user_id, "auth.sessions_end_others", target, details);
        json_decref(details);
    }
    if (e) e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e) *n_ended = n;
    return e;
}

/* The zones of the system's zone1970.tab (one line per zone: codes, coordinates, name), read
 * once, sorted, with UTC first. Empty where the system has no time zone database. */
static struct {
    pthread_once_t once;
    char *names[ZONES_MAX];
    size_t n;
} zones = {.once = PTHREAD_ONCE_INIT};

static int by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void zones_load(void)
{
    FILE *f = fopen("/usr/share/zoneinfo/zone1970.tab", "r");
    if (!f) return;
    zones.names[zones.n++] = strdup("UTC");
    char line[512];
    while (zones.n < ZONES_MAX && fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char *save = NULL, *name = strtok_r(line, "\t\n", &save);
        for (int col = 1; name && col < 3; col++) name = strtok_r(NULL, "\t\n", &save);
        if (name) zones.names[zones.n++] = strdup(name);
    }
    fclose(f);
    qsort(zones.names + 1, zones.n - 1, sizeof zones.names[0], by_name);
}

const char *const *timezone_names(size_t *n)
{
    pthread_once(&zones.once, zones_load);
    *n = zones.n;
    return (const char *const *)zones.names;
}
