/* The organisation: departments (a tree), job roles, custom profile fields, and a user's HR
 * fields (idnumber, department, job role, line manager, contact and locale). Every change runs
 * in one transaction with its audit entry. docs/people.md describes the concepts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "internal.h"

#define DEPT_NAME_MAX 200
#define IDNUMBER_MAX 100
#define PROFILE_TEXT_MAX 1000

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return true;
    return false;
}

/* ---- Shape checks (shared with the importer) ---- */

/* A field as the pages call it, for messages: "idnumber" is the "ID number". */
static const char *field_words(const char *field)
{
    if (strcmp(field, "idnumber") == 0) return "ID number";
    if (strcmp(field, "phone") == 0) return "phone number";
    return field;
}

lerr org_check_text(struct arena *a, const char *in, const char *field, int max_chars,
                    const char **out, struct problem *p)
{
    char *s = arena_trim(a, in);
    if (!utf8_valid(s, strlen(s)) || has_control(s))
        return problem_set(p, LE_INVALID, field, "The %s has characters that cannot be kept (line breaks, tabs or "
                           "control characters); type it on one line.", field_words(field));
    if ((int)utf8_chars(s) > max_chars)
        return problem_set(p, LE_INVALID, field, "Use at most %d characters for the %s.", max_chars,
                           field_words(field));
    *out = s;
    return LE_OK;
}

lerr org_check_idnumber(struct arena *a, const char *in, const char **out, struct problem *p)
{
    return org_check_text(a, in, "idnumber", IDNUMBER_MAX, out, p);
}

