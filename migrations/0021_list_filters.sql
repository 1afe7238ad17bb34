-- 0020_list_filters: the audit log's filters page through the newest entries of one person,
-- one action or one target (keyset on id), and the administrator's dashboard counts this
-- month's completions without reading every enrolment.
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_target ON audit_log (target, id);
CREATE INDEX enrolments_by_completion ON enrolments (completed_at);
