-- 0014_outline_version: a course's outline (its live sections and activities, in order, with
-- their titles, kinds and whether they are required) is read on every dashboard and course
-- page, and changes rarely. Lectern keeps each course's outline in memory (src/model/outline.c)
-- and needs to know, from the course row it reads anyway, whether its copy is current:
-- outline_version goes up with every change to the outline, made by triggers so that no write
-- path (the editor, course copy, imports, the bench data generator) can forget it.
ALTER TABLE courses ADD COLUMN outline_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION course_outline_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE courses SET outline_version = outline_version + 1 WHERE id = OLD.course_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.course_id <> OLD.course_id) THEN
        UPDATE courses SET outline_version = outline_version + 1 WHERE id = NEW.course_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER course_sections_outline
AFTER INSERT OR DELETE OR UPDATE OF course_id, title, position, deleted_at ON course_sections
FOR EACH ROW EXECUTE FUNCTION course_outline_changed();

CREATE TRIGGER activities_outline
AFTER INSERT OR DELETE OR UPDATE OF course_id, section_id, kind, title, position, required, allow_mark_done,
    deleted_at ON activities
FOR EACH ROW EXECUTE FUNCTION course_outline_changed();