lerr org_check_country(struct arena *a, const char *in, const char **out, struct problem *p)
{
    char *s = arena_trim(a, in);
    *out = s;
    if (!*s) return LE_OK;
    if (strlen(s) != 2 || !((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z') ||
        !((s[1] | 32) >= 'a' && (s[1] | 32) <= 'z'))
        return problem_set(p, LE_INVALID, "country",
                           "Give the country as its two-letter ISO code, such as GB, DE or BR.");
    s[0] = (char)(s[0] & ~32);
    s[1] = (char)(s[1] & ~32);
    return LE_OK;
}

/* "en", "de", "pt_br", "zh_cn": a language code, optionally with a region (Moodle's form;
 * "pt-BR" is accepted and written the same way). */
lerr org_check_lang(struct arena *a, const char *in, const char **out, struct problem *p)
{
    char *s = arena_trim(a, in);
    *out = s;
    if (!*s) return LE_OK;
    size_t n = strlen(s), i = 0;
    for (char *c = s; *c; c++) {
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
        if (*c == '-') *c = '_';
    }
    while (i < n && s[i] >= 'a' && s[i] <= 'z') i++;
    bool ok = i >= 2 && i <= 3;
    if (ok && i < n) {
        size_t j = i + 1, k = j;
        while (k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9'))) k++;
        ok = s[i] == '_' && k == n && k - j >= 2 && k - j <= 8;
    }
    if (!ok)
        return problem_set(p, LE_INVALID, "lang",
                           "Give the language as a code such as en, de or pt_br.");
    return LE_OK;
}

/* An IANA time zone name ("Europe/Berlin", "UTC"). Where the system has the time zone
 * database, the name must be in it; "99" (Moodle's "server time zone") means none. */
lerr org_check_timezone(struct arena *a, const char *in, const char **out, struct problem *p)
{
    char *s = arena_trim(a, in);
    *out = s;
    if (!*s) return LE_OK;
    if (strcmp(s, "99") == 0) {
        *out = "";
        return LE_OK;
    }
    size_t n = strlen(s);
    bool ok = n <= 64 && s[0] != '/' && !strstr(s, "..");
    for (size_t i = 0; ok && i < n; i++) {
        char c = s[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '/' || c == '-' || c == '+';
    }
    if (ok && access("/usr/share/zoneinfo", X_OK) == 0) {
        char path[128];
        snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", s);
        ok = access(path, R_OK) == 0;
    }
    if (!ok)
        return problem_set(p, LE_INVALID, "timezone",
                           "'%.64s' is not a time zone: use a name such as Europe/London, "
                           "America/New_York or UTC.",
                           s);
    return LE_OK;
}

static lerr check_name(struct arena *a, const char *in, const char *what, int max, const char **out,
                       struct problem *p)
{
    lerr e = org_check_text(a, in ? in : "", "name", max, out, p);
    if (e) return e;
    if (!**out) return problem_set(p, LE_INVALID, "name", "Enter the %s's name.", what);
    return LE_OK;
}

static char *target(struct arena *a, const char *kind, int64_t id)
{
    return arena_sprintf(a, "%s:%lld", kind, (long long)id);
}

static lerr audit(struct db *db, struct arena *a, int64_t actor, const char *action, const char *kind,
                  int64_t id, json_t *details, struct problem *p)
{
    lerr e = audit_append(db, actor, action, target(a, kind, id), details);
    json_decref(details);
    return e ? model_db_problem(p) : LE_OK;
}

/* ---- Departments ---- */

struct dept_node {
    struct department d;
    int first_child, next_sibling;
};

static void dept_walk(struct dept_node *nodes, int i, int depth, const char *parent_path,
                      struct arena *a, struct department *out, int *k)
{
    for (; i >= 0; i = nodes[i].next_sibling) {
        struct department *d = &nodes[i].d;
        d->depth = depth;
        d->path = parent_path ? arena_sprintf(a, "%s / %s", parent_path, d->name) : d->name;
        out[(*k)++] = *d;
        if (depth < 64) dept_walk(nodes, nodes[i].first_child, depth + 1, d->path, a, out, k);
    }
}

/* Links nodes (read in descending name order) into their tree and lists them in tree order
 * with their paths, in a. */
static void dept_tree(struct dept_node *nodes, int n, struct arena *a, struct department **out, int *n_out)
{
    /* Rows came in descending name order, so pushing each on its parent's list leaves every
     * list in ascending order. */
    int roots = -1;
    for (int i = 0; i < n; i++) {
        int parent = -1;
        for (int j = 0; nodes[i].d.parent_id && j < n; j++)
            if (nodes[j].d.id == nodes[i].d.parent_id) parent = j;
        if (parent < 0) {
            nodes[i].next_sibling = roots;
            roots = i;
        } else {
            nodes[i].next_sibling = nodes[parent].first_child;
            nodes[parent].first_child = i;
            nodes[parent].d.n_children++;
        }
    }
    struct department *list = arena_alloc(a, sizeof *list * (size_t)(n + 1));
    int k = 0;
    dept_walk(nodes, roots, 0, NULL, a, list, &k);
    *out = list;
    *n_out = k;
}


lerr department_choices(struct db *db, struct arena *a, struct department **out, int *n_out)
{
    *out = NULL;
    *n_out = 0;
    struct db_stmt *st = db_query(db, "SELECT id, name FROM departments ORDER BY name, id", "");
    int n = 0, cap = 16, rc;
    struct department *v = arena_alloc(a, sizeof *v * (size_t)cap);
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            struct department *grown = arena_alloc(a, sizeof *grown * (size_t)cap * 2);
            memcpy(grown, v, sizeof *v * (size_t)n);
            v = grown, cap *= 2;
        }
        v[n++] = (struct department){.id = db_col_int(st, 0), .name = model_col_str(a, st, 1), .idnumber = "",
                                     .path = ""};
    }
    db_done(st);
    if (rc != DB_DONE) return LE_DB;
    *out = v;
    *n_out = n;
    return LE_OK;
}

lerr department_list(struct db *db, struct arena *a, struct department **out, int *n_out)
{
    *out = NULL;
    *n_out = 0;
    int64_t total = 0;
    if (db_query_int(db, &total, "SELECT COUNT(*) FROM departments", "")) return LE_DB;
    struct dept_node *nodes = arena_alloc(a, sizeof *nodes * (size_t)(total + 1));
    struct db_stmt *st = db_query(db,
                                  "SELECT d.id, d.name, d.idnumber, d.parent_id, (SELECT COUNT(*) FROM "
                                  "users u WHERE u.department_id = d.id AND u.deleted_at IS NULL) "
                                  "FROM departments d ORDER BY d.name DESC, d.id DESC",
                                  "");
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < total) {
        struct department *d = &nodes[n].d;
        d->id = db_col_int(st, 0);
        d->name = model_col_str(a, st, 1);
        d->idnumber = model_col_str(a, st, 2);
        d->parent_id = db_col_is_null(st, 3) ? 0 : db_col_int(st, 3);
        d->n_users = db_col_int(st, 4);
        nodes[n].first_child = nodes[n].next_sibling = -1;
        n++;
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return LE_DB;
    dept_tree(nodes, n, a, out, n_out);
    return LE_OK;
}

/* Grows a malloc'd array of size elements to hold one more than n. */
static void *grow(void *v, int n, int *cap, size_t size)
{
    if (n < *cap) return v;
    *cap = *cap ? *cap * 2 : 16;
    void *g = realloc(v, size * (size_t)*cap);
    if (!g) free(v);
    return g;
}

lerr org_choices(struct db *db, struct arena *a, struct department **depts, int *nd, struct job_role **jobs, int *nj)
{
    *depts = NULL, *jobs = NULL, *nd = *nj = 0;
    struct db_stmt *st = db_query(db,
                                  "SELECT 0, id, name, parent_id FROM departments UNION ALL "
                                  "SELECT 1, id, name, NULL FROM job_roles ORDER BY 1, 3 DESC, 2 DESC",
                                  "");
    struct dept_node *nodes = NULL;
    struct job_role *roles = NULL;
    int n = 0, cap = 0, r = 0, rcap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (db_col_int(st, 0) == 0) {
            if (!(nodes = grow(nodes, n, &cap, sizeof *nodes))) break;
            nodes[n++] = (struct dept_node){.d = {.id = db_col_int(st, 1), .name = model_col_str(a, st, 2),
                                                   .idnumber = "",
                                                   .parent_id = db_col_is_null(st, 3) ? 0 : db_col_int(st, 3)},
                                             .first_child = -1, .next_sibling = -1};
        } else {
            if (!(roles = grow(roles, r, &rcap, sizeof *roles))) break;
            roles[r++] = (struct job_role){.id = db_col_int(st, 1), .name = model_col_str(a, st, 2), .idnumber = ""};
        }
    }
    db_done(st);
    lerr e = rc == DB_DONE ? LE_OK : LE_DB;
    if (!e) {
        dept_tree(nodes, n, a, depts, nd);
        /* Job roles came in descending name order too: listed ascending. */
        struct job_role *list = arena_alloc(a, sizeof *list * (size_t)(r + 1));
        for (int i = 0; i < r; i++) list[i] = roles[r - 1 - i];
        *jobs = list, *nj = r;
    }
    free(nodes);
    free(roles);
    return e;
}

lerr department_get(struct db *db, struct arena *a, int64_t id, struct department *out,
                    struct problem *p)
{
    struct department *all;
    int n;
    if (department_list(db, a, &all, &n)) return model_db_problem(p);
    for (int i = 0; i < n; i++)
        if (all[i].id == id) {
            *out = all[i];
            return LE_OK;
        }
    return problem_set(p, LE_NOTFOUND, "id", "This department no longer exists; open the list of departments again.");
}

static lerr dept_check(struct db *db, struct arena *a, int64_t id, const char *name_in,
                       const char *idnumber_in, int64_t parent_id, const char **name,
                       const char **idnumber, struct problem *p)
{
    lerr e = check_name(a, name_in, "department", DEPT_NAME_MAX, name, p);
    if (e) return e;
    if (strchr(*name, '/'))
        return problem_set(p, LE_INVALID, "name",
                           "A department's name cannot contain '/': it separates departments in "
                           "paths such as 'Operations / Sales'.");
    if ((e = org_check_idnumber(a, idnumber_in ? idnumber_in : "", idnumber, p))) return e;
    if (parent_id) {
        /* The parent must exist and, for a move, must not be the department or below it. */
        int64_t at = parent_id;
        for (int steps = 0; at; steps++) {
            if (at == id || steps > 1000)
                return problem_set(p, LE_INVALID, "parent_id",
                                   "A department cannot be placed under itself or under one of "
                                   "its own sub-departments.");
            int64_t up = 0;
            lerr q = db_query_int(db, &up, "SELECT COALESCE(parent_id, 0) FROM departments WHERE id = ?1",
                                  "i", at);
            if (q == LE_NOTFOUND)
                return problem_set(p, LE_INVALID, "parent_id", "The chosen parent department no longer exists; choose another parent.");
            if (q) return model_db_problem(p);
            at = up;
        }
    }
    int64_t other = 0;
    lerr q = db_query_int(db, &other,
                          "SELECT id FROM departments WHERE name = ?1 AND COALESCE(parent_id, 0) = ?2 "
                          "AND id <> ?3",
                          "sii", *name, parent_id, id);
    if (q == LE_OK)
        return problem_set(p, LE_CONFLICT, "name",
                           "There is already a department '%s' at that place in the tree; choose "
                           "another name.",
                           *name);
    if (q != LE_NOTFOUND) return model_db_problem(p);
    if (**idnumber) {
        q = db_query_int(db, &other, "SELECT id FROM departments WHERE idnumber = ?1 AND id <> ?2", "si",
                         *idnumber, id);
        if (q == LE_OK)
            return problem_set(p, LE_CONFLICT, "idnumber",
                               "Another department already has the idnumber '%s'.", *idnumber);
        if (q != LE_NOTFOUND) return model_db_problem(p);
    }
    return LE_OK;
}

lerr department_create(struct db *db, const char *name, const char *idnumber, int64_t parent_id,
                       int64_t actor_id, int64_t *id_out, struct problem *p)
{
    struct arena *a = arena_new(2048);
    if (id_out) *id_out = 0;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) goto out;
    const char *n, *idn;
    int64_t id = 0, now = time_now();
    e = dept_check(db, a, 0, name, idnumber, parent_id, &n, &idn, p);
    if (!e) {
        struct db_stmt *st = db_query(db,
                                      "INSERT INTO departments (name, idnumber, parent_id, created_at, "
                                      "updated_at) VALUES (?1, NULLIF(?2, ''), NULLIF(?3, 0), ?4, ?4) "
                                      "RETURNING id",
                                      "ssii", n, idn, parent_id, now);
        if (db_step(st) == DB_ROW)
            id = db_col_int(st, 0);
        else
            e = model_db_problem(p);
        db_done(st);
    }
    if (!e)
        e = audit(db, a, actor_id, "department.create", "department", id,
                  json_pack("{s:s, s:s, s:I}", "name", n, "idnumber", idn, "parent_id", (json_int_t)parent_id), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e && id_out) *id_out = id;
out:
    arena_free(a);
    return e;
}

