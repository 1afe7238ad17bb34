-- 0032_planning_approval: line-manager approval of bookings, reminders before events and about
-- pending approvals, and the session activity's own settings (docs/planning.md).
--
-- A booking may wait for the learner's line manager ('awaiting_approval', no seat taken) and
-- may be refused ('declined', with the reason the learner is told). SQLite cannot change a
-- CHECK in place, so event_bookings is rebuilt; migrations run with foreign keys off and a
-- foreign_key_check, so rows that name a booking stay valid.
CREATE TABLE event_bookings_new (
    id INTEGER PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    state TEXT NOT NULL CHECK (state IN ('booked', 'waitlisted', 'cancelled', 'awaiting_approval', 'declined')),
    booked_by BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    attendance TEXT CHECK (attendance IN ('attended', 'partly', 'no_show', 'excused')),
    attendance_by BIGINT,
    attendance_at BIGINT,
    decided_by BIGINT,                          -- who approved or declined
    decided_at BIGINT,
    decline_reason TEXT NOT NULL DEFAULT ''
);
INSERT INTO event_bookings_new (id, event_id, user_id, state, booked_by, created_at, updated_at, attendance,
                                attendance_by, attendance_at)
    SELECT id, event_id, user_id, state, booked_by, created_at, updated_at, attendance, attendance_by, attendance_at
    FROM event_bookings;
DROP TABLE event_bookings;
ALTER TABLE event_bookings_new RENAME TO event_bookings;
-- A declined request is history like a cancelled booking: the person may ask again.
CREATE UNIQUE INDEX event_bookings_live ON event_bookings (event_id, user_id) WHERE state NOT IN ('cancelled', 'declined');
CREATE INDEX event_bookings_by_event ON event_bookings (event_id, state, id);
CREATE INDEX event_bookings_by_user ON event_bookings (user_id, state);

-- What a session activity asks beyond its title: whether bookings need the line manager's
-- approval, when reminders go out (seconds before an event's start, comma-separated; '' = the
-- default, 2 days and 2 hours), and whether "partly attended" completes it as "attended" does.
CREATE TABLE session_settings (
    activity_id BIGINT PRIMARY KEY REFERENCES activities (id),
    needs_approval INTEGER NOT NULL DEFAULT 0 CHECK (needs_approval IN (0, 1)),
    reminder_offsets TEXT NOT NULL DEFAULT '',
    partly_completes INTEGER NOT NULL DEFAULT 0 CHECK (partly_completes IN (0, 1)),
    updated_at BIGINT NOT NULL
);

-- Every reminder sent, once: the row is written in the transaction that puts the message in
-- the outbox, and the unique key refuses a second one, whichever node scans and however often
-- a scan is retried. The event's start is part of the key, so a moved event reminds again.
-- kind: 'event_learner' and 'event_trainer' (user_id: the person reminded; offset_s: how long
-- before the start) or 'approval' (user_id: the learner waiting; offset_s 0; sent to the
-- manager).
CREATE TABLE planning_reminders_sent (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('event_learner', 'event_trainer', 'approval')),
    event_id BIGINT NOT NULL REFERENCES events (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    offset_s BIGINT NOT NULL,
    event_starts_at BIGINT NOT NULL,
    sent_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX planning_reminders_once ON planning_reminders_sent (kind, event_id, user_id, offset_s, event_starts_at);
