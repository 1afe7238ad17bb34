/* My plan (a learner's assigned programmes) and the team's plan (a manager's people): read
 * with their progress in one query each (reading.c). The team's plan holds what is not done
 * yet, and certifications that have expired or expire within their programme's first expiry
 * warning day (60 by default). */
#include "internal.h"

json_t *plan_json(struct db *db, struct arena *a, int64_t user_id)
{
    struct assignment_view *views;
    int n;
    if (assignments_read(db, a, &(struct assignment_filter){.user_id = user_id, .active_only = true}, &views, &n))
        return NULL;
    json_t *list = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(list, assignment_view_json(a, &views[i]));
    return list;
}

json_t *team_plan_json(struct db *db, struct arena *a, int64_t viewer_id, unsigned viewer_roles)
{
    struct assignment_view *views;
    int n;
    struct assignment_filter f = {.manager_id = (viewer_roles & ROLE_ADMIN) ? 0 : viewer_id, .active_only = true};
    if (assignments_read(db, a, &f, &views, &n)) return NULL;
    json_t *overdue = json_array(), *due = json_array();
    for (int i = 0; i < n; i++) {
        const struct assignment_view *v = &views[i];
        /* Done is done, unless a certification expires soon. */
        bool settled = v->state == STATE_COMPLETE || (v->state == STATE_CERTIFIED && !v->expiring);
        if (settled || v->user_id == viewer_id) continue;
        bool late = v->state == STATE_OVERDUE || v->state == STATE_EXPIRED;
        json_array_append_new(late ? overdue : due, assignment_view_json(a, v));
    }
    json_array_extend(overdue, due);
    json_decref(due);
    return overdue;
}
