/* User accounts: validation, storage and administration. Every change runs in one transaction
 * with its audit entry, so a failure writes nothing and every success is in the audit log. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "internal.h"

#define NAME_MAX_CHARS 100
#define USERNAME_MAX 100
#define EMAIL_MAX 254

/* The subqueries are named: unnamed, PostgreSQL would call the last one "username" and find
 * ORDER BY username ambiguous. */
#define USER_COLS                                                                              \
    "id, username, email, first_name, last_name, status, roles, must_change_password, "        \
    "locked_until, created_at, updated_at, last_signin_at, idnumber, department_id, job_role_id, " \
    "manager_id, (SELECT d.name FROM departments d WHERE d.id = users.department_id) AS department_name, " \
    "(SELECT j.name FROM job_roles j WHERE j.id = users.job_role_id) AS job_role_name, "                  \
    "(SELECT m.username FROM users m WHERE m.id = users.manager_id) AS manager_username, "                \
    "institution, phone, city, country, lang, timezone, needs_signin_link, deleted_at"

static void user_fill(struct db_stmt *st, struct arena *a, struct user *u)
{
    memset(u, 0, sizeof *u);
    u->id = db_col_int(st, 0);
    u->username = arena_strdup(a, db_col_text(st, 1));
    u->email = arena_strdup(a, db_col_text(st, 2) ? db_col_text(st, 2) : "");
    u->first_name = arena_strdup(a, db_col_text(st, 3) ? db_col_text(st, 3) : "");
    u->last_name = arena_strdup(a, db_col_text(st, 4) ? db_col_text(st, 4) : "");
    u->status = arena_strdup(a, db_col_text(st, 5));
    u->roles = (unsigned)db_col_int(st, 6);
    u->must_change_password = db_col_int(st, 7) != 0;
    u->locked_until = db_col_int(st, 8);
    u->created_at = db_col_int(st, 9);
    u->updated_at = db_col_int(st, 10);
    u->last_signin_at = db_col_is_null(st, 11) ? 0 : db_col_int(st, 11);
    static const char *const none = "";
    const char **texts[] = {&u->idnumber, NULL, NULL, NULL, &u->department_name,
                            &u->job_role_name, &u->manager_username, &u->institution, &u->phone,
                            &u->city, &u->country, &u->lang, &u->timezone};
    for (int i = 0; i < (int)(sizeof texts / sizeof texts[0]); i++)
        if (texts[i]) *texts[i] = db_col_text(st, 12 + i) ? arena_strdup(a, db_col_text(st, 12 + i)) : none;
    u->department_id = db_col_int(st, 13);
    u->job_role_id = db_col_int(st, 14);
    u->manager_id = db_col_int(st, 15);
    u->needs_signin_link = db_col_int(st, 25) != 0;
    u->deleted_at = db_col_is_null(st, 26) ? 0 : db_col_int(st, 26);
}

/* ---- Validation ---- */

/* Usernames are stored lowercase: "Alice" and "alice" are one account. */
static lerr check_username(struct arena *a, const char *in, char **out, struct problem *p)
{
    char *u = arena_trim(a, in);
    size_t n = strlen(u);
    if (n == 0) return problem_set(p, LE_INVALID, "username", "Enter a username.");
    if (n > USERNAME_MAX)
        return problem_set(p, LE_INVALID, "username", "Use at most %d characters for the username.",
                           USERNAME_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)u[i];
        if (c >= 'A' && c <= 'Z') u[i] = (char)(c - 'A' + 'a');
        c = (unsigned char)u[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
              c == '-'))
            return problem_set(p, LE_INVALID, "username",
                               "Use only letters a-z, digits and . _ @ - in the username (no spaces "
                               "or other characters).");
    }
    *out = u;
    return LE_OK;
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return true;
    return false;
}

static lerr check_name(struct arena *a, const char *in, const char *field, const char *label,
                       char **out, struct problem *p)
{
    char *s = arena_trim(a, in);
    if (!utf8_valid(s, strlen(s)) || has_control(s))
        return problem_set(p, LE_INVALID, field, "The %s contains characters that are not allowed.",
                           label);
    if (utf8_chars(s) > NAME_MAX_CHARS)
        return problem_set(p, LE_INVALID, field, "Use at most %d characters for the %s.",
                           NAME_MAX_CHARS, label);
    *out = s;
    return LE_OK;
}

