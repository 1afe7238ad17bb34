/* Bulk user upload from CSV, and export in the same columns (docs/people.md).
 *
 * One pass over the file decides every row's outcome against the database as it is, without
 * a query per row: the accounts, departments, job roles and profile fields are loaded once
 * into hash maps, and every username, email and idnumber a row would hold is claimed in them,
 * so a duplicate inside the file and one against the site are found the same way. Managers
 * are resolved after all rows are read (a manager may be created further down the file), then
 * the manager graph is checked for loops, then rows whose manager's own row failed fail too.
 * The file is read one record at a time (csv_each): a row's cells are gone once it has been
 * checked, and it keeps only its outcome, the values it writes and its claims ("Preview").
 *
 * A commit runs the same preview again on the same bytes, hashes the passwords on one thread
 * per core (argon2id is deliberately slow and must not hold the write lock), then writes the
 * result with prepared statements in chunks of short transactions ("Chunks" below). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "internal.h"

/* ---- Columns: the header row decides which are present ---- */

enum ufield {
    F_USERNAME, F_PASSWORD, F_FIRSTNAME, F_LASTNAME, F_EMAIL, F_IDNUMBER, F_INSTITUTION,
    F_DEPARTMENT, F_CITY, F_COUNTRY, F_LANG, F_TIMEZONE, F_PHONE, F_AUTH, F_SUSPENDED, F_DELETED,
    F_OLDUSERNAME, F_STATUS, F_JOBROLE, F_MANAGER, F_ROLES, F_STARTDATE, F__COUNT
};

/* Moodle's bulk upload names, Canvas SIS users.csv names, and Lectern's own. */
static const struct {
    const char *name;
    enum ufield field;
} column_names[] = {
    {"username", F_USERNAME},       {"login_id", F_USERNAME},     {"password", F_PASSWORD},
    {"firstname", F_FIRSTNAME},     {"first_name", F_FIRSTNAME},  {"lastname", F_LASTNAME},
    {"last_name", F_LASTNAME},      {"email", F_EMAIL},           {"idnumber", F_IDNUMBER},
    {"user_id", F_IDNUMBER},        {"institution", F_INSTITUTION}, {"department", F_DEPARTMENT},
    {"city", F_CITY},               {"country", F_COUNTRY},       {"lang", F_LANG},
    {"timezone", F_TIMEZONE},       {"phone1", F_PHONE},          {"phone", F_PHONE},
    {"auth", F_AUTH},               {"suspended", F_SUSPENDED},   {"deleted", F_DELETED},
    {"oldusername", F_OLDUSERNAME}, {"status", F_STATUS},         {"job_role", F_JOBROLE},
    {"jobrole", F_JOBROLE},         {"manager", F_MANAGER},       {"roles", F_ROLES},
    {"start_date", F_STARTDATE},
};

/* The columns `lectern user export` writes, in order (profile fields follow). */
static const struct {
    const char *name;
    enum ufield field;
} export_columns[] = {
    {"username", F_USERNAME},   {"firstname", F_FIRSTNAME}, {"lastname", F_LASTNAME},
    {"email", F_EMAIL},         {"idnumber", F_IDNUMBER},   {"institution", F_INSTITUTION},
    {"department", F_DEPARTMENT}, {"city", F_CITY},         {"country", F_COUNTRY},
    {"lang", F_LANG},           {"timezone", F_TIMEZONE},   {"phone1", F_PHONE},
    {"suspended", F_SUSPENDED}, {"job_role", F_JOBROLE},    {"manager", F_MANAGER},
    {"roles", F_ROLES},         {"start_date", F_STARTDATE},
};

#define DEFAULT_TEMPLATE "{f}{last}"
#define OWNER_NONE (-1)
/* An owner is an existing account (its index, >= 0) or a row creating one (ROW_OWNER(r)). */
#define ROW_OWNER(r) (-(r)-2)
#define OWNER_ROW(o) (-(o)-2)

const char *import_mode_name(enum import_mode m)
{
    return m == IMPORT_ADD ? "add" : m == IMPORT_UPDATE ? "update" : "upsert";
}

lerr import_mode_parse(const char *s, enum import_mode *out)
{
    if (!s || !*s || strcmp(s, "upsert") == 0) *out = IMPORT_UPSERT;
    else if (strcmp(s, "add") == 0) *out = IMPORT_ADD;
    else if (strcmp(s, "update") == 0) *out = IMPORT_UPDATE;
    else return LE_INVALID;
    return LE_OK;
}

const char *import_outcome_name(enum import_outcome o)
{
    static const char *const names[] = {"create", "update", "unchanged", "skip", "error"};
    return o < IO__COUNT ? names[o] : "error";
}

