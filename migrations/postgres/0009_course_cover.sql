-- 0009_course_cover: a course's cover image (docs/courses.md), a stored file (content-addressed,
-- type detected from the bytes; PNG, JPEG, GIF or WebP) with its alternative text, shown in the
-- catalogue and on the course's page. NULL = no cover.
ALTER TABLE courses ADD COLUMN cover_sha256 TEXT REFERENCES files (sha256);
ALTER TABLE courses ADD COLUMN cover_alt TEXT NOT NULL DEFAULT '';
