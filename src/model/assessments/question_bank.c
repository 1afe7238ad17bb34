/* The question bank (assessments.h; docs/assessments.md): categories per course or shared by every
 * course, questions stored as their assessments.h object (JSON text in questions.data, with the
 * type and title beside it for queries), import and export (GIFT, Moodle XML, Aiken).
 *
 * Who may change what: a course changes only its own questions; shared ones (category with no
 * course) are changed through course_id 0, the shared bank. Every course may read and use the
 * shared ones. Deleting only marks a question (deleted_at): attempts keep pointing at it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define QCATEGORY_NAME_MAX 255
#define QUESTION_DATA_MAX (256 * 1024) /* one question's JSON; a long essay prompt fits easily */
#define QUESTIONS_PER_PAGE_MAX 200

static lerr audit(struct db *db, int64_t actor, const char *action, const char *target, json_t *details,
                  struct problem *p)
{
    lerr e = audit_append(db, actor, action, target, details);
    json_decref(details);
    return e ? model_db_problem(p) : LE_OK;
}

/* ---- Categories ---- */

/* The next single '/' (a level separator) in s, or NULL; "//" is a slash within a name, as
 * Moodle writes it ("Units//Measures" is one level). */
static const char *next_level(const char *s)
{
    for (const char *c = strchr(s, '/'); c; c = strchr(c + 2, '/')) {
        if (c[1] != '/') return c;
        if (!c[2]) return NULL;
    }
    return NULL;
}

/* A category name as stored: trimmed, "" = "Default"; slashes separate levels ("Safety/Fire"),
 * each level trimmed, no empty level, no control characters; "//" stays, a slash in a level. */
static lerr category_name(struct arena *a, const char *in, const char **out, struct problem *p)
{
    const char *s = in ? in : "";
    struct buf b;
    buf_init(&b, 4 * QCATEGORY_NAME_MAX);
    lerr e = LE_OK;
    while (!e) {
        const char *end = next_level(s);
        size_t n = end ? (size_t)(end - s) : strlen(s);
        const char *t = s;
        while (n && isspace((unsigned char)*t)) t++, n--;
        while (n && isspace((unsigned char)t[n - 1])) n--;
        for (size_t i = 0; i < n && !e; i++)
            if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
                e = problem_set(p, LE_INVALID, "category", "Remove the control characters from the category name.");
        if (!e && !n && (end || b.len))
            e = problem_set(p, LE_INVALID, "category",
                            "The category '%s' has an empty level; write levels separated by '/', as in "
                            "'Safety/Fire'.",
                            in);
        if (!e && b.len) e = buf_addc(&b, '/');
        if (!e && n) e = buf_add(&b, t, n);
        if (!end) break;
        s = end + 1;
    }
    if (e == LE_TOOBIG || (!e && b.len > QCATEGORY_NAME_MAX))
        e = problem_set(p, LE_INVALID, "category", "Use at most %d characters for the category name.",
                        QCATEGORY_NAME_MAX);
    if (!e && !utf8_valid(b.data ? b.data : "", b.len))
        e = problem_set(p, LE_INVALID, "category", "Write the category name as UTF-8 text.");
    if (!e) *out = arena_strdup(a, b.len ? b.data : "Default");
    buf_release(&b);
    return e;
}

/* Finds or creates a category by its checked name, inside the caller's transaction. */
static lerr category_find_or_add(struct db *db, int64_t course_id, const char *name, int64_t *id_out,
                                 struct problem *p)
{
    lerr q = db_query_int(db, id_out, "SELECT id FROM question_categories WHERE COALESCE(course_id, 0) = ?1 AND name = ?2",
                          "is", course_id, name);
    if (q != LE_NOTFOUND) return q ? model_db_problem(p) : LE_OK;
    struct db_stmt *st = db_query(db,
                                  "INSERT INTO question_categories (course_id, name, created_at) VALUES "
                                  "(CAST(NULLIF(?1, 0) AS BIGINT), ?2, ?3) RETURNING id",
                                  "isi", course_id, name, time_now());
    lerr e = db_step(st) == DB_ROW ? LE_OK : model_db_problem(p);
    if (!e) *id_out = db_col_int(st, 0);
    db_done(st);
    return e;
}

