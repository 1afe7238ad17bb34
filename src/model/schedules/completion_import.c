/* Completions from another system (`lectern completion import`, docs/schedules.md): one row a
 * completion, of a course or of a programme, with the preview, located errors and
 * all-or-nothing commit of the other CSV uploads (csv_upload.c in courses).
 *
 * A course completion marks the person's enrolment completed at the date (enrolling them
 * first, as an administrator does), which opens the next sets of their programmes as a
 * completion in Lectern would. A programme completion completes the person's assignment (an
 * assignment is recorded for someone the programme's rules do not match, and ended at once, so
 * it is history without reminders). Each row is kept in completion_history with its expiry and
 * score; a row already there is "unchanged", so the same file again changes nothing. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

enum ccol { C_USERNAME, C_IDNUMBER, C_COURSE, C_PROGRAMME, C_DATE, C_EXPIRY, C_SCORE, C__N };
static const struct upload_column columns[] = {
    {"username", C_USERNAME},   {"idnumber", C_IDNUMBER},     {"course", C_COURSE},         {"shortname", C_COURSE},
    {"programme", C_PROGRAMME}, {"program", C_PROGRAMME},     {"completed", C_DATE},        {"completion_date", C_DATE},
    {"completed_at", C_DATE},   {"date", C_DATE},             {"expiry", C_EXPIRY},         {"expires", C_EXPIRY},
    {"expiry_date", C_EXPIRY},  {"score", C_SCORE},           {"grade", C_SCORE},
};
static const char *const names[C__N] = {"username", "idnumber", "course", "programme", "completed", "expiry", "score"};

struct completion_upload {
    struct db *db;
    struct arena *a;
    struct upload u;
    int64_t actor_id, today;      /* today: the start of today (UTC); later dates are refused */
};

struct completion_row {
    int64_t user_id, course_id, programme_id, completed_at, expires_at;
    const char *username;
    bool has_score;
    double score;
};

static const char *col(const struct completion_upload *cu, enum ccol c)
{
    return upload_header(&cu->u, c, names[c]);
}

static void check_person(struct completion_upload *cu, struct course_import_row *row, const char **v,
                         struct completion_row *cr)
{
    bool by_name = *v[C_USERNAME] != '\0';
    const char *key = by_name ? v[C_USERNAME] : v[C_IDNUMBER];
    enum ccol c = by_name || cu->u.idx[C_IDNUMBER] < 0 ? C_USERNAME : C_IDNUMBER;
    if (!*key) {
        upload_row_error(cu->a, row, col(cu, c), "Give the person's username or idnumber.");
        return;
    }
    struct db_stmt *st = db_query(cu->db,
                                  by_name ? "SELECT id, username FROM users WHERE username = ?1 AND deleted_at IS NULL"
                                          : "SELECT id, username FROM users WHERE idnumber = ?1 AND deleted_at IS NULL",
                                  "s", key);
    if (st && db_step(st) == DB_ROW) {
        cr->user_id = db_col_int(st, 0);
        cr->username = model_col_str(cu->a, st, 1);
    }
    if (st) db_done(st);
    if (!cr->user_id)
        upload_row_error(cu->a, row, col(cu, c), "There is no person with the %s '%s'.", by_name ? "username" : "idnumber",
                         key);
}

static void check_item(struct completion_upload *cu, struct course_import_row *row, const char **v,
                       struct completion_row *cr)
{
    const char *course = v[C_COURSE], *programme = v[C_PROGRAMME];
    if (*course && *programme) {
        upload_row_error(cu->a, row, col(cu, C_PROGRAMME),
                         "Give a course or a programme, not both: one row records one completion.");
        return;
    }
    if (!*course && !*programme) {
        upload_row_error(cu->a, row, col(cu, cu->u.idx[C_COURSE] >= 0 ? C_COURSE : C_PROGRAMME),
                         "Give the code of the course or of the programme completed.");
        return;
    }
    if (*course && db_query_int(cu->db, &cr->course_id, "SELECT id FROM courses WHERE code = ?1", "s", course))
        upload_row_error(cu->a, row, col(cu, C_COURSE), "There is no course '%s'.", course);
    if (*programme && db_query_int(cu->db, &cr->programme_id, "SELECT id FROM programmes WHERE code = ?1", "s", programme))
        upload_row_error(cu->a, row, col(cu, C_PROGRAMME), "There is no programme '%s'.", programme);
}

