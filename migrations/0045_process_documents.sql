-- 0045_process_documents: the training department's documentation space: pages in Markdown in a
-- hierarchy, each with an owner, a review date, the audience that may read it, its attached
-- files and every revision kept; the once-only record of each owner's review reminder (docs/communication.md).
-- Times are epoch seconds UTC.

CREATE TABLE doc_pages (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,                 -- its address: /docs/SLUG
    parent_id BIGINT REFERENCES doc_pages (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,                        -- the newest revision's Markdown
    body_html TEXT NOT NULL,                   -- its safe rendering, made once when written
    audience TEXT NOT NULL CHECK (audience IN ('admin', 'instructor', 'manager', 'everyone')),
    owner_id BIGINT NOT NULL REFERENCES users (id),
    review_at BIGINT,                          -- the review day (its first second), NULL = none
    revision INTEGER NOT NULL,                 -- the newest revision's number
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX doc_pages_by_parent ON doc_pages (parent_id, title);
CREATE INDEX doc_pages_review ON doc_pages (review_at);

-- Every revision as written: a restore writes the old text again as a new one.
CREATE TABLE doc_revisions (
    page_id BIGINT NOT NULL REFERENCES doc_pages (id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL DEFAULT '',             -- what changed, in the author's words
    created_at BIGINT NOT NULL,
    PRIMARY KEY (page_id, number)
);

-- A page's files, kept in the content store (files, DATA_DIR/files/<sha256>) with the same
-- size cap and type checks as course files; removing one leaves the stored file for others.
CREATE TABLE doc_attachments (
    id INTEGER PRIMARY KEY,
    page_id BIGINT NOT NULL REFERENCES doc_pages (id),
    sha256 TEXT NOT NULL REFERENCES files (sha256),
    name TEXT NOT NULL,                        -- the file's name as uploaded
    mime TEXT NOT NULL,                        -- the type detected from its bytes
    size BIGINT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX doc_attachments_by_page ON doc_attachments (page_id, name);

-- The owner is reminded once per review date: the scan inserts here in the transaction that
-- queues the message, and the key refuses a second one.
CREATE TABLE doc_review_reminders (
    page_id BIGINT NOT NULL REFERENCES doc_pages (id),
    review_at BIGINT NOT NULL,
    queued_at BIGINT NOT NULL,
    PRIMARY KEY (page_id, review_at)
);
