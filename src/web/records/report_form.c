/* The builder page's words and choices: the sources, the chosen source's columns, groupings and
 * aggregates (checked as the definition has them), the filters with their choices, and the
 * result as header and cells in the viewer's language, with a chart and the export links. */
#include <string.h>
#include "../../core/json_set.h"
#include "../people/people.h"
#include "internal.h"

static bool in_list(json_t *list, const char *s)
{
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x) if (str_eq(json_string_value(x), s)) return true;
    return false;
}

/* "completed_at:month" -> "Completed (month)"; "count" -> "People". */
const char *web_report_label(struct request *req, const char *key)
{
    /* words: reports.col_{username,name,department,job_role,manager,course,course_title,category,status} */
    /* words: reports.col_{enrolled_at,due_at,completed_at,activity,kind,quiz,attempt,score,submitted_at} */
    /* words: reports.col_{question,email,created_at,last_signin_at,signed_in_at,event,starts_at,programme} */
    /* words: reports.col_{programme_title,expires_at,training,hours,count,completion_rate,average_score} */
    /* words: reports.bucket_{day,week,month,year} */
    const char *colon = strchr(key, ':');
    if (!colon) return T(req, arena_sprintf(req->arena, "reports.col_%s", key));
    const char *col = arena_strndup(req->arena, key, (size_t)(colon - key));
    return arena_sprintf(req->arena, "%s (%s)", T(req, arena_sprintf(req->arena, "reports.col_%s", col)),
                         T(req, arena_sprintf(req->arena, "reports.bucket_%s", colon + 1)));
}

static json_t *source_choices(struct request *req, const char *chosen)
{
    json_t *list = report_sources_json(), *out = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s)
    {
        /* words: reports.source_{enrolments,activity_progress,quiz_attempts,quiz_answers,people,signins} */
        /* words: reports.source_{attendance,certifications,training_hours} */
        const char *key = json_string_value(json_object_get(s, "key"));
        json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "key", key, "label",
                                             T(req, arena_sprintf(req->arena, "reports.source_%s", key)), "selected",
                                             str_eq(key, chosen)));
    }
    json_decref(list);
    return out;
}

/* The chosen source's columns, groupings, aggregates, statuses and time columns. */
static void source_parts(struct request *req, json_t *m, json_t *def, const char *chosen)
{
    json_t *all = report_sources_json(), *src = NULL;
    size_t i;
    json_t *s;
    json_array_foreach(all, i, s) if (str_eq(json_string_value(json_object_get(s, "key")), chosen)) src = s;
    json_t *cols = json_array(), *groups = json_array(), *times = json_array(), *aggs = json_array(), *statuses = json_array();
    json_t *want_cols = json_object_get(def, "columns"), *want_groups = json_object_get(def, "group_by");
    json_t *want_aggs = json_object_get(def, "aggregates"), *filters = json_object_get(def, "filters");
    static const char *const buckets[] = {"day", "week", "month", "year"};
    json_array_foreach(json_object_get(src, "columns"), i, s)
    {
        const char *key = json_string_value(json_object_get(s, "key"));
        bool time = str_eq(json_string_value(json_object_get(s, "type")), "time");
        json_array_append_new(cols, json_pack("{s:s, s:s, s:b}", "key", key, "label", web_report_label(req, key),
                                              "checked", in_list(want_cols, key)));
        if (time) {
            json_array_append_new(times, json_pack("{s:s, s:s, s:b}", "key", key, "label", web_report_label(req, key),
                                                   "selected", json_object_get(filters, key) != NULL));
            for (int b = 0; b < 4; b++) {
                const char *g = arena_sprintf(req->arena, "%s:%s", key, buckets[b]);
                json_array_append_new(groups, json_pack("{s:s, s:s}", "key", g, "label", web_report_label(req, g)));
            }
        } else if (json_is_true(json_object_get(s, "groupable"))) {
            json_array_append_new(groups, json_pack("{s:s, s:s}", "key", key, "label", web_report_label(req, key)));
        }
    }
    json_array_foreach(json_object_get(src, "aggregates"), i, s)
    {
        const char *key = json_string_value(s);
        json_array_append_new(aggs, json_pack("{s:s, s:s, s:b}", "key", key, "label", web_report_label(req, key),
                                              "checked", in_list(want_aggs, key)));
    }
    const char *want_status = json_string_value(json_object_get(filters, "status"));
    json_array_foreach(json_object_get(src, "statuses"), i, s)
    {
        /* words: reports.status_{complete,overdue,in_progress,not_started,passed,failed,grading,active,suspended} */
        /* words: reports.status_{ok,bad_password,locked,attended,partly,no_show,excused,booked,waitlisted} */
        /* words: reports.status_{certified,expired,not_certified} */
        const char *key = json_string_value(s);
        json_array_append_new(statuses, json_pack("{s:s, s:s, s:b}", "key", key, "label",
                                                  T(req, arena_sprintf(req->arena, "reports.status_%s", key)),
                                                  "selected", str_eq(key, want_status)));
    }
    /* Two group-by selects, each with the chosen one marked. */
    json_t *selects = json_array();
    for (size_t k = 0; k < 2; k++) {
        json_t *opts = json_deep_copy(groups);
        const char *want = json_string_value(json_array_get(want_groups, k));
        json_array_foreach(opts, i, s) json_object_set_new(s, "selected", json_boolean(str_eq(want, json_string_value(json_object_get(s, "key")))));
        json_array_append_new(selects, json_pack("{s:i, s:o}", "n", (int)k + 1, "options", opts));
    }
    json_decref(groups);
    json_object_set_new(m, "columns", cols);
    json_object_set_new(m, "group_selects", selects);
    json_object_set_new(m, "aggregates", aggs);
    json_object_set_new(m, "statuses", statuses);
    json_object_set_new(m, "time_columns", times);
    json_object_set_new(m, "has_course", json_boolean(json_is_true(json_object_get(src, "has_course"))));
    json_decref(all);
}

/* Marks the choice whose id is the filter's. */
static void mark_selected(json_t *choices, json_t *want)
{
    size_t i;
    json_t *c;
    json_array_foreach(choices, i, c)
        json_object_set_new(c, "selected", json_boolean(json_is_integer(want) &&
                                                        json_integer_value(json_object_get(c, "id")) == json_integer_value(want)));
}

void web_report_form(struct request *req, json_t *m, json_t *def)
{
    const char *chosen = json_string_value(json_object_get(def, "source"));
    json_object_set_new(m, "sources", source_choices(req, chosen ? chosen : ""));
    json_t *form = json_object();
    json_t *filters = json_object_get(def, "filters");
    const char *key;
    json_t *v;
    json_object_foreach(filters, key, v)
    {
        if (json_is_object(v)) {
            json_object_set(form, "from", json_object_get(v, "from"));
            json_object_set(form, "to", json_object_get(v, "to"));
        } else {
            json_object_set(form, key, v);
        }
    }
    json_object_set_new(m, "form", form);
    if (!chosen) return;
    json_object_set_new(m, "chosen", json_string(chosen));
    source_parts(req, m, def, chosen);
    web_org_choices(req, m);
    mark_selected(json_object_get(m, "departments"), json_object_get(filters, "department"));
    mark_selected(json_object_get(m, "job_roles"), json_object_get(filters, "job_role"));
    json_t *result = json_object_get(m, "result");
    if (result) web_report_result(req, m, result);
}
