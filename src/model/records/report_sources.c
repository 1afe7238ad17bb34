/* The report builder's sources: for each, the tables it reads (always with the person as `u`,
 * and the course as `c` where there is one), its columns, what it groups by and aggregates,
 * and its status values. Reports never carry SQL from input: a request names keys of this
 * table, and report.c puts the fixed fragments together. A later feature adds a row here. */
#include "report_internal.h"

/* Columns every source with a person has. */
#define PERSON_COLUMNS                                                                                       \
    {"username", "u.username", RC_TEXT, "u.username"}, {"name", "TRIM(u.first_name || ' ' || u.last_name)",    \
                                                        RC_TEXT, NULL},                                        \
        {"department", "COALESCE(d.name, '')", RC_TEXT, "u.department_id"},                                  \
        {"job_role", "COALESCE(j.name, '')", RC_TEXT, "COALESCE(j.name, '')"},                               \
        {"manager", "COALESCE(m.username, '')", RC_TEXT, "COALESCE(m.username, '')"}
#define PERSON_JOINS                                                                                        \
    " LEFT JOIN departments d ON d.id = u.department_id LEFT JOIN job_roles j ON j.id = u.job_role_id LEFT " \
    "JOIN users m ON m.id = u.manager_id"
#define COURSE_COLUMNS                                                                                      \
    {"course", "c.code", RC_TEXT, "c.code"}, {"course_title", "c.title", RC_TEXT, NULL},                     \
        {"category", "COALESCE(cat.name, '')", RC_TEXT, "COALESCE(cat.name, '')"}
#define COURSE_JOINS " LEFT JOIN course_categories cat ON cat.id = c.category_id"

static const struct report_column enrolment_columns[] = {
    PERSON_COLUMNS,
    COURSE_COLUMNS,
    {"status", ENROLMENT_STATUS, RC_TEXT, ENROLMENT_STATUS},
    {"enrolled_at", "e.enrolled_at", RC_TIME, "e.enrolled_at"},
    {"due_at", "e.due_at", RC_TIME, "e.due_at"},
    {"completed_at", "e.completed_at", RC_TIME, "e.completed_at"},
};
static const char *const enrolment_statuses[] = {"complete", "overdue", "in_progress", "not_started", NULL};

static const struct report_column progress_columns[] = {
    PERSON_COLUMNS,
    COURSE_COLUMNS,
    {"activity", "x.title", RC_TEXT, "x.title"},
    {"kind", "x.kind", RC_TEXT, "x.kind"},
    {"status", "g.how", RC_TEXT, "g.how"},
    {"completed_at", "g.completed_at", RC_TIME, "g.completed_at"},
};

static const struct report_column attempt_columns[] = {
    PERSON_COLUMNS,
    COURSE_COLUMNS,
    {"quiz", "x.title", RC_TEXT, "x.title"},
    {"attempt", "a.number", RC_INT, NULL},
    {"status", ATTEMPT_STATUS, RC_TEXT, ATTEMPT_STATUS},
    {"score", "a.percent", RC_NUMBER, NULL},
    {"submitted_at", "a.submitted_at", RC_TIME, "a.submitted_at"},
};
static const char *const attempt_statuses[] = {"passed", "failed", "grading", NULL};

static const struct report_column answer_columns[] = {
    PERSON_COLUMNS,
    COURSE_COLUMNS,
    {"quiz", "x.title", RC_TEXT, "x.title"},
    {"question", "COALESCE(NULLIF(qq.title, ''), 'Question ' || CAST(aq.slot AS TEXT))", RC_TEXT,
     "COALESCE(NULLIF(qq.title, ''), 'Question ' || CAST(aq.slot AS TEXT))"},
    {"score", "aq.fraction * 100", RC_NUMBER, NULL},
    {"submitted_at", "a.submitted_at", RC_TIME, "a.submitted_at"},
};

static const struct report_column people_columns[] = {
    PERSON_COLUMNS,
    {"email", "u.email", RC_TEXT, NULL},
    {"status", "u.status", RC_TEXT, "u.status"},
    {"created_at", "u.created_at", RC_TIME, "u.created_at"},
    {"last_signin_at", "u.last_signin_at", RC_TIME, "u.last_signin_at"},
};
static const char *const people_statuses[] = {"active", "suspended", NULL};

static const struct report_column signin_columns[] = {
    PERSON_COLUMNS,
    {"status", "s.reason", RC_TEXT, "s.reason"},
    {"signed_in_at", "s.at", RC_TIME, "s.at"},
};
static const char *const signin_statuses[] = {"ok", "bad_password", "locked", "suspended", NULL};

static const struct report_column attendance_columns[] = {
    PERSON_COLUMNS,
    COURSE_COLUMNS,
    {"event", "ev.title", RC_TEXT, "ev.title"},
    {"status", ATTENDANCE_STATUS, RC_TEXT, ATTENDANCE_STATUS},
    {"starts_at", "ev.starts_at", RC_TIME, "ev.starts_at"},
};
static const char *const attendance_statuses[] = {"attended", "partly", "no_show", "excused", "booked",
                                                  "waitlisted", NULL};

static const struct report_column certification_columns[] = {
    PERSON_COLUMNS,
    {"programme", "p.code", RC_TEXT, "p.code"},
    {"programme_title", "p.title", RC_TEXT, NULL},
    {"status", CERT_STATUS, RC_TEXT, CERT_STATUS},
    {"completed_at", "pa.completed_at", RC_TIME, "pa.completed_at"},
    {"expires_at", "pa.expires_at", RC_TIME, "pa.expires_at"},
};
static const char *const cert_statuses[] = {"certified", "expired", "not_certified", NULL};