static char *lower_dup(struct arena *a, const char *s)
{
    char *d = arena_strdup(a, s ? s : "");
    for (char *c = d; *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
    return d;
}

/* s in lower case: s itself when it has no capital (most emails), so that it is not kept twice. */
static const char *lower_or_same(struct arena *a, const char *s)
{
    for (const char *c = s; *c; c++)
        if (*c >= 'A' && *c <= 'Z') return lower_dup(a, s);
    return s;
}

/* ---- What the importer knows about the site ---- */

struct ex {                       /* an existing account */
    int64_t id;
    const char *username, *email, *idnumber, *first, *last, *institution, *phone, *city, *country,
        *lang, *tz, *start;
    int64_t dept, role, manager;
    unsigned roles;
    bool suspended, deleted;
    int row;                      /* the row that targets it, -1 */
};

struct rowx {                     /* import_row.priv */
    const char **v;               /* while the row is checked: its cells, trimmed, per field (NULL =
                                   * no such column); they are gone after check_row */
    const char *manager_cell;     /* the manager cell, kept for resolve_managers */
    const char **pv;              /* profile values (normalised) per profile column */
    int ex;                       /* target account, -1 for a new one */
    bool create, del, rename;
    int susp;                     /* -1 unchanged, 0 reactivate, 1 suspend */
    const char *username, *email, *first, *last, *idnumber, *institution, *phone, *city,
        *country, *lang, *tz, *start;
    int64_t dept, role;
    unsigned roles;
    int manager;                  /* an owner, or OWNER_NONE */
    bool manager_given;
    const char *password;         /* for a new account, NULL for none */
    bool weak_password;           /* the file's password failed the policy: a sign-in link instead */
    char *hash;
    int64_t id;                   /* after the insert */
    bool manager_at_insert;       /* the manager's id was known when the row was inserted */
    struct buf changes;           /* "email, city" */
    int cap_errors;
};

struct pfcol {                    /* a profile_field_<shortname> column */
    struct profile_field f;
    int col;
    const char *header;
};

struct rows_ref {
    struct import_row *rows;
    int n;
};

struct ctx {
    struct db *db;
    struct arena *a;
    const struct import_options *o;
    struct import_result *r;
    int col[F__COUNT];            /* column index per field, -1 absent */
    const char *header[F__COUNT]; /* the header's text for it */
    struct pfcol *pf;
    int n_pf;
    /* The registered providers' columns (courseN / roleN ...): each provider's state. */
    struct import_report *report;
    void **column_state;
    struct ex *ex;
    int n_ex;
    struct strmap by_username, by_email, by_idnumber;
    struct department *depts;
    int n_depts;
    struct strmap dept_by_idnumber, dept_by_path, dept_by_name;
    struct strmap new_dept_by_path; /* departments to create (create_departments): path -> index */
    struct job_role *roles;
    int n_roles;
    struct strmap role_by_idnumber, role_by_name;
    struct profile_field *fields;
    int n_fields;
    int64_t active_admins;
    /* The preview reads the file one record at a time (csv_each): the row being checked's
     * cells, and whether the header was usable and the site could be read. */
    const char *cells[F__COUNT];
    const char **pvals;
    const struct csv_doc *doc;    /* its delimiter and BOM are known before the first record */
    bool seen_header, header_ok, db_failed;
    struct rows_ref *rows_ref;
    int rows_cap;                 /* rows allocated: at most one per line of the file */
    struct arena *tmp;            /* what only the row being checked needs; emptied after each */
    const char *repeated[7];      /* keep_repeated: the last value kept per kind */
    /* Audit entries of a commit's chunk, appended together at its end (audit_append_many). */
    struct audit_entry *audit;
    size_t n_audit, cap_audit;
    struct arena *audit_a;        /* their targets' text, freed with them */
    /* The commit's current chunk: its transaction is open, and rows written in it. */
    bool chunk_open;
    int chunk_rows;
    int64_t rows_committed;       /* in chunks committed for good (not savepoints of a caller's) */
};

static void file_error(struct ctx *c, int line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void file_error(struct ctx *c, int line, const char *column, const char *fmt, ...)
{
    struct import_result *r = c->r;
    if (r->n_file_errors >= 100) return;
    if (!r->file_errors) r->file_errors = arena_alloc(c->a, 100 * sizeof *r->file_errors);
    va_list ap;
    va_start(ap, fmt);
    char msg[600];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->file_errors[r->n_file_errors++] =
        (struct import_issue){line, arena_strdup(c->a, column ? column : ""), arena_strdup(c->a, msg)};
}

/* A problem found while reading the file, which is reported before those of its header (the
 * header was checked as it was read). */
static void file_error_first(struct ctx *c, int line, const char *message)
{
    struct import_result *r = c->r;
    int before = r->n_file_errors;
    file_error(c, line, "", "%s", message);
    if (r->n_file_errors == before || r->n_file_errors < 2) return;
    struct import_issue last = r->file_errors[r->n_file_errors - 1];
    memmove(r->file_errors + 1, r->file_errors, sizeof *r->file_errors * (size_t)(r->n_file_errors - 1));
    r->file_errors[0] = last;
}

static void row_error(struct ctx *c, struct import_row *row, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void row_error(struct ctx *c, struct import_row *row, const char *column, const char *fmt, ...)
{
    struct rowx *x = row->priv;
    row->outcome = IO_ERROR;
    if (row->n_errors >= 20) return;
    if (row->n_errors == x->cap_errors) {
        int cap = x->cap_errors ? x->cap_errors * 2 : 2;
        struct import_issue *e = arena_alloc(c->a, (size_t)cap * sizeof *e);
        if (row->n_errors) memcpy(e, row->errors, (size_t)row->n_errors * sizeof *e);
        row->errors = e;
        x->cap_errors = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char msg[600];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    row->errors[row->n_errors++] =
        (struct import_issue){row->line, arena_strdup(c->a, column ? column : ""), arena_strdup(c->a, msg)};
}

/* A problem from a shared validator, on the cell of field f. */
static void cell_error(struct ctx *c, struct import_row *row, enum ufield f, const struct problem *p)
{
    row_error(c, row, c->header[f], "%s", p->message);
}

/* ---- Columns of other domains (people.h: struct import_columns) ---- */

#define COLUMN_PROVIDERS_MAX 8
static const struct import_columns *column_providers[COLUMN_PROVIDERS_MAX];
static int n_column_providers;

void user_import_columns_register(const struct import_columns *columns)
{
    if (n_column_providers == COLUMN_PROVIDERS_MAX) abort(); /* raise COLUMN_PROVIDERS_MAX */
    column_providers[n_column_providers++] = columns;
}

struct import_report {
    struct ctx *c;
};

void import_report_file_error(struct import_report *r, int line, const char *column, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    file_error(r->c, line, column, "%s", msg);
}

void import_report_row_error(struct import_report *r, int row, const char *column, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    row_error(r->c, &r->c->r->rows[row], column, "%s", msg);
}

static void columns_begin(struct ctx *c)
{
    c->report = arena_alloc(c->a, sizeof *c->report);
    c->report->c = c;
    c->column_state = arena_alloc(c->a, sizeof *c->column_state * (size_t)(n_column_providers + 1));
    for (int k = 0; k < n_column_providers; k++) c->column_state[k] = column_providers[k]->begin(c->db, c->a);
}

static bool columns_claim(struct ctx *c, int column, const char *name)
{
    for (int k = 0; k < n_column_providers; k++)
        if (column_providers[k]->claim(c->column_state[k], column, name)) return true;
    return false;
}

static bool columns_header_done(struct ctx *c, int header_line)
{
    bool ok = true;
    for (int k = 0; k < n_column_providers; k++)
        if (!column_providers[k]->header_done(c->column_state[k], c->report, header_line)) ok = false;
    return ok;
}

static void columns_check_row(struct ctx *c, int ri, const struct csv_record *rec)
{
    for (int k = 0; k < n_column_providers; k++)
        column_providers[k]->check_row(c->column_state[k], c->report, ri, rec->fields, rec->n);
}

/* After the accounts: each row's account id for the providers, 0 where the row wrote none. */
static lerr columns_write(struct ctx *c)
{
    if (!n_column_providers) return LE_OK;
    int64_t *ids = arena_alloc(c->a, sizeof *ids * (size_t)(c->r->n_rows + 1));
    for (int i = 0; i < c->r->n_rows; i++) {
        const struct import_row *row = &c->r->rows[i];
        const struct rowx *x = row->priv;
        if (!x || x->del || row->outcome == IO_ERROR || row->outcome == IO_SKIP) continue;
        ids[i] = x->ex >= 0 ? c->ex[x->ex].id : x->id;
    }
    for (int k = 0; k < n_column_providers; k++) {
        lerr e = column_providers[k]->write(c->column_state[k], c->db, ids, c->r->n_rows, c->o->actor_id);
        if (e) return e;
    }
    return LE_OK;
}

/* ---- Loading the site ---- */

static lerr load_site(struct ctx *c, int n_rows)
{
    struct db *db = c->db;
    struct arena *a = c->a;
    int64_t n = 0;
    if (db_query_int(db, &n, "SELECT COUNT(*) FROM users", "")) return LE_DB;
    c->ex = arena_alloc(a, sizeof *c->ex * (size_t)(n + 1));
    size_t expect = (size_t)n + (size_t)n_rows;
    strmap_init(&c->by_username, a, expect, OWNER_NONE);
    strmap_init(&c->by_email, a, expect, OWNER_NONE);
    strmap_init(&c->by_idnumber, a, expect, OWNER_NONE);
    struct db_stmt *st = db_query(db,
                                  "SELECT id, username, email, idnumber, first_name, last_name, institution, "
                                  "phone, city, country, lang, timezone, COALESCE(department_id, 0), "
                                  "COALESCE(job_role_id, 0), COALESCE(manager_id, 0), roles, status, "
                                  "deleted_at, COALESCE(start_date, '') FROM users ORDER BY id",
                                  "");
    int k = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && k < n) {
        struct ex *e = &c->ex[k];
        e->id = db_col_int(st, 0);
        e->username = model_col_str(a, st, 1);
        e->email = model_col_str(a, st, 2);
        e->idnumber = model_col_str(a, st, 3);
        e->first = model_col_str(a, st, 4);
        e->last = model_col_str(a, st, 5);
        e->institution = model_col_str(a, st, 6);
        e->phone = model_col_str(a, st, 7);
        e->city = model_col_str(a, st, 8);
        e->country = model_col_str(a, st, 9);
        e->lang = model_col_str(a, st, 10);
        e->tz = model_col_str(a, st, 11);
        e->dept = db_col_int(st, 12);
        e->role = db_col_int(st, 13);
        e->manager = db_col_int(st, 14);
        e->roles = (unsigned)db_col_int(st, 15);
        e->suspended = !str_eq(db_col_text(st, 16), "active");
        e->deleted = !db_col_is_null(st, 17);
        e->start = model_col_str(a, st, 18);
        e->row = -1;
        strmap_put(&c->by_username, e->username, k);
        if (*e->email) strmap_put(&c->by_email, lower_dup(a, e->email), k);
        if (*e->idnumber) strmap_put(&c->by_idnumber, e->idnumber, k);
        if ((e->roles & ROLE_ADMIN) && !e->suspended && !e->deleted) c->active_admins++;
        k++;
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return LE_DB;
    c->n_ex = k;

    if (department_list(db, a, &c->depts, &c->n_depts)) return LE_DB;
    /* departments to create: only with the option (each row names at most one) */
    size_t n_new = c->o->create_departments ? (size_t)n_rows : 0;
    strmap_init(&c->new_dept_by_path, a, n_new, OWNER_NONE);
    c->r->new_departments = arena_alloc(a, sizeof *c->r->new_departments * (n_new + 1));
    strmap_init(&c->dept_by_idnumber, a, (size_t)c->n_depts, OWNER_NONE);
    strmap_init(&c->dept_by_path, a, (size_t)c->n_depts, OWNER_NONE);
    strmap_init(&c->dept_by_name, a, (size_t)c->n_depts, OWNER_NONE);
    for (int i = 0; i < c->n_depts; i++) {
        const struct department *d = &c->depts[i];
        if (*d->idnumber) strmap_put(&c->dept_by_idnumber, d->idnumber, i);
        strmap_put(&c->dept_by_path, lower_dup(a, d->path), i);
        const char *name = lower_dup(a, d->name);
        /* -2: more than one department has this name. */
        strmap_put(&c->dept_by_name, name, strmap_get(&c->dept_by_name, name) == OWNER_NONE ? i : -2);
    }
    if (job_role_list(db, a, &c->roles, &c->n_roles)) return LE_DB;
    strmap_init(&c->role_by_idnumber, a, (size_t)c->n_roles, OWNER_NONE);
    strmap_init(&c->role_by_name, a, (size_t)c->n_roles, OWNER_NONE);
    for (int i = 0; i < c->n_roles; i++) {
        if (*c->roles[i].idnumber) strmap_put(&c->role_by_idnumber, c->roles[i].idnumber, i);
        strmap_put(&c->role_by_name, lower_dup(a, c->roles[i].name), i);
    }
    return LE_OK;
}

/* Current values of the profile fields the file has, for the accounts it may touch. */
static lerr load_profile_values(struct ctx *c, const char ***values)
{
    if (!c->n_pf) return LE_OK;
    *values = arena_alloc(c->a, sizeof **values * (size_t)c->n_ex * (size_t)c->n_pf + 1);
    struct db_stmt *st = db_query(c->db, "SELECT user_id, field_id, value FROM profile_values ORDER BY user_id", "");
    int rc, k = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t uid = db_col_int(st, 0), fid = db_col_int(st, 1);
        while (k < c->n_ex && c->ex[k].id < uid) k++;
        if (k >= c->n_ex || c->ex[k].id != uid) continue;
        for (int f = 0; f < c->n_pf; f++)
            if (c->pf[f].f.id == fid) (*values)[(size_t)k * (size_t)c->n_pf + (size_t)f] = model_col_str(c->a, st, 2);
    }
    db_done(st);
    return rc == DB_DONE ? LE_OK : LE_DB;
}

/* ---- The header ---- */

static bool map_header(struct ctx *c, const struct csv_record *h)
{
    struct import_result *r = c->r;
    for (int f = 0; f < F__COUNT; f++) c->col[f] = -1;
    r->columns = arena_alloc(c->a, sizeof *r->columns * (size_t)(h->n + 1));
    r->unknown_columns = arena_alloc(c->a, sizeof *r->unknown_columns * (size_t)(h->n + 1));
    r->n_columns = h->n;
    c->pf = arena_alloc(c->a, sizeof *c->pf * (size_t)(h->n + 1));
    columns_begin(c);
    bool ok = true;
    for (int i = 0; i < h->n; i++) {
        const char *raw = h->fields[i];
        while (*raw == ' ') raw++;
        char *name = lower_dup(c->a, raw);
        size_t n = strlen(name);
        while (n && name[n - 1] == ' ') name[--n] = '\0';
        r->columns[i] = arena_strdup(c->a, h->fields[i]);
        if (!*name) {
            file_error(c, h->line, "", "Column %d of the header has no name: name it, or remove the column.", i + 1);
            ok = false;
            continue;
        }
        for (int j = 0; j < i; j++)
            if (strcasecmp(r->columns[j], h->fields[i]) == 0) {
                file_error(c, h->line, name, "The column '%s' appears twice in the header; keep one.", name);
                ok = false;
            }
        if (strncmp(name, "profile_field_", 14) == 0) {
            const char *sn = name + 14;
            int k = -1;
            for (int f = 0; f < c->n_fields; f++)
                if (strcmp(c->fields[f].shortname, sn) == 0) k = f;
            if (k < 0) {
                file_error(c, h->line, name,
                           "There is no profile field '%s' for the column %s: define it under Profile "
                           "fields first, or remove the column.",
                           sn, name);
                ok = false;
            } else {
                c->pf[c->n_pf++] = (struct pfcol){c->fields[k], i, name};
            }
            continue;
        }
        if (columns_claim(c, i, name)) continue;
        int field = -1;
        for (size_t k = 0; k < sizeof column_names / sizeof column_names[0]; k++)
            if (strcmp(column_names[k].name, name) == 0) field = (int)column_names[k].field;
        if (field < 0) {
            r->unknown_columns[r->n_unknown++] = r->columns[i];
            continue;
        }
        if (c->col[field] >= 0) {
            file_error(c, h->line, name, "The columns '%s' and '%s' both give the %s; keep one of them.",
                       c->header[field], name,
                       field == F_USERNAME ? "username" : field == F_IDNUMBER ? "idnumber" : "same field");
            ok = false;
            continue;
        }
        c->col[field] = i;
        c->header[field] = name;
    }
    for (int f = 0; f < F__COUNT; f++)
        if (!c->header[f]) c->header[f] = "";
    if (!columns_header_done(c, h->line)) ok = false;
    if (!ok) return false;
    /* What the mode needs. */
    if (c->o->mode != IMPORT_UPDATE) {
        static const enum ufield need[] = {F_FIRSTNAME, F_LASTNAME, F_EMAIL};
        static const char *const names[] = {"firstname (or first_name)", "lastname (or last_name)", "email"};
        for (int k = 0; k < 3; k++)
            if (c->col[need[k]] < 0) {
                file_error(c, h->line, "",
                           "The required column %s is missing: new accounts need it. Add the column, "
                           "or choose the mode 'update' to change existing accounts only.",
                           names[k]);
                ok = false;
            }
    }
    if (c->col[F_USERNAME] < 0 && c->col[F_IDNUMBER] < 0 && c->col[F_EMAIL] < 0) {
        file_error(c, h->line, "",
                   "The file needs a column that identifies each person: username (or login_id), "
                   "idnumber (or user_id) or email.");
        ok = false;
    }
    return ok;
}

/* ---- Cells ---- */

static const char *cell(struct ctx *c, const struct csv_record *rec, enum ufield f)
{
    int i = c->col[f];
    if (i < 0) return NULL;
    const char *s = i < rec->n ? rec->fields[i] : "";
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
    return s[n] ? arena_strndup(c->tmp, s, n) : s;
}

static bool given(const char *v)
{
    return v && *v;
}

/* 1/0, yes/no, true/false: 1 or 0; -1 empty; -2 not understood. */
static int flag_value(const char *v)
{
    if (!given(v)) return -1;
    static const char *const yes[] = {"1", "yes", "true", "y", "on"};
    static const char *const no[] = {"0", "no", "false", "n", "off"};
    for (size_t i = 0; i < 5; i++) {
        if (strcasecmp(v, yes[i]) == 0) return 1;
        if (strcasecmp(v, no[i]) == 0) return 0;
    }
    return -2;
}

/* "Operations/Sales" and "Operations / Sales" are the same path: the second, as the site
 * writes it. */
static char *department_path(struct arena *a, const char *v)
{
    struct buf b;
    buf_init(&b, 4096);
    for (const char *s = v; *s;) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        while (n && s[0] == ' ') s++, n--;
        while (n && s[n - 1] == ' ') n--;
        if (b.len) buf_adds(&b, " / ");
        buf_add(&b, s, n);
        if (!slash) break;
        s = slash + 1;
    }
    char *path = arena_strdup(a, b.data ? b.data : "");
    buf_release(&b);
    return path;
}

static int find_department(struct ctx *c, const char *v, const char **why)
{
    *why = NULL;
    int i = strmap_get(&c->dept_by_idnumber, v);
    if (i >= 0) return i;
    char *path = lower_dup(c->tmp, department_path(c->tmp, v));
    i = strmap_get(&c->dept_by_path, path);
    if (i >= 0) return i;
    i = strmap_get(&c->dept_by_name, path);
    if (i == -2) {
        *why = "several departments have this name: give its idnumber or its path, such as 'Operations / Sales'";
        return -1;
    }
    if (i < 0)
        *why = "there is no such department (by idnumber, path or name): create it first under Departments, or "
               "choose the option to create missing departments";
    return i;
}

/* A department the file names and the site lacks (create_departments): its place in the list
 * the commit creates, as the id -(k + 2) until then (-1 means "not given"). */
static int64_t new_department(struct ctx *c, const char *v)
{
    struct import_result *r = c->r;
    char *path = department_path(c->a, v);
    char *key = lower_dup(c->a, path);
    int k = strmap_get(&c->new_dept_by_path, key);
    if (k == OWNER_NONE) {
        k = r->n_new_departments++;
        r->new_departments[k] = path;
        strmap_put(&c->new_dept_by_path, key, k);
    }
    return -(int64_t)k - 2;
}

/* The department at path (the site's, or made earlier in this commit, in made), created under
 * parent when there is none. */
static lerr department_at(struct ctx *c, struct strmap *made, int64_t *made_ids, int *n_made, const char *path,
                          const char *name, int64_t *parent)
{
    const char *key = lower_dup(c->a, path);
    int known = strmap_get(&c->dept_by_path, key);
    int k = strmap_get(made, key);
    if (known >= 0 || k >= 0) {
        *parent = known >= 0 ? c->depts[known].id : made_ids[k];
        return LE_OK;
    }
    struct problem p = {0};
    if (department_create(c->db, name, "", *parent, c->o->actor_id, parent, &p)) return LE_DB;
    made_ids[*n_made] = *parent;
    strmap_put(made, key, (*n_made)++);
    return LE_OK;
}

/* The commit's first step with create_departments: each new path level by level, then the
 * rows' placeholders become the departments' ids. */
static lerr create_departments(struct ctx *c)
{
    struct import_result *r = c->r;
    if (!r->n_new_departments) return LE_OK;
    int64_t *ids = arena_alloc(c->a, sizeof *ids * (size_t)r->n_new_departments);
    size_t levels = 0;
    for (int k = 0; k < r->n_new_departments; k++)
        for (const char *s = r->new_departments[k]; s; s = strstr(s, " / ") ? strstr(s, " / ") + 3 : NULL) levels++;
    struct strmap made;
    strmap_init(&made, c->a, levels, OWNER_NONE);
    int64_t *made_ids = arena_alloc(c->a, sizeof *made_ids * levels);
    int n_made = 0;
    for (int k = 0; k < r->n_new_departments; k++) {
        const char *path = r->new_departments[k];
        int64_t parent = 0;
        for (const char *s = path;;) {
            const char *end = strstr(s, " / ");
            size_t n = end ? (size_t)(end - s) : strlen(s);
            const char *prefix = arena_strndup(c->a, path, (size_t)(s - path) + n);
            lerr e = department_at(c, &made, made_ids, &n_made, prefix, arena_strndup(c->a, s, n), &parent);
            if (e) return e;
            if (!end) break;
            s = end + 3;
        }
        ids[k] = parent;
    }
    for (int i = 0; i < r->n_rows; i++) {
        struct rowx *x = r->rows[i].priv;
        if (x && x->dept <= -2) x->dept = ids[-x->dept - 2];
    }
    return LE_OK;
}

static int find_job_role(struct ctx *c, const char *v)
{
    int i = strmap_get(&c->role_by_idnumber, v);
    return i >= 0 ? i : strmap_get(&c->role_by_name, lower_dup(c->tmp, v));
}

/* ---- Usernames from a template ---- */

/* Latin-1 letters to ASCII, for usernames made from names: "José Müller" -> "jose", "muller". */
static const char *fold_latin1(unsigned cp)
{
    static const char *const t[64] = {
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y",
    };
    return cp >= 0xC0 && cp <= 0xFF ? t[cp - 0xC0] : "";
}

static void add_folded(struct buf *b, const char *s, size_t max_chars)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n < max_chars) {
        unsigned c = *p;
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z') c += 32;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')
                buf_addc(b, (char)c);
            p++;
        } else if ((c & 0xE0) == 0xC0 && p[1]) {
            buf_adds(b, fold_latin1(((c & 0x1F) << 6) | (p[1] & 0x3F)));
            p += 2;
        } else {
            p++;
            while ((*p & 0xC0) == 0x80) p++;
        }
        n++;
    }
}

