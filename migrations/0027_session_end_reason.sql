-- 0027_session_end_reason: a "log in as" session ends on its own when its administrator is
-- suspended, loses the capability to log in as someone, or signs out, when the person it is for
-- becomes someone who may not be impersonated, or when its time is up (support.c). The reason
-- is kept on the session, so the browser that still holds it is told why in words, not with an
-- error, and the audit log's auth.impersonate_end says the same. '' = ended by its own holder.
ALTER TABLE sessions ADD COLUMN end_reason TEXT NOT NULL DEFAULT '';

-- Signing out ends the "log in as" sessions the person started: found by this index, which
-- holds only such sessions.
CREATE INDEX sessions_by_impersonator ON sessions (impersonator_id) WHERE impersonator_id IS NOT NULL;
