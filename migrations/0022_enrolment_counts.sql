-- 0022_enrolment_counts: the administrators' course list and a course's management overview
-- count each course's live enrolments and how many are completed. enrolments_live holds the
-- live rows but not completed_at, so counting completions read every enrolment row of the
-- course; this index answers both counts by itself, for one course or (grouped, when the list
-- is sorted by a count) for all of them.
CREATE INDEX enrolments_course_completed ON enrolments (course_id, completed_at) WHERE unenrolled_at IS NULL;