lerr department_update(struct db *db, int64_t id, const char *name, const char *idnumber,
                       int64_t parent_id, int64_t actor_id, struct problem *p)
{
    struct arena *a = arena_new(4096);
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) goto out;
    struct department d;
    const char *n, *idn;
    e = department_get(db, a, id, &d, p);
    if (!e) e = dept_check(db, a, id, name ? name : d.name, idnumber ? idnumber : d.idnumber,
                           parent_id >= 0 ? parent_id : d.parent_id, &n, &idn, p);
    if (parent_id < 0) parent_id = d.parent_id;
    if (!e && db_run(db,
                     "UPDATE departments SET name = ?2, idnumber = NULLIF(?3, ''), parent_id = "
                     "NULLIF(?4, 0), updated_at = ?5 WHERE id = ?1",
                     "issii", id, n, idn, parent_id, time_now()))
        e = model_db_problem(p);
    if (!e)
        e = audit(db, a, actor_id, "department.update", "department", id,
                  json_pack("{s:s, s:s, s:I}", "name", n, "idnumber", idn, "parent_id", (json_int_t)parent_id), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
out:
    arena_free(a);
    return e;
}

lerr department_delete(struct db *db, int64_t id, int64_t actor_id, struct problem *p)
{
    struct arena *a = arena_new(4096);
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) goto out;
    struct department d;
    e = department_get(db, a, id, &d, p);
    int64_t users = 0;
    if (!e && db_query_int(db, &users, "SELECT COUNT(*) FROM users WHERE department_id = ?1", "i", id))
        e = model_db_problem(p);
    if (!e && (d.n_children || users))
        e = problem_set(p, LE_CONFLICT, "id",
                        "The department '%s' still has %lld sub-departments and %lld people (deleted "
                        "accounts included); move them elsewhere first.",
                        d.name, (long long)d.n_children, (long long)users);
    if (!e) e = org_check_unreferenced(db, a, ORG_DEPARTMENT, id, d.name, p);
    if (!e && db_run(db, "DELETE FROM departments WHERE id = ?1", "i", id)) e = model_db_problem(p);
    if (!e) e = audit(db, a, actor_id, "department.delete", "department", id, json_pack("{s:s}", "name", d.name), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
out:
    arena_free(a);
    return e;
}

