/* My plan (/plan, /api/v1/me/plan): the learner's assigned programmes with the next due date,
 * progress and the next course; and the team's plan (/team/plan): a manager's people with what
 * is due and overdue, and the control to extend a due date. */
#include "internal.h"

void web_assignment_labels(struct request *req, json_t *list)
{
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        /* words: schedules.state_{assigned,in_progress,complete,overdue,certified,renewal_open,expired} */
        const char *state = json_string_value(json_object_get(x, "state"));
        json_object_set_new(x, "state_label", json_string(T(req, arena_sprintf(req->arena, "schedules.state_%s", state))));
        /* the progress bar's width class, in steps of 5 (lectern.css) */
        json_object_set_new(x, "step", json_integer(json_integer_value(json_object_get(x, "percent")) / 5 * 5));
    }
}

/* The page or JSON of a list of assignments under key; a 500 saying `what` when it could not be
 * read. */
static void plan_answer(struct request *req, struct response *res, json_t *list, const char *key,
                        const char *template, const char *title_key, const char *what)
{
    if (!list) {
        res_error(res, LE_DB, NULL, "%s could not be read; try again.", what);
        return;
    }
    if (!req->is_api) web_assignment_labels(req, list);
    res->model = json_pack("{s:o}", key, list);
    res->template = template;
    res->title = T(req, title_key);
}

void h_my_plan(struct request *req, struct response *res)
{
    plan_answer(req, res, plan_json(req->db, req->arena, req->user->id), "programmes", "schedules/plan", "plan.title",
                "Your plan");
    if (res->problem.code) return;
    /* The completions archived when certifications were renewed: never lost, shown here. */
    json_t *history = plan_history_json(req->db, req->arena, req->user->id);
    if (history && !req->is_api) web_history_labels(req, history);
    json_object_set_new(res->model, "history", history ? history : json_array());
}

void h_team_plan(struct request *req, struct response *res)
{
    plan_answer(req, res, team_plan_json(req->db, req->arena, req->user->id, req->user->roles), "items",
                "schedules/team", "team_plan.title", "The team's plan");
}
