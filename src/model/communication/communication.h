/* The communication domain (docs/communication.md). It uses planning, courses, people and
 * platform. */
#ifndef LECTERN_MODEL_COMMUNICATION_H
#define LECTERN_MODEL_COMMUNICATION_H

#include "../planning/planning.h"

/* ---- Maintenance windows (maintenance.c) ---- */
struct maintenance_input {
    const char *starts_at, *ends_at; /* as planning_parse_time reads them, in zone */
    const char *message, *affected;
    bool read_only;                  /* the site reads only during the window */
};
#define MAINTENANCE_TEXT_MAX 2000
/* Schedules a window: an end after its start, no overlap with another window (the refusal
 * names it), a message. Queues the notices job. */
lerr maintenance_create(struct db *db, struct arena *a, const struct maintenance_input *in, const struct tz *zone,
                        int64_t actor_id, int64_t *id_out, struct problem *p);
/* Checks a window's times alone: the field to fix when the end is not after the start or when
 * [starts_at, ends_at) meets another window. */
lerr maintenance_check_times(struct db *db, int64_t starts_at, int64_t ends_at, int64_t except_id, struct problem *p);
lerr maintenance_delete(struct db *db, struct arena *a, int64_t id, int64_t actor_id, struct problem *p);
/* One window as JSON {id, starts_at, ends_at, message, affected, read_only}; NULL + problem. */
json_t *maintenance_json(struct db *db, int64_t id, struct problem *p);
/* Windows that have not ended, soonest first, and the last few that have. */
json_t *maintenance_list_json(struct db *db);

/* ---- What a window overlaps (maintenance_overlaps.c) ----
 * Each provider appends to out items {kind, title, at, ends_at?, path} of things that happen
 * during [from, to): so an administrator can move them first. */
struct maintenance_overlap_provider {
    const char *name;
    lerr (*list)(struct db *db, struct arena *a, int64_t from, int64_t to, json_t *out);
};
extern const struct maintenance_overlap_provider maintenance_overlap_providers[];
extern const size_t maintenance_n_overlap_providers;
/* Every provider's items, in time order. */
json_t *maintenance_overlaps_json(struct db *db, struct arena *a, int64_t from, int64_t to);

/* ---- The site's maintenance state (maintenance_mode.c) ---- */
struct maintenance_state {
    bool read_only;                  /* read-only mode is on now */
    int64_t until_at;                /* when it ends by itself; 0 = when turned off */
    const char *message;             /* the administrator's words, or "" */
    int lead_hours;                  /* how long before a window its banner shows */
    /* The window now or next (within the lead time), or id 0. */
    int64_t window_id, window_starts_at, window_ends_at;
    const char *window_message, *window_affected;
    bool window_read_only;           /* the site reads only while the window lasts */
};
/* The state at time now, copied into a: read from the database at most once a second per
 * process (nodes obey a change within a second), and at once after a change made here. */
lerr maintenance_state_get(struct db *db, struct arena *a, int64_t now, struct maintenance_state *out);
/* Forgets the copy kept in memory (a change made by this process). */
void maintenance_state_changed(void);
/* Turns read-only mode on (until_at 0 = until turned off; message may be NULL) or off. */
lerr maintenance_read_only_set(struct db *db, struct arena *a, bool on, int64_t until_at, const char *message,
                               int64_t actor_id, struct problem *p);
lerr maintenance_lead_hours_set(struct db *db, struct arena *a, int hours, int64_t actor_id, struct problem *p);
/* {"status": "ok" | "maintenance" | "read_only", ...} for GET /api/v1/status. */
json_t *maintenance_status_json(const struct maintenance_state *s, int64_t now);

/* ---- The notices (maintenance_notices.c): everyone active in the last 90 days is emailed
 * once per window, with the window as an iCalendar event, by the job kind below. ---- */
#define MAINTENANCE_NOTICE_JOB "maintenance.notices"
#define MAINTENANCE_NOTICE_BATCH 200
/* Queues the next batch of notices for window id; *more is true when people are left. */
lerr maintenance_notices_batch(struct db *db, struct arena *a, int64_t window_id, int *queued, bool *more,
                               struct problem *p);

#endif
