-- 0026_category_idnumber: see migrations/0026_category_idnumber.sql.
ALTER TABLE course_categories ADD COLUMN idnumber TEXT;
CREATE UNIQUE INDEX course_categories_by_idnumber ON course_categories (idnumber) WHERE idnumber IS NOT NULL;
