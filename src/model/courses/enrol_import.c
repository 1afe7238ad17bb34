/* Enrolments from CSV (docs/courses.md): Lectern's columns (course, username or idnumber, role,
 * due, status) and Canvas's SIS enrollments.csv (course_id, user_id = the person's idnumber,
 * role or role_id, status). Canvas sends the same feed again and again, so the upload says what
 * each row's state should be, and a row already in that state is "unchanged", never an error:
 *   active            enrolled (role and due date as given)
 *   deleted           not enrolled (the enrolment ends; its records stay)
 *   inactive          not enrolled either: Lectern has no paused enrolment (a note says so)
 *   completed         enrolled and marked completed
 * Canvas's roles map to Lectern's two course roles: student -> learner; teacher, ta, designer
 * -> instructor; observer has no Lectern role and is a row error. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "internal.h"

enum ecol { E_COURSE, E_USERNAME, E_IDNUMBER, E_ROLE, E_ROLE_ID, E_DUE, E_STATUS, E__N };
static const struct upload_column columns[] = {
    {"course", E_COURSE},   {"shortname", E_COURSE}, {"course_id", E_COURSE}, {"username", E_USERNAME},
    {"idnumber", E_IDNUMBER}, {"user_id", E_IDNUMBER}, {"role", E_ROLE},    {"role_id", E_ROLE_ID},
    {"due", E_DUE},         {"due_date", E_DUE},     {"status", E_STATUS},
};

/* Canvas's built-in course roles, by name and by the ids a Canvas site gives them. */
static const struct {
    const char *name, *lectern;
    int canvas_id;
} roles[] = {
    {"learner", "learner", 0},       {"student", "learner", 3},  {"instructor", "instructor", 0},
    {"teacher", "instructor", 4},    {"editingteacher", "instructor", 0}, {"ta", "instructor", 5},
    {"designer", "instructor", 6},   {"observer", NULL, 7},
};

enum want { W_ENROLLED, W_UNENROLLED, W_COMPLETED };

struct enrol_row {                /* a row's checked values */
    struct course course;
    struct user person;
    const char *role;             /* NULL: not given (a new enrolment is a learner's) */
    int64_t due_at;               /* 0 = none */
    bool due_given;
    enum want want;
};

struct enrol_upload {
    struct db *db;
    struct arena *a;
    struct upload u;
    const struct course *only_course;
    int64_t actor_id;
    unsigned actor_roles;
};

static const char *role_by_name(struct arena *a, struct course_import_row *row, const char *col, const char *name)
{
    for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++)
        if (!strcasecmp(name, roles[k].name)) {
            if (!roles[k].lectern)
                upload_row_error(a, row, col,
                                 "Lectern has no observer role: leave the row out, or give the person the role "
                                 "student or teacher.");
            return roles[k].lectern;
        }
    upload_row_error(a, row, col,
                     "Unknown role '%s'; use learner or instructor (Canvas: student, teacher, ta, designer).", name);
    return NULL;
}

static const char *role_by_canvas_id(struct arena *a, struct course_import_row *row, const char *col, const char *id)
{
    int n = atoi(id);
    for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++)
        if (roles[k].canvas_id && roles[k].canvas_id == n && strspn(id, "0123456789") == strlen(id))
            return role_by_name(a, row, col, roles[k].name);
    upload_row_error(a, row, col,
                     "Unknown role_id '%s': Lectern knows Canvas's built-in course roles 3 (student), 4 (teacher), "
                     "5 (ta) and 6 (designer). For another role give the role column instead.",
                     id);
    return NULL;
}

static bool want_of(const char *s, enum want *w)
{
    *w = W_ENROLLED;
    if (!*s || !strcasecmp(s, "active")) return true;
    if (!strcasecmp(s, "deleted") || !strcasecmp(s, "inactive")) *w = W_UNENROLLED;
    else if (!strcasecmp(s, "completed")) *w = W_COMPLETED;
    else return false;
    return true;
}

static void check_course(struct enrol_upload *eu, struct course_import_row *row, const char **v, struct enrol_row *er)
{
    const char *col = upload_header(&eu->u, E_COURSE, "course");
    struct problem p = {0};
    if (eu->only_course && !str_eq(v[E_COURSE], eu->only_course->code))
        upload_row_error(eu->a, row, col, "This upload is for %s only; upload rows for '%s' on that course's page.",
                         eu->only_course->code, v[E_COURSE]);
    else if (!*v[E_COURSE])
        upload_row_error(eu->a, row, col, "Give the course's code.");
    else if (course_get(eu->db, eu->a, v[E_COURSE], 0, &er->course, &p))
        upload_row_error(eu->a, row, col, "There is no course '%s'.", v[E_COURSE]);
}

