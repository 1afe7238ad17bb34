/* What the requests' files share (request.c, request_state.c, request_read.c). */
#ifndef LECTERN_MODEL_COMMUNICATION_REQUEST_INTERNAL_H
#define LECTERN_MODEL_COMMUNICATION_REQUEST_INTERNAL_H

#include "internal.h"

/* A request's columns as they are written. */
struct request_row {
    const char *kind;
    int64_t needed_by;
    const char *title, *course_kind;
    int64_t course_id;
    const char *usernames, *due_date, *wanted_dates;
    int64_t seats;
    const char *notes;
};
/* Appends the audit entry "request:ID" (d: taken). */
lerr request_audit(struct db *db, struct arena *a, int64_t actor_id, const char *action, int64_t id, json_t *d,
                   struct problem *p);
/* Tells the requester where their request stands (its state now), by email through the outbox;
 * nothing when they have no address. Inside the caller's transaction. */
lerr request_tell(struct db *db, struct arena *a, int64_t id, struct problem *p);

#endif
