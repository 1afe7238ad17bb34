/* Programmes and their course sets: creating and changing them, and reading them as JSON. */
#include <ctype.h>
#include <string.h>
#include "internal.h"

#define CODE_MAX 100
#define TITLE_MAX 200

static bool code_ok(const char *s)
{
    if (!s || !*s || strlen(s) > CODE_MAX) return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("-_.", *s)) return false;
    return true;
}

/* A set's courses, checked: each code names a course that is not archived, none twice, at
 * least one, and the require asks no more than there are. field and require_field are where
 * an error about the courses and about the number points; what ("Set 2: ") starts its message. */
struct checked_set {
    int64_t course_ids[PROGRAMME_SET_COURSES_MAX];
    int n;
};
static lerr set_check(struct db *db, struct arena *a, const struct programme_set_input *in, const char *field,
                      const char *require_field, const char *what, struct checked_set *out, struct problem *p)
{
    out->n = 0;
    const char *s = in->courses ? in->courses : "";
    while (*s) {
        s += strspn(s, " ,;\t\r\n");
        size_t len = strcspn(s, " ,;\t\r\n");
        if (!len) break;
        const char *code = arena_strndup(a, s, len);
        s += len;
        int64_t id;
        lerr q = db_query_int(db, &id, "SELECT id FROM courses WHERE code = ?1 AND status <> 'archived'", "s", code);
        if (q == LE_NOTFOUND)
            return problem_set(p, LE_INVALID, field, "%sThere is no course '%s' (or it is archived); check the code.",
                               what, code);
        if (q) return model_db_problem(p);
        bool twice = false;
        for (int i = 0; i < out->n; i++) twice |= out->course_ids[i] == id;
        if (twice) continue;
        if (out->n == PROGRAMME_SET_COURSES_MAX)
            return problem_set(p, LE_INVALID, field, "%sA set holds at most %d courses.", what, PROGRAMME_SET_COURSES_MAX);
        out->course_ids[out->n++] = id;
    }
    if (!out->n) return problem_set(p, LE_INVALID, field, "%sChoose at least one course for the set.", what);
    if (in->require_n < 0 || in->require_n > out->n)
        return problem_set(p, LE_INVALID, require_field, "%sThe set has %d course%s, so it cannot require %d; choose all or 1 to %d.",
                           what, out->n, out->n == 1 ? "" : "s", in->require_n, out->n);
    return LE_OK;
}

static lerr set_insert(struct db *db, int64_t programme_id, const struct programme_set_input *in,
                       const struct checked_set *cs, struct problem *p)
{
    int64_t set_id = 0;
    struct db_stmt *st = db_query(db,
                                  "INSERT INTO programme_sets (programme_id, position, require_n, after_previous, renewal) "
                                  "VALUES (?1, (SELECT COALESCE(MAX(position), 0) + 1 FROM programme_sets WHERE "
                                  "programme_id = ?1), ?2, ?3, ?4) RETURNING id",
                                  "iiii", programme_id, (int64_t)in->require_n, (int64_t)in->after_previous,
                                  (int64_t)in->renewal);
    int rc = db_step(st);
    if (rc == DB_ROW) set_id = db_col_int(st, 0);
    db_done(st);
    if (rc != DB_ROW) return model_db_problem(p);
    for (int i = 0; i < cs->n; i++)
        if (db_run(db, "INSERT INTO programme_set_courses (set_id, course_id, position) VALUES (?1, ?2, ?3)", "iii",
                   set_id, cs->course_ids[i], (int64_t)i + 1))
            return model_db_problem(p);
    return LE_OK;
}

/* The due date rule: days after assignment (1 to 3650), a fixed date or days after the start
 * date (start_date.c), only one. */
static lerr due_check(const struct programme_input *in, int64_t *due_at, struct problem *p)
{
    *due_at = 0;
    if (in->due_days > 3650) return problem_set(p, LE_INVALID, "due_days", "Give the days until due as 1 to 3650.");
    if (in->due_date && *in->due_date) {
        if (!course_parse_date(in->due_date, due_at))
            return problem_set(p, LE_INVALID, "due_date", "Give the due date as YYYY-MM-DD, such as 2027-01-31.");
        if (in->due_days > 0)
            return problem_set(p, LE_INVALID, "due_date", "Choose either a due date or days after assignment, not both.");
    }
    return due_start_check(in, p);
}

