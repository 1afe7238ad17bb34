/* The ready-made reports: each a definition of the report builder (report.c), listed on the
 * reports page and by GET /api/v1/reports. A date in a filter may be relative ("today",
 * "+90d", "-30d"), so a ready-made report stays current. */
#include <string.h>
#include "report_internal.h"

static const struct report_ready ready[] = {
    {"completion-by-course", "enrolments",
     "{\"source\": \"enrolments\", \"group_by\": [\"course\"], \"aggregates\": [\"count\", \"completion_rate\"]}"},
    {"completion-by-department", "enrolments",
     "{\"source\": \"enrolments\", \"group_by\": [\"department\"], \"aggregates\": [\"count\", \"completion_rate\"]}"},
    {"overdue", "enrolments",
     "{\"source\": \"enrolments\", \"columns\": [\"username\", \"name\", \"department\", \"manager\", \"course\", "
     "\"due_at\"], \"filters\": {\"status\": \"overdue\"}, \"sort\": \"due_at\"}"},
    {"enrolments-over-time", "enrolments",
     "{\"source\": \"enrolments\", \"group_by\": [\"enrolled_at:month\"], \"aggregates\": [\"count\", "
     "\"completion_rate\"]}"},
    {"quiz-results", "quiz_attempts",
     "{\"source\": \"quiz_attempts\", \"group_by\": [\"course\", \"quiz\"], \"aggregates\": [\"count\", "
     "\"average_score\", \"completion_rate\"]}"},
    {"quiz-questions", "quiz_answers",
     "{\"source\": \"quiz_answers\", \"group_by\": [\"quiz\", \"question\"], \"aggregates\": [\"count\", "
     "\"average_score\", \"completion_rate\"]}"},
    {"signins-over-time", "signins",
     "{\"source\": \"signins\", \"group_by\": [\"signed_in_at:week\"], \"aggregates\": [\"count\", "
     "\"completion_rate\"]}"},
    {"activity-over-time", "activity_progress",
     "{\"source\": \"activity_progress\", \"group_by\": [\"completed_at:week\"], \"aggregates\": [\"count\"]}"},
    {"training-hours", "training_hours",
     "{\"source\": \"training_hours\", \"group_by\": [\"username\", \"completed_at:year\"], \"aggregates\": "
     "[\"hours\"], \"sort\": \"username\"}"},
    {"attendance", "attendance",
     "{\"source\": \"attendance\", \"group_by\": [\"course\", \"status\"], \"aggregates\": [\"count\"]}"},
    {"no-shows", "attendance",
     "{\"source\": \"attendance\", \"columns\": [\"username\", \"name\", \"manager\", \"course\", \"event\", "
     "\"starts_at\"], \"filters\": {\"status\": \"no_show\"}, \"sort\": \"-starts_at\"}"},
    {"certifications-expiring", "certifications",
     "{\"source\": \"certifications\", \"columns\": [\"username\", \"name\", \"department\", \"manager\", "
     "\"programme\", \"expires_at\"], \"filters\": {\"expires_at\": {\"from\": \"today\", \"to\": \"+90d\"}}, "
     "\"sort\": \"expires_at\"}"},
};
#define N_READY (sizeof ready / sizeof ready[0])

const struct report_ready *report_ready_find(const char *id)
{
    for (size_t i = 0; id && i < N_READY; i++)
        if (str_eq(ready[i].id, id)) return &ready[i];
    return NULL;
}

json_t *report_ready_json(void)
{
    json_t *list = json_array();
    for (size_t i = 0; i < N_READY; i++) {
        json_t *def = json_loads(ready[i].definition, 0, NULL);
        json_array_append_new(list, json_pack("{s:s, s:s, s:o*}", "id", ready[i].id, "source", ready[i].source,
                                              "definition", def));
    }
    return list;
}

json_t *report_sources_json(void)
{
    static const char *const types[] = {"text", "int", "number", "time"};
    json_t *list = json_array();
    for (size_t i = 0; i < n_report_sources; i++) {
        const struct report_source *s = &report_sources[i];
        json_t *cols = json_array(), *statuses = json_array(), *aggs = json_pack("[s]", "count");
        for (size_t c = 0; c < s->n_columns; c++)
            json_array_append_new(cols, json_pack("{s:s, s:s, s:b}", "key", s->columns[c].key, "type",
                                                  types[s->columns[c].type], "groupable", s->columns[c].group_sql != NULL));
        for (const char *const *x = s->statuses; x && *x; x++) json_array_append_new(statuses, json_string(*x));
        if (s->done_sql) json_array_append_new(aggs, json_string("completion_rate"));
        if (s->score_sql) json_array_append_new(aggs, json_string("average_score"));
        if (s->hours_sql) json_array_append_new(aggs, json_string("hours"));
        json_array_append_new(list, json_pack("{s:s, s:o, s:o, s:o, s:b}", "key", s->key, "columns", cols, "statuses",
                                              statuses, "aggregates", aggs, "has_course", s->has_course));
    }
    return list;
}
