/* Reports: the list of ready-made reports (/reports), the builder (/reports/builder: a GET form,
 * so every report is an address), its JSON twin (POST /api/v1/reports/run) and the CSV export.
 * The model checks every definition and applies the viewer's scope (docs/reports.md). */
#include <string.h>
#include "../../core/json_set.h"
#include "internal.h"

static struct report_viewer viewer(struct request *req)
{
    return (struct report_viewer){req->user->id, req->user->roles};
}

void h_reports(struct request *req, struct response *res)
{
    json_t *ready = report_ready_json();
    if (!req->is_api) {
        size_t i;
        json_t *r;
        json_array_foreach(ready, i, r)
        {
            const char *id = json_string_value(json_object_get(r, "id"));
            /* words: reports.ready_{completion-by-course,completion-by-department,overdue,enrolments-over-time} */
            /* words: reports.ready_{quiz-results,quiz-questions,signins-over-time,activity-over-time,training-hours} */
            /* words: reports.ready_{attendance,no-shows,certifications-expiring} */
            /* words: reports.about_{completion-by-course,completion-by-department,overdue,enrolments-over-time} */
            /* words: reports.about_{quiz-results,quiz-questions,signins-over-time,activity-over-time,training-hours} */
            /* words: reports.about_{attendance,no-shows,certifications-expiring} */
            json_object_set_new(r, "title", json_string(T(req, arena_sprintf(req->arena, "reports.ready_%s", id))));
            json_object_set_new(r, "about", json_string(T(req, arena_sprintf(req->arena, "reports.about_%s", id))));
        }
    }
    res->model = json_pack("{s:o}", "reports", ready);
    res->template = "records/reports";
    res->title = T(req, "reports.title");
}

void h_report_sources(struct request *req, struct response *res)
{
    res->model = json_pack("{s:o}", "sources", report_sources_json());
}

void h_report_run(struct request *req, struct response *res)
{
    json_t *def = req_json(req), *out = NULL;
    struct problem p = {0};
    struct report_viewer v = viewer(req);
    if (report_run(req->db, req->arena, def, &v, &out, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = out;
}

void h_report_builder(struct request *req, struct response *res)
{
    struct problem p = {0};
    json_t *def = web_report_def(req, &p), *out = NULL;
    json_t *m = json_object();
    res->model = m;
    res->template = "records/builder";
    res->title = T(req, "reports.builder");
    if (def) json_object_set_new(m, "definition", json_incref(def));
    struct report_viewer v = viewer(req);
    bool asked = def && json_object_get(def, "source");
    if (asked && !report_run(req->db, req->arena, def, &v, &out, &p)) json_object_set_new(m, "result", out);
    if (!req->is_api) web_report_form(req, m, def);
    json_decref(def);
    if (p.code) res_problem(res, &p);
}

/* CSV of the whole report: the builder's parameters (/reports/export), or a ready-made report by
 * its id (/api/v1/reports/ID/export). */
void h_report_export(struct request *req, struct response *res)
{
    struct problem p = {0};
    const char *format = req_param(req, "format");
    if (format && *format && !str_eq(format, "csv")) {
        res_error(res, LE_INVALID, "format", "Reports export as csv.");
        return;
    }
    json_t *def = NULL;
    const char *id = req_param(req, "id");
    if (id) {
        const struct report_ready *r = report_ready_find(id);
        if (r) def = json_loads(r->definition, 0, NULL);
        else problem_set(&p, LE_NOTFOUND, "id", "There is no report '%s'.", id);
    } else {
        def = web_report_def(req, &p);
    }
    struct buf *b = arena_alloc(req->arena, sizeof *b);
    buf_init(b, (size_t)1 << 30);
    struct report_viewer v = viewer(req);
    if (!p.code) report_export_csv(req->db, req->arena, def, &v, req_param_bool(req, "bom"), b, &p);
    json_decref(def);
    if (p.code) {
        buf_release(b);
        web_fail(res, &p);
        return;
    }
    res->body_len = b->len;
    char *data = buf_detach(b);
    res->body = data ? data : "";
    res->body_owned = data != NULL;
    res->content_type = "text/csv; charset=utf-8";
    char day[21];
    time_iso8601(time_now(), day);
    res_header(res, "Content-Disposition", arena_sprintf(req->arena, "attachment; filename=\"report-%.10s.csv\"", day));
}
