/* Certificate templates: one per course or programme, its layout, an optional logo in the
 * content store, and a title and body whose only Mustache tags are the placeholders, so what an
 * administrator types always renders and never reaches anything but the certificate's facts. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

const char *const cert_placeholders[] = {"name", "course", "date", "expires", "code", NULL};

static bool known_placeholder(const char *name, size_t n)
{
    for (size_t i = 0; cert_placeholders[i]; i++)
        if (strlen(cert_placeholders[i]) == n && !memcmp(cert_placeholders[i], name, n)) return true;
    return false;
}

lerr cert_text_check(const char *text, const char *field, struct problem *p)
{
    for (const char *s = strstr(text, "{{"); s; s = strstr(s, "{{")) {
        const char *end = strstr(s + 2, "}}");
        const char *name = s + 2;
        while (end && name < end && *name == ' ') name++;
        size_t n = end ? (size_t)(end - name) : 0;
        while (n && name[n - 1] == ' ') n--;
        if (!end || !known_placeholder(name, n))
            return problem_set(p, LE_INVALID, field,
                               "Use only the placeholders {{name}}, {{course}}, {{date}}, {{expires}} and {{code}}.");
        s = end + 2;
    }
    return LE_OK;
}

static lerr check_text(struct arena *a, const char *in, const char *field, size_t max, const char **out,
                       struct problem *p)
{
    char *t = arena_trim(a, in ? in : "");
    if (!*t) return problem_set(p, LE_INVALID, field, str_eq(field, "title") ? "Give the certificate a title." :
                                                                              "Write the certificate's text.");
    if (utf8_chars(t) > max) return problem_set(p, LE_INVALID, field, "Use at most %zu characters.", max);
    *out = t;
    return cert_text_check(t, field, p);
}

static lerr check_input(struct arena *a, const struct cert_template_input *in, struct cert_template *t,
                        struct problem *p)
{
    t->layout = in->layout && *in->layout ? in->layout : "landscape";
    if (!str_eq(t->layout, "landscape") && !str_eq(t->layout, "portrait"))
        return problem_set(p, LE_INVALID, "layout", "Choose landscape or portrait.");
    lerr e = check_text(a, in->title, "title", CERT_TITLE_MAX, &t->title, p);
    if (!e) e = check_text(a, in->body, "body", CERT_BODY_MAX, &t->body, p);
    if (e) return e;
    const char *d = in->valid_days && *in->valid_days ? in->valid_days : "0";
    char *end = NULL;
    long long days = strtoll(d, &end, 10);
    if (*end || days < 0 || days > CERT_VALID_DAYS_MAX)
        return problem_set(p, LE_INVALID, "valid_days",
                           "Give the days a certificate is valid as a whole number from 0 (always) to %d.",
                           CERT_VALID_DAYS_MAX);
    t->valid_days = days;
    if (!in->logo_data || !in->logo_len) return LE_OK;
    if (in->logo_len > CERT_LOGO_MAX)
        return problem_set(p, LE_TOOBIG, "logo", "The logo is %zu KiB; it may have at most %d KiB.",
                           (in->logo_len + 1023) / 1024, CERT_LOGO_MAX / 1024);
    const char *mime = NULL;
    if (content_check_type(in->logo_name, in->logo_mime, in->logo_data, in->logo_len, &mime, p) ||
        !str_eq(mime, "image/png"))
        return problem_set(p, LE_INVALID, "logo", "The logo must be a PNG image.");
    return LE_OK;
}

lerr cert_programme_by_code(struct db *db, struct arena *a, const char *code, struct cert_owner *o,
                            const char **title, struct problem *p)
{
    struct db_stmt *st = db_query(db, "SELECT id, title FROM programmes WHERE code = ?1", "s", code ? code : "");
    int rc = db_step(st);
    if (rc == DB_ROW) *o = (struct cert_owner){.programme_id = db_col_int(st, 0)}, *title = model_col_str(a, st, 1);
    db_done(st);
    if (rc == DB_ROW) return LE_OK;
    if (rc == DB_DONE) return problem_set(p, LE_NOTFOUND, "code", "There is no programme '%s'.", code ? code : "");
    return model_db_problem(p);
}

#define TEMPLATE_COLUMNS "id, valid_days, updated_at, layout, title, body, COALESCE(logo_sha256, '') "

lerr cert_template_get(struct db *db, struct arena *a, struct cert_owner o, struct cert_template *out,
                       struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT " TEMPLATE_COLUMNS "FROM certificate_templates WHERE course_id = ?1 OR "
                                  "programme_id = ?2",
                                  "ii", o.course_id ? o.course_id : -1, o.programme_id ? o.programme_id : -1);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = (struct cert_template){.id = db_col_int(st, 0), .valid_days = db_col_int(st, 1),
                                      .updated_at = db_col_int(st, 2), .layout = model_col_str(a, st, 3),
                                      .title = model_col_str(a, st, 4), .body = model_col_str(a, st, 5),
                                      .logo_sha256 = model_col_str(a, st, 6)};
    db_done(st);
    if (rc == DB_ROW) return LE_OK;
    if (rc == DB_DONE) return problem_set(p, LE_NOTFOUND, "", "There is no certificate template yet.");
    return model_db_problem(p);
}

json_t *cert_template_json(const struct cert_template *t)
{
    json_t *j = json_object();
    jset_str(j, "layout", t->layout);
    jset_str(j, "title", t->title);
    jset_str(j, "body", t->body);
    jset_int(j, "valid_days", t->valid_days);
    json_object_set_new(j, "logo", json_boolean(*t->logo_sha256));
    jset(j, "updated_at", model_json_time(t->updated_at));
    return j;
}

static lerr template_audit(struct db *db, struct arena *a, struct cert_owner o, const char *action, json_t *d,
                           int64_t actor_id, struct problem *p)
{
    const char *target = o.course_id ? arena_sprintf(a, "course:%lld", (long long)o.course_id)
                                     : arena_sprintf(a, "programme:%lld", (long long)o.programme_id);
    lerr e = audit_append(db, actor_id, action, target, d) ? model_db_problem(p) : LE_OK;
    json_decref(d);
    return e;
}

lerr cert_template_set(struct db *db, struct arena *a, const char *data_dir, struct cert_owner o,
                       const struct cert_template_input *in, int64_t actor_id, struct problem *p)
{
    struct cert_template t = {0};
    lerr e = check_input(a, in, &t, p);
    if (e) return e;
    char sha[65] = "";
    if (db_tx_begin(db)) return model_db_problem(p);
    if (in->logo_data && in->logo_len)
        e = content_store_file(db, data_dir, in->logo_data, in->logo_len, "image/png", sha, p);
    /* One statement for a first save and every later one: the owner's unique column decides. */
    const char *upsert =
        o.course_id ? "INSERT INTO certificate_templates (course_id, layout, title, body, valid_days, logo_sha256, "
                      "updated_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, ''), ?8, ?9) ON CONFLICT "
                      "(course_id) DO UPDATE SET layout = ?2, title = ?3, body = ?4, valid_days = ?5, logo_sha256 = "
                      "CASE WHEN ?7 = 1 THEN NULL ELSE COALESCE(NULLIF(?6, ''), certificate_templates.logo_sha256) "
                      "END, updated_by = ?8, updated_at = ?9"
                    : "INSERT INTO certificate_templates (programme_id, layout, title, body, valid_days, "
                      "logo_sha256, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, ''), ?8, ?9) ON "
                      "CONFLICT (programme_id) DO UPDATE SET layout = ?2, title = ?3, body = ?4, valid_days = ?5, "
                      "logo_sha256 = CASE WHEN ?7 = 1 THEN NULL ELSE COALESCE(NULLIF(?6, ''), "
                      "certificate_templates.logo_sha256) END, updated_by = ?8, updated_at = ?9";
    if (!e && db_run(db, upsert, "isssisiii", o.course_id ? o.course_id : o.programme_id, t.layout, t.title, t.body,
                     t.valid_days, (const char *)sha, (int64_t)(in->remove_logo && !*sha), actor_id, time_now()))
        e = model_db_problem(p);
    if (!e)
        e = template_audit(db, a, o, "record.certificate_template",
                           json_pack("{s:s, s:s, s:I}", "layout", t.layout, "title", t.title, "valid_days",
                                     (json_int_t)t.valid_days),
                           actor_id, p);
    return db_tx_end(db, e);
}

lerr cert_template_delete(struct db *db, struct arena *a, struct cert_owner o, int64_t actor_id, struct problem *p)
{
    struct cert_template t;
    lerr e = cert_template_get(db, a, o, &t, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    if (db_run(db, "DELETE FROM certificate_templates WHERE id = ?1", "i", t.id)) e = model_db_problem(p);
    if (!e) e = template_audit(db, a, o, "record.certificate_template_delete", json_pack("{s:s}", "title", t.title),
                               actor_id, p);
    return db_tx_end(db, e);
}
