/* The planning domain (docs/planning.md): rooms, the events of session activities (a date, a
 * room or a meeting address, trainers, seats), bookings with a waitlist that never oversells,
 * and attendance, which completes the session activity. It uses courses, people and platform,
 * and plugs the "session" activity kind into courses at start (planning_init). */
#ifndef LECTERN_MODEL_PLANNING_H
#define LECTERN_MODEL_PLANNING_H

#include "../courses/courses.h"

/* Registers the session activity kind with courses; model_init calls it after courses_init. */
void planning_init(void);

/* A time as sent: "2027-03-28T09:30:00Z", with an offset ("+01:00"), or a wall-clock time
 * without one ("2027-03-28T09:30", seconds optional) read in zone (NULL = UTC). false when it
 * is none of those or names no real date and time. */
bool planning_parse_time(const char *s, const struct tz *zone, int64_t *out);

/* ---- Rooms (room.c) ---- */
#define ROOM_TEXT_MAX 2000
struct room_input {
    const char *name, *site, *address, *resources, *notes, *meeting_url; /* NULL = unchanged / "" */
    int64_t capacity;             /* -1 = unchanged / 0 */
    int archived;                 /* -1 = unchanged / no */
};
#define ROOM_INPUT_INIT {.capacity = -1, .archived = -1}
/* A name is required and unique within its site; a meeting address must be https. Audited. */
lerr room_create(struct db *db, struct arena *a, const struct room_input *in, int64_t actor_id, int64_t *id_out,
                 struct problem *p);
lerr room_update(struct db *db, struct arena *a, int64_t id, const struct room_input *in, int64_t actor_id,
                 struct problem *p);
/* Never while a scheduled event uses the room: LE_CONFLICT naming the events. Audited. */
lerr room_delete(struct db *db, struct arena *a, int64_t id, int64_t actor_id, struct problem *p);
/* {"id", "name", "site", "address", "capacity", "resources", "notes", "meeting_url",
 * "archived"}; NULL with p set (LE_NOTFOUND, field "id"). */
json_t *room_json(struct db *db, int64_t id, struct problem *p);
/* Every room by site and name; archived ones only with include_archived. */
json_t *rooms_json(struct db *db, bool include_archived);

/* ---- Events (event.c) ---- */
#define EVENT_TITLE_MAX 255
#define EVENT_TRAINERS_MAX 20
struct event_input {
    const char *title, *timezone, *meeting_url, *note;          /* NULL = unchanged / "" */
    const char *starts_at, *ends_at;                            /* as sent (planning_parse_time) */
    const char *signup_opens, *signup_closes, *cancel_cutoff;   /* "" = none */
    const char *const *trainers;  /* usernames; NULL = unchanged / none */
    int n_trainers;
    int64_t activity_id;          /* 0 = the course's only session activity (create) */
    int64_t room_id;              /* -1 = unchanged / none; 0 = none */
    int64_t seats, min_seats;     /* -1 = unchanged; seats required at create */
    double cost_per_seat;         /* < 0 = unchanged / 0 */
};
#define EVENT_INPUT_INIT {.room_id = -1, .seats = -1, .min_seats = -1, .cost_per_seat = -1}
/* Checks everything before writing (end after start, a real time zone, a room that exists and
 * is not archived, trainers who are the course's instructors, seats at least the booked ones);
 * LE_INVALID / LE_NOTFOUND name the field. Audited. */
lerr event_create(struct db *db, struct arena *a, int64_t course_id, const struct event_input *in, int64_t actor_id,
                  int64_t *id_out, struct problem *p);
lerr event_update(struct db *db, struct arena *a, int64_t id, const struct event_input *in, int64_t actor_id,
                  struct problem *p);
/* Cancels the event and every live booking, and tells the booked and waitlisted people by mail
 * (the outbox). LE_CONFLICT when it is cancelled already. Audited. */
lerr event_cancel(struct db *db, struct arena *a, int64_t id, int64_t actor_id, struct problem *p);
struct event_ref {
    int64_t id, course_id, activity_id;
    const char *course_code;
};
/* Which course and activity an event belongs to (LE_NOTFOUND, field "id"). */
lerr event_ref_get(struct db *db, struct arena *a, int64_t id, struct event_ref *out, struct problem *p);
/* Whether user_id trains the event. */
bool event_has_trainer(struct db *db, int64_t event_id, int64_t user_id);
/* The event: {"id", "course", "activity_id", "title", "starts_at", "ends_at", "timezone",
 * "room": {...}|null, "meeting_url", "trainers": [username], "seats", "min_seats", "booked",
 * "waitlisted", "free", "signup_opens", "signup_closes", "cancel_cutoff", "cost_per_seat",
 * "note", "state", "my_booking": state|null (viewer_id's)}. */
json_t *event_json(struct db *db, struct arena *a, int64_t id, int64_t viewer_id, struct problem *p);
/* A course's events (activity_id 0: all its session activities), by start, each as event_json,
 * in a fixed number of queries. */
json_t *events_json(struct db *db, struct arena *a, int64_t course_id, int64_t activity_id, int64_t viewer_id);

/* ---- Events from CSV (event_import.c; docs/planning.md, "Import") ---- */
/* Columns: course (code), title, start, end, timezone, room (name, or "site / name"), seats,
 * trainers (usernames), and optionally meeting_url, min_seats, note, session (the session
 * activity's title). Each row goes through event_create; a wall-clock time the clocks skip or
 * pass twice in the row's zone is a located error. A course without a session activity gets
 * one. Rows are "create" or "unchanged" (the same title and start in the same session); a
 * commit writes all rows or, when any has an error, nothing; commit false = preview. */
lerr event_import_run(struct db *db, struct arena *a, const char *data, size_t len, bool commit, int64_t actor_id,
                      struct course_import_result *r, struct problem *p);

/* ---- Bookings (booking.c) ---- */
/* Books user_id on the event, or puts them on its waitlist when every seat is taken: one write
 * transaction, the seat taken with a guarded counter. The person must be enrolled in the
 * course; the event scheduled, not started, and open for sign-up; one live booking a person
 * (LE_CONFLICT). *state_out: "booked" or "waitlisted". Audited. */
lerr booking_create(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, int64_t actor_id,
                    const char **state_out, struct problem *p);
/* Cancels user_id's booking or waitlist place. Before the event's cancel cut-off anyone may;
 * after it only with override (an administrator). A seat that frees goes to the first on the
 * waitlist in the same transaction. Audited. */
lerr booking_cancel(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, bool override,
                    int64_t actor_id, struct problem *p);
/* [{"username", "name", "state", "position" (waitlist place, 1 = next; 0 when booked),
 * "attendance"|null}], booked first, then the waitlist in order. */
json_t *bookings_json(struct db *db, int64_t event_id);

/* ---- Attendance (attendance.c) ---- */
/* Records a booked person's attendance: "attended", "partly", "no_show" or "excused".
 * "attended" completes the event's session activity for them (activity_complete). Audited. */
lerr attendance_record(struct db *db, struct arena *a, int64_t event_id, const char *username, const char *status,
                       int64_t actor_id, struct problem *p);

#endif
