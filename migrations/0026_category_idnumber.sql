-- 0026_category_idnumber: a category's idnumber, the key other systems give it (Moodle's
-- category idnumber, Canvas's account id), so that a course upload can name the category by it.
ALTER TABLE course_categories ADD COLUMN idnumber TEXT;
CREATE UNIQUE INDEX course_categories_by_idnumber ON course_categories (idnumber) WHERE idnumber IS NOT NULL;