/* Expands {first} {last} {f} {l} {idnumber}, then makes it unique with 2, 3, ... */
static const char *make_username(struct ctx *c, const struct rowx *x)
{
    const char *t = c->o->username_template && *c->o->username_template ? c->o->username_template
                                                                         : DEFAULT_TEMPLATE;
    struct buf b;
    buf_init(&b, 400);
    for (const char *s = t; *s;) {
        if (*s == '{') {
            const char *end = strchr(s, '}');
            if (end) {
                size_t n = (size_t)(end - s - 1);
                const char *first = x->first ? x->first : "", *last = x->last ? x->last : "";
                if (n == 5 && strncmp(s + 1, "first", 5) == 0) add_folded(&b, first, 50);
                else if (n == 4 && strncmp(s + 1, "last", 4) == 0) add_folded(&b, last, 50);
                else if (n == 1 && s[1] == 'f') add_folded(&b, first, 1);
                else if (n == 1 && s[1] == 'l') add_folded(&b, last, 1);
                else if (n == 8 && strncmp(s + 1, "idnumber", 8) == 0) add_folded(&b, x->idnumber ? x->idnumber : "", 50);
                s = end + 1;
                continue;
            }
        }
        char one[2] = {*s++, 0};
        add_folded(&b, one, 1);
    }
    char base[96];
    snprintf(base, sizeof base, "%s", b.data ? b.data : "");
    buf_release(&b);
    if (!base[0]) return NULL;
    const char *name = arena_strdup(c->a, base);
    for (int k = 2; strmap_get(&c->by_username, name) != OWNER_NONE; k++)
        name = arena_sprintf(c->a, "%s%d", base, k);
    return name;
}

/* ---- Rows ---- */

static const char *ex_or(const char *v, const char *current)
{
    return given(v) ? v : current;
}

static void note_change(struct rowx *x, const char *field)
{
    if (x->changes.len) buf_adds(&x->changes, ", ");
    buf_adds(&x->changes, field);
}

/* Claims value (lowercased for emails by the caller) for owner in map; reports a clash. */
static bool claim(struct ctx *c, struct import_row *row, struct strmap *m, const char *key, int owner,
                  enum ufield f, const char *what)
{
    if (!key || !*key) return true;
    int held = strmap_get(m, key);
    if (held == OWNER_NONE || held == owner) {
        strmap_put(m, key, owner);
        return true;
    }
    if (held >= 0)
        row_error(c, row, c->header[f], "The %s '%s' belongs to another account (%s).", what, key,
                  c->ex[held].username);
    else
        row_error(c, row, c->header[f], "The %s '%s' is also on line %d of the file.", what, key,
                  c->r->rows[OWNER_ROW(held)].line);
    return false;
}

/* A row's cells after their shapes were checked: NULL (or -1) where a cell is empty or wrong. */
struct cells {
    char *username, *oldusername, *first, *last;
    const char *email, *idnumber, *institution, *phone, *city, *country, *lang, *tz, *start;
    int susp, del;                /* flag_value: 1, 0, -1 not given (-2 wrong, reported) */
    unsigned roles;               /* 0 = not given */
    int64_t dept, role;           /* -1 = not given */
};

/* A value many rows share (a city, a country, a time zone...), kept once while consecutive
 * rows repeat it: at 300,000 rows a copy per row would be most of the preview's memory. v was
 * made in c->tmp; the result lives as long as the import. */
static const char *keep_repeated(struct ctx *c, int slot, const char *v)
{
    if (!v) return NULL;
    if (!c->repeated[slot] || !str_eq(c->repeated[slot], v)) c->repeated[slot] = arena_strdup(c->a, v);
    return c->repeated[slot];
}

/* Institution, phone, city, country, language and time zone. */
static void check_place_cells(struct ctx *c, struct import_row *row, struct rowx *x, struct cells *v)
{
    struct arena *a = c->tmp;
    struct problem p;
    if (given(x->v[F_INSTITUTION]) && org_check_text(a, x->v[F_INSTITUTION], "institution", 255, &v->institution, (p = (struct problem){0}, &p)))
        cell_error(c, row, F_INSTITUTION, &p);
    if (given(x->v[F_PHONE]) && org_check_text(a, x->v[F_PHONE], "phone", 50, &v->phone, (p = (struct problem){0}, &p)))
        cell_error(c, row, F_PHONE, &p);
    if (given(x->v[F_CITY]) && org_check_text(a, x->v[F_CITY], "city", 120, &v->city, (p = (struct problem){0}, &p)))
        cell_error(c, row, F_CITY, &p);
    if (given(x->v[F_COUNTRY]) && org_check_country(a, x->v[F_COUNTRY], &v->country, (p = (struct problem){0}, &p)))
        cell_error(c, row, F_COUNTRY, &p);
    if (given(x->v[F_LANG]) && org_check_lang(a, x->v[F_LANG], &v->lang, (p = (struct problem){0}, &p)))
        cell_error(c, row, F_LANG, &p);
    if (given(x->v[F_TIMEZONE]) && org_check_timezone(a, x->v[F_TIMEZONE], &v->tz, (p = (struct problem){0}, &p)))
        cell_error(c, row, F_TIMEZONE, &p);
    if (given(x->v[F_STARTDATE]) && user_start_date_check(a, x->v[F_STARTDATE], &v->start, (p = (struct problem){0}, &p)))
        cell_error(c, row, F_STARTDATE, &p);
    const char **kept[] = {&v->institution, &v->phone, &v->city, &v->country, &v->lang, &v->tz, &v->start};
    for (int k = 0; k < (int)(sizeof kept / sizeof kept[0]); k++) *kept[k] = keep_repeated(c, k, *kept[k]);
}

/* The names, email and organisation text cells. */
static void check_text_cells(struct ctx *c, struct import_row *row, struct rowx *x, struct cells *v)
{
    struct arena *a = c->a;
    struct problem p;
    if (given(x->v[F_USERNAME]) && user_check_username(a, x->v[F_USERNAME], &v->username, (p = (struct problem){0}, &p)))
        cell_error(c, row, F_USERNAME, &p), v->username = NULL;
    if (given(x->v[F_OLDUSERNAME]) && user_check_username(a, x->v[F_OLDUSERNAME], &v->oldusername, (p = (struct problem){0}, &p)))
        cell_error(c, row, F_OLDUSERNAME, &p), v->oldusername = NULL;
    /* the cells go when the row has been checked: what the row keeps is copied */
    row->username = v->username ? v->username : x->v[F_USERNAME] ? arena_strdup(a, x->v[F_USERNAME]) : "";
    v->email = x->v[F_EMAIL] ? arena_strdup(a, x->v[F_EMAIL]) : NULL;
    if (given(v->email) && !user_email_valid(v->email)) {
        row_error(c, row, c->header[F_EMAIL], "'%s' is not an email address: write it like name@example.org.", v->email);
        v->email = NULL;
    }
    if (given(x->v[F_FIRSTNAME]) && user_check_name(a, x->v[F_FIRSTNAME], "first_name", "first name", &v->first, (p = (struct problem){0}, &p)))
        cell_error(c, row, F_FIRSTNAME, &p);
    if (given(x->v[F_LASTNAME]) && user_check_name(a, x->v[F_LASTNAME], "last_name", "last name", &v->last, (p = (struct problem){0}, &p)))
        cell_error(c, row, F_LASTNAME, &p);
    if (given(x->v[F_IDNUMBER]) && org_check_idnumber(a, x->v[F_IDNUMBER], &v->idnumber, (p = (struct problem){0}, &p)))
        cell_error(c, row, F_IDNUMBER, &p), v->idnumber = NULL;
    check_place_cells(c, row, x, v);
}

/* auth, suspended, deleted, status and roles. */
static void check_account_cells(struct ctx *c, struct import_row *row, struct rowx *x, struct cells *v)
{
    if (given(x->v[F_AUTH]) && strcasecmp(x->v[F_AUTH], "manual") != 0)
        row_error(c, row, c->header[F_AUTH],
                  "auth '%s' is not supported: Lectern accounts sign in with a Lectern password; "
                  "write manual or leave it empty.",
                  x->v[F_AUTH]);
    v->susp = flag_value(x->v[F_SUSPENDED]);
    v->del = flag_value(x->v[F_DELETED]);
    if (v->susp == -2) row_error(c, row, c->header[F_SUSPENDED], "Write 1 (suspended) or 0 (active), not '%s'.", x->v[F_SUSPENDED]);
    if (v->del == -2) row_error(c, row, c->header[F_DELETED], "Write 1 (delete the account) or 0, not '%s'.", x->v[F_DELETED]);
    if (given(x->v[F_STATUS])) {
        if (strcasecmp(x->v[F_STATUS], "active") == 0) v->susp = 0;
        else if (strcasecmp(x->v[F_STATUS], "suspended") == 0) v->susp = 1;
        else if (strcasecmp(x->v[F_STATUS], "deleted") == 0) v->del = 1;
        else row_error(c, row, c->header[F_STATUS], "status is active, suspended or deleted, not '%s'.", x->v[F_STATUS]);
    }
    v->roles = 0;
    if (given(x->v[F_ROLES])) {
        char *list = arena_strdup(c->a, x->v[F_ROLES]);
        for (char *s = list; *s; s++)
            if (*s == ';' || *s == '|' || *s == ' ') *s = ',';
        struct problem p = {0};
        v->roles = role_parse_list(list, &p);
        if (!v->roles) cell_error(c, row, F_ROLES, &p);
    }
}

/* Department, job role and the custom profile fields. */
static void check_org_cells(struct ctx *c, struct import_row *row, struct rowx *x, const struct csv_record *rec,
                            struct cells *v)
{
    v->dept = v->role = -1;
    if (given(x->v[F_DEPARTMENT])) {
        const char *why;
        int d = find_department(c, x->v[F_DEPARTMENT], &why);
        if (d >= 0) v->dept = c->depts[d].id;
        else if (c->o->create_departments && d == OWNER_NONE) v->dept = new_department(c, x->v[F_DEPARTMENT]);
        else row_error(c, row, c->header[F_DEPARTMENT], "Department '%s': %s.", x->v[F_DEPARTMENT], why);
    }
    if (given(x->v[F_JOBROLE])) {
        int j = find_job_role(c, x->v[F_JOBROLE]);
        if (j < 0)
            row_error(c, row, c->header[F_JOBROLE],
                      "There is no job role '%s' (by idnumber or name): create it first under Job roles.",
                      x->v[F_JOBROLE]);
        else v->role = c->roles[j].id;
    }
    for (int k = 0; k < c->n_pf; k++) {
        const char *val = c->pf[k].col < rec->n ? rec->fields[c->pf[k].col] : "";
        if (!*val) continue;
        struct problem p = {0};
        if (profile_value_check(&c->pf[k].f, c->a, val, &x->pv[k], &p)) {
            row_error(c, row, c->pf[k].header, "%s", p.message);
            x->pv[k] = NULL;
        }
    }
    x->manager_given = given(x->v[F_MANAGER]);
    if (x->manager_given) x->manager_cell = arena_strdup(c->a, x->v[F_MANAGER]);
}

/* A rename through oldusername, for a row whose username names no account: the account to
 * rename, or TARGET_REFUSED. target is the username's owner. */
#define TARGET_REFUSED (-1000000000)
static int rename_target(struct ctx *c, struct import_row *row, struct rowx *x, const struct cells *v, int target)
{
    int old = strmap_get(&c->by_username, v->oldusername);
    if (target == OWNER_NONE) {
        /* The new name is free: a rename of oldusername. */
        if (!c->o->allow_renames) {
            row_error(c, row, c->header[F_OLDUSERNAME], "Renaming '%s' to '%s' needs the option to allow renames.",
                      v->oldusername, v->username);
            return TARGET_REFUSED;
        }
        if (old < 0 || c->ex[old].deleted) {
            row_error(c, row, c->header[F_OLDUSERNAME], "There is no account '%s' to rename.", v->oldusername);
            return TARGET_REFUSED;
        }
        x->rename = true;
        return old;
    }
    if (old >= 0 && old != target) {
        row_error(c, row, c->header[F_OLDUSERNAME], "Both '%s' and '%s' exist: one cannot be renamed to the other.",
                  v->oldusername, v->username);
        return TARGET_REFUSED;
    }
    return target; /* the rename happened already (the file's second run) */
}

