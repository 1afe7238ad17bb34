/* The records domain (docs/records.md): a person's training record, gathered from every domain
 * below it through one table of record sources (record.c), and the training people did outside
 * Lectern (external.c), which counts once their line manager or an administrator approves it.
 * It uses people, courses, assessments, planning and schedules, and none of them knows it. */
#ifndef LECTERN_MODEL_RECORDS_H
#define LECTERN_MODEL_RECORDS_H

#include "../schedules/schedules.h"

/* ---- The training record (record.c) ----
 * {courses, quizzes, classroom, history, policies, external}: each a list of rows
 * {title, code, status, percent, started_at, finished_at, due_at, expires_at, score, hours, id,
 * detail} (what a row holds depends on its section; see docs/records.md), read in one query,
 * plus {programmes} (the schedules domain's plan, one query more) and {hours: {total, by_year:
 * [{year, hours}]}} counted from the rows: completed courses, attended classes and approved
 * external training. NULL on a database failure. */
json_t *record_json(struct db *db, struct arena *a, int64_t user_id);
/* Whether the viewer may read the person's record: themself, their managers up the line, and
 * administrators (as user_visible_to). */
bool record_visible_to(struct db *db, int64_t viewer_id, unsigned viewer_roles, int64_t user_id);

/* ---- The manager's team (team.c) ---- */
/* Certifications expiring within this many days are shown as expiring. */
#define TEAM_EXPIRING_DAYS 60
/* A page (from 1) of the people below manager_id, by name: direct reports only, or everyone
 * down the line: [{username, name, depth (1 = direct), manager, enrolled, completed, percent,
 * overdue (courses and programmes past their due date), next_class (the next booked event's
 * start, or null), certifications_expired, certifications_expiring}], in one query; *total_out
 * the number on every page. NULL on a database failure. */
json_t *team_json(struct db *db, struct arena *a, int64_t manager_id, bool direct_only, int page, int per_page,
                  int *total_out);
/* What waits for the manager's decision: {bookings, enrolment_requests, external_training,
 * total}, in one query; NULL on a database failure. */
json_t *team_waiting_json(struct db *db, int64_t manager_id);

/* ---- External training (external.c) ---- */
#define EXTERNAL_TITLE_MAX 255
#define EXTERNAL_PROVIDER_MAX 255
#define EXTERNAL_REASON_MAX 1000
struct external_input {
    const char *title, *provider;
    const char *date;             /* "YYYY-MM-DD", not in the future */
    const char *hours;            /* a number of hours, more than 0 and at most 1000, e.g. "7.5" */
    /* The evidence file, NULL data = none: a course file's types and size (content_file_max). */
    const char *evidence_name, *evidence_mime;
    const unsigned char *evidence_data;
    size_t evidence_len;
};
/* Records training user_id did elsewhere, entered by actor (themself or an administrator;
 * the caller checks who may), pending approval; an administrator's own entry for someone else
 * is approved at once. Bad fields are refused at their field and nothing is written. Audited
 * (record.external_add). */
lerr external_add(struct db *db, struct arena *a, const char *data_dir, int64_t user_id,
                  const struct external_input *in, int64_t actor_id, unsigned actor_roles, int64_t *id_out,
                  struct problem *p);
struct external_entry {
    int64_t id, user_id, done_on, decided_by, decided_at, created_at;
    const char *username, *display_name, *title, *provider, *state, *decline_reason;
    const char *evidence_sha256, *evidence_name, *evidence_mime;  /* "" = no evidence */
    double hours;
};
lerr external_get(struct db *db, struct arena *a, int64_t id, struct external_entry *out, struct problem *p);
/* Approves (approve true) or declines with a reason a pending entry: its person's line manager
 * (direct or not) or an administrator, never the person themself. A second decision is
 * LE_CONFLICT. Audited (record.external_approve / record.external_decline). */