static lerr programme_check(const struct programme_input *in, bool creating, struct problem *p)
{
    if ((creating || in->code) && !code_ok(in->code))
        return problem_set(p, LE_INVALID, "code", "Give the programme a code of letters, digits, '-', '_' or '.' (at most %d).",
                           CODE_MAX);
    if ((creating || in->title) && (!in->title || !*in->title || strlen(in->title) > TITLE_MAX))
        return problem_set(p, LE_INVALID, "title", "Give the programme a title (at most %d characters).", TITLE_MAX);
    if (in->status && !str_eq(in->status, "draft") && !str_eq(in->status, "active") && !str_eq(in->status, "archived"))
        return problem_set(p, LE_INVALID, "status", "Choose the status: draft, active or archived.");
    if (in->n_sets > PROGRAMME_SETS_MAX)
        return problem_set(p, LE_INVALID, "sets", "A programme holds at most %d course sets.", PROGRAMME_SETS_MAX);
    return LE_OK;
}

static lerr sets_insert_all(struct db *db, struct arena *a, int64_t id, const struct programme_input *in,
                            struct problem *p)
{
    lerr e = LE_OK;
    int n_path = 0, n_renewal = 0; /* renewal sets are numbered in their own list */
    for (int i = 0; i < in->n_sets && !e; i++) {
        struct checked_set cs;
        bool renewal = in->sets[i].renewal;
        int k = renewal ? n_renewal++ : n_path++;
        const char *field = arena_sprintf(a, "%s[%d]", renewal ? "certification.renewal_sets" : "sets", k);
        const char *what = arena_sprintf(a, "%s %d: ", renewal ? "Renewal set" : "Set", k + 1);
        e = set_check(db, a, &in->sets[i], field, field, what, &cs, p);
        if (!e) e = set_insert(db, id, &in->sets[i], &cs, p);
    }
    return e;
}

