-- 0034_certifications: a programme may be a certification that expires and is renewed
-- (docs/schedules.md). Validity is N days or to a fixed yearly date ('MM-DD', the end of that
-- day UTC); the renewal window opens window_days before expiry; the rhythm says whether an early
-- renewal counts from the old expiry or from the new completion. Renewal sets (renewal = 1) are
-- the renewal path; a certification without them renews on its own sets. Each assignment keeps
-- its current cycle (0 = the first certification) and when that cycle started: completions
-- before it belong to earlier cycles, archived in programme_completion_history and never lost.
ALTER TABLE programmes ADD COLUMN cert_valid_days INTEGER;          -- NULL and no yearly date = no certification
ALTER TABLE programmes ADD COLUMN cert_valid_until TEXT;            -- 'MM-DD': expires on that date each year
ALTER TABLE programmes ADD COLUMN cert_window_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE programmes ADD COLUMN cert_rhythm TEXT NOT NULL DEFAULT 'expiry' CHECK (cert_rhythm IN ('completion', 'expiry'));
ALTER TABLE programme_sets ADD COLUMN renewal INTEGER NOT NULL DEFAULT 0 CHECK (renewal IN (0, 1));
ALTER TABLE programme_assignments ADD COLUMN expires_at BIGINT;     -- the certification's expiry; NULL = never certified
ALTER TABLE programme_assignments ADD COLUMN cycle INTEGER NOT NULL DEFAULT 0;
ALTER TABLE programme_assignments ADD COLUMN cycle_started_at BIGINT NOT NULL DEFAULT 0;

-- One row per finished cycle, written when the renewal window opens: the completion, its score
-- (the mean of the best quiz results of the cycle, NULL without quizzes) and the expiry it gave.
CREATE TABLE programme_completion_history (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES programme_assignments (id),
    cycle INTEGER NOT NULL,
    completed_at BIGINT NOT NULL,
    score REAL,
    expires_at BIGINT,
    archived_at BIGINT NOT NULL,
    UNIQUE (assignment_id, cycle)
);

-- A course's activity progress from an earlier cycle, moved aside when the course is taken
-- again (courses/retake.c), so the new cycle starts empty and the old record stays.
CREATE TABLE activity_progress_archive (
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    how TEXT NOT NULL,
    completed_at BIGINT NOT NULL,
    archived_at BIGINT NOT NULL
);
CREATE INDEX activity_progress_archive_by_user ON activity_progress_archive (user_id, activity_id);
