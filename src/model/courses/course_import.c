/* Course upload from CSV (docs/courses.md), with the meanings of the systems people move from:
 * Moodle's course upload (shortname, fullname, category as Moodle's numeric id, category_path
 * "Staff / Safety", category_idnumber, summary, visible, startdate, enddate) and Canvas's SIS
 * courses.csv (course_id, short_name, long_name, account_id, status, start_date, end_date,
 * course_format), with Lectern's kind, status and tags. Like the user upload: every row's
 * outcome is reported first, each row with all its problems; a commit writes every row in one
 * transaction or nothing. The run is done for real inside a transaction that a preview rolls
 * back, so a preview answers exactly what a commit would do. Running the same file again
 * leaves the courses unchanged: a Canvas feed is sent again and again. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "internal.h"

enum col {
    C_CODE, C_TITLE, C_SHORT_TITLE, C_CATEGORY, C_CATEGORY_PATH, C_CATEGORY_IDNUMBER, C_ACCOUNT, C_SUMMARY, C_VISIBLE,
    C_START, C_END, C_KIND, C_STATUS, C_TAGS, C__N
};
static const struct upload_column columns[] = {
    {"shortname", C_CODE},      {"course_id", C_CODE},       {"fullname", C_TITLE},
    {"long_name", C_TITLE},     {"short_name", C_SHORT_TITLE}, {"category", C_CATEGORY},
    {"category_path", C_CATEGORY_PATH}, {"category_idnumber", C_CATEGORY_IDNUMBER}, {"account_id", C_ACCOUNT},
    {"summary", C_SUMMARY},     {"visible", C_VISIBLE},      {"startdate", C_START},
    {"start_date", C_START},    {"enddate", C_END},          {"end_date", C_END},
    {"kind", C_KIND},           {"course_format", C_KIND},   {"status", C_STATUS},
    {"tags", C_TAGS},
};

/* course_check's field names back to the file's columns. */
static const char *column_of(const struct upload *u, const char *field)
{
    static const struct {
        const char *field;
        int col;
    } map[] = {{"code", C_CODE}, {"title", C_TITLE}, {"category_id", C_CATEGORY}, {"start_date", C_START},
               {"end_date", C_END}, {"kind", C_KIND}, {"status", C_STATUS}, {"tags", C_TAGS}, {"summary", C_SUMMARY}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (str_eq(field, map[i].field)) return upload_header(u, map[i].col, field);
    return field && *field ? field : "";
}

/* Moodle gives dates as epoch seconds, Canvas as ISO 8601 ("2027-01-10T00:00:00Z" or
 * "2027-01-10 00:00:00"); Lectern takes YYYY-MM-DD. NULL when it is none of them. */
static const char *date_of(struct arena *a, const char *s)
{
    if (!*s || str_eq(s, "0")) return "";
    bool digits = true;
    for (const char *c = s; *c; c++)
        if (!isdigit((unsigned char)*c)) digits = false;
    if (digits && strlen(s) <= 11) {
        char iso[21];
        time_iso8601((int64_t)strtoll(s, NULL, 10), iso);
        return arena_strndup(a, iso, 10);
    }
    const char *day = strlen(s) > 10 && (s[10] == 'T' || s[10] == ' ') ? arena_strndup(a, s, 10) : s;
    int64_t t;
    return course_parse_date(day, &t) ? day : NULL;
}

/* ---- Categories: by Moodle's id, idnumber or path, or Canvas's account ---- */

/* The category with that idnumber, or with that id; *id 0 when there is none. */
static lerr category_with_idnumber(struct db *db, const char *idnumber, int64_t *id)
{
    *id = 0;
    lerr q = db_query_int(db, id, "SELECT id FROM course_categories WHERE idnumber = ?1", "s", idnumber);
    return q == LE_NOTFOUND ? LE_OK : q;
}

static lerr category_with_id(struct db *db, int64_t n, int64_t *id)
{
    *id = 0;
    lerr q = db_query_int(db, id, "SELECT id FROM course_categories WHERE id = ?1", "i", n);
    return q == LE_NOTFOUND ? LE_OK : q;
}

/* The category for a path ("Staff / Safety", Moodle's separator), created level by level. */
static lerr category_for_path(struct db *db, struct arena *a, const char *path, int64_t actor, int64_t *id,
                              struct problem *p)
{
    *id = 0;
    for (const char *s = path; *s;) {
        const char *end = strstr(s, " / ");
        size_t len = end ? (size_t)(end - s) : strlen(s);
        char *name = arena_trim(a, arena_strndup(a, s, len));
        s += len + (end ? 3 : 0);
        if (!*name) continue;
        int64_t found = 0;
        lerr q = db_query_int(db, &found,
                              "SELECT id FROM course_categories WHERE name = ?1 AND COALESCE(parent_id, 0) = ?2", "si",
                              name, *id);
        if (q == LE_NOTFOUND) {
            lerr e = category_create(db, name, *id, actor, &found, p);
            if (e) return e;
        } else if (q) {
            return problem_set(p, LE_DB, "", "The database could not look up the category.");
        }
        *id = found;
    }
    return LE_OK;
}

static lerr category_set_idnumber(struct db *db, int64_t id, const char *idnumber)
{
    return db_run(db, "UPDATE course_categories SET idnumber = ?2 WHERE id = ?1 AND idnumber IS NULL", "is", id,
                  idnumber);
}

/* category_idnumber: the category with it; when there is none, the category_path's category
 * (created as needed) takes the idnumber. */
static void category_by_idnumber(struct db *db, struct arena *a, const struct upload *u, const char **v,
                                 struct course_import_row *row, int64_t actor, int64_t *id)
{
    const char *col = upload_header(u, C_CATEGORY_IDNUMBER, "category_idnumber");
    if (category_with_idnumber(db, v[C_CATEGORY_IDNUMBER], id)) {
        upload_row_error(a, row, col, "The database could not look up the category.");
        return;
    }
    if (*id) return;
    if (!*v[C_CATEGORY_PATH]) {
        upload_row_error(a, row, col,
                         "There is no category with the idnumber '%s'. Give its path in category_path (such as "
                         "'Staff / Safety') and it is created with this idnumber.",
                         v[C_CATEGORY_IDNUMBER]);
        return;
    }
    struct problem p = {0};
    if (category_for_path(db, a, v[C_CATEGORY_PATH], actor, id, &p) ||
        category_set_idnumber(db, *id, v[C_CATEGORY_IDNUMBER]))
        upload_row_error(a, row, upload_header(u, C_CATEGORY_PATH, "category_path"), "%s",
                         p.message[0] ? p.message : "The database could not write the category.");
}

/* Moodle's category column: its numeric category id, which names a Lectern category only when
 * the ids agree; a path ("Parent / Child") as Lectern's own export writes it. */
static void category_by_moodle_column(struct db *db, struct arena *a, const struct upload *u, const char *cell,
                                      struct course_import_row *row, int64_t actor, int64_t *id)
{
    const char *col = upload_header(u, C_CATEGORY, "category");
    bool numeric = *cell && strspn(cell, "0123456789") == strlen(cell);
    struct problem p = {0};
    if (!numeric) {
        if (category_for_path(db, a, cell, actor, id, &p)) upload_row_error(a, row, col, "%s", p.message);
        return;
    }
    if (category_with_id(db, strtoll(cell, NULL, 10), id)) {
        upload_row_error(a, row, col, "The database could not look up the category.");
        return;
    }
    if (!*id)
        upload_row_error(a, row, col,
                         "There is no category with the id %s (Moodle's category ids are not Lectern's). Give the "
                         "category's path in a category_path column instead, such as 'Staff / Safety'.",
                         cell);
}

/* Canvas's account_id: the category with that idnumber, created at the top (named by the id,
 * to be renamed later) when missing. */
static void category_by_account(struct db *db, struct arena *a, const char *account, struct course_import_row *row,
                                const struct upload *u, int64_t actor, int64_t *id)
{
    const char *col = upload_header(u, C_ACCOUNT, "account_id");
    struct problem p = {0};
    if (category_with_idnumber(db, account, id)) {
        upload_row_error(a, row, col, "The database could not look up the category.");
        return;
    }
    if (*id) return;
    if (category_create(db, account, 0, actor, id, &p) || category_set_idnumber(db, *id, account))
        upload_row_error(a, row, col, "%s", p.message[0] ? p.message : "The database could not write the category.");
}

/* The row's category: category_idnumber, else category_path, else category, else account_id;
 * -1 when none is given (a course keeps its own). */
static int64_t category_of(struct db *db, struct arena *a, const struct upload *u, const char **v,
                           struct course_import_row *row, int64_t actor)
{
    int64_t id = 0;
    int before = row->n_errors;
    struct problem p = {0};
    if (*v[C_CATEGORY_IDNUMBER])
        category_by_idnumber(db, a, u, v, row, actor, &id);
    else if (*v[C_CATEGORY_PATH]) {
        if (category_for_path(db, a, v[C_CATEGORY_PATH], actor, &id, &p))
            upload_row_error(a, row, upload_header(u, C_CATEGORY_PATH, "category_path"), "%s", p.message);
    } else if (*v[C_CATEGORY])
        category_by_moodle_column(db, a, u, v[C_CATEGORY], row, actor, &id);
    else if (*v[C_ACCOUNT])
        category_by_account(db, a, v[C_ACCOUNT], row, u, actor, &id);
    else
        return -1;
    return row->n_errors > before ? -1 : id;
}

/* ---- A row's cells ---- */

/* Lectern's status, or Canvas's: active (a new course is a draft, an existing one keeps its
 * status), published, completed and deleted (archived: Lectern keeps a course's records). */
static bool status_of(const char *s, bool exists, const char **status, bool *deleted)
{
    *status = NULL;
    *deleted = false;
    if (!*s) return true;
    if (!strcasecmp(s, "draft") || !strcasecmp(s, "published") || !strcasecmp(s, "archived")) *status = s;
    else if (!strcasecmp(s, "active")) *status = exists ? NULL : "draft";
    else if (!strcasecmp(s, "completed")) *status = "archived";
    else if (!strcasecmp(s, "deleted")) *status = "archived", *deleted = true;
    else return false;
    return true;
}

/* Lectern's kind, or Canvas's course_format (online, on_campus, blended). */
static const char *kind_of(const char *s)
{
    if (!*s) return NULL;
    if (!strcasecmp(s, "online")) return "elearning";
    if (!strcasecmp(s, "on_campus")) return "classroom";
    return s;
}

/* The shapes of the cells, each problem reported; the input for course_create/update. */
static void check_cells(struct arena *a, const struct upload *u, const char **v, bool exists,
                        struct course_import_row *row, struct course_input *in, bool *deleted)
{
    in->code = row->code;
    in->title = *v[C_TITLE] ? v[C_TITLE] : *v[C_SHORT_TITLE] ? v[C_SHORT_TITLE] : NULL;
    if (u->idx[C_SUMMARY] >= 0) in->summary = v[C_SUMMARY];
    if (u->idx[C_TAGS] >= 0) in->tags = v[C_TAGS];
    in->kind = kind_of(v[C_KIND]);
    if (!exists && !in->title)
        upload_row_error(a, row, upload_header(u, C_TITLE, "fullname"), "Give the course a title.");
    if (!status_of(v[C_STATUS], exists, &in->status, deleted))
        upload_row_error(a, row, upload_header(u, C_STATUS, "status"),
                         "Unknown status '%s': use draft, published or archived (Canvas: active, published, "
                         "completed, deleted).",
                         v[C_STATUS]);
    if (u->idx[C_START] >= 0 && !(in->start_date = date_of(a, v[C_START])))
        upload_row_error(a, row, u->header[C_START], "Give the start date as YYYY-MM-DD or as epoch seconds.");
    if (u->idx[C_END] >= 0 && !(in->end_date = date_of(a, v[C_END])))
        upload_row_error(a, row, u->header[C_END], "Give the end date as YYYY-MM-DD or as epoch seconds.");
    if (str_eq(v[C_VISIBLE], "1")) in->visible = 1;
    else if (str_eq(v[C_VISIBLE], "0")) in->visible = 0;
    else if (*v[C_VISIBLE]) upload_row_error(a, row, u->header[C_VISIBLE], "Give visible as 1 (listed) or 0 (hidden).");
}

/* Whether an update left the course as it was: every field the upload can set. */
static bool course_same(const struct course *x, const struct course *y)
{
    return str_eq(x->title, y->title) && str_eq(x->summary, y->summary) && x->category_id == y->category_id &&
           str_eq(x->kind, y->kind) && str_eq(x->status, y->status) && x->visible == y->visible &&
           x->start_at == y->start_at && x->end_at == y->end_at && str_eq(x->tag_list, y->tag_list);
}

/* Creates or updates the row's course; the row's outcome. */
static void write_course(struct db *db, struct arena *a, const struct upload *u, struct course_import_row *row,
                         const struct course_input *in, const struct course *cur, bool exists, int64_t actor)
{
    struct problem p = {0};
    lerr e;
    if (exists) {
        e = course_update(db, a, cur->id, in, actor, &p);
        struct course after;
        row->outcome = "update";
        if (!e && course_get(db, a, row->code, 0, &after, &p) == LE_OK && course_same(cur, &after))
            row->outcome = "unchanged";
    } else {
        int64_t id;
        row->outcome = "create";
        e = course_create(db, a, in, actor, &id, &p);
    }
    const char *col = column_of(u, p.field);
    if (e && !upload_row_has_error(row, col)) upload_row_error(a, row, col, "%s", p.message);
}

static void import_row(struct db *db, struct arena *a, struct upload *u, struct course_import_result *r, int k,
                       int64_t actor)
{
    const char *v[C__N];
    struct course_import_row *row = &r->rows[k];
    if (!upload_row(u, r, k, v)) return;
    row->code = v[C_CODE];
    const char *code_col = upload_header(u, C_CODE, "shortname");
    for (int j = 0; j < k; j++)
        if (*row->code && str_eq(r->rows[j].code, row->code))
            upload_row_error(a, row, code_col, "The course '%s' is also on line %d; give each course one row.",
                             row->code, r->rows[j].line);
    struct course cur;
    struct problem p = {0};
    bool exists = *row->code && course_get(db, a, row->code, 0, &cur, &p) == LE_OK;
    struct course_input in = COURSE_INPUT_INIT;
    bool deleted;
    check_cells(a, u, v, exists, row, &in, &deleted);
    if (deleted && !exists) {
        if (!row->n_errors) row->outcome = "skip", row->note = "no such course to delete";
        return;
    }
    if (deleted) row->note = "deleted: archived (Lectern keeps its records)";
    in.category_id = category_of(db, a, u, v, row, actor);
    if (row->n_errors) return;
    write_course(db, a, u, row, &in, &cur, exists, actor);
}

lerr course_import_run(struct db *db, struct arena *a, const char *data, size_t len, bool commit, int64_t actor_id,
                       struct course_import_result *r, struct problem *p)
{
    struct upload u;
    if (!upload_open(&u, a, data, len, columns, sizeof columns / sizeof columns[0], C__N, r)) return LE_OK;
    if (u.idx[C_CODE] < 0) {
        r->file_error = "The file has no 'shortname' column (Canvas: 'course_id'): it names each course (the course "
                        "code).";
        r->n_rows = 0;
        return LE_OK;
    }
    if (db_tx_begin(db)) return problem_set(p, LE_DB, "", "The database could not start the upload; try again.");
    for (int k = 0; k < r->n_rows; k++) import_row(db, a, &u, r, k, actor_id);
    lerr e = upload_finish(db, r, "create", commit, p);
    if (!e && r->committed) {
        json_t *d = json_pack("{s:i, s:i}", "created", r->n_create, "updated", r->n_update);
        audit_append(db, actor_id, "course.import", "courses", d);
        json_decref(d);
    }
    return e;
}
