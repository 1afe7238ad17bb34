/* A session activity's settings (manager approval, reminders, what attendance completes) and
 * the one-click "all attended" of an event. The settings form is on the session page; the API
 * changes only the fields it sends. */
#include "internal.h"

/* The session activity the path names, which the viewer manages. */
static bool managed_session(struct request *req, struct response *res, struct course *c)
{
    if (!web_visible_course(req, res, c)) return false;
    if (!web_may_manage_course(req, c)) {
        res_error(res, LE_FORBIDDEN, "course", "Only the course's instructors and administrators change its sessions.");
        return false;
    }
    return true;
}

void h_session_settings_update(struct request *req, struct response *res)
{
    struct course c;
    if (!managed_session(req, res, &c)) return;
    int64_t activity_id = req_param_int(req, "id", 0);
    struct session_settings s;
    struct problem p = {0};
    if (session_settings_get(req->db, activity_id, &s, &p)) {
        web_fail(res, &p);
        return;
    }
    /* A form's unticked box is not sent: from a page, absent means no. */
    if (!req->is_api || req_has_param(req, "needs_approval")) s.needs_approval = req_param_bool(req, "needs_approval");
    if (!req->is_api || req_has_param(req, "partly_completes"))
        s.partly_completes = req_param_bool(req, "partly_completes");
    if ((req_has_param(req, "reminders") && session_offsets_parse(req_param(req, "reminders"), &s, &p)) ||
        session_settings_save(req->db, req->arena, c.id, activity_id, &s, req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o}", "settings", session_settings_json(req->arena, &s));
    web_flash(req, res, "flash.session_settings_saved");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/sessions/%lld", c.code, (long long)activity_id);
}

void h_attendance_all(struct request *req, struct response *res)
{
    struct event_access ev;
    if (!web_event_access(req, res, &ev)) return;
    if (!ev.manager && !ev.trainer) {
        res_error(res, LE_FORBIDDEN, "id", "Only the event's trainers, the course's instructors and administrators take attendance.");
        return;
    }
    struct problem p = {0};
    int n = 0;
    if (attendance_all_attended(req->db, req->arena, ev.ref.id, req->user->id, &n, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:i}", "attended", n);
    web_flash(req, res, "flash.attendance_all_saved");
    res->redirect = web_session_href(req, &ev);
}
