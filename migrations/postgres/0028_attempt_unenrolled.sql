-- 0028_attempt_unenrolled: unenrolling a learner closes their open quiz attempts: each is
-- submitted with the answers saved so far and graded, like one whose time ran out, and kept
-- for the record with submitted_by = 'unenrolled' (attempt.c, attempts_close_unenrolled), so
-- results, statistics and the learner's own list show why it ended.
ALTER TABLE quiz_attempts DROP CONSTRAINT quiz_attempts_submitted_by_check;
ALTER TABLE quiz_attempts ADD CONSTRAINT quiz_attempts_submitted_by_check
    CHECK (submitted_by IN ('', 'learner', 'deadline', 'close', 'unenrolled'));
-- Closing a person's attempts when they leave a course finds them by person.
CREATE INDEX quiz_attempts_by_user ON quiz_attempts (user_id, state);
