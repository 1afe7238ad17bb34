/* Training done outside Lectern: entered by the person (or an administrator), with its date,
 * hours and optional evidence in the content store; it counts in the record once the person's
 * line manager (direct or not) or an administrator approves it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static lerr check_text(struct arena *a, const char *in, const char *field, size_t max, bool required,
                       const char **out, struct problem *p)
{
    const char *s = in ? in : "";
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (required && !n) return problem_set(p, LE_INVALID, field, "Say what the training was.");
    if (n > max) return problem_set(p, LE_INVALID, field, "Use at most %zu characters.", max);
    *out = arena_strndup(a, s, n);
    return LE_OK;
}

/* The date (YYYY-MM-DD, not after today) and the hours (more than 0, at most 1000). */
static lerr check_when(const struct external_input *in, int64_t *done_on, double *hours, struct problem *p)
{
    if (!in->date || !course_parse_date(in->date, done_on))
        return problem_set(p, LE_INVALID, "date", "Give the date it was done as YYYY-MM-DD, e.g. 2026-03-31.");
    if (*done_on > time_now())
        return problem_set(p, LE_INVALID, "date", "The date is in the future; give the day the training was done.");
    char *end = NULL;
    const char *h = in->hours ? in->hours : "";
    *hours = strtod(h, &end);
    if (!*h || !end || *end || !isfinite(*hours) || *hours <= 0 || *hours > 1000)
        return problem_set(p, LE_INVALID, "hours", "Give the hours as a number more than 0 and at most 1000, e.g. 7.5.");
    return LE_OK;
}

/* Stores the evidence file when there is one: sha_out "" when none. */
static lerr store_evidence(struct db *db, const char *data_dir, const struct external_input *in, const char **mime,
                           char sha_out[65], struct problem *p)
{
    sha_out[0] = '\0';
    *mime = "";
    if (!in->evidence_data || !in->evidence_len) return LE_OK;
    if ((int64_t)in->evidence_len > content_file_max)
        return problem_set(p, LE_TOOBIG, "evidence", "The file is %lld KiB; evidence may have at most %lld MiB.",
                           (long long)(in->evidence_len + 1023) / 1024, (long long)(content_file_max >> 20));
    lerr e = content_check_type(in->evidence_name, in->evidence_mime, in->evidence_data, in->evidence_len, mime, p);
    if (e) {
        snprintf(p->field, sizeof p->field, "evidence");
        return e;
    }
    return content_store_file(db, data_dir, in->evidence_data, in->evidence_len, *mime, sha_out, p);
}

lerr external_add(struct db *db, struct arena *a, const char *data_dir, int64_t user_id,
                  const struct external_input *in, int64_t actor_id, unsigned actor_roles, int64_t *id_out,
                  struct problem *p)
{
    bool admin = role_has_cap(actor_roles, CAP_USERS_MANAGE);
    if (actor_id != user_id && !admin)
        return problem_set(p, LE_FORBIDDEN, "", "Only the person themself or an administrator records their training.");
    const char *title, *provider, *mime;
    int64_t done_on = 0;
    double hours = 0;
    char sha[65];
    lerr e = check_text(a, in->title, "title", EXTERNAL_TITLE_MAX, true, &title, p);
    if (!e) e = check_text(a, in->provider, "provider", EXTERNAL_PROVIDER_MAX, false, &provider, p);
    if (!e) e = check_when(in, &done_on, &hours, p);
    if (e) return e;
    if ((e = db_tx_begin(db))) return model_db_problem(p);
    e = store_evidence(db, data_dir, in, &mime, sha, p);
    /* An administrator's entry for someone else is their approval too. */
    bool approved = admin && actor_id != user_id;
    int64_t now = time_now();
    if (!e) {
        struct db_stmt *st = db_query(
            db,
            "INSERT INTO external_training (user_id, title, provider, done_on, hours, evidence_sha256, evidence_name, "
            "evidence_mime, state, decided_by, decided_at, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, "
            "NULLIF(?6, ''), ?7, ?8, ?9, NULLIF(?10, 0), NULLIF(?11, 0), ?12, ?13) RETURNING id",
            "issidssssiiii", user_id, title, provider, done_on, hours, sha, *sha ? in->evidence_name : "", mime,
            approved ? "approved" : "pending", approved ? actor_id : (int64_t)0, approved ? now : (int64_t)0,
            actor_id, now);
        e = db_step(st) == DB_ROW ? LE_OK : LE_DB;
        if (!e) *id_out = db_col_int(st, 0);
        db_done(st);
        if (e) model_db_problem(p);
    }
    if (!e) {
        json_t *d = json_pack("{s:I, s:s, s:f, s:s}", "id", (json_int_t)*id_out, "title", title, "hours", hours,
                              "state", approved ? "approved" : "pending");
        if (audit_append(db, actor_id, "record.external_add", arena_sprintf(a, "user:%lld", (long long)user_id), d))
            e = model_db_problem(p);
        json_decref(d);
    }
    return db_tx_end(db, e);
}

#define ENTRY_COLUMNS                                                                                          \
    "t.id, t.user_id, t.done_on, COALESCE(t.decided_by, 0), COALESCE(t.decided_at, 0), t.created_at, "      \
    "u.username, TRIM(u.first_name || ' ' || u.last_name), t.title, t.provider, t.state, t.decline_reason, " \
    "COALESCE(t.evidence_sha256, ''), t.evidence_name, t.evidence_mime, t.hours "