/* The completion date (a real date, not after today), the expiry (after it) and the score. */
static void check_terms(struct completion_upload *cu, struct course_import_row *row, const char **v,
                        struct completion_row *cr)
{
    if (!*v[C_DATE])
        upload_row_error(cu->a, row, col(cu, C_DATE), "Give the completion date as YYYY-MM-DD.");
    else if (!course_parse_date(v[C_DATE], &cr->completed_at))
        upload_row_error(cu->a, row, col(cu, C_DATE), "'%s' is not a date; write YYYY-MM-DD, such as 2024-03-31.",
                         v[C_DATE]);
    else if (cr->completed_at > cu->today)
        upload_row_error(cu->a, row, col(cu, C_DATE), "The completion date %s is in the future.", v[C_DATE]);
    if (*v[C_EXPIRY] && !course_parse_date(v[C_EXPIRY], &cr->expires_at))
        upload_row_error(cu->a, row, col(cu, C_EXPIRY), "'%s' is not a date; write YYYY-MM-DD, or leave it empty.",
                         v[C_EXPIRY]);
    else if (cr->expires_at && cr->completed_at && cr->expires_at <= cr->completed_at)
        upload_row_error(cu->a, row, col(cu, C_EXPIRY), "The expiry %s must be after the completion date %s.",
                         v[C_EXPIRY], v[C_DATE]);
    if (*v[C_SCORE]) {
        char *end;
        cr->score = strtod(v[C_SCORE], &end);
        cr->has_score = true;
        if (*end || end == v[C_SCORE] || cr->score < 0 || cr->score > 100)
            upload_row_error(cu->a, row, col(cu, C_SCORE), "Give the score as a number from 0 to 100, or leave it empty.");
    }
}

/* This completion was brought in before (the same person, item and date). */
static bool already_recorded(struct completion_upload *cu, const struct completion_row *cr)
{
    int64_t one;
    return db_query_int(cu->db, &one,
                        "SELECT 1 FROM completion_history WHERE user_id = ?1 AND COALESCE(course_id, 0) = ?2 AND "
                        "COALESCE(programme_id, 0) = ?3 AND completed_at = ?4",
                        "iiii", cr->user_id, cr->course_id, cr->programme_id, cr->completed_at) == LE_OK;
}

/* A certification's expiry from the import: the file's, else its validity counted from the
 * imported completion. It becomes the assignment's expiry (a later one it has already stays), so
 * the expiry warnings, the renewal window and the states follow it as if certified in Lectern.
 * A plain programme's expiry stays in completion_history: nothing renews it. */
static lerr imported_expiry(struct completion_upload *cu, const struct completion_row *cr, struct problem *p)
{
    struct cert_rule rule;
    struct db_stmt *st = db_query(cu->db,
                                  "SELECT COALESCE(cert_valid_days, 0), COALESCE(cert_valid_until, ''), cert_window_days, "
                                  "cert_rhythm FROM programmes WHERE id = ?1",
                                  "i", cr->programme_id);
    if (!st || db_step(st) != DB_ROW) {
        if (st) db_done(st);
        return model_db_problem(p);
    }
    cert_rule_from_columns(&rule, db_col_int(st, 0), db_col_text(st, 1), db_col_int(st, 2), db_col_text(st, 3));
    db_done(st);
    if (!cert_rule_on(&rule)) return LE_OK;
    int64_t expires = cr->expires_at ? cr->expires_at : certification_expiry(&rule, cr->completed_at, 0);
    return db_run(cu->db,
                  "UPDATE programme_assignments SET expires_at = ?3 WHERE programme_id = ?1 AND user_id = ?2 AND "
                  "(expires_at IS NULL OR expires_at < ?3)",
                  "iii", cr->programme_id, cr->user_id, expires)
               ? model_db_problem(p)
               : LE_OK;
}

/* The person's assignment completed at the date: recorded (and ended when no rule matches
 * them) when they had none; a certification's with its expiry. */
