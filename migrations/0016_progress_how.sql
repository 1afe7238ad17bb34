-- 0016_progress_how: the course page shows, for each activity, whether, when and how the
-- learner completed it; it reads all of the learner's completions from one range of
-- activity_progress_by_user (as the dashboard does), which with `how` in it never touches the
-- table, whose rows for one learner lie scattered over many pages. The course outlines come from
-- memory now (src/model/outline.c, loaded through activities_by_section), so the dashboard's
-- covering index over the outline is no longer read.
DROP INDEX activity_progress_by_user;
CREATE INDEX activity_progress_by_user ON activity_progress (user_id, completed_at, activity_id, how);
DROP INDEX activities_outline;
