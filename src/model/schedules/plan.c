/* My plan (a learner's assigned programmes) and the team's plan (a manager's people): read
 * with their progress in one query each (reading.c). */
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
        if (views[i].state == STATE_COMPLETE || views[i].user_id == viewer_id) continue;
        json_array_append_new(views[i].state == STATE_OVERDUE ? overdue : due, assignment_view_json(a, &views[i]));
    }
    json_array_extend(overdue, due);
    json_decref(due);
    return overdue;
}