static lerr complete_programme(struct completion_upload *cu, const struct completion_row *cr, struct problem *p)
{
    if (db_run(cu->db,
               "INSERT INTO programme_assignments (programme_id, user_id, assigned_at, completed_at) VALUES (?1, ?2, "
               "?3, ?3) ON CONFLICT (programme_id, user_id) DO UPDATE SET completed_at = excluded.completed_at WHERE "
               "programme_assignments.completed_at IS NULL",
               "iii", cr->programme_id, cr->user_id, cr->completed_at))
        return model_db_problem(p);
    lerr e = imported_expiry(cu, cr, p);
    return e ? e : programme_rules_sync(cu->db, cr->programme_id, cr->user_id, p);
}

/* In a savepoint of its own: a row the database refuses leaves the others to be checked. */
static lerr record(struct completion_upload *cu, const struct completion_row *cr, struct problem *p)
{
    bool changed;
    if (db_tx_begin(cu->db)) return model_db_problem(p);
    lerr e = cr->course_id ? enrolment_complete_on(cu->db, cu->a, cr->course_id, cr->username, cr->user_id,
                                                   cr->completed_at, cu->actor_id, &changed, p)
                           : complete_programme(cu, cr, p);
    struct db_stmt *st = e ? NULL
                           : db_query(cu->db,
                                      "INSERT INTO completion_history (user_id, course_id, programme_id, completed_at, "
                                      "expires_at, score, recorded_at, recorded_by) VALUES (?1, NULLIF(?2, 0), "
                                      "NULLIF(?3, 0), ?4, NULLIF(?5, 0), CASE WHEN ?6 = 1 THEN CAST(?7 AS DOUBLE PRECISION) END, ?8, ?9) "
                                      "RETURNING id",
                                      "iiiiiidii", cr->user_id, cr->course_id, cr->programme_id, cr->completed_at,
                                      cr->expires_at, (int64_t)cr->has_score, cr->score, time_now(), cu->actor_id);
    if (!e && (!st || db_step(st) != DB_ROW)) e = model_db_problem(p);
    if (st) db_done(st);
    if (db_tx_end(cu->db, e) && !e) e = model_db_problem(p);
    return e;
}

static void import_row(struct completion_upload *cu, struct course_import_result *r, int k)
{
    const char *v[C__N];
    struct course_import_row *row = &r->rows[k];
    if (!upload_row(&cu->u, r, k, v)) return;
    row->code = arena_sprintf(cu->a, "%s %s", *v[C_USERNAME] ? v[C_USERNAME] : v[C_IDNUMBER],
                              *v[C_COURSE] ? v[C_COURSE] : v[C_PROGRAMME]);
    struct completion_row cr = {0};
    check_person(cu, row, v, &cr);
    check_item(cu, row, v, &cr);
    check_terms(cu, row, v, &cr);
    if (row->n_errors) return;
    row->outcome = "record";
    if (already_recorded(cu, &cr)) {
        row->outcome = "unchanged";
        row->note = "recorded already";
        return;
    }
    struct problem p = {0};
    if (record(cu, &cr, &p))
        upload_row_error(cu->a, row, "", "%s", p.message[0] ? p.message : "The database could not record the completion.");
}

lerr completion_import_run(struct db *db, struct arena *a, const char *data, size_t len, bool commit,
                           int64_t actor_id, struct course_import_result *r, struct problem *p)
{
    int64_t now = time_now();
    struct completion_upload cu = {db, a, {0}, actor_id, now - now % 86400};
    if (!upload_open(&cu.u, a, data, len, columns, sizeof columns / sizeof columns[0], C__N, r)) return LE_OK;
    const char *missing = cu.u.idx[C_USERNAME] < 0 && cu.u.idx[C_IDNUMBER] < 0 ? "username (or idnumber)"
                          : cu.u.idx[C_COURSE] < 0 && cu.u.idx[C_PROGRAMME] < 0 ? "course (or programme)"
                          : cu.u.idx[C_DATE] < 0                                 ? "completed"
                                                                                 : NULL;
    if (missing) {
        r->file_error = arena_sprintf(a,
                                      "The file has no '%s' column. The first line must name the columns: username or "
                                      "idnumber, course or programme, completed, and optionally expiry and score.",
                                      missing);
        r->n_rows = 0;
        return LE_OK;
    }
    if (db_tx_begin(db)) return problem_set(p, LE_DB, "", "The database could not start the import; try again.");
    for (int k = 0; k < r->n_rows; k++) import_row(&cu, r, k);
    return upload_finish(db, r, "record", commit, p);
}
