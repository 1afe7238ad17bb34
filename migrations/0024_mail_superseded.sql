-- 0024_mail_superseded: a message carrying a single-use link gets its token only when it is
-- sent (the outbox keeps the link's id, never a usable token). A message whose link was replaced
-- by a newer one, used or expired before it went out is not sent: it is 'superseded'.
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt; nothing refers to it.
CREATE TABLE mail_outbox_new (
    id INTEGER PRIMARY KEY,
    to_addr TEXT NOT NULL,
    template TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    subject TEXT NOT NULL DEFAULT '',
    user_id BIGINT REFERENCES users (id),
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'superseded')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    job_id BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    sent_at BIGINT
);
INSERT INTO mail_outbox_new SELECT id, to_addr, template, data, subject, user_id, state, attempts,
    last_error, job_id, created_at, updated_at, sent_at FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_new RENAME TO mail_outbox;
CREATE INDEX mail_outbox_by_state ON mail_outbox (state, id);
