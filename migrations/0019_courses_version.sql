-- 0019_courses_version: the learner's dashboard shows each enrolled course's code and title and
-- needs its outline version; reading them joined to the enrolments was a descent into the
-- courses table per enrolment. Lectern keeps them in memory (src/model/course_names.c) and
-- needs to know, from one small read, whether its copies are current: courses_version.version
-- changes with every change to any course row (outline changes raise courses.outline_version,
-- so they change it too), made by triggers so that no write path can forget it. Random rather
-- than counted, as auth_version (0018), so a restored database never repeats a version.
CREATE TABLE courses_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO courses_version (id, version) VALUES (1, random());

CREATE TRIGGER courses_version_insert AFTER INSERT ON courses
BEGIN
    UPDATE courses_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER courses_version_update AFTER UPDATE ON courses
BEGIN
    UPDATE courses_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER courses_version_delete AFTER DELETE ON courses
BEGIN
    UPDATE courses_version SET version = random() WHERE id = 1;
END;
