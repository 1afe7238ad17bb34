/* The manager's team (/team, /api/v1/me/team): the people of their reporting line, direct
 * reports or everyone below them, with their training at a glance and a link into each record;
 * and what waits for their decision, with links to where it is decided. */
#include "internal.h"

#define TEAM_PER_PAGE 50

/* The address of another page of the same view. */
static json_t *page_href(struct request *req, bool everyone, int page)
{
    return json_string(arena_sprintf(req->arena, "/team?scope=%s&page=%d", everyone ? "all" : "direct", page));
}

void h_team(struct request *req, struct response *res)
{
    const char *scope = req_param(req, "scope");
    bool everyone = scope && str_eq(scope, "all");
    if (scope && !everyone && !str_eq(scope, "direct")) {
        res_error(res, LE_INVALID, "scope", "Choose direct (your direct reports) or all (everyone below you).");
        return;
    }
    int page = (int)req_param_int(req, "page", 1), total = 0;
    json_t *people = team_json(req->db, req->arena, req->user->id, !everyone, page, TEAM_PER_PAGE, &total);
    json_t *waiting = people ? team_waiting_json(req->db, req->user->id) : NULL;
    if (!people || !waiting) {
        json_decref(people);
        res_error(res, LE_DB, NULL, "Your team could not be read; try again.");
        return;
    }
    int pages = total ? (total + TEAM_PER_PAGE - 1) / TEAM_PER_PAGE : 1;
    json_t *m = json_pack("{s:o, s:o, s:s, s:i, s:i, s:i}", "people", people, "waiting", waiting, "scope",
                          everyone ? "all" : "direct", "total", total, "page", page, "pages", pages);
    if (!req->is_api) {
        json_object_set_new(m, "everyone", json_boolean(everyone));
        if (page > 1) json_object_set_new(m, "prev", page_href(req, everyone, page - 1));
        if (page < pages) json_object_set_new(m, "next", page_href(req, everyone, page + 1));
        size_t i;
        json_t *p;
        json_array_foreach(people, i, p)
        {
            json_int_t pct = json_integer_value(json_object_get(p, "percent"));
            json_object_set_new(p, "step", json_integer(pct / 5 * 5));
            json_object_set_new(p, "indirect", json_boolean(json_integer_value(json_object_get(p, "depth")) > 1));
        }
    }
    res->model = m;
    res->template = "records/team";
    res->title = T(req, "team.title");
}
