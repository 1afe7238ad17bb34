/* Filing a request to the administrators: the checks of each kind (a course to host, people to
 * enrol, a class to schedule), the list of usernames read from a list or a CSV, and the row
 * with the requester's first message. Changing its state is request_state.c; reading
 * request_read.c. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "internal.h"
#include "request_internal.h"

#define UNKNOWN_SHOWN 10 /* unknown usernames named in the error; the rest counted */

/* Splits one CSV line's fields in place, at commas or semicolons (as spreadsheets in some
 * languages write them; no field of a username list holds either). */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    for (char *s = line; n < max;) {
        char *end = strpbrk(s, ",;");
        if (end) *end = '\0';
        while (isspace((unsigned char)*s) || *s == '"') s++;
        char *t = s + strlen(s);
        while (t > s && (isspace((unsigned char)t[-1]) || t[-1] == '"')) *--t = '\0';
        fields[n++] = s;
        if (!end) break;
        s = end + 1;
    }
    return n;
}

/* The column named username in a CSV's first line, or -1 when it is a plain list. */
static int username_column(const char *first_line, struct arena *a)
{
    char *copy = arena_strdup(a, first_line);
    char *fields[64];
    int n = split_fields(copy, fields, 64);
    for (int i = 0; i < n; i++)
        if (strcasecmp(fields[i], "username") == 0) return i;
    return -1;
}

/* Appends name to the list unless it is there already. */
static void add_unique(struct arena *a, const char **list, int *n, const char *name)
{
    if (!*name) return;
    for (int i = 0; i < *n; i++)
        if (strcmp(list[i], name) == 0) return;
    if (*n < REQUEST_USERNAMES_MAX + 1) list[(*n)++] = arena_strdup(a, name);
}

lerr request_usernames_parse(struct arena *a, const char *text, const char **out, int *n_out, struct problem *p)
{
    const char **names = arena_alloc(a, sizeof *names * (REQUEST_USERNAMES_MAX + 1));
    int n = 0;
    char *all = arena_strdup(a, text ? text : "");
    if (strncmp(all, "\xEF\xBB\xBF", 3) == 0) all += 3; /* a spreadsheet's byte order mark */
    char *save = NULL, *line = strtok_r(all, "\r\n", &save);
    int column = line ? username_column(line, a) : -1;
    if (column >= 0) line = strtok_r(NULL, "\r\n", &save); /* the header */
    for (; line; line = strtok_r(NULL, "\r\n", &save)) {
        if (column >= 0) {
            char *fields[64];
            if (split_fields(line, fields, 64) > column) add_unique(a, names, &n, fields[column]);
            continue;
        }
        char *s2 = NULL;
        for (char *w = strtok_r(line, " \t,;", &s2); w; w = strtok_r(NULL, " \t,;", &s2)) add_unique(a, names, &n, w);
    }
    if (n == 0) return problem_set(p, LE_INVALID, "usernames", "Name the people to enrol: their usernames, one a line, or a CSV with a username column.");
    if (n > REQUEST_USERNAMES_MAX)
        return problem_set(p, LE_INVALID, "usernames", "Name at most %d people in one request; send the rest in another.",
                           REQUEST_USERNAMES_MAX);
    size_t len = 0;
    for (int i = 0; i < n; i++) len += strlen(names[i]) + 1;
    char *joined = arena_alloc(a, len + 1), *at = joined;
    for (int i = 0; i < n; i++) at += sprintf(at, "%s%s", i ? "\n" : "", names[i]);
    *out = joined;
    *n_out = n;
    return LE_OK;
}

/* Every username of the list is an account on the site; the error names the ones that are not. */
static lerr usernames_known(struct db *db, struct arena *a, const char *list, struct problem *p)
{
    char *all = arena_strdup(a, list), *save = NULL;
    const char *unknown = "";
    int n_unknown = 0;
    for (char *u = strtok_r(all, "\n", &save); u; u = strtok_r(NULL, "\n", &save)) {
        int64_t id = 0;
        lerr e = db_query_int(db, &id, "SELECT id FROM users WHERE username = ?1 AND deleted_at IS NULL", "s", u);
        if (e == LE_DB) return model_db_problem(p);
        if (e || !id) {
            if (n_unknown < UNKNOWN_SHOWN) unknown = arena_sprintf(a, "%s%s%s", unknown, n_unknown ? ", " : "", u);
            n_unknown++;
        }
    }
    if (!n_unknown) return LE_OK;
    return problem_set(p, LE_INVALID, "usernames", "No account has the username%s %s%s; correct %s and send it again.",
                       n_unknown == 1 ? "" : "s", unknown,
                       n_unknown > UNKNOWN_SHOWN ? arena_sprintf(a, " (and %d more)", n_unknown - UNKNOWN_SHOWN) : "",
                       n_unknown == 1 ? "it" : "them");
}

static lerr text_check(const char *v, const char *field, struct problem *p)
{
    if (v && strlen(v) > REQUEST_TEXT_MAX)
        return problem_set(p, LE_TOOBIG, field, "Keep it to %d characters.", REQUEST_TEXT_MAX);
    return LE_OK;
}