json_t *department_to_json(const struct department *d)
{
    return json_pack("{s:I, s:s, s:s?, s:o, s:s, s:i, s:I, s:I}", "id", (json_int_t)d->id, "name", d->name,
                     "idnumber", *d->idnumber ? d->idnumber : NULL, "parent_id",
                     d->parent_id ? json_integer(d->parent_id) : json_null(), "path", d->path ? d->path : d->name,
                     "depth", d->depth, "users", (json_int_t)d->n_users, "children",
                     (json_int_t)d->n_children);
}

/* ---- Job roles ---- */

lerr job_role_list(struct db *db, struct arena *a, struct job_role **out, int *n_out)
{
    *out = NULL;
    *n_out = 0;
    int64_t total = 0;
    if (db_query_int(db, &total, "SELECT COUNT(*) FROM job_roles", "")) return LE_DB;
    struct job_role *list = arena_alloc(a, sizeof *list * (size_t)(total + 1));
    struct db_stmt *st = db_query(db,
                                  "SELECT j.id, j.name, j.idnumber, (SELECT COUNT(*) FROM users u WHERE "
                                  "u.job_role_id = j.id AND u.deleted_at IS NULL) FROM job_roles j "
                                  "ORDER BY j.name",
                                  "");
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < total) {
        list[n].id = db_col_int(st, 0);
        list[n].name = model_col_str(a, st, 1);
        list[n].idnumber = model_col_str(a, st, 2);
        list[n].n_users = db_col_int(st, 3);
        n++;
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return LE_DB;
    *out = list;
    *n_out = n;
    return LE_OK;
}

lerr job_role_get(struct db *db, struct arena *a, int64_t id, struct job_role *out, struct problem *p)
{
    struct job_role *all;
    int n;
    if (job_role_list(db, a, &all, &n)) return model_db_problem(p);
    for (int i = 0; i < n; i++)
        if (all[i].id == id) {
            *out = all[i];
            return LE_OK;
        }
    return problem_set(p, LE_NOTFOUND, "id", "This job role no longer exists; open the list of job roles again.");
}

static lerr job_role_check(struct db *db, struct arena *a, int64_t id, const char *name_in,
                           const char *idnumber_in, const char **name, const char **idnumber,
                           struct problem *p)
{
    lerr e = check_name(a, name_in, "job role", DEPT_NAME_MAX, name, p);
    if (!e) e = org_check_idnumber(a, idnumber_in ? idnumber_in : "", idnumber, p);
    if (e) return e;
    int64_t other;
    lerr q = db_query_int(db, &other, "SELECT id FROM job_roles WHERE name = ?1 AND id <> ?2", "si", *name, id);
    if (q == LE_OK) return problem_set(p, LE_CONFLICT, "name", "There is already a job role '%s'.", *name);
    if (q != LE_NOTFOUND) return model_db_problem(p);
    if (**idnumber) {
        q = db_query_int(db, &other, "SELECT id FROM job_roles WHERE idnumber = ?1 AND id <> ?2", "si",
                         *idnumber, id);
        if (q == LE_OK)
            return problem_set(p, LE_CONFLICT, "idnumber", "Another job role already has the idnumber '%s'.",
                               *idnumber);
        if (q != LE_NOTFOUND) return model_db_problem(p);
    }
    return LE_OK;
}

lerr job_role_create(struct db *db, const char *name, const char *idnumber, int64_t actor_id,
                     int64_t *id_out, struct problem *p)
{
    struct arena *a = arena_new(2048);
    if (id_out) *id_out = 0;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) goto out;
    const char *n, *idn;
    int64_t id = 0, now = time_now();
    e = job_role_check(db, a, 0, name, idnumber, &n, &idn, p);
    if (!e) {
        struct db_stmt *st = db_query(db,
                                      "INSERT INTO job_roles (name, idnumber, created_at, updated_at) "
                                      "VALUES (?1, NULLIF(?2, ''), ?3, ?3) RETURNING id",
                                      "ssi", n, idn, now);
        if (db_step(st) == DB_ROW)
            id = db_col_int(st, 0);
        else
            e = model_db_problem(p);
        db_done(st);
    }
    if (!e) e = audit(db, a, actor_id, "job_role.create", "job_role", id, json_pack("{s:s, s:s}", "name", n, "idnumber", idn), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e && id_out) *id_out = id;
out:
    arena_free(a);
    return e;
}

lerr job_role_update(struct db *db, int64_t id, const char *name, const char *idnumber,
                     int64_t actor_id, struct problem *p)
{
    struct arena *a = arena_new(2048);
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) goto out;
    struct job_role r;
    const char *n, *idn;
    e = job_role_get(db, a, id, &r, p);
    if (!e) e = job_role_check(db, a, id, name ? name : r.name, idnumber ? idnumber : r.idnumber, &n, &idn, p);
    if (!e && db_run(db, "UPDATE job_roles SET name = ?2, idnumber = NULLIF(?3, ''), updated_at = ?4 WHERE id = ?1",
                     "issi", id, n, idn, time_now()))
        e = model_db_problem(p);
    if (!e) e = audit(db, a, actor_id, "job_role.update", "job_role", id, json_pack("{s:s, s:s}", "name", n, "idnumber", idn), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
out:
    arena_free(a);
    return e;
}

lerr job_role_delete(struct db *db, int64_t id, int64_t actor_id, struct problem *p)
{
    struct arena *a = arena_new(2048);
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) goto out;
    struct job_role r;
    e = job_role_get(db, a, id, &r, p);
    int64_t users = 0;
    if (!e && db_query_int(db, &users, "SELECT COUNT(*) FROM users WHERE job_role_id = ?1", "i", id))
        e = model_db_problem(p);
    if (!e && users)
        e = problem_set(p, LE_CONFLICT, "id",
                        "%lld people (deleted accounts included) hold the job role '%s'; give them "
                        "another one first.",
                        (long long)users, r.name);
    if (!e) e = org_check_unreferenced(db, a, ORG_JOB_ROLE, id, r.name, p);
    if (!e && db_run(db, "DELETE FROM job_roles WHERE id = ?1", "i", id)) e = model_db_problem(p);
    if (!e) e = audit(db, a, actor_id, "job_role.delete", "job_role", id, json_pack("{s:s}", "name", r.name), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
out:
    arena_free(a);
    return e;
}

