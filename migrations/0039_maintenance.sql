-- 0039_maintenance: maintenance windows an administrator schedules, the messages sent about
-- them (one per person and window), and the site's maintenance settings: read-only mode and the
-- banner's lead time (docs/communication.md). Times are epoch seconds UTC.

CREATE TABLE maintenance_windows (
    id INTEGER PRIMARY KEY,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
    message TEXT NOT NULL,
    affected TEXT NOT NULL DEFAULT '',          -- what the window affects, in words
    read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),  -- the site reads only during it
    created_by BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX maintenance_windows_by_time ON maintenance_windows (ends_at, starts_at);

-- Each person is told of a window once: the job that sends the notices inserts here first.
CREATE TABLE maintenance_notices (
    window_id BIGINT NOT NULL REFERENCES maintenance_windows (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    queued_at BIGINT NOT NULL,
    PRIMARY KEY (window_id, user_id)
);

-- One row. Read-only mode is on while read_only = 1 and (until_at = 0 or until_at > now), so
-- it ends by itself at until_at on every node, with no job to turn it off.
CREATE TABLE maintenance_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
    until_at BIGINT NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    lead_hours INTEGER NOT NULL DEFAULT 72 CHECK (lead_hours >= 0),
    changed_by BIGINT NOT NULL DEFAULT 0,
    changed_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO maintenance_settings (id) VALUES (1);
