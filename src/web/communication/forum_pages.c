/* Discussions' pages and API (docs/communication.md): a forum (a course's or the site's) with
 * its threads and the form to start one, a thread's page of posts with the reply form, and the
 * moderators' pin, lock and hide. Who may read, post and moderate the model decides. */
#include "internal.h"

/* The forum named by the route: a course's ({course}) or, without one, the site's. */
static lerr open_forum(struct request *req, struct forum_access *fa, struct problem *p)
{
    return forum_open(req->db, req->arena, req_param(req, "course"), req->user->id, req->user->roles, fa, p);
}

/* The file sent with a post (the form's "file"), or NULL when none was chosen. */
static const struct forum_file *posted_file(struct request *req)
{
    const struct uploaded_file *f = req_file(req, "file");
    if (!f || (!f->len && (!f->filename || !*f->filename))) return NULL; /* the empty file input */
    struct forum_file *out = arena_alloc(req->arena, sizeof *out);
    *out = (struct forum_file){web_app.data_dir, f->filename, f->content_type, f->data, f->len};
    return out;
}

static const char *thread_path(struct request *req, int64_t id)
{
    return arena_sprintf(req->arena, "/threads/%lld", (long long)id);
}

void h_forum_show(struct request *req, struct response *res)
{
    struct forum_access fa;
    struct problem p = {0};
    if (open_forum(req, &fa, &p)) {
        web_fail(res, &p);
        return;
    }
    const char *path = fa.course_code ? arena_sprintf(req->arena, "/courses/%s/forum", fa.course_code) : "/forum";
    const char *title = fa.course_title ? fa.course_title : T(req, "forums.site_title");
    json_t *threads = forum_threads_json(req->db, &fa, FORUM_LIST_MAX), *t;
    json_int_t unread = 0, reports = 0;
    size_t i;
    json_array_foreach (threads, i, t) {
        unread += json_integer_value(json_object_get(t, "unread"));
        reports += json_integer_value(json_object_get(t, "reports"));
    }
    res->model = json_pack("{s:{s:s, s:s, s:s?, s:b, s:s, s:b, s:b}, s:o, s:I, s:I, s:{}}", "forum", "title", title,
                           "path", path, "course_code", fa.course_code, "moderator", fa.moderator, "kind",
                           fa.qa ? "qa" : "general", "qa", fa.qa, "following", fa.following, "threads", threads,
                           "unread", unread, "reports", reports, "form");
    if (!req->is_api) /* the search box: this forum unless the person asks for every one */
        json_object_update_new(res->model, json_pack("{s:s, s:b}", "search_here",
                                                     fa.course_code ? fa.course_code : "site", "here_selected", 1));
    res->template = "communication/forum";
    res->title = title;
}

