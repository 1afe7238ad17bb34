/* What only the people domain's files share. */
#ifndef LECTERN_MODEL_PEOPLE_INTERNAL_H
#define LECTERN_MODEL_PEOPLE_INTERNAL_H

#include "people.h"
#include "../internal.h"

/* ---- Session lookups in memory (session_cache.c) ----
 * The lookup of the session whose token hashes to token_hash, copied into the arena, if one
 * was stored under this auth version and the session is alive at now by the times it was read
 * with, and was last seen less than touch_s ago. */
bool session_cache_get(const char *token_hash, int64_t version, int64_t now, int64_t idle_s, int64_t touch_s,
                       struct arena *a, struct session_user *out);
/* Stores a live session's lookup, read under this auth version. */
void session_cache_put(const char *token_hash, int64_t version, int64_t last_seen, int64_t expires, int64_t now,
                       const struct session_user *su);
/* Drops a session the database no longer has alive. */
void session_cache_forget(const char *token_hash);

/* ---- "Log in as" sessions ending on their own (support.c), for session.c ----
 * Why a live impersonation may not go on with these people as they are now, or NULL. */
const char *impersonation_end_reason(bool admin_active, unsigned admin_roles, unsigned target_roles);
/* Records that the session ended for reason (once: a session already ended is left alone),
 * audited as auth.impersonate_end with the reason. */
lerr impersonation_close(struct db *db, int64_t session_id, const char *reason);

/* A real calendar date written YYYY-MM-DD (org.c): profile date fields and the start date. */
bool org_date_valid(const char *s);

/* LE_OK when no other domain refers to the department or job role `name`; otherwise
 * LE_CONFLICT with p saying what does and what to do (moved.c). */
lerr org_check_unreferenced(struct db *db, struct arena *a, enum org_kind kind, int64_t id, const char *name,
                            struct problem *p);

#endif