json_t *job_role_to_json(const struct job_role *r)
{
    return json_pack("{s:I, s:s, s:s?, s:I}", "id", (json_int_t)r->id, "name", r->name, "idnumber",
                     *r->idnumber ? r->idnumber : NULL, "users", (json_int_t)r->n_users);
}

/* ---- Custom profile fields ---- */

static const char *const field_types[] = {"text", "menu", "checkbox", "date"};

#define FIELD_COLS "id, shortname, name, type, options, required, sort_order"

static void field_fill(struct db_stmt *st, struct arena *a, struct profile_field *f)
{
    f->id = db_col_int(st, 0);
    f->shortname = model_col_str(a, st, 1);
    f->name = model_col_str(a, st, 2);
    f->type = model_col_str(a, st, 3);
    f->options = model_col_str(a, st, 4);
    f->required = db_col_int(st, 5) != 0;
    f->sort_order = (int)db_col_int(st, 6);
}

lerr profile_field_list(struct db *db, struct arena *a, struct profile_field **out, int *n_out)
{
    *out = NULL;
    *n_out = 0;
    struct profile_field *list = arena_alloc(a, sizeof *list * (PROFILE_FIELDS_MAX + 1));
    struct db_stmt *st = db_query(db, "SELECT " FIELD_COLS " FROM profile_fields ORDER BY sort_order, id", "");
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < PROFILE_FIELDS_MAX) field_fill(st, a, &list[n++]);
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return LE_DB;
    *out = list;
    *n_out = n;
    return LE_OK;
}

lerr profile_field_get(struct db *db, struct arena *a, int64_t id, struct profile_field *out,
                       struct problem *p)
{
    struct db_stmt *st = db_query(db, "SELECT " FIELD_COLS " FROM profile_fields WHERE id = ?1", "i", id);
    int rc = db_step(st);
    if (rc == DB_ROW) field_fill(st, a, out);
    db_done(st);
    if (rc == DB_DONE) return problem_set(p, LE_NOTFOUND, "id", "This profile field no longer exists; open the list of profile fields again.");
    return rc == DB_ROW ? LE_OK : model_db_problem(p);
}

/* Menu choices: one per line, trimmed, non-empty, no repeats. */
static lerr clean_options(struct arena *a, const char *in, const char **out, struct problem *p)
{
    struct buf b;
    buf_init(&b, 20000);
    int n = 0;
    const char *s = in ? in : "";
    lerr e = LE_OK;
    while (*s && !e) {
        size_t len = strcspn(s, "\r\n");
        char *line = arena_trim(a, arena_strndup(a, s, len));
        s += len;
        while (*s == '\r' || *s == '\n') s++;
        if (!*line) continue;
        if (has_control(line) || utf8_chars(line) > 100) {
            e = problem_set(p, LE_INVALID, "options", "Each choice is one line of at most 100 characters.");
            break;
        }
        /* Exact repeats only: compare against the lines so far. */
        const char *prev = b.data ? b.data : "";
        size_t ln = strlen(line);
        for (const char *q = prev; *q && !e;) {
            size_t m = strcspn(q, "\n");
            if (m == ln && memcmp(q, line, ln) == 0)
                e = problem_set(p, LE_INVALID, "options", "The choice '%s' is listed twice.", line);
            q += m;
            if (*q) q++;
        }
        if (!e && ((n && buf_addc(&b, '\n')) || buf_adds(&b, line)))
            e = problem_set(p, LE_INVALID, "options", "There are too many choices.");
        n++;
    }
    if (!e) *out = arena_strdup(a, b.data ? b.data : "");
    buf_release(&b);
    return e;
}

static lerr field_clean(struct arena *a, const struct profile_field *in, bool creating,
                        struct profile_field *c, struct problem *p)
{
    *c = *in;
    lerr e;
    if (creating) {
        char *sn = arena_trim(a, in->shortname ? in->shortname : "");
        size_t n = strlen(sn);
        bool ok = n >= 1 && n <= 50;
        for (size_t i = 0; ok && i < n; i++) {
            if (sn[i] >= 'A' && sn[i] <= 'Z') sn[i] = (char)(sn[i] + 32);
            ok = (sn[i] >= 'a' && sn[i] <= 'z') || (sn[i] >= '0' && sn[i] <= '9') || sn[i] == '_';
        }
        if (!ok)
            return problem_set(p, LE_INVALID, "shortname",
                               "Use 1 to 50 letters a-z, digits and _ for the short name (the CSV "
                               "column is profile_field_<short name>).");
        c->shortname = sn;
        bool known = false;
        for (size_t i = 0; i < sizeof field_types / sizeof field_types[0]; i++)
            if (str_eq(in->type, field_types[i])) known = true;
        if (!known)
            return problem_set(p, LE_INVALID, "type", "Choose the type: text, menu, checkbox or date.");
    }
    if ((e = check_name(a, in->name, "profile field", 100, &c->name, p))) return e;
    if ((e = clean_options(a, in->options, &c->options, p))) return e;
    if (str_eq(c->type, "menu") && !*c->options)
        return problem_set(p, LE_INVALID, "options", "A menu needs its choices: one per line.");
    return LE_OK;
}

