/* Courses: categories (a tree), courses with their tags and policy, the catalogue's search,
 * policy acknowledgements and enrolments. Every change runs in one transaction with its audit
 * entry; docs/courses.md describes the rules. The only engine difference is full-text search:
 * SQLite's FTS5 table or PostgreSQL's tsvector column, chosen by the engine's name. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "internal.h"

#define CATEGORY_NAME_MAX 200

static lerr audit(struct db *db, int64_t actor, const char *action, const char *target, json_t *details,
                  struct problem *p)
{
    lerr e = audit_append(db, actor, action, target, details);
    json_decref(details);
    return e ? model_db_problem(p) : LE_OK;
}

static bool is_pg(struct db *db)
{
    return str_eq(db_engine_name(db), "postgres");
}

bool course_parse_date(const char *s, int64_t *out)
{
    int y, m, d;
    char tail;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
    if (s[4] != '-' || s[7] != '-' || y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (d > max) return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    *out = (int64_t)timegm(&tm);
    return true;
}

static const char *date_str(struct arena *a, int64_t t)
{
    if (!t) return NULL;
    char iso[21];
    time_iso8601(t, iso);
    return arena_strndup(a, iso, 10);
}

/* ---- Categories ---- */

/* Writes the path of category id and of every category below it, parents first: each is its
 * parent's path, " / ", and its name (as category_list shows them). After a rename or a move. */
static lerr category_paths_refresh(struct db *db, struct arena *a, int64_t id)
{
    struct db_stmt *st = db_query(db,
                                  "WITH RECURSIVE sub (id, depth) AS (SELECT id, 0 FROM course_categories WHERE id = "
                                  "?1 UNION ALL SELECT g.id, sub.depth + 1 FROM course_categories g JOIN sub ON "
                                  "g.parent_id = sub.id WHERE sub.depth < 1000) SELECT id FROM sub ORDER BY depth",
                                  "i", id);
    size_t n = 0, cap = 16;
    int64_t *ids = arena_alloc(a, cap * sizeof *ids);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            int64_t *grown = arena_alloc(a, 2 * cap * sizeof *grown);
            memcpy(grown, ids, n * sizeof *ids);
            ids = grown, cap *= 2;
        }
        ids[n++] = db_col_int(st, 0);
    }
    db_done(st);
    if (rc != DB_DONE) return LE_DB;
    for (size_t i = 0; i < n; i++)
        if (db_run(db,
                   "UPDATE course_categories SET path = COALESCE((SELECT g.path || ' / ' FROM course_categories g "
                   "WHERE g.id = course_categories.parent_id), '') || name WHERE id = ?1",
                   "i", ids[i]))
            return LE_DB;
    return LE_OK;
}

/* Reads the rows of a category query: id, name, parent (0 at the top), path, course count. */
static lerr category_rows(struct db_stmt *st, struct arena *a, struct course_category **out, int *n_out)
{
    int cap = 16, n = 0, rc;
    struct course_category *rows = arena_alloc(a, sizeof *rows * (size_t)cap);
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            struct course_category *bigger = arena_alloc(a, sizeof *rows * (size_t)cap * 2);
            memcpy(bigger, rows, sizeof *rows * (size_t)n);
            rows = bigger;
            cap *= 2;
        }
        rows[n++] = (struct course_category){.id = db_col_int(st, 0), .name = model_col_str(a, st, 1),
                                             .parent_id = db_col_int(st, 2), .path = model_col_str(a, st, 3),
                                             .n_courses = db_col_int(st, 4)};
    }
    db_done(st);
    *out = rc == DB_DONE ? rows : NULL;
    *n_out = rc == DB_DONE ? n : 0;
    return rc == DB_DONE ? LE_OK : LE_DB;
}

lerr category_paths(struct db *db, struct arena *a, struct course_category **out, int *n_out)
{
    return category_rows(db_query(db, "SELECT id, name, COALESCE(parent_id, 0), path, 0 FROM course_categories "
                                      "ORDER BY path, id", ""),
                         a, out, n_out);
}

lerr category_list(struct db *db, struct arena *a, struct course_category **out, int *n_out)
{
    struct course_category *rows;
    int n;
    lerr e = category_rows(db_query(db,
                                    "SELECT g.id, g.name, COALESCE(g.parent_id, 0), g.path, (SELECT COUNT(*) FROM "
                                    "courses c WHERE c.category_id = g.id) FROM course_categories g ORDER BY g.name, "
                                    "g.id",
                                    ""),
                           a, &rows, &n);
    *out = NULL;
    *n_out = 0;
    if (e) return e;
    /* Tree order: a depth-first walk from the roots, siblings by name (the query's order). */
    struct course_category *sorted = arena_alloc(a, sizeof *rows * (size_t)(n ? n : 1));
    int *stack = arena_alloc(a, sizeof *stack * (size_t)(n + 1));
    bool *done = arena_alloc(a, sizeof *done * (size_t)(n + 1));
    int m = 0;
    for (int r = 0; r < n; r++) {
        if (rows[r].parent_id) continue;
        int sp = 0;
        stack[sp++] = r;
        while (sp) {
            int i = stack[--sp];
            if (done[i]) continue;
            done[i] = true;
            struct course_category c = rows[i]; /* its path is stored (category_paths_refresh) */
            c.depth = 0;
            for (int k = 0; k < m; k++)
                if (sorted[k].id == c.parent_id) c.depth = sorted[k].depth + 1;
            sorted[m++] = c;
            /* push children in reverse name order so the first pops first */
            for (int k = n - 1; k >= 0; k--)
                if (rows[k].parent_id == c.id && !done[k]) stack[sp++] = k;
        }
    }
    *out = sorted;
    *n_out = m;
    return LE_OK;
}

static lerr category_check(struct db *db, struct arena *a, int64_t id, const char *name_in, int64_t parent_id,
                           const char **name, struct problem *p)
{
    char *s = arena_trim(a, name_in ? name_in : "");
    if (!*s) return problem_set(p, LE_INVALID, "name", "Give the category a name.");
    if (utf8_chars(s) > CATEGORY_NAME_MAX)
        return problem_set(p, LE_INVALID, "name", "Use at most %d characters for the category's name.",
                           CATEGORY_NAME_MAX);
    if (strchr(s, '/'))
        return problem_set(p, LE_INVALID, "name",
                           "A category's name cannot contain '/': it separates categories in paths "
                           "such as 'Health / Fire safety'.");
    *name = s;
    if (parent_id) {
        /* The parent must exist and must not be the category or one below it (a loop). */
        int64_t at = parent_id;
        for (int steps = 0; at; steps++) {
            if (at == id || steps > 1000)
                return problem_set(p, LE_INVALID, "parent_id",
                                   "A category cannot be placed under itself or under one of its "
                                   "own sub-categories; choose another parent.");
            int64_t up = 0;
            lerr q = db_query_int(db, &up, "SELECT COALESCE(parent_id, 0) FROM course_categories WHERE id = ?1",
                                  "i", at);
            if (q == LE_NOTFOUND)
                return problem_set(p, LE_INVALID, "parent_id", "The chosen parent category no longer exists; choose another parent.");
            if (q) return model_db_problem(p);
            at = up;
        }
    }
    int64_t other;
    lerr q = db_query_int(db, &other,
                          "SELECT id FROM course_categories WHERE name = ?1 AND COALESCE(parent_id, 0) = ?2 "
                          "AND id <> ?3",
                          "sii", s, parent_id, id);
    if (q == LE_OK)
        return problem_set(p, LE_CONFLICT, "name",
                           "There is already a category '%s' at that place in the tree; choose another name.", s);
    return q == LE_NOTFOUND ? LE_OK : model_db_problem(p);
}

lerr category_create(struct db *db, const char *name, int64_t parent_id, int64_t actor_id, int64_t *id_out,
                     struct problem *p)
{
    struct arena *a = arena_new(2048);
    int64_t id = 0;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) goto out;
    const char *n = NULL;
    e = category_check(db, a, 0, name, parent_id, &n, p);
    if (!e) {
        struct db_stmt *st = db_query(db,
                                      "INSERT INTO course_categories (name, parent_id, created_at, updated_at, path) "
                                      "VALUES (?1, NULLIF(?2, 0), ?3, ?3, " CATEGORY_PATH_OF_NEW ") RETURNING id",
                                      "sii", n, parent_id, time_now());
        if (db_step(st) == DB_ROW)
            id = db_col_int(st, 0);
        else
            e = model_db_problem(p);
        db_done(st);
    }
    if (!e)
        e = audit(db, actor_id, "category.create", arena_sprintf(a, "category:%lld", (long long)id),
                  json_pack("{s:s, s:I}", "name", n, "parent_id", (json_int_t)parent_id), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
out:
    if (id_out) *id_out = e ? 0 : id;
    arena_free(a);
    return e;
}

