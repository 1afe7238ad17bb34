/* Course upload from CSV with Moodle's columns (shortname, fullname, category as "Parent /
 * Child", summary, visible, startdate, enddate) and Lectern's (kind, status, tags). Like the user
 * upload: every row's outcome is reported first; a commit writes every row in one transaction or
 * nothing. The run is done for real inside a transaction that a preview rolls back, so a preview
 * answers exactly what a commit would do. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "courses.h"

enum col { C_SHORTNAME, C_FULLNAME, C_CATEGORY, C_SUMMARY, C_VISIBLE, C_STARTDATE, C_ENDDATE, C_KIND, C_STATUS, C_TAGS, C__N };
static const char *const col_names[C__N] = {"shortname", "fullname", "category", "summary", "visible",
                                            "startdate", "enddate",  "kind",     "status",  "tags"};

/* course_check's field names back to the file's columns. */
static const char *column_of(const char *field)
{
    static const char *const map[][2] = {{"code", "shortname"}, {"title", "fullname"}, {"category_id", "category"},
                                         {"start_date", "startdate"}, {"end_date", "enddate"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (str_eq(field, map[i][0])) return map[i][1];
    return field && *field ? field : "";
}

static void add_error(struct arena *a, struct course_import_row *r, const char *column, const char *msg)
{
    struct import_issue *n = arena_alloc(a, sizeof *n * (size_t)(r->n_errors + 1));
    if (r->n_errors) memcpy(n, r->errors, sizeof *n * (size_t)r->n_errors);
    n[r->n_errors++] = (struct import_issue){r->line, arena_strdup(a, column), arena_strdup(a, msg)};
    r->errors = n;
}

/* Moodle gives dates as epoch seconds or as text; Lectern takes YYYY-MM-DD too. */
static const char *date_of(struct arena *a, const char *s, bool *ok)
{
    *ok = true;
    if (!*s || str_eq(s, "0")) return "";
    bool digits = true;
    for (const char *c = s; *c; c++)
        if (!isdigit((unsigned char)*c)) digits = false;
    if (digits && strlen(s) <= 11) {
        char iso[21];
        time_iso8601((int64_t)strtoll(s, NULL, 10), iso);
        return arena_strndup(a, iso, 10);
    }
    int64_t t;
    if (!course_parse_date(s, &t)) *ok = false;
    return s;
}

/* The category for a path, created level by level when missing. */
static lerr category_for_path(struct db *db, struct arena *a, const char *path, int64_t actor, int64_t *id,
                              struct problem *p)
{
    *id = 0;
    const char *s = path;
    while (*s) {
        const char *end = strstr(s, " / ");
        size_t len = end ? (size_t)(end - s) : strlen(s);
        char *name = arena_strndup(a, s, len);
        s += len + (end ? 3 : 0);
        while (*name == ' ') name++;
        size_t n = strlen(name);
        while (n && name[n - 1] == ' ') name[--n] = '\0';
        if (!*name) continue;
        int64_t found = 0;
        lerr q = db_query_int(db, &found,
                              "SELECT id FROM course_categories WHERE name = ?1 AND COALESCE(parent_id, 0) = ?2", "si",
                              name, *id);
        if (q == LE_NOTFOUND) {
            lerr e = category_create(db, name, *id, actor, &found, p);
            if (e) return e;
        } else if (q) {
            return problem_set(p, LE_DB, "category", "The database could not look up the category.");
        }
        *id = found;
    }
    return LE_OK;
}

lerr course_import_run(struct db *db, struct arena *a, const char *data, size_t len, bool commit, int64_t actor_id,
                       struct course_import_result *r, struct problem *p)
{
    memset(r, 0, sizeof *r);
    struct csv_doc doc;
    struct problem cp = {0};
    if (csv_doc_read(a, data, len, &doc, &cp)) {
        r->file_error = arena_sprintf(a, "%s", cp.message);
        return LE_OK;
    }
    if (doc.n_records < 1) {
        r->file_error = "The file is empty; the first line must name the columns (shortname, fullname, ...).";
        return LE_OK;
    }
    int idx[C__N];
    for (int c = 0; c < C__N; c++) idx[c] = -1;
    const struct csv_record *h = &doc.records[0];
    r->unknown = json_array();
    for (int i = 0; i < h->n; i++) {
        char *name = arena_strdup(a, h->fields[i]);
        for (char *c = name; *c; c++) *c = (char)tolower((unsigned char)*c);
        int found = -1;
        for (int c = 0; c < C__N; c++)
            if (str_eq(name, col_names[c])) found = c;
        if (found >= 0)
            idx[found] = i;
        else
            json_array_append_new(r->unknown, json_string(h->fields[i]));
    }
    if (idx[C_SHORTNAME] < 0) {
        r->file_error = "The file has no 'shortname' column: it names each course (the course code).";
        return LE_OK;
    }
    r->n_rows = doc.n_records - 1;
    r->rows = arena_alloc(a, sizeof *r->rows * (size_t)(r->n_rows ? r->n_rows : 1));
    if (db_tx_begin(db)) return problem_set(p, LE_DB, "", "The database could not start the upload; try again.");
    for (int k = 0; k < r->n_rows; k++) {
        const struct csv_record *rec = &doc.records[k + 1];
        struct course_import_row *row = &r->rows[k];
        row->line = rec->line;
        const char *v[C__N];
        for (int c = 0; c < C__N; c++)
            v[c] = idx[c] >= 0 && idx[c] < rec->n ? rec->fields[idx[c]] : NULL;
        row->code = v[C_SHORTNAME] ? v[C_SHORTNAME] : "";
        for (int j = 0; j < k; j++)
            if (*row->code && str_eq(r->rows[j].code, row->code)) {
                add_error(a, row, "shortname", arena_sprintf(a, "The course '%s' is also on line %d; give each course one row.", row->code, r->rows[j].line));
            }
        struct course_input in = COURSE_INPUT_INIT;
        in.code = row->code;
        in.title = v[C_FULLNAME] && *v[C_FULLNAME] ? v[C_FULLNAME] : NULL;
        in.summary = v[C_SUMMARY];
        in.kind = v[C_KIND] && *v[C_KIND] ? v[C_KIND] : NULL;
        in.status = v[C_STATUS] && *v[C_STATUS] ? v[C_STATUS] : NULL;
        in.tags = v[C_TAGS];
        bool ok;
        if (v[C_STARTDATE]) {
            in.start_date = date_of(a, v[C_STARTDATE], &ok);
            if (!ok) add_error(a, row, "startdate", "Give the start date as YYYY-MM-DD or as epoch seconds.");
        }
        if (v[C_ENDDATE]) {
            in.end_date = date_of(a, v[C_ENDDATE], &ok);
            if (!ok) add_error(a, row, "enddate", "Give the end date as YYYY-MM-DD or as epoch seconds.");
        }
        if (v[C_VISIBLE] && *v[C_VISIBLE]) {
            if (str_eq(v[C_VISIBLE], "1")) in.visible = 1;
            else if (str_eq(v[C_VISIBLE], "0")) in.visible = 0;
            else add_error(a, row, "visible", "Give visible as 1 (listed) or 0 (hidden).");
        }
        if (row->n_errors) continue;
        struct problem rp = {0};
        if (v[C_CATEGORY] && *v[C_CATEGORY] && category_for_path(db, a, v[C_CATEGORY], actor_id, &in.category_id, &rp)) {
            add_error(a, row, "category", rp.message);
            continue;
        }
        struct course cur;
        int64_t id;
        lerr e;
        if (course_get(db, a, row->code, 0, &cur, &rp) == LE_OK) {
            row->outcome = "update";
            e = course_update(db, a, cur.id, &in, actor_id, &rp);
        } else {
            row->outcome = "create";
            e = course_create(db, a, &in, actor_id, &id, &rp);
        }
        if (e) add_error(a, row, column_of(rp.field), rp.message);
    }
    for (int k = 0; k < r->n_rows; k++) {
        if (r->rows[k].n_errors) {
            r->rows[k].outcome = "error";
            r->n_errors++;
        } else if (str_eq(r->rows[k].outcome, "create")) {
            r->n_create++;
        } else {
            r->n_update++;
        }
    }
    /* All or nothing: a preview, or any row with an error, rolls everything back. */
    bool write = commit && !r->n_errors;
    lerr e = db_tx_end(db, write ? LE_OK : LE_CONFLICT);
    if (write && e) return problem_set(p, LE_DB, "", "The database could not write the upload; nothing was written.");
    if (write) {
        json_t *d = json_pack("{s:i, s:i}", "created", r->n_create, "updated", r->n_update);
        audit_append(db, actor_id, "course.import", "courses", d);
        json_decref(d);
    }
    r->committed = write;
    return LE_OK;
}

/* ---- Enrolments from CSV ---- */

/* Columns: Lectern's course (or shortname), username or idnumber, role, due; or Canvas's
 * enrollments.csv: course_id (the course code), user_id (the person's idnumber), role (student,
 * teacher, ta), status (active, deleted: deleted ends the enrolment). */
enum ecol { E_COURSE, E_USERNAME, E_IDNUMBER, E_ROLE, E_DUE, E_STATUS, E__N };

static const char *enrol_role_of(const char *s)
{
    if (!s || !*s || !strcasecmp(s, "learner") || !strcasecmp(s, "student")) return "learner";
    if (!strcasecmp(s, "instructor") || !strcasecmp(s, "teacher") || !strcasecmp(s, "editingteacher") ||
        !strcasecmp(s, "ta"))
        return "instructor";
    return NULL;
}

/* The upload for the whole site (only_course NULL: every row names its course) or for one
 * course's page (only_course: the course column may be left out, and a row naming another
 * course is an error); actor_roles decides who may be enrolled where, as for enrol_user. */
static lerr enrol_import(struct db *db, struct arena *a, const struct course *only_course, const char *data,
                         size_t len, bool commit, int64_t actor_id, unsigned actor_roles,
                         struct course_import_result *r, struct problem *p)
{
    memset(r, 0, sizeof *r);
    struct csv_doc doc;
    struct problem cp = {0};
    if (csv_doc_read(a, data, len, &doc, &cp)) {
        r->file_error = arena_sprintf(a, "%s", cp.message);
        return LE_OK;
    }
    if (doc.n_records < 1) {
        r->file_error = "The file is empty; the first line must name the columns (course, username, role, due).";
        return LE_OK;
    }
    int idx[E__N];
    for (int c = 0; c < E__N; c++) idx[c] = -1;
    const struct csv_record *h = &doc.records[0];
    r->unknown = json_array();
    for (int i = 0; i < h->n; i++) {
        char *name = arena_strdup(a, h->fields[i]);
        for (char *c = name; *c; c++) *c = (char)tolower((unsigned char)*c);
        int f = str_eq(name, "course") || str_eq(name, "shortname") || str_eq(name, "course_id") ? E_COURSE
                : str_eq(name, "username")                                                      ? E_USERNAME
                : str_eq(name, "idnumber") || str_eq(name, "user_id")                            ? E_IDNUMBER
                : str_eq(name, "role")                                                          ? E_ROLE
                : str_eq(name, "due") || str_eq(name, "due_date")                                ? E_DUE
                : str_eq(name, "status")                                                        ? E_STATUS
                                                                                                : -1;
        if (f >= 0)
            idx[f] = i;
        else
            json_array_append_new(r->unknown, json_string(h->fields[i]));
    }
    if ((idx[E_COURSE] < 0 && !only_course) || (idx[E_USERNAME] < 0 && idx[E_IDNUMBER] < 0)) {
        r->file_error = "The file needs a 'course' column (or Canvas's 'course_id') and a 'username' or 'idnumber' "
                        "column (or Canvas's 'user_id').";
        return LE_OK;
    }
    r->n_rows = doc.n_records - 1;
    r->rows = arena_alloc(a, sizeof *r->rows * (size_t)(r->n_rows ? r->n_rows : 1));
    if (db_tx_begin(db)) return problem_set(p, LE_DB, "", "The database could not start the upload; try again.");
    for (int k = 0; k < r->n_rows; k++) {
        const struct csv_record *rec = &doc.records[k + 1];
        struct course_import_row *row = &r->rows[k];
        row->line = rec->line;
        const char *v[E__N];
        for (int c = 0; c < E__N; c++) v[c] = idx[c] >= 0 && idx[c] < rec->n ? rec->fields[idx[c]] : "";
        if (only_course && !*v[E_COURSE]) v[E_COURSE] = only_course->code;
        row->code = arena_sprintf(a, "%s %s", v[E_COURSE], *v[E_USERNAME] ? v[E_USERNAME] : v[E_IDNUMBER]);
        struct course c;
        struct problem rp = {0};
        if (only_course && !str_eq(v[E_COURSE], only_course->code)) {
            add_error(a, row, "course",
                      arena_sprintf(a, "This upload is for %s only; upload rows for '%s' on that course's page.",
                                    only_course->code, v[E_COURSE]));
            continue;
        }
        if (course_get(db, a, v[E_COURSE], 0, &c, &rp)) {
            add_error(a, row, h->fields[idx[E_COURSE]], arena_sprintf(a, "There is no course '%s'.", v[E_COURSE]));
            continue;
        }
        const char *username = v[E_USERNAME];
        if (!*username && *v[E_IDNUMBER]) {
            struct db_stmt *st = db_query(db, "SELECT username FROM users WHERE idnumber = ?1", "s", v[E_IDNUMBER]);
            if (db_step(st) == DB_ROW) username = arena_strdup(a, db_col_text(st, 0));
            db_done(st);
            if (!*username) {
                add_error(a, row, h->fields[idx[E_IDNUMBER]],
                          arena_sprintf(a, "Nobody has the idnumber '%s'.", v[E_IDNUMBER]));
                continue;
            }
        }
        const char *role = enrol_role_of(v[E_ROLE]);
        if (!role) {
            add_error(a, row, "role", arena_sprintf(a, "Unknown role '%s'; use learner or instructor (Canvas: student, teacher, ta).", v[E_ROLE]));
            continue;
        }
        lerr e;
        if (!strcasecmp(v[E_STATUS], "deleted") || !strcasecmp(v[E_STATUS], "inactive")) {
            row->outcome = "unenrol";
            e = enrol_end(db, c.id, username, actor_id, actor_roles, &rp);
        } else {
            row->outcome = "enrol";
            int64_t id;
            e = enrol_user(db, a, c.id, username, role, v[E_DUE], actor_id, actor_roles, &id, &rp);
        }
        if (e) {
            const char *col = str_eq(rp.field, "username") ? (idx[E_USERNAME] >= 0 ? "username" : h->fields[idx[E_IDNUMBER]])
                              : str_eq(rp.field, "code")   ? (idx[E_COURSE] >= 0 ? h->fields[idx[E_COURSE]] : "course")
                                                           : rp.field;
            add_error(a, row, col, rp.message);
        }
    }
    for (int k = 0; k < r->n_rows; k++) {
        if (r->rows[k].n_errors) {
            r->rows[k].outcome = "error";
            r->n_errors++;
        } else if (str_eq(r->rows[k].outcome, "enrol")) {
            r->n_create++;
        } else {
            r->n_update++;
        }
    }
    bool write = commit && !r->n_errors;
    lerr e = db_tx_end(db, write ? LE_OK : LE_CONFLICT);
    if (write && e) return problem_set(p, LE_DB, "", "The database could not write the upload; nothing was written.");
    r->committed = write;
    return LE_OK;
}

lerr enrol_import_run(struct db *db, struct arena *a, const char *data, size_t len, bool commit, int64_t actor_id,
                      struct course_import_result *r, struct problem *p)
{
    return enrol_import(db, a, NULL, data, len, commit, actor_id, ROLE_ADMIN, r, p);
}

lerr enrol_import_course(struct db *db, struct arena *a, const struct course *c, const char *data, size_t len,
                         bool commit, int64_t actor_id, unsigned actor_roles, struct course_import_result *r,
                         struct problem *p)
{
    return enrol_import(db, a, c, data, len, commit, actor_id, actor_roles, r, p);
}
