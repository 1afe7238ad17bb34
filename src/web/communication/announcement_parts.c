/* What announcements add to other pages: the urgent banner on every page (until the person
 * dismisses it: a form, since the Content-Security-Policy allows no inline script) and a
 * course's announcements on its page. The dashboard's block is home's own (dashboard.c). */
#include "internal.h"
#include "../courses/courses.h"

#define COURSE_PAGE_MAX 5

static void banner_part(struct request *req, json_t *chrome)
{
    if (!announcements_may_be_live(req->db, req->user->shown_version, true)) return;
    json_t *list = announcement_banners(req->db, req->arena, req->user->id);
    if (json_array_size(list)) json_object_set_new(chrome, "announcement_banners", list);
    else json_decref(list);
}

static void course_part(struct request *req, const struct course *c, json_t *model)
{
    if (!req->user) return;
    json_t *list = announcements_may_be_live(req->db, req->user->shown_version, false)
                       ? announcements_for_user(req->db, req->arena, req->user->id, c->id, false, COURSE_PAGE_MAX)
                       : json_array();
    if (!req->is_api) web_announcement_labels(req, list);
    json_object_set_new(model, "announcements", list);
}

void web_announcements_init(void)
{
    web_chrome_part_register(banner_part);
    web_course_part_register(course_part);
}
