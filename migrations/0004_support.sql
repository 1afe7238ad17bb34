-- 0004_support: password and sign-in support (src/model/support.c, src/model/mail.c,
-- docs/support.md): single-use sign-in links (password reset, welcome), the forgot-password
-- requests that rate limits count, the mail outbox, and the real administrator behind a
-- "log in as" session.
-- The PostgreSQL engine carries migrations/postgres/0004_support.sql with identity columns.

-- A link's token is 256 random bits shown once in the message; only its SHA-256 is stored.
CREATE TABLE signin_links (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('reset', 'welcome')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,                            -- used, or replaced by a newer link
    requested_by BIGINT NOT NULL DEFAULT 0,    -- 0 = the person (forgot password) or the system
    ip TEXT                                    -- of the request, for self-service
);
CREATE INDEX signin_links_by_user ON signin_links (user_id, created_at);

-- One row per forgot-password request, so that every node counts the same: per address
-- (ip) and per account (user_id, rows whose outcome is 'sent').
CREATE TABLE reset_requests (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    ip TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id),      -- NULL when nothing matched
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'unknown', 'no_email', 'suspended',
                                             'ip_limited', 'account_limited', 'failed'))
);
CREATE INDEX reset_requests_by_ip ON reset_requests (ip, at);
CREATE INDEX reset_requests_by_user ON reset_requests (user_id, at);
CREATE INDEX reset_requests_by_at ON reset_requests (at);

-- Messages leave through the outbox: a row per message and a 'mail.send' job that renders
-- templates/mail/<template>.* with data and sends it over SMTP. data may hold a single-use
-- link until the message is sent; it is cleared then.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    to_addr TEXT NOT NULL,
    template TEXT NOT NULL,                    -- "password_reset", "signin_link", "test"
    data TEXT NOT NULL DEFAULT '{}',           -- JSON object for the template
    subject TEXT NOT NULL DEFAULT '',          -- filled when rendered
    user_id BIGINT REFERENCES users (id),      -- the recipient's account, if any
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    job_id BIGINT,                             -- the job that sends it now (a retry makes a new one)
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX mail_outbox_by_state ON mail_outbox (state, id);

-- "Log in as": the session belongs to the user; impersonator_id is the administrator behind it.
ALTER TABLE sessions ADD COLUMN impersonator_id BIGINT REFERENCES users (id);