lerr external_decide(struct db *db, struct arena *a, int64_t id, bool approve, const char *reason, int64_t actor_id,
                     unsigned actor_roles, struct problem *p);
/* The pending entries the viewer may decide, oldest first (administrators: everyone's). */
json_t *external_pending_json(struct db *db, struct arena *a, int64_t viewer_id, unsigned viewer_roles);
json_t *external_entry_json(const struct external_entry *e);

/* ---- Reports (report.c, report_sources.c, docs/reports.md) ----
 * A report reads one source (enrolments, activity_progress, quiz_attempts, quiz_answers,
 * people, signins, attendance, certifications, training_hours): a page of its rows with the
 * chosen columns, or its rows grouped with aggregates (count, completion_rate, average_score,
 * hours); always within the viewer's scope (administrators everything; managers their
 * reporting line; instructors the courses they teach). The definition is JSON:
 * {source, columns: [KEY], filters: {department: ID (its subtree), job_role: ID, manager:
 * USERNAME (their line), course: CODE, category: ID, status: VALUE, username: NAME,
 * <time column>: {from: DATE, to: DATE}}, group_by: [KEY or KEY:day|week|month|year],
 * aggregates: [NAME], sort: KEY or -KEY, page, per_page}. */
#define REPORT_PER_PAGE_MAX 1000
#define REPORT_GROUPS_MAX 20000
struct report_viewer {
    int64_t id;
    unsigned roles;
};
/* Checks def and runs it: out = {source, columns: [{key, type}], rows: [{key: value}], totals:
 * {rows, <aggregates>}, page, per_page, total, grouped}. Bad definitions are LE_INVALID naming
 * the field ("source", "columns[1]", "filters.department", "group_by[0]", "sort", ...). */
lerr report_run(struct db *db, struct arena *a, json_t *def, const struct report_viewer *v, json_t **out,
                struct problem *p);
/* The whole report as CSV (UTF-8, CRLF; a byte order mark first when bom, for Excel): every row
 * of a plain report (at most REPORT_EXPORT_MAX, else LE_TOOBIG), every group of a grouped one,
 * in the report's order; the header row is the column keys. */
#define REPORT_EXPORT_MAX 1000000
lerr report_export_csv(struct db *db, struct arena *a, json_t *def, const struct report_viewer *v, bool bom,
                       struct buf *out, struct problem *p);
/* Every source with its columns, what they group by, its statuses and aggregates, for the
 * builder's form and GET /api/v1/reports/sources. */
json_t *report_sources_json(void);
/* The ready-made reports (report_ready.c): [{id, source, definition}]. */
struct report_ready {
    const char *id;               /* "completion-by-course" */
    const char *source;
    const char *definition;       /* JSON, as report_run reads it */
};
const struct report_ready *report_ready_find(const char *id);
json_t *report_ready_json(void);
/* ---- Certificates (certificate_template.c, certificate.c) ----
 * A course or programme may have a certificate template; completing it issues a certificate
 * with a public verification code, in the transaction that records the completion. */
#define CERT_TITLE_MAX 200
#define CERT_BODY_MAX 2000
#define CERT_VALID_DAYS_MAX 36500
#define CERT_LOGO_MAX (1024 * 1024)
/* Codes: 16 letters of an alphabet without look-alikes (0/O, 1/I/L): 80 random bits. */
#define CERT_CODE_LEN 16
#define CERT_CODE_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
/* The placeholders a template's title and body may use, and nothing else. */
extern const char *const cert_placeholders[];

