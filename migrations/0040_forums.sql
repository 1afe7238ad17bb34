-- 0040_forums: discussions (docs/communication.md). A forum per course, made the first time
-- somebody opens or posts in it, and one for the whole site (course_id 0); threads in a forum;
-- posts in a thread, the first being the thread's opening post. Times are epoch seconds UTC.

CREATE TABLE forums (
    id INTEGER PRIMARY KEY,
    course_id BIGINT NOT NULL UNIQUE,            -- 0 = the site-wide forum
    created_at BIGINT NOT NULL
);

CREATE TABLE forum_threads (
    id INTEGER PRIMARY KEY,
    forum_id BIGINT NOT NULL REFERENCES forums (id),
    title TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),  -- refuses new posts
    created_at BIGINT NOT NULL,
    last_post_at BIGINT NOT NULL,                -- orders the forum's list: newest activity first,
    last_post_id BIGINT NOT NULL DEFAULT 0       -- and the newest post within the same second
);
CREATE INDEX forum_threads_by_activity ON forum_threads (forum_id, pinned, last_post_at);

CREATE TABLE forum_posts (
    id INTEGER PRIMARY KEY,
    thread_id BIGINT NOT NULL REFERENCES forum_threads (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,                          -- Markdown as written
    body_html TEXT NOT NULL,                     -- through the safe renderer, once, when written
    hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),  -- by a moderator; moderators still see it
    created_at BIGINT NOT NULL,
    edited_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX forum_posts_by_thread ON forum_posts (thread_id, id);