static void check_person(struct enrol_upload *eu, struct course_import_row *row, const char **v, struct enrol_row *er)
{
    const char *username = v[E_USERNAME];
    struct problem p = {0};
    if (!*username && *v[E_IDNUMBER]) {
        struct db_stmt *st = db_query(eu->db, "SELECT username FROM users WHERE idnumber = ?1 AND deleted_at IS NULL",
                                      "s", v[E_IDNUMBER]);
        if (db_step(st) == DB_ROW) username = arena_strdup(eu->a, db_col_text(st, 0));
        db_done(st);
        if (!*username) {
            upload_row_error(eu->a, row, eu->u.header[E_IDNUMBER], "Nobody has the idnumber '%s'.", v[E_IDNUMBER]);
            return;
        }
    }
    if (!*username)
        upload_row_error(eu->a, row, upload_header(&eu->u, E_USERNAME, "username"), "Give the person's username.");
    else if (user_get_by_username(eu->db, eu->a, username, &er->person, &p))
        upload_row_error(eu->a, row, upload_header(&eu->u, E_USERNAME, "username"), "There is no user '%s'.", username);
}

/* Role, status and due date: every problem reported. */
static void check_terms(struct enrol_upload *eu, struct course_import_row *row, const char **v, struct enrol_row *er)
{
    struct arena *a = eu->a;
    if (*v[E_ROLE]) er->role = role_by_name(a, row, eu->u.header[E_ROLE], v[E_ROLE]);
    else if (*v[E_ROLE_ID]) er->role = role_by_canvas_id(a, row, eu->u.header[E_ROLE_ID], v[E_ROLE_ID]);
    if (!want_of(v[E_STATUS], &er->want))
        upload_row_error(a, row, eu->u.header[E_STATUS],
                         "Unknown status '%s': use active (enrolled), deleted or inactive (unenrolled), or completed.",
                         v[E_STATUS]);
    er->due_given = eu->u.idx[E_DUE] >= 0;
    if (*v[E_DUE] && !course_parse_date(v[E_DUE], &er->due_at))
        upload_row_error(a, row, eu->u.header[E_DUE], "Give the due date as YYYY-MM-DD, such as 2027-01-31.");
    else if (er->due_at && er->course.start_at && er->due_at < er->course.start_at) {
        char start[21];
        time_iso8601(er->course.start_at, start);
        start[10] = '\0';
        upload_row_error(a, row, eu->u.header[E_DUE], "The due date cannot be before the course starts (%s).", start);
    }
}

/* ---- What the row changes ---- */

struct live {                     /* the person's live enrolment in the course, id 0 = none */
    int64_t id, due_at, completed_at;
    const char *role;
};

static lerr live_enrolment(struct enrol_upload *eu, const struct enrol_row *er, struct live *l)
{
    memset(l, 0, sizeof *l);
    struct db_stmt *st = db_query(eu->db,
                                  "SELECT id, role, COALESCE(due_at, 0), COALESCE(completed_at, 0) FROM enrolments "
                                  "WHERE course_id = ?1 AND user_id = ?2 AND unenrolled_at IS NULL",
                                  "ii", er->course.id, er->person.id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        l->id = db_col_int(st, 0);
        l->role = arena_strdup(eu->a, db_col_text(st, 1));
        l->due_at = db_col_int(st, 2);
        l->completed_at = db_col_int(st, 3);
    }
    db_done(st);
    return rc == DB_ROW || rc == DB_DONE ? LE_OK : LE_DB;
}

static lerr audited(struct enrol_upload *eu, const char *action, const struct enrol_row *er, json_t *d)
{
    json_object_set_new(d, "username", json_string(er->person.username));
    json_object_set_new(d, "via", json_string("import"));
    lerr e = audit_append(eu->db, eu->actor_id, action, arena_sprintf(eu->a, "course:%s", er->course.code), d);
    json_decref(d);
    return e;
}

/* A live enrolment's role and due date as the row gives them; "update" or "unchanged". */
static lerr adjust(struct enrol_upload *eu, struct course_import_row *row, const struct enrol_row *er,
                   const struct live *l)
{
    const char *role = er->role ? er->role : l->role;
    int64_t due_at = er->due_given ? er->due_at : l->due_at;
    if (str_eq(role, l->role) && due_at == l->due_at) return LE_OK;
    row->outcome = "update";
    row->note = !str_eq(role, l->role) ? arena_sprintf(eu->a, "role: %s", role) : "due date";
    if (db_run(eu->db, "UPDATE enrolments SET role = ?2, due_at = NULLIF(CAST(?3 AS BIGINT), 0) WHERE id = ?1", "isi",
               l->id, role, due_at))
        return LE_DB;
    return audited(eu, "enrolment.update", er, json_pack("{s:s}", "role", role));
}