lerr profile_field_create(struct db *db, struct arena *a, const struct profile_field *in,
                          int64_t actor_id, int64_t *id_out, struct problem *p)
{
    if (id_out) *id_out = 0;
    struct profile_field c;
    lerr e = field_clean(a, in, true, &c, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    int64_t n = 0, id = 0, now = time_now();
    if (db_query_int(db, &n, "SELECT COUNT(*) FROM profile_fields", "")) e = model_db_problem(p);
    if (!e && n >= PROFILE_FIELDS_MAX)
        e = problem_set(p, LE_CONFLICT, "shortname", "There can be at most %d profile fields.", PROFILE_FIELDS_MAX);
    if (!e) {
        struct db_stmt *st = db_query(db,
                                      "INSERT INTO profile_fields (shortname, name, type, options, required, "
                                      "sort_order, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) "
                                      "RETURNING id",
                                      "ssssiii", c.shortname, c.name, c.type, c.options, (int64_t)c.required,
                                      (int64_t)c.sort_order, now);
        int rc = db_step(st);
        if (rc == DB_ROW)
            id = db_col_int(st, 0);
        else if (rc == DB_CONSTRAINT)
            e = problem_set(p, LE_CONFLICT, "shortname", "There is already a profile field '%s'.", c.shortname);
        else
            e = model_db_problem(p);
        db_done(st);
    }
    if (!e)
        e = audit(db, a, actor_id, "profile_field.create", "profile_field", id,
                  json_pack("{s:s, s:s, s:b}", "shortname", c.shortname, "type", c.type, "required", c.required), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e && id_out) *id_out = id;
    return e;
}

lerr profile_field_update(struct db *db, struct arena *a, int64_t id, const struct profile_field *in,
                          int64_t actor_id, struct problem *p)
{
    struct profile_field old;
    lerr e = profile_field_get(db, a, id, &old, p);
    if (e) return e;
    struct profile_field merged = old;
    if (in->name) merged.name = in->name;
    if (in->options) merged.options = in->options;
    merged.required = in->required;
    merged.sort_order = in->sort_order;
    struct profile_field c;
    if ((e = field_clean(a, &merged, false, &c, p))) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    if (db_run(db,
               "UPDATE profile_fields SET name = ?2, options = ?3, required = ?4, sort_order = ?5, "
               "updated_at = ?6 WHERE id = ?1",
               "issiii", id, c.name, c.options, (int64_t)c.required, (int64_t)c.sort_order, time_now()))
        e = model_db_problem(p);
    if (!e)
        e = audit(db, a, actor_id, "profile_field.update", "profile_field", id,
                  json_pack("{s:s, s:s, s:b}", "shortname", c.shortname, "name", c.name, "required", c.required), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr profile_field_delete(struct db *db, int64_t id, int64_t actor_id, struct problem *p)
{
    struct arena *a = arena_new(2048);
    struct profile_field f;
    lerr e = profile_field_get(db, a, id, &f, p);
    if (!e && db_tx_begin(db)) e = model_db_problem(p);
    if (!e) {
        if (db_run(db, "DELETE FROM profile_values WHERE field_id = ?1", "i", id) ||
            db_run(db, "DELETE FROM profile_fields WHERE id = ?1", "i", id))
            e = model_db_problem(p);
        if (!e) e = audit(db, a, actor_id, "profile_field.delete", "profile_field", id, json_pack("{s:s}", "shortname", f.shortname), p);
        if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    }
    arena_free(a);
    return e;
}

json_t *profile_field_to_json(const struct profile_field *f)
{
    json_t *opts = json_array();
    const char *s = f->options ? f->options : "";
    while (*s) {
        size_t n = strcspn(s, "\n");
        json_array_append_new(opts, json_stringn(s, n));
        s += n;
        if (*s) s++;
    }
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:i}", "id", (json_int_t)f->id, "shortname", f->shortname,
                     "name", f->name, "type", f->type, "options", opts, "required", f->required,
                     "sort_order", f->sort_order);
}

bool org_date_valid(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1) return false;
    int max = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return d <= max;
}

lerr profile_value_check(const struct profile_field *f, struct arena *a, const char *in,
                         const char **out, struct problem *p)
{
    const char *field = arena_sprintf(a, "profile_field_%s", f->shortname);
    const char *v;
    lerr e = org_check_text(a, in ? in : "", field, PROFILE_TEXT_MAX, &v, p);
    if (e)
        return problem_set(p, e, field, "%s: use at most %d characters, on one line.", f->name, PROFILE_TEXT_MAX);
    *out = v;
    if (!*v) return LE_OK;
    if (str_eq(f->type, "checkbox")) {
        static const char *const yes[] = {"1", "yes", "true", "on", "y"};
        static const char *const no[] = {"0", "no", "false", "off", "n"};
        for (size_t i = 0; i < 5; i++) {
            if (strcasecmp(v, yes[i]) == 0) return (*out = "1"), LE_OK;
            if (strcasecmp(v, no[i]) == 0) return (*out = "0"), LE_OK;
        }
        return problem_set(p, LE_INVALID, field, "%s is a checkbox: give 1 or 0 (yes or no).", f->name);
    }
    if (str_eq(f->type, "date")) {
        if (!org_date_valid(v))
            return problem_set(p, LE_INVALID, field, "%s is a date: give it as YYYY-MM-DD, such as 2024-03-31.",
                               f->name);
        return LE_OK;
    }
    if (str_eq(f->type, "menu")) {
        size_t n = strlen(v);
        for (const char *q = f->options; *q;) {
            size_t m = strcspn(q, "\n");
            if (m == n && strncasecmp(q, v, n) == 0) {
                *out = arena_strndup(a, q, m); /* the choice as defined */
                return LE_OK;
            }
            q += m;
            if (*q) q++;
        }
        return problem_set(p, LE_INVALID, field, "'%s' is not one of the choices for %s.", v, f->name);
    }
    return LE_OK;
}

json_t *user_profile_values(struct db *db, int64_t user_id)
{
    json_t *o = json_object();
    struct db_stmt *st = db_query(db,
                                  "SELECT f.shortname, v.value FROM profile_values v JOIN profile_fields f "
                                  "ON f.id = v.field_id WHERE v.user_id = ?1 ORDER BY f.sort_order, f.id",
                                  "i", user_id);
    while (db_step(st) == DB_ROW)
        json_object_set_new(o, db_col_text(st, 0), json_string(db_col_text(st, 1) ? db_col_text(st, 1) : ""));
    db_done(st);
    return o;
}