/* An email address's shape, by the rule browsers apply to <input type=email> (HTML Living
 * Standard), so the form and the server agree: atext characters, '@', and dot-separated
 * labels of letters, digits and inner hyphens ("admin@localhost" is fine). '' means none.
 * Deliverability is the mail server's business. */
static bool email_local_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr(".!#$%&'*+/=?^_`{|}~-", c));
}

static bool email_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

static bool email_shaped(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || at - s > 64) return false;
    for (const char *c = s; c < at; c++)
        if (!email_local_char(*c)) return false;
    const char *label = at + 1;
    for (;;) {
        size_t n = 0;
        while (email_label_char(label[n])) n++;
        if (n == 0 || n > 63 || label[0] == '-' || label[n - 1] == '-') return false;
        if (label[n] == '\0') return true;
        if (label[n] != '.') return false;
        label += n + 1;
    }
}

static lerr check_email(struct arena *a, const char *in, char **out, struct problem *p)
{
    char *s = arena_trim(a, in);
    *out = s;
    if (*s == '\0') return LE_OK;
    if (strlen(s) > EMAIL_MAX || !email_shaped(s))
        return problem_set(p, LE_INVALID, "email",
                           "Enter an email address like name@example.org, or leave it empty.");
    return LE_OK;
}

/* The same checks for the importer and the organisation fields (people.h). */
lerr user_check_username(struct arena *a, const char *in, char **out, struct problem *p)
{
    return check_username(a, in, out, p);
}

lerr user_check_name(struct arena *a, const char *in, const char *field, const char *label,
                     char **out, struct problem *p)
{
    return check_name(a, in, field, label, out, p);
}

bool user_email_valid(const char *email)
{
    return !*email || (strlen(email) <= EMAIL_MAX && email_shaped(email));
}

/* Validated, normalised input; NULL fields were not given. */
struct clean_input {
    char *username, *email, *first_name, *last_name;
    unsigned roles;    /* 0 = not given */
};

static lerr clean(struct arena *a, const struct user_input *in, struct clean_input *c,
                  struct problem *p)
{
    memset(c, 0, sizeof *c);
    lerr e = LE_OK;
    if (in->username && (e = check_username(a, in->username, &c->username, p))) return e;
    if (in->email && (e = check_email(a, in->email, &c->email, p))) return e;
    if (in->first_name && (e = check_name(a, in->first_name, "first_name", "first name", &c->first_name, p)))
        return e;
    if (in->last_name && (e = check_name(a, in->last_name, "last_name", "last name", &c->last_name, p)))
        return e;
    if (in->roles) {
        struct problem rp = {0};
        c->roles = role_parse_list(in->roles, &rp);
        if (!c->roles) {
            if (p) *p = rp;
            return LE_INVALID;
        }
    }
    return LE_OK;
}

static char *target_of(char buf[32], int64_t id)
{
    snprintf(buf, 32, "user:%lld", (long long)id);
    return buf;
}

static lerr taken(struct problem *p, const char *username)
{
    return problem_set(p, LE_CONFLICT, "username", "username '%s' is taken", username);
}

static lerr username_free(struct db *db, const char *username, int64_t except_id, struct problem *p)
{
    int64_t other;
    lerr e = db_query_int(db, &other, "SELECT id FROM users WHERE username = ?1", "s", username);
    if (e == LE_NOTFOUND || (e == LE_OK && other == except_id)) return LE_OK;
    if (e) return model_db_problem(p);
    return taken(p, username);
}

/* The site must keep an active administrator, or nobody could manage it from the web. */
static lerr keeps_an_admin(struct db *db, int64_t id, struct problem *p)
{
    int64_t others = 0;
    lerr e = db_query_int(db, &others,
                          "SELECT COUNT(*) FROM users WHERE status = 'active' AND id <> ?1 "
                          "AND (roles & ?2) <> 0",
                          "ii", id, (int64_t)ROLE_ADMIN);
    if (e) return model_db_problem(p);
    if (others == 0)
        return problem_set(p, LE_CONFLICT, "roles",
                           "This is the only active administrator; give another active account the "
                           "admin role first.");
    return LE_OK;
}

/* ---- Creating and reading ---- */

