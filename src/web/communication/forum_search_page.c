/* The forums' search page and API (docs/communication.md): a box on every forum page sends
 * ?q= (and ?in= this forum, or every forum the person may read); the results link to the page
 * each post is on. The model decides what the person may see. */
#include "internal.h"

/* The link to another page of the same results. */
static const char *results_page(struct request *req, const char *q, const char *where, int page)
{
    const char *pairs[] = {"q", q, "in", where, "page", arena_sprintf(req->arena, "%d", page), NULL};
    return arena_sprintf(req->arena, "/forum/search?%s", web_query_string(req, pairs));
}

void h_forum_search(struct request *req, struct response *res)
{
    struct problem p = {0};
    const char *q = req_param(req, "q"), *where = req_param(req, "in");
    int page = (int)req_param_int(req, "page", 1);
    json_t *m = NULL;
    res->template = "communication/forum_search";
    res->title = T(req, "forums.search_title");
    /* A page opened without words is the empty search box, not an error. */
    if (!req->is_api && (!q || !*q)) {
        res->model = json_pack("{s:s, s:s, s:o}", "q", "", "where", where ? where : "", "results", json_array());
        if (where && *where)
            json_object_update_new(res->model, json_pack("{s:s, s:b}", "search_here", where, "here_selected", 1));
        return;
    }
    if (forum_search(req->db, req->arena, q, where, page, req->user->id, req->user->roles, &m, &p)) {
        web_fail(res, &p);
        return;
    }
    if (!req->is_api) {
        int64_t total = json_integer_value(json_object_get(m, "total"));
        if (page > 1) json_object_set_new(m, "prev_href", json_string(results_page(req, q, where, page - 1)));
        if ((int64_t)page * FORUM_SEARCH_PAGE < total)
            json_object_set_new(m, "next_href", json_string(results_page(req, q, where, page + 1)));
        json_object_set_new(m, "searched", json_true());
    }
    res->model = m;
    if (!req->is_api && where && *where)
        json_object_update_new(m, json_pack("{s:s, s:b}", "search_here", where, "here_selected", 1));
}