/* A course's (course_id) or programme's (programme_id) template; exactly one of them is set. */
struct cert_owner {
    int64_t course_id, programme_id;
};
struct cert_template {
    int64_t id, valid_days, updated_at;
    const char *layout;           /* "landscape" or "portrait" */
    const char *title, *body;     /* Mustache text with the placeholders */
    const char *logo_sha256;      /* "" = no logo */
};
struct cert_template_input {
    const char *layout, *title, *body;
    const char *valid_days;       /* whole days a course's certificate is valid, "" or "0" = always */
    /* A new logo (a PNG of at most CERT_LOGO_MAX bytes), NULL data = keep the one there is. */
    const char *logo_name, *logo_mime;
    const unsigned char *logo_data;
    size_t logo_len;
    bool remove_logo;
};
/* The programme with this code (programme_id set) and its title, or LE_NOTFOUND. */
lerr cert_programme_by_code(struct db *db, struct arena *a, const char *code, struct cert_owner *o,
                            const char **title, struct problem *p);
/* The template, or LE_NOTFOUND. */
lerr cert_template_get(struct db *db, struct arena *a, struct cert_owner o, struct cert_template *out,
                       struct problem *p);
/* Creates or replaces the template; bad fields are refused at their field and nothing is
 * written. Audited (record.certificate_template). */
lerr cert_template_set(struct db *db, struct arena *a, const char *data_dir, struct cert_owner o,
                       const struct cert_template_input *in, int64_t actor_id, struct problem *p);
/* Stops issuing certificates for the owner; those issued stay valid. Audited. */
lerr cert_template_delete(struct db *db, struct arena *a, struct cert_owner o, int64_t actor_id, struct problem *p);
/* LE_INVALID naming field when text uses anything but {{placeholder}} of cert_placeholders. */
lerr cert_text_check(const char *text, const char *field, struct problem *p);
json_t *cert_template_json(const struct cert_template *t);

struct certificate {
    int64_t id, user_id, course_id, programme_id, generation;
    int64_t completed_at, issued_at, expires_at, revoked_at;   /* 0 = never / not revoked */
    const char *code, *username, *name;    /* name: first and last, else the username */
    const char *what_code, *what_title;    /* the course's or programme's */
    const char *revoke_reason;
    /* The owner's template now ("" title when it was deleted: the PDF then uses the defaults). */
    const char *layout, *title, *body, *logo_sha256;
};
/* "valid", "expired" (expires_at passed) or "revoked". */
const char *cert_state(int64_t expires_at, int64_t revoked_at, int64_t now);
/* Whether s could be a code (CERT_CODE_LEN letters of the alphabet, any case). */
bool cert_code_ok(const char *s);
void cert_code_new(char out[CERT_CODE_LEN + 1]);
/* The certificate with the code (upper-cased first), or LE_NOTFOUND; one query. */
lerr certificate_by_code(struct db *db, struct arena *a, const char *code, struct certificate *out,
                         struct problem *p);
/* {code, state, name, course | programme, title, completed_at, issued_at, expires_at, revoked_at,
 * revoke_reason, username, generation}. */
json_t *certificate_json(const struct certificate *c, int64_t now);
/* The course's or programme's certificates, newest first, at most limit: [certificate_json]. */
json_t *owner_certificates_json(struct db *db, struct arena *a, struct cert_owner o, int limit);
/* Revokes a certificate with a reason people see on no page but the audit log; LE_CONFLICT
 * when it was revoked already. Audited (record.certificate_revoke). */
lerr certificate_revoke(struct db *db, struct arena *a, const char *code, const char *reason, int64_t actor_id,
                        struct problem *p);
/* Issues the next generation of the same completion with a new code (same dates), revoking the
 * old one if it was not yet; *code_out the new code. Audited (record.certificate_reissue). */
lerr certificate_reissue(struct db *db, struct arena *a, const char *code, int64_t actor_id, const char **code_out,
                         struct problem *p);
/* The completion hook (course_on_complete): issues the course's certificate and those of the
 * person's programmes this completion completed, each once per completion. */
lerr certificates_on_course_complete(struct db *db, int64_t course_id, int64_t user_id, struct problem *p);
/* Registers the records domain's hooks; model_init calls it after schedules_init. */
void records_init(void);

#endif
