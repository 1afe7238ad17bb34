-- 0015_category_path: each category keeps its full path ("Health / Fire safety"), written
-- whenever a category is created, renamed or moved (src/model/course.c), so that a course
-- page reads its category's path with the course instead of walking up the tree each time.
ALTER TABLE course_categories ADD COLUMN path TEXT NOT NULL DEFAULT '';
WITH RECURSIVE tree (id, path) AS (
    SELECT id, name FROM course_categories WHERE parent_id IS NULL
    UNION ALL
    SELECT g.id, tree.path || ' / ' || g.name FROM course_categories g JOIN tree ON g.parent_id = tree.id
)
UPDATE course_categories SET path = (SELECT tree.path FROM tree WHERE tree.id = course_categories.id);
