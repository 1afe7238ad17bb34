-- 0035_reminders: reminders and escalation for programmes, the messages administrators
-- rewrite, completions brought in from another system, and the person's start date
-- (docs/schedules.md, docs/people.md).

-- Each programme's reminders: days before the due date (comma-separated, '' = none), an
-- overdue notice, and the line manager told after escalate_days overdue (0 = never).
-- due_start_days: due N days after the person's start date (a third due rule beside
-- due_days and due_at).
ALTER TABLE programmes ADD COLUMN remind_before TEXT NOT NULL DEFAULT '14,7,1';
ALTER TABLE programmes ADD COLUMN remind_overdue INTEGER NOT NULL DEFAULT 1 CHECK (remind_overdue IN (0, 1));
ALTER TABLE programmes ADD COLUMN escalate_days INTEGER NOT NULL DEFAULT 7 CHECK (escalate_days >= 0);
ALTER TABLE programmes ADD COLUMN due_start_days INTEGER CHECK (due_start_days IS NULL OR due_start_days >= 1);

-- Every reminder sent, once: the unique key (assignment, due date, kind, days, person) is
-- inserted in the transaction that queues the message, so a second scan, a retry or another
-- node sends nothing twice, and an extension (a new due date) reminds again.
CREATE TABLE programme_reminders_sent (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                        -- schedules/reminder.c's table of kinds
    assignment_id BIGINT NOT NULL REFERENCES programme_assignments (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    days INTEGER NOT NULL,                     -- the "days before" of a before-due reminder, else 0
    due_at BIGINT NOT NULL,
    to_user_id BIGINT NOT NULL REFERENCES users (id),
    sent_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX programme_reminders_once ON programme_reminders_sent (assignment_id, due_at, kind, days, user_id);

-- An administrator's text for a mail template (templates/mail/NAME.txt.mustache), used instead
-- of the built-in one until reset (deleted).
CREATE TABLE mail_template_overrides (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT NOT NULL DEFAULT 0
);

-- The day the person started (YYYY-MM-DD), for due dates counted from it; NULL = not known.
ALTER TABLE users ADD COLUMN start_date TEXT CHECK (start_date IS NULL OR length(start_date) = 10);

-- Completions brought in by `lectern completion import` (from another LMS): a course's or a
-- programme's, with the date, and the expiry and score the file gave. The enrolment or
-- assignment they complete is marked too; these rows keep what the file said, so the same file
-- again changes nothing and the history keeps the score.
CREATE TABLE completion_history (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    course_id BIGINT REFERENCES courses (id),
    programme_id BIGINT REFERENCES programmes (id),
    completed_at BIGINT NOT NULL,
    expires_at BIGINT,
    score REAL,
    recorded_at BIGINT NOT NULL,
    recorded_by BIGINT NOT NULL DEFAULT 0,
    CHECK ((course_id IS NULL) <> (programme_id IS NULL))
);
CREATE INDEX completion_history_by_user ON completion_history (user_id, completed_at);