static lerr course_exists(struct db *db, int64_t course_id, struct problem *p)
{
    if (!course_id) return LE_OK; /* the shared bank */
    int64_t x;
    lerr q = db_query_int(db, &x, "SELECT id FROM courses WHERE id = ?1", "i", course_id);
    if (q == LE_NOTFOUND) return problem_set(p, LE_NOTFOUND, "course", "There is no course with id %lld.", (long long)course_id);
    return q ? model_db_problem(p) : LE_OK;
}

lerr qcategory_ensure(struct db *db, int64_t course_id, const char *name, int64_t *id_out, struct problem *p)
{
    struct arena *a = arena_new(0);
    const char *n;
    int64_t id = 0;
    lerr e = category_name(a, name, &n, p);
    if (!e) {
        if (db_tx_begin(db)) {
            arena_free(a);
            return model_db_problem(p);
        }
        e = course_exists(db, course_id, p);
        if (!e) e = category_find_or_add(db, course_id, n, &id, p);
        if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    }
    arena_free(a);
    if (id_out) *id_out = e ? 0 : id;
    return e;
}

json_t *qcategories_json(struct db *db, struct arena *a, int64_t course_id)
{
    json_t *list = json_array();
    struct db_stmt *st = db_query(
        db,
        "SELECT c.id, c.name, CASE WHEN c.course_id IS NULL THEN 1 ELSE 0 END AS shared, COUNT(q.id) FROM "
        "question_categories c LEFT JOIN questions q ON q.category_id = c.id AND q.deleted_at IS NULL WHERE "
        "c.course_id = ?1 OR c.course_id IS NULL GROUP BY c.id, c.name, c.course_id ORDER BY 3, c.name, c.id",
        "i", course_id);
    while (db_step(st) == DB_ROW)
        json_array_append_new(list, json_pack("{s:I, s:s, s:b, s:I}", "id", (json_int_t)db_col_int(st, 0), "name",
                                              model_col_str(a, st, 1), "shared", db_col_int(st, 2) != 0,
                                              "questions", (json_int_t)db_col_int(st, 3)));
    db_done(st);
    return json_pack("{s:o}", "categories", list);
}

/* ---- Questions ---- */

/* Checks a question and says what would be stored: its category name and its JSON text. */
static lerr question_prepare(struct arena *a, json_t *q, const char **cat_out, const char **data_out,
                             struct problem *p)
{
    if (!json_is_object(q)) return problem_set(p, LE_INVALID, "question", "Send the question as a JSON object.");
    lerr e = question_check(q, p);
    if (e) return e;
    e = category_name(a, json_string_value(json_object_get(q, "category")), cat_out, p);
    if (e) return e;
    /* The category lives in its column; the stored object names it when read back. */
    json_t *copy = json_copy(q);
    json_object_del(copy, "category");
    char *s = json_dumps(copy, JSON_COMPACT);
    json_decref(copy);
    if (!s) return problem_set(p, LE_NOMEM, "", "Out of memory.");
    size_t n = strlen(s);
    *data_out = arena_strndup(a, s, n);
    json_text_free(s);
    if (n > QUESTION_DATA_MAX)
        return problem_set(p, LE_TOOBIG, "text", "The question takes %zu KiB; shorten its text or answers to fit %d KiB.",
                           n / 1024, QUESTION_DATA_MAX / 1024);
    return LE_OK;
}

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* Inserts a prepared question inside the caller's transaction (no audit). */
static lerr question_insert(struct db *db, int64_t scope, const char *cat, const json_t *q, const char *data,
                            int64_t actor_id, int64_t *cat_cache_id, const char **cat_cache_name, int64_t *id_out,
                            struct problem *p)
{
    int64_t cat_id;
    lerr e;
    if (cat_cache_name && *cat_cache_name && str_eq(*cat_cache_name, cat)) {
        cat_id = *cat_cache_id;
    } else {
        e = category_find_or_add(db, scope, cat, &cat_id, p);
        if (e) return e;
        if (cat_cache_name) *cat_cache_name = cat, *cat_cache_id = cat_id;
    }
    int64_t now = time_now();
    struct db_stmt *st = db_query(db,
                                  "INSERT INTO questions (category_id, qtype, title, data, version, created_at, "
                                  "updated_at, created_by) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5, ?6) RETURNING id",
                                  "isssii", cat_id, jstr(q, "type"), jstr(q, "title"), data, now, actor_id);
    e = db_step(st) == DB_ROW ? LE_OK : model_db_problem(p);
    if (!e) *id_out = db_col_int(st, 0);
    db_done(st);
    return e;
}