/* Which account the row is about: username, else idnumber, else email. An existing account's
 * index, OWNER_NONE for a new one, or TARGET_REFUSED with the reason reported. */
static int find_target(struct ctx *c, struct import_row *row, struct rowx *x, const struct cells *v)
{
    int target;
    if (v->username) {
        target = strmap_get(&c->by_username, v->username);
        if (target < OWNER_NONE) {
            row_error(c, row, c->header[F_USERNAME], "The username '%s' is also on line %d of the file.", v->username,
                      c->r->rows[OWNER_ROW(target)].line);
            return TARGET_REFUSED;
        }
        if (v->oldusername && strcmp(v->oldusername, v->username) != 0)
            target = rename_target(c, row, x, v, target);
        if (target == TARGET_REFUSED) return target;
    } else if (v->idnumber) {
        target = strmap_get(&c->by_idnumber, v->idnumber);
    } else if (v->email) {
        target = strmap_get(&c->by_email, lower_dup(c->tmp, v->email));
    } else {
        row_error(c, row, "", "Nothing identifies this person: give a username, an idnumber or an email.");
        return TARGET_REFUSED;
    }
    if (target < OWNER_NONE) {
        row_error(c, row,
                  v->username ? c->header[F_USERNAME] : v->idnumber ? c->header[F_IDNUMBER] : c->header[F_EMAIL],
                  "Line %d of the file is already about this person.", c->r->rows[OWNER_ROW(target)].line);
        return TARGET_REFUSED;
    }
    if (target >= 0 && c->ex[target].deleted) target = OWNER_NONE;
    if (target >= 0 && c->ex[target].row >= 0) {
        row_error(c, row, "", "Line %d of the file is already about '%s'.", c->r->rows[c->ex[target].row].line,
                  c->ex[target].username);
        return TARGET_REFUSED;
    }
    return target;
}

/* The password from the file for a new account ("changeme", Moodle's placeholder, is none):
 * kept when it meets the policy; else a row error, or with weak_password_link none at all (the
 * account gets a sign-in link like one without a password). */
static void check_password(struct ctx *c, struct import_row *row, struct rowx *x, const char *username)
{
    const char *pw = x->v[F_PASSWORD];
    if (!given(pw) || strcmp(pw, "changeme") == 0) return;
    struct problem p = {0};
    if (!password_check_policy(pw, username, &p)) x->password = arena_strdup(c->a, pw);
    else if (c->o->weak_password_link) x->weak_password = true;
    else
        row_error(c, row, c->header[F_PASSWORD],
                  "%s Or choose the option to create such accounts without a password and send a sign-in link.",
                  p.message);
}

/* A row that creates an account: what a new account needs, and its claims on the username,
 * email and idnumber. */
static void check_new_account(struct ctx *c, int ri, struct import_row *row, struct rowx *x, struct cells *v)
{
    if (v->del == 1) {
        row->outcome = IO_SKIP;
        row->note = "no such account to delete";
        return;
    }
    if (c->o->mode == IMPORT_UPDATE) {
        row->outcome = IO_SKIP;
        row->note = "no such account (mode update changes existing accounts only)";
        return;
    }
    x->create = true;
    x->first = v->first;
    x->last = v->last;
    x->idnumber = v->idnumber;
    if (!v->first) row_error(c, row, c->header[F_FIRSTNAME], "A new account needs a first name.");
    if (!v->last) row_error(c, row, c->header[F_LASTNAME], "A new account needs a last name.");
    const char *username = v->username;
    if (!username) {
        username = make_username(c, x);
        if (!username && v->first && v->last)
            row_error(c, row, c->header[F_USERNAME], "No username could be made from the template; give a username.");
    }
    x->username = username;
    row->username = username ? username : "";
    check_password(c, row, x, username);
    if (!x->password && !given(v->email))
        row_error(c, row, c->header[F_EMAIL],
                  "A new account without a password needs an email address: the sign-in link "
                  "to choose a password goes there.");
    for (int k = 0; k < c->n_pf; k++)
        if (c->pf[k].f.required && !x->pv[k])
            row_error(c, row, c->pf[k].header, "%s is required for a new account.", c->pf[k].f.name);
    x->email = v->email ? v->email : "";
    x->institution = v->institution ? v->institution : "";
    x->phone = v->phone ? v->phone : "";
    x->city = v->city ? v->city : "";
    x->country = v->country ? v->country : "";
    x->lang = v->lang ? v->lang : "";
    x->tz = v->tz ? v->tz : "";
    x->start = v->start ? v->start : "";
    x->dept = v->dept != -1 ? v->dept : 0;
    x->role = v->role > 0 ? v->role : 0;
    x->roles = v->roles ? v->roles : ROLE_LEARNER;
    x->susp = v->susp == 1 ? 1 : -1;
    int me = ROW_OWNER(ri);
    if (username) claim(c, row, &c->by_username, username, me, F_USERNAME, "username");
    if (*x->email) claim(c, row, &c->by_email, lower_or_same(c->a, x->email), me, F_EMAIL, "email");
    if (v->idnumber) claim(c, row, &c->by_idnumber, v->idnumber, me, F_IDNUMBER, "idnumber");
    if (row->outcome != IO_ERROR) row->outcome = IO_CREATE;
}

/* Deleting an existing account (suspend and anonymise): allowed, not oneself, not the last
 * active administrator. */
static void check_deletion(struct ctx *c, struct import_row *row, struct rowx *x, struct ex *e)
{
    const char *col = c->header[x->v[F_DELETED] ? F_DELETED : F_STATUS];
    if (!c->o->allow_delete) {
        row_error(c, row, col, "Deleting '%s' needs the option to allow deletions.", e->username);
        return;
    }
    if (e->id == c->o->actor_id) {
        row_error(c, row, col, "You cannot delete your own account.");
        return;
    }
    if ((e->roles & ROLE_ADMIN) && !e->suspended) {
        if (c->active_admins <= 1) {
            row_error(c, row, col, "'%s' is the last active administrator and cannot be deleted.", e->username);
            return;
        }
        c->active_admins--;
    }
    x->del = true;
    row->outcome = IO_UPDATE;
    row->note = "delete: suspend and anonymise (training records stay)";
}

/* The account's final values (a cell left empty keeps what the account has) and the list of
 * what changes. */
static void merge_existing(struct rowx *x, const struct ex *e, const struct cells *v)
{
    x->username = v->username && x->rename ? v->username : e->username;
    x->email = ex_or(v->email, e->email);
    x->first = ex_or(v->first, e->first);
    x->last = ex_or(v->last, e->last);
    x->idnumber = ex_or(v->idnumber, e->idnumber);
    x->institution = ex_or(v->institution, e->institution);
    x->phone = ex_or(v->phone, e->phone);
    x->city = ex_or(v->city, e->city);
    x->country = ex_or(v->country, e->country);
    x->lang = ex_or(v->lang, e->lang);
    x->tz = ex_or(v->tz, e->tz);
    x->start = ex_or(v->start, e->start);
    x->dept = v->dept != -1 ? v->dept : e->dept;
    x->role = v->role > 0 ? v->role : e->role;
    x->roles = v->roles ? v->roles : e->roles;
    if (x->rename) note_change(x, "username");
    if (!str_eq(x->email, e->email)) note_change(x, "email");
    if (!str_eq(x->first, e->first)) note_change(x, "first name");
    if (!str_eq(x->last, e->last)) note_change(x, "last name");
    if (!str_eq(x->idnumber, e->idnumber)) note_change(x, "idnumber");
    if (!str_eq(x->institution, e->institution)) note_change(x, "institution");
    if (!str_eq(x->phone, e->phone)) note_change(x, "phone");
    if (!str_eq(x->city, e->city)) note_change(x, "city");
    if (!str_eq(x->country, e->country)) note_change(x, "country");
    if (!str_eq(x->lang, e->lang)) note_change(x, "lang");
    if (!str_eq(x->tz, e->tz)) note_change(x, "timezone");
    if (!str_eq(x->start, e->start)) note_change(x, "start date");
    if (x->dept != e->dept) note_change(x, "department");
    if (x->role != e->role) note_change(x, "job role");
}

/* Taking the admin role away: not from oneself, not from the last active administrator. */
static bool check_roles_change(struct ctx *c, struct import_row *row, struct rowx *x, const struct ex *e)
{
    if (x->roles == e->roles) return true;
    if ((e->roles & ROLE_ADMIN) && !(x->roles & ROLE_ADMIN) && !e->suspended) {
        if (e->id == c->o->actor_id) {
            row_error(c, row, c->header[F_ROLES], "You cannot take the admin role from your own account.");
            return false;
        }
        if (c->active_admins <= 1) {
            row_error(c, row, c->header[F_ROLES], "'%s' is the last active administrator.", e->username);
            return false;
        }
        c->active_admins--;
    }
    note_change(x, "roles");
    return true;
}

/* Suspending or reactivating: allowed, not oneself, not the last active administrator. */
static bool check_suspension(struct ctx *c, struct import_row *row, struct rowx *x, const struct ex *e, int susp)
{
    if (susp < 0 || susp == (int)e->suspended) return true;
    const char *col = c->header[x->v[F_SUSPENDED] ? F_SUSPENDED : F_STATUS];
    if (!c->o->allow_suspend) {
        row_error(c, row, col, "%s '%s' needs the option to allow suspensions.", susp ? "Suspending" : "Reactivating",
                  e->username);
        return false;
    }
    if (susp && e->id == c->o->actor_id) {
        row_error(c, row, col, "You cannot suspend your own account.");
        return false;
    }
    if (susp && (e->roles & ROLE_ADMIN)) {
        if (c->active_admins <= 1) {
            row_error(c, row, col, "'%s' is the last active administrator and cannot be suspended.", e->username);
            return false;
        }
        c->active_admins--;
    }
    x->susp = susp;
    note_change(x, susp ? "suspended" : "reactivated");
    return true;
}

/* An administrator's account is changed on its own page, never by an upload: a user download
 * from Moodle carries Moodle's own 'admin' row, which must not overwrite Lectern's
 * administrator. A row that would change one is skipped with a note; one that changes
 * nothing stays "unchanged" (an export of the site imports back as it is). */
static bool skip_administrator(struct import_row *row, const struct ex *e, bool changes)
{
    if (!(e->roles & ROLE_ADMIN) || e->deleted || !changes) return false;
    row->outcome = IO_SKIP;
    row->note = "an administrator: an upload never changes an administrator's account (change it on its page)";
    return true;
}

/* A row about an existing account (its index target): the mode, a deletion, or the changes. */
static void check_existing_account(struct ctx *c, int ri, struct import_row *row, struct rowx *x,
                                   const struct cells *v, int target, const char **pvals)
{
    struct ex *e = &c->ex[target];
    x->ex = target;
    e->row = ri;
    row->username = e->username;
    if (c->o->mode == IMPORT_ADD) {
        row->outcome = IO_SKIP;
        row->note = "the account exists (mode add creates new accounts only)";
        return;
    }
    if (v->idnumber && v->username && !x->rename) {
        int other = strmap_get(&c->by_idnumber, v->idnumber);
        if (other >= 0 && other != target) {
            row_error(c, row, c->header[F_IDNUMBER], "The idnumber '%s' belongs to another account (%s).", v->idnumber,
                      c->ex[other].username);
            return;
        }
    }
    if (v->del == 1) {
        if (!skip_administrator(row, e, true)) check_deletion(c, row, x, e);
        return;
    }
    merge_existing(x, e, v);
    for (int k = 0; k < c->n_pf; k++) {
        const char *cur = pvals ? pvals[(size_t)target * (size_t)c->n_pf + (size_t)k] : NULL;
        if (x->pv[k] && !str_eq(x->pv[k], cur ? cur : "")) note_change(x, c->pf[k].header);
        else x->pv[k] = NULL; /* nothing to write */
    }
    bool suspension = v->susp >= 0 && v->susp != (int)e->suspended;
    if (skip_administrator(row, e, x->changes.len || x->roles != e->roles || suspension)) return;
    if (!check_roles_change(c, row, x, e) || !check_suspension(c, row, x, e, v->susp)) return;
    if (x->rename) claim(c, row, &c->by_username, x->username, target, F_USERNAME, "username");
    if (!str_eq(x->email, e->email)) claim(c, row, &c->by_email, lower_or_same(c->a, x->email), target, F_EMAIL, "email");
    if (!str_eq(x->idnumber, e->idnumber)) claim(c, row, &c->by_idnumber, x->idnumber, target, F_IDNUMBER, "idnumber");
    if (row->outcome == IO_ERROR) return;
    row->username = x->username;
    row->outcome = x->changes.len ? IO_UPDATE : IO_UNCHANGED;
}

/* One line of the file: its cells' shapes (every mistake reported at once), the columns of
 * other domains, then the account it is about and what would change. */
