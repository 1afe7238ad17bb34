-- 0017_enrolments_dashboard: the dashboard reads each live enrolment's role, due date,
-- completion and last access by learner; with completed_at and last_access_at added,
-- enrolments_by_user answers it (and the course page's own enrolment) without reading the
-- table, whose rows for one learner lie on pages of their own.
DROP INDEX enrolments_by_user;
CREATE INDEX enrolments_by_user ON enrolments (user_id, unenrolled_at, course_id, role, due_at, completed_at,
                                               last_access_at);
