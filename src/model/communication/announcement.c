/* Writing announcements: who may announce to whom, the audience checked before anything is
 * kept (an audience of nobody is refused), publish and expire times, and ending one by hand.
 * Reading them is announcement_read.c; the email fan-out announcement_email.c. */
#include <stdio.h>
#include <string.h>
#include "internal.h"

bool announcement_live(int64_t publish_at, int64_t expire_at, int64_t now)
{
    return publish_at <= now && (expire_at == 0 || expire_at > now);
}

const char *announcement_importance(const char *name)
{
    if (!name || !*name) return "information";
    static const char *const known[] = {"information", "important", "urgent"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(name, known[i]) == 0) return known[i];
    return NULL;
}

lerr announcement_audience_count(struct db *db, int64_t id, int64_t *n_out)
{
    *n_out = 0;
    return db_query_int(db, n_out, ANNOUNCEMENT_REACH "SELECT COUNT(*) FROM reach", "i", id) == LE_DB ? LE_DB : LE_OK;
}

lerr announcement_reaches(struct db *db, int64_t id, int64_t user_id, bool *out)
{
    int64_t n = 0;
    lerr e = db_query_int(db, &n, ANNOUNCEMENT_REACH "SELECT COUNT(*) FROM reach WHERE user_id = ?2", "ii", id, user_id);
    *out = n > 0;
    return e == LE_DB ? LE_DB : LE_OK;
}

/* The stored shape of an audience: its kind and the one column that names it. */
struct audience {
    const char *kind;
    int64_t course_id, department_id, job_role_id;
    unsigned role_mask;
};

/* Who may announce to each kind of audience: the one table the form's choices and the checks
 * below read. */
static const struct {
    const char *kind;
    enum capability cap;
} audience_kinds[] = {
    {"site", CAP_ANNOUNCE_ANYONE},       {"course", CAP_ANNOUNCE_COURSE}, {"department", CAP_ANNOUNCE_ANYONE},
    {"job_role", CAP_ANNOUNCE_ANYONE},   {"role", CAP_ANNOUNCE_ANYONE},   {"team", CAP_ANNOUNCE_TEAM},
};

size_t announcement_audience_kinds(unsigned roles, const char **kinds, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof audience_kinds / sizeof audience_kinds[0] && n < max; i++)
        if (role_has_cap(roles, audience_kinds[i].cap)) kinds[n++] = audience_kinds[i].kind;
    return n;
}

/* Reads the audience of in, checking that actor may announce to it. */
static lerr audience_resolve(struct db *db, struct arena *a, const struct announcement_input *in, int64_t actor_id,
                             unsigned actor_roles, struct audience *out, struct problem *p)
{
    *out = (struct audience){.kind = in->audience ? in->audience : ""};
    bool admin = role_has_cap(actor_roles, CAP_ANNOUNCE_ANYONE);
    const char *k = out->kind;
    if (str_eq(k, "course")) {
        struct course c;
        if (!in->course_code || !*in->course_code)
            return problem_set(p, LE_INVALID, "course", "Choose the course the announcement is for.");
        if (course_get(db, a, in->course_code, actor_id, &c, p)) return p->code;
        if (!role_has_cap(actor_roles, CAP_ANNOUNCE_COURSE) || (!admin && !course_teaches(db, c.id, actor_id)))
            return problem_set(p, LE_FORBIDDEN, "course", "You may announce only to the courses you teach.");
        out->course_id = c.id;
        return LE_OK;
    }
    if (str_eq(k, "team")) {
        if (!role_has_cap(actor_roles, CAP_ANNOUNCE_TEAM))
            return problem_set(p, LE_FORBIDDEN, "audience", "Only managers may announce to their team.");
        return LE_OK;
    }
    if (!admin)
        return problem_set(p, LE_FORBIDDEN, "audience",
                           "Only administrators may announce to the site or an audience; instructors announce to "
                           "their courses and managers to their team.");
    if (str_eq(k, "site")) return LE_OK;
    if (str_eq(k, "department")) {
        struct department d;
        if (in->department_id <= 0 || department_get(db, a, in->department_id, &d, p))
            return problem_set(p, LE_INVALID, "department_id", "Choose a department that exists.");
        out->department_id = in->department_id;
        return LE_OK;
    }
    if (str_eq(k, "job_role")) {
        int64_t n = 0;
        if (in->job_role_id <= 0 ||
            db_query_int(db, &n, "SELECT COUNT(*) FROM job_roles WHERE id = ?1", "i", in->job_role_id) || !n)
            return problem_set(p, LE_INVALID, "job_role_id", "Choose a job role that exists.");
        out->job_role_id = in->job_role_id;
        return LE_OK;
    }
    if (str_eq(k, "role")) {
        struct problem rp = {0};
        out->role_mask = in->role && *in->role ? role_parse_list(in->role, &rp) : 0;
        if (!out->role_mask)
            return problem_set(p, LE_INVALID, "role", "Choose a site role: admin, manager, instructor or learner.");
        return LE_OK;
    }
    return problem_set(p, LE_INVALID, "audience",
                       "Choose who the announcement is for: site, course, department, job_role, role or team.");
}

