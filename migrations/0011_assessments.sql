-- 0011_assessments: the question bank, quizzes, attempts and their answers
-- (docs/assessments.md). A question's type-specific part (answers, weights, feedback) is one
-- JSON document in questions.data, in the shape src/model/question.h describes, because the
-- GIFT reader and writer, the API and grading all speak that shape; the columns beside it are
-- the ones queries filter and sort on. Scores are REAL (DOUBLE PRECISION on PostgreSQL).

-- Question categories: per course (course_id) or shared by every course (course_id NULL).
-- name is a path, "Safety/Fire", as in GIFT's $CATEGORY lines.
CREATE TABLE question_categories (
    id INTEGER PRIMARY KEY,
    course_id BIGINT REFERENCES courses (id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX question_categories_by_name ON question_categories (COALESCE(course_id, 0), name);

CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    category_id BIGINT NOT NULL REFERENCES question_categories (id),
    qtype TEXT NOT NULL CHECK (qtype IN ('single', 'multi', 'truefalse', 'short', 'numerical', 'matching',
                                         'essay', 'description')),
    title TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL,                        -- the question object (question.h), as JSON
    version INTEGER NOT NULL DEFAULT 1,        -- bumped by every edit; attempts record theirs
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL DEFAULT 0,
    deleted_at BIGINT                          -- kept for the attempts that used it
);
CREATE INDEX questions_by_category ON questions (category_id, deleted_at, id);

-- A quiz is an activity (kind 'quiz') with these settings. Times are epoch seconds; NULL or 0
-- means none. Review settings say when a learner sees each thing: 'never', 'after_submit' or
-- 'after_close'.
CREATE TABLE quizzes (
    activity_id BIGINT PRIMARY KEY REFERENCES activities (id),
    random_category_id BIGINT REFERENCES question_categories (id), -- draw random_count from it per attempt
    random_count INTEGER NOT NULL DEFAULT 0,   -- 0 = the fixed questions in quiz_questions
    shuffle_questions INTEGER NOT NULL DEFAULT 0 CHECK (shuffle_questions IN (0, 1)),
    shuffle_answers INTEGER NOT NULL DEFAULT 1 CHECK (shuffle_answers IN (0, 1)),
    open_at BIGINT,
    close_at BIGINT,
    time_limit_seconds INTEGER NOT NULL DEFAULT 0, -- 0 = no limit
    attempts_allowed INTEGER NOT NULL DEFAULT 1,   -- 0 = unlimited
    grading_method TEXT NOT NULL DEFAULT 'highest' CHECK (grading_method IN ('highest', 'last', 'average', 'first')),
    pass_percent REAL NOT NULL DEFAULT 0,      -- 0..100; 0 = any finished attempt passes
    per_page INTEGER NOT NULL DEFAULT 0,       -- questions per page; 0 = all on one page
    review_answers TEXT NOT NULL DEFAULT 'after_submit',
    review_correct TEXT NOT NULL DEFAULT 'after_close',
    review_feedback TEXT NOT NULL DEFAULT 'after_submit',
    complete_on TEXT NOT NULL DEFAULT 'pass' CHECK (complete_on IN ('submit', 'pass')) -- the activity's completion
);

-- The fixed questions of a quiz, in order, with their points.
CREATE TABLE quiz_questions (
    quiz_id BIGINT NOT NULL REFERENCES quizzes (activity_id),
    question_id BIGINT NOT NULL REFERENCES questions (id),
    position INTEGER NOT NULL,
    points REAL NOT NULL DEFAULT 1,
    PRIMARY KEY (quiz_id, question_id)
);

-- Per-learner exceptions an instructor grants (audited): more time, more attempts.
CREATE TABLE quiz_overrides (
    quiz_id BIGINT NOT NULL REFERENCES quizzes (activity_id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    extra_seconds INTEGER NOT NULL DEFAULT 0,
    extra_attempts INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (quiz_id, user_id)
);

-- Attempts: numbered per learner. 'in_progress' until the learner submits or the server does
-- at the deadline ('submitted'); graded when no essay waits for a person (needs_grading 0).
CREATE TABLE quiz_attempts (
    id INTEGER PRIMARY KEY,
    quiz_id BIGINT NOT NULL REFERENCES quizzes (activity_id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    number INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_progress', 'submitted')),
    started_at BIGINT NOT NULL,
    deadline_at BIGINT,                        -- NULL = no time limit or close time
    submitted_at BIGINT,
    submitted_by TEXT NOT NULL DEFAULT '' CHECK (submitted_by IN ('', 'learner', 'deadline', 'close')),
    page INTEGER NOT NULL DEFAULT 0,           -- where the learner was, to resume there
    score REAL,                                -- points awarded; NULL while in progress
    max_score REAL NOT NULL DEFAULT 0,
    percent REAL,                              -- score / max_score * 100, once graded
    needs_grading INTEGER NOT NULL DEFAULT 0,  -- essays waiting for a person
    UNIQUE (quiz_id, user_id, number)
);
CREATE INDEX quiz_attempts_open ON quiz_attempts (state, deadline_at);
CREATE INDEX quiz_attempts_by_quiz ON quiz_attempts (quiz_id, state, percent);

-- The questions of one attempt in the order shown, with the answer order shown, the saved
-- response and its grade. Regrading reruns grading over response when a question changes.
CREATE TABLE attempt_questions (
    attempt_id BIGINT NOT NULL REFERENCES quiz_attempts (id),
    slot INTEGER NOT NULL,                     -- 1.. in display order
    question_id BIGINT NOT NULL REFERENCES questions (id),
    question_version INTEGER NOT NULL,
    points REAL NOT NULL,
    answer_order TEXT NOT NULL DEFAULT '',     -- JSON array of answer indices as shown; '' = as stored
    response TEXT,                             -- JSON (question.h); NULL = not answered
    saved_at BIGINT,
    fraction REAL,                             -- 0..1; NULL = not graded yet
    mark REAL,                                 -- fraction * points
    comment TEXT NOT NULL DEFAULT '',          -- the grader's comment
    graded_by BIGINT NOT NULL DEFAULT 0,       -- 0 = graded automatically
    graded_at BIGINT,
    PRIMARY KEY (attempt_id, slot)
);
CREATE INDEX attempt_questions_by_question ON attempt_questions (question_id, attempt_id);