/* ---- A user's organisation fields ---- */

static void change(json_t *d, const char *field, const char *from, const char *to)
{
    json_object_set_new(d, field, json_pack("{s:s, s:s}", "from", from ? from : "", "to", to ? to : ""));
}

/* The profile values in->profile gives, checked against the defined fields: values[k] for
 * fields[k], NULL where the request leaves it alone. */
static lerr profile_values_asked(struct db *db, struct arena *a, const struct user_org_input *in,
                                 struct profile_field **fields_out, int *n_out, const char ***values_out,
                                 struct problem *p)
{
    lerr e = LE_OK;
    struct profile_field *fields = NULL;
    int n_fields = 0;
    if (in->profile && profile_field_list(db, a, &fields, &n_fields)) return model_db_problem(p);
    const char **values = arena_alloc(a, sizeof *values * (size_t)(n_fields + 1));
    if (in->profile) {
        const char *key;
        json_t *v;
        json_object_foreach(in->profile, key, v) {
            int k = -1;
            for (int i = 0; i < n_fields; i++)
                if (strcmp(fields[i].shortname, key) == 0) k = i;
            if (k < 0)
                return problem_set(p, LE_INVALID, "profile", "There is no profile field '%.60s'.", key);
            const char *text = json_is_string(v) ? json_string_value(v)
                               : json_is_true(v)  ? "1"
                               : json_is_false(v) ? "0"
                               : json_is_null(v)  ? ""
                                                  : NULL;
            if (!text)
                return problem_set(p, LE_INVALID, arena_sprintf(a, "profile_field_%s", key),
                                   "Give %s as text.", fields[k].name);
            if ((e = profile_value_check(&fields[k], a, text, &values[k], p))) return e;
            if (!*values[k] && fields[k].required)
                return problem_set(p, LE_INVALID, arena_sprintf(a, "profile_field_%s", key),
                                   "%s is required.", fields[k].name);
        }
    }
    *fields_out = fields;
    *n_out = n_fields;
    *values_out = values;
    return LE_OK;
}

/* Inside the update's transaction: the idnumber is free, the department and job role exist,
 * and the manager named (in->manager) exists, is not the person and makes no loop; *manager
 * gets the manager's id. */
static lerr org_references_check(struct db *db, struct arena *a, int64_t user_id, const struct user *u,
                                 const struct user_org_input *in, const char *idnumber, int64_t dept, int64_t role,
                                 int64_t *manager_out, struct problem *p)
{
    lerr e = LE_OK;
    int64_t manager = u->manager_id;
    int64_t one;
    if (*idnumber && !str_eq(idnumber, u->idnumber)) {
        lerr q = db_query_int(db, &one, "SELECT id FROM users WHERE idnumber = ?1 AND id <> ?2", "si", idnumber, user_id);
        if (q == LE_OK) e = problem_set(p, LE_CONFLICT, "idnumber", "Another user already has the idnumber '%s'.", idnumber);
        else if (q != LE_NOTFOUND) e = model_db_problem(p);
    }
    if (!e && dept && dept != u->department_id) {
        lerr q = db_query_int(db, &one, "SELECT id FROM departments WHERE id = ?1", "i", dept);
        if (q == LE_NOTFOUND) e = problem_set(p, LE_INVALID, "department_id", "The chosen department no longer exists; choose another.");
        else if (q) e = model_db_problem(p);
    }
    if (!e && role && role != u->job_role_id) {
        lerr q = db_query_int(db, &one, "SELECT id FROM job_roles WHERE id = ?1", "i", role);
        if (q == LE_NOTFOUND) e = problem_set(p, LE_INVALID, "job_role_id", "The chosen job role no longer exists; choose another.");
        else if (q) e = model_db_problem(p);
    }
    if (!e && in->manager) {
        char *m = arena_trim(a, in->manager);
        if (!*m) {
            manager = 0;
        } else {
            lerr q = db_query_int(db, &manager, "SELECT id FROM users WHERE username = ?1 AND deleted_at IS NULL", "s", m);
            if (q == LE_NOTFOUND) e = problem_set(p, LE_INVALID, "manager", "There is no user '%.100s' to be the manager.", m);
            else if (q) e = model_db_problem(p);
            else if (manager == user_id) e = problem_set(p, LE_INVALID, "manager", "A person cannot be their own manager.");
        }
        /* A loop: the new manager reports (directly or not) to this user. */
        if (!e && manager && manager != u->manager_id &&
            db_query_int(db, &one,
                         "WITH RECURSIVE up(id) AS (SELECT id FROM users WHERE id = ?1 UNION "
                         "SELECT u.manager_id FROM users u JOIN up ON u.id = up.id WHERE u.manager_id IS NOT NULL) "
                         "SELECT 1 FROM up WHERE id = ?2",
                         "ii", manager, user_id) == LE_OK)
            e = problem_set(p, LE_INVALID, "manager",
                            "'%s' reports to %s already (directly or through others), so cannot be "
                            "their manager: that would make a loop.",
                            m, u->username);
    }
    *manager_out = manager;
    return e;
}

