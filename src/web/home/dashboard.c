/* The dashboard: what each role sees first after signing in. Until courses exist, the
 * sections say what to do next rather than showing empty tables. */
#include "home.h"
#include "../../model/courses/courses.h"

void h_dashboard(struct request *req, struct response *res)
{
    unsigned roles = req->user->roles;
    json_t *m = json_object();
    json_t *names = json_array();
    for (unsigned r = ROLE_ADMIN; r <= ROLE_LEARNER; r <<= 1)
        if (roles & r) json_array_append_new(names, json_string(role_name(r)));
    json_object_set_new(m, "roles", names);
    json_object_set_new(m, "display_name", json_string(req->user->display_name));
    if (roles & ROLE_ADMIN) {
        json_t *recent = audit_tail(req->db, 5);
        json_object_set_new(m, "admin", json_pack("{s:i, s:o}", "user_count", user_count(req->db),
                                                  "recent_activity", recent ? recent : json_array()));
    }
    if (roles & ROLE_MANAGER) json_object_set_new(m, "manager", json_pack("{s:[]}", "team"));
    if (roles & ROLE_INSTRUCTOR) json_object_set_new(m, "instructor", json_pack("{s:[]}", "courses"));
    /* My training: enrolled courses with progress, due dates, the next activity and recently
     * completed ones (one query; content.c). Anyone enrolled sees it, whatever their site role. */
    json_t *mine = learner_dashboard_json(req->db, req->arena, req->user->id);
    if ((roles & ROLE_LEARNER) || json_array_size(json_object_get(mine, "courses")) ||
        json_array_size(json_object_get(mine, "recently_completed")))
        json_object_set_new(m, "learner", mine);
    else
        json_decref(mine);
    res->model = m;
    res->template = "dashboard";
    res->title = T(req, "dashboard.title");
}

static const struct route routes[] = {
    {"GET", "/", h_dashboard, CAP_SIGNED_IN, NULL, 0},
    {"GET", "/api/v1/dashboard", h_dashboard, CAP_SIGNED_IN, NULL, 0},
    {"GET", "/api/v1/me/dashboard", h_dashboard, CAP_SIGNED_IN, NULL, 0},
};

const struct web_domain web_home = {
    .name = "home",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
};