static void check_row(struct ctx *c, int ri, const struct csv_record *rec, const char **pvals)
{
    struct import_row *row = &c->r->rows[ri];
    struct rowx *x = row->priv;
    row->line = rec->line;
    row->outcome = IO_UNCHANGED;
    row->username = "";
    x->ex = -1;
    x->susp = -1;
    x->manager = OWNER_NONE;
    buf_init(&x->changes, 4096);
    if (csv_record_blank(rec)) {
        row->outcome = IO_SKIP;
        row->note = "empty line";
        return;
    }
    const char *width = csv_record_width_error(c->a, rec, c->r->n_columns, c->r->delimiter);
    if (width) {
        row_error(c, row, "", "%s", width);
        return;
    }
    x->v = c->cells;
    for (int f = 0; f < F__COUNT; f++) x->v[f] = cell(c, rec, (enum ufield)f);
    columns_check_row(c, ri, rec);
    struct cells v = {0};
    check_text_cells(c, row, x, &v);
    check_account_cells(c, row, x, &v);
    check_org_cells(c, row, x, rec, &v);
    if (row->outcome == IO_ERROR) {
        /* The row stops here, but a new account's password problem is shown with the others. */
        if (!v.username || strmap_get(&c->by_username, v.username) == OWNER_NONE) check_password(c, row, x, v.username);
        return;
    }
    int target = find_target(c, row, x, &v);
    if (target == TARGET_REFUSED) return;
    if (target < 0) check_new_account(c, ri, row, x, &v);
    else check_existing_account(c, ri, row, x, &v, target, pvals);
}

/* ---- Managers: resolved once every row is known ---- */

static int owner_of_row(const struct ctx *c, int ri)
{
    const struct rowx *x = c->r->rows[ri].priv;
    return x->create ? ROW_OWNER(ri) : x->ex;
}

static const char *owner_name(const struct ctx *c, int owner)
{
    if (owner >= 0) {
        const struct ex *e = &c->ex[owner];
        if (e->row >= 0) {
            const struct rowx *x = c->r->rows[e->row].priv;
            if (x->username) return x->username;
        }
        return e->username;
    }
    const struct rowx *x = c->r->rows[OWNER_ROW(owner)].priv;
    return x->username ? x->username : "?";
}

static int ex_by_id(const struct ctx *c, int64_t id)
{
    int lo = 0, hi = c->n_ex - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (c->ex[mid].id == id) return mid;
        if (c->ex[mid].id < id) lo = mid + 1;
        else hi = mid - 1;
    }
    return OWNER_NONE;
}

static void resolve_managers(struct ctx *c)
{
    struct import_result *r = c->r;
    for (int ri = 0; ri < r->n_rows; ri++) {
        struct import_row *row = &r->rows[ri];
        struct rowx *x = row->priv;
        if (!x->manager_given || (row->outcome != IO_CREATE && row->outcome != IO_UPDATE &&
                                  row->outcome != IO_UNCHANGED) || x->del)
            continue;
        const char *v = x->manager_cell;
        char *uname = NULL;
        int m = OWNER_NONE;
        if (!user_check_username(c->a, v, &uname, NULL)) m = strmap_get(&c->by_username, uname);
        if (m == OWNER_NONE) m = strmap_get(&c->by_idnumber, v);
        if (m >= 0 && c->ex[m].deleted) m = OWNER_NONE;
        if (m >= 0 && c->ex[m].row >= 0 && ((struct rowx *)r->rows[c->ex[m].row].priv)->del) {
            row_error(c, row, c->header[F_MANAGER], "The manager '%s' is deleted on line %d.", v,
                      r->rows[c->ex[m].row].line);
            continue;
        }
        if (m == OWNER_NONE) {
            row_error(c, row, c->header[F_MANAGER],
                      "There is no manager '%s' (by username or idnumber) on the site or in the file.", v);
            continue;
        }
        if (m == owner_of_row(c, ri)) {
            row_error(c, row, c->header[F_MANAGER], "A person cannot be their own manager.");
            continue;
        }
        x->manager = m;
        if (!x->create) {
            const struct ex *e = &c->ex[x->ex];
            int64_t now_id = m >= 0 ? c->ex[m].id : 0;
            if ((m < 0 || now_id != e->manager) && !skip_administrator(row, e, true)) {
                note_change(x, "manager");
                if (row->outcome == IO_UNCHANGED) row->outcome = IO_UPDATE;
            }
        }
    }
}

/* The manager graph after the file: every account points at its manager (from its row when
 * the row names one, otherwise as it is now). A walk that comes back to where it started is
 * a loop; each row that sets a manager on the loop gets the error. */
static int node_of(const struct ctx *c, int owner)
{
    return owner >= 0 ? owner : c->n_ex + OWNER_ROW(owner);
}

static int next_node(const struct ctx *c, int node)
{
    const struct import_result *r = c->r;
    const struct rowx *x = NULL;
    int64_t current = 0;
    if (node < c->n_ex) {
        const struct ex *e = &c->ex[node];
        if (e->row >= 0 && r->rows[e->row].outcome != IO_ERROR) x = r->rows[e->row].priv;
        current = e->manager;
    } else {
        int ri = node - c->n_ex;
        if (r->rows[ri].outcome != IO_ERROR) x = r->rows[ri].priv;
    }
    if (x && x->manager != OWNER_NONE) return node_of(c, x->manager);
    if (node >= c->n_ex) return -1;
    int m = current ? ex_by_id(c, current) : OWNER_NONE;
    return m >= 0 ? m : -1;
}

static void find_loops(struct ctx *c)
{
    struct import_result *r = c->r;
    int n = c->n_ex + r->n_rows;
    unsigned char *state = arena_alloc(c->a, (size_t)n + 1); /* 0 new, 1 on the path, 2 done */
    int *path = arena_alloc(c->a, sizeof *path * ((size_t)n + 1));
    for (int ri = 0; ri < r->n_rows; ri++) {
        struct rowx *x = r->rows[ri].priv;
        if (x->manager == OWNER_NONE || r->rows[ri].outcome == IO_ERROR) continue;
        int start = node_of(c, owner_of_row(c, ri));
        int len = 0, at = start;
        while (at >= 0 && state[at] == 0) {
            state[at] = 1;
            path[len++] = at;
            at = next_node(c, at);
        }
        if (at >= 0 && state[at] == 1) {
            /* path from `at` to the end is a loop. */
            int from = 0;
            while (path[from] != at) from++;
            struct buf b;
            buf_init(&b, 2000);
            for (int k = from; k < len && b.len < 1500; k++) {
                int owner = path[k] < c->n_ex ? path[k] : ROW_OWNER(path[k] - c->n_ex);
                buf_addf(&b, "%s → ", owner_name(c, owner));
            }
            buf_adds(&b, owner_name(c, path[from] < c->n_ex ? path[from] : ROW_OWNER(path[from] - c->n_ex)));
            for (int k = from; k < len; k++) {
                int node = path[k];
                int ri2 = node < c->n_ex ? c->ex[node].row : node - c->n_ex;
                if (ri2 < 0) continue;
                struct rowx *x2 = r->rows[ri2].priv;
                if (x2->manager == OWNER_NONE || r->rows[ri2].outcome == IO_ERROR) continue;
                row_error(c, &r->rows[ri2], c->header[F_MANAGER], "Manager loop: %s.", b.data ? b.data : "");
            }
            buf_release(&b);
        }
        for (int k = 0; k < len; k++) state[path[k]] = 2;
    }
}

/* A row whose manager is created by a row with an error cannot be written either. */
static void spread_errors(struct ctx *c)
{
    struct import_result *r = c->r;
    for (bool again = true; again;) {
        again = false;
        for (int ri = 0; ri < r->n_rows; ri++) {
            struct import_row *row = &r->rows[ri];
            struct rowx *x = row->priv;
            if (row->outcome == IO_ERROR || x->manager >= OWNER_NONE) continue;
            const struct import_row *mrow = &r->rows[OWNER_ROW(x->manager)];
            if (mrow->outcome != IO_ERROR) continue;
            row_error(c, row, c->header[F_MANAGER], "The manager '%s' is on line %d, which has an error.",
                      x->manager_cell, mrow->line);
            again = true;
        }
    }
}

/* ---- Preview ---- */

static void release_changes(void *p)
{
    struct rows_ref *ref = p;
    for (int i = 0; i < ref->n; i++) {
        struct rowx *x = ref->rows[i].priv;
        if (x) buf_release(&x->changes);
    }
}

static double ms_since(double t0)
{
    return time_monotonic_ms() - t0;
}

/* At most one record per line: the rows are allocated once, before the first is read. */
static int count_lines(const char *data, size_t len)
{
    int n = 1;
    for (const char *s = data, *end = data + len; (s = memchr(s, '\n', (size_t)(end - s))); s++) n++;
    for (const char *s = data, *end = data + len; (s = memchr(s, '\r', (size_t)(end - s))); s++) n++;
    return n;
}

/* The header: the columns, then what the site holds that the rows are checked against. */
static void preview_header(struct ctx *c, const struct csv_record *rec)
{
    struct import_result *r = c->r;
    r->delimiter = c->doc->delimiter;
    r->bom = c->doc->bom;
    if (profile_field_list(c->db, c->a, &c->fields, &c->n_fields)) {
        c->db_failed = true;
        return;
    }
    if (!map_header(c, rec)) return;
    if (load_site(c, c->rows_cap) || load_profile_values(c, &c->pvals)) {
        c->db_failed = true;
        return;
    }
    r->rows = arena_alloc(c->a, sizeof *r->rows * (size_t)(c->rows_cap + 1));
    struct rows_ref *ref = arena_alloc(c->a, sizeof *ref);
    *ref = (struct rows_ref){r->rows, 0};
    arena_defer(c->a, release_changes, ref);
    c->rows_ref = ref;
    c->header_ok = true;
}

/* One record of the file, as soon as it is read (csv_each); its cells are gone afterwards. */
static void preview_record(void *ctx, const struct csv_record *rec)
{
    struct ctx *c = ctx;
    struct import_result *r = c->r;
    if (!c->header_ok && !c->db_failed && !c->seen_header) {
        c->seen_header = true;
        preview_header(c, rec);
        return;
    }
    if (!c->header_ok || c->db_failed || r->n_rows >= c->rows_cap) return;
    int i = r->n_rows++;
    c->rows_ref->n = r->n_rows;
    struct rowx *x = arena_alloc(c->a, sizeof *x);
    r->rows[i].priv = x;
    if (c->n_pf) x->pv = arena_alloc(c->a, sizeof *x->pv * (size_t)c->n_pf);
    check_row(c, i, rec, c->pvals);
    x->v = NULL;
    arena_free(c->tmp);
    c->tmp = arena_new(1024);
}

/* The rows' notes and the counts, once every row is known. */
static void sum_up(struct ctx *c)
{
    struct import_result *r = c->r;
    for (int i = 0; i < r->n_rows; i++) {
        struct import_row *row = &r->rows[i];
        struct rowx *x = row->priv;
        if ((row->outcome == IO_UPDATE) && !x->del && x->changes.len)
            row->note = arena_sprintf(c->a, "changes: %s", x->changes.data);
        if (row->outcome == IO_CREATE && x->create)
            row->note = x->password        ? "with the password from the file"
                        : x->weak_password ? "the file's password is too weak: a sign-in link is sent instead"
                                           : "needs a sign-in link to choose a password";
        r->counts[row->outcome]++;
    }
}

/* The file is read one record at a time and each row is checked as it comes, keeping only
 * what the rows need later (their outcome, the values they write, their claims on
 * usernames, emails and idnumbers): never every cell of the file at once. */
static lerr run_preview(struct ctx *c, const char *data, size_t len, struct problem *p)
{
    struct import_result *r = c->r;
    double t0 = time_monotonic_ms();
    struct csv_doc doc;
    struct problem cp = {0};
    c->rows_cap = count_lines(data, len);
    c->tmp = arena_new(1024);
    c->doc = &doc;
    lerr e = csv_each(c->a, data, len, preview_record, c, &doc, &cp);
    arena_free(c->tmp);
    c->tmp = NULL;
    r->delimiter = doc.delimiter;
    r->bom = doc.bom;
    r->ms_parse = ms_since(t0); /* reading and checking go together now; ms_check is the rest */
    if (e == LE_NOMEM) return problem_set(p, LE_NOMEM, "", "out of memory reading the file");
    if (c->db_failed) return problem_set(p, LE_DB, "", "The database could not be read; nothing was changed. Try again.");
    if (e) {
        /* The rows before a broken quote are still checked: their own problems show too. */
        file_error_first(c, doc.error_line, cp.message);
        if (!doc.partial) r->n_rows = 0;
        if (!doc.partial) return LE_OK;
    }
    if (doc.n_records < 1) {
        file_error(c, 1, "", "The file is empty: it needs a header line naming the columns.");
        return LE_OK;
    }
    if (!c->header_ok) return LE_OK;
    t0 = time_monotonic_ms();
    resolve_managers(c);
    find_loops(c);
    spread_errors(c);
    sum_up(c);
    r->ms_check = ms_since(t0);
    return LE_OK;
}

static void ctx_init(struct ctx *c, struct db *db, struct arena *a, const struct import_options *o,
                     struct import_result *r)
{
    memset(c, 0, sizeof *c);
    memset(r, 0, sizeof *r);
    c->db = db;
    c->a = a;
    c->o = o;
    c->r = r;
}

lerr user_import_preview(struct db *db, struct arena *a, const char *data, size_t len,
                         const struct import_options *o, struct import_result *r,
                         struct problem *p)
{
    struct ctx c;
    ctx_init(&c, db, a, o, r);
    return run_preview(&c, data, len, p);
}

/* ---- Hashing passwords on every core ---- */

struct hash_work {
    struct import_row *rows;
    int *which;                   /* indexes of the rows to hash */
    int n;
    atomic_int next;
    atomic_int done;
    atomic_bool failed;
};

static void *hash_worker(void *arg)
{
    struct hash_work *w = arg;
    for (;;) {
        int i = atomic_fetch_add(&w->next, 1);
        if (i >= w->n) break;
        struct rowx *x = w->rows[w->which[i]].priv;
        if (password_hash(x->password, x->hash, 128)) atomic_store(&w->failed, true);
        atomic_fetch_add(&w->done, 1);
    }
    return NULL;
}

