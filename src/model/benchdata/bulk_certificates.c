/* Certificates for benchmarks: a template on the course of the first completed enrolment, and
 * a certificate for each of its first completions, as completing the course would have issued
 * them (certificate.c), so the verification page and the PDF have codes to be asked for. */
#include <stdio.h>
#include "benchdata.h"
#include "../internal.h"
#include "../records/records.h"

lerr bulk_certificates(struct db *db, int64_t now, size_t n, char (*codes)[CERT_CODE_LEN + 1], size_t *n_out,
                       char course_code[101])
{
    *n_out = 0;
    course_code[0] = '\0';
    int64_t course = 0;
    if (db_query_int(db, &course, "SELECT course_id FROM enrolments WHERE completed_at IS NOT NULL ORDER BY id LIMIT 1",
                     "") == LE_DB)
        return LE_DB;
    if (!course) return LE_OK;
    struct db_stmt *cs = db_query(db, "SELECT code FROM courses WHERE id = ?1", "i", course);
    if (db_step(cs) == DB_ROW) snprintf(course_code, 101, "%s", db_col_text(cs, 0));
    db_done(cs);
    if (db_run(db,
               "INSERT INTO certificate_templates (course_id, layout, title, body, updated_at) VALUES (?1, "
               "'landscape', 'Certificate of completion', 'This certifies that {{name}} completed {{course}} on "
               "{{date}}.', ?2) ON CONFLICT (course_id) DO NOTHING",
               "ii", course, now))
        return LE_DB;
    int64_t ids[256], users[256], done[256];
    size_t k = 0;
    struct db_stmt *st = db_query(db,
                                  "SELECT id, user_id, completed_at FROM enrolments WHERE course_id = ?1 AND "
                                  "completed_at IS NOT NULL ORDER BY id LIMIT ?2",
                                  "ii", course, (int64_t)(n < 256 ? n : 256));
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        ids[k] = db_col_int(st, 0), users[k] = db_col_int(st, 1), done[k++] = db_col_int(st, 2);
    db_done(st);
    if (rc != DB_DONE) return LE_DB;
    for (size_t i = 0; i < k; i++) {
        char key[48];
        snprintf(key, sizeof key, "enrolment:%lld", (long long)ids[i]);
        cert_code_new(codes[i]);
        if (db_run(db,
                   "INSERT INTO certificates (code, user_id, course_id, completion_key, completed_at, issued_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (completion_key, generation) DO NOTHING",
                   "siisi", (const char *)codes[i], users[i], course, (const char *)key, done[i]))
            return LE_DB;
    }
    *n_out = k;
    return LE_OK;
}