void h_forum_mark_read(struct request *req, struct response *res)
{
    struct forum_access fa;
    struct problem p = {0};
    if (open_forum(req, &fa, &p) || forum_mark_read(req->db, &fa, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:b}", "read", 1);
    web_flash(req, res, "flash.forum_read");
    res->redirect = fa.course_code ? arena_sprintf(req->arena, "/courses/%s/forum", fa.course_code) : "/forum";
}

void h_forum_settings(struct request *req, struct response *res)
{
    struct forum_access fa;
    struct problem p = {0};
    const char *kind = req_param(req, "kind");
    if (open_forum(req, &fa, &p) || forum_set_kind(req->db, req->arena, &fa, kind, req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:s}", "kind", kind);
    web_flash(req, res, "flash.forum_settings");
    res->redirect = fa.course_code ? arena_sprintf(req->arena, "/courses/%s/forum", fa.course_code) : "/forum";
}

void h_forum_thread_create(struct request *req, struct response *res)
{
    struct forum_access fa;
    struct problem p = {0};
    int64_t id = 0;
    json_t *thread = NULL;
    if (open_forum(req, &fa, &p) ||
        forum_thread_create(req->db, req->arena, &fa, req_param(req, "title"), req_param(req, "body"),
                            posted_file(req), req->user->id, &id, &p) ||
        forum_thread_json(req->db, req->arena, id, 1, req->user->id, req->user->roles, &thread, &p)) {
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    res->model = thread;
    web_flash(req, res, "flash.thread_started");
    res->redirect = thread_path(req, id);
}

/* Previous and next page links for a thread's page. */
static void add_pager(struct request *req, json_t *m, int64_t id)
{
    int page = (int)json_integer_value(json_object_get(m, "page"));
    int64_t total = json_integer_value(json_object_get(m, "total"));
    int pages = (int)((total + FORUM_PAGE_POSTS - 1) / FORUM_PAGE_POSTS);
    if (page > 1)
        json_object_set_new(m, "prev_href",
                            json_string(arena_sprintf(req->arena, "%s?page=%d", thread_path(req, id), page - 1)));
    if (page < pages)
        json_object_set_new(m, "next_href",
                            json_string(arena_sprintf(req->arena, "%s?page=%d", thread_path(req, id), page + 1)));
    json_object_set_new(m, "pages", json_integer(pages > 0 ? pages : 1));
}

void h_thread_show(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id = req_param_int(req, "id", 0);
    json_t *m = NULL;
    /* A page without ?page= opens where the viewer stopped reading; the API starts at page 1. */
    int page = (int)req_param_int(req, "page", req->is_api ? 1 : 0);
    if (forum_thread_page(req->db, req->arena, id, page, req->user->id, req->user->roles,
                          req_param_int(req, "quote", 0), &m, &p)) {
        web_fail(res, &p);
        return;
    }
    if (!req->is_api) {
        add_pager(req, m, id);
        /* ?quote=POST fills the reply box with that post quoted, so Quote works without scripts. */
        json_t *quote = json_object_get(m, "quote");
        json_object_set_new(m, "form", quote ? json_pack("{s:O}", "body", quote) : json_object());
    }
    res->title = json_string_value(json_object_get(json_object_get(m, "thread"), "title"));
    res->model = m;
    res->template = "communication/thread";
}

/* After a change to a thread: the API gets the thread's first page, a page goes back to it
 * (its last page after a reply, so the new post is in view). */
void forum_back_to_thread(struct request *req, struct response *res, int64_t id, int64_t post_id, const char *flash)
{
    struct problem p = {0};
    json_t *m = NULL;
    if (forum_thread_json(req->db, req->arena, id, 1, req->user->id, req->user->roles, &m, &p)) {
        web_fail(res, &p);
        return;
    }
    int64_t total = json_integer_value(json_object_get(m, "total"));
    int last = (int)((total + FORUM_PAGE_POSTS - 1) / FORUM_PAGE_POSTS);
    if (post_id) json_object_set_new(m, "post_id", json_integer(post_id));
    res->model = m;
    web_flash(req, res, flash);
    res->redirect = post_id ? arena_sprintf(req->arena, "%s?page=%d#post-%lld", thread_path(req, id),
                                            last > 0 ? last : 1, (long long)post_id)
                            : thread_path(req, id);
}

void h_thread_reply(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id = req_param_int(req, "id", 0), post_id = 0;
    if (forum_reply(req->db, req->arena, id, req_param(req, "body"), posted_file(req), req->user->id, req->user->roles,
                    &post_id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    forum_back_to_thread(req, res, id, post_id, "flash.reply_posted");
}

void h_thread_moderate(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id = req_param_int(req, "id", 0);
    if (forum_thread_moderate(req->db, req->arena, id, req_param(req, "action"), req->user->id, req->user->roles,
                              &p)) {
        web_fail(res, &p);
        return;
    }
    forum_back_to_thread(req, res, id, 0, "flash.thread_moderated");
}

void h_post_hide(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t thread = 0;
    if (forum_post_hide(req->db, req->arena, req_param_int(req, "id", 0), req_param_bool(req, "hidden"),
                        req->user->id, req->user->roles, &thread, &p)) {
        web_fail(res, &p);
        return;
    }
    forum_back_to_thread(req, res, thread, 0, "flash.post_moderated");
}

void h_post_edit(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t thread = 0;
    if (forum_post_edit(req->db, req->arena, req_param_int(req, "id", 0), req_param(req, "body"), req->user->id,
                        req->user->roles, &thread, &p)) {
        web_fail(res, &p);
        return;
    }
    forum_back_to_thread(req, res, thread, 0, "flash.post_edited");
}

/* Following a forum, or stopping: the form's "follow" (true or false). */
void h_forum_follow(struct request *req, struct response *res)
{
    struct forum_access fa;
    struct problem p = {0};
    bool on = req_param_bool(req, "follow");
    if (open_forum(req, &fa, &p) || forum_follow(req->db, &fa, 0, on, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:b}", "following", on);
    web_flash(req, res, on ? "flash.forum_followed" : "flash.forum_unfollowed");
    res->redirect = fa.course_code ? arena_sprintf(req->arena, "/courses/%s/forum", fa.course_code) : "/forum";
}

/* Following a thread, or stopping. */
void h_thread_follow(struct request *req, struct response *res)
{
    struct forum_access fa;
    struct problem p = {0};
    int64_t id = req_param_int(req, "id", 0);
    bool on = req_param_bool(req, "follow");
    if (forum_open_thread(req->db, req->arena, id, req->user->id, req->user->roles, &fa, NULL, &p) ||
        forum_follow(req->db, &fa, id, on, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:b}", "following", on);
    web_flash(req, res, on ? "flash.forum_followed" : "flash.forum_unfollowed");
    res->redirect = thread_path(req, id);
}
