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

#endif
