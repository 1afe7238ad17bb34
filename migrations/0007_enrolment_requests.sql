-- 0007_enrolment_requests: self-enrolment that needs approval (docs/courses.md). A course with
-- self_enrol_approval = 1 turns a learner's self-enrolment into a request: 'pending' until
-- the learner's line manager (anyone above them in their reporting line) or an administrator
-- approves it (an enrolment with source 'self' is written) or declines it. One pending request
-- per course and person; decided requests stay as history.
ALTER TABLE courses ADD COLUMN self_enrol_approval INTEGER NOT NULL DEFAULT 0 CHECK (self_enrol_approval IN (0, 1));

CREATE TABLE enrolment_requests (
    id INTEGER PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
    requested_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by BIGINT NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT ''            -- the decider's note when declining
);
CREATE UNIQUE INDEX enrolment_requests_pending ON enrolment_requests (course_id, user_id) WHERE status = 'pending';
CREATE INDEX enrolment_requests_by_status ON enrolment_requests (status, requested_at);
