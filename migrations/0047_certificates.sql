-- 0047_certificates: certificate templates per course or programme, and the certificates issued
-- from them on completion, each with a public verification code (docs/records.md). Times are
-- epoch seconds UTC.

CREATE TABLE certificate_templates (
    id INTEGER PRIMARY KEY,
    course_id BIGINT UNIQUE REFERENCES courses (id),
    programme_id BIGINT UNIQUE REFERENCES programmes (id),
    layout TEXT NOT NULL DEFAULT 'landscape' CHECK (layout IN ('landscape', 'portrait')),
    logo_sha256 TEXT REFERENCES files (sha256),   -- a PNG; NULL = none
    title TEXT NOT NULL,
    body TEXT NOT NULL,                           -- Mustache: {{name}} {{course}} {{date}} {{expires}} {{code}}
    valid_days INTEGER NOT NULL DEFAULT 0 CHECK (valid_days >= 0), -- a course's certificate: 0 = never expires
    updated_by BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    CHECK ((course_id IS NULL) <> (programme_id IS NULL))
);

-- One row per completion and generation: a completion issues generation 0 once (the unique
-- completion key), a reissue adds the next generation and revokes the one before.
CREATE TABLE certificates (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    course_id BIGINT REFERENCES courses (id),
    programme_id BIGINT REFERENCES programmes (id),
    completion_key TEXT NOT NULL,                 -- 'enrolment:ID' or 'programme:ASSIGNMENT:CYCLE'
    generation INTEGER NOT NULL DEFAULT 0,
    completed_at BIGINT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT,                            -- NULL = never
    revoked_at BIGINT,
    revoked_by BIGINT,
    revoke_reason TEXT NOT NULL DEFAULT '',
    issued_by BIGINT NOT NULL DEFAULT 0           -- 0 = issued on completion
);
CREATE UNIQUE INDEX certificates_once ON certificates (completion_key, generation);
CREATE INDEX certificates_by_user ON certificates (user_id, issued_at);
CREATE INDEX certificates_by_course ON certificates (course_id, issued_at);
