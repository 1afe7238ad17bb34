/* The schedules domain's start and the helpers its files share. */
#include <time.h>
#include "internal.h"

/* Programme rules that name the department or job role: "the programmes A, B and more". */
static lerr programmes_naming(struct db *db, struct arena *a, enum org_kind kind, int64_t id, const char **what)
{
    *what = NULL;
    struct db_stmt *st = db_query(db,
                                  kind == ORG_DEPARTMENT
                                      ? "SELECT DISTINCT p.code FROM programme_rules r JOIN programmes p ON p.id = "
                                        "r.programme_id WHERE r.department_id = ?1 ORDER BY p.code LIMIT 3"
                                      : "SELECT DISTINCT p.code FROM programme_rules r JOIN programmes p ON p.id = "
                                        "r.programme_id WHERE r.job_role_id = ?1 ORDER BY p.code LIMIT 3",
                                  "i", id);
    const char *list = NULL;
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *code = db_col_text(st, 0);
        list = n == 0 ? arena_strdup(a, code) : n == 1 ? arena_sprintf(a, "%s, %s", list, code)
                                                       : arena_sprintf(a, "%s and more", list);
        n++;
    }
    db_done(st);
    if (rc != DB_DONE) return LE_DB;
    if (n) *what = arena_sprintf(a, "the assignment%s of the programme%s %s", n == 1 ? "" : "s", n == 1 ? "" : "s", list);
    return LE_OK;
}

/* A person moved: their assignments follow them. Someone with a new manager takes their whole
 * reporting line with them, so when they have people below them, the programmes assigned to a
 * reporting line are brought in step for everyone (other rules never look at managers, and a
 * programme's sync costs its own people, not a pass per person of the line). */
static lerr assignments_follow_person(struct db *db, int64_t user_id, struct problem *p)
{
    lerr e = programme_rules_sync(db, 0, user_id, p);
    int64_t x;
    if (e || !user_id) return e;
    lerr q = db_query_int(db, &x, "SELECT 1 FROM users WHERE manager_id = ?1 LIMIT 1", "i", user_id);
    if (q == LE_NOTFOUND) return LE_OK;
    if (q) return model_db_problem(p);
    int64_t ids[64];
    int n = 0, rc;
    struct db_stmt *st =
        db_query(db, "SELECT DISTINCT programme_id FROM programme_rules WHERE kind = 'team' ORDER BY programme_id", "");
    while ((rc = db_step(st)) == DB_ROW && n < 64) ids[n++] = db_col_int(st, 0);
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return model_db_problem(p);
    /* More programmes by reporting line than fit: one sync of all of them. */
    if (rc == DB_ROW) return programme_rules_sync(db, 0, 0, p);
    for (int i = 0; i < n && !e; i++) e = programme_rules_sync(db, ids[i], 0, p);
    return e;
}

void schedules_init(void)
{
    people_on_moved(assignments_follow_person);
    people_on_org_references(programmes_naming);
    course_on_complete(programme_course_completed);
}

lerr schedules_audit(struct db *db, struct arena *a, int64_t actor_id, const char *action, const char *code,
                     json_t *d, struct problem *p)
{
    lerr e = audit_append(db, actor_id, action, arena_sprintf(a, "programme:%s", code), d) ? model_db_problem(p)
                                                                                            : LE_OK;
    json_decref(d);
    return e;
}

const char *schedules_date(struct arena *a, int64_t t)
{
    if (!t) return NULL;
    time_t w = (time_t)t;
    struct tm tm;
    gmtime_r(&w, &tm);
    return arena_sprintf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
