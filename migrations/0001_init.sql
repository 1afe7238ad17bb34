-- 0001_init: people, sign-in, sessions, the audit chain, site settings and stored files.
-- Times are epoch seconds (UTC) in BIGINT columns; booleans are 0/1 integers.
-- Portable SQL except INTEGER PRIMARY KEY (SQLite's rowid); the PostgreSQL engine carries its
-- own migrations/postgres/0001_init.sql with identity columns.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,             -- lowercase [a-z0-9._@-], 1..100
    email TEXT NOT NULL DEFAULT '',            -- '' = none
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    roles INTEGER NOT NULL CHECK (roles > 0),  -- mask of enum role (model.h)
    password_hash TEXT,                        -- argon2id string; NULL = cannot sign in
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    -- Lockout: failed sign-ins are counted from signin_attempts rows with an id above this one
    -- (set on success, on lock and on unlock) and inside the lockout window.
    failures_reset_id BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,    -- 0 = not locked
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    last_signin_at BIGINT
);
-- The user list is ordered by name; search is a substring match over name, username and email.
CREATE INDEX users_by_name ON users (last_name, first_name, username);
CREATE INDEX users_by_email ON users (email);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,           -- SHA-256 of the bearer token; the token is never stored
    csrf TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,                -- absolute expiry
    ip TEXT,
    user_agent TEXT,
    ended_at BIGINT                            -- sign-out, suspension, password reset
);
CREATE INDEX sessions_by_user ON sessions (user_id, ended_at);

CREATE TABLE signin_attempts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,                    -- as typed (truncated)
    user_id BIGINT REFERENCES users (id),      -- NULL for an unknown username
    at BIGINT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    success INTEGER NOT NULL CHECK (success IN (0, 1)),
    reason TEXT NOT NULL CHECK (reason IN ('ok', 'unknown_user', 'bad_password', 'locked', 'suspended'))
);
-- Lockout counting: failures of one user after a time.
CREATE INDEX signin_attempts_by_user ON signin_attempts (user_id, at);

-- Append-only and hash-chained: hash = SHA-256(prev_hash || canonical row); ids are assigned
-- consecutively by audit_append so a removed row shows as a gap. The chain's head (last id and
-- hash) is also kept in settings under 'audit.head', which reveals a removed or added tail.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT NOT NULL DEFAULT 0,        -- 0 = the system or the command line
    action TEXT NOT NULL,                      -- "user.create", "user.locked", ...
    target TEXT NOT NULL DEFAULT '',           -- "user:42"
    details TEXT NOT NULL DEFAULT '',          -- compact JSON with sorted keys, or ''
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Content-addressed files under DATA_DIR/files/<sha256>.
CREATE TABLE files (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size BIGINT NOT NULL,
    mime TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