static lerr hash_passwords(struct ctx *c, struct problem *p)
{
    struct import_result *r = c->r;
    struct hash_work w = {.rows = r->rows};
    w.which = arena_alloc(c->a, sizeof *w.which * (size_t)(r->n_rows + 1));
    for (int i = 0; i < r->n_rows; i++) {
        struct rowx *x = r->rows[i].priv;
        if (r->rows[i].outcome == IO_CREATE && x->password && !x->hash) {
            x->hash = arena_alloc(c->a, 128);
            w.which[w.n++] = i;
        }
    }
    if (!w.n) return LE_OK;
    int threads = c->o->threads > 0 ? c->o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1) threads = 1;
    if (threads > 64) threads = 64;
    if (threads > w.n) threads = w.n;
    pthread_t tid[64];
    int started = 0;
    for (; started < threads; started++)
        if (pthread_create(&tid[started], NULL, hash_worker, &w)) break;
    if (!started) hash_worker(&w);
    const struct import_options *o = c->o;
    while (atomic_load(&w.done) < w.n && started) {
        if (o->progress) o->progress(o->progress_ctx, "hashing", atomic_load(&w.done), w.n);
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
    }
    for (int i = 0; i < started; i++) pthread_join(tid[i], NULL);
    if (o->progress) o->progress(o->progress_ctx, "hashing", w.n, w.n);
    if (atomic_load(&w.failed)) return problem_set(p, LE_NOMEM, "", "The server is short of memory for hashing passwords; try again.");
    return LE_OK;
}

static void wipe_passwords(struct import_result *r)
{
    for (int i = 0; i < r->n_rows; i++) {
        struct rowx *x = r->rows[i].priv;
        if (x && x->hash) sodium_memzero(x->hash, 128);
    }
}

/* ---- Commit ---- */

static int64_t owner_id(const struct ctx *c, int owner)
{
    if (owner >= 0) return c->ex[owner].id;
    if (owner == OWNER_NONE) return 0;
    const struct rowx *x = c->r->rows[OWNER_ROW(owner)].priv;
    return x->id;
}

static lerr audit_push(struct ctx *c, const char *action, const char *target, json_t *d)
{
    if (!d) return LE_NOMEM;
    if (c->n_audit == c->cap_audit) {
        size_t cap = c->cap_audit ? c->cap_audit * 2 : 1024;
        struct audit_entry *n = arena_alloc(c->a, cap * sizeof *n);
        if (c->n_audit) memcpy(n, c->audit, c->n_audit * sizeof *n);
        c->audit = n;
        c->cap_audit = cap;
    }
    c->audit[c->n_audit++] = (struct audit_entry){action, target, d};
    return LE_OK;
}

static lerr audit_row(struct ctx *c, const char *action, int64_t id, json_t *d)
{
    /* the chunk's own arena: a target per row would otherwise stay until the import ends */
    if (!c->audit_a) c->audit_a = arena_new(4096);
    return audit_push(c, action, arena_sprintf(c->audit_a, "user:%lld", (long long)id), d);
}

static void release_audit(struct ctx *c)
{
    for (size_t i = 0; i < c->n_audit; i++) json_decref(c->audit[i].details);
    c->n_audit = 0;
    arena_free(c->audit_a);
    c->audit_a = NULL;
}

/* Statements carry at most 99 placeholders (the PostgreSQL engine's ?1..?99): ?1 is the time,
 * shared; each row binds INSERT_COLS more. */
#define MAX_PARAMS 99
#define INSERT_COLS 20
#define BATCH ((MAX_PARAMS - 1) / INSERT_COLS)

/* One multi-row INSERT for rows batch[0..nb): the SQL's shape depends only on nb (so at most
 * two shapes are prepared per connection); every value is bound. Ids come back with their
 * usernames, which are unique, so the order RETURNING uses does not matter. */
static lerr insert_batch(struct ctx *c, const int *batch, int nb, int64_t now, struct buf *sql)
{
    struct import_result *r = c->r;
    buf_reset(sql);
    buf_adds(sql, "INSERT INTO users (username, email, first_name, last_name, roles, password_hash, "
                  "must_change_password, needs_signin_link, status, idnumber, institution, department_id, "
                  "job_role_id, manager_id, phone, city, country, lang, timezone, start_date, created_at, updated_at) "
                  "VALUES ");
    for (int k = 0; k < nb; k++) {
        int b = 1 + k * INSERT_COLS;
        buf_addf(sql,
                 "%s(?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, NULLIF(?%d, ''), ?%d, NULLIF(?%d, 0), "
                 "NULLIF(?%d, 0), NULLIF(?%d, 0), ?%d, ?%d, ?%d, ?%d, ?%d, NULLIF(?%d, ''), ?1, ?1)",
                 k ? ", " : "", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10, b + 11,
                 b + 12, b + 13, b + 14, b + 15, b + 16, b + 17, b + 18, b + 19, b + 20);
    }
    buf_adds(sql, " RETURNING id, username");
    if (!sql->data) return LE_NOMEM;
    struct db_stmt *st = db_prepare(c->db, sql->data);
    if (!st) return LE_DB;
    db_bind_int(st, 1, now);
    for (int k = 0; k < nb; k++) {
        struct rowx *x = r->rows[batch[k]].priv;
        int b = 1 + k * INSERT_COLS;
        int64_t manager = x->manager == OWNER_NONE ? 0 : owner_id(c, x->manager);
        x->manager_at_insert = manager != 0;
        db_bind_text(st, b + 1, x->username);
        db_bind_text(st, b + 2, x->email);
        db_bind_text(st, b + 3, x->first);
        db_bind_text(st, b + 4, x->last);
        db_bind_int(st, b + 5, (int64_t)x->roles);
        db_bind_text(st, b + 6, x->hash);
        db_bind_int(st, b + 7, x->password && c->o->force_password_change);
        db_bind_int(st, b + 8, x->password == NULL);
        db_bind_text(st, b + 9, x->susp == 1 ? "suspended" : "active");
        db_bind_text(st, b + 10, x->idnumber ? x->idnumber : "");
        db_bind_text(st, b + 11, x->institution);
        db_bind_int(st, b + 12, x->dept);
        db_bind_int(st, b + 13, x->role);
        db_bind_int(st, b + 14, manager);
        db_bind_text(st, b + 15, x->phone);
        db_bind_text(st, b + 16, x->city);
        db_bind_text(st, b + 17, x->country);
        db_bind_text(st, b + 18, x->lang);
        db_bind_text(st, b + 19, x->tz);
        db_bind_text(st, b + 20, x->start ? x->start : "");
    }
    int rc, got = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *name = db_col_text(st, 1);
        int owner = strmap_get(&c->by_username, name ? name : "");
        if (owner < OWNER_NONE) {
            ((struct rowx *)r->rows[OWNER_ROW(owner)].priv)->id = db_col_int(st, 0);
            got++;
        }
    }
    db_done(st);
    if (rc != DB_DONE) return rc == DB_CONSTRAINT ? LE_CONFLICT : LE_DB;
    return got == nb ? LE_OK : LE_INTERNAL;
}

/* ---- Chunks: the commit writes in short transactions (docs/people.md, "Commit in chunks") ----
 *
 * A commit of 100,000 rows in one transaction held the write lock for seconds, and every
 * sign-in and saved answer waited behind it (on SQLite the lock is the whole database). So the
 * rows are written CHUNK_ROWS at a time, each chunk with its own audit entries in its own
 * transaction, with a pause between chunks (db_yield) in which waiting writers go first.
 *
 * All or nothing becomes "all, eventually": a chunk is atomic, and a commit that stops after
 * some chunks (the process killed, the database gone, a row refused) is completed by running it
 * again: the rows already written are found as existing accounts with the file's values, so
 * they are unchanged, and only the rest is written. The job queue does that by itself (a job
 * whose node died is taken over, a failed one retried). Inside a caller's transaction (the unit
 * tests) the chunks are savepoints of it, and it stays one transaction. */
#define CHUNK_ROWS 500

static lerr chunk_begin(struct ctx *c)
{
    if (db_tx_begin(c->db)) return LE_DB;
    c->chunk_open = true;
    c->chunk_rows = 0;
    return LE_OK;
}

/* Appends the chunk's audit entries and commits it, or rolls it back on e. */
static lerr chunk_end(struct ctx *c, lerr e)
{
    if (!c->chunk_open) return e;
    if (!e) e = audit_append_many(c->db, c->o->actor_id, c->audit, c->n_audit);
    release_audit(c);
    c->chunk_open = false;
    bool own = c->db->in_tx == 1;
    lerr t = db_tx_end(c->db, e);
    if (!e && !t && own) c->rows_committed += c->chunk_rows;
    return e ? e : t;
}

/* After each write of n rows: once the chunk is full, commits it, lets others write, reports
 * done of total (when total is known) and begins the next. */
static lerr chunk_next(struct ctx *c, lerr e, int n, int64_t done, int64_t total)
{
    if (e) return e;
    c->chunk_rows += n;
    if (c->chunk_rows < CHUNK_ROWS) return LE_OK;
    e = chunk_end(c, LE_OK);
    if (e) return e;
    db_yield(c->db);
    const struct import_options *o = c->o;
    if (o->progress && total) o->progress(o->progress_ctx, "writing", done, total);
    return chunk_begin(c);
}

/* New accounts, in file order, BATCH rows per INSERT; a manager not inserted yet (further
 * down, or earlier in the same batch) is set afterwards. *done counts the rows written. */
static lerr write_new_accounts(struct ctx *c, int64_t now, int64_t total, int64_t *done)
{
    struct import_result *r = c->r;
    const struct import_options *o = c->o;
    lerr e = LE_OK;
    int *batch = arena_alloc(c->a, sizeof *batch * BATCH);
    struct buf sql;
    buf_init(&sql, 1 << 20);
    for (int i = 0; i < r->n_rows && !e;) {
        int nb = 0;
        for (; i < r->n_rows && nb < BATCH; i++)
            if (r->rows[i].outcome == IO_CREATE) batch[nb++] = i;
        if (!nb) break;
        e = insert_batch(c, batch, nb, now, &sql);
        for (int k = 0; k < nb && !e; k++) {
            struct rowx *x = r->rows[batch[k]].priv;
            bool must_change = x->password && o->force_password_change;
            r->n_created++;
            if (x->password) r->n_passwords++;
            else r->n_signin_links++;
            e = audit_row(c, "user.create", x->id,
                          json_pack("{s:s, s:o, s:b, s:s}", "username", x->username, "roles",
                                    role_list_json(x->roles), "must_change_password", must_change, "via",
                                    "import"));
        }
        *done += nb;
        e = chunk_next(c, e, nb, *done, total);
    }
    buf_release(&sql);
    return e;
}

/* A deleted account: suspended and anonymised; its training records stay. */
static lerr write_deletion(struct ctx *c, struct ex *ex, int64_t now)
{
    char *anon = arena_sprintf(c->a, "deleted-%lld", (long long)ex->id);
    lerr e = db_run(c->db,
                    "UPDATE users SET username = ?2, email = '', first_name = '', last_name = '', "
                    "idnumber = NULL, institution = '', phone = '', city = '', password_hash = NULL, "
                    "needs_signin_link = 0, status = 'suspended', deleted_at = ?3, updated_at = ?3 "
                    "WHERE id = ?1",
                    "isi", ex->id, anon, now);
    if (!e) e = db_run(c->db, "DELETE FROM profile_values WHERE user_id = ?1", "i", ex->id);
    if (!e) e = session_end_all(c->db, ex->id);
    if (!e) e = audit_row(c, "user.delete", ex->id, json_pack("{s:s, s:s}", "username", ex->username, "via", "import"));
    if (!e) c->r->n_deleted++;
    return e;
}

/* An existing account's new values, and its audit entries. Every manager has an id by now. */
static lerr write_update(struct ctx *c, struct rowx *x, struct ex *ex, int64_t now)
{
    struct import_result *r = c->r;
    int64_t manager = x->manager == OWNER_NONE ? ex->manager : owner_id(c, x->manager);
    const char *status = x->susp == 1 ? "suspended" : x->susp == 0 ? "active" : ex->suspended ? "suspended" : "active";
    lerr e = db_run(c->db,
                    "UPDATE users SET username = ?2, email = ?3, first_name = ?4, last_name = ?5, "
                    "idnumber = NULLIF(?6, ''), institution = ?7, department_id = NULLIF(?8, 0), "
                    "job_role_id = NULLIF(?9, 0), manager_id = NULLIF(?10, 0), phone = ?11, city = ?12, "
                    "country = ?13, lang = ?14, timezone = ?15, roles = ?16, status = ?17, updated_at = ?18, "
                    "start_date = NULLIF(?19, '') WHERE id = ?1",
                    "issssssiiisssssisis", ex->id, x->username, x->email, x->first, x->last, x->idnumber,
                    x->institution, x->dept, x->role, manager, x->phone, x->city, x->country, x->lang, x->tz,
                    (int64_t)x->roles, status, now, x->start ? x->start : "");
    if (!e && x->susp == 1) e = session_end_all(c->db, ex->id);
    if (!e)
        e = audit_row(c, "user.update", ex->id,
                      json_pack("{s:s, s:s, s:s}", "username", x->username, "changes",
                                x->changes.data ? x->changes.data : "", "via", "import"));
    if (!e && x->rename) {
        e = audit_row(c, "user.rename", ex->id, json_pack("{s:s, s:s}", "from", ex->username, "to", x->username));
        r->n_renamed++;
    }
    if (!e && x->susp == 1) {
        e = audit_row(c, "user.suspend", ex->id, json_pack("{s:s}", "via", "import"));
        r->n_suspended++;
    }
    if (!e && x->susp == 0) {
        e = audit_row(c, "user.reactivate", ex->id, json_pack("{s:s}", "via", "import"));
        r->n_reactivated++;
    }
    if (!e) r->n_updated++;
    return e;
}

