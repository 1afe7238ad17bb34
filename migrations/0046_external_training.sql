-- 0046_external_training: training a person did outside Lectern (a conference, a supplier's
-- course), entered by the person or an administrator and approved by their line manager or an
-- administrator before it counts in their training record (docs/records.md). Times are epoch
-- seconds UTC; the date is the day's midnight UTC.

CREATE TABLE external_training (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    provider TEXT NOT NULL DEFAULT '',
    done_on BIGINT NOT NULL,                   -- the date it was done
    hours REAL NOT NULL CHECK (hours > 0),
    evidence_sha256 TEXT REFERENCES files (sha256), -- a certificate or receipt; NULL = none
    evidence_name TEXT NOT NULL DEFAULT '',
    evidence_mime TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'declined')),
    decided_by BIGINT,
    decided_at BIGINT,
    decline_reason TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX external_training_by_user ON external_training (user_id, done_on);
CREATE INDEX external_training_pending ON external_training (state, user_id) WHERE state = 'pending';