lerr question_create(struct db *db, struct arena *a, int64_t course_id, bool shared, json_t *q, int64_t actor_id,
                     int64_t *id_out, struct problem *p)
{
    const char *cat, *data;
    int64_t id = 0, scope = shared ? 0 : course_id;
    lerr e = question_prepare(a, q, &cat, &data, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    e = course_exists(db, scope, p);
    if (!e) e = question_insert(db, scope, cat, q, data, actor_id, NULL, NULL, &id, p);
    if (!e)
        e = audit(db, actor_id, "question.create", arena_sprintf(a, "question:%lld", (long long)id),
                  json_pack("{s:I, s:b, s:s, s:s, s:s}", "course_id", (json_int_t)course_id, "shared", shared, "type",
                            jstr(q, "type"), "title", jstr(q, "title"), "category", cat),
                  p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (id_out) *id_out = e ? 0 : id;
    return e;
}

/* Where a live question is: its category's course (0 = shared) and its type. LE_NOTFOUND for a
 * question the course may not see; LE_FORBIDDEN for a shared one a course tries to change. */
static lerr question_locate(struct db *db, struct arena *a, int64_t course_id, int64_t id, const char **type_out,
                            struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT COALESCE(c.course_id, 0), q.qtype FROM questions q JOIN question_categories c "
                                  "ON c.id = q.category_id WHERE q.id = ?1 AND q.deleted_at IS NULL AND (c.course_id "
                                  "= ?2 OR c.course_id IS NULL)",
                                  "ii", id, course_id);
    int rc = db_step(st);
    int64_t owner = rc == DB_ROW ? db_col_int(st, 0) : -1;
    if (rc == DB_ROW && type_out) *type_out = model_col_str(a, st, 1);
    db_done(st);
    if (rc == DB_DONE)
        return problem_set(p, LE_NOTFOUND, "id", "This question is not in the course's question bank (it may have been deleted); "
                           "open the bank again.");
    if (rc != DB_ROW) return model_db_problem(p);
    if (owner != course_id)
        return problem_set(p, LE_FORBIDDEN, "id",
                           "Question %lld is shared by every course; change it in the shared question bank.",
                           (long long)id);
    return LE_OK;
}

lerr question_update(struct db *db, struct arena *a, int64_t course_id, int64_t id, json_t *q, int64_t actor_id,
                     int *regraded_out, struct problem *p)
{
    if (regraded_out) *regraded_out = 0;
    const char *cat, *data, *old_type = "";
    lerr e = question_prepare(a, q, &cat, &data, p);
    if (e) return e;
    int regraded = 0;
    int64_t cat_id = 0, used = 0;
    if (db_tx_begin(db)) return model_db_problem(p);
    e = question_locate(db, a, course_id, id, &old_type, p);
    if (!e && !str_eq(old_type, jstr(q, "type"))) {
        /* Saved responses have the old type's shape; grading them as another type is meaningless. */
        if (db_query_int(db, &used, "SELECT COUNT(*) FROM attempt_questions WHERE question_id = ?1", "i", id))
            e = model_db_problem(p);
        else if (used)
            e = problem_set(p, LE_CONFLICT, "type",
                            "This question was answered in %lld attempt%s, so its type cannot change from %s to %s; "
                            "create a new question instead.",
                            (long long)used, used == 1 ? "" : "s", old_type, jstr(q, "type"));
    }
    /* An edit written without a category (GIFT text without $CATEGORY) leaves it where it is. */
    bool move = *jstr(q, "category") != '\0';
    if (!e && move) e = category_find_or_add(db, course_id, cat, &cat_id, p);
    if (!e && db_run(db,
                     "UPDATE questions SET category_id = CASE WHEN ?2 = 0 THEN category_id ELSE ?2 END, qtype = ?3, title = ?4, data = ?5, version = version + 1, "
                     "updated_at = ?6 WHERE id = ?1",
                     "iisssi", id, cat_id, jstr(q, "type"), jstr(q, "title"), data, time_now()))
        e = model_db_problem(p);
    if (!e) {
        regraded = attempt_regrade_question(db, a, id);
        if (regraded < 0)
            e = problem_set(p, LE_DB, "",
                            "The attempts that used this question could not be regraded; nothing was saved. Try "
                            "again, and tell the administrator if it keeps happening.");
    }
    if (!e)
        e = audit(db, actor_id, "question.update", arena_sprintf(a, "question:%lld", (long long)id),
                  json_pack("{s:I, s:s, s:s, s:s, s:i}", "course_id", (json_int_t)course_id, "type", jstr(q, "type"),
                            "title", jstr(q, "title"), "category", move ? cat : "", "regraded", regraded),
                  p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e && regraded_out) *regraded_out = regraded;
    return e;
}

lerr question_delete(struct db *db, struct arena *a, int64_t course_id, int64_t id, int64_t actor_id,
                     struct problem *p)
{
    int64_t in_quizzes = 0;
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = question_locate(db, a, course_id, id, NULL, p);
    /* A quiz that lists it would start attempts with a deleted question. */
    if (!e && db_query_int(db, &in_quizzes,
                           "SELECT COUNT(*) FROM quiz_questions qq JOIN activities x ON x.id = qq.quiz_id WHERE "
                           "qq.question_id = ?1 AND x.deleted_at IS NULL",
                           "i", id))
        e = model_db_problem(p);
    if (!e && in_quizzes)
        e = problem_set(p, LE_CONFLICT, "id",
                        "Question %lld is in %lld quiz%s; take it out of %s first, then delete it.", (long long)id,
                        (long long)in_quizzes, in_quizzes == 1 ? "" : "zes", in_quizzes == 1 ? "that quiz" : "them");
    if (!e && db_run(db, "UPDATE questions SET deleted_at = ?2 WHERE id = ?1", "ii", id, time_now()))
        e = model_db_problem(p);
    if (!e)
        e = audit(db, actor_id, "question.delete", arena_sprintf(a, "question:%lld", (long long)id),
                  json_pack("{s:I}", "course_id", (json_int_t)course_id), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

#define QUESTION_COLS                                                                                               \
    "q.id, q.data, q.version, q.category_id, CASE WHEN c.course_id IS NULL THEN 1 ELSE 0 END, c.name, q.qtype, "    \
    "q.title, q.updated_at"

/* The question object of a row of QUESTION_COLS, with its bank fields. */
static json_t *question_row(struct db_stmt *st)
{
    const char *data = db_col_text(st, 1);
    json_t *q = json_loads(data ? data : "", 0, NULL);
    if (!json_is_object(q)) {
        /* never written by Lectern; still list it so that it can be fixed or deleted */
        json_decref(q);
        q = json_pack("{s:s, s:s, s:[]}", "type", db_col_text(st, 6) ? db_col_text(st, 6) : "", "text", "",
                      "answers");
    }
    const char *cat = db_col_text(st, 5);
    json_object_set_new(q, "category", json_string(cat && !str_eq(cat, "Default") ? cat : ""));
    json_object_set_new(q, "id", json_integer(db_col_int(st, 0)));
    json_object_set_new(q, "version", json_integer(db_col_int(st, 2)));
    json_object_set_new(q, "category_id", json_integer(db_col_int(st, 3)));
    json_object_set_new(q, "shared", json_boolean(db_col_int(st, 4) != 0));
    json_object_set_new(q, "updated_at", json_integer(db_col_int(st, 8)));
    return q;
}

json_t *question_get_json(struct db *db, struct arena *a, int64_t course_id, int64_t id, struct problem *p)
{
    (void)a;
    struct db_stmt *st = db_query(db,
                                  "SELECT " QUESTION_COLS " FROM questions q JOIN question_categories c ON c.id = "
                                  "q.category_id WHERE q.id = ?1 AND q.deleted_at IS NULL AND (c.course_id = ?2 OR "
                                  "c.course_id IS NULL)",
                                  "ii", id, course_id);
    int rc = db_step(st);
    json_t *q = rc == DB_ROW ? question_row(st) : NULL;
    db_done(st);
    if (rc == DB_DONE)
        problem_set(p, LE_NOTFOUND, "id", "This question is not in the course's question bank (it may have been deleted); "
                    "open the bank again.");
    else if (rc != DB_ROW)
        model_db_problem(p);
    return q;
}

/* q as a LIKE pattern matching it anywhere: % _ and \ escaped (ESCAPE '\'). "" when blank. */
static const char *like_pattern(struct arena *a, const char *q)
{
    const char *s = q ? q : "";
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    if (!n || n > 200 || !utf8_valid(s, n)) return "";
    char *out = arena_alloc(a, 2 * n + 3), *w = out;
    *w++ = '%';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' || s[i] == '_' || s[i] == '\\') *w++ = '\\';
        *w++ = s[i];
    }
    *w++ = '%';
    *w = '\0';
    return out;
}

json_t *questions_json(struct db *db, struct arena *a, int64_t course_id, int64_t category_id, const char *q, int page,
                       int per_page)
{
    if (per_page <= 0) per_page = 25;
    if (per_page > QUESTIONS_PER_PAGE_MAX) per_page = QUESTIONS_PER_PAGE_MAX;
    if (page <= 0) page = 1;
    if (page > 100000) page = 100000;
    const char *pat = like_pattern(a, q);
    /* LOWER() on both sides: LIKE is case-sensitive on PostgreSQL and (for ASCII) not on SQLite. */
#define QUESTIONS_WHERE                                                                                             \
    " FROM questions q JOIN question_categories c ON c.id = q.category_id WHERE q.deleted_at IS NULL AND "         \
    "(c.course_id = ?1 OR c.course_id IS NULL) AND (?2 = 0 OR q.category_id = ?2) AND (?3 = '' OR LOWER(q.title) " \
    "LIKE LOWER(?3) ESCAPE '\\' OR LOWER(q.data) LIKE LOWER(?3) ESCAPE '\\')"
    json_t *list = json_array();
    int64_t total = 0;
    int n = 0, rc;
    struct db_stmt *st = db_query(db, "SELECT " QUESTION_COLS ", COUNT(*) OVER ()" QUESTIONS_WHERE
                                      " ORDER BY q.id DESC LIMIT ?4 OFFSET ?5",
                                  "iisii", course_id, category_id, pat, (int64_t)per_page,
                                  (int64_t)(page - 1) * per_page);
    while ((rc = db_step(st)) == DB_ROW) {
        json_array_append_new(list, question_row(st));
        total = db_col_int(st, 9);
        n++;
    }
    db_done(st);
    if (n == 0 && page > 1 &&
        db_query_int(db, &total, "SELECT COUNT(*)" QUESTIONS_WHERE, "iis", course_id, category_id, pat))
        total = 0;
#undef QUESTIONS_WHERE
    return json_pack("{s:o, s:I, s:i, s:i}", "questions", list, "total", (json_int_t)total, "page", page, "per_page",
                     per_page);
}

/* ---- Import and export (GIFT, Moodle XML, Aiken: question_formats.c) ---- */

/* The error without the reader's "line N: " prefix: the report carries the line by itself. */
static const char *error_text(const char *e)
{
    int off = 0;
    if (sscanf(e, "line %*d: %n", &off) == 0 && off > 0) return e + off;
    return e;
}

/* A file may hold hundreds of thousands of questions: the report keeps every error up to
 * IMPORT_REPORT_ERRORS_MAX and the questions that went well among the first IMPORT_REPORT_OK_MAX,
 * and counts the rest, so that it stays small whatever the file's size. */
#define IMPORT_REPORT_ERRORS_MAX 1000
#define IMPORT_REPORT_OK_MAX 1000

struct import_report_row {
    int line;
    const char *title, *type, *error; /* error NULL = ok */
};

/* One import: two readings of the same text, one question at a time (the format's
 * parse_each). The first checks and prepares every question as it would be saved (so a dry run
 * tells the whole truth) and reports; the second, only when the import goes ahead, prepares
 * and inserts them again. */
struct question_import {
    struct db *db;
    struct arena *a;
    const struct question_format *fmt;
    int64_t course_id, actor_id;
    bool writing;                     /* the second reading */
    struct import_report_row *rows;
    int n_rows, n_questions, ok, bad, n_errors_listed;
    int64_t cat_cache_id;             /* question_insert's cache of the last category */
    const char *cat_cache_name;
    struct problem *p;
};

/* Prepares one question in a scratch arena; *err gets what is wrong and *line where. */
static lerr import_prepare(struct arena *scratch, const struct gift_entry *g, const char **cat, const char **data,
                           const char **err, int *line)
{
    struct problem qp = {0};
    lerr qe = g->question ? question_prepare(scratch, g->question, cat, data, &qp) : LE_INVALID;
    *err = g->question ? arena_strdup(scratch, qp.message) : error_text(g->error);
    /* An error is reported on its own line: a category's on the line that set it. */
    *line = !qe ? g->line
            : !g->question ? (g->error_line ? g->error_line : g->line)
            : str_eq(qp.field, "category") && g->category_line ? g->category_line : g->line;
    return qe;
}

static void import_report(struct question_import *im, const struct gift_entry *g, int line, const char *err)
{
    bool listed = err ? im->n_errors_listed < IMPORT_REPORT_ERRORS_MAX : im->n_questions <= IMPORT_REPORT_OK_MAX;
    if (!listed) return;
    if (err) im->n_errors_listed++;
    struct import_report_row *row = &im->rows[im->n_rows++];
    row->line = line;
    /* A question that could not be read is still named when the file names it (Moodle XML). */
    row->title = arena_strdup(im->a, g->question ? jstr(g->question, "title") : g->title);
    row->type = arena_strdup(im->a, g->question ? jstr(g->question, "type") : g->type);
    row->error = err ? arena_strdup(im->a, err) : NULL;
}

static lerr import_one(void *ctx, struct gift_entry *g)
{
    struct question_import *im = ctx;
    struct arena *scratch = arena_new(4096);
    const char *cat = NULL, *data = NULL, *err;
    int line;
    lerr e = LE_OK, qe = import_prepare(scratch, g, &cat, &data, &err, &line);
    im->n_questions++;
    if (!im->writing) {
        import_report(im, g, line, qe ? err : NULL);
        if (qe) im->bad++;
        else im->ok++;
    } else if (!qe) {
        int64_t id;
        e = question_insert(im->db, im->course_id, cat, g->question, data, im->actor_id, &im->cat_cache_id,
                            &im->cat_cache_name, &id, im->p);
        /* the cache must outlive this question's scratch arena; categories change seldom */
        if (!e && im->cat_cache_name == cat) im->cat_cache_name = arena_strdup(im->a, cat);
    }
    arena_free(scratch);
    return e;
}

static lerr import_write(struct question_import *im, const char *text, size_t len)
{
    if (db_tx_begin(im->db)) return model_db_problem(im->p);
    im->writing = true;
    im->n_questions = 0;
    lerr e = course_exists(im->db, im->course_id, im->p);
    if (!e) e = im->fmt->parse_each(text, len, import_one, im, im->p);
    if (!e)
        e = audit(im->db, im->actor_id, "question.import", arena_sprintf(im->a, "course:%lld", (long long)im->course_id),
                  json_pack("{s:i, s:i}", "imported", im->ok, "skipped", im->bad), im->p);
    if (db_tx_end(im->db, e) && !e) e = model_db_problem(im->p);
    return e;
}

static json_t *import_report_json(const struct question_import *im, bool saved)
{
    json_t *rows = json_array();
    for (int i = 0; i < im->n_rows; i++) {
        const struct import_report_row *r = &im->rows[i];
        json_array_append_new(rows, json_pack("{s:i, s:s, s:s, s:s, s:s}", "line", r->line, "title", r->title, "type",
                                              r->type, "status", r->error ? "error" : "ok", "error",
                                              r->error ? r->error : ""));
    }
    return json_pack("{s:s, s:o, s:i, s:i, s:b, s:i, s:i}", "format", im->fmt->name, "questions", rows, "imported",
                     im->ok, "errors", im->bad, "saved", saved, "not_listed", im->n_questions - im->n_rows,
                     "errors_not_listed", im->bad - im->n_errors_listed);
}

lerr question_import(struct db *db, struct arena *a, int64_t course_id, const char *format, const char *text,
                     size_t len, bool dry_run, bool skip_bad, int64_t actor_id, json_t **report_out,
                     struct problem *p)
{
    *report_out = NULL;
    if (!text) text = "", len = 0;
    if (!format || !*format) format = question_format_detect(text, len);
    const struct question_format *fmt = question_format_find(format);
    if (!fmt)
        return problem_set(p, LE_INVALID, "format", "The format \"%.40s\" is not one Lectern reads; use gift, "
                           "moodlexml or aiken (or leave it out to tell from the file).", format);
    struct question_import im = {.db = db, .a = a, .fmt = fmt, .course_id = course_id, .actor_id = actor_id, .p = p};
    im.rows = arena_alloc(a, sizeof *im.rows * (IMPORT_REPORT_ERRORS_MAX + IMPORT_REPORT_OK_MAX));
    /* Each question's JSON is made and dropped in turn: from malloc, not the request's arena,
     * which would hold every one of them until the request ends. */
    struct arena *json_arena = json_memory_pause();
    lerr e = fmt->parse_each(text, len, import_one, &im, p);
    bool saved = false;
    if (e) {
        json_memory_resume(json_arena);
        return e;
    }
    int bad = im.bad;
    if (bad && !skip_bad) {
        e = problem_set(p, LE_INVALID, "file",
                        "%d question%s in the file %s errors; nothing was imported. Fix %s (or skip the bad ones) "
                        "and import again.",
                        bad, bad == 1 ? "" : "s", bad == 1 ? "has" : "have", bad == 1 ? "it" : "them");
    } else if (!dry_run && im.ok) {
        int n_read = im.n_questions;
        e = import_write(&im, text, len);
        im.n_questions = n_read;
        saved = !e;
    }
    json_memory_resume(json_arena);
    *report_out = import_report_json(&im, saved);
    return e;
}

char *question_export(struct db *db, struct arena *a, int64_t course_id, const char *format, struct problem *p)
{
    (void)a;
    const struct question_format *fmt = question_format_find(format ? format : "gift");
    if (!fmt || !fmt->write) {
        problem_set(p, LE_INVALID, "format", "Questions are exported as gift or moodlexml, not \"%.40s\".",
                    format ? format : "");
        return NULL;
    }
    json_t *list = json_array();
    struct db_stmt *st = db_query(db,
                                  "SELECT " QUESTION_COLS " FROM questions q JOIN question_categories c ON c.id = "
                                  "q.category_id WHERE c.course_id = ?1 AND q.deleted_at IS NULL ORDER BY c.name, q.id",
                                  "i", course_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        json_t *q = question_row(st);
        /* only the question itself travels; the bank's fields would not mean anything elsewhere */
        const char *bank_fields[] = {"id", "version", "category_id", "shared", "updated_at"};
        for (size_t i = 0; i < sizeof bank_fields / sizeof bank_fields[0]; i++) json_object_del(q, bank_fields[i]);
        json_array_append_new(list, q);
    }
    db_done(st);
    if (rc != DB_DONE) {
        json_decref(list);
        problem_set(p, LE_DB, "", "The question bank could not be read; try again.");
        return NULL;
    }
    char *out = fmt->write(list);
    json_decref(list);
    if (!out) problem_set(p, LE_NOMEM, "", "The questions could not be written.");
    return out;
}
