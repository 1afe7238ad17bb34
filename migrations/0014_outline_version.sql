-- 0014_outline_version: a course's outline (its live sections and activities, in order, with
-- their titles, kinds and whether they are required) is read on every dashboard and course
-- page, and changes rarely. Lectern keeps each course's outline in memory (src/model/outline.c)
-- and needs to know, from the course row it reads anyway, whether its copy is current:
-- outline_version goes up with every change to the outline, made by triggers so that no write
-- path (the editor, course copy, imports, the bench data generator) can forget it.
ALTER TABLE courses ADD COLUMN outline_version BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER course_sections_outline_insert AFTER INSERT ON course_sections
BEGIN
    UPDATE courses SET outline_version = outline_version + 1 WHERE id = NEW.course_id;
END;
CREATE TRIGGER course_sections_outline_update
AFTER UPDATE OF course_id, title, position, deleted_at ON course_sections
BEGIN
    UPDATE courses SET outline_version = outline_version + 1 WHERE id IN (OLD.course_id, NEW.course_id);
END;
CREATE TRIGGER course_sections_outline_delete AFTER DELETE ON course_sections
BEGIN
    UPDATE courses SET outline_version = outline_version + 1 WHERE id = OLD.course_id;
END;

CREATE TRIGGER activities_outline_insert AFTER INSERT ON activities
BEGIN
    UPDATE courses SET outline_version = outline_version + 1 WHERE id = NEW.course_id;
END;
CREATE TRIGGER activities_outline_update
AFTER UPDATE OF course_id, section_id, kind, title, position, required, allow_mark_done, deleted_at ON activities
BEGIN
    UPDATE courses SET outline_version = outline_version + 1 WHERE id IN (OLD.course_id, NEW.course_id);
END;
CREATE TRIGGER activities_outline_delete AFTER DELETE ON activities
BEGIN
    UPDATE courses SET outline_version = outline_version + 1 WHERE id = OLD.course_id;
END;
