/* A session activity's own settings, kept beside the activity in session_settings as a quiz
 * keeps its own: whether bookings need the line manager's approval, when reminders go out
 * before each event, and which attendance completes the session. No row means the defaults. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static const int64_t default_offsets[] = {2 * 86400, 2 * 3600};

static void set_defaults(struct session_settings *s)
{
    *s = (struct session_settings){0};
    s->n_offsets = 2;
    memcpy(s->offsets, default_offsets, sizeof default_offsets);
}

/* Longest first, no repeats: the scan sends only the nearest one that has passed. */
static void sort_offsets(struct session_settings *s)
{
    for (int i = 1; i < s->n_offsets; i++)
        for (int j = i; j > 0 && s->offsets[j] > s->offsets[j - 1]; j--) {
            int64_t t = s->offsets[j];
            s->offsets[j] = s->offsets[j - 1];
            s->offsets[j - 1] = t;
        }
    int n = 0;
    for (int i = 0; i < s->n_offsets; i++)
        if (!n || s->offsets[n - 1] != s->offsets[i]) s->offsets[n++] = s->offsets[i];
    s->n_offsets = n;
}

lerr session_offsets_parse(const char *text, struct session_settings *out, struct problem *p)
{
    const char *how = "Write reminders as times before the start, such as \"2d, 2h\" (d days, h hours, m minutes), "
                      "at most %d of them, none longer than 30 days.";
    out->n_offsets = 0;
    const char *s = text ? text : "";
    while (*s) {
        while (*s == ' ' || *s == ',') s++;
        if (!*s) break;
        char *end;
        long n = strtol(s, &end, 10);
        int64_t unit = *end == 'd' ? 86400 : *end == 'h' ? 3600 : *end == 'm' ? 60 : 0;
        if (end == s || n <= 0 || !unit || out->n_offsets == SESSION_OFFSETS_MAX || n * unit > SESSION_OFFSET_LONGEST)
            return problem_set(p, LE_INVALID, "reminders", how, SESSION_OFFSETS_MAX);
        out->offsets[out->n_offsets++] = n * unit;
        s = end + 1;
        if (*s && *s != ',' && *s != ' ') return problem_set(p, LE_INVALID, "reminders", how, SESSION_OFFSETS_MAX);
    }
    if (!out->n_offsets) {
        out->n_offsets = 2;
        memcpy(out->offsets, default_offsets, sizeof default_offsets);
    }
    sort_offsets(out);
    return LE_OK;
}

const char *session_offsets_text(struct arena *a, const struct session_settings *s)
{
    char text[SESSION_OFFSETS_MAX * 16] = "";
    size_t len = 0;
    for (int i = 0; i < s->n_offsets; i++) {
        int64_t o = s->offsets[i];
        char unit = o % 86400 == 0 ? 'd' : o % 3600 == 0 ? 'h' : 'm';
        int64_t n = o / (unit == 'd' ? 86400 : unit == 'h' ? 3600 : 60);
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%lld%c", i ? ", " : "", (long long)n, unit);
    }
    return arena_strdup(a, text);
}

void session_offsets_from_column(const char *col, struct session_settings *s)
{
    set_defaults(s);
    if (!col || !*col) return;
    int n = 0;
    for (const char *c = col; *c && n < SESSION_OFFSETS_MAX; c++) {
        s->offsets[n++] = strtoll(c, (char **)&c, 10);
        if (!*c) break;
    }
    s->n_offsets = n;
    sort_offsets(s);
}

lerr session_settings_get(struct db *db, int64_t activity_id, struct session_settings *out, struct problem *p)
{
    set_defaults(out);
    struct db_stmt *st = db_query(db,
                                  "SELECT needs_approval, partly_completes, reminder_offsets FROM session_settings "
                                  "WHERE activity_id = ?1",
                                  "i", activity_id);
    if (!st) return model_db_problem(p);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        session_offsets_from_column(db_col_text(st, 2), out);
        out->needs_approval = db_col_int(st, 0) != 0;
        out->partly_completes = db_col_int(st, 1) != 0;
    }
    db_done(st);
    return rc < 0 ? model_db_problem(p) : LE_OK;
}

