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

-- Moderation: a deleted post keeps its row (emptied, hidden from everyone but moderators, who
-- see that a post was deleted there); a deleted thread is gone from its forum for everyone.
ALTER TABLE forum_posts ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1));
ALTER TABLE forum_threads ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1));

-- A post reported to the forum's moderators by one of its readers, open until a moderator
-- resolves it (audited).
CREATE TABLE forum_reports (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES forum_posts (id),
    reporter_id BIGINT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,                          -- NULL while open
    resolved_by BIGINT REFERENCES users (id)
);
CREATE INDEX forum_reports_by_post ON forum_reports (post_id, resolved_at);

-- The kind of forum: a general discussion, or questions and answers, where a learner sees the
-- others' replies in a thread only once they have posted in it themselves (moderators see all).
ALTER TABLE forums ADD COLUMN kind TEXT NOT NULL DEFAULT 'general' CHECK (kind IN ('general', 'qa'));

-- Full-text search of the forums: posts' text and threads' titles, each in an FTS5 index kept
-- in sync by triggers (migrations/postgres/0042_forum_more.sql has generated tsvector columns
-- with GIN indexes instead; keep the two in step). Existing rows are indexed here.
CREATE VIRTUAL TABLE forum_posts_fts USING fts5(body, content='forum_posts', content_rowid='id');
INSERT INTO forum_posts_fts (rowid, body) SELECT id, body FROM forum_posts;
CREATE TRIGGER forum_posts_fts_insert AFTER INSERT ON forum_posts BEGIN
    INSERT INTO forum_posts_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER forum_posts_fts_delete AFTER DELETE ON forum_posts BEGIN
    INSERT INTO forum_posts_fts (forum_posts_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER forum_posts_fts_update AFTER UPDATE OF body ON forum_posts BEGIN
    INSERT INTO forum_posts_fts (forum_posts_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO forum_posts_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE VIRTUAL TABLE forum_threads_fts USING fts5(title, content='forum_threads', content_rowid='id');
INSERT INTO forum_threads_fts (rowid, title) SELECT id, title FROM forum_threads;
CREATE TRIGGER forum_threads_fts_insert AFTER INSERT ON forum_threads BEGIN
    INSERT INTO forum_threads_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER forum_threads_fts_delete AFTER DELETE ON forum_threads BEGIN
    INSERT INTO forum_threads_fts (forum_threads_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER forum_threads_fts_update AFTER UPDATE OF title ON forum_threads BEGIN
    INSERT INTO forum_threads_fts (forum_threads_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO forum_threads_fts (rowid, title) VALUES (new.id, new.title);
END;
