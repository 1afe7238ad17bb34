-- 0048_forum_subscriptions for PostgreSQL (the same schema as migrations/0048_forum_subscriptions.sql):
-- who follows a forum or a thread (docs/communication.md). Starting a
-- thread or replying follows that thread; anyone who reads a forum may follow it or one of its
-- threads and stop. A new post is told to the followers through the notification centre (type
-- forum_post: e-mail, in Lectern, the daily digest or off, as each person chose), each person
-- once per post: forum_post_notices records who was told, in the transaction that tells them.

CREATE TABLE forum_subscriptions (
    user_id BIGINT NOT NULL REFERENCES users (id),
    forum_id BIGINT NOT NULL DEFAULT 0,          -- a whole forum; 0 for a thread's
    thread_id BIGINT NOT NULL DEFAULT 0,         -- one thread; 0 for a forum's
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, forum_id, thread_id),
    CHECK ((forum_id = 0) <> (thread_id = 0))
);
CREATE INDEX forum_subscriptions_by_forum ON forum_subscriptions (forum_id, user_id);
CREATE INDEX forum_subscriptions_by_thread ON forum_subscriptions (thread_id, user_id);

CREATE TABLE forum_post_notices (
    post_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
