/* The notices of a maintenance window: everyone active in the last 90 days gets one message
 * with the window as an iCalendar event. A row in maintenance_notices is written with each
 * message, in the same transaction, so a person is told once per window however often the job
 * runs; the job queues a batch at a time and queues itself again while people are left. */
#include <stdlib.h>
#include <string.h>
#include <libical/ical.h>
#include "internal.h"

#define ACTIVE_DAYS 90

struct window_text {
    int64_t id, starts_at, ends_at;
    const char *message, *affected;
};

static lerr window_read(struct db *db, struct arena *a, int64_t id, struct window_text *w)
{
    struct db_stmt *st = db_query(db, "SELECT starts_at, ends_at, message, affected FROM maintenance_windows WHERE id = ?1",
                                  "i", id);
    if (!st) return LE_DB;
    lerr e = LE_NOTFOUND;
    if (db_step(st) == DB_ROW) {
        *w = (struct window_text){id, db_col_int(st, 0), db_col_int(st, 1), model_col_str(a, st, 2),
                                  model_col_str(a, st, 3)};
        e = LE_OK;
    }
    db_done(st);
    return e;
}

/* A VCALENDAR (METHOD:PUBLISH) with the window as one VEVENT in UTC; a calendar program shows
 * it in its own zone. NULL when libical fails. */
static const char *window_ical(struct arena *a, const struct window_text *w, const char *site_name)
{
    icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//Lectern//Lectern " LECTERN_VERSION "//EN"));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    icalcomponent_add_property(ev, icalproperty_new_uid(arena_sprintf(a, "maintenance-%lld@lectern", (long long)w->id)));
    icalcomponent_add_property(ev, icalproperty_new_dtstamp(icaltime_from_timet_with_zone((time_t)time_now(), 0, utc)));
    icalcomponent_add_property(ev, icalproperty_new_dtstart(icaltime_from_timet_with_zone((time_t)w->starts_at, 0, utc)));
    icalcomponent_add_property(ev, icalproperty_new_dtend(icaltime_from_timet_with_zone((time_t)w->ends_at, 0, utc)));
    icalcomponent_add_property(ev, icalproperty_new_summary(arena_sprintf(a, "%s: %s", site_name, w->message)));
    if (*w->affected) icalcomponent_add_property(ev, icalproperty_new_description(w->affected));
    icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
    icalcomponent_add_component(cal, ev);
    char *text = icalcomponent_as_ical_string_r(cal);
    icalcomponent_free(cal);
    const char *out = text ? arena_strdup(a, text) : NULL;
    free(text);
    return out;
}

struct person {
    int64_t id;
    const char *username, *first_name, *email;
};

static lerr notice_one(struct db *db, struct arena *a, const struct window_text *w, const struct person *to,
                       const struct mail_attachment *att, struct problem *p)
{
    char from[21], until[21];
    time_iso8601(w->starts_at, from);
    time_iso8601(w->ends_at, until);
    json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "username", to->username, "first_name", to->first_name,
                          "message", w->message, "affected", w->affected, "starts_at", from, "ends_at", until);
    lerr e = db_run(db, "INSERT INTO maintenance_notices (window_id, user_id, queued_at) VALUES (?1, ?2, ?3)", "iii",
                    w->id, to->id, time_now());
    if (e) e = model_db_problem(p);
    if (!e) e = notify_send(db, "maintenance_notice", to->id, to->email, d, att, NULL, p);
    json_decref(d);
    return e;
}

/* Up to MAINTENANCE_NOTICE_BATCH + 1 people still to tell (one more says whether any are
 * left), read whole before anything is written. */
static lerr people_to_tell(struct db *db, struct arena *a, int64_t window_id, struct person *out, int *n)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT u.id, u.username, u.first_name, u.email FROM users u WHERE u.status = "
                                  "'active' AND u.email <> '' AND u.last_signin_at >= ?2 AND NOT EXISTS (SELECT 1 "
                                  "FROM maintenance_notices n WHERE n.window_id = ?1 AND n.user_id = u.id) ORDER BY "
                                  "u.id LIMIT ?3",
                                  "iii", window_id, time_now() - (int64_t)ACTIVE_DAYS * 86400,
                                  (int64_t)MAINTENANCE_NOTICE_BATCH + 1);
    if (!st) return LE_DB;
    int rc = DB_DONE;
    *n = 0;
    while (*n <= MAINTENANCE_NOTICE_BATCH && (rc = db_step(st)) == DB_ROW)
        out[(*n)++] = (struct person){db_col_int(st, 0), model_col_str(a, st, 1), model_col_str(a, st, 2),
                                      model_col_str(a, st, 3)};
    db_done(st);
    return rc == DB_ROW || rc == DB_DONE ? LE_OK : LE_DB;
}

lerr maintenance_notices_batch(struct db *db, struct arena *a, int64_t window_id, int *queued, bool *more,
                               struct problem *p)
{
    *queued = 0;
    *more = false;
    struct window_text w;
    lerr e = window_read(db, a, window_id, &w);
    if (e == LE_NOTFOUND) return LE_OK; /* deleted meanwhile: nobody to tell */
    if (e) return model_db_problem(p);
    if (w.ends_at <= time_now()) return LE_OK;
    struct site_settings site;
    const char *name = settings_get(db, a, &site) == LE_OK && site.site_name ? site.site_name : "Lectern";
    struct mail_attachment att = {"text/calendar; method=PUBLISH", window_ical(a, &w, name)};
    struct person *people = arena_alloc(a, (MAINTENANCE_NOTICE_BATCH + 1) * sizeof *people);
    int n = 0;
    if (db_tx_begin(db)) return model_db_problem(p);
    if (people_to_tell(db, a, window_id, people, &n)) e = model_db_problem(p);
    *more = n > MAINTENANCE_NOTICE_BATCH;
    for (int i = 0; !e && i < n && i < MAINTENANCE_NOTICE_BATCH; i++) {
        e = notice_one(db, a, &w, &people[i], att.text ? &att : NULL, p);
        if (!e) (*queued)++;
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}
