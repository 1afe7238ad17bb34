-- 0029_planning: rooms, the events of session activities, their trainers and bookings with a
-- waitlist and attendance (docs/planning.md). Times are epoch seconds UTC; each event keeps the
-- IANA zone it was planned in. events.seats_taken counts the booked seats: a booking takes a
-- seat with "UPDATE ... SET seats_taken = seats_taken + 1 WHERE seats_taken < seats" inside
-- the booking's write transaction, so no engine and no number of nodes can oversell.

CREATE TABLE rooms (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    site TEXT NOT NULL DEFAULT '',             -- site or building
    address TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    resources TEXT NOT NULL DEFAULT '',        -- "projector, accessible, ..."
    notes TEXT NOT NULL DEFAULT '',
    meeting_url TEXT NOT NULL DEFAULT '',      -- a virtual room's https address
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX rooms_by_name ON rooms (site, name);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    activity_id BIGINT NOT NULL REFERENCES activities (id),   -- a 'session' activity
    title TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
    timezone TEXT NOT NULL,
    room_id BIGINT REFERENCES rooms (id),
    meeting_url TEXT NOT NULL DEFAULT '',
    seats INTEGER NOT NULL CHECK (seats >= 1),
    min_seats INTEGER NOT NULL DEFAULT 0 CHECK (min_seats >= 0),
    seats_taken INTEGER NOT NULL DEFAULT 0 CHECK (seats_taken >= 0),
    signup_opens_at BIGINT,                    -- NULL = open from the start
    signup_closes_at BIGINT,                   -- NULL = until the event starts
    cancel_cutoff_at BIGINT,                   -- NULL = learners cancel until the event starts
    cost_per_seat REAL NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'cancelled')),
    created_by BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX events_by_activity ON events (activity_id, starts_at);
CREATE INDEX events_by_course ON events (course_id, starts_at);
CREATE INDEX events_by_room ON events (room_id, starts_at);

CREATE TABLE event_trainers (
    event_id BIGINT NOT NULL REFERENCES events (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (event_id, user_id)
);

-- One live booking (booked or waitlisted) per person and event; cancelled ones stay as
-- history. The waitlist is in id order: the first to ask is the first booked.
CREATE TABLE event_bookings (
    id INTEGER PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    state TEXT NOT NULL CHECK (state IN ('booked', 'waitlisted', 'cancelled')),
    booked_by BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    attendance TEXT CHECK (attendance IN ('attended', 'partly', 'no_show', 'excused')),
    attendance_by BIGINT,
    attendance_at BIGINT
);
CREATE UNIQUE INDEX event_bookings_live ON event_bookings (event_id, user_id) WHERE state <> 'cancelled';
CREATE INDEX event_bookings_by_event ON event_bookings (event_id, state, id);
CREATE INDEX event_bookings_by_user ON event_bookings (user_id, state);
