-- 0028_attempt_unenrolled: unenrolling a learner closes their open quiz attempts: each is
-- submitted with the answers saved so far and graded, like one whose time ran out, and kept
-- for the record with submitted_by = 'unenrolled' (attempt.c, attempts_close_unenrolled), so
-- results, statistics and the learner's own list show why it ended.
--
-- SQLite cannot change a CHECK in place: the table is built again with the wider CHECK and
-- its rows copied. attempt_questions refers to it; migrations run with foreign keys off and
-- are checked before they commit (src/db/migrate.c), so its rows keep their attempts.
CREATE TABLE quiz_attempts_new (
    id INTEGER PRIMARY KEY,
    quiz_id BIGINT NOT NULL REFERENCES quizzes (activity_id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    number INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_progress', 'submitted')),
    started_at BIGINT NOT NULL,
    deadline_at BIGINT,                        -- NULL = no time limit or close time
    submitted_at BIGINT,
    submitted_by TEXT NOT NULL DEFAULT '' CHECK (submitted_by IN ('', 'learner', 'deadline', 'close', 'unenrolled')),
    page INTEGER NOT NULL DEFAULT 0,           -- where the learner was, to resume there
    score REAL,                                -- points awarded; NULL while in progress
    max_score REAL NOT NULL DEFAULT 0,
    percent REAL,                              -- score / max_score * 100, once graded
    needs_grading INTEGER NOT NULL DEFAULT 0,  -- essays waiting for a person
    UNIQUE (quiz_id, user_id, number)
);
INSERT INTO quiz_attempts_new SELECT id, quiz_id, user_id, number, state, started_at, deadline_at, submitted_at,
    submitted_by, page, score, max_score, percent, needs_grading FROM quiz_attempts;
DROP TABLE quiz_attempts;
ALTER TABLE quiz_attempts_new RENAME TO quiz_attempts;
CREATE INDEX quiz_attempts_open ON quiz_attempts (state, deadline_at);
CREATE INDEX quiz_attempts_by_quiz ON quiz_attempts (quiz_id, state, percent);
CREATE INDEX quiz_attempts_waiting ON quiz_attempts (quiz_id) WHERE needs_grading > 0;
-- Closing a person's attempts when they leave a course finds them by person.
CREATE INDEX quiz_attempts_by_user ON quiz_attempts (user_id, state);