static void entry_read(struct arena *a, struct db_stmt *st, struct external_entry *e)
{
    *e = (struct external_entry){
        .id = db_col_int(st, 0), .user_id = db_col_int(st, 1), .done_on = db_col_int(st, 2),
        .decided_by = db_col_int(st, 3), .decided_at = db_col_int(st, 4), .created_at = db_col_int(st, 5),
        .username = model_col_str(a, st, 6), .display_name = model_col_str(a, st, 7),
        .title = model_col_str(a, st, 8), .provider = model_col_str(a, st, 9), .state = model_col_str(a, st, 10),
        .decline_reason = model_col_str(a, st, 11), .evidence_sha256 = model_col_str(a, st, 12),
        .evidence_name = model_col_str(a, st, 13), .evidence_mime = model_col_str(a, st, 14),
        .hours = db_col_double(st, 15)};
}

lerr external_get(struct db *db, struct arena *a, int64_t id, struct external_entry *out, struct problem *p)
{
    struct db_stmt *st = db_query(db, "SELECT " ENTRY_COLUMNS "FROM external_training t JOIN users u ON u.id = "
                                      "t.user_id WHERE t.id = ?1",
                                  "i", id);
    int rc = db_step(st);
    if (rc == DB_ROW) entry_read(a, st, out);
    db_done(st);
    if (rc == DB_ROW) return LE_OK;
    if (rc == DB_DONE) return problem_set(p, LE_NOTFOUND, "id", "There is no such external training entry.");
    return model_db_problem(p);
}

json_t *external_entry_json(const struct external_entry *e)
{
    json_t *j = json_object();
    jset_int(j, "id", e->id);
    jset_str(j, "username", e->username);
    jset_str(j, "name", *e->display_name ? e->display_name : e->username);
    jset_str(j, "title", e->title);
    jset_str(j, "provider", e->provider);
    jset(j, "date", record_date_json(e->done_on));
    json_object_set_new(j, "hours", json_real(e->hours));
    jset_str(j, "state", e->state);
    jset_str(j, "decline_reason", e->decline_reason);
    jset_str(j, "evidence", *e->evidence_sha256 ? e->evidence_name : NULL);
    jset(j, "decided_at", model_json_time(e->decided_at));
    return j;
}

lerr external_decide(struct db *db, struct arena *a, int64_t id, bool approve, const char *reason, int64_t actor_id,
                     unsigned actor_roles, struct problem *p)
{
    struct external_entry e;
    lerr err = external_get(db, a, id, &e, p);
    if (err) return err;
    /* Someone who cannot see the person is told there is no such entry. */
    if (e.user_id == actor_id || !user_visible_to(db, actor_id, actor_roles, e.user_id)) {
        if (e.user_id == actor_id)
            return problem_set(p, LE_FORBIDDEN, "id", "Your own training is approved by your manager or an administrator.");
        return problem_set(p, LE_NOTFOUND, "id", "There is no such external training entry.");
    }
    const char *why = "";
    if (!approve && (err = check_text(a, reason, "reason", EXTERNAL_REASON_MAX, false, &why, p))) return err;
    if (!approve && !*why) return problem_set(p, LE_INVALID, "reason", "Say why it is declined, so they can fix it.");
    if ((err = db_tx_begin(db))) return model_db_problem(p);
    int64_t changed = 0;
    if (db_query_int(db, &changed,
                     "UPDATE external_training SET state = ?2, decided_by = ?3, decided_at = ?4, decline_reason = ?5 "
                     "WHERE id = ?1 AND state = 'pending' RETURNING id",
                     "isiis", id, approve ? "approved" : "declined", actor_id, time_now(), why) == LE_DB)
        err = model_db_problem(p);
    else if (!changed)
        err = problem_set(p, LE_CONFLICT, "id", "This entry was already %s.", e.state);
    if (!err) {
        json_t *d = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "title", e.title, "reason", why);
        if (audit_append(db, actor_id, approve ? "record.external_approve" : "record.external_decline",
                         arena_sprintf(a, "user:%lld", (long long)e.user_id), d))
            err = model_db_problem(p);
        json_decref(d);
    }
    return db_tx_end(db, err);
}

json_t *external_pending_json(struct db *db, struct arena *a, int64_t viewer_id, unsigned viewer_roles)
{
    bool all = role_has_cap(viewer_roles, CAP_USERS_MANAGE);
    struct db_stmt *st = db_query(db,
                                  "WITH RECURSIVE line(id) AS (SELECT id FROM users WHERE manager_id = ?1 UNION "
                                  "SELECT u.id FROM users u JOIN line ON u.manager_id = line.id) SELECT " ENTRY_COLUMNS
                                  "FROM external_training t JOIN users u ON u.id = t.user_id WHERE t.state = "
                                  "'pending' AND t.user_id <> ?1 AND (?2 = 1 OR t.user_id IN (SELECT id FROM line)) "
                                  "ORDER BY t.created_at, t.id LIMIT 500",
                                  "ii", viewer_id, (int64_t)all);
    json_t *list = json_array();
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct external_entry e;
        entry_read(a, st, &e);
        json_array_append_new(list, external_entry_json(&e));
    }
    db_done(st);
    if (rc != DB_DONE) {
        json_decref(list);
        return NULL;
    }
    return list;
}