static const struct report_column hours_columns[] = {
    PERSON_COLUMNS,
    {"kind", "h.kind", RC_TEXT, "h.kind"},
    {"training", "h.title", RC_TEXT, "h.title"},
    {"hours", "h.hours", RC_NUMBER, NULL},
    {"completed_at", "h.at", RC_TIME, "h.at"},
};

#define N(a) (sizeof a / sizeof a[0])

const struct report_source report_sources[] = {
    {"enrolments", "enrolments e JOIN users u ON u.id = e.user_id JOIN courses c ON c.id = e.course_id" PERSON_JOINS
     COURSE_JOINS, "e.role = 'learner' AND e.unenrolled_at IS NULL AND u.deleted_at IS NULL",
     enrolment_columns, N(enrolment_columns), enrolment_statuses, true,
     "CASE WHEN e.completed_at IS NOT NULL THEN 1 ELSE 0 END", NULL,
     "CASE WHEN e.completed_at IS NOT NULL AND c.duration_minutes > 0 THEN c.duration_minutes / 60.0 END"},
    {"activity_progress",
     "activity_progress g JOIN activities x ON x.id = g.activity_id JOIN courses c ON c.id = x.course_id JOIN "
     "users u ON u.id = g.user_id" PERSON_JOINS COURSE_JOINS,
     "x.deleted_at IS NULL AND u.deleted_at IS NULL", progress_columns, N(progress_columns), NULL, true, NULL, NULL,
     NULL},
    {"quiz_attempts",
     "quiz_attempts a JOIN quizzes q ON q.activity_id = a.quiz_id JOIN activities x ON x.id = a.quiz_id JOIN "
     "courses c ON c.id = x.course_id JOIN users u ON u.id = a.user_id" PERSON_JOINS COURSE_JOINS,
     "a.state = 'submitted' AND u.deleted_at IS NULL", attempt_columns, N(attempt_columns), attempt_statuses, true,
     "CASE WHEN a.needs_grading = 0 AND a.percent >= q.pass_percent THEN 1 ELSE 0 END", "a.percent", NULL},
    {"quiz_answers",
     "attempt_questions aq JOIN quiz_attempts a ON a.id = aq.attempt_id JOIN questions qq ON qq.id = "
     "aq.question_id JOIN activities x ON x.id = a.quiz_id JOIN courses c ON c.id = x.course_id JOIN users u ON "
     "u.id = a.user_id" PERSON_JOINS COURSE_JOINS,
     "a.state = 'submitted' AND qq.qtype <> 'description' AND u.deleted_at IS NULL", answer_columns,
     N(answer_columns), NULL, true, "CASE WHEN aq.fraction >= 0.999 THEN 1 ELSE 0 END", "aq.fraction * 100", NULL},
    {"people", "users u" PERSON_JOINS, "u.deleted_at IS NULL", people_columns, N(people_columns), people_statuses,
     false, NULL, NULL, NULL},
    {"signins", "signin_attempts s JOIN users u ON u.id = s.user_id" PERSON_JOINS, "u.deleted_at IS NULL",
     signin_columns, N(signin_columns), signin_statuses, false, "CASE WHEN s.success = 1 THEN 1 ELSE 0 END", NULL,
     NULL},
    {"attendance",
     "event_bookings b JOIN events ev ON ev.id = b.event_id JOIN courses c ON c.id = ev.course_id JOIN users u "
     "ON u.id = b.user_id" PERSON_JOINS COURSE_JOINS,
     "b.state IN ('booked', 'waitlisted') AND ev.state = 'scheduled' AND u.deleted_at IS NULL", attendance_columns,
     N(attendance_columns), attendance_statuses, true, "CASE WHEN b.attendance = 'attended' THEN 1 ELSE 0 END",
     NULL, NULL},
    {"certifications",
     "programme_assignments pa JOIN programmes p ON p.id = pa.programme_id JOIN users u ON u.id = pa.user_id"
     PERSON_JOINS,
     "pa.ended_at IS NULL AND (p.cert_valid_days IS NOT NULL OR p.cert_valid_until IS NOT NULL) AND "
     "u.deleted_at IS NULL",
     certification_columns, N(certification_columns), cert_statuses, false,
     "CASE WHEN pa.expires_at IS NOT NULL AND pa.expires_at >= ?1 THEN 1 ELSE 0 END", NULL, NULL},
    {"training_hours",
     "(SELECT e.user_id AS user_id, 'course' AS kind, c.title AS title, e.completed_at AS at, c.duration_minutes "
     "/ 60.0 AS hours FROM enrolments e JOIN courses c ON c.id = e.course_id WHERE e.role = 'learner' AND "
     "e.completed_at IS NOT NULL AND c.duration_minutes > 0 UNION ALL SELECT b.user_id, 'classroom', ev.title, "
     "ev.ends_at, (ev.ends_at - ev.starts_at) / 3600.0 FROM event_bookings b JOIN events ev ON ev.id = "
     "b.event_id WHERE b.attendance = 'attended' UNION ALL SELECT t.user_id, 'external', t.title, t.done_on, "
     "t.hours FROM external_training t WHERE t.state = 'approved') h JOIN users u ON u.id = h.user_id"
     PERSON_JOINS,
     "u.deleted_at IS NULL", hours_columns, N(hours_columns), NULL, false, NULL, NULL, "h.hours"},
};
const size_t n_report_sources = N(report_sources);

const struct report_source *report_source_find(const char *key)
{
    for (size_t i = 0; key && i < n_report_sources; i++)
        if (str_eq(report_sources[i].key, key)) return &report_sources[i];
    return NULL;
}

const struct report_column *report_column_find(const struct report_source *s, const char *key)
{
    for (size_t i = 0; key && i < s->n_columns; i++)
        if (str_eq(s->columns[i].key, key)) return &s->columns[i];
    return NULL;
}
