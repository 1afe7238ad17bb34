-- 0005_courses: course categories (a tree), courses, tags, course policies and their
-- acknowledgements, enrolments, and the catalogue's full-text index (docs/courses.md).
-- Portable SQL except INTEGER PRIMARY KEY and the search index: SQLite keeps an FTS5 table
-- (courses_fts) in sync by triggers; migrations/postgres/0005_courses.sql has a generated
-- tsvector column (courses.search_tsv) with a GIN index instead. Keep the two in step.

CREATE TABLE course_categories (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id BIGINT REFERENCES course_categories (id), -- NULL = top level
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX course_categories_by_parent ON course_categories (parent_id, name);

CREATE TABLE courses (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,                 -- the public key (API and URLs)
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',          -- Markdown, rendered safe
    category_id BIGINT REFERENCES course_categories (id),
    kind TEXT NOT NULL CHECK (kind IN ('elearning', 'classroom', 'blended')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    visible INTEGER NOT NULL DEFAULT 1 CHECK (visible IN (0, 1)), -- listed in the catalogue
    self_enrol INTEGER NOT NULL DEFAULT 0 CHECK (self_enrol IN (0, 1)),
    start_at BIGINT,                           -- epoch seconds (a date's midnight UTC); NULL = none
    end_at BIGINT,
    duration_minutes INTEGER NOT NULL DEFAULT 0, -- estimated; 0 = not given
    tag_list TEXT NOT NULL DEFAULT '',         -- the tags, comma-separated (course_tags is the truth)
    policy TEXT NOT NULL DEFAULT '',           -- Markdown a learner acknowledges; '' = none
    policy_version INTEGER NOT NULL DEFAULT 0, -- bumped whenever the policy text changes
    copied_from BIGINT REFERENCES courses (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX courses_by_category ON courses (category_id, status, title);
CREATE INDEX courses_by_status ON courses (status, visible, title);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE                  -- lower case
);
CREATE TABLE course_tags (
    course_id BIGINT NOT NULL REFERENCES courses (id),
    tag_id BIGINT NOT NULL REFERENCES tags (id),
    PRIMARY KEY (course_id, tag_id)
);
CREATE INDEX course_tags_by_tag ON course_tags (tag_id, course_id);

-- A learner's acknowledgement of one version of a course's policy.
CREATE TABLE policy_acks (
    id INTEGER PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    version INTEGER NOT NULL,
    acknowledged_at BIGINT NOT NULL,
    UNIQUE (course_id, user_id, version)
);

-- Enrolments: one live row per course and person (unenrolled_at NULL); unenrolment keeps the
-- row and its history. Overdue is computed from due_at, never stored.
CREATE TABLE enrolments (
    id INTEGER PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('learner', 'instructor')),
    source TEXT NOT NULL CHECK (source IN ('manual', 'rule', 'self')),
    due_at BIGINT,                             -- NULL = no due date
    enrolled_at BIGINT NOT NULL,
    enrolled_by BIGINT NOT NULL DEFAULT 0,     -- 0 = the system or the person themself
    unenrolled_at BIGINT,
    completed_at BIGINT,
    last_access_at BIGINT
);
CREATE UNIQUE INDEX enrolments_live ON enrolments (course_id, user_id) WHERE unenrolled_at IS NULL;
CREATE INDEX enrolments_by_user ON enrolments (user_id, unenrolled_at, course_id, role, due_at);

-- Enrolment rules: everyone in a department's subtree, everyone with a job role, or everyone.
-- enrol_rules_sync (course.c) enrols the people a rule matches (source 'rule') and ends the
-- rule enrolments of people no rule matches any more, keeping their history.
CREATE TABLE enrolment_rules (
    id INTEGER PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    kind TEXT NOT NULL CHECK (kind IN ('department', 'job_role', 'everyone')),
    department_id BIGINT REFERENCES departments (id),
    job_role_id BIGINT REFERENCES job_roles (id),
    due_days INTEGER NOT NULL DEFAULT 0,       -- due this many days after enrolment; 0 = none
    created_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX enrolment_rules_by_course ON enrolment_rules (course_id);

-- Content: ordered sections of activities. An activity's kind names a handler in
-- src/model/activity_kinds.c (page, file, link; quiz, SCORM and sessions later), which says
-- which of the columns below it uses and how it is completed.
CREATE TABLE course_sections (
    id INTEGER PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    title TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX course_sections_by_course ON course_sections (course_id, position);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    section_id BIGINT NOT NULL REFERENCES course_sections (id),
    kind TEXT NOT NULL,                        -- a name in the activity kinds table
    title TEXT NOT NULL,
    position INTEGER NOT NULL,
    required INTEGER NOT NULL DEFAULT 1 CHECK (required IN (0, 1)), -- counts for completion
    allow_mark_done INTEGER NOT NULL DEFAULT 0 CHECK (allow_mark_done IN (0, 1)),
    body TEXT NOT NULL DEFAULT '',             -- page: Markdown
    url TEXT NOT NULL DEFAULT '',              -- link: http(s) address
    file_sha256 TEXT REFERENCES files (sha256), -- file: the stored bytes
    file_name TEXT NOT NULL DEFAULT '',        -- file: the name it is downloaded under
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX activities_by_section ON activities (course_id, section_id, position);

-- A person's completion of an activity: how (viewed, opened, followed, marked, or a later
-- kind's own word) and when. One row per activity and person.
CREATE TABLE activity_progress (
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    how TEXT NOT NULL,
    completed_at BIGINT NOT NULL,
    PRIMARY KEY (activity_id, user_id)
);
CREATE INDEX activity_progress_by_user ON activity_progress (user_id, completed_at);

-- The catalogue's full-text index over code, title and summary.
CREATE VIRTUAL TABLE courses_fts USING fts5(code, title, summary, content='courses', content_rowid='id');
CREATE TRIGGER courses_fts_insert AFTER INSERT ON courses BEGIN
    INSERT INTO courses_fts (rowid, code, title, summary) VALUES (new.id, new.code, new.title, new.summary);
END;
CREATE TRIGGER courses_fts_delete AFTER DELETE ON courses BEGIN
    INSERT INTO courses_fts (courses_fts, rowid, code, title, summary) VALUES ('delete', old.id, old.code, old.title, old.summary);
END;
CREATE TRIGGER courses_fts_update AFTER UPDATE OF code, title, summary ON courses BEGIN
    INSERT INTO courses_fts (courses_fts, rowid, code, title, summary) VALUES ('delete', old.id, old.code, old.title, old.summary);
    INSERT INTO courses_fts (rowid, code, title, summary) VALUES (new.id, new.code, new.title, new.summary);
END;
