-- 0024_mail_superseded: see migrations/0024_mail_superseded.sql.
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_state_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_state_check
    CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'superseded'));
