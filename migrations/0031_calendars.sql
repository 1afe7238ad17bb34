-- 0031_calendars: calendars and iCalendar (docs/planning.md). An event's sequence rises each
-- time its date or place changes, so calendar programs replace the invitation they hold
-- (same UID, higher SEQUENCE). A person's calendar feed is reached by a secret address; only
-- the SHA-256 of its token is stored, like sessions and sign-in links. A message in the
-- outbox may carry one attachment (an invitation), kept as text with its content type.
ALTER TABLE events ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;

CREATE TABLE calendar_feeds (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,           -- SHA-256 of the token in the feed's address
    created_at BIGINT NOT NULL
);

ALTER TABLE mail_outbox ADD COLUMN attachment_type TEXT NOT NULL DEFAULT '';  -- '' = none
ALTER TABLE mail_outbox ADD COLUMN attachment TEXT NOT NULL DEFAULT '';
