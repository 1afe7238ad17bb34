-- 0033_schedules: programmes (an ordered list of course sets), the rules that assign them to
-- people, each person's assignment with its due date, and the extensions granted on it
-- (docs/schedules.md). Times are epoch seconds UTC.

CREATE TABLE programmes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',          -- Markdown, rendered safely
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'archived')),
    due_days INTEGER CHECK (due_days IS NULL OR due_days >= 1),   -- N days after assignment
    due_at BIGINT,                             -- or a fixed date; both NULL = no due date
    created_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

-- A set is complete when the person has completed all its courses (require_n 0) or any
-- require_n of them; after_previous keeps it closed until the set before it is complete.
CREATE TABLE programme_sets (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    position INTEGER NOT NULL,
    require_n INTEGER NOT NULL DEFAULT 0 CHECK (require_n >= 0),
    after_previous INTEGER NOT NULL DEFAULT 0 CHECK (after_previous IN (0, 1))
);
CREATE INDEX programme_sets_by_programme ON programme_sets (programme_id, position);

CREATE TABLE programme_set_courses (
    set_id BIGINT NOT NULL REFERENCES programme_sets (id),
    course_id BIGINT NOT NULL REFERENCES courses (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (set_id, course_id)
);

-- Who a programme is assigned to: one person, a department's subtree, a job role or everyone.
-- programme_rules_sync (schedules/assignment.c) keeps programme_assignments in step with them.
CREATE TABLE programme_rules (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    kind TEXT NOT NULL CHECK (kind IN ('user', 'department', 'job_role', 'everyone')),
    user_id BIGINT REFERENCES users (id),
    department_id BIGINT REFERENCES departments (id),
    job_role_id BIGINT REFERENCES job_roles (id),
    created_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX programme_rules_by_programme ON programme_rules (programme_id);

-- One row per programme and person, kept when the person leaves the assigned group (ended_at)
-- so their history stays; a person who comes back is assigned again on the same row.
CREATE TABLE programme_assignments (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    assigned_at BIGINT NOT NULL,
    due_at BIGINT,                             -- NULL = no due date
    completed_at BIGINT,
    ended_at BIGINT
);
CREATE UNIQUE INDEX programme_assignments_one ON programme_assignments (programme_id, user_id);
CREATE INDEX programme_assignments_by_user ON programme_assignments (user_id, ended_at);

CREATE TABLE programme_extensions (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES programme_assignments (id),
    previous_due_at BIGINT,
    due_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    granted_by BIGINT NOT NULL,
    granted_at BIGINT NOT NULL
);
CREATE INDEX programme_extensions_by_assignment ON programme_extensions (assignment_id);