lerr category_update(struct db *db, int64_t id, const char *name, int64_t parent_id, int64_t actor_id,
                     struct problem *p)
{
    struct arena *a = arena_new(2048);
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) goto out;
    struct db_stmt *st = db_query(db, "SELECT name, COALESCE(parent_id, 0) FROM course_categories WHERE id = ?1",
                                  "i", id);
    const char *old_name = NULL;
    int64_t old_parent = 0;
    if (db_step(st) == DB_ROW) {
        old_name = model_col_str(a, st, 0);
        old_parent = db_col_int(st, 1);
    }
    db_done(st);
    if (!old_name) e = problem_set(p, LE_NOTFOUND, "id", "This category no longer exists; open the list of categories again.");
    if (parent_id < 0) parent_id = old_parent;
    const char *n = NULL;
    if (!e) e = category_check(db, a, id, name ? name : old_name, parent_id, &n, p);
    if (!e && db_run(db, "UPDATE course_categories SET name = ?2, parent_id = NULLIF(?3, 0), updated_at = ?4 "
                         "WHERE id = ?1",
                     "isii", id, n, parent_id, time_now()))
        e = model_db_problem(p);
    if (!e && (!str_eq(n, old_name) || parent_id != old_parent) && category_paths_refresh(db, a, id))
        e = model_db_problem(p);
    if (!e)
        e = audit(db, actor_id, "category.update", arena_sprintf(a, "category:%lld", (long long)id),
                  json_pack("{s:s, s:I}", "name", n, "parent_id", (json_int_t)parent_id), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
out:
    arena_free(a);
    return e;
}

json_t *category_to_json(const struct course_category *c)
{
    return json_pack("{s:I, s:s, s:o, s:s, s:i, s:I}", "id", (json_int_t)c->id, "name", c->name, "parent_id",
                     c->parent_id ? json_integer(c->parent_id) : json_null(), "path", c->path ? c->path : c->name,
                     "depth", c->depth, "courses", (json_int_t)c->n_courses);
}

/* ---- Courses ---- */

static bool code_ok(const char *s)
{
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '_' || *s == '.')) return false;
    return true;
}

/* Tags: comma-separated, trimmed, lower-cased, unique, each 1..50 characters. */
static lerr tags_normalise(struct arena *a, const char *in, const char **out, struct problem *p)
{
    struct buf b;
    buf_init(&b, 4096);
    int n = 0;
    const char *s = in;
    lerr e = LE_OK;
    while (*s && !e) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        char *t = arena_trim(a, arena_strndup(a, s, len));
        for (char *c = t; *c; c++) *c = (char)tolower((unsigned char)*c);
        s += len + (end ? 1 : 0);
        if (!*t) continue;
        if (utf8_chars(t) > 50 || !utf8_valid(t, strlen(t))) {
            e = problem_set(p, LE_INVALID, "tags", "A tag has at most 50 characters ('%.50s...' is longer).", t);
            break;
        }
        /* skip duplicates */
        char *dup = arena_sprintf(a, ",%s,", t);
        char *have = arena_sprintf(a, ",%s,", b.data ? b.data : "");
        if (strstr(have, dup)) continue;
        if (++n > COURSE_TAGS_MAX) {
            e = problem_set(p, LE_INVALID, "tags", "A course has at most %d tags.", COURSE_TAGS_MAX);
            break;
        }
        if (b.len) buf_addc(&b, ',');
        buf_adds(&b, t);
    }
    *out = arena_strdup(a, b.data ? b.data : "");
    buf_release(&b);
    return e;
}

static lerr tags_write(struct db *db, struct arena *a, int64_t course_id, const char *list, struct problem *p)
{
    if (db_run(db, "DELETE FROM course_tags WHERE course_id = ?1", "i", course_id)) return model_db_problem(p);
    const char *s = list;
    while (*s) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        const char *t = arena_strndup(a, s, len);
        s += len + (end ? 1 : 0);
        if (db_run(db, "INSERT INTO tags (name) VALUES (?1) ON CONFLICT (name) DO NOTHING", "s", t) ||
            db_run(db, "INSERT INTO course_tags (course_id, tag_id) SELECT ?1, id FROM tags WHERE name = ?2", "is",
                   course_id, t))
            return model_db_problem(p);
    }
    return LE_OK;
}

/* Checks an input against the current values (cur; zeroed for a new course) and fills out. */
static lerr course_check(struct db *db, struct arena *a, int64_t id, const struct course_input *in,
                         const struct course *cur, struct course *out, struct problem *p)
{
    *out = *cur;
    lerr e;
    if (in->code) {
        char *c = arena_trim(a, in->code);
        if (!*c) return problem_set(p, LE_INVALID, "code", "Give the course a code, such as FIRE-101.");
        if (strlen(c) > COURSE_CODE_MAX || !code_ok(c))
            return problem_set(p, LE_INVALID, "code",
                               "A course code has at most %d letters, digits, '-', '_' or '.', such as FIRE-101.",
                               COURSE_CODE_MAX);
        out->code = c;
    }
    if (!out->code || !*out->code)
        return problem_set(p, LE_INVALID, "code", "Give the course a code, such as FIRE-101.");
    if (in->title) {
        char *t = arena_trim(a, in->title);
        if (!*t) return problem_set(p, LE_INVALID, "title", "Give the course a title.");
        if (utf8_chars(t) > COURSE_TITLE_MAX)
            return problem_set(p, LE_INVALID, "title", "Use at most %d characters for the title.", COURSE_TITLE_MAX);
        out->title = t;
    }
    if (!out->title || !*out->title) return problem_set(p, LE_INVALID, "title", "Give the course a title.");
    if (in->summary) out->summary = in->summary;
    if (!out->summary) out->summary = "";
    if (utf8_chars(out->summary) > COURSE_TEXT_MAX)
        return problem_set(p, LE_INVALID, "summary", "Use at most %d characters for the summary.", COURSE_TEXT_MAX);
    if (in->kind) out->kind = in->kind;
    if (!out->kind) out->kind = "elearning";
    if (!str_eq(out->kind, "elearning") && !str_eq(out->kind, "classroom") && !str_eq(out->kind, "blended"))
        return problem_set(p, LE_INVALID, "kind", "Choose the kind: elearning, classroom or blended.");
    if (in->status) out->status = in->status;
    if (!out->status) out->status = "draft";
    if (!str_eq(out->status, "draft") && !str_eq(out->status, "published") && !str_eq(out->status, "archived"))
        return problem_set(p, LE_INVALID, "status", "Choose the status: draft, published or archived.");
    if (in->visible >= 0) out->visible = in->visible;
    else if (!id) out->visible = true;
    if (in->self_enrol >= 0) out->self_enrol = in->self_enrol;
    if (in->self_enrol_approval >= 0) out->self_enrol_approval = in->self_enrol_approval;
    if (in->duration_minutes >= 0) out->duration_minutes = in->duration_minutes;
    if (in->start_date) {
        out->start_at = 0;
        if (*in->start_date && !course_parse_date(in->start_date, &out->start_at))
            return problem_set(p, LE_INVALID, "start_date", "Give the start date as YYYY-MM-DD, such as 2027-01-31.");
    }
    if (in->end_date) {
        out->end_at = 0;
        if (*in->end_date && !course_parse_date(in->end_date, &out->end_at))
            return problem_set(p, LE_INVALID, "end_date", "Give the end date as YYYY-MM-DD, such as 2027-03-31.");
    }
    if (out->start_at && out->end_at && out->end_at <= out->start_at)
        return problem_set(p, LE_INVALID, "end_date", "The end date must be after the start date.");
    if (in->category_id >= 0) out->category_id = in->category_id;
    if (out->category_id) {
        int64_t x;
        lerr q = db_query_int(db, &x, "SELECT id FROM course_categories WHERE id = ?1", "i", out->category_id);
        if (q == LE_NOTFOUND)
            return problem_set(p, LE_INVALID, "category_id", "The chosen category no longer exists; choose another.");
        if (q) return model_db_problem(p);
    }
    if (in->policy) {
        if (utf8_chars(in->policy) > COURSE_TEXT_MAX)
            return problem_set(p, LE_INVALID, "policy", "Use at most %d characters for the policy.", COURSE_TEXT_MAX);
        if (!str_eq(in->policy, cur->policy ? cur->policy : "")) {
            out->policy = in->policy;
            out->policy_version = *in->policy ? cur->policy_version + 1 : cur->policy_version;
        }
    }
    if (!out->policy) out->policy = "";
    if (in->tags) {
        if ((e = tags_normalise(a, in->tags, &out->tag_list, p))) return e;
    }
    if (!out->tag_list) out->tag_list = "";
    int64_t other;
    lerr q = db_query_int(db, &other, "SELECT id FROM courses WHERE code = ?1 AND id <> ?2", "si", out->code, id);
    if (q == LE_OK)
        return problem_set(p, LE_CONFLICT, "code", "Another course already has the code '%s'; choose another.",
                           out->code);
    return q == LE_NOTFOUND ? LE_OK : model_db_problem(p);
}

