-- 0042_forum_more: discussions, continued (docs/communication.md). Unread markers: for each
-- person and thread they have opened, the newest post they have been shown (one row, written
-- when the thread's page is viewed or the forum is marked read).

CREATE TABLE forum_reads (
    user_id BIGINT NOT NULL REFERENCES users (id),
    thread_id BIGINT NOT NULL REFERENCES forum_threads (id),
    last_post_id BIGINT NOT NULL,                -- posts after this one are unread
    PRIMARY KEY (user_id, thread_id)
);

-- A file attached to a post (one per post), its bytes in the content store (files) under their
-- SHA-256, checked like course files. Readable by whoever may see the post.
CREATE TABLE forum_attachments (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL UNIQUE REFERENCES forum_posts (id),
    sha256 TEXT NOT NULL REFERENCES files (sha256),
    file_name TEXT NOT NULL,                     -- as uploaded, shown and offered when downloading
    mime TEXT NOT NULL,
    size BIGINT NOT NULL
);
