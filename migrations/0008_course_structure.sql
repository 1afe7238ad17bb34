-- 0008_course_structure: editing a course's structure (docs/courses.md). Sections and
-- activities are renamed and reordered in place; deleting one sets deleted_at instead of
-- removing the row, so learners' activity_progress (and the audit trail) keep pointing at it.
-- Every read of a course's content, progress and completion leaves deleted rows out.
ALTER TABLE course_sections ADD COLUMN deleted_at BIGINT;
ALTER TABLE activities ADD COLUMN deleted_at BIGINT;