lerr session_view_get(struct db *db, struct arena *a, int64_t course_id, int64_t id, int64_t viewer_id,
                      struct session_view *out, struct problem *p)
{
    *out = (struct session_view){.id = id};
    set_defaults(&out->settings);
    /* The activity and the viewer's progress are courses' rows, read here with the settings so
     * the session page keeps to its budget. */
    struct db_stmt *st = db_query(db,
                                  "SELECT x.title, COALESCE(g.completed_at, 0), s.needs_approval, s.partly_completes, "
                                  "s.reminder_offsets, (SELECT COALESCE(manager_id, 0) FROM users WHERE id = ?3) "
                                  "FROM activities x LEFT JOIN activity_progress g ON g.activity_id = x.id AND "
                                  "g.user_id = ?3 LEFT JOIN session_settings s ON s.activity_id = x.id WHERE x.id = ?1 "
                                  "AND x.course_id = ?2 AND x.kind = 'session' AND x.deleted_at IS NULL",
                                  "iii", id, course_id, viewer_id);
    if (!st) return model_db_problem(p);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->title = model_col_str(a, st, 0);
        out->completed_at = db_col_int(st, 1);
        if (!db_col_is_null(st, 2)) {
            session_offsets_from_column(db_col_text(st, 4), &out->settings);
            out->settings.needs_approval = db_col_int(st, 2) != 0;
            out->settings.partly_completes = db_col_int(st, 3) != 0;
        }
        out->viewer_has_manager = !db_col_is_null(st, 5) && db_col_int(st, 5) != 0;
    }
    db_done(st);
    if (rc == DB_DONE) return problem_set(p, LE_NOTFOUND, "id", "This activity is not a session of the course.");
    return rc == DB_ROW ? LE_OK : model_db_problem(p);
}

lerr session_settings_save(struct db *db, struct arena *a, int64_t course_id, int64_t activity_id,
                           const struct session_settings *in, int64_t actor_id, struct problem *p)
{
    int64_t found = 0;
    if (db_query_int(db, &found,
                     "SELECT id FROM activities WHERE id = ?1 AND course_id = ?2 AND kind = 'session' AND deleted_at IS NULL",
                     "ii", activity_id, course_id))
        return problem_set(p, LE_NOTFOUND, "id", "There is no session activity %lld.", (long long)activity_id);
    char offsets[SESSION_OFFSETS_MAX * 24] = "";
    size_t len = 0;
    for (int i = 0; i < in->n_offsets && i < SESSION_OFFSETS_MAX; i++)
        len += (size_t)snprintf(offsets + len, sizeof offsets - len, "%s%lld", i ? "," : "", (long long)in->offsets[i]);
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = db_run(db,
                    "INSERT INTO session_settings (activity_id, needs_approval, reminder_offsets, partly_completes, "
                    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (activity_id) DO UPDATE SET needs_approval = "
                    "excluded.needs_approval, reminder_offsets = excluded.reminder_offsets, partly_completes = "
                    "excluded.partly_completes, updated_at = excluded.updated_at",
                    "iisii", activity_id, (int64_t)in->needs_approval, offsets, (int64_t)in->partly_completes,
                    time_now())
                 ? model_db_problem(p)
                 : LE_OK;
    if (!e)
        e = planning_audit(db, a, actor_id, "session.settings", "activity", activity_id,
                           json_pack("{s:b, s:b, s:s}", "needs_approval", in->needs_approval, "partly_completes",
                                     in->partly_completes, "reminders", session_offsets_text(a, in)),
                           p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

json_t *session_settings_json(struct arena *a, const struct session_settings *s)
{
    json_t *offsets = json_array();
    for (int i = 0; i < s->n_offsets; i++) json_array_append_new(offsets, json_integer(s->offsets[i]));
    return json_pack("{s:b, s:b, s:s, s:o}", "needs_approval", s->needs_approval, "partly_completes",
                     s->partly_completes, "reminders", session_offsets_text(a, s), "reminder_offsets", offsets);
}