lerr user_create(struct db *db, struct arena *a, const struct user_input *in, const char *password,
                 bool must_change, int64_t actor_id, int64_t *id_out, char **otp, struct problem *p)
{
    if (id_out) *id_out = 0;
    if (otp) *otp = NULL;
    struct clean_input c;
    lerr e = clean(a, in, &c, p);
    if (e) return e;
    if (!c.username) return problem_set(p, LE_INVALID, "username", "Enter a username.");
    if (!c.roles) c.roles = ROLE_LEARNER;
    char generated[32];
    if (password) {
        if ((e = password_check_policy(password, c.username, p))) return e;
    } else {
        password_generate(generated, sizeof generated);
        password = generated;
        must_change = true;
    }
    /* Hash before taking the write lock: it is the slow part. */
    char hash[128];
    if (password_hash(password, hash, sizeof hash))
        return problem_set(p, LE_NOMEM, "", "The server is short of memory; try again.");

    if (db_tx_begin(db)) return model_db_problem(p);
    int64_t id = 0, now = time_now();
    e = username_free(db, c.username, -1, p);
    if (!e) {
        struct db_stmt *st = db_query(db,
                                      "INSERT INTO users (username, email, first_name, last_name, roles, "
                                      "password_hash, must_change_password, created_at, updated_at) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) RETURNING id",
                                      "ssssisii", c.username, c.email ? c.email : "",
                                      c.first_name ? c.first_name : "", c.last_name ? c.last_name : "",
                                      (int64_t)c.roles, (const char *)hash, (int64_t)must_change, now);
        int rc = db_step(st);
        if (rc == DB_ROW)
            id = db_col_int(st, 0);
        else
            e = rc == DB_CONSTRAINT ? taken(p, c.username) : model_db_problem(p);
        db_done(st);
    }
    if (!e) {
        char t[32];
        json_t *d = json_pack("{s:s, s:o, s:b}", "username", c.username, "roles", role_list_json(c.roles),
                              "must_change_password", must_change);
        if (audit_append(db, actor_id, "user.create", target_of(t, id), d)) e = model_db_problem(p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e) {
        if (id_out) *id_out = id;
        if (otp && password == generated) *otp = arena_strdup(a, generated);
    }
    sodium_memzero(generated, sizeof generated);
    sodium_memzero(hash, sizeof hash);
    return e;
}

static lerr get_where(struct db *db, struct arena *a, const char *sql, const char *types, int64_t id,
                      const char *username, struct user *out)
{
    struct db_stmt *st = username ? db_query(db, sql, types, username) : db_query(db, sql, types, id);
    int rc = db_step(st);
    if (rc == DB_ROW) user_fill(st, a, out);
    db_done(st);
    return rc == DB_ROW ? LE_OK : rc == DB_DONE ? LE_NOTFOUND : LE_DB;
}

lerr user_get(struct db *db, struct arena *a, int64_t id, struct user *out, struct problem *p)
{
    lerr e = get_where(db, a, "SELECT " USER_COLS " FROM users WHERE id = ?1", "i", id, NULL, out);
    if (e == LE_NOTFOUND) return problem_set(p, LE_NOTFOUND, "id", "There is no user with id %lld.", (long long)id);
    return e ? model_db_problem(p) : LE_OK;
}

lerr user_get_by_username(struct db *db, struct arena *a, const char *username, struct user *out,
                          struct problem *p)
{
    char *u = NULL;
    if (!username || check_username(a, username, &u, NULL))
        return problem_set(p, LE_NOTFOUND, "username", "There is no user with that username.");
    lerr e = get_where(db, a, "SELECT " USER_COLS " FROM users WHERE username = ?1", "s", 0, u, out);
    if (e == LE_NOTFOUND)
        return problem_set(p, LE_NOTFOUND, "username", "There is no user '%s'.", u);
    return e ? model_db_problem(p) : LE_OK;
}

/* ---- Listing ---- */

/* The text the users search matches a substring of. Migration 0012 indexes exactly this
 * expression (pg_trgm on PostgreSQL; the users_fts trigram table on SQLite), so keep them equal. */
#define USER_SEARCH_TEXT                                                                           \
    "lower(username || ' ' || email || ' ' || first_name || ' ' || last_name || ' ' || last_name " \
    "|| ', ' || first_name)"
#define USER_SEARCH_SCAN USER_SEARCH_TEXT " LIKE ?1 ESCAPE '\\'"
#define USER_SEARCH_FTS "id IN (SELECT rowid FROM users_fts WHERE body LIKE ?1)"
/* Matches from which a page is read in name order rather than through the trigram table:
 * sorting that many costs more than walking the name index to a page of them, even when the
 * matches bunch together in the name order (a surname) and the walk goes far. */
#define USER_SEARCH_BROAD 20000

/* The condition for a search pattern. PostgreSQL's trigram index serves the LIKE itself.
 * SQLite's trigram table serves a LIKE of at least three characters without wildcards of the
 * user's own (FTS5 has no ESCAPE); shorter or odder patterns scan, which is what they would do
 * anyway. */
static const char *user_search_where(struct db *db, const char *pattern)
{
    if (str_eq(db_engine_name(db), "postgres")) return USER_SEARCH_SCAN;
    size_t n = strlen(pattern);
    return n >= 5 && !strpbrk(pattern + 1, "\\") && pattern[n - 1] == '%' &&
                   !memchr(pattern + 1, '%', n - 2) && !memchr(pattern + 1, '_', n - 2)
               ? USER_SEARCH_FTS
               : USER_SEARCH_SCAN;
}

/* "50%_off" -> "%50\%\_off%", lowercased, so LIKE matches the text literally anywhere. */
static char *like_pattern(struct arena *a, const char *q)
{
    size_t n = strlen(q);
    if (n > 200) n = 200;
    char *out = arena_alloc(a, 2 * n + 3);
    size_t k = 0;
    out[k++] = '%';
    for (size_t i = 0; i < n; i++) {
        char c = q[i];
        if (c == '%' || c == '_' || c == '\\') out[k++] = '\\';
        out[k++] = (char)tolower((unsigned char)c);
    }
    out[k++] = '%';
    out[k] = '\0';
    return out;
}

/* Everyone, or (manager_id > 0) only the people who report to manager_id directly or through
 * others: a recursive walk down manager_id (UNION drops repeats, so even a loop ends). */
#define LINE_CTE(manager)                                                                      \
    "WITH RECURSIVE line(id) AS (SELECT id FROM users WHERE manager_id = " manager " UNION "   \
    "SELECT u.id FROM users u JOIN line ON u.manager_id = line.id) "
#define IN_LINE "id IN (SELECT id FROM line)"

static lerr list_scoped(struct db *db, struct arena *a, int64_t manager_id, const char *q, int page,
                        int per_page, struct user **out, int *n_out, int *total_out);

lerr user_list(struct db *db, struct arena *a, const char *q, int page, int per_page,
               struct user **out, int *n_out, int *total_out)
{
    return list_scoped(db, a, 0, q, page, per_page, out, n_out, total_out);
}

lerr user_list_visible(struct db *db, struct arena *a, int64_t viewer_id, unsigned viewer_roles,
                       const char *q, int page, int per_page, struct user **out, int *n_out,
                       int *total_out)
{
    if (viewer_roles & ROLE_ADMIN) return list_scoped(db, a, 0, q, page, per_page, out, n_out, total_out);
    /* A viewer with no id sees nobody: -1 matches no manager_id. */
    return list_scoped(db, a, viewer_id > 0 ? viewer_id : -1, q, page, per_page, out, n_out, total_out);
}

bool user_visible_to(struct db *db, int64_t viewer_id, unsigned viewer_roles, int64_t user_id)
{
    if (viewer_roles & ROLE_ADMIN) return true;
    if (viewer_id > 0 && viewer_id == user_id) return true;
    int64_t one = 0;
    return db_query_int(db, &one,
                        LINE_CTE("?1")
                        "SELECT 1 FROM line WHERE id = ?2",
                        "ii", viewer_id, user_id) == LE_OK;
}

lerr user_reporting_line_count(struct db *db, int64_t manager_id, int64_t *n_out)
{
    *n_out = 0;
    return db_query_int(db, n_out,
                        LINE_CTE("?1")
                        "SELECT COUNT(*) FROM line",
                        "i", manager_id) == LE_DB ? LE_DB : LE_OK;
}

static lerr list_scoped(struct db *db, struct arena *a, int64_t manager_id, const char *q, int page,
                        int per_page, struct user **out, int *n_out, int *total_out)
{
    *out = NULL;
    *n_out = 0;
    if (total_out) *total_out = 0;
    if (per_page < 1) per_page = 25;
    if (per_page > 200) per_page = 200;
    if (page < 1) page = 1;
    if (page > 1000000) page = 1000000;
    int64_t offset = (int64_t)(page - 1) * per_page;
    char *pat = NULL;
    if (q) {
        char *t = arena_trim(a, q);
        if (*t) pat = like_pattern(a, t);
    }
    int64_t total = 0;
    lerr e;
    struct db_stmt *st;
    if (manager_id) {
        const char *like = pat ? pat : "%";
        const char *where = user_search_where(db, like);
        e = db_query_int(db, &total,
                         arena_sprintf(a, LINE_CTE("?2") "SELECT COUNT(*) FROM users WHERE " IN_LINE " AND (%s)",
                                       where),
                         "si", like, manager_id);
        if (e) return LE_DB;
        st = db_query(db,
                      arena_sprintf(a,
                                    LINE_CTE("?4") "SELECT " USER_COLS " FROM users WHERE " IN_LINE
                                                   " AND (%s) ORDER BY last_name, first_name, username LIMIT ?2 "
                                                   "OFFSET ?3",
                                    where),
                      "siii", like, (int64_t)per_page, offset, manager_id);
    } else if (pat) {
        const char *where = user_search_where(db, pat);
        bool fts = str_eq(where, USER_SEARCH_FTS);
        /* The trigram table holds one row per user: counted on its own, without the join. */
        e = db_query_int(db, &total,
                         fts ? "SELECT COUNT(*) FROM users_fts WHERE body LIKE ?1"
                                                  : arena_sprintf(a, "SELECT COUNT(*) FROM users WHERE %s", where),
                         "s", pat);
        if (e) return LE_DB;
        /* A term most people match ("example.org") is found at once walking the name order;
         * through the trigram table every match would be sorted to show the first 25. */
        if (fts && total >= USER_SEARCH_BROAD) where = USER_SEARCH_SCAN;
        st = db_query(db,
                      arena_sprintf(a,
                                    "SELECT " USER_COLS " FROM users WHERE %s ORDER BY last_name, first_name, "
                                    "username LIMIT ?2 OFFSET ?3",
                                    where),
                      "sii", pat, (int64_t)per_page, offset);
    } else {
        e = db_query_int(db, &total, "SELECT COUNT(*) FROM users", "");
        if (e) return LE_DB;
        st = db_query(db,
                      "SELECT " USER_COLS " FROM users ORDER BY last_name, first_name, username LIMIT ?1 OFFSET ?2",
                      "ii", (int64_t)per_page, offset);
    }
    struct user *users = arena_alloc(a, sizeof *users * (size_t)per_page);
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < per_page) user_fill(st, a, &users[n++]);
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return LE_DB;
    *out = users;
    *n_out = n;
    if (total_out) *total_out = (int)total;
    return LE_OK;
}

