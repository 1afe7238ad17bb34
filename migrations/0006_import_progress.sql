-- 0006_import_progress: the bulk upload's commit runs as a background job ('user_import.commit',
-- src/jobs/import.c) and reports how far it has got (docs/people.md). status stays 'previewed'
-- until the job has written the rows; commit_phase says where the commit is:
--   ''        not asked for
--   'queued'  the job waits for a worker (or for its retry)
--   'hashing' passwords are being hashed (progress_done of progress_total rows)
--   'writing' the rows are being written, in one transaction
--   'failed'  nothing was written; commit_error says why (the upload may be committed again)
--   'done'    written (status is then 'committed')
-- While the writing transaction is open the row cannot show its own progress, so the node
-- running the job also keeps it in memory (src/jobs/import.c); the row has it before and after
-- each phase, and every quarter second while hashing.
ALTER TABLE user_imports ADD COLUMN commit_phase TEXT NOT NULL DEFAULT '';
ALTER TABLE user_imports ADD COLUMN progress_done BIGINT NOT NULL DEFAULT 0;
ALTER TABLE user_imports ADD COLUMN progress_total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE user_imports ADD COLUMN commit_error TEXT NOT NULL DEFAULT '';
ALTER TABLE user_imports ADD COLUMN job_id BIGINT;
