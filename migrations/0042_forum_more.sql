-- 0042_forum_more: discussions, continued (docs/communication.md). Unread markers: for each
-- person and thread they have opened, the newest post they have been shown (one row, written
-- when the thread's page is viewed or the forum is marked read).

CREATE TABLE forum_reads (
    user_id BIGINT NOT NULL REFERENCES users (id),
    thread_id BIGINT NOT NULL REFERENCES forum_threads (id),
    last_post_id BIGINT NOT NULL,                -- posts after this one are unread
    PRIMARY KEY (user_id, thread_id)
);