/* The fields of each kind, into row; the course's id when the kind names one. */
static lerr kind_check(struct db *db, struct arena *a, const struct request_input *in, int64_t actor_id,
                       struct request_row *row, struct problem *p)
{
    if (str_eq(in->kind, "course")) {
        if (!in->title || !*in->title) return problem_set(p, LE_INVALID, "title", "Give the new course a title.");
        if (strlen(in->title) > 255) return problem_set(p, LE_INVALID, "title", "Keep the title to 255 characters.");
        row->course_kind = in->course_kind && *in->course_kind ? in->course_kind : "elearning";
        if (!str_eq(row->course_kind, "elearning") && !str_eq(row->course_kind, "classroom") &&
            !str_eq(row->course_kind, "blended"))
            return problem_set(p, LE_INVALID, "course_kind", "Choose the kind: elearning, classroom or blended.");
        row->title = in->title;
        return LE_OK;
    }
    if (!str_eq(in->kind, "enrol") && !str_eq(in->kind, "class"))
        return problem_set(p, LE_INVALID, "kind", "Choose what you ask for: course, enrol or class.");
    struct course c;
    if (!in->course_code || !*in->course_code)
        return problem_set(p, LE_INVALID, "course", "Choose the course, by its code.");
    if (course_get(db, a, in->course_code, actor_id, &c, p))
        return problem_set(p, p->code == LE_DB ? LE_DB : LE_INVALID, "course", "There is no course with the code %s.",
                           in->course_code);
    row->course_id = c.id;
    if (str_eq(in->kind, "class")) {
        if (!in->wanted_dates || !*in->wanted_dates)
            return problem_set(p, LE_INVALID, "wanted_dates", "Say which dates you would like the class on.");
        if (in->seats < 0 || in->seats > 100000)
            return problem_set(p, LE_INVALID, "seats", "Give the seats as a number from 1 to 100000.");
        row->wanted_dates = in->wanted_dates, row->seats = in->seats;
        return text_check(in->wanted_dates, "wanted_dates", p);
    }
    int64_t due = 0;
    if (in->due_date && *in->due_date && !course_parse_date(in->due_date, &due))
        return problem_set(p, LE_INVALID, "due_date", "Give the due date as YYYY-MM-DD, such as 2027-01-31.");
    row->due_date = in->due_date ? in->due_date : "";
    int n = 0;
    if (request_usernames_parse(a, in->usernames, &row->usernames, &n, p)) return p->code;
    return usernames_known(db, a, row->usernames, p);
}

/* The day it is needed by: a date, today or later. */
static lerr needed_by_check(const char *v, int64_t now, int64_t *out, struct problem *p)
{
    if (!v || !*v) return problem_set(p, LE_INVALID, "needed_by", "Say by which day you need it (YYYY-MM-DD).");
    if (!course_parse_date(v, out))
        return problem_set(p, LE_INVALID, "needed_by", "Give the day as YYYY-MM-DD, such as 2027-01-31.");
    if (*out + 86400 <= now) return problem_set(p, LE_INVALID, "needed_by", "That day has passed; choose today or later.");
    return LE_OK;
}

static lerr insert_request(struct db *db, const struct request_row *r, int64_t actor_id, int64_t now, int64_t *id)
{
    struct db_stmt *st = db_prepare(
        db, "INSERT INTO admin_requests (kind, requester_id, needed_by, title, course_kind, course_id, usernames, "
            "due_date, wanted_dates, seats, notes, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
            "?10, ?11, ?12, ?12) RETURNING id");
    if (!st) return LE_DB;
    db_bind_text(st, 1, r->kind);
    db_bind_int(st, 2, actor_id);
    db_bind_int(st, 3, r->needed_by);
    db_bind_text(st, 4, r->title ? r->title : "");
    db_bind_text(st, 5, r->course_kind ? r->course_kind : "");
    bulk_bind_opt_int(st, 6, r->course_id);
    db_bind_text(st, 7, r->usernames ? r->usernames : "");
    db_bind_text(st, 8, r->due_date ? r->due_date : "");
    db_bind_text(st, 9, r->wanted_dates ? r->wanted_dates : "");
    db_bind_int(st, 10, r->seats);
    db_bind_text(st, 11, r->notes ? r->notes : "");
    db_bind_int(st, 12, now);
    return bulk_step_id(st, id) ? LE_DB : LE_OK;
}

lerr admin_request_create(struct db *db, struct arena *a, const struct request_input *in, int64_t actor_id,
                          int64_t *id_out, struct problem *p)
{
    int64_t now = time_now(), id = 0;
    struct request_row row = {.kind = in->kind, .notes = in->notes};
    lerr e = needed_by_check(in->needed_by, now, &row.needed_by, p);
    if (!e) e = text_check(in->notes, "notes", p);
    if (!e) e = kind_check(db, a, in, actor_id, &row, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    if (insert_request(db, &row, actor_id, now, &id)) e = model_db_problem(p);
    if (!e) e = request_audit(db, a, actor_id, "request.create", id, json_pack("{s:s}", "kind", row.kind), p);
    if (!e) e = request_tell(db, a, id, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e && id_out) *id_out = id;
    return e;
}
