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

#endif
