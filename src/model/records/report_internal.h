/* What the report builder's files share (report*.c): the sources table and the request. */
#ifndef LECTERN_MODEL_RECORDS_REPORT_INTERNAL_H
#define LECTERN_MODEL_RECORDS_REPORT_INTERNAL_H

#include "internal.h"
#include "report_time.h"

/* Status expressions: ?1 is always now. */
#define ENROLMENT_STATUS                                                                                    \
    "CASE WHEN e.completed_at IS NOT NULL THEN 'complete' WHEN e.due_at IS NOT NULL AND e.due_at < ?1 THEN " \
    "'overdue' WHEN e.last_access_at IS NOT NULL THEN 'in_progress' ELSE 'not_started' END"
#define ATTEMPT_STATUS \
    "CASE WHEN a.needs_grading > 0 THEN 'grading' WHEN a.percent >= q.pass_percent THEN 'passed' ELSE 'failed' END"
#define ATTENDANCE_STATUS "COALESCE(b.attendance, b.state)"
#define CERT_STATUS                                                                                          \
    "CASE WHEN pa.expires_at IS NULL THEN 'not_certified' WHEN pa.expires_at < ?1 THEN 'expired' ELSE " \
    "'certified' END"

enum report_column_type { RC_TEXT, RC_INT, RC_NUMBER, RC_TIME };
struct report_column {
    const char *key;
    const char *sql;              /* its value in a row */
    enum report_column_type type;
    const char *group_sql;        /* what a group by it groups on; NULL = cannot group by it */
};
struct report_source {
    const char *key;
    const char *from;             /* FROM clause: the person as u, the course as c when has_course */
    const char *where;            /* the rows it always keeps */
    const struct report_column *columns;
    size_t n_columns;
    const char *const *statuses;  /* the values of its "status" column, NULL-terminated; NULL = free text */
    bool has_course;
    const char *done_sql;         /* 1 or 0 a row: completion_rate; NULL = not offered */
    const char *score_sql;        /* a percentage: average_score; NULL = not offered */
    const char *hours_sql;        /* hours: the hours aggregate; NULL = not offered */
};
extern const struct report_source report_sources[];
extern const size_t n_report_sources;
const struct report_source *report_source_find(const char *key);
const struct report_column *report_column_find(const struct report_source *s, const char *key);

#define COLUMNS_MAX 24
#define GROUPS_BY_MAX 3
#define BINDS_MAX 24

enum { AGG_COUNT = 1, AGG_RATE = 2, AGG_SCORE = 4, AGG_HOURS = 8 };
struct report_aggregate {
    const char *name;
    unsigned bit;
};
extern const struct report_aggregate report_aggregates[];
extern const size_t n_report_aggregates;

struct binds {
    int n;
    struct {
        bool is_text;
        int64_t i;
        const char *s;
    } v[BINDS_MAX];
};

struct group_key {
    const struct report_column *col;
    enum report_period bucket;
    const char *name;             /* as asked: "department", "completed_at:month" */
};

struct plan {
    const struct report_source *src;
    const struct report_column *cols[COLUMNS_MAX];
    size_t n_cols;
    struct group_key groups[GROUPS_BY_MAX];
    size_t n_groups;
    unsigned aggs;
    const char *sort;             /* a column, group or aggregate name; NULL = the default */
    bool desc;
    int page, per_page;
    const char *where;            /* " AND ..." */
    struct binds b;
};

/* Binds a value to the next placeholder; its number. */
int report_bind_int(struct binds *b, int64_t v);
int report_bind_text(struct binds *b, const char *s);
/* Adds " AND cond" to the plan's conditions. */
void report_where(struct arena *a, struct plan *pl, const char *cond);
struct db_stmt *report_prepare(struct db *db, const char *sql, const struct binds *b);
/* The definition's "filters" into the plan's conditions (report_filters.c). */
lerr report_filters(json_t *def, struct arena *a, struct db *db, struct plan *pl, struct problem *p);
/* A grouped report: every group read, rolled up, sorted and paged (report_groups.c). */
lerr report_run_groups(struct db *db, struct arena *a, struct plan *pl, json_t *out, struct problem *p);

#endif
