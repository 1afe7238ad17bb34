-- 0030_event_parts for PostgreSQL (the same schema as migrations/0030_event_parts.sql, which
-- tests/unit/test_pg.c compares): an event's dated parts (a class over several days) and its external
-- trainers (docs/planning.md). events.starts_at and ends_at stay the span (the first part's
-- start, the last part's end), so lists and sign-up rules read one row; conflicts compare
-- the parts. Every event so far has one part: its span.

CREATE TABLE event_parts (
    event_id BIGINT NOT NULL REFERENCES events (id),
    position INTEGER NOT NULL CHECK (position >= 1),     -- 1 = the first, by start
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
    PRIMARY KEY (event_id, position)
);
CREATE INDEX event_parts_by_time ON event_parts (starts_at, ends_at);

INSERT INTO event_parts (event_id, position, starts_at, ends_at) SELECT id, 1, starts_at, ends_at FROM events;

-- Trainers from outside the organisation, by name ("Dana Smith (Acme Safety)"), one a line.
ALTER TABLE events ADD COLUMN external_trainers TEXT NOT NULL DEFAULT '';
