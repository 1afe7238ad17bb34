-- 0041_schedule_rules: a programme assigned to a manager's reporting line, and each
-- programme's own expiry warning days (docs/schedules.md).
--
-- kind 'team' names the manager in user_id: everyone below them, direct and indirect. SQLite
-- cannot change a CHECK in place, so programme_rules is rebuilt; nothing refers to its rows.
CREATE TABLE programme_rules_new (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    kind TEXT NOT NULL CHECK (kind IN ('user', 'department', 'job_role', 'everyone', 'team')),
    user_id BIGINT REFERENCES users (id),
    department_id BIGINT REFERENCES departments (id),
    job_role_id BIGINT REFERENCES job_roles (id),
    created_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL DEFAULT 0
);
INSERT INTO programme_rules_new (id, programme_id, kind, user_id, department_id, job_role_id, created_at, created_by)
    SELECT id, programme_id, kind, user_id, department_id, job_role_id, created_at, created_by FROM programme_rules;
DROP TABLE programme_rules;
ALTER TABLE programme_rules_new RENAME TO programme_rules;
CREATE INDEX programme_rules_by_programme ON programme_rules (programme_id);

-- A certification's expiry warnings: days before the expiry, comma-separated ('' = none).
ALTER TABLE programmes ADD COLUMN remind_expiry TEXT NOT NULL DEFAULT '60,30';
