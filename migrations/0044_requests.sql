-- 0044_requests: requests instructors and managers send the administrators (host a new course,
-- enrol people, schedule a class), each with the date it is needed by; the administrators'
-- queue works them in that order (docs/communication.md). Times are epoch seconds UTC.

CREATE TABLE admin_requests (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('course', 'enrol', 'class')),
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'in_progress', 'done', 'declined')),
    requester_id BIGINT NOT NULL REFERENCES users (id),
    needed_by BIGINT NOT NULL,                 -- the day it is needed by (its first second, UTC)
    title TEXT NOT NULL DEFAULT '',            -- course: the new course's title
    course_kind TEXT NOT NULL DEFAULT '',      -- course: elearning, classroom or blended
    course_id BIGINT REFERENCES courses (id),  -- enrol and class: the course
    usernames TEXT NOT NULL DEFAULT '',        -- enrol: one username a line
    due_date TEXT NOT NULL DEFAULT '',         -- enrol: the learners' due date, YYYY-MM-DD or ''
    wanted_dates TEXT NOT NULL DEFAULT '',     -- class: the dates wanted, in words
    seats INTEGER NOT NULL DEFAULT 0,          -- class: seats wanted, 0 = not said
    notes TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',           -- declined: why, as the requester is told
    handled_by BIGINT REFERENCES users (id),   -- the administrator who last changed its state
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- The queue: open requests by the date they are needed; and each requester's own list.
CREATE INDEX admin_requests_queue ON admin_requests (state, needed_by);
CREATE INDEX admin_requests_by_requester ON admin_requests (requester_id, created_at);

-- The administrators' dashboard flags overdue requests from a summary each node keeps under
-- auth_version.shown_version (request_summary.c): every change to a request gives it a new
-- value, as every change to an announcement does (0038), so the dashboard counts only while a
-- request may be overdue.
CREATE TRIGGER admin_requests_shown_insert AFTER INSERT ON admin_requests
BEGIN
    UPDATE auth_version SET shown_version = random() WHERE id = 1;
END;
CREATE TRIGGER admin_requests_shown_update AFTER UPDATE ON admin_requests
BEGIN
    UPDATE auth_version SET shown_version = random() WHERE id = 1;
END;
CREATE TRIGGER admin_requests_shown_delete AFTER DELETE ON admin_requests
BEGIN
    UPDATE auth_version SET shown_version = random() WHERE id = 1;
END;
