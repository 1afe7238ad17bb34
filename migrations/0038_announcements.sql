-- 0038_announcements: announcements to the whole site, a course's people or an audience (a
-- department's subtree, a job role, a site role, a manager's team), with publish and expire
-- times, importance and pinning; who has seen or dismissed each one; and the once-only record
-- of each person's email (docs/communication.md). Times are epoch seconds UTC.

CREATE TABLE announcements (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,                        -- Markdown as written
    body_html TEXT NOT NULL,                   -- the safe rendering, made once when written
    audience TEXT NOT NULL CHECK (audience IN ('site', 'course', 'department', 'job_role', 'role', 'team')),
    course_id BIGINT REFERENCES courses (id),
    department_id BIGINT REFERENCES departments (id),
    job_role_id BIGINT REFERENCES job_roles (id),
    role_mask INTEGER NOT NULL DEFAULT 0,      -- audience 'role': a mask of site roles
    importance TEXT NOT NULL DEFAULT 'information' CHECK (importance IN ('information', 'important', 'urgent')),
    pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    email INTEGER NOT NULL DEFAULT 0 CHECK (email IN (0, 1)),
    publish_at BIGINT NOT NULL,
    expire_at BIGINT,                          -- NULL = shown until expired by hand
    author_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX announcements_live ON announcements (publish_at, expire_at);
CREATE INDEX announcements_by_course ON announcements (course_id, publish_at);

-- One row a person the first time an announcement is shown to them; dismissed_at when they
-- closed its banner.
CREATE TABLE announcement_views (
    announcement_id BIGINT NOT NULL REFERENCES announcements (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    seen_at BIGINT NOT NULL,
    dismissed_at BIGINT,
    PRIMARY KEY (announcement_id, user_id)
);

-- The email of an announcement to a person, recorded in the transaction that queues it: the
-- key refuses a second one, so a fan-out run twice sends nobody two.
CREATE TABLE announcement_emails (
    announcement_id BIGINT NOT NULL REFERENCES announcements (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    outbox_id BIGINT NOT NULL,
    queued_at BIGINT NOT NULL,
    PRIMARY KEY (announcement_id, user_id)
);

-- Every signed-in request reads auth_version (0018) with its session; shown_version beside it
-- changes with every change to an announcement, so each node knows from that one read whether
-- its summary of what may be showing (announcement_summary.c) is still current, and the
-- dashboard, course pages and the urgent banner ask nothing while no announcement is live.
-- It leaves version alone: the sessions' cached lookups stay good.
ALTER TABLE auth_version ADD COLUMN shown_version BIGINT NOT NULL DEFAULT 0;
UPDATE auth_version SET shown_version = random() WHERE id = 1;
CREATE TRIGGER announcements_shown_insert AFTER INSERT ON announcements
BEGIN
    UPDATE auth_version SET shown_version = random() WHERE id = 1;
END;
CREATE TRIGGER announcements_shown_update AFTER UPDATE ON announcements
BEGIN
    UPDATE auth_version SET shown_version = random() WHERE id = 1;
END;
CREATE TRIGGER announcements_shown_delete AFTER DELETE ON announcements
BEGIN
    UPDATE auth_version SET shown_version = random() WHERE id = 1;
END;
