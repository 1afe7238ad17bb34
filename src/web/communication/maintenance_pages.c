/* Maintenance for administrators: /admin/maintenance (the windows, a form for a new one that
 * first shows what its times overlap, read-only mode and the banner's lead time), a window's
 * page, their API twins, and GET /api/v1/status for monitoring. */
#include <stdio.h>
#include <string.h>
#include "maintenance.h"

static json_t *state_json(const struct maintenance_state *s)
{
    json_t *o = json_object();
    jset_bool(o, "read_only", s->read_only);
    jset(o, "until", json_incref(json_null()));
    if (s->until_at) {
        char iso[21];
        time_iso8601(s->until_at, iso);
        jset_str(o, "until", iso);
    }
    jset_str(o, "message", s->message);
    jset_int(o, "lead_hours", s->lead_hours);
    return o;
}

/* Each item's kind in words for the page.
 * words: maintenance.kind_{quiz_close,course_due,event} */
static json_t *with_kind_labels(struct request *req, json_t *overlaps)
{
    size_t i;
    json_t *it;
    json_array_foreach(overlaps, i, it)
    {
        const char *kind = json_string_value(json_object_get(it, "kind"));
        jset_str(it, "kind_label", T(req, arena_sprintf(req->arena, "maintenance.kind_%s", kind ? kind : "")));
    }
    return overlaps;
}

/* The times typed in the form, read in the viewer's zone, and what they overlap: so the
 * administrator sees it before saving. */
static json_t *overlaps_of_typed(struct request *req)
{
    int64_t from, to;
    const char *s = req_param(req, "starts_at"), *e = req_param(req, "ends_at");
    if (!s || !e || !planning_parse_time(s, web_zone(req), &from) || !planning_parse_time(e, web_zone(req), &to) ||
        to <= from)
        return NULL;
    return with_kind_labels(req, maintenance_overlaps_json(req->db, req->arena, from, to));
}

void h_maintenance_page(struct request *req, struct response *res)
{
    struct maintenance_state s;
    web_maintenance_load(req, &s);
    res->model = json_pack("{s:o, s:o}", "windows", maintenance_list_json(req->db), "settings", state_json(&s));
    json_t *overlaps = overlaps_of_typed(req);
    if (overlaps) {
        jset(res->model, "overlaps", overlaps);
        jset_bool(res->model, "checked", true);
        json_t *form = json_object();
        jset_str(form, "starts_at", req_param(req, "starts_at"));
        jset_str(form, "ends_at", req_param(req, "ends_at"));
        jset_str(form, "message", req_param(req, "message"));
        jset_str(form, "affected", req_param(req, "affected"));
        jset_bool(form, "read_only", req_param_bool(req, "read_only"));
        jset(res->model, "form", form);
    }
    res->template = "admin/maintenance";
    res->title = T(req, "maintenance.title");
}

static int64_t json_time_value(json_t *o, const char *key)
{
    int64_t t = 0;
    const char *s = json_string_value(json_object_get(o, key));
    return s && planning_parse_time(s, NULL, &t) ? t : 0;
}

void h_maintenance_create(struct request *req, struct response *res)
{
    struct maintenance_input in = {req_param(req, "starts_at"), req_param(req, "ends_at"), req_param(req, "message"),
                                   req_param(req, "affected"), req_param_bool(req, "read_only")};
    struct problem p = {0};
    int64_t id = 0;
    if (maintenance_create(req->db, req->arena, &in, web_zone(req), req->user->id, &id, &p)) {
        web_fail(res, &p);
        return;
    }
    json_t *w = maintenance_json(req->db, id, &p);
    if (!w) {
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    json_t *overlaps = with_kind_labels(
        req, maintenance_overlaps_json(req->db, req->arena, json_time_value(w, "starts_at"), json_time_value(w, "ends_at")));
    res->model = json_pack("{s:o, s:o}", "window", w, "overlaps", overlaps);
    web_flash(req, res, "flash.maintenance_saved");
    res->redirect = arena_sprintf(req->arena, "/admin/maintenance/%lld", (long long)id);
}

void h_maintenance_show(struct request *req, struct response *res)
{
    struct problem p = {0};
    json_t *w = maintenance_json(req->db, req_param_int(req, "id", 0), &p);
    if (!w) {
        web_fail(res, &p);
        return;
    }
    json_t *overlaps = with_kind_labels(
        req, maintenance_overlaps_json(req->db, req->arena, json_time_value(w, "starts_at"), json_time_value(w, "ends_at")));
    res->model = json_pack("{s:o, s:o}", "window", w, "overlaps", overlaps);
    res->template = "admin/maintenance_window";
    res->title = T(req, "maintenance.window_title");
}

void h_maintenance_delete(struct request *req, struct response *res)
{
    struct problem p = {0};
    if (maintenance_delete(req->db, req->arena, req_param_int(req, "id", 0), req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:b}", "deleted", 1);
    web_flash(req, res, "flash.maintenance_deleted");
    res->redirect = "/admin/maintenance";
}

void h_maintenance_read_only(struct request *req, struct response *res)
{
    bool on = req_param_bool(req, "on");
    int64_t until = 0;
    const char *text = req_param(req, "until");
    struct problem p = {0};
    if (on && text && *text && !planning_parse_time(text, web_zone(req), &until)) {
        problem_set(&p, LE_INVALID, "until", "Give the end as a date and time, such as 2027-03-28T18:00, or leave it empty.");
        web_fail(res, &p);
        return;
    }
    if (maintenance_read_only_set(req->db, req->arena, on, until, req_param(req, "message"), req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    struct maintenance_state s;
    web_maintenance_load(req, &s);
    res->model = json_pack("{s:o}", "settings", state_json(&s));
    web_flash(req, res, on ? "flash.read_only_on" : "flash.read_only_off");
    res->redirect = "/admin/maintenance";
}

void h_maintenance_lead_time(struct request *req, struct response *res)
{
    struct problem p = {0};
    if (maintenance_lead_hours_set(req->db, req->arena, (int)req_param_int(req, "lead_hours", 72), req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    web_flash(req, res, "flash.maintenance_lead_saved");
    res->redirect = "/admin/maintenance";
}

void h_status(struct request *req, struct response *res)
{
    struct maintenance_state s;
    web_maintenance_load(req, &s);
    res->model = maintenance_status_json(&s, time_now());
}
