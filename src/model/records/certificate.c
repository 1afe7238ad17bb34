/* Certificates: issued on completion in the transaction that records it (so a completion and its
 * certificate are never apart), found by their public code, revoked and reissued by
 * administrators. The completion key (the enrolment, or the programme assignment and its cycle)
 * with the generation is unique, which makes issuing happen once per completion however often
 * the hook runs. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

const char *cert_state(int64_t expires_at, int64_t revoked_at, int64_t now)
{
    if (revoked_at) return "revoked";
    if (expires_at && expires_at <= now) return "expired";
    return "valid";
}

bool cert_code_ok(const char *s)
{
    if (!s || strlen(s) != CERT_CODE_LEN) return false;
    for (const char *c = s; *c; c++)
        if (!strchr(CERT_CODE_ALPHABET, toupper((unsigned char)*c))) return false;
    return true;
}

void cert_code_new(char out[CERT_CODE_LEN + 1])
{
    random_code(out, CERT_CODE_LEN, CERT_CODE_ALPHABET);
}

/* Inserts one certificate; nothing when that completion's generation exists already. */
static lerr issue(struct db *db, int64_t user_id, int64_t course_id, int64_t programme_id, const char *key,
                  int64_t generation, int64_t completed_at, int64_t expires_at, int64_t actor_id, char code[])
{
    cert_code_new(code);
    return db_run(db,
                  "INSERT INTO certificates (code, user_id, course_id, programme_id, completion_key, generation, "
                  "completed_at, issued_at, expires_at, issued_by) VALUES (?1, ?2, NULLIF(?3, 0), NULLIF(?4, 0), ?5, "
                  "?6, ?7, ?8, NULLIF(?9, 0), ?10) ON CONFLICT (completion_key, generation) DO NOTHING",
                  "siiisiiiii", (const char *)code, user_id, course_id, programme_id, key, generation, completed_at,
                  time_now(), expires_at, actor_id);
}

/* The programmes of the course this person has completed with a template and no certificate
 * for the cycle yet. At most a few rows: read them, then issue each. */
