-- 0010_activity_progress_index: the dashboard counts each enrolled course's required, live
-- activities; with required and deleted_at in the index those counts never touch the table.
CREATE INDEX activities_required ON activities (course_id, required, deleted_at, id);