static json_t *course_audit_json(const struct course *c)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "code", c->code, "title", c->title, "status", c->status, "kind",
                     c->kind);
}

static lerr course_insert(struct db *db, const struct course *c, int64_t copied_from, int64_t *id_out,
                          struct problem *p)
{
    int64_t now = time_now();
    struct db_stmt *st = db_query(
        db,
        "INSERT INTO courses (code, title, summary, category_id, kind, status, visible, self_enrol, start_at, "
        "end_at, duration_minutes, tag_list, policy, policy_version, copied_from, created_at, updated_at, "
        "self_enrol_approval, cover_sha256, cover_alt) VALUES (?1, ?2, ?3, NULLIF(?4, 0), ?5, ?6, ?7, ?8, "
        "NULLIF(CAST(?9 AS BIGINT), 0), NULLIF(CAST(?10 AS BIGINT), 0), ?11, ?12, ?13, ?14, NULLIF(?15, 0), ?16, ?16, ?17, "
        "NULLIF(?18, ''), ?19) "
        "RETURNING id",
        "sssissiiiiissiiiiss", c->code, c->title, c->summary, c->category_id, c->kind, c->status, (int64_t)c->visible,
        (int64_t)c->self_enrol, c->start_at, c->end_at, (int64_t)c->duration_minutes, c->tag_list, c->policy,
        (int64_t)c->policy_version, copied_from, now, (int64_t)c->self_enrol_approval,
        c->cover_sha256 ? c->cover_sha256 : "", c->cover_alt ? c->cover_alt : "");
    int rc = db_step(st);
    if (rc == DB_ROW) *id_out = db_col_int(st, 0);
    db_done(st);
    if (rc == DB_CONSTRAINT)
        return problem_set(p, LE_CONFLICT, "code", "Another course already has the code '%s'; choose another.",
                           c->code);
    return rc == DB_ROW ? LE_OK : model_db_problem(p);
}

