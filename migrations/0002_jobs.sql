-- 0002_jobs: the job queue any node's workers take work from (src/model/job.c, docs/jobs.md).
-- A worker claims a job by setting state 'running' with a lease (lease_owner, lease_until) and
-- extends the lease while it works; a job whose lease ran out (its node died) is claimed again
-- by another worker. attempts counts claims; a failed attempt is retried after a backoff until
-- max_attempts, then the job stays 'failed'.
-- The PostgreSQL engine carries migrations/postgres/0002_jobs.sql with an identity column.

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                        -- a name in the job kind table (src/jobs/kinds.c)
    payload TEXT NOT NULL DEFAULT '{}',        -- JSON object
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
    run_at BIGINT NOT NULL,                    -- not before this time
    lease_owner TEXT,                          -- "node/worker" holding it while running
    lease_until BIGINT NOT NULL DEFAULT 0,
    started_at BIGINT,                         -- of the latest attempt
    finished_at BIGINT,
    last_error TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '',           -- JSON from the kind's handler, when done
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- Claiming: queued jobs that are due, and running jobs whose lease has run out.
CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE INDEX jobs_leases ON jobs (state, lease_until);
