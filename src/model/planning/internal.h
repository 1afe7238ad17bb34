/* What only the planning domain's files share. */
#ifndef LECTERN_MODEL_PLANNING_INTERNAL_H
#define LECTERN_MODEL_PLANNING_INTERNAL_H

#include "planning.h"
#include "../internal.h"
#include "../platform/platform.h"

/* An https:// address without spaces or quotes, at most 2000 bytes ("" passes: none). */
bool planning_https_ok(const char *url);
/* Appends an audit entry with details d (stolen): LE_DB problem on failure. */
lerr planning_audit(struct db *db, struct arena *a, int64_t actor_id, const char *action, const char *what,
                    int64_t id, json_t *d, struct problem *p);
/* The first on the event's waitlist takes a free seat, if there is one (inside the caller's
 * transaction); *promoted_out gets their user id, 0 when nobody moved. */
lerr booking_promote(struct db *db, struct arena *a, int64_t event_id, int64_t *promoted_out, struct problem *p);
/* Puts a message to the person about the event in the outbox (template "event_<what>"). */
lerr planning_tell(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, const char *what,
                   struct problem *p);
/* The same to to_user_id about about_user_id (the learner, named in the message; 0 = none),
 * with extra fields for the template (borrowed; NULL = none). */
lerr planning_tell_about(struct db *db, struct arena *a, int64_t event_id, int64_t to_user_id, int64_t about_user_id,
                         const char *what, json_t *extra, struct problem *p);
/* Takes a seat on the event if one is free (*taken), inside the caller's transaction. */
lerr booking_take_seat(struct db *db, int64_t event_id, bool *taken, struct problem *p);
/* The reminder offsets as stored (seconds, comma-separated; "" or NULL = the defaults) into s,
 * whose other settings are reset to the defaults (session_settings.c). */
void session_offsets_from_column(const char *col, struct session_settings *s);
/* Whether the event's session asks the line manager to approve bookings (approval.c). */
lerr booking_needs_approval(struct db *db, int64_t event_id, bool *needs, struct problem *p);
/* Tells the learner's line manager that a request awaits them (none: administrators decide,
 * from their approvals page). Inside the booking's transaction. */
lerr approval_requested(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, struct problem *p);

/* An event's dated parts as rows (event_id, position, starts_at, ends_at): every calendar and
 * invitation reads an event's dates from here (migration 0030 gave each older event one part,
 * its span). */
#define EVENT_PARTS "(SELECT event_id, position, starts_at, ends_at FROM event_parts)"
/* The event's date or place changed: its sequence rises and every booked person is told
 * ("changed", with the invitation again). Inside the caller's transaction. */
lerr planning_event_changed(struct db *db, struct arena *a, int64_t event_id, struct problem *p);
/* The invitation about event_id for the person `who` told "what" ("booked", "confirmed" and "changed": REQUEST;
 * "cancelled" and "booking_cancelled": CANCEL), or *out->type NULL when "what" carries none. */
lerr planning_invitation(struct db *db, struct arena *a, int64_t event_id, const char *what,
                         const struct ical_attendee *who, struct mail_attachment *out, struct problem *p);
/* An event's parts as stored (event_parts.c): its span as one part when it has none. */
lerr event_parts_load(struct db *db, int64_t event_id, struct event_part *out, int *n_out, struct problem *p);
/* Replaces the event's parts with these (inside the caller's transaction). */
lerr event_parts_write(struct db *db, int64_t event_id, const struct event_part *parts, int n, struct problem *p);
/* [{"starts_at", "ends_at"}] */
json_t *event_parts_json(const struct event_part *parts, int n);

/* The person's live bookings on other scheduled events overlapping a part of this one, as
 * conflicts of kind "booking" (conflict.c); NULL with p set on a database failure. */
json_t *booking_clashes(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, struct problem *p);
/* LE_OK when there are no conflicts, or a reason is given by someone who may override; else
 * LE_CONFLICT (no reason) or LE_FORBIDDEN (not theirs to override), reason "conflicts". *out
 * (when out is set) gets a reference to conflicts either way. */
lerr planning_conflicts_settle(json_t *conflicts, const char *reason, bool may_override, json_t **out,
                               struct problem *p);
/* Audits an override ("conflict.override") with its reason and the conflicts, if any. */
lerr planning_override_audit(struct db *db, struct arena *a, int64_t actor_id, int64_t event_id, const char *reason,
                             json_t *conflicts, struct problem *p);

/* A booked person of an event (attendance.c). */
struct booked_person {
    int64_t booking_id, user_id, activity_id;
};
/* username's live, booked place on the event: LE_NOTFOUND (field "username") when they hold none. */
lerr attendance_find_booked(struct db *db, int64_t event_id, const char *username, struct booked_person *out,
                            struct problem *p);
/* Records the event's attendance for them and what it sets off (completion, the no-show
 * report), audited; inside the caller's transaction. */
lerr attendance_set(struct db *db, struct arena *a, int64_t event_id, const struct booked_person *who,
                    const char *status, int64_t actor_id, struct problem *p);

#endif