lerr course_create(struct db *db, struct arena *a, const struct course_input *in, int64_t actor_id,
                   int64_t *id_out, struct problem *p)
{
    int64_t id = 0;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    struct course cur = {0}, c;
    e = course_check(db, a, 0, in, &cur, &c, p);
    if (!e) e = course_insert(db, &c, 0, &id, p);
    if (!e) e = tags_write(db, a, id, c.tag_list, p);
    if (!e) e = audit(db, actor_id, "course.create", arena_sprintf(a, "course:%s", c.code), course_audit_json(&c), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (id_out) *id_out = e ? 0 : id;
    return e;
}

#define COURSE_COLS                                                                                         \
    "c.id, c.code, c.title, c.summary, COALESCE(c.category_id, 0), c.kind, c.status, c.visible, c.self_enrol, " \
    "COALESCE(c.start_at, 0), COALESCE(c.end_at, 0), c.duration_minutes, c.tag_list, c.policy, "            \
    "c.policy_version, COALESCE((SELECT o.code FROM courses o WHERE o.id = c.copied_from), ''), c.created_at, " \
    "c.updated_at, e.role, COALESCE(e.due_at, 0), COALESCE(e.completed_at, 0), "                              \
    "COALESCE((SELECT MAX(k.version) FROM policy_acks k WHERE k.course_id = c.id AND k.user_id = ?1), 0), "   \
    "c.self_enrol_approval, (SELECT COUNT(*) FROM enrolment_requests q WHERE q.course_id = c.id AND "           \
    "q.user_id = ?1 AND q.status = 'pending'), COALESCE(c.cover_sha256, ''), c.cover_alt, "                   \
    "COALESCE((SELECT g.path FROM course_categories g WHERE g.id = c.category_id), ''), c.outline_version"
#define COURSE_NCOLS 28 /* the columns of COURSE_COLS, which course_row reads */
#define COURSE_FROM " FROM courses c LEFT JOIN enrolments e ON e.course_id = c.id AND e.user_id = ?1 AND e.unenrolled_at IS NULL"

static void course_row(struct arena *a, struct db_stmt *st, struct course *c)
{
    *c = (struct course){
        .id = db_col_int(st, 0),
        .code = model_col_str(a, st, 1),
        .title = model_col_str(a, st, 2),
        .summary = model_col_str(a, st, 3),
        .category_id = db_col_int(st, 4),
        .category_path = model_col_str(a, st, 26),
        .outline_version = db_col_int(st, 27),
        .kind = model_col_str(a, st, 5),
        .status = model_col_str(a, st, 6),
        .visible = db_col_int(st, 7) != 0,
        .self_enrol = db_col_int(st, 8) != 0,
        .start_at = db_col_int(st, 9),
        .end_at = db_col_int(st, 10),
        .duration_minutes = (int)db_col_int(st, 11),
        .tag_list = model_col_str(a, st, 12),
        .policy = model_col_str(a, st, 13),
        .policy_version = (int)db_col_int(st, 14),
        .copied_from = model_col_str(a, st, 15),
        .created_at = db_col_int(st, 16),
        .updated_at = db_col_int(st, 17),
        .my_role = db_col_is_null(st, 18) ? NULL : model_col_str(a, st, 18),
        .my_due_at = db_col_int(st, 19),
        .my_completed_at = db_col_int(st, 20),
        .my_policy_version = (int)db_col_int(st, 21),
        .self_enrol_approval = db_col_int(st, 22) != 0,
        .my_request = db_col_int(st, 23) ? "pending" : NULL,
        .cover_sha256 = model_col_str(a, st, 24),
        .cover_alt = model_col_str(a, st, 25),
    };
}

lerr course_get(struct db *db, struct arena *a, const char *code, int64_t viewer_id, struct course *out,
                struct problem *p)
{
    struct db_stmt *st = db_query(db, "SELECT " COURSE_COLS COURSE_FROM " WHERE c.code = ?2", "is", viewer_id, code);
    int rc = db_step(st);
    if (rc == DB_ROW) course_row(a, st, out);
    db_done(st);
    if (rc == DB_DONE) return problem_set(p, LE_NOTFOUND, "code", "There is no course with the code '%s'.", code);
    return rc == DB_ROW ? LE_OK : model_db_problem(p);
}

static lerr course_by_id(struct db *db, struct arena *a, int64_t id, struct course *out, struct problem *p)
{
    struct db_stmt *st = db_query(db, "SELECT " COURSE_COLS COURSE_FROM " WHERE c.id = ?2", "ii", (int64_t)0, id);
    int rc = db_step(st);
    if (rc == DB_ROW) course_row(a, st, out);
    db_done(st);
    if (rc == DB_DONE) return problem_set(p, LE_NOTFOUND, "code", "This course no longer exists; open the catalogue again.");
    return rc == DB_ROW ? LE_OK : model_db_problem(p);
}

lerr course_update(struct db *db, struct arena *a, int64_t id, const struct course_input *in, int64_t actor_id,
                   struct problem *p)
{
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    struct course cur, c;
    e = course_by_id(db, a, id, &cur, p);
    if (!e) e = course_check(db, a, id, in, &cur, &c, p);
    if (!e && db_run(db,
                     "UPDATE courses SET code = ?2, title = ?3, summary = ?4, category_id = NULLIF(?5, 0), kind = ?6, "
                     "status = ?7, visible = ?8, self_enrol = ?9, start_at = NULLIF(CAST(?10 AS BIGINT), 0), "
                     "end_at = NULLIF(CAST(?11 AS BIGINT), 0), "
                     "duration_minutes = ?12, tag_list = ?13, policy = ?14, policy_version = ?15, updated_at = ?16, "
                     "self_enrol_approval = ?17 WHERE id = ?1",
                     "isssissiiiiissiii", id, c.code, c.title, c.summary, c.category_id, c.kind, c.status,
                     (int64_t)c.visible, (int64_t)c.self_enrol, c.start_at, c.end_at, (int64_t)c.duration_minutes,
                     c.tag_list, c.policy, (int64_t)c.policy_version, time_now(), (int64_t)c.self_enrol_approval))
        e = problem_set(p, LE_CONFLICT, "code", "Another course already has the code '%s'; choose another.", c.code);
    if (!e && in->tags) e = tags_write(db, a, id, c.tag_list, p);
    if (!e) e = audit(db, actor_id, "course.update", arena_sprintf(a, "course:%s", c.code), course_audit_json(&c), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

/* What domains above courses copy along with a course (course_on_copy), filled at start. */
#define COPY_HOOKS_MAX 8
static course_copy_fn copy_hooks[COPY_HOOKS_MAX];
static int n_copy_hooks;

void course_on_copy(course_copy_fn fn)
{
    if (n_copy_hooks == COPY_HOOKS_MAX) abort(); /* a programming error: raise COPY_HOOKS_MAX */
    copy_hooks[n_copy_hooks++] = fn;
}

lerr course_copy(struct db *db, struct arena *a, int64_t id, const char *new_code, const char *title,
                 int64_t actor_id, int64_t *id_out, struct problem *p)
{
    int64_t new_id = 0;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    struct course src, c;
    e = course_by_id(db, a, id, &src, p);
    if (!e) {
        struct course_input in = COURSE_INPUT_INIT;
        in.code = new_code ? new_code : "";
        in.title = title && *title ? title : arena_sprintf(a, "Copy of %s", src.title);
        in.status = "draft";
        src.policy_version = src.policy_version ? 1 : 0; /* the copy's policy starts at version 1 */
        struct course base = src;
        base.code = NULL;
        e = course_check(db, a, 0, &in, &base, &c, p);
    }
    if (!e) e = course_insert(db, &c, src.id, &new_id, p);
    if (!e) e = tags_write(db, a, new_id, c.tag_list, p);
    /* The content comes along: sections, then activities mapped to the new sections by position
     * (positions are unique within a course), then the question bank and the quizzes' settings.
     * Files are shared, being content-addressed. */
    int64_t now = time_now();
    if (!e && (db_run(db,
                      "INSERT INTO course_sections (course_id, title, position, created_at) SELECT ?1, title, "
                      "position, ?3 FROM course_sections WHERE course_id = ?2 AND deleted_at IS NULL",
                      "iii", new_id, src.id, now) ||
               db_run(db,
                      "INSERT INTO activities (course_id, section_id, kind, title, position, required, "
                      "allow_mark_done, body, url, file_sha256, file_name, created_at, updated_at) SELECT ?1, ns.id, "
                      "x.kind, x.title, x.position, x.required, x.allow_mark_done, x.body, x.url, x.file_sha256, "
                      "x.file_name, ?3, ?3 FROM activities x JOIN course_sections os ON os.id = x.section_id JOIN "
                      "course_sections ns ON ns.course_id = ?1 AND ns.position = os.position WHERE x.course_id = ?2 AND "
                      "x.deleted_at IS NULL",
                      "iii", new_id, src.id, now)))
        e = model_db_problem(p);
    for (int i = 0; !e && i < n_copy_hooks; i++) e = copy_hooks[i](db, a, src.id, new_id, p);
    if (!e)
        e = audit(db, actor_id, "course.copy", arena_sprintf(a, "course:%s", c.code),
                  json_pack("{s:s, s:s}", "from", src.code, "title", c.title), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (id_out) *id_out = e ? 0 : new_id;
    return e;
}

lerr course_archive(struct db *db, struct arena *a, int64_t id, int64_t actor_id, struct problem *p)
{
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    struct course c;
    e = course_by_id(db, a, id, &c, p);
    if (!e && db_run(db, "UPDATE courses SET status = 'archived', updated_at = ?2 WHERE id = ?1", "ii", id, time_now()))
        e = model_db_problem(p);
    if (!e) e = audit(db, actor_id, "course.archive", arena_sprintf(a, "course:%s", c.code), NULL, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr course_search(struct db *db, struct arena *a, const struct course_query *q, struct course **out, int *n_out,
                   int *total_out)
{
    bool pg = is_pg(db);
    const char *terms = model_search_terms(a, q->q, pg);
    int per_page = q->per_page > 0 ? q->per_page : 25, page = q->page > 0 ? q->page : 1;
    /* The one engine-specific fragment: how a course matches the search terms. Without terms
     * it is only "?2 = ''", so that the planner drives a search from the full-text index
     * instead of scanning every course and testing each against the matches. */
    const char *match = !*terms ? "?2 = ''"
                        : pg    ? "c.search_tsv @@ to_tsquery('simple', ?2)"
                                : "c.id IN (SELECT rowid FROM courses_fts WHERE courses_fts MATCH ?2)";
    /* The matches are found, counted and ordered on their id and title alone; only the page's
     * rows are then read whole, with the viewer's enrolment and their correlated subqueries. */
    const char *sql = arena_sprintf(
        a,
        "SELECT " COURSE_COLS ", hit.total FROM (SELECT c.id, c.title, COUNT(*) OVER () AS total" COURSE_FROM
        " WHERE %s AND (?3 = '' OR c.kind = ?3) AND (?4 = '' OR EXISTS (SELECT 1 FROM course_tags ct "
        "JOIN tags t ON t.id = ct.tag_id WHERE ct.course_id = c.id AND t.name = ?4)) AND (?5 = 0 OR c.category_id IN "
        "(WITH RECURSIVE sub(id) AS (SELECT CAST(?5 AS BIGINT) UNION ALL SELECT g.id FROM course_categories g JOIN "
        "sub ON g.parent_id = sub.id) SELECT id FROM sub)) AND (?6 = 1 OR (c.status = 'published' AND c.visible = 1) "
        "OR e.id IS NOT NULL) ORDER BY c.title, c.id LIMIT ?7 OFFSET ?8) hit JOIN courses c ON c.id = hit.id LEFT "
        "JOIN enrolments e ON e.course_id = c.id AND e.user_id = ?1 AND e.unenrolled_at IS NULL ORDER BY hit.title, "
        "hit.id",
        match);
    char *tag = arena_strdup(a, q->tag ? q->tag : "");
    for (char *c = tag; *c; c++) *c = (char)tolower((unsigned char)*c);
    struct db_stmt *st = db_query(db, sql, "isssiiii", q->viewer_id, terms, q->kind ? q->kind : "", tag,
                                  q->category_id, (int64_t)q->all, (int64_t)per_page,
                                  (int64_t)(page - 1) * per_page);
    struct course *rows = arena_alloc(a, sizeof *rows * (size_t)per_page);
    int n = 0, total = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < per_page) {
        course_row(a, st, &rows[n++]);
        total = (int)db_col_int(st, COURSE_NCOLS);
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return LE_DB;
    if (n == 0 && page > 1) {
        /* past the end: the total still matters for the pager */
        total = 0;
    }
    *out = rows;
    *n_out = n;
    *total_out = total;
    return LE_OK;
}

json_t *course_to_json(struct arena *a, const struct course *c)
{
    json_t *tags = json_array();
    if (c->tag_list && *c->tag_list) {
        const char *s = c->tag_list;
        while (*s) {
            const char *end = strchr(s, ',');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            json_array_append_new(tags, json_stringn(s, len));
            s += len + (end ? 1 : 0);
        }
    }
    char created[21], updated[21];
    time_iso8601(c->created_at, created);
    time_iso8601(c->updated_at, updated);
    json_t *j = json_object();
    jset_int(j, "id", c->id);
    jset_str(j, "code", c->code);
    jset_str(j, "title", c->title);
    jset_str(j, "summary", c->summary);
    jset_str(j, "summary_html", markdown_to_html(a, c->summary));
    jset(j, "category_id", c->category_id ? json_integer(c->category_id) : json_null());
    jset_str(j, "category", c->category_path && *c->category_path ? c->category_path : NULL);
    jset_str(j, "kind", c->kind);
    jset_str(j, "status", c->status);
    jset_bool(j, "visible", c->visible);
    jset_bool(j, "self_enrol", c->self_enrol);
    jset_str(j, "start_date", date_str(a, c->start_at));
    jset_str(j, "end_date", date_str(a, c->end_at));
    jset_int(j, "duration_minutes", c->duration_minutes);
    jset(j, "tags", tags);
    jset_str(j, "policy", c->policy);
    jset_str(j, "policy_html", markdown_to_html(a, c->policy));
    jset_int(j, "policy_version", c->policy_version);
    jset_str(j, "copied_from", c->copied_from && *c->copied_from ? c->copied_from : NULL);
    jset_str(j, "created_at", created);
    jset_str(j, "updated_at", updated);
    if (c->my_role) {
        int64_t now = time_now();
        json_object_set_new(j, "enrolment",
                            json_pack("{s:s, s:s?, s:b, s:b}", "role", c->my_role, "due", date_str(a, c->my_due_at),
                                      "overdue", c->my_due_at && !c->my_completed_at && c->my_due_at < now,
                                      "completed", c->my_completed_at != 0));
    } else {
        json_object_set_new(j, "enrolment", json_null());
    }
    json_object_set_new(j, "policy_acknowledged",
                        json_boolean(!*c->policy || c->my_policy_version >= c->policy_version));
    /* How a person who is not enrolled can join: "self" or "ask" (an administrator or an
     * instructor enrols them). */
    json_object_set_new(j, "self_enrol_approval", json_boolean(c->self_enrol_approval));
    /* The cover: its address changes with the image (v = the start of its SHA-256). */
    json_object_set_new(j, "cover",
                        c->cover_sha256 && *c->cover_sha256
                            ? json_pack("{s:s, s:s}", "href",
                                        arena_sprintf(a, "/courses/%s/cover?v=%.12s", c->code, c->cover_sha256), "alt",
                                        c->cover_alt ? c->cover_alt : "")
                            : json_null());
    /* "request": self-enrolment asks the line manager or an administrator to approve;
     * "pending": the viewer's request waits for that decision. */
    json_object_set_new(j, "enrolment_request", c->my_request ? json_string(c->my_request) : json_null());
    json_object_set_new(j, "join", c->my_role ? json_null()
                                   : json_string(c->my_request ? "pending"
                                                 : !c->self_enrol ? "ask"
                                                 : c->self_enrol_approval ? "request" : "self"));
    return j;
}

/* ---- Cover image ---- */

int64_t course_cover_max = 5 * 1024 * 1024;

lerr course_set_cover(struct db *db, struct arena *a, const char *data_dir, int64_t course_id, const char *filename,
                      const char *claimed_mime, const unsigned char *d, size_t n, const char *alt, int64_t actor_id,
                      struct problem *p)
{
    struct course c;
    lerr e = course_by_id(db, a, course_id, &c, p);
    if (e) return e;
    char *alt_t = arena_trim(a, alt ? alt : "");
    if (!*alt_t)
        return problem_set(p, LE_INVALID, "alt",
                           "Describe the cover image for people who cannot see it (alternative text).");
    if (utf8_chars(alt_t) > 255) return problem_set(p, LE_INVALID, "alt", "Use at most 255 characters for the alternative text.");
    char sha[65] = "";
    const char *mime = NULL;
    if (!d && !*c.cover_sha256) return problem_set(p, LE_INVALID, "file", "Choose an image for the cover.");
    if (d) {
        if ((int64_t)n > course_cover_max)
            return problem_set(p, LE_INVALID, "file", "A cover image may be at most %lld KiB; this one is %lld KiB.",
                               (long long)(course_cover_max / 1024), (long long)(n / 1024));
        if ((e = content_check_type(filename, claimed_mime, d, n, &mime, p))) return e;
        if (strncmp(mime, "image/", 6) != 0)
            return problem_set(p, LE_INVALID, "file", "A cover must be an image: PNG, JPEG, GIF or WebP.");
    }
    if (db_tx_begin(db)) return model_db_problem(p);
    if (d) e = content_store_file(db, data_dir, d, n, mime, sha, p);
    if (!e && db_run(db,
                     "UPDATE courses SET cover_sha256 = COALESCE(NULLIF(?2, ''), cover_sha256), cover_alt = ?3, "
                     "updated_at = ?4 WHERE id = ?1",
                     "issi", course_id, (const char *)sha, alt_t, time_now()))
        e = model_db_problem(p);
    if (!e)
        e = audit(db, actor_id, "course.cover", arena_sprintf(a, "course:%s", c.code),
                  json_pack("{s:s, s:s}", "sha256", *sha ? sha : c.cover_sha256, "alt", alt_t), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr course_remove_cover(struct db *db, struct arena *a, int64_t course_id, int64_t actor_id, struct problem *p)
{
    struct course c;
    lerr e = course_by_id(db, a, course_id, &c, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    if (db_run(db, "UPDATE courses SET cover_sha256 = NULL, cover_alt = '', updated_at = ?2 WHERE id = ?1", "ii",
               course_id, time_now()))
        e = model_db_problem(p);
    if (!e) e = audit(db, actor_id, "course.cover_remove", arena_sprintf(a, "course:%s", c.code), NULL, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

/* ---- Policy acknowledgements ---- */

lerr policy_acknowledge(struct db *db, int64_t course_id, int64_t user_id, struct problem *p)
{
    struct arena *a = arena_new(1024);
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) goto out;
    struct course c;
    e = course_by_id(db, a, course_id, &c, p);
    if (!e && !*c.policy) e = problem_set(p, LE_CONFLICT, "policy", "This course has no policy to acknowledge.");
    if (!e && db_run(db,
                     "INSERT INTO policy_acks (course_id, user_id, version, acknowledged_at) VALUES (?1, ?2, ?3, ?4) "
                     "ON CONFLICT (course_id, user_id, version) DO NOTHING",
                     "iiii", course_id, user_id, (int64_t)c.policy_version, time_now()))
        e = model_db_problem(p);
    if (!e)
        e = audit(db, user_id, "course.policy_ack", arena_sprintf(a, "course:%s", c.code),
                  json_pack("{s:i}", "version", c.policy_version), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
out:
    arena_free(a);
    return e;
}

/* ---- Enrolments ---- */

bool course_teaches(struct db *db, int64_t course_id, int64_t user_id)
{
    int64_t x;
    return db_query_int(db, &x,
                        "SELECT id FROM enrolments WHERE course_id = ?1 AND user_id = ?2 AND role = 'instructor' AND "
                        "unenrolled_at IS NULL",
                        "ii", course_id, user_id) == LE_OK;
}

static lerr may_enrol(struct db *db, int64_t course_id, int64_t actor_id, unsigned actor_roles, struct problem *p)
{
    if (actor_roles & ROLE_ADMIN) return LE_OK;
    if ((actor_roles & ROLE_INSTRUCTOR) && course_teaches(db, course_id, actor_id)) return LE_OK;
    return problem_set(p, LE_FORBIDDEN, "", "Only administrators and the course's instructors can change its enrolments.");
}

lerr enrol_user(struct db *db, struct arena *a, int64_t course_id, const char *username, const char *role,
                const char *due, int64_t actor_id, unsigned actor_roles, int64_t *id_out, struct problem *p)
{
    int64_t id = 0;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    struct course c;
    struct user u;
    e = course_by_id(db, a, course_id, &c, p);
    if (!e) e = may_enrol(db, course_id, actor_id, actor_roles, p);
    if (!e && user_get_by_username(db, a, username ? username : "", &u, p))
        e = problem_set(p, LE_INVALID, "username", "There is no user '%s'.", username ? username : "");
    if (!e && !role) role = "learner";
    if (!e && !str_eq(role, "learner") && !str_eq(role, "instructor"))
        e = problem_set(p, LE_INVALID, "role", "Choose the course role: learner or instructor.");
    int64_t due_at = 0;
    if (!e && due && *due) {
        if (!course_parse_date(due, &due_at))
            e = problem_set(p, LE_INVALID, "due", "Give the due date as YYYY-MM-DD, such as 2027-01-31.");
        else if (c.start_at && due_at < c.start_at)
            e = problem_set(p, LE_INVALID, "due", "The due date cannot be before the course starts (%s).",
                            date_str(a, c.start_at));
    }
    if (!e && !str_eq(c.status, "published") && !str_eq(c.status, "draft"))
        e = problem_set(p, LE_CONFLICT, "code", "The course '%s' is archived; nobody can be enrolled in it.", c.code);
    if (!e) {
        int64_t x;
        lerr q = enrolment_live_id(db, course_id, u.id, &x);
        if (q == LE_OK)
            e = problem_set(p, LE_CONFLICT, "username", "'%s' is already enrolled in %s.", u.username, c.code);
        else if (q != LE_NOTFOUND)
            e = model_db_problem(p);
    }
    if (!e) {
        struct db_stmt *st = db_query(db,
                                      "INSERT INTO enrolments (course_id, user_id, role, source, due_at, enrolled_at, "
                                      "enrolled_by) VALUES (?1, ?2, ?3, 'manual', NULLIF(CAST(?4 AS BIGINT), 0), ?5, ?6) RETURNING id",
                                      "iisiii", course_id, u.id, role, due_at, time_now(), actor_id);
        if (db_step(st) == DB_ROW)
            id = db_col_int(st, 0);
        else
            e = model_db_problem(p);
        db_done(st);
    }
    if (!e)
        e = audit(db, actor_id, "enrolment.create", arena_sprintf(a, "course:%s", c.code),
                  json_pack("{s:s, s:s, s:s?}", "username", u.username, "role", role, "due", due_at ? due : NULL), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (id_out) *id_out = e ? 0 : id;
    return e;
}

lerr enrol_users(struct db *db, struct arena *a, int64_t course_id, const char *usernames, const char *role,
                 const char *due, int64_t actor_id, unsigned actor_roles, int *n_out, struct problem *p)
{
    int n = 0;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    const char *s = usernames ? usernames : "";
    while (!e && *s) {
        while (*s && strchr(" ,;\t\r\n", *s)) s++;
        size_t len = strcspn(s, " ,;\t\r\n");
        if (!len) break;
        char *name = arena_strndup(a, s, len);
        for (char *c = name; *c; c++) *c = (char)tolower((unsigned char)*c);
        s += len;
        int64_t id;
        e = enrol_user(db, a, course_id, name, role, due, actor_id, actor_roles, &id, p);
        if (!e) n++;
    }
    if (!e && !n) e = problem_set(p, LE_INVALID, "username", "Give at least one username to enrol.");
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (n_out) *n_out = e ? 0 : n;
    return e;
}

/* What domains above courses do when an enrolment ends (enrolment_on_end), filled at start. */
#define END_HOOKS_MAX 8
static enrolment_end_fn end_hooks[END_HOOKS_MAX];
static int n_end_hooks;

void enrolment_on_end(enrolment_end_fn fn)
{
    if (n_end_hooks == END_HOOKS_MAX) abort(); /* a programming error: raise END_HOOKS_MAX */
    end_hooks[n_end_hooks++] = fn;
}

/* Tells the registered domains that user_id's enrolment in course_id ended, inside the
 * transaction that ended it. */
lerr enrolment_ended(struct db *db, int64_t course_id, int64_t user_id, struct problem *p)
{
    lerr e = LE_OK;
    for (int i = 0; i < n_end_hooks && !e; i++) e = end_hooks[i](db, course_id, user_id, p);
    return e;
}

lerr enrol_end(struct db *db, int64_t course_id, const char *username, int64_t actor_id, unsigned actor_roles,
               struct problem *p)
{
    struct arena *a = arena_new(2048);
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) goto out;
    struct course c;
    struct user u;
    e = course_by_id(db, a, course_id, &c, p);
    if (!e) e = may_enrol(db, course_id, actor_id, actor_roles, p);
    if (!e && user_get_by_username(db, a, username ? username : "", &u, p))
        e = problem_set(p, LE_NOTFOUND, "username", "There is no user '%s'.", username ? username : "");
    int64_t eid = 0;
    if (!e) {
        lerr q = enrolment_live_id(db, course_id, u.id, &eid);
        if (q == LE_NOTFOUND)
            e = problem_set(p, LE_NOTFOUND, "username", "'%s' is not enrolled in %s.", u.username, c.code);
        else if (q)
            e = model_db_problem(p);
    }
    if (!e && db_run(db, "UPDATE enrolments SET unenrolled_at = ?2 WHERE id = ?1", "ii", eid, time_now()))
        e = model_db_problem(p);
    if (!e) e = enrolment_ended(db, course_id, u.id, p);
    if (!e)
        e = audit(db, actor_id, "enrolment.end", arena_sprintf(a, "course:%s", c.code),
                  json_pack("{s:s}", "username", u.username), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
out:
    arena_free(a);
    return e;
}

/* Which people a course's rules match: a department rule covers its whole subtree. Shared by
 * the two statements of enrol_rules_sync; "u" is the person and "r" the rule. */
#define RULE_SUBTREE                                                                                   \
    "WITH RECURSIVE sub(rule_id, dept_id) AS (SELECT r.id, r.department_id FROM enrolment_rules r WHERE " \
    "r.kind = 'department' UNION ALL SELECT sub.rule_id, d.id FROM departments d JOIN sub ON d.parent_id = " \
    "sub.dept_id) "
#define RULE_MATCHES                                                                                    \
    "u.status = 'active' AND u.deleted_at IS NULL AND (r.kind = 'everyone' OR (r.kind = 'job_role' AND "  \
    "u.job_role_id = r.job_role_id) OR (r.kind = 'department' AND u.department_id IN (SELECT dept_id FROM " \
    "sub WHERE sub.rule_id = r.id)))"

static lerr count_rows(struct db *db, const char *sql, int64_t course_id, int64_t user_id, int64_t *n)
{
    struct db_stmt *st = db_query(db, sql, "iii", course_id, user_id, time_now());
    int rc;
    *n = 0;
    while ((rc = db_step(st)) == DB_ROW) (*n)++;
    db_done(st);
    return rc == DB_DONE ? LE_OK : LE_DB;
}

/* Ends the rule enrolments whose rules no longer match their person, and tells the domains
 * above (enrolment_ended) of each. */
static lerr end_unmatched(struct db *db, int64_t course_id, int64_t user_id, int64_t *n_end, struct problem *p)
{
    struct db_stmt *st = db_query(
        db,
        RULE_SUBTREE "UPDATE enrolments SET unenrolled_at = CAST(?3 AS BIGINT) WHERE source = 'rule' AND "
        "unenrolled_at IS NULL AND (?1 = 0 OR course_id = ?1) AND (?2 = 0 OR user_id = ?2) AND NOT EXISTS "
        "(SELECT 1 FROM enrolment_rules r JOIN users u ON u.id = enrolments.user_id WHERE r.course_id = "
        "enrolments.course_id AND " RULE_MATCHES ") RETURNING course_id, user_id",
        "iii", course_id, user_id, time_now());
    struct buf ended; /* pairs of int64_t: course, person */
    buf_init(&ended, (size_t)1 << 28);
    int rc;
    lerr e = LE_OK;
    *n_end = 0;
    while (!e && (rc = db_step(st)) == DB_ROW) {
        int64_t pair[2] = {db_col_int(st, 0), db_col_int(st, 1)};
        e = buf_add(&ended, (const char *)pair, sizeof pair);
        (*n_end)++;
    }
    db_done(st);
    if (!e && rc != DB_DONE) e = LE_DB;
    const int64_t *pairs = (const int64_t *)ended.data;
    for (int64_t i = 0; i < *n_end && !e; i++) e = enrolment_ended(db, pairs[2 * i], pairs[2 * i + 1], p);
    buf_release(&ended);
    return e;
}

lerr enrol_rules_sync(struct db *db, int64_t course_id, int64_t user_id, int64_t *added, int64_t *ended,
                      struct problem *p)
{
    int64_t n_add = 0, n_end = 0;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    if (count_rows(db,
                   "INSERT INTO enrolments (course_id, user_id, role, source, due_at, enrolled_at, enrolled_by) "
                   RULE_SUBTREE "SELECT r.course_id, u.id, 'learner', 'rule', CASE WHEN MAX(r.due_days) > 0 THEN "
                   "CAST(?3 AS BIGINT) + MAX(r.due_days) * 86400 END, CAST(?3 AS BIGINT), 0 FROM enrolment_rules r "
                   "JOIN courses c ON c.id = r.course_id AND c.status <> 'archived' JOIN users u ON " RULE_MATCHES
                   " WHERE (?1 = 0 OR r.course_id = ?1) AND (?2 = 0 OR u.id = ?2) AND NOT EXISTS (SELECT 1 FROM "
                   "enrolments e WHERE e.course_id = r.course_id AND e.user_id = u.id AND e.unenrolled_at IS NULL) "
                   "GROUP BY r.course_id, u.id RETURNING id",
                   course_id, user_id, &n_add) ||
        end_unmatched(db, course_id, user_id, &n_end, p))
        e = p->code ? p->code : model_db_problem(p);
    if (!e && (n_add || n_end)) {
        json_t *d = json_pack("{s:I, s:I, s:I, s:I}", "course_id", (json_int_t)course_id, "user_id",
                              (json_int_t)user_id, "added", (json_int_t)n_add, "ended", (json_int_t)n_end);
        if (audit_append(db, 0, "enrolment.rules_sync", "enrolments", d)) e = model_db_problem(p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (added) *added = e ? 0 : n_add;
    if (ended) *ended = e ? 0 : n_end;
    return e;
}

lerr enrol_rule_create(struct db *db, struct arena *a, int64_t course_id, const char *kind, int64_t department_id,
                       int64_t job_role_id, int due_days, int64_t actor_id, int64_t *id_out, struct problem *p)
{
    int64_t id = 0, x;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    struct course c;
    e = course_by_id(db, a, course_id, &c, p);
    if (!e && !str_eq(kind, "department") && !str_eq(kind, "job_role") && !str_eq(kind, "everyone"))
        e = problem_set(p, LE_INVALID, "kind", "Choose the rule: department (with its sub-departments), job_role or everyone.");
    if (!e && str_eq(kind, "department") &&
        db_query_int(db, &x, "SELECT id FROM departments WHERE id = ?1", "i", department_id))
        e = problem_set(p, LE_INVALID, "department_id", "%s",
                         department_id ? "The chosen department no longer exists; choose another."
                                       : "Choose the department whose people the rule enrols.");
    if (!e && str_eq(kind, "job_role") && db_query_int(db, &x, "SELECT id FROM job_roles WHERE id = ?1", "i", job_role_id))
        e = problem_set(p, LE_INVALID, "job_role_id", "%s",
                         job_role_id ? "The chosen job role no longer exists; choose another."
                                     : "Choose the job role whose people the rule enrols.");
    if (!e && (due_days < 0 || due_days > 3650))
        e = problem_set(p, LE_INVALID, "due_days", "Give the days until due as 0 (none) to 3650.");
    if (!e && str_eq(c.status, "archived"))
        e = problem_set(p, LE_CONFLICT, "code", "The course '%s' is archived; nobody can be enrolled in it.", c.code);
    if (!e) {
        struct db_stmt *st = db_query(db,
                                      "INSERT INTO enrolment_rules (course_id, kind, department_id, job_role_id, due_days, "
                                      "created_at, created_by) VALUES (?1, ?2, NULLIF(?3, 0), NULLIF(?4, 0), ?5, ?6, ?7) "
                                      "RETURNING id",
                                      "isiiiii", course_id, kind, str_eq(kind, "department") ? department_id : 0,
                                      str_eq(kind, "job_role") ? job_role_id : 0, (int64_t)due_days, time_now(), actor_id);
        if (db_step(st) == DB_ROW)
            id = db_col_int(st, 0);
        else
            e = model_db_problem(p);
        db_done(st);
    }
    if (!e)
        e = audit(db, actor_id, "enrolment_rule.create", arena_sprintf(a, "course:%s", c.code),
                  json_pack("{s:s, s:I, s:I}", "kind", kind, "department_id", (json_int_t)department_id, "job_role_id",
                            (json_int_t)job_role_id),
                  p);
    if (!e) e = enrol_rules_sync(db, course_id, 0, NULL, NULL, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (id_out) *id_out = e ? 0 : id;
    return e;
}

lerr enrol_rule_delete(struct db *db, struct arena *a, int64_t course_id, int64_t rule_id, int64_t actor_id,
                       struct problem *p)
{
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    int64_t x;
    lerr q = db_query_int(db, &x, "SELECT id FROM enrolment_rules WHERE id = ?1 AND course_id = ?2", "ii", rule_id,
                          course_id);
    if (q == LE_NOTFOUND)
        e = problem_set(p, LE_NOTFOUND, "id", "This enrolment rule no longer exists; open the course page again.");
    else if (q)
        e = model_db_problem(p);
    if (!e && db_run(db, "DELETE FROM enrolment_rules WHERE id = ?1", "i", rule_id)) e = model_db_problem(p);
    if (!e)
        e = audit(db, actor_id, "enrolment_rule.delete", arena_sprintf(a, "course:%lld", (long long)course_id),
                  json_pack("{s:I}", "rule_id", (json_int_t)rule_id), p);
    if (!e) e = enrol_rules_sync(db, course_id, 0, NULL, NULL, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

json_t *enrol_rules_json(struct db *db, int64_t course_id)
{
    json_t *arr = json_array();
    struct db_stmt *st = db_query(db,
                                  "SELECT r.id, r.kind, COALESCE(r.department_id, 0), COALESCE(d.name, ''), "
                                  "COALESCE(r.job_role_id, 0), COALESCE(j.name, ''), r.due_days FROM enrolment_rules r "
                                  "LEFT JOIN departments d ON d.id = r.department_id LEFT JOIN job_roles j ON j.id = "
                                  "r.job_role_id WHERE r.course_id = ?1 ORDER BY r.id",
                                  "i", course_id);
    while (db_step(st) == DB_ROW) {
        const char *kind = db_col_text(st, 1);
        json_t *j = json_pack("{s:I, s:s, s:i}", "id", (json_int_t)db_col_int(st, 0), "kind", kind, "due_days",
                              (int)db_col_int(st, 6));
        if (str_eq(kind, "department"))
            json_object_set_new(j, "department", json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, 2), "name",
                                                           db_col_text(st, 3)));
        if (str_eq(kind, "job_role"))
            json_object_set_new(j, "job_role", json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, 4), "name",
                                                         db_col_text(st, 5)));
        json_array_append_new(arr, j);
    }
    db_done(st);
    return arr;
}

lerr enrol_self(struct db *db, struct arena *a, int64_t course_id, int64_t user_id, int64_t *request_out,
                struct problem *p)
{
    int64_t request_id = 0;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    struct course c;
    int64_t x;
    e = course_by_id(db, a, course_id, &c, p);
    if (!e && !(c.self_enrol && c.visible && str_eq(c.status, "published")))
        e = problem_set(p, LE_FORBIDDEN, "code",
                        "You cannot enrol yourself in %s; ask your training administrator or its instructor.", c.code);
    if (!e) {
        lerr q = enrolment_live_id(db, course_id, user_id, &x);
        if (q == LE_OK)
            e = problem_set(p, LE_CONFLICT, "code", "You are already enrolled in %s.", c.code);
        else if (q != LE_NOTFOUND)
            e = model_db_problem(p);
    }
    if (!e && c.self_enrol_approval) {
        /* A request for the line manager or an administrator to decide. */
        lerr q = db_query_int(db, &x,
                              "SELECT id FROM enrolment_requests WHERE course_id = ?1 AND user_id = ?2 AND status = "
                              "'pending'",
                              "ii", course_id, user_id);
        if (q == LE_OK)
            e = problem_set(p, LE_CONFLICT, "code",
                            "You have already asked to join %s; your request waits for approval.", c.code);
        else if (q != LE_NOTFOUND)
            e = model_db_problem(p);
        if (!e) {
            struct db_stmt *st = db_query(db,
                                          "INSERT INTO enrolment_requests (course_id, user_id, status, requested_at) "
                                          "VALUES (?1, ?2, 'pending', ?3) RETURNING id",
                                          "iii", course_id, user_id, time_now());
            if (db_step(st) == DB_ROW)
                request_id = db_col_int(st, 0);
            else
                e = model_db_problem(p);
            db_done(st);
        }
        if (!e)
            e = audit(db, user_id, "enrolment.request", arena_sprintf(a, "course:%s", c.code),
                      json_pack("{s:I}", "request_id", (json_int_t)request_id), p);
    } else if (!e) {
        if (db_run(db,
                   "INSERT INTO enrolments (course_id, user_id, role, source, enrolled_at, enrolled_by) VALUES (?1, "
                   "?2, 'learner', 'self', ?3, ?2)",
                   "iii", course_id, user_id, time_now()))
            e = model_db_problem(p);
        if (!e) e = audit(db, user_id, "enrolment.self", arena_sprintf(a, "course:%s", c.code), NULL, p);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (request_out) *request_out = e ? 0 : request_id;
    return e;
}

lerr enrol_request_decide(struct db *db, struct arena *a, int64_t request_id, bool approve, const char *reason,
                          int64_t actor_id, unsigned actor_roles, struct problem *p)
{
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    int64_t course_id = 0, user_id = 0;
    const char *status = NULL, *username = "";
    struct db_stmt *st = db_query(db,
                                  "SELECT q.course_id, q.user_id, q.status, u.username FROM enrolment_requests q JOIN "
                                  "users u ON u.id = q.user_id WHERE q.id = ?1",
                                  "i", request_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        course_id = db_col_int(st, 0);
        user_id = db_col_int(st, 1);
        status = model_col_str(a, st, 2);
        username = model_col_str(a, st, 3);
    }
    db_done(st);
    if (rc == DB_DONE)
        e = problem_set(p, LE_NOTFOUND, "id", "This enrolment request no longer exists; it may have been decided already.");
    else if (rc != DB_ROW)
        e = model_db_problem(p);
    /* Administrators decide any request; a manager those of people in their reporting line
     * (direct or indirect reports), never their own. */
    if (!e && !(actor_roles & ROLE_ADMIN) && (actor_id == user_id || !user_visible_to(db, actor_id, actor_roles, user_id)))
        e = problem_set(p, LE_FORBIDDEN, "id",
                        "Only %s's line manager or an administrator can decide this request.", username);
    if (!e && !str_eq(status, "pending"))
        e = problem_set(p, LE_CONFLICT, "id", "This request was already %s.", status);
    struct course c;
    if (!e) e = course_by_id(db, a, course_id, &c, p);
    if (!e && approve) {
        int64_t x;
        if (str_eq(c.status, "archived"))
            e = problem_set(p, LE_CONFLICT, "code", "The course '%s' is archived; nobody can be enrolled in it.", c.code);
        lerr q = e ? LE_OK
                   : db_query_int(db, &x,
                                  "SELECT id FROM enrolments WHERE course_id = ?1 AND user_id = ?2 AND unenrolled_at IS "
                                  "NULL",
                                  "ii", course_id, user_id);
        /* Enrolled meanwhile (by hand or a rule): the approval stands and nothing more is written. */
        if (!e && q == LE_NOTFOUND &&
            db_run(db,
                   "INSERT INTO enrolments (course_id, user_id, role, source, enrolled_at, enrolled_by) VALUES (?1, "
                   "?2, 'learner', 'self', ?3, ?4)",
                   "iiii", course_id, user_id, time_now(), actor_id))
            e = model_db_problem(p);
        else if (!e && q != LE_OK && q != LE_NOTFOUND)
            e = model_db_problem(p);
    }
    if (!e && db_run(db,
                     "UPDATE enrolment_requests SET status = ?2, decided_at = ?3, decided_by = ?4, reason = ?5 WHERE "
                     "id = ?1",
                     "isiis", request_id, approve ? "approved" : "declined", time_now(), actor_id,
                     reason ? reason : ""))
        e = model_db_problem(p);
    if (!e)
        e = audit(db, actor_id, approve ? "enrolment.approve" : "enrolment.decline",
                  arena_sprintf(a, "course:%s", c.code),
                  json_pack("{s:s, s:I, s:s}", "username", username, "request_id", (json_int_t)request_id, "reason",
                            reason ? reason : ""),
                  p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

json_t *enrol_requests_json(struct db *db, struct arena *a, int64_t viewer_id, unsigned viewer_roles,
                            const char *status, int64_t course_id)
{
    json_t *arr = json_array();
    struct db_stmt *st = db_query(
        db,
        "WITH RECURSIVE line(id) AS (SELECT id FROM users WHERE manager_id = ?1 UNION SELECT u.id FROM users u JOIN "
        "line ON u.manager_id = line.id) SELECT q.id, c.code, c.title, u.username, u.first_name, u.last_name, "
        "q.status, q.requested_at, COALESCE(q.decided_at, 0), q.reason FROM enrolment_requests q JOIN courses c ON "
        "c.id = q.course_id JOIN users u ON u.id = q.user_id WHERE (?2 = 1 OR (q.user_id <> ?1 AND q.user_id IN "
        "(SELECT id FROM line))) AND (?3 = '' OR q.status = ?3) AND (?4 = 0 OR q.course_id = ?4) ORDER BY "
        "q.requested_at, q.id LIMIT 500",
        "iisi", viewer_id > 0 ? viewer_id : -1, (int64_t)((viewer_roles & ROLE_ADMIN) != 0), status ? status : "",
        course_id);
    while (db_step(st) == DB_ROW) {
        char req_iso[21], dec_iso[21];
        int64_t decided = db_col_int(st, 8);
        time_iso8601(db_col_int(st, 7), req_iso);
        if (decided) time_iso8601(decided, dec_iso);
        const char *st_s = model_col_str(a, st, 6);
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:b}", "id",
                           (json_int_t)db_col_int(st, 0), "course", model_col_str(a, st, 1), "course_title",
                           model_col_str(a, st, 2), "username", model_col_str(a, st, 3), "first_name", model_col_str(a, st, 4),
                           "last_name", model_col_str(a, st, 5), "status", st_s, "requested_at", req_iso, "decided_at",
                           decided ? dec_iso : NULL, "reason", model_col_str(a, st, 9), "pending",
                           str_eq(st_s, "pending")));
    }
    db_done(st);
    return arr;
}

json_t *course_learners_json(struct db *db, struct arena *a, int64_t course_id, const char *q, const char *state)
{
    json_t *arr = json_array();
    char *like = arena_sprintf(a, "%%%s%%", q ? q : "");
    for (char *c = like; *c; c++) {
        *c = (char)tolower((unsigned char)*c);
        if ((*c == '%' || *c == '_') && c != like && c[1]) *c = ' ';
    }
    struct db_stmt *st = db_query(
        db,
        "SELECT u.username, u.first_name, u.last_name, e.role, COALESCE(e.due_at, 0), COALESCE(e.completed_at, 0), "
        "e.enrolled_at, COALESCE(e.last_access_at, 0), e.source, (SELECT COUNT(*) FROM activities x WHERE x.course_id "
        "= ?1 AND x.required = 1 AND x.deleted_at IS NULL), (SELECT COUNT(*) FROM activities x JOIN activity_progress g "
        "ON g.activity_id = x.id AND x.deleted_at IS NULL "
        "AND g.user_id = e.user_id WHERE x.course_id = ?1 AND x.required = 1) FROM enrolments e JOIN users u ON u.id = "
        "e.user_id WHERE e.course_id = ?1 AND e.unenrolled_at IS NULL AND (lower(u.username) LIKE ?2 OR "
        "lower(u.first_name || ' ' || u.last_name) LIKE ?2) AND (?3 = '' OR (?3 = 'completed' AND e.completed_at IS "
        "NOT NULL) OR (?3 = 'overdue' AND e.completed_at IS NULL AND e.due_at < ?4) OR (?3 = 'in_progress' AND "
        "e.completed_at IS NULL)) ORDER BY u.last_name, u.first_name, u.username LIMIT 5000",
        "issi", course_id, like, state ? state : "", time_now());
    int64_t now = time_now();
    while (db_step(st) == DB_ROW) {
        int64_t due = db_col_int(st, 4), done = db_col_int(st, 5), last = db_col_int(st, 7);
        int64_t req = db_col_int(st, 9), req_done = db_col_int(st, 10);
        char enrolled[21], last_iso[21], done_iso[21];
        time_iso8601(db_col_int(st, 6), enrolled);
        if (last) time_iso8601(last, last_iso);
        if (done) time_iso8601(done, done_iso);
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:b, s:b, s:s?, s:s, s:s?, s:s, s:i, s:I}", "username",
                           model_col_str(a, st, 0), "first_name", model_col_str(a, st, 1), "last_name", model_col_str(a, st, 2), "role",
                           model_col_str(a, st, 3), "due", date_str(a, due), "overdue", due && !done && due < now, "completed",
                           done != 0, "completed_at", done ? done_iso : NULL, "enrolled_at", enrolled, "last_access_at",
                           last ? last_iso : NULL, "source", model_col_str(a, st, 8), "percent",
                           req ? (int)(req_done * 100 / req) : 0, "required_done", (json_int_t)req_done));
    }
    db_done(st);
    return arr;
}

json_t *course_enrolments_json(struct db *db, struct arena *a, int64_t course_id)
{
    return course_learners_json(db, a, course_id, NULL, NULL);
}

/* Placeholders per statement stay well under the PostgreSQL engine's ?99. */
#define LIVE_AMONG_CHUNK 50

lerr enrolments_live_among(struct db *db, int64_t course_id, const int64_t *user_ids, int n, bool *live)
{
    for (int i = 0; i < n; i++) live[i] = false;
    for (int start = 0; start < n; start += LIVE_AMONG_CHUNK) {
        int m = n - start < LIVE_AMONG_CHUNK ? n - start : LIVE_AMONG_CHUNK;
        char sql[1024];
        int len = snprintf(sql, sizeof sql,
                           "SELECT user_id FROM enrolments WHERE course_id = ?1 AND unenrolled_at IS NULL "
                           "AND user_id IN (");
        for (int k = 0; k < m; k++) len += snprintf(sql + len, sizeof sql - (size_t)len, "%s?%d", k ? ", " : "", k + 2);
        snprintf(sql + len, sizeof sql - (size_t)len, ")");
        struct db_stmt *st = db_prepare(db, sql);
        if (!st) return LE_DB;
        db_bind_int(st, 1, course_id);
        for (int k = 0; k < m; k++) db_bind_int(st, k + 2, user_ids[start + k]);
        int rc;
        while ((rc = db_step(st)) == DB_ROW) {
            int64_t id = db_col_int(st, 0);
            for (int k = 0; k < m; k++)
                if (user_ids[start + k] == id) live[start + k] = true;
        }
        db_done(st);
        if (rc != DB_DONE) return LE_DB;
    }
    return LE_OK;
}

/* Rule enrolments follow a person who moved (or anyone, for user_id 0). */
static lerr rules_follow_person(struct db *db, int64_t user_id, struct problem *p)
{
    return enrol_rules_sync(db, 0, user_id, NULL, NULL, p);
}

/* Enrolment rules that name the department or job role: "the enrolment rules of A, B and C"
 * (the courses' codes, at most three named). */
static lerr rules_naming(struct db *db, struct arena *a, enum org_kind kind, int64_t id, const char **what)
{
    *what = NULL;
    struct db_stmt *st = db_query(db,
                                  kind == ORG_DEPARTMENT
                                      ? "SELECT DISTINCT c.code FROM enrolment_rules r JOIN courses c ON c.id = r.course_id "
                                        "WHERE r.department_id = ?1 ORDER BY c.code LIMIT 4"
                                      : "SELECT DISTINCT c.code FROM enrolment_rules r JOIN courses c ON c.id = r.course_id "
                                        "WHERE r.job_role_id = ?1 ORDER BY c.code LIMIT 4",
                                  "i", id);
    const char *codes[4];
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) codes[n++] = arena_strdup(a, db_col_text(st, 0));
    db_done(st);
    if (rc != DB_DONE) return LE_DB;
    if (!n) return LE_OK;
    const char *list = n == 1   ? codes[0]
                       : n == 2 ? arena_sprintf(a, "%s and %s", codes[0], codes[1])
                       : n == 3 ? arena_sprintf(a, "%s, %s and %s", codes[0], codes[1], codes[2])
                                : arena_sprintf(a, "%s, %s, %s and more", codes[0], codes[1], codes[2]);
    *what = arena_sprintf(a, "the enrolment rule%s of %s", n == 1 ? "" : "s", list);
    return LE_OK;
}

void courses_init(void)
{
    people_on_moved(rules_follow_person);
    people_on_org_references(rules_naming);
    enrol_columns_register();
}