/* Managers created after the people they manage, then the profile values of every written row. */
static lerr write_late_managers_and_profiles(struct ctx *c)
{
    struct import_result *r = c->r;
    lerr e = LE_OK;
    for (int i = 0; i < r->n_rows && !e; i++) {
        struct import_row *row = &r->rows[i];
        struct rowx *x = row->priv;
        if (row->outcome != IO_CREATE || x->manager == OWNER_NONE || x->manager_at_insert) continue;
        e = db_run(c->db, "UPDATE users SET manager_id = ?2 WHERE id = ?1", "ii", x->id, owner_id(c, x->manager));
        e = chunk_next(c, e, 1, 0, 0);
    }
    for (int i = 0; i < r->n_rows && !e && c->n_pf; i++) {
        struct import_row *row = &r->rows[i];
        struct rowx *x = row->priv;
        if ((row->outcome != IO_CREATE && row->outcome != IO_UPDATE) || x->del) continue;
        int64_t id = x->create ? x->id : c->ex[x->ex].id;
        for (int k = 0; k < c->n_pf && !e; k++)
            if (x->pv[k])
                e = db_run(c->db,
                           "INSERT INTO profile_values (user_id, field_id, value) VALUES (?1, ?2, ?3) "
                           "ON CONFLICT (user_id, field_id) DO UPDATE SET value = excluded.value",
                           "iis", id, c->pf[k].f.id, x->pv[k]);
        e = chunk_next(c, e, 1, 0, 0);
    }
    return e;
}

static lerr write_rows(struct ctx *c)
{
    struct import_result *r = c->r;
    const struct import_options *o = c->o;
    int64_t now = time_now();
    int64_t total = r->counts[IO_CREATE] + r->counts[IO_UPDATE], done = 0;
    lerr e = write_new_accounts(c, now, total, &done);
    for (int i = 0; i < r->n_rows && !e; i++) {
        struct import_row *row = &r->rows[i];
        struct rowx *x = row->priv;
        if (row->outcome != IO_UPDATE) continue;
        struct ex *ex = &c->ex[x->ex];
        e = x->del ? write_deletion(c, ex, now) : write_update(c, x, ex, now);
        e = chunk_next(c, e, 1, ++done, total);
    }
    if (!e) e = write_late_managers_and_profiles(c);
    if (o->progress && total) o->progress(o->progress_ctx, "writing", total, total);
    return e;
}

static lerr refuse_errors(const struct import_result *r, const struct import_options *o, struct problem *p)
{
    if (r->n_file_errors)
        return problem_set(p, LE_INVALID, "file", "The file has %d error%s (see the preview); nothing was written.",
                           r->n_file_errors, r->n_file_errors == 1 ? "" : "s");
    if (r->counts[IO_ERROR] && !o->valid_only)
        return problem_set(p, LE_INVALID, "file",
                           "%lld row%s ha%s errors; nothing was written. Fix the file, or commit only the "
                           "valid rows.",
                           (long long)r->counts[IO_ERROR], r->counts[IO_ERROR] == 1 ? "" : "s",
                           r->counts[IO_ERROR] == 1 ? "s" : "ve");
    return LE_OK;
}

lerr user_import_check_commit(const struct import_result *r, const struct import_options *o,
                              struct problem *p)
{
    return refuse_errors(r, o, p);
}

static int64_t count_passwords(const struct import_result *r)
{
    int64_t n = 0;
    for (int i = 0; i < r->n_rows; i++)
        if (r->rows[i].outcome == IO_CREATE && ((struct rowx *)r->rows[i].priv)->password) n++;
    return n;
}

/* The file checked and its passwords hashed before anything is written: argon2id is
 * deliberately slow and must not hold the write lock. */
static lerr prepare_commit(struct ctx *c, const char *data, size_t len, struct problem *p)
{
    lerr e = run_preview(c, data, len, p);
    if (!e) e = refuse_errors(c->r, c->o, p);
    double t0 = time_monotonic_ms();
    if (!e) e = hash_passwords(c, p);
    c->r->ms_hash = ms_since(t0);
    return e;
}

/* Accounts still waiting for their welcome link: those of this run, or of an earlier run of
 * the same commit that stopped before queueing the job. */
static bool welcome_due(struct ctx *c)
{
    if (c->r->n_signin_links > 0) return true;
    int64_t n = 0;
    db_query_int(c->db, &n, "SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE needs_signin_link = 1 LIMIT 1) w", "");
    return n > 0;
}

/* The commit's last chunk: its summary in the audit log, the welcome job, the columns of
 * other domains and the enrolment rules. */
static lerr write_tail(struct ctx *c)
{
    struct import_result *r = c->r;
    json_t *d = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "mode", import_mode_name(c->o->mode), "rows",
                          (json_int_t)r->n_rows, "created", (json_int_t)r->n_created, "updated",
                          (json_int_t)r->n_updated, "suspended", (json_int_t)r->n_suspended, "deleted",
                          (json_int_t)r->n_deleted, "renamed", (json_int_t)r->n_renamed, "errors_left",
                          (json_int_t)r->counts[IO_ERROR]);
    lerr w = audit_push(c, "user.import", "import", d);
    /* New accounts without a password get a link to choose one, sent by a job
     * (src/jobs/welcome.c) once this chunk has committed. */
    if (!w && welcome_due(c)) w = job_enqueue(c->db, "signin_links.welcome", NULL, 0, 0, NULL, NULL);
    /* Other domains' columns (Moodle's courseN / roleN enrol). */
    if (!w) w = columns_write(c);
    /* People who arrived, moved or left follow the enrolment rules. */
    if (!w) w = people_moved(c->db, 0, NULL);
    return w;
}

static void forget_counts(struct import_result *r)
{
    r->n_created = r->n_updated = r->n_suspended = r->n_reactivated = r->n_deleted = r->n_renamed =
        r->n_passwords = r->n_signin_links = 0;
}

static lerr write_failed(struct ctx *c, lerr w, struct problem *p)
{
    lerr e = w == LE_CONFLICT ? LE_CONFLICT : LE_DB;
    const char *why = db_errmsg(c->db);
    if (!c->rows_committed)
        return problem_set(p, e, "", "The database refused a row (%s); nothing was written. Preview the file again and retry.",
                           why);
    return problem_set(p, e, "",
                       "The database refused a row (%s) after part of the file was written. Commit it again: "
                       "the rows already written count as unchanged, and the rest is written.",
                       why);
}

lerr user_import_commit(struct db *db, struct arena *a, const char *data, size_t len,
                        const struct import_options *o, struct import_result *r,
                        struct problem *p)
{
    struct ctx c;
    ctx_init(&c, db, a, o, r);
    lerr e = prepare_commit(&c, data, len, p);
    if (e) {
        wipe_passwords(r);
        return e;
    }
    double t0 = time_monotonic_ms();
    lerr w = chunk_begin(&c);
    if (w) return problem_set(p, LE_DB, "", "The database is busy; nothing was written. Try again.");
    w = create_departments(&c);
    if (!w) w = write_rows(&c);
    if (!w) w = write_tail(&c);
    w = chunk_end(&c, w);
    wipe_passwords(r);
    r->ms_write = ms_since(t0);
    if (w) {
        e = write_failed(&c, w, p);
        forget_counts(r);
        return e;
    }
    r->committed = true;
    return LE_OK;
}

/* ---- Presenting ---- */

static json_t *issues_json(const struct import_issue *is, int n)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:i, s:s, s:s}", "line", is[i].line, "column", is[i].column,
                                             "message", is[i].message));
    return arr;
}

/* Text taken from the file is valid UTF-8 (checked when read); jansson would refuse otherwise. */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s ? s : "");
    return j ? j : json_string("");
}

static int64_t count_passwords(const struct import_result *r);

json_t *import_result_to_json(const struct import_result *r, int offset, int limit, bool errors_only)
{
    json_t *o = json_object();
    char delim[3] = {r->delimiter == '\t' ? '\\' : r->delimiter, r->delimiter == '\t' ? 't' : 0, 0};
    json_object_set_new(o, "delimiter", json_string(r->delimiter ? delim : ","));
    json_object_set_new(o, "bom", json_boolean(r->bom));
    json_t *cols = json_array(), *unknown = json_array();
    for (int i = 0; i < r->n_columns; i++) json_array_append_new(cols, jstr(r->columns[i]));
    for (int i = 0; i < r->n_unknown; i++) json_array_append_new(unknown, jstr(r->unknown_columns[i]));
    json_object_set_new(o, "columns", cols);
    json_object_set_new(o, "unknown_columns", unknown);
    json_object_set_new(o, "file_errors", issues_json(r->file_errors, r->n_file_errors));
    json_t *depts = json_array();
    for (int i = 0; i < r->n_new_departments; i++) json_array_append_new(depts, jstr(r->new_departments[i]));
    json_object_set_new(o, "new_departments", depts);
    json_t *sum = json_pack("{s:i}", "rows", r->n_rows);
    for (int k = 0; k < IO__COUNT; k++)
        json_object_set_new(sum, import_outcome_name((enum import_outcome)k), json_integer(r->counts[k]));
    /* New accounts whose password from the file must be hashed (argon2id: slow on purpose). */
    json_object_set_new(sum, "passwords", json_integer(r->committed ? r->n_passwords : count_passwords(r)));
    json_object_set_new(o, "summary", sum);
    json_object_set_new(o, "committed", json_boolean(r->committed));
    if (r->committed)
        json_object_set_new(o, "written",
                            json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "created", (json_int_t)r->n_created,
                                      "updated", (json_int_t)r->n_updated, "suspended", (json_int_t)r->n_suspended,
                                      "reactivated", (json_int_t)r->n_reactivated, "deleted", (json_int_t)r->n_deleted,
                                      "renamed", (json_int_t)r->n_renamed, "with_password", (json_int_t)r->n_passwords,
                                      "need_signin_link", (json_int_t)r->n_signin_links));
    json_t *rows = json_array();
    int matched = 0;
    if (offset < 0) offset = 0;
    for (int i = 0; i < r->n_rows; i++) {
        const struct import_row *row = &r->rows[i];
        if (errors_only && row->outcome != IO_ERROR) continue;
        if (matched++ < offset || (int)json_array_size(rows) >= limit) continue;
        json_t *j = json_pack("{s:i, s:s, s:o, s:o, s:o}", "line", row->line, "outcome",
                              import_outcome_name(row->outcome), "username", jstr(row->username), "note",
                              jstr(row->note), "errors", issues_json(row->errors, row->n_errors));
        json_object_set_new(j, "is_error", json_boolean(row->outcome == IO_ERROR));
        json_array_append_new(rows, j);
    }
    json_object_set_new(o, "rows", rows);
    json_object_set_new(o, "rows_matching", json_integer(matched));
    json_object_set_new(o, "offset", json_integer(offset));
    json_object_set_new(o, "timing_ms",
                        json_pack("{s:f, s:f, s:f, s:f}", "parse", r->ms_parse, "check", r->ms_check, "hash",
                                  r->ms_hash, "write", r->ms_write));
    return o;
}

/* ---- Export ---- */

