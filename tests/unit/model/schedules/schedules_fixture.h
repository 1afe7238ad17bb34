/* What the schedules domain's unit tests share: a published course with one required page, and
 * a number read from the database. Include after fixture.h. */
#ifndef LECTERN_TEST_SCHEDULES_FIXTURE_H
#define LECTERN_TEST_SCHEDULES_FIXTURE_H

/* A published course with one required page; its id and the page's. */
static inline void make_course(struct fx *f, const char *code, int64_t *id, int64_t *page)
{
    struct problem p = {0};
    struct course_input in = COURSE_INPUT_INIT;
    in.code = code;
    in.title = code;
    in.status = "published";
    assert_int_equal(course_create(f->db, f->a, &in, f->admin, id, &p), LE_OK);
    int64_t section;
    assert_int_equal(section_create(f->db, f->a, *id, "One", f->admin, &section, &p), LE_OK);
    struct activity_input x = {.kind = "page", .title = "Read", .body = "Text", .required = -1, .allow_mark_done = -1};
    assert_int_equal(activity_create(f->db, f->a, f->root, *id, section, &x, f->admin, page, &p), LE_OK);
}

/* Column 0 of the first row of sql with ?1 = id. */
static inline int64_t count(struct fx *f, const char *sql, int64_t id)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, sql, "i", id), LE_OK);
    return n;
}

#endif
