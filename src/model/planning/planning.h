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
    const char *dial_in;          /* a virtual room's dial-in text (numbers, access code) */
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

/* ---- An event's dated parts (event_parts.c) ---- */
#define EVENT_PARTS_MAX 20
#define EVENT_EXTERNAL_TRAINERS_MAX 20
struct event_part_text {
    const char *starts_at, *ends_at;  /* as sent (planning_parse_time); both "" = an empty row */
    const char *starts_field, *ends_field; /* the fields an error names; NULL = "parts" */
};
struct event_part {
    int64_t starts_at, ends_at;
};
/* Reads the parts sent in zone into out (at most EVENT_PARTS_MAX), by start: empty rows are
 * skipped, each part ends after it starts and overlaps no other. LE_INVALID naming the field. */
lerr event_parts_parse(const struct event_part_text *in, int n, const struct tz *zone, struct event_part *out,
                       int *n_out, struct problem *p);

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
    /* Dated parts (event_parts.c); NULL = starts_at/ends_at as the one part, or unchanged. */
    const struct event_part_text *parts;
    int n_parts;
    const char *const *external_trainers; /* names; NULL = unchanged / none */
    int n_external_trainers;
    /* Conflicts (conflict.c) refuse the save unless override_reason is given by someone who
     * may_override (an administrator); *conflicts_out (when set) gets them either way. */
    const char *override_reason;
    bool may_override;
    json_t **conflicts_out;
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
 * "parts": [{"starts_at", "ends_at"}], "room": {...}|null, "meeting_url", "trainers": [username],
 * "external_trainers": [name], "seats", "min_seats", "booked",
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
/* A person's live booking on another scheduled event that overlaps a part of this one refuses
 * the booking (LE_CONFLICT, reason "conflicts") unless override_reason is given by someone who
 * may_override (booking someone else); the override is audited with the conflicts. */
struct booking_options {
    const char *override_reason;
    bool may_override;
    json_t **conflicts_out;       /* when set: the conflicts found (a new reference), or NULL */
};
lerr booking_create_with(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, int64_t actor_id,
                         const struct booking_options *o, const char **state_out, struct problem *p);
/* Moves user_id's place from one event to another of the same course in one transaction: the
 * freed seat goes to the first on the waitlist, and the person is booked or waitlisted on the
 * other (booking_move.c). Audited. */
lerr booking_move(struct db *db, struct arena *a, int64_t from_event, int64_t user_id, int64_t to_event,
                  int64_t actor_id, const struct booking_options *o, const char **state_out, struct problem *p);

/* ---- Booking many people at once (bulk_booking.c) ---- */
#define BULK_BOOKING_MAX 1000
struct bulk_booking_input {
    const char *usernames;        /* separated by commas, spaces or lines; or */
    int64_t department_id;        /* everyone active in the department and below it; or */
    int64_t job_role_id;          /* everyone active holding the job role */
    bool dry_run;                 /* work it all out, then write nothing */
    const char *override_reason;  /* book those with overlapping bookings too */
    bool may_override;
};
/* Books the people chosen in the order listed (usernames as given, else by name), in one
 * transaction: seats go first come first served, the rest to the waitlist. *results_out:
 * [{"username", "name", "outcome": "booked" | "waitlisted" | "already_booked" |
 * "already_waitlisted" | "not_enrolled" | "no_account" | "conflict" | "refused", "message",
 * "conflicts": [...]}]; with dry_run the same answer, and nothing is written. */
lerr booking_bulk(struct db *db, struct arena *a, int64_t event_id, const struct bulk_booking_input *in,
                  int64_t actor_id, json_t **results_out, struct problem *p);

/* ---- Conflicts (conflict.c) ---- */
/* What an event's plan clashes with: its room used by another scheduled event at an
 * overlapping time (parts compared, not spans; times that only touch do not clash), a trainer
 * training another event then or booked on one, and a room smaller than its seats. Each:
 * {"kind": "room" | "trainer_teaching" | "trainer_booked" | "capacity" | "booking", "course":
 * {"code", "title"}, "event": {"id", "title"}, "starts_at", "ends_at" (the overlap, UTC),
 * "trainer" | "username", "room": {"id", "name"}, "capacity", "seats"}. */
struct conflict_subject {
    int64_t event_id;             /* 0 = a new event */
    const struct event_part *parts;
    int n_parts;
    int64_t room_id, seats;       /* 0 = none */
    const int64_t *trainer_ids;
    int n_trainers;
};
json_t *event_conflicts(struct db *db, struct arena *a, const struct conflict_subject *s);
/* Cancels user_id's booking or waitlist place. Before the event's cancel cut-off anyone may;
 * after it only with override (an administrator). A seat that frees goes to the first on the
 * waitlist in the same transaction. Audited. */
lerr booking_cancel(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, bool override,
                    int64_t actor_id, struct problem *p);
