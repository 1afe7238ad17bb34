/* The notification centre's pages and API (docs/notifications.md): the person's
 * notifications, newest first, a page at a time (each line links to what it is about), marking
 * one or all read, and the page where they choose per type how each message reaches them. */
#include <string.h>
#include "internal.h"

#define PAGE_SIZE 20

static const char *iso(struct request *req, int64_t t)
{
    char *s = arena_alloc(req->arena, 21);
    time_iso8601(t, s);
    return s;
}

/* One notification as the list shows it: its line (the administrator's or the table's, in
 * lines) and link rendered from its type. */
static json_t *item_json(struct request *req, const struct notification *n, const char *const *lines)
{
    const struct notification_type *types, *t = notification_type_find(n->type);
    notification_types(&types);
    char *line = "", *link = "/";
    if (t) notification_render(req->arena, lines[t - types], t->link, n->data, web_site_name(req), &line, &link);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)n->id, "type", n->type, "channel",
                          n->channel, "line", line, "link", link, "created_at", iso(req, n->created_at), "read",
                          n->read_at != 0);
    json_object_set_new(o, "read_at", n->read_at ? json_string(iso(req, n->read_at)) : json_null());
    return o;
}

void h_notifications(struct request *req, struct response *res)
{
    struct notification *list;
    int n;
    int64_t older, unread = web_notifications_unread(req);
    int limit = (int)req_param_int(req, "limit", PAGE_SIZE);
    bool *text_own;
    const char **lines;
    if (notifications_list(req->db, req->arena, req->user->id, req_param_int(req, "before", 0), limit, &list, &n,
                           &older) ||
        (n && notification_overrides(req->db, req->arena, &text_own, &lines))) {
        res_error(res, LE_DB, "", "Your notifications could not be read; try again.");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(items, item_json(req, &list[i], lines));
    json_t *m = json_pack("{s:o, s:I}", "notifications", items, "unread", (json_int_t)unread);
    json_object_set_new(m, "older", older ? json_integer(older) : json_null());
    if (!req->is_api) {
        if (older) json_object_set_new(m, "older_href", json_sprintf("/notifications?before=%lld", (long long)older));
        json_object_set_new(m, "first_page", json_boolean(req_param_int(req, "before", 0) == 0));
    }
    res->model = m;
    res->template = "communication/notifications";
    res->title = T(req, "notify.title");
}

/* Marks the one named by id read, or all of them without one (the page's "Mark all read", and
 * {"all": true} or {} from the API). */
void h_notifications_read(struct request *req, struct response *res)
{
    int64_t id = req_param_int(req, "id", 0);
    int changed = 0;
    int64_t unread = 0;
    struct problem p = {0};
    if (notifications_mark_read(req->db, req->user->id, id, &changed, &p)) {
        web_fail(res, &p);
        return;
    }
    notifications_unread(req->db, req->user->id, &unread);
    res->model = json_pack("{s:i, s:I}", "changed", changed, "unread", (json_int_t)unread);
    res->redirect = "/notifications";
    web_flash(req, res, id ? "flash.notification_read" : "flash.notifications_all_read");
}