lerr user_export_csv(struct db *db, struct arena *a, lerr (*write)(void *ctx, const char *s, size_t n),
                     void *wctx, struct problem *p)
{
    struct department *depts;
    struct job_role *roles;
    struct profile_field *fields;
    int n_depts, n_roles, n_fields;
    if (department_list(db, a, &depts, &n_depts) || job_role_list(db, a, &roles, &n_roles) ||
        profile_field_list(db, a, &fields, &n_fields))
        return problem_set(p, LE_DB, "", "The database could not be read.");
    struct buf b;
    buf_init(&b, 1 << 20);
    lerr e = LE_OK;
    size_t nc = sizeof export_columns / sizeof export_columns[0];
    for (size_t i = 0; i < nc; i++) {
        if (i) buf_addc(&b, ',');
        buf_adds(&b, export_columns[i].name);
    }
    for (int k = 0; k < n_fields; k++) buf_addf(&b, ",profile_field_%s", fields[k].shortname);
    buf_addc(&b, '\n');
    struct db_stmt *pv = n_fields ? db_query(db,
                                             "SELECT v.user_id, v.field_id, v.value FROM profile_values v JOIN users u "
                                             "ON u.id = v.user_id WHERE u.deleted_at IS NULL ORDER BY v.user_id",
                                             "")
                                  : NULL;
    int pv_rc = pv ? db_step(pv) : DB_DONE;
    struct db_stmt *st = db_query(db,
                                  "SELECT u.id, u.username, u.first_name, u.last_name, u.email, u.idnumber, "
                                  "u.institution, COALESCE(u.department_id, 0), u.city, u.country, u.lang, "
                                  "u.timezone, u.phone, u.status, COALESCE(u.job_role_id, 0), m.username, u.roles, "
                                  "COALESCE(u.start_date, '') FROM users u LEFT JOIN users m ON m.id = u.manager_id "
                                  "WHERE u.deleted_at IS NULL ORDER BY u.id",
                                  "");
    int rc;
    const char **vals = arena_alloc(a, sizeof *vals * (size_t)(n_fields + 1));
    while (!e && (rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        const char *cells[17];
        for (int k = 0; k < 17; k++) cells[k] = "";
        cells[0] = db_col_text(st, 1);
        cells[1] = db_col_text(st, 2);
        cells[2] = db_col_text(st, 3);
        cells[3] = db_col_text(st, 4);
        cells[4] = db_col_text(st, 5);
        cells[5] = db_col_text(st, 6);
        int64_t dept = db_col_int(st, 7);
        for (int k = 0; dept && k < n_depts; k++)
            if (depts[k].id == dept) cells[6] = *depts[k].idnumber ? depts[k].idnumber : depts[k].path;
        cells[7] = db_col_text(st, 8);
        cells[8] = db_col_text(st, 9);
        cells[9] = db_col_text(st, 10);
        cells[10] = db_col_text(st, 11);
        cells[11] = db_col_text(st, 12);
        cells[12] = str_eq(db_col_text(st, 13), "active") ? "0" : "1";
        int64_t role = db_col_int(st, 14);
        for (int k = 0; role && k < n_roles; k++)
            if (roles[k].id == role) cells[13] = *roles[k].idnumber ? roles[k].idnumber : roles[k].name;
        cells[14] = db_col_text(st, 15);
        unsigned rmask = (unsigned)db_col_int(st, 16);
        char rl[64] = "";
        for (unsigned bit = ROLE_ADMIN; bit <= ROLE_LEARNER; bit <<= 1)
            if (rmask & bit) snprintf(rl + strlen(rl), sizeof rl - strlen(rl), "%s%s", rl[0] ? "," : "", role_name(bit));
        cells[15] = rl;
        cells[16] = db_col_text(st, 17);
        for (size_t k = 0; k < nc && !e; k++) {
            if (k) buf_addc(&b, ',');
            e = csv_write_field(&b, cells[k] ? cells[k] : "", ',');
        }
        for (int k = 0; k < n_fields; k++) vals[k] = "";
        while (pv_rc == DB_ROW && db_col_int(pv, 0) < id) pv_rc = db_step(pv);
        while (pv_rc == DB_ROW && db_col_int(pv, 0) == id) {
            int64_t fid = db_col_int(pv, 1);
            for (int k = 0; k < n_fields; k++)
                if (fields[k].id == fid) vals[k] = arena_strdup(a, db_col_text(pv, 2) ? db_col_text(pv, 2) : "");
            pv_rc = db_step(pv);
        }
        for (int k = 0; k < n_fields && !e; k++) {
            buf_addc(&b, ',');
            e = csv_write_field(&b, vals[k], ',');
        }
        if (!e) e = buf_addc(&b, '\n');
        if (!e && b.len > (1 << 19)) {
            e = write(wctx, b.data, b.len);
            buf_reset(&b);
        }
    }
    db_done(st);
    if (pv) db_done(pv);
    if (!e && b.len) e = write(wctx, b.data, b.len);
    buf_release(&b);
    if (e) return problem_set(p, e, "", "The export could not be written.");
    return LE_OK;
}

/* ---- Stored uploads ---- */

json_t *import_options_to_json(const struct import_options *o)
{
    return json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:s}", "mode", import_mode_name(o->mode),
                     "allow_renames", o->allow_renames, "allow_suspend", o->allow_suspend, "allow_delete",
                     o->allow_delete, "force_password_change", o->force_password_change, "weak_password_link",
                     o->weak_password_link, "create_departments", o->create_departments, "username_template",
                     o->username_template && *o->username_template ? o->username_template : DEFAULT_TEMPLATE);
}

void import_options_from_json(json_t *j, struct import_options *o)
{
    import_mode_parse(json_string_value(json_object_get(j, "mode")), &o->mode);
    o->allow_renames = json_is_true(json_object_get(j, "allow_renames"));
    o->allow_suspend = json_is_true(json_object_get(j, "allow_suspend"));
    o->allow_delete = json_is_true(json_object_get(j, "allow_delete"));
    o->force_password_change = json_is_true(json_object_get(j, "force_password_change"));
    o->weak_password_link = json_is_true(json_object_get(j, "weak_password_link"));
    o->create_departments = json_is_true(json_object_get(j, "create_departments"));
    o->username_template = json_string_value(json_object_get(j, "username_template"));
}

static const char *import_path(struct arena *a, const char *data_dir, const char *token)
{
    return arena_sprintf(a, "%s/imports/%s.csv", data_dir, token);
}

/* Previews nobody committed within a day: their files go (they may hold passwords). */
static void expire_old(struct db *db, struct arena *a, const char *data_dir)
{
    int64_t cutoff = time_now() - 86400;
    struct db_stmt *st = db_query(db, "SELECT token FROM user_imports WHERE status = 'previewed' AND created_at < ?1 "
                                  "AND commit_phase NOT IN ('queued', 'hashing', 'writing')",
                                  "i", cutoff);
    while (db_step(st) == DB_ROW)
        if (db_col_text(st, 0)) unlink(import_path(a, data_dir, db_col_text(st, 0)));
    db_done(st);
    db_run(db,
           "UPDATE user_imports SET status = 'expired' WHERE status = 'previewed' AND created_at < ?1 "
           "AND commit_phase NOT IN ('queued', 'hashing', 'writing')",
           "i", cutoff);
}

lerr user_import_store(struct db *db, struct arena *a, const char *data_dir, const char *data, size_t len,
                       const char *filename, json_t *options, int64_t actor_id, const char **token_out,
                       struct problem *p)
{
    *token_out = NULL;
    if (len > IMPORT_FILE_MAX)
        return problem_set(p, LE_TOOBIG, "file", "The file is larger than %d MiB; split it into several files.",
                           IMPORT_FILE_MAX / (1024 * 1024));
    expire_old(db, a, data_dir);
    char token[33];
    random_hex(token, 16);
    char sha[65];
    sha256_hex(data, len, sha);
    const char *dir = arena_sprintf(a, "%s/imports", data_dir);
    if (mkdir(dir, 0700) && errno != EEXIST)
        return problem_set(p, LE_IO, "", "The upload could not be stored (%s).", strerror(errno));
    const char *path = import_path(a, data_dir, token);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return problem_set(p, LE_IO, "", "The upload could not be stored (%s).", strerror(errno));
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        off += (size_t)w;
    }
    bool ok = off == len && fsync(fd) == 0;
    close(fd);
    if (!ok) {
        unlink(path);
        return problem_set(p, LE_IO, "", "The upload could not be stored (disk full?).");
    }
    /* The name is the client's: keep printable UTF-8 only. */
    const char *name = filename && utf8_valid(filename, strlen(filename)) ? filename : "";
    char clean[200] = "";
    size_t k = 0;
    for (const char *s = name; *s && k < sizeof clean - 1; s++)
        if ((unsigned char)*s >= 0x20 && *s != 0x7f) clean[k++] = *s;
    while (k && !utf8_valid(clean, k)) k--; /* no character cut in half */
    clean[k] = '\0';
    char *opts = json_dumps(options, JSON_COMPACT | JSON_SORT_KEYS);
    lerr e = db_run(db,
                    "INSERT INTO user_imports (token, filename, sha256, size, options, created_by, created_at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    "sssisii", (const char *)token, (const char *)clean, (const char *)sha, (int64_t)len,
                    opts ? opts : "{}", actor_id, time_now());
    json_text_free(opts);
    if (e) {
        unlink(path);
        return problem_set(p, LE_DB, "", "The upload could not be recorded; try again.");
    }
    *token_out = arena_strdup(a, token);
    return LE_OK;
}

lerr user_import_find(struct db *db, struct arena *a, const char *token, struct stored_import *out,
                      struct problem *p)
{
    memset(out, 0, sizeof *out);
    struct db_stmt *st = db_query(db,
                                  "SELECT id, token, filename, sha256, size, options, status, result, created_by, "
                                  "created_at, committed_at, commit_phase, progress_done, progress_total, "
                                  "commit_error, job_id FROM user_imports WHERE token = ?1",
                                  "s", token ? token : "");
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_int(st, 0);
        out->token = model_col_str(a, st, 1);
        out->filename = model_col_str(a, st, 2);
        out->sha256 = model_col_str(a, st, 3);
        out->size = db_col_int(st, 4);
        out->options = model_col_str(a, st, 5);
        out->status = model_col_str(a, st, 6);
        out->result = model_col_str(a, st, 7);
        out->created_by = db_col_int(st, 8);
        out->created_at = db_col_int(st, 9);
        out->committed_at = db_col_is_null(st, 10) ? 0 : db_col_int(st, 10);
        out->commit_phase = model_col_str(a, st, 11);
        out->progress_done = db_col_int(st, 12);
        out->progress_total = db_col_int(st, 13);
        out->commit_error = model_col_str(a, st, 14);
        out->job_id = db_col_is_null(st, 15) ? 0 : db_col_int(st, 15);
    }
    db_done(st);
    if (rc == DB_DONE) return problem_set(p, LE_NOTFOUND, "id", "There is no such upload; upload the file again.");
    return rc == DB_ROW ? LE_OK : problem_set(p, LE_DB, "", "The database could not be read.");
}

lerr user_import_read_file(struct arena *a, const char *data_dir, const struct stored_import *si, char **data,
                           size_t *len, struct problem *p)
{
    *data = NULL;
    *len = 0;
    if (!str_eq(si->status, "previewed"))
        return problem_set(p, LE_CONFLICT, "id",
                           str_eq(si->status, "committed") ? "This upload has been committed already."
                                                           : "This upload has expired; upload the file again.");
    const char *path = import_path(a, data_dir, si->token);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return problem_set(p, LE_NOTFOUND, "id", "The uploaded file is gone; upload it again.");
    size_t n = (size_t)si->size;
    char *buf = arena_alloc(a, n + 1);
    size_t off = 0;
    while (off < n) {
        ssize_t r = read(fd, buf + off, n - off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        off += (size_t)r;
    }
    close(fd);
    char sha[65];
    sha256_hex(buf, off, sha);
    if (off != n || !str_eq(sha, si->sha256))
        return problem_set(p, LE_CONFLICT, "id", "The uploaded file has changed on disk; upload it again.");
    *data = buf;
    *len = n;
    return LE_OK;
}

lerr user_import_finish(struct db *db, const char *data_dir, const struct stored_import *si, json_t *result,
                        struct problem *p)
{
    char *text = json_dumps(result, JSON_COMPACT);
    lerr e = db_run(db,
                    "UPDATE user_imports SET status = 'committed', result = ?2, committed_at = ?3, "
                    "commit_phase = 'done', progress_done = progress_total, commit_error = '' WHERE id = ?1 "
                    "AND status = 'previewed'",
                    "isi", si->id, text ? text : "{}", time_now());
    json_text_free(text);
    if (e) return problem_set(p, LE_DB, "", "The database could not record the commit.");
    struct arena *a = arena_new(512);
    unlink(import_path(a, data_dir, si->token));
    arena_free(a);
    return LE_OK;
}

bool stored_import_committing(const struct stored_import *si)
{
    return str_eq(si->status, "previewed") &&
           (str_eq(si->commit_phase, "queued") || str_eq(si->commit_phase, "hashing") ||
            str_eq(si->commit_phase, "writing"));
}

lerr user_import_set_options(struct db *db, const struct stored_import *si, const struct import_options *o,
                             struct problem *p)
{
    if (!str_eq(si->status, "previewed") || stored_import_committing(si))
        return problem_set(p, LE_CONFLICT, "", "This upload is committed or being committed; its options stay.");
    json_t *j = import_options_to_json(o);
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    lerr e = db_run(db, "UPDATE user_imports SET options = ?2 WHERE id = ?1 AND status = 'previewed'", "is", si->id,
                    text ? text : "{}");
    json_text_free(text);
    return e ? problem_set(p, LE_DB, "", "The options could not be saved; try again.") : LE_OK;
}

lerr user_import_queue_commit(struct db *db, const struct stored_import *si, bool valid_only, int64_t actor_id,
                              int64_t *job_id, struct problem *p)
{
    *job_id = 0;
    if (db_tx_begin(db)) return problem_set(p, LE_DB, "", "The database is busy; try again.");
    int64_t id = 0;
    /* Only one commit at a time: the row moves to 'queued' only from a previewed upload that no
     * job is working on. */
    lerr e = db_query_int(db, &id,
                          "UPDATE user_imports SET commit_phase = 'queued', progress_done = 0, progress_total = 0, "
                          "commit_error = '' WHERE id = ?1 AND status = 'previewed' AND commit_phase NOT IN "
                          "('queued', 'hashing', 'writing') RETURNING id",
                          "i", si->id);
    if (e == LE_NOTFOUND) {
        problem_set(p, LE_CONFLICT, "id", "This upload is being committed already, or has been.");
    } else if (e) {
        problem_set(p, LE_DB, "", "The database could not record the commit; try again.");
    } else {
        json_t *payload = json_pack("{s:s, s:b, s:I}", "import", si->token, "valid_only", valid_only, "actor_id",
                                    (json_int_t)actor_id);
        e = job_enqueue(db, "user_import.commit", payload, 0, 3, job_id, p);
        json_decref(payload);
        if (!e) e = db_run(db, "UPDATE user_imports SET job_id = ?2 WHERE id = ?1", "ii", si->id, *job_id);
        if (e && !p->message[0]) problem_set(p, LE_DB, "", "The commit could not be queued; try again.");
    }
    if (db_tx_end(db, e) && !e) e = problem_set(p, LE_DB, "", "The database could not record the commit; try again.");
    return e;
}

lerr user_import_set_progress(struct db *db, int64_t id, const char *phase, int64_t done, int64_t total,
                              const char *error)
{
    return db_run(db,
                  "UPDATE user_imports SET commit_phase = ?2, progress_done = ?3, progress_total = ?4, "
                  "commit_error = ?5 WHERE id = ?1 AND status = 'previewed'",
                  "isiis", id, phase, done, total, error ? error : "");
}
