-- 0003_people: the organisation (departments as a tree, job roles, each user's line manager),
-- the HR fields of a user, custom profile fields, and bulk user imports (docs/people.md).
-- Portable SQL except INTEGER PRIMARY KEY (SQLite's rowid); the PostgreSQL engine carries
-- migrations/postgres/0003_people.sql with identity columns. Keep the two in step.

CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    idnumber TEXT UNIQUE,                      -- the HR system's key; NULL = none
    parent_id BIGINT REFERENCES departments (id), -- NULL = a top-level department
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX departments_by_parent ON departments (parent_id, name);

CREATE TABLE job_roles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    idnumber TEXT UNIQUE,                      -- NULL = none
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

ALTER TABLE users ADD COLUMN idnumber TEXT;    -- the HR key; unique when set (index below)
ALTER TABLE users ADD COLUMN department_id BIGINT REFERENCES departments (id);
ALTER TABLE users ADD COLUMN job_role_id BIGINT REFERENCES job_roles (id);
ALTER TABLE users ADD COLUMN manager_id BIGINT REFERENCES users (id);  -- line manager
ALTER TABLE users ADD COLUMN institution TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN country TEXT NOT NULL DEFAULT '';  -- ISO 3166-1 alpha-2 or ''
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';     -- "en", "pt_br" or '' (site default)
ALTER TABLE users ADD COLUMN timezone TEXT NOT NULL DEFAULT ''; -- IANA name or '' (site default)
-- 1 = created without a password: the user needs a single-use sign-in link to choose one
-- (user_needs_signin_link in model.h; the mail side clears it when the link is sent).
ALTER TABLE users ADD COLUMN needs_signin_link INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN deleted_at BIGINT; -- deleted: suspended and anonymised; records stay
CREATE UNIQUE INDEX users_by_idnumber ON users (idnumber);
-- Reporting lines walk manager -> reports.
CREATE INDEX users_by_manager ON users (manager_id);
CREATE INDEX users_by_department ON users (department_id);

-- Custom profile fields the administrator defines; values per user.
CREATE TABLE profile_fields (
    id INTEGER PRIMARY KEY,
    shortname TEXT NOT NULL UNIQUE,            -- [a-z0-9_]; CSV column profile_field_<shortname>
    name TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('text', 'menu', 'checkbox', 'date')),
    options TEXT NOT NULL DEFAULT '',          -- menu choices, one per line
    required INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE profile_values (
    user_id BIGINT NOT NULL REFERENCES users (id),
    field_id BIGINT NOT NULL REFERENCES profile_fields (id),
    value TEXT NOT NULL,                       -- text; menu choice; '1'/'0'; YYYY-MM-DD
    PRIMARY KEY (user_id, field_id)
);
CREATE INDEX profile_values_by_field ON profile_values (field_id);

-- A bulk upload between its preview and its commit. The file itself is kept under
-- DATA_DIR/imports/<token>.csv (it may hold passwords: removed at commit or expiry).
CREATE TABLE user_imports (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,                -- 128-bit random hex: the import's public id
    filename TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL,                      -- of the stored file, checked at commit
    size BIGINT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',        -- JSON: mode and options chosen at upload
    status TEXT NOT NULL DEFAULT 'previewed' CHECK (status IN ('previewed', 'committed', 'expired')),
    result TEXT NOT NULL DEFAULT '',           -- JSON summary of the commit
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    committed_at BIGINT
);
CREATE INDEX user_imports_by_status ON user_imports (status, created_at);
