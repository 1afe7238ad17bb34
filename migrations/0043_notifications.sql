-- 0043_notifications: the notification centre (docs/notifications.md). Every message Lectern
-- sends is a type in platform's declared table (src/model/platform/notification_type.c); each
-- person chooses per type how it reaches them, and everything not turned off is kept here
-- for the bell and the list page (e-mails too), and for the daily digest. Times are epoch seconds UTC.

-- What a person chose for a type; no row = the type's default channel.
CREATE TABLE notification_preferences (
    user_id BIGINT NOT NULL REFERENCES users (id),
    type TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'inapp', 'digest', 'off')),
    PRIMARY KEY (user_id, type)
);

-- A notification shown in Lectern: its type and the data its line and link are rendered from
-- (JSON, as the mail has it) and the channel it went by; channel 'digest' ones are also
-- gathered into the person's daily digest. read_at NULL = unread.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    type TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'inapp', 'digest')),
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_by_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_digest ON notifications (created_at, user_id) WHERE channel = 'digest';

-- Each person's digest of a day (YYYY-MM-DD, UTC), recorded in the transaction that queues it:
-- the key refuses a second one, so a digest run twice, on two nodes or after a crash sends one.
CREATE TABLE notification_digests (
    user_id BIGINT NOT NULL REFERENCES users (id),
    day TEXT NOT NULL,
    items INTEGER NOT NULL,
    outbox_id BIGINT NOT NULL DEFAULT 0,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- The bell's count costs pages no query: users.notifications_unread (kept by notification.c in
-- the transaction that changes notifications) is read with the session, and notify_version
-- beside auth_version's other columns (read with every session) changes with every change to
-- notifications, so a node knows from that one read whether the count it holds (with a cached
-- session, or in the bell's own memory) is still current. Neither column is one the sessions'
-- cache is keyed on (0018's triggers name theirs), so cached lookups stay good.
ALTER TABLE users ADD COLUMN notifications_unread INTEGER NOT NULL DEFAULT 0;
ALTER TABLE auth_version ADD COLUMN notify_version BIGINT NOT NULL DEFAULT 0;
UPDATE auth_version SET notify_version = random() WHERE id = 1;
CREATE TRIGGER notifications_changed_insert AFTER INSERT ON notifications
BEGIN
    UPDATE auth_version SET notify_version = random() WHERE id = 1;
END;
CREATE TRIGGER notifications_changed_update AFTER UPDATE ON notifications
BEGIN
    UPDATE auth_version SET notify_version = random() WHERE id = 1;
END;
CREATE TRIGGER notifications_changed_delete AFTER DELETE ON notifications
BEGIN
    UPDATE auth_version SET notify_version = random() WHERE id = 1;
END;
