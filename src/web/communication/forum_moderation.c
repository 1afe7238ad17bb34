/* Discussions' moderation pages and API (docs/communication.md): deleting a post or a thread,
 * moving a thread to another forum (a page of its own with the forums the moderator may choose),
 * reporting a post, and the forum's reports page where moderators resolve them. The model
 * decides who may do what. */
#include "internal.h"

static const char *forum_path(struct request *req, const struct forum_access *fa)
{
    return fa->course_code ? arena_sprintf(req->arena, "/courses/%s/forum", fa->course_code) : "/forum";
}

void h_post_delete(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t thread = 0;
    if (forum_post_delete(req->db, req->arena, req_param_int(req, "id", 0), req->user->id, req->user->roles, &thread,
                          &p)) {
        web_fail(res, &p);
        return;
    }
    forum_back_to_thread(req, res, thread, 0, "flash.post_deleted");
}

void h_thread_delete(struct request *req, struct response *res)
{
    struct problem p = {0};
    struct forum_access fa;
    if (forum_thread_delete(req->db, req->arena, req_param_int(req, "id", 0), req->user->id, req->user->roles, &fa,
                            &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:b, s:s}", "deleted", 1, "forum_path", forum_path(req, &fa));
    web_flash(req, res, "flash.thread_deleted");
    res->redirect = forum_path(req, &fa);
}

void h_thread_move_form(struct request *req, struct response *res)
{
    struct problem p = {0};
    struct forum_access fa;
    int64_t id = req_param_int(req, "id", 0);
    if (forum_open_thread(req->db, req->arena, id, req->user->id, req->user->roles, &fa, NULL, &p)) {
        web_fail(res, &p);
        return;
    }
    if (!fa.moderator) {
        res_error(res, LE_FORBIDDEN, "id", "Only the course's instructors and administrators move its threads.");
        return;
    }
    json_t *targets = forum_move_targets_json(req->db, req->user->id, req->user->roles), *t;
    size_t i;
    /* The forum the thread is in is no choice. */
    json_array_foreach (targets, i, t) {
        const char *code = json_string_value(json_object_get(t, "code"));
        if (fa.course_code ? str_eq(code, fa.course_code) : str_eq(code, "site"))
            json_object_set_new(t, "current", json_true());
    }
    res->model = json_pack("{s:{s:I, s:s, s:s, s:s?, s:s?}, s:o, s:{}}", "thread", "id", (json_int_t)id, "title",
                           fa.thread_title, "forum_path", forum_path(req, &fa), "course_code", fa.course_code,
                           "course_title", fa.course_title, "targets", targets, "form");
    res->template = "communication/thread_move";
    res->title = T(req, "forums.move_title");
}

void h_thread_move(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id = req_param_int(req, "id", 0);
    if (forum_thread_move(req->db, req->arena, id, req_param(req, "to"), req->user->id, req->user->roles, &p)) {
        web_fail(res, &p);
        return;
    }
    forum_back_to_thread(req, res, id, 0, "flash.thread_moved");
}

void h_post_report(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t thread = 0, id = req_param_int(req, "id", 0);
    if (forum_post_report(req->db, req->arena, id, req_param(req, "reason"), req->user->id, req->user->roles,
                          &thread, &p)) {
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    forum_back_to_thread(req, res, thread, 0, "flash.post_reported");
}

void h_forum_reports(struct request *req, struct response *res)
{
    struct problem p = {0};
    struct forum_access fa;
    json_t *reports = NULL;
    if (forum_open(req->db, req->arena, req_param(req, "course"), req->user->id, req->user->roles, &fa, &p) ||
        forum_reports_json(req->db, req->arena, &fa, &reports, &p)) {
        web_fail(res, &p);
        return;
    }
    const char *title = fa.course_title ? fa.course_title : T(req, "forums.site_title");
    res->model = json_pack("{s:{s:s, s:s, s:s?}, s:o}", "forum", "title", title, "path", forum_path(req, &fa),
                           "course_code", fa.course_code, "reports", reports);
    res->template = "communication/forum_reports";
    res->title = T(req, "forums.reports_title");
}

void h_report_resolve(struct request *req, struct response *res)
{
    struct problem p = {0};
    struct forum_access fa;
    if (forum_report_resolve(req->db, req->arena, req_param_int(req, "id", 0), req->user->id, req->user->roles, &fa,
                             &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:b}", "resolved", 1);
    web_flash(req, res, "flash.report_resolved");
    res->redirect = arena_sprintf(req->arena, "%s/reports", forum_path(req, &fa));
}