/* [{"username", "name", "state", "position" (waitlist place, 1 = next; 0 when booked),
 * "attendance"|null}], booked first, then the waitlist in order. */
json_t *bookings_json(struct db *db, int64_t event_id);
/* The same for every event of a session activity in one query: {"EVENT_ID": [...]}, events
 * without bookings absent. */
json_t *session_bookings_json(struct db *db, int64_t activity_id);

/* ---- Attendance (attendance.c) ---- */
/* Records a booked person's attendance: "attended", "partly", "no_show" or "excused".
 * "attended" completes the event's session activity for them (activity_complete). Audited. */
lerr attendance_record(struct db *db, struct arena *a, int64_t event_id, const char *username, const char *status,
                       int64_t actor_id, struct problem *p);

/* ---- Calendars (calendar.c) and iCalendar (ical.c) ---- */
#define CALENDAR_RANGE_MAX_DAYS 366
/* One entry of a calendar: a dated part of an event, a course's due date or a quiz's close. */
struct cal_item {
    const char *kind;             /* "event", "due" or "quiz" */
    int64_t event_id, activity_id;
    int position;                 /* an event's part, from 1 */
    int64_t starts_at, ends_at;   /* a due date or a quiz's close: both the moment */
    const char *title, *course_code, *course_title;
    /* events: "booked", "waitlisted", "trains", "scheduled" or "cancelled"; due: "open" or
     * "completed" (a person's own), "" (a course's, with people counted) */
    const char *state;
    const char *timezone, *room, *site, *address, *meeting_url, *note;
    int64_t sequence, people;
};
struct cal_items {
    struct cal_item *items;       /* in the arena, by time */
    size_t n;
};
/* A person's calendar between from and to (UTC, to excluded): the events they are booked or
 * waitlisted on and those they train, the due dates of their enrolments and the closing times
 * of their courses' quizzes. One query. */
lerr calendar_person(struct db *db, struct arena *a, int64_t user_id, int64_t from, int64_t to,
                     struct cal_items *out, struct problem *p);
/* A course's events, its quizzes' closes and its learners' due dates (counted by date), or
 * only learner_id's own due date when learner_id is given. One query. */
lerr calendar_course(struct db *db, struct arena *a, int64_t course_id, int64_t learner_id, int64_t from, int64_t to,
                     struct cal_items *out, struct problem *p);
/* The events planned in a room (its occupancy). One query. */
lerr calendar_room(struct db *db, struct arena *a, int64_t room_id, int64_t from, int64_t to, struct cal_items *out,
                   struct problem *p);
/* The items as JSON: [{"kind", "title", "starts_at", "ends_at", "course": {"code", "title"},
 * "state", "event_id", "part", "location", "path"}]. */
json_t *cal_items_json(const struct cal_items *c);
/* Where an item's page is: "/courses/CODE/sessions/N", ".../quizzes/N" or "/courses/CODE". */
const char *cal_item_path(struct arena *a, const struct cal_item *it);
/* A new secret address for user_id's feed; the one before stops working. *token_out (64 hex
 * characters) is shown once: only its SHA-256 is kept. */
lerr calendar_feed_renew(struct db *db, struct arena *a, int64_t user_id, const char **token_out, struct problem *p);
/* Whose feed token is: LE_NOTFOUND for a wrong or replaced one. */
lerr calendar_feed_owner(struct db *db, const char *token, int64_t *user_id);
/* When user_id's feed address was made; 0 when they have none. */
int64_t calendar_feed_created(struct db *db, int64_t user_id);
/* A VCALENDAR with a VEVENT per event part (UID "event-ID-part-N@host", DTSTART and DTEND in
 * the event's zone with its VTIMEZONE, SUMMARY, LOCATION, DESCRIPTION, URL, ORGANIZER,
 * SEQUENCE, STATUS). method: NULL for a feed, "REQUEST" or "CANCEL" for an invitation.
 * base_url: the site's address (links and the UIDs' host); organizer: "mailto:..." or "". Items
 * that are not events are left out. NULL when libical fails. */
struct ical_attendee {
    const char *email, *name; /* ATTENDEE:mailto:email with CN=name */
    bool accepted;            /* PARTSTAT=ACCEPTED (a booking), else DECLINED (a cancelled one) */
};
/* who: the person an invitation is for (ATTENDEE, ROLE=REQ-PARTICIPANT), or NULL (a feed). */
const char *ical_build(struct arena *a, const struct cal_items *c, const char *method, const char *base_url,
                       const char *organizer, const char *name, const struct ical_attendee *who);
/* ---- A session activity's settings (session_settings.c) ---- */
#define SESSION_OFFSETS_MAX 5
#define SESSION_OFFSET_LONGEST (30 * 86400)
struct session_settings {
    bool needs_approval;          /* bookings wait for the learner's line manager */
    bool partly_completes;        /* "partly attended" completes the session as "attended" does */
    int n_offsets;                /* reminders, in seconds before an event's start, longest first */
    int64_t offsets[SESSION_OFFSETS_MAX];
};
/* The activity's settings; the defaults (no approval, reminders 2 days and 2 hours before,
 * only "attended" completes) when none were saved. */
