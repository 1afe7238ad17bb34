/* Moodle's courseN / roleN columns of the user upload (docs/people.md): the courses to enrol
 * each person in, with the course role. Courses plugs them into the people domain's upload
 * (user_import_columns_register, from courses_init), so people never names a course.
 * The course must exist and not be archived; Moodle's role names, or its default role ids, are
 * mapped (student, 5 -> learner; editingteacher, 3, teacher, 4 -> instructor; empty -> learner;
 * manager, coursecreator, guest, user and their ids 1, 2, 6, 7 are errors). Someone already enrolled
 * stays as they are. */
#include <stdio.h>
#include <string.h>
#include "internal.h"

struct enrol_column {             /* a courseN column and its roleN (-1 when absent) */
    int n, course_col, role_col;
    const char *course_header, *role_header;
};

struct row_enrolments {
    int64_t *course_ids;
    const char **roles;
    int n;
};

struct enrol_columns {
    struct db *db;
    struct arena *a;
    struct enrol_column *cols;
    int n_cols, cap_cols;
    struct strmap course_by_code;   /* code -> index into course_ids */
    int64_t *course_ids;            /* 0 = no such course, -1 = archived */
    int n_courses, cap_courses;
    struct row_enrolments *rows;    /* by row, grown as rows are checked */
    int n_rows, cap_rows;
};

static void *begin(struct db *db, struct arena *a)
{
    struct enrol_columns *s = arena_alloc(a, sizeof *s);
    s->db = db;
    s->a = a;
    strmap_init(&s->course_by_code, a, 1024, -1);
    return s;
}

static bool claim(void *state, int column, const char *name)
{
    struct enrol_columns *s = state;
    int num = 0, used = 0;
    bool is_course = sscanf(name, "course%d%n", &num, &used) == 1 && !name[used] && num > 0;
    bool is_role = !is_course && sscanf(name, "role%d%n", &num, &used) == 1 && !name[used] && num > 0;
    if (!is_course && !is_role) return false;
    int k = 0;
    while (k < s->n_cols && s->cols[k].n != num) k++;
    if (k == s->n_cols) {
        if (s->n_cols == s->cap_cols) {
            int cap = s->cap_cols ? s->cap_cols * 2 : 8;
            struct enrol_column *cols = arena_alloc(s->a, sizeof *cols * (size_t)cap);
            if (s->n_cols) memcpy(cols, s->cols, sizeof *cols * (size_t)s->n_cols);
            s->cols = cols;
            s->cap_cols = cap;
        }
        s->cols[s->n_cols++] = (struct enrol_column){num, -1, -1, NULL, NULL};
    }
    if (is_course) {
        s->cols[k].course_col = column;
        s->cols[k].course_header = name;
    } else {
        s->cols[k].role_col = column;
        s->cols[k].role_header = name;
    }
    return true;
}

static bool header_done(void *state, struct import_report *r, int header_line)
{
    struct enrol_columns *s = state;
    bool ok = true;
    for (int k = 0; k < s->n_cols; k++)
        if (s->cols[k].course_col < 0) {
            import_report_file_error(r, header_line, s->cols[k].role_header,
                                     "The column %s has no course%d beside it: add the course column, or remove it.",
                                     s->cols[k].role_header, s->cols[k].n);
            ok = false;
        }
    return ok;
}

/* A copy of s without leading and trailing spaces (as Moodle's upload trims cells). */
static char *trim_spaces(struct arena *a, const char *s)
{
    while (*s == ' ') s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ') n--;
    return arena_strndup(a, s, n);
}

/* Moodle's default roles by id, as its user upload also takes them in roleN. */
static const char *const moodle_role_ids[] = {NULL,      "manager", "coursecreator", "editingteacher",
                                              "teacher", "student", "guest",         "user"};

/* Moodle's role for a roleN cell: its name, or the name of a default role's id ("5" ->
 * "student"); trimmed, lower case. */
