-- 0019_courses_version: the learner's dashboard shows each enrolled course's code and title and
-- needs its outline version; reading them joined to the enrolments was a descent into the
-- courses table per enrolment. Lectern keeps them in memory (src/model/course_names.c) and
-- needs to know, from one small read, whether its copies are current: courses_version.version
-- changes with every change to any course row (outline changes raise courses.outline_version,
-- so they change it too), made by triggers so that no write path can forget it. Random rather
-- than counted, as auth_version (0018), so a restored database never repeats a version. The
-- trigger fires once per statement; the row stays locked until the writing transaction commits,
-- so a node that reads the new version also sees the change.
CREATE TABLE courses_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO courses_version (id, version) VALUES (1, floor(random() * 9.2e18)::bigint);

CREATE FUNCTION courses_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE courses_version SET version = floor(random() * 9.2e18)::bigint WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER courses_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON courses
FOR EACH STATEMENT EXECUTE FUNCTION courses_changed();