/* Title, body, importance and times: the checks that need no database. */
static lerr input_check(const struct announcement_input *in, int64_t now, int64_t *publish_at, struct problem *p)
{
    if (!in->title || !*in->title) return problem_set(p, LE_INVALID, "title", "Give the announcement a title.");
    if (strlen(in->title) > ANNOUNCEMENT_TITLE_MAX)
        return problem_set(p, LE_INVALID, "title", "Keep the title to %d characters.", ANNOUNCEMENT_TITLE_MAX);
    if (!in->body || !*in->body) return problem_set(p, LE_INVALID, "body", "Write the announcement's text.");
    if (strlen(in->body) > ANNOUNCEMENT_BODY_MAX)
        return problem_set(p, LE_TOOBIG, "body", "Keep the text to %d characters.", ANNOUNCEMENT_BODY_MAX);
    if (!announcement_importance(in->importance))
        return problem_set(p, LE_INVALID, "importance", "Importance is information, important or urgent.");
    *publish_at = in->publish_at ? in->publish_at : now;
    if (in->expire_at && in->expire_at <= *publish_at)
        return problem_set(p, LE_INVALID, "expire_at", "The announcement must expire after it is published.");
    if (in->expire_at && in->expire_at <= now)
        return problem_set(p, LE_INVALID, "expire_at", "The expiry time has already passed; choose a later one.");
    return LE_OK;
}

static lerr insert_row(struct db *db, struct arena *a, const struct announcement_input *in, const struct audience *au,
                       int64_t publish_at, int64_t actor_id, int64_t now, int64_t *id_out)
{
    struct db_stmt *st = db_prepare(
        db, "INSERT INTO announcements (title, body, body_html, audience, course_id, department_id, job_role_id, "
            "role_mask, importance, pinned, email, publish_at, expire_at, author_id, created_at) VALUES (?1, ?2, ?3, "
            "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) RETURNING id");
    if (!st) return LE_DB;
    db_bind_text(st, 1, in->title);
    db_bind_text(st, 2, in->body);
    db_bind_text(st, 3, markdown_to_html(a, in->body));
    db_bind_text(st, 4, au->kind);
    bulk_bind_opt_int(st, 5, au->course_id);
    bulk_bind_opt_int(st, 6, au->department_id);
    bulk_bind_opt_int(st, 7, au->job_role_id);
    db_bind_int(st, 8, au->role_mask);
    db_bind_text(st, 9, announcement_importance(in->importance));
    db_bind_int(st, 10, in->pinned);
    db_bind_int(st, 11, in->email);
    db_bind_int(st, 12, publish_at);
    bulk_bind_opt_int(st, 13, in->expire_at);
    db_bind_int(st, 14, actor_id);
    db_bind_int(st, 15, now);
    return bulk_step_id(st, id_out) ? LE_DB : LE_OK;
}

/* The audit entry and, for an emailed one, the fan-out's first job at the publish time. */
static lerr after_insert(struct db *db, const struct announcement_input *in, const struct audience *au, int64_t id,
                         int64_t publish_at, int64_t actor_id, struct problem *p)
{
    json_t *d = json_pack("{s:s, s:s, s:s?, s:b}", "title", in->title, "audience", au->kind, "importance",
                          announcement_importance(in->importance), "email", in->email);
    char target[40];
    snprintf(target, sizeof target, "announcement:%lld", (long long)id);
    lerr e = audit_append(db, actor_id, "announcement.create", target, d) ? model_db_problem(p) : LE_OK;
    json_decref(d);
    if (!e && in->email) {
        json_t *payload = json_pack("{s:I}", "announcement_id", (json_int_t)id);
        e = job_enqueue(db, "announcement.email", payload, publish_at, 5, NULL, p);
        json_decref(payload);
    }
    return e;
}

lerr announcement_create(struct db *db, struct arena *a, const struct announcement_input *in, int64_t actor_id,
                         unsigned actor_roles, int64_t *id_out, struct problem *p)
{
    int64_t now = time_now(), publish_at = 0, id = 0, reach = 0;
    struct audience au;
    lerr e = input_check(in, now, &publish_at, p);
    if (!e) e = audience_resolve(db, a, in, actor_id, actor_roles, &au, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    if (insert_row(db, a, in, &au, publish_at, actor_id, now, &id) || announcement_audience_count(db, id, &reach))
        e = model_db_problem(p);
    /* Kept only when somebody would read it: the row is rolled back with the error. */
    if (!e && reach == 0)
        e = problem_set(p, LE_INVALID, str_eq(au.kind, "course") ? "course" : "audience",
                        "Nobody is in this audience yet, so nobody would see the announcement; choose another.");
    if (!e) e = after_insert(db, in, &au, id, publish_at, actor_id, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e && id_out) *id_out = id;
    return e;
}

lerr announcement_expire(struct db *db, int64_t id, int64_t actor_id, unsigned actor_roles, struct problem *p)
{
    int64_t author = 0, now = time_now();
    if (db_query_int(db, &author, "SELECT author_id FROM announcements WHERE id = ?1", "i", id))
        return problem_set(p, LE_NOTFOUND, "id", "There is no such announcement.");
    if (author != actor_id && !(actor_roles & ROLE_ADMIN))
        return problem_set(p, LE_FORBIDDEN, "id", "Only its author or an administrator may end an announcement.");
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = db_run(db,
                    "UPDATE announcements SET expire_at = ?2, publish_at = CASE WHEN publish_at > ?2 THEN ?2 ELSE "
                    "publish_at END WHERE id = ?1 AND (expire_at IS NULL OR expire_at > ?2)",
                    "ii", id, now)
                 ? model_db_problem(p)
                 : LE_OK;
    char target[40];
    snprintf(target, sizeof target, "announcement:%lld", (long long)id);
    json_t *d = json_object();
    if (!e && audit_append(db, actor_id, "announcement.expire", target, d)) e = model_db_problem(p);
    json_decref(d);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}