lerr programme_create(struct db *db, struct arena *a, const struct programme_input *in, int64_t actor_id,
                      int64_t *id_out, struct problem *p)
{
    int64_t id = 0, due_at = 0, now = time_now(), x;
    struct cert_rule cert = {0};
    lerr e = programme_check(in, true, p);
    if (!e) e = due_check(in, &due_at, p);
    if (!e && in->certification.set) e = certification_check(a, &in->certification, "certification.", &cert, p);
    if (e) return e;
    if (!(e = db_tx_begin(db) ? model_db_problem(p) : LE_OK) &&
        db_query_int(db, &x, "SELECT id FROM programmes WHERE code = ?1", "s", in->code) == LE_OK)
        e = problem_set(p, LE_CONFLICT, "code", "There is already a programme '%s'; choose another code.", in->code);
    if (!e) {
        struct db_stmt *st = db_query(db,
                                      "INSERT INTO programmes (code, title, summary, status, due_days, due_at, created_at, "
                                      "created_by, updated_at) VALUES (?1, ?2, ?3, ?4, NULLIF(CAST(?5 AS BIGINT), 0), "
                                      "NULLIF(CAST(?6 AS BIGINT), 0), ?7, ?8, ?7) RETURNING id",
                                      "ssssiiii", in->code, in->title, in->summary ? in->summary : "",
                                      in->status ? in->status : "active", (int64_t)(in->due_days > 0 ? in->due_days : 0),
                                      due_at, now, actor_id);
        if (db_step(st) == DB_ROW) id = db_col_int(st, 0);
        else e = model_db_problem(p);
        db_done(st);
    }
    if (!e) e = due_start_write(db, id, in, p);
    if (!e) e = sets_insert_all(db, a, id, in, p);
    if (!e && cert_rule_on(&cert)) e = certification_save(db, id, &cert, p);
    if (!e)
        e = schedules_audit(db, a, actor_id, "programme.create", in->code,
                            json_pack("{s:s, s:i}", "title", in->title, "sets", in->n_sets), p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (id_out) *id_out = e ? 0 : id;
    return e;
}

lerr programme_update(struct db *db, struct arena *a, int64_t id, const struct programme_input *in,
                      int64_t actor_id, struct problem *p)
{
    int64_t due_at = 0;
    struct cert_rule cert = {0};
    lerr e = programme_check(in, false, p);
    if (!e) e = due_check(in, &due_at, p);
    if (!e && in->certification.set) e = certification_check(a, &in->certification, "", &cert, p);
    if (e) return e;
    bool due_changed = in->due_days >= 0 || in->due_date;
    if (db_tx_begin(db)) return model_db_problem(p);
    /* A due rule replaces the other: days clear the date and a date clears the days. */
    if (db_run(db,
               "UPDATE programmes SET title = COALESCE(?2, title), summary = COALESCE(?3, summary), status = "
               "COALESCE(?4, status), due_days = CASE WHEN ?5 = 1 THEN NULLIF(CAST(?6 AS BIGINT), 0) ELSE due_days END, "
               "due_at = CASE WHEN ?5 = 1 THEN NULLIF(CAST(?7 AS BIGINT), 0) ELSE due_at END, updated_at = ?8 WHERE id = ?1",
               "isssiiii", id, in->title, in->summary, in->status, (int64_t)due_changed,
               (int64_t)(in->due_days > 0 ? in->due_days : 0), due_at, time_now()))
        e = model_db_problem(p);
    if (!e) e = due_start_write(db, id, in, p);
    struct db_stmt *st = e ? NULL : db_query(db, "SELECT code FROM programmes WHERE id = ?1", "i", id);
    const char *code = st && db_step(st) == DB_ROW ? arena_strdup(a, db_col_text(st, 0)) : NULL;
    if (st) db_done(st);
    if (!e && !code) e = problem_set(p, LE_NOTFOUND, "code", "This programme no longer exists.");
    if (!e && in->certification.set) e = certification_save(db, id, &cert, p);
    if (!e)
        e = schedules_audit(db, a, actor_id, "programme.update", code,
                            json_pack("{s:s?, s:s?, s:s?}", "title", in->title, "status", in->status, "due_date",
                                      in->due_date),
                            p);
    if (!e) e = programme_rules_sync(db, id, 0, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

static const char *programme_code(struct db *db, struct arena *a, int64_t id)
{
    struct db_stmt *st = db_query(db, "SELECT code FROM programmes WHERE id = ?1", "i", id);
    const char *code = st && db_step(st) == DB_ROW ? arena_strdup(a, db_col_text(st, 0)) : NULL;
    db_done(st);
    return code;
}

lerr programme_set_add(struct db *db, struct arena *a, int64_t programme_id, const struct programme_set_input *in,
                       int64_t actor_id, struct problem *p)
{
    struct checked_set cs;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    const char *code = programme_code(db, a, programme_id);
    int64_t n_sets = 0;
    if (!code) e = problem_set(p, LE_NOTFOUND, "code", "This programme no longer exists.");
    if (!e && db_query_int(db, &n_sets, "SELECT COUNT(*) FROM programme_sets WHERE programme_id = ?1", "i", programme_id))
        e = model_db_problem(p);
    if (!e && n_sets >= PROGRAMME_SETS_MAX)
        e = problem_set(p, LE_INVALID, "courses", "A programme holds at most %d course sets.", PROGRAMME_SETS_MAX);
    if (!e) e = set_check(db, a, in, "courses", "require", "", &cs, p);
    if (!e) e = set_insert(db, programme_id, in, &cs, p);
    if (!e)
        e = schedules_audit(db, a, actor_id, "programme.set_add", code,
                            json_pack("{s:s, s:i}", "courses", in->courses, "require", in->require_n), p);
    if (!e) e = assignments_advance(db, programme_id, 0, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr programme_set_delete(struct db *db, struct arena *a, int64_t programme_id, int64_t set_id, int64_t actor_id,
                          struct problem *p)
{
    int64_t x;
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    const char *code = programme_code(db, a, programme_id);
    if (!code ||
        db_query_int(db, &x, "SELECT id FROM programme_sets WHERE id = ?1 AND programme_id = ?2", "ii", set_id, programme_id))
        e = problem_set(p, LE_NOTFOUND, "id", "This course set no longer exists; open the programme again.");
    if (!e && (db_run(db, "DELETE FROM programme_set_courses WHERE set_id = ?1", "i", set_id) ||
               db_run(db, "DELETE FROM programme_sets WHERE id = ?1", "i", set_id)))
        e = model_db_problem(p);
    if (!e)
        e = schedules_audit(db, a, actor_id, "programme.set_delete", code, json_pack("{s:I}", "set_id", (json_int_t)set_id), p);
    if (!e) e = assignments_advance(db, programme_id, 0, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr programme_id_by_code(struct db *db, const char *code, int64_t *id_out, struct problem *p)
{
    lerr q = db_query_int(db, id_out, "SELECT id FROM programmes WHERE code = ?1", "s", code ? code : "");
    if (q == LE_NOTFOUND) return problem_set(p, LE_NOTFOUND, "code", "There is no programme '%s'.", code ? code : "");
    return q ? model_db_problem(p) : LE_OK;
}

/* The sets of a programme with their courses, in order. */
static json_t *sets_json(struct db *db, struct arena *a, int64_t id)
{
    json_t *sets = json_array(), *set = NULL;
    struct db_stmt *st = db_query(db,
                                  "SELECT s.id, s.position, s.require_n, s.after_previous, c.code, c.title, s.renewal FROM "
                                  "programme_sets s JOIN programme_set_courses sc ON sc.set_id = s.id JOIN courses c ON "
                                  "c.id = sc.course_id WHERE s.programme_id = ?1 ORDER BY s.position, sc.position",
                                  "i", id);
    int64_t last = 0;
    while (db_step(st) == DB_ROW) {
        if (db_col_int(st, 0) != last) {
            last = db_col_int(st, 0);
            int64_t n = db_col_int(st, 2);
            set = json_pack("{s:I, s:I, s:o, s:b, s:[]}", "id", (json_int_t)last, "position",
                            (json_int_t)json_array_size(sets) + 1, "require",
                            n ? json_integer(n) : json_string("all"), "after_previous", (int)db_col_int(st, 3), "courses");
            json_object_set_new(set, "renewal", json_boolean(db_col_int(st, 6)));
            json_array_append_new(sets, set);
        }
        json_array_append_new(json_object_get(set, "courses"),
                              json_pack("{s:s, s:s}", "code", db_col_text(st, 4), "title", db_col_text(st, 5)));
    }
    db_done(st);
    (void)a;
    return sets;
}

static json_t *due_json(struct arena *a, int64_t due_days, int64_t due_at, int64_t due_start_days)
{
    if (due_start_days) return json_pack("{s:I}", "days_after_start", (json_int_t)due_start_days);
    if (due_days) return json_pack("{s:I}", "days_after_assignment", (json_int_t)due_days);
    if (due_at) return json_pack("{s:s}", "date", schedules_date(a, due_at));
    return json_null();
}

json_t *programme_json(struct db *db, struct arena *a, int64_t id)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT code, title, summary, status, COALESCE(due_days, 0), COALESCE(due_at, 0), "
                                  "(SELECT COUNT(*) FROM programme_assignments x WHERE x.programme_id = p.id AND "
                                  "x.ended_at IS NULL), COALESCE(cert_valid_days, 0), COALESCE(cert_valid_until, ''), "
                                  "cert_window_days, cert_rhythm, COALESCE(due_start_days, 0) FROM programmes p WHERE id = ?1",
                                  "i", id);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return NULL;
    }
    const char *summary = model_col_str(a, st, 2);
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:I}", "code", db_col_text(st, 0), "title", db_col_text(st, 1),
                          "summary", summary, "summary_html", markdown_to_html(a, summary), "status",
                          db_col_text(st, 3), "due", due_json(a, db_col_int(st, 4), db_col_int(st, 5), db_col_int(st, 11)), "assigned",
                          (json_int_t)db_col_int(st, 6));
    struct cert_rule cert;
    cert_rule_from_columns(&cert, db_col_int(st, 7), db_col_text(st, 8), db_col_int(st, 9), db_col_text(st, 10));
    json_object_set_new(j, "certification", cert_rule_json(&cert));
    db_done(st);
    json_object_set_new(j, "sets", sets_json(db, a, id));
    return j;
}

json_t *programmes_json(struct db *db, struct arena *a)
{
    json_t *list = json_array();
    struct db_stmt *st = db_query(db,
                                  "SELECT code, title, status, COALESCE(due_days, 0), COALESCE(due_at, 0), (SELECT "
                                  "COUNT(*) FROM programme_sets s WHERE s.programme_id = p.id), (SELECT COUNT(*) FROM "
                                  "programme_assignments x WHERE x.programme_id = p.id AND x.ended_at IS NULL), "
                                  "COALESCE(due_start_days, 0) FROM programmes p ORDER BY code",
                                  "");
    while (db_step(st) == DB_ROW)
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:o, s:I, s:I}", "code", db_col_text(st, 0), "title",
                                              db_col_text(st, 1), "status", db_col_text(st, 2), "due",
                                              due_json(a, db_col_int(st, 3), db_col_int(st, 4), db_col_int(st, 7)), "sets",
                                              (json_int_t)db_col_int(st, 5), "assigned", (json_int_t)db_col_int(st, 6)));
    db_done(st);
    return list;
}

json_t *programme_course_choices(struct db *db)
{
    json_t *list = json_array();
    struct db_stmt *st = db_query(db, "SELECT code, title FROM courses WHERE status <> 'archived' ORDER BY code LIMIT 1000", "");
    while (db_step(st) == DB_ROW)
        json_array_append_new(list, json_pack("{s:s, s:s}", "code", db_col_text(st, 0), "title", db_col_text(st, 1)));
    db_done(st);
    return list;
}
