/* A programme's reminder settings: the form on its page (POST /admin/programmes/CODE/reminders)
 * and POST /api/v1/programmes/CODE/reminders {remind_before: "14,7,1" | before_days: [14, 7,
 * 1], remind_overdue, escalate_days, remind_expiry: "60,30" | expiry_days: [60, 30]}. What a request leaves out stays as it was, except a
 * page's unticked box, which the browser does not send. */
#include "internal.h"

/* The API's list of days (before_days, expiry_days) as text ("14,7,1"), or NULL when absent;
 * "?" for what is no list of numbers, so the model refuses it with its own words. */
static const char *days_list_text(struct request *req, const char *key)
{
    json_t *days = json_object_get(req_json(req), key), *d;
    if (!days) return NULL;
    if (!json_is_array(days)) return "?";
    const char *text = "";
    size_t i;
    json_array_foreach(days, i, d)
    {
        if (!json_is_integer(d)) return "?";
        text = arena_sprintf(req->arena, "%s%s%lld", text, i ? "," : "", (long long)json_integer_value(d));
    }
    return text;
}

/* The settings asked for, over the programme's current ones (*current, kept for the caller). */
static void reminders_asked(struct request *req, json_t *current, struct programme_reminders *in)
{
    in->before = json_string_value(json_object_get(current, "before"));
    in->overdue = json_is_true(json_object_get(current, "overdue"));
    in->escalate_days = (int)json_integer_value(json_object_get(current, "escalate_days"));
    in->expiry = json_string_value(json_object_get(current, "expiry"));
    const char *before = req->is_api ? days_list_text(req, "before_days") : NULL;
    if (!before) before = req_param(req, "remind_before");
    if (before) in->before = before;
    const char *expiry = req->is_api ? days_list_text(req, "expiry_days") : NULL;
    if (!expiry) expiry = req_param(req, "remind_expiry");
    if (expiry) in->expiry = expiry;
    if (req_has_param(req, "remind_overdue") || !req->is_api) in->overdue = req_param_bool(req, "remind_overdue");
    if (req_has_param(req, "escalate_days")) in->escalate_days = (int)req_param_int(req, "escalate_days", -1);
}

void h_programme_reminders_update(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id;
    if (programme_id_by_code(req->db, req_param(req, "code"), &id, &p)) {
        web_fail(res, &p);
        return;
    }
    json_t *current = programme_reminders_json(req->db, id);
    struct programme_reminders in;
    reminders_asked(req, current, &in);
    lerr e = programme_reminders_update(req->db, req->arena, id, &in, req->user->id, &p);
    json_decref(current);
    if (e) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o*}", "reminders", programme_reminders_json(req->db, id));
    res->redirect = arena_sprintf(req->arena, "/admin/programmes/%s", req_param(req, "code"));
    web_flash(req, res, "flash.programme_reminders_saved");
}
