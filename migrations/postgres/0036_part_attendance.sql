-- 0036_part_attendance: attendance taken by dated part of an event (a class over several days
-- is taken day by day; docs/planning.md). When every part of a booking is marked, the
-- booking's own attendance follows from them.

CREATE TABLE event_part_attendance (
    booking_id BIGINT NOT NULL REFERENCES event_bookings (id),
    position INTEGER NOT NULL CHECK (position >= 1),
    status TEXT NOT NULL CHECK (status IN ('attended', 'no_show', 'excused')),
    recorded_by BIGINT NOT NULL DEFAULT 0,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (booking_id, position)
);