static const char *moodle_role(struct arena *a, const char *cell)
{
    char *role = trim_spaces(a, cell);
    for (char *p = role; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    size_t n = sizeof moodle_role_ids / sizeof moodle_role_ids[0];
    if (role[0] >= '1' && role[0] <= '9' && !role[1] && (size_t)(role[0] - '0') < n) return moodle_role_ids[role[0] - '0'];
    return role;
}

/* "student", "teacher", ... or Moodle's role id (trimmed, any case) to the course role; NULL
 * when it is none. */
static const char *course_role(struct arena *a, const char *cell)
{
    const char *role = moodle_role(a, cell);
    if (!*role || str_eq(role, "student") || str_eq(role, "learner")) return "learner";
    if (str_eq(role, "editingteacher") || str_eq(role, "teacher") || str_eq(role, "instructor")) return "instructor";
    return NULL;
}

/* The course's id by code, looked up once per upload: 0 when there is none, -1 when archived. */
static int64_t course_by_code(struct enrol_columns *s, const char *code)
{
    int idx = strmap_get(&s->course_by_code, code);
    if (idx >= 0) return s->course_ids[idx];
    int64_t id = 0;
    char status[16] = "";
    struct db_stmt *st = db_query(s->db, "SELECT id, status FROM courses WHERE code = ?1", "s", code);
    if (db_step(st) == DB_ROW) {
        id = db_col_int(st, 0);
        snprintf(status, sizeof status, "%s", db_col_text(st, 1));
    }
    db_done(st);
    if (id && str_eq(status, "archived")) id = -1;
    if (s->n_courses == s->cap_courses) {
        int cap = s->cap_courses ? s->cap_courses * 2 : 16;
        int64_t *ids = arena_alloc(s->a, sizeof *ids * (size_t)cap);
        if (s->n_courses) memcpy(ids, s->course_ids, sizeof *ids * (size_t)s->n_courses);
        s->course_ids = ids;
        s->cap_courses = cap;
    }
    s->course_ids[s->n_courses] = id;
    strmap_put(&s->course_by_code, code, s->n_courses++);
    return id;
}

/* The row's enrolments, rows [n_rows, row] made empty first (rows are checked in order). */
static struct row_enrolments *row_slot(struct enrol_columns *s, int row)
{
    if (row >= s->cap_rows) {
        int cap = s->cap_rows ? s->cap_rows : 64;
        while (cap <= row) cap *= 2;
        struct row_enrolments *rows = arena_alloc(s->a, sizeof *rows * (size_t)cap);
        if (s->n_rows) memcpy(rows, s->rows, sizeof *rows * (size_t)s->n_rows);
        s->rows = rows;
        s->cap_rows = cap;
    }
    if (row >= s->n_rows) s->n_rows = row + 1;
    return &s->rows[row];
}

static void check_row(void *state, struct import_report *r, int row, char *const *fields, int n_fields)
{
    struct enrol_columns *s = state;
    if (!s->n_cols) return;
    struct row_enrolments *re = row_slot(s, row);
    re->course_ids = arena_alloc(s->a, sizeof *re->course_ids * (size_t)s->n_cols);
    re->roles = arena_alloc(s->a, sizeof *re->roles * (size_t)s->n_cols);
    re->n = 0;
    for (int k = 0; k < s->n_cols; k++) {
        const struct enrol_column *ec = &s->cols[k];
        if (ec->course_col >= n_fields) continue;
        const char *code = trim_spaces(s->a, fields[ec->course_col]);
        if (!*code) continue;
        const char *cell = ec->role_col >= 0 && ec->role_col < n_fields ? fields[ec->role_col] : "";
        const char *role = course_role(s->a, cell);
        if (!role) {
            const char *name = moodle_role(s->a, cell);
            while (*cell == ' ') cell++;
            import_report_row_error(r, row, ec->role_header,
                                    "The role '%s'%s%s%s is not a course role Lectern has: use student (or learner, "
                                    "Moodle's id 5), or editingteacher, teacher (or instructor, Moodle's ids 3 and 4).",
                                    cell, str_eq(name, cell) ? "" : " (Moodle's ", str_eq(name, cell) ? "" : name,
                                    str_eq(name, cell) ? "" : ")");
            continue;
        }
        int64_t id = course_by_code(s, code);
        if (id == 0) {
            import_report_row_error(r, row, ec->course_header, "There is no course with the code '%s'.", code);
            continue;
        }
        if (id < 0) {
            import_report_row_error(r, row, ec->course_header,
                                    "The course '%s' is archived; nobody can be enrolled in it.", code);
            continue;
        }
        re->course_ids[re->n] = id;
        re->roles[re->n++] = role;
    }
}

static lerr write(void *state, struct db *db, const int64_t *user_ids, int n_rows, int64_t actor_id)
{
    struct enrol_columns *s = state;
    int64_t now = time_now();
    for (int i = 0; i < n_rows && i < s->n_rows; i++) {
        const struct row_enrolments *re = &s->rows[i];
        if (!user_ids[i]) continue;
        for (int k = 0; k < re->n; k++)
            if (db_run(db,
                       "INSERT INTO enrolments (course_id, user_id, role, source, enrolled_at, enrolled_by) SELECT "
                       "CAST(?1 AS BIGINT), CAST(?2 AS BIGINT), CAST(?3 AS TEXT), 'manual', CAST(?4 AS BIGINT), "
                       "CAST(?5 AS BIGINT) WHERE NOT EXISTS (SELECT 1 FROM enrolments WHERE course_id = ?1 "
                       "AND user_id = ?2 AND unenrolled_at IS NULL)",
                       "iisii", re->course_ids[k], user_ids[i], re->roles[k], now, actor_id))
                return LE_DB;
    }
    return LE_OK;
}

static const struct import_columns enrol_columns = {begin, claim, header_done, check_row, write};

void enrol_columns_register(void)
{
    user_import_columns_register(&enrol_columns);
}