static lerr complete(struct enrol_upload *eu, struct course_import_row *row, const struct enrol_row *er, int64_t id)
{
    row->outcome = str_eq(row->outcome, "enrol") ? "enrol" : "complete";
    row->note = "marked completed";
    if (db_run(eu->db, "UPDATE enrolments SET completed_at = ?2 WHERE id = ?1 AND completed_at IS NULL", "ii", id,
               time_now()))
        return LE_DB;
    struct problem hp = {0};
    if (course_completed(eu->db, er->course.id, er->person.id, &hp)) return LE_DB;
    return audited(eu, "enrolment.complete", er, json_object());
}

/* Brings the enrolment to the state the row asks for; the row's outcome says what changed. */
static void apply(struct enrol_upload *eu, struct course_import_row *row, const struct enrol_row *er, bool inactive)
{
    struct live l;
    struct problem p = {0};
    lerr e = live_enrolment(eu, er, &l);
    row->outcome = "unchanged";
    if (!e && er->want == W_UNENROLLED) {
        row->note = inactive ? "inactive: Lectern has no paused enrolment, so the enrolment ends (its records stay)"
                             : NULL;
        if (l.id) row->outcome = "unenrol";
        else if (!inactive) row->note = "not enrolled";
        if (l.id) e = enrol_end(eu->db, er->course.id, er->person.username, eu->actor_id, eu->actor_roles, &p);
    } else if (!e && !l.id) {
        row->outcome = "enrol";
        char due[21] = "";
        if (er->due_at) time_iso8601(er->due_at, due);
        due[10] = '\0'; /* the date of the ISO time */
        e = enrol_user(eu->db, eu->a, er->course.id, er->person.username, er->role ? er->role : "learner", due,
                       eu->actor_id, eu->actor_roles, &l.id, &p);
    } else if (!e) {
        e = adjust(eu, row, er, &l);
    }
    if (!e && er->want == W_COMPLETED && !l.completed_at) e = complete(eu, row, er, l.id);
    if (e) upload_row_error(eu->a, row, p.message[0] ? (str_eq(p.field, "code") ? "course" : p.field) : "",
                            "%s", p.message[0] ? p.message : "The database could not write the enrolment.");
}

static void import_row(struct enrol_upload *eu, struct course_import_result *r, int k)
{
    const char *v[E__N];
    struct course_import_row *row = &r->rows[k];
    if (!upload_row(&eu->u, r, k, v)) return;
    if (eu->only_course && !*v[E_COURSE]) v[E_COURSE] = eu->only_course->code;
    row->code = arena_sprintf(eu->a, "%s %s", v[E_COURSE], *v[E_USERNAME] ? v[E_USERNAME] : v[E_IDNUMBER]);
    struct enrol_row er = {0};
    check_course(eu, row, v, &er);
    check_person(eu, row, v, &er);
    check_terms(eu, row, v, &er);
    if (row->n_errors) return;
    apply(eu, row, &er, !strcasecmp(v[E_STATUS], "inactive"));
}

/* The upload for the whole site (only_course NULL: every row names its course) or for one
 * course's page (only_course: the course column may be left out, and a row naming another
 * course is an error); actor_roles decides who may be enrolled where, as for enrol_user. */
static lerr enrol_import(struct db *db, struct arena *a, const struct course *only_course, const char *data,
                         size_t len, bool commit, int64_t actor_id, unsigned actor_roles,
                         struct course_import_result *r, struct problem *p)
{
    struct enrol_upload eu = {db, a, {0}, only_course, actor_id, actor_roles};
    if (!upload_open(&eu.u, a, data, len, columns, sizeof columns / sizeof columns[0], E__N, r)) return LE_OK;
    if ((eu.u.idx[E_COURSE] < 0 && !only_course) || (eu.u.idx[E_USERNAME] < 0 && eu.u.idx[E_IDNUMBER] < 0)) {
        r->file_error = "The file needs a 'course' column (or Canvas's 'course_id') and a 'username' or 'idnumber' "
                        "column (or Canvas's 'user_id').";
        r->n_rows = 0;
        return LE_OK;
    }
    if (db_tx_begin(db)) return problem_set(p, LE_DB, "", "The database could not start the upload; try again.");
    for (int k = 0; k < r->n_rows; k++) import_row(&eu, r, k);
    return upload_finish(db, r, "enrol", commit, p);
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