lerr session_settings_get(struct db *db, int64_t activity_id, struct session_settings *out, struct problem *p);
/* Reads "2d, 2h, 30m" (days, hours, minutes; "" = the defaults) into out; LE_INVALID naming
 * the field "reminders" and what to write. */
lerr session_offsets_parse(const char *text, struct session_settings *out, struct problem *p);
/* "2d, 2h": the offsets as session_offsets_parse reads them. */
const char *session_offsets_text(struct arena *a, const struct session_settings *s);
/* Saves the settings of a session activity of the course (LE_NOTFOUND when activity_id is no
 * session of it). Audited. */
lerr session_settings_save(struct db *db, struct arena *a, int64_t course_id, int64_t activity_id,
                           const struct session_settings *in, int64_t actor_id, struct problem *p);
/* {"needs_approval", "partly_completes", "reminders": "2d, 2h", "reminder_offsets": [s]}. */
json_t *session_settings_json(struct arena *a, const struct session_settings *s);
/* A session activity as its page shows it. */
struct session_view {
    int64_t id;
    const char *title;
    int64_t completed_at;         /* the viewer's; 0 = not completed */
    bool viewer_has_manager;      /* whether the viewer has a line manager (who approves) */
    struct session_settings settings;
};
/* The course's session activity id with the viewer's completion, its settings and whether the
 * viewer has a line manager, in one query (the page's budget is five). LE_NOTFOUND (field
 * "id") when it is no session activity of the course. */
lerr session_view_get(struct db *db, struct arena *a, int64_t course_id, int64_t id, int64_t viewer_id,
                      struct session_view *out, struct problem *p);

/* ---- Line-manager approval (approval.c) ---- */
#define DECLINE_REASON_MAX 2000
/* Approves user_id's request for the event: a seat when one is free, else the waitlist; the
 * learner is told by mail. Only the learner's line manager or an administrator (admin true)
 * decides: anyone else gets LE_NOTFOUND. LE_CONFLICT when the request was decided already.
 * *state_out: "booked" or "waitlisted". Audited. */
lerr booking_approve(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, int64_t actor_id, bool admin,
                     const char **state_out, struct problem *p);
/* Declines it with a reason (required, LE_INVALID field "reason"), which the learner is told by
 * mail. As booking_approve otherwise. */
lerr booking_decline(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, const char *reason,
                     int64_t actor_id, bool admin, struct problem *p);
/* The requests awaiting viewer_id's decision, oldest first: their reports', and for an
 * administrator (admin true) everyone's. [{"event_id", "event_title", "starts_at", "course",
 * "course_title", "activity_id", "username", "first_name", "last_name", "requested_at",
 * "manager": username|null}]. */
json_t *approvals_json(struct db *db, int64_t viewer_id, bool admin);

/* ---- Reminders (reminder.c) ---- */
/* Sends what is due at `now`: to booked learners and trainers before each scheduled event, at
 * the session's offsets (only the nearest offset that has passed, so an event booked late
 * reminds once), and to line managers of requests pending two days. Each message goes out
 * once: a row in planning_reminders_sent, unique per person, event, kind, offset and the
 * event's start, is written in the transaction that queues the message. *sent_out counts the
 * messages queued. */
#define APPROVAL_REMINDER_AFTER (2 * 86400)
lerr planning_reminders_scan(struct db *db, struct arena *a, int64_t now, int *sent_out, struct problem *p);

/* ---- Attendance by dated part (attendance_parts.c) ---- */
/* Records a booked person's attendance at one part (1 = the first) of the event: "attended",
 * "no_show" or "excused". When every part is marked, the event's attendance follows (every
 * part attended: "attended"; some: "partly"; every part excused: "excused"; else "no_show")
 * with what attendance_record sets off. LE_INVALID naming "status" or "part". Audited. */
lerr attendance_record_part(struct db *db, struct arena *a, int64_t event_id, const char *username, int64_t position,
                            const char *status, int64_t actor_id, struct problem *p);
/* {"parts": [{"position", "starts_at", "ends_at"}], "people": [{"username", "first_name",
 * "last_name", "attendance" (the event's, or null), "parts": [{"position", "status"|null}]}]},
 * the booked people by name. Two queries. */
json_t *attendance_parts_json(struct db *db, int64_t event_id);

/* ---- Attendance extras (attendance.c) ---- */
/* Marks every booked person without attendance as attended, in one transaction, completing
 * the session for each. *n_out: how many were marked. Audited. */
lerr attendance_all_attended(struct db *db, struct arena *a, int64_t event_id, int64_t actor_id, int *n_out,
                             struct problem *p);

#endif
