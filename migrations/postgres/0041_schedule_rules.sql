-- 0041_schedule_rules for PostgreSQL (the same schema as migrations/0041_schedule_rules.sql):
-- a programme assigned to a manager's reporting line (kind 'team', the manager in user_id),
-- and each programme's own expiry warning days (docs/schedules.md).
ALTER TABLE programme_rules DROP CONSTRAINT programme_rules_kind_check;
ALTER TABLE programme_rules ADD CONSTRAINT programme_rules_kind_check
    CHECK (kind IN ('user', 'department', 'job_role', 'everyone', 'team'));

-- A certification's expiry warnings: days before the expiry, comma-separated ('' = none).
ALTER TABLE programmes ADD COLUMN remind_expiry TEXT NOT NULL DEFAULT '60,30';