lerr user_org_update(struct db *db, struct arena *a, int64_t user_id, const struct user_org_input *in,
                     int64_t actor_id, struct problem *p)
{
    struct user u;
    lerr e = user_get(db, a, user_id, &u, p);
    if (e) return e;
    /* Shapes first, outside the transaction. */
    const char *idnumber = u.idnumber, *institution = u.institution, *phone = u.phone, *city = u.city,
               *country = u.country, *lang = u.lang, *tz = u.timezone;
    if (in->idnumber && (e = org_check_idnumber(a, in->idnumber, &idnumber, p))) return e;
    if (in->institution && (e = org_check_text(a, in->institution, "institution", 255, &institution, p))) return e;
    if (in->phone && (e = org_check_text(a, in->phone, "phone", 50, &phone, p))) return e;
    if (in->city && (e = org_check_text(a, in->city, "city", 120, &city, p))) return e;
    if (in->country && (e = org_check_country(a, in->country, &country, p))) return e;
    if (in->lang && (e = org_check_lang(a, in->lang, &lang, p))) return e;
    if (in->timezone && (e = org_check_timezone(a, in->timezone, &tz, p))) return e;
    const char *start = NULL;
    if (in->start_date && (e = user_start_date_check(a, in->start_date, &start, p))) return e;
    struct profile_field *fields = NULL;
    int n_fields = 0;
    const char **values = NULL;
    if ((e = profile_values_asked(db, a, in, &fields, &n_fields, &values, p))) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    json_t *d = json_object();
    int64_t dept = in->department_id >= 0 ? in->department_id : u.department_id;
    int64_t role = in->job_role_id >= 0 ? in->job_role_id : u.job_role_id;
    int64_t manager = u.manager_id;
    if (!e) e = org_references_check(db, a, user_id, &u, in, idnumber, dept, role, &manager, p);
    if (!e) {
        if (!str_eq(idnumber, u.idnumber)) change(d, "idnumber", u.idnumber, idnumber);
        if (!str_eq(institution, u.institution)) change(d, "institution", u.institution, institution);
        if (!str_eq(phone, u.phone)) change(d, "phone", u.phone, phone);
        if (!str_eq(city, u.city)) change(d, "city", u.city, city);
        if (!str_eq(country, u.country)) change(d, "country", u.country, country);
        if (!str_eq(lang, u.lang)) change(d, "lang", u.lang, lang);
        if (!str_eq(tz, u.timezone)) change(d, "timezone", u.timezone, tz);
        if (dept != u.department_id) json_object_set_new(d, "department_id", json_pack("{s:I, s:I}", "from", (json_int_t)u.department_id, "to", (json_int_t)dept));
        if (role != u.job_role_id) json_object_set_new(d, "job_role_id", json_pack("{s:I, s:I}", "from", (json_int_t)u.job_role_id, "to", (json_int_t)role));
        if (manager != u.manager_id) json_object_set_new(d, "manager_id", json_pack("{s:I, s:I}", "from", (json_int_t)u.manager_id, "to", (json_int_t)manager));
    }
    if (!e && json_object_size(d) &&
        db_run(db,
               "UPDATE users SET idnumber = NULLIF(?2, ''), institution = ?3, phone = ?4, city = ?5, "
               "country = ?6, lang = ?7, timezone = ?8, department_id = NULLIF(?9, 0), job_role_id = "
               "NULLIF(?10, 0), manager_id = NULLIF(?11, 0), updated_at = ?12 WHERE id = ?1",
               "isssssssiiii", user_id, idnumber, institution, phone, city, country, lang, tz, dept, role,
               manager, time_now()))
        e = model_db_problem(p);
    for (int i = 0; !e && in->profile && i < n_fields; i++) {
        if (!values[i]) continue;
        json_object_set_new(d, arena_sprintf(a, "profile_field_%s", fields[i].shortname), json_string(values[i]));
        if (*values[i] ? db_run(db,
                                "INSERT INTO profile_values (user_id, field_id, value) VALUES (?1, ?2, ?3) "
                                "ON CONFLICT (user_id, field_id) DO UPDATE SET value = excluded.value",
                                "iis", user_id, fields[i].id, values[i])
                       : db_run(db, "DELETE FROM profile_values WHERE user_id = ?1 AND field_id = ?2", "ii",
                                user_id, fields[i].id))
            e = model_db_problem(p);
    }
    bool start_changed = false;
    if (!e && start) e = user_start_date_write(db, a, user_id, start, d, &start_changed, p);
    if (!e && json_object_size(d) &&
        audit_append(db, actor_id, "user.update", arena_sprintf(a, "user:%lld", (long long)user_id), d))
        e = model_db_problem(p);
    /* Enrolment rules follow people as they move between departments and job roles (and due
     * dates counted from the start date follow it; programmes assigned to a manager's reporting
     * line follow a new manager). */
    if (!e && (dept != u.department_id || role != u.job_role_id || manager != u.manager_id || start_changed))
        e = people_moved(db, user_id, p);
    json_decref(d);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

/* ---- Sign-in links for accounts created without a password ---- */

bool user_needs_signin_link(struct db *db, int64_t user_id)
{
    int64_t v = 0;
    return db_query_int(db, &v, "SELECT needs_signin_link FROM users WHERE id = ?1", "i", user_id) == LE_OK && v;
}

lerr user_signin_link_sent(struct db *db, int64_t user_id)
{
    return db_run(db, "UPDATE users SET needs_signin_link = 0 WHERE id = ?1", "i", user_id);
}

lerr user_list_needing_signin_link(struct db *db, struct arena *a, int limit, int64_t **ids_out,
                                   int *n_out)
{
    if (limit < 1) limit = 1;
    if (limit > 10000) limit = 10000;
    int64_t *ids = arena_alloc(a, sizeof *ids * (size_t)limit);
    struct db_stmt *st = db_query(db,
                                  "SELECT id FROM users WHERE needs_signin_link = 1 AND status = 'active' "
                                  "AND deleted_at IS NULL ORDER BY id LIMIT ?1",
                                  "i", (int64_t)limit);
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < limit) ids[n++] = db_col_int(st, 0);
    db_done(st);
    *ids_out = ids;
    *n_out = n;
    return rc == DB_DONE || rc == DB_ROW ? LE_OK : LE_DB;
}
