-- 0013_progress_by_user: the dashboard (content.c, learner_dashboard_json) reads everything a
-- learner has completed in one range of activity_progress_by_user, and the outline of each
-- enrolled course (its live activities in order, with their titles) from activities_outline;
-- with activity_id and the outline's columns in them, neither read touches its table.
-- activity_progress_by_user still orders a learner's completions by time.
DROP INDEX activity_progress_by_user;
CREATE INDEX activity_progress_by_user ON activity_progress (user_id, completed_at, activity_id);
CREATE INDEX activities_outline ON activities (course_id, deleted_at, section_id, position, id, required, title);