#define PROGRAMMES_MAX 32
static lerr issue_programmes(struct db *db, int64_t course_id, int64_t user_id)
{
    int64_t prog[PROGRAMMES_MAX], aid[PROGRAMMES_MAX], cycle[PROGRAMMES_MAX], done[PROGRAMMES_MAX],
        expires[PROGRAMMES_MAX];
    int n = 0;
    struct db_stmt *st = db_query(
        db,
        "SELECT pa.programme_id, pa.id, pa.cycle, pa.completed_at, COALESCE(pa.expires_at, 0) FROM "
        "programme_assignments pa JOIN certificate_templates t ON t.programme_id = pa.programme_id WHERE pa.user_id "
        "= ?1 AND pa.completed_at IS NOT NULL AND pa.ended_at IS NULL AND EXISTS (SELECT 1 FROM programme_sets s "
        "JOIN programme_set_courses sc ON sc.set_id = s.id WHERE s.programme_id = pa.programme_id AND sc.course_id "
        "= ?2)",
        "ii", user_id, course_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW && n < PROGRAMMES_MAX) {
        prog[n] = db_col_int(st, 0), aid[n] = db_col_int(st, 1), cycle[n] = db_col_int(st, 2);
        done[n] = db_col_int(st, 3), expires[n++] = db_col_int(st, 4);
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return LE_DB;
    for (int i = 0; i < n; i++) {
        char key[80], code[CERT_CODE_LEN + 1];
        snprintf(key, sizeof key, "programme:%lld:%lld", (long long)aid[i], (long long)cycle[i]);
        if (issue(db, user_id, 0, prog[i], key, 0, done[i], expires[i], 0, code)) return LE_DB;
    }
    return LE_OK;
}

lerr certificates_on_course_complete(struct db *db, int64_t course_id, int64_t user_id, struct problem *p)
{
    int64_t enrolment_id = 0, completed_at = 0, valid_days = 0;
    struct db_stmt *st = db_query(db,
                                  "SELECT e.id, e.completed_at, t.valid_days FROM enrolments e JOIN "
                                  "certificate_templates t ON t.course_id = e.course_id WHERE e.course_id = ?1 AND "
                                  "e.user_id = ?2 AND e.unenrolled_at IS NULL AND e.completed_at IS NOT NULL",
                                  "ii", course_id, user_id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        enrolment_id = db_col_int(st, 0), completed_at = db_col_int(st, 1), valid_days = db_col_int(st, 2);
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return model_db_problem(p);
    if (enrolment_id) {
        char key[48], code[CERT_CODE_LEN + 1];
        snprintf(key, sizeof key, "enrolment:%lld", (long long)enrolment_id);
        if (issue(db, user_id, course_id, 0, key, 0, completed_at, valid_days ? completed_at + valid_days * 86400 : 0,
                  0, code))
            return model_db_problem(p);
    }
    return issue_programmes(db, course_id, user_id) ? model_db_problem(p) : LE_OK;
}

/* Everything a certificate's page, PDF and verification need, in one query. */
#define CERT_SELECT                                                                                              \
    "SELECT k.id, k.user_id, COALESCE(k.course_id, 0), COALESCE(k.programme_id, 0), k.generation, "             \
    "k.completed_at, k.issued_at, COALESCE(k.expires_at, 0), COALESCE(k.revoked_at, 0), k.code, u.username, "    \
    "TRIM(u.first_name || ' ' || u.last_name), COALESCE(c.code, p.code), COALESCE(c.title, p.title), "          \
    "k.revoke_reason, COALESCE(t.layout, 'landscape'), COALESCE(t.title, ''), COALESCE(t.body, ''), "          \
    "COALESCE(t.logo_sha256, '') FROM certificates k JOIN users u ON u.id = k.user_id LEFT JOIN courses c ON "  \
    "c.id = k.course_id LEFT JOIN programmes p ON p.id = k.programme_id LEFT JOIN certificate_templates t ON "  \
    "t.course_id = k.course_id OR t.programme_id = k.programme_id "

static void cert_read(struct arena *a, struct db_stmt *st, struct certificate *c)
{
    *c = (struct certificate){
        .id = db_col_int(st, 0), .user_id = db_col_int(st, 1), .course_id = db_col_int(st, 2),
        .programme_id = db_col_int(st, 3), .generation = db_col_int(st, 4), .completed_at = db_col_int(st, 5),
        .issued_at = db_col_int(st, 6), .expires_at = db_col_int(st, 7), .revoked_at = db_col_int(st, 8),
        .code = model_col_str(a, st, 9), .username = model_col_str(a, st, 10), .name = model_col_str(a, st, 11),
        .what_code = model_col_str(a, st, 12), .what_title = model_col_str(a, st, 13),
        .revoke_reason = model_col_str(a, st, 14), .layout = model_col_str(a, st, 15),
        .title = model_col_str(a, st, 16), .body = model_col_str(a, st, 17), .logo_sha256 = model_col_str(a, st, 18)};
    if (!*c->name) c->name = c->username;
}

lerr certificate_by_code(struct db *db, struct arena *a, const char *code, struct certificate *out,
                         struct problem *p)
{
    if (!cert_code_ok(code)) return problem_set(p, LE_NOTFOUND, "code", "There is no certificate with this code.");
    char *upper = arena_strdup(a, code);
    for (char *c = upper; *c; c++) *c = (char)toupper((unsigned char)*c);
    struct db_stmt *st = db_query(db, CERT_SELECT "WHERE k.code = ?1", "s", (const char *)upper);
    int rc = db_step(st);
    if (rc == DB_ROW) cert_read(a, st, out);
    db_done(st);
    if (rc == DB_ROW) return LE_OK;
    if (rc == DB_DONE) return problem_set(p, LE_NOTFOUND, "code", "There is no certificate with this code.");
    return model_db_problem(p);
}

json_t *certificate_json(const struct certificate *c, int64_t now)
{
    json_t *j = json_object();
    jset_str(j, "code", c->code);
    jset_str(j, "state", cert_state(c->expires_at, c->revoked_at, now));
    jset_str(j, "username", c->username);
    jset_str(j, "name", c->name);
    jset_str(j, c->course_id ? "course" : "programme", c->what_code);
    jset_str(j, "title", c->what_title);
    jset(j, "completed_at", model_json_time(c->completed_at));
    jset(j, "issued_at", model_json_time(c->issued_at));
    jset(j, "expires_at", c->expires_at ? model_json_time(c->expires_at) : json_null());
    jset(j, "revoked_at", c->revoked_at ? model_json_time(c->revoked_at) : json_null());
    jset_str(j, "revoke_reason", c->revoke_reason);
    jset_int(j, "generation", c->generation);
    return j;
}

json_t *owner_certificates_json(struct db *db, struct arena *a, struct cert_owner o, int limit)
{
    struct db_stmt *st = db_query(db,
                                  CERT_SELECT "WHERE k.course_id = ?1 OR k.programme_id = ?2 ORDER BY k.issued_at "
                                              "DESC, k.id DESC LIMIT ?3",
                                  "iii", o.course_id ? o.course_id : -1, o.programme_id ? o.programme_id : -1,
                                  (int64_t)limit);
    json_t *list = json_array();
    int64_t now = time_now();
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct certificate c;
        cert_read(a, st, &c);
        json_array_append_new(list, certificate_json(&c, now));
    }
    db_done(st);
    if (rc != DB_DONE) {
        json_decref(list);
        return NULL;
    }
    return list;
}

static lerr cert_audit(struct db *db, struct arena *a, int64_t actor_id, const char *action,
                       const struct certificate *c, json_t *d, struct problem *p)
{
    lerr e = audit_append(db, actor_id, action, arena_sprintf(a, "user:%lld", (long long)c->user_id), d) ? model_db_problem(p)
                                                                                           : LE_OK;
    json_decref(d);
    return e;
}

/* Marks it revoked inside the caller's transaction; LE_CONFLICT when it was already. */
static lerr mark_revoked(struct db *db, const struct certificate *c, const char *reason, int64_t actor_id,
                         struct problem *p)
{
    int64_t changed = 0;
    if (db_query_int(db, &changed,
                     "UPDATE certificates SET revoked_at = ?2, revoked_by = ?3, revoke_reason = ?4 WHERE id = ?1 "
                     "AND revoked_at IS NULL RETURNING id",
                     "iiis", c->id, time_now(), actor_id, reason) == LE_DB)
        return model_db_problem(p);
    return changed ? LE_OK : problem_set(p, LE_CONFLICT, "code", "This certificate was revoked already.");
}

lerr certificate_revoke(struct db *db, struct arena *a, const char *code, const char *reason, int64_t actor_id,
                        struct problem *p)
{
    struct certificate c;
    lerr e = certificate_by_code(db, a, code, &c, p);
    if (e) return e;
    const char *why = arena_trim(a, reason ? reason : "");
    if (!*why) return problem_set(p, LE_INVALID, "reason", "Say why the certificate is revoked.");
    if (utf8_chars(why) > 1000) return problem_set(p, LE_INVALID, "reason", "Use at most 1000 characters.");
    if (db_tx_begin(db)) return model_db_problem(p);
    e = mark_revoked(db, &c, why, actor_id, p);
    if (!e)
        e = cert_audit(db, a, actor_id, "record.certificate_revoke", &c,
                       json_pack("{s:s, s:s, s:s}", "code", c.code, "title", c.what_title, "reason", why), p);
    return db_tx_end(db, e);
}

lerr certificate_reissue(struct db *db, struct arena *a, const char *code, int64_t actor_id, const char **code_out,
                         struct problem *p)
{
    struct certificate c;
    lerr e = certificate_by_code(db, a, code, &c, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    if (!c.revoked_at) e = mark_revoked(db, &c, "Reissued", actor_id, p);
    /* The next generation of the same completion: the highest there is plus one. */
    int64_t next = 0;
    if (!e && db_query_int(db, &next,
                           "SELECT MAX(generation) + 1 FROM certificates WHERE completion_key = (SELECT "
                           "completion_key FROM certificates WHERE id = ?1)",
                           "i", c.id) == LE_DB)
        e = model_db_problem(p);
    char *fresh = arena_alloc(a, CERT_CODE_LEN + 1);
    cert_code_new(fresh);
    if (!e) {
        struct db_stmt *st = db_query(
            db,
            "INSERT INTO certificates (code, user_id, course_id, programme_id, completion_key, generation, "
            "completed_at, issued_at, expires_at, issued_by) SELECT ?1, user_id, course_id, programme_id, "
            "completion_key, ?2, completed_at, ?3, expires_at, ?4 FROM certificates WHERE id = ?5 RETURNING id",
            "siiii", (const char *)fresh, next, time_now(), actor_id, c.id);
        e = db_step(st) == DB_ROW ? LE_OK : model_db_problem(p);
        db_done(st);
    }
    if (!e)
        e = cert_audit(db, a, actor_id, "record.certificate_reissue", &c,
                       json_pack("{s:s, s:s, s:s}", "code", c.code, "new_code", fresh, "title", c.what_title), p);
    if (!(e = db_tx_end(db, e))) *code_out = fresh;
    return e;
}

void records_init(void)
{
    course_on_complete(certificates_on_course_complete);
}