/* ---- Changing ---- */

static void add_change(json_t *d, const char *field, const char *from, const char *to)
{
    json_object_set_new(d, field, json_pack("{s:s, s:s}", "from", from, "to", to));
}

lerr user_update(struct db *db, struct arena *a, int64_t id, const struct user_input *in,
                 int64_t actor_id, struct problem *p)
{
    struct clean_input c;
    lerr e = clean(a, in, &c, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    struct user u;
    json_t *changes = json_object();
    e = user_get(db, a, id, &u, p);
    if (!e && c.username && strcmp(c.username, u.username) != 0) {
        e = username_free(db, c.username, id, p);
        if (!e) add_change(changes, "username", u.username, c.username);
    }
    if (!e && c.email && strcmp(c.email, u.email) != 0) add_change(changes, "email", u.email, c.email);
    if (!e && c.first_name && strcmp(c.first_name, u.first_name) != 0)
        add_change(changes, "first_name", u.first_name, c.first_name);
    if (!e && c.last_name && strcmp(c.last_name, u.last_name) != 0)
        add_change(changes, "last_name", u.last_name, c.last_name);
    if (!e && c.roles && c.roles != u.roles) {
        if ((u.roles & ROLE_ADMIN) && !(c.roles & ROLE_ADMIN) && strcmp(u.status, "active") == 0)
            e = keeps_an_admin(db, id, p);
        if (!e)
            json_object_set_new(changes, "roles",
                                json_pack("{s:o, s:o}", "from", role_list_json(u.roles), "to",
                                          role_list_json(c.roles)));
    }
    if (!e && json_object_size(changes) > 0) {
        e = db_run(db,
                   "UPDATE users SET username = ?2, email = ?3, first_name = ?4, last_name = ?5, "
                   "roles = ?6, updated_at = ?7 WHERE id = ?1",
                   "issssii", id, c.username ? c.username : u.username, c.email ? c.email : u.email,
                   c.first_name ? c.first_name : u.first_name, c.last_name ? c.last_name : u.last_name,
                   (int64_t)(c.roles ? c.roles : u.roles), time_now());
        if (e == LE_CONFLICT)
            e = taken(p, c.username ? c.username : u.username);
        else if (e)
            e = model_db_problem(p);
        char t[32];
        if (!e && audit_append(db, actor_id, "user.update", target_of(t, id), changes))
            e = model_db_problem(p);
    }
    json_decref(changes);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

static lerr set_status(struct db *db, int64_t id, int64_t actor_id, const char *status,
                       const char *action, struct problem *p)
{
    struct arena *a = arena_new(2048);
    bool suspending = strcmp(status, "suspended") == 0;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) goto out;
    struct user u;
    e = user_get(db, a, id, &u, p);
    if (!e && strcmp(u.status, status) != 0) {
        if (suspending && (u.roles & ROLE_ADMIN)) e = keeps_an_admin(db, id, p);
        if (!e && db_run(db, "UPDATE users SET status = ?2, updated_at = ?3 WHERE id = ?1", "isi", id,
                         status, time_now()))
            e = model_db_problem(p);
        /* A suspended account's open sessions end now, not at their expiry. */
        if (!e && suspending && session_end_all(db, id)) e = model_db_problem(p);
        char t[32];
        if (!e && audit_append(db, actor_id, action, target_of(t, id), NULL)) e = model_db_problem(p);
        /* Rule enrolments end with a suspension and come back with reactivation. */
        if (!e) e = people_moved(db, id, p);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
out:
    arena_free(a);
    return e;
}

lerr user_suspend(struct db *db, int64_t id, int64_t actor_id, struct problem *p)
{
    return set_status(db, id, actor_id, "suspended", "user.suspend", p);
}

lerr user_reactivate(struct db *db, int64_t id, int64_t actor_id, struct problem *p)
{
    return set_status(db, id, actor_id, "active", "user.reactivate", p);
}

/* Clears a lock and the failure count: failures are counted only after the newest attempt. */
static lerr clear_lock(struct db *db, int64_t id)
{
    return db_run(db,
                  "UPDATE users SET locked_until = 0, updated_at = ?2, failures_reset_id = "
                  "(SELECT COALESCE(MAX(id), 0) FROM signin_attempts) WHERE id = ?1",
                  "ii", id, time_now());
}

static lerr exists(struct db *db, int64_t id, struct problem *p)
{
    int64_t one;
    lerr e = db_query_int(db, &one, "SELECT 1 FROM users WHERE id = ?1", "i", id);
    if (e == LE_NOTFOUND) return problem_set(p, LE_NOTFOUND, "id", "There is no user with id %lld.", (long long)id);
    return e ? model_db_problem(p) : LE_OK;
}

lerr user_unlock(struct db *db, int64_t id, int64_t actor_id, struct problem *p)
{
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = exists(db, id, p);
    if (!e && clear_lock(db, id)) e = model_db_problem(p);
    char t[32];
    if (!e && audit_append(db, actor_id, "user.unlock", target_of(t, id), NULL)) e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

/* Stores a new hash. An administrator's change (actor is someone else) and a reset end the
 * user's sessions; a reset also lifts a lockout, since it is how people get back in. */
static lerr store_password(struct db *db, int64_t id, const char *hash, bool must_change,
                           int64_t actor_id, const char *action, bool reset, struct problem *p)
{
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = exists(db, id, p);
    if (!e && db_run(db,
                     "UPDATE users SET password_hash = ?2, must_change_password = ?3, updated_at = ?4 "
                     "WHERE id = ?1",
                     "isii", id, hash, (int64_t)must_change, time_now()))
        e = model_db_problem(p);
    if (!e && (reset || actor_id != id) && session_end_all(db, id)) e = model_db_problem(p);
    if (!e && reset && clear_lock(db, id)) e = model_db_problem(p);
    if (!e) {
        char t[32];
        json_t *d = json_pack("{s:b}", "must_change_password", must_change);
        if (audit_append(db, actor_id, action, target_of(t, id), d)) e = model_db_problem(p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr user_set_password(struct db *db, int64_t id, const char *password, bool must_change,
                       int64_t actor_id, struct problem *p)
{
    struct arena *a = arena_new(2048);
    struct user u;
    lerr e = user_get(db, a, id, &u, p);
    if (!e) e = password_check_policy(password, u.username, p);
    char hash[128];
    if (!e && password_hash(password, hash, sizeof hash))
        e = problem_set(p, LE_NOMEM, "", "The server is short of memory; try again.");
    if (!e) e = store_password(db, id, hash, must_change, actor_id, "user.password_set", false, p);
    arena_free(a);
    return e;
}

bool user_check_password(struct db *db, int64_t id, const char *password)
{
    struct db_stmt *st = db_query(db, "SELECT password_hash FROM users WHERE id = ?1", "i", id);
    char hash[160] = "";
    if (db_step(st) == DB_ROW && db_col_text(st, 0))
        snprintf(hash, sizeof hash, "%s", db_col_text(st, 0));
    db_done(st);
    return hash[0] && password && password_verify(hash, password);
}

lerr user_reset_password(struct db *db, struct arena *a, int64_t id, int64_t actor_id, char **otp,
                         struct problem *p)
{
    if (otp) *otp = NULL;
    lerr e = exists(db, id, p);
    if (e) return e;
    char pw[32], hash[128];
    password_generate(pw, sizeof pw);
    if (password_hash(pw, hash, sizeof hash))
        return problem_set(p, LE_NOMEM, "", "The server is short of memory; try again.");
    e = store_password(db, id, hash, true, actor_id, "user.password_reset", true, p);
    if (!e && otp) *otp = arena_strdup(a, pw);
    sodium_memzero(pw, sizeof pw);
    return e;
}

/* ---- Presenting ---- */

/* String fields come from the database, which only ever receives validated UTF-8. */
static json_t *str(const char *s)
{
    json_t *j = json_string(s ? s : "");
    return j ? j : json_string("");
}

json_t *user_to_json(const struct user *u)
{
    bool locked = u->locked_until > time_now();
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(u->id));
    json_object_set_new(o, "username", str(u->username));
    json_object_set_new(o, "email", str(u->email));
    json_object_set_new(o, "first_name", str(u->first_name));
    json_object_set_new(o, "last_name", str(u->last_name));
    json_object_set_new(o, "status", str(u->status));
    json_object_set_new(o, "roles", role_list_json(u->roles));
    json_object_set_new(o, "must_change_password", json_boolean(u->must_change_password));
    json_object_set_new(o, "locked", json_boolean(locked));
    json_object_set_new(o, "locked_until", locked ? model_json_time(u->locked_until) : json_null());
    json_object_set_new(o, "created_at", model_json_time(u->created_at));
    json_object_set_new(o, "updated_at", model_json_time(u->updated_at));
    json_object_set_new(o, "last_signin_at", model_json_time(u->last_signin_at));
    /* Organisation and HR fields (docs/people.md). */
    json_object_set_new(o, "idnumber", u->idnumber && *u->idnumber ? str(u->idnumber) : json_null());
    json_object_set_new(o, "department", u->department_id ? json_pack("{s:I, s:o}", "id", (json_int_t)u->department_id, "name", str(u->department_name)) : json_null());
    json_object_set_new(o, "job_role", u->job_role_id ? json_pack("{s:I, s:o}", "id", (json_int_t)u->job_role_id, "name", str(u->job_role_name)) : json_null());
    json_object_set_new(o, "manager", u->manager_id ? json_pack("{s:I, s:o}", "id", (json_int_t)u->manager_id, "username", str(u->manager_username)) : json_null());
    json_object_set_new(o, "institution", str(u->institution));
    json_object_set_new(o, "phone", str(u->phone));
    json_object_set_new(o, "city", str(u->city));
    json_object_set_new(o, "country", str(u->country));
    json_object_set_new(o, "lang", str(u->lang));
    json_object_set_new(o, "timezone", str(u->timezone));
    json_object_set_new(o, "needs_signin_link", json_boolean(u->needs_signin_link));
    json_object_set_new(o, "deleted", json_boolean(u->deleted_at != 0));
    return o;
}

int user_count(struct db *db)
{
    int64_t n = 0;
    return db_query_int(db, &n, "SELECT COUNT(*) FROM users", "") ? -1 : (int)n;
}
