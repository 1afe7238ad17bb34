/* The schedules domain's routes: programmes and their assignments (programmes.c), My plan and
 * the team's plan (plan.c); docs/schedules.md. */
#include "internal.h"

#define PROGRAMME_FIELDS                                                                                 \
    {"code", P_STR, 0, 0, 100}, {"title", P_STR, 0, 0, 200}, {"summary", P_TEXT, 0, 0, 20000},          \
        {"status", P_STR, 0, 0, 20}, {"due_days", P_INT, 0, 0, 100000}, {"due_date", P_STR, 0, 0, 20},     \
        {"valid_days", P_INT, 0, 0, 100000}, {"valid_until", P_STR, 0, 0, 10},                             \
        {"renew_window_days", P_INT, 0, 0, 100000}, {"rhythm", P_STR, 0, 0, 20},                          \
        {"due_start_days", P_INT, 0, 0, 100000}
static const struct param_spec p_programme[] = {
    PROGRAMME_FIELDS,
    {"state", P_STR, 0, 0, 20},
    PARAMS_END,
};
#undef PROGRAMME_FIELDS
static const struct param_spec p_set[] = {
    {"code", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, 0, 1, 0},
    {"courses", P_STR, 0, 0, 10000},
    {"require", P_STR, 0, 0, 10},
    {"after_previous", P_BOOL, 0, 0, 0},
    {"renewal", P_BOOL, 0, 0, 0},
    {"confirm", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_assign[] = {
    {"code", P_STR, PARAM_REQUIRED, 1, 100},
    {"kind", P_STR, 0, 0, 20},
    {"username", P_USERNAME, 0, 0, 100},
    {"department_id", P_INT, 0, 0, 0},
    {"job_role_id", P_INT, 0, 0, 0},
    {"manager", P_USERNAME, 0, 0, 100},
    {"everyone", P_BOOL, 0, 0, 0},
    {"confirm", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_rule[] = {
    {"code", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"dry_run", P_BOOL, 0, 0, 0},
    {"confirm", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_extend[] = {
    {"code", P_STR, PARAM_REQUIRED, 1, 100},
    {"username", P_USERNAME, PARAM_REQUIRED, 1, 100},
    {"due", P_STR, 0, 0, 20},
    {"reason", P_TEXT, 0, 0, 2000},
    PARAMS_END,
};
static const struct param_spec p_reminders[] = {
    {"code", P_STR, PARAM_REQUIRED, 1, 100},
    {"remind_before", P_STR, 0, 0, 100},
    {"remind_expiry", P_STR, 0, 0, 100},
    {"remind_overdue", P_BOOL, 0, 0, 0},
    {"escalate_days", P_INT, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_schedule[] = {
    {"programme", P_STR, 0, 0, 100},
    {"department_id", P_INT, 0, 0, 0},
    {"job_role_id", P_INT, 0, 0, 0},
    {"weeks", P_INT, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_none[] = {
    PARAMS_END,
};

#define P "/admin/programmes/{code:str}"
#define A "/api/v1/programmes/{code:str}"
static const struct route routes[] = {
    {"GET", "/admin/programmes", h_programmes_list, CAP_PROGRAMMES_MANAGE, p_none, 0},
    {"POST", "/admin/programmes", h_programme_create, CAP_PROGRAMMES_MANAGE, p_programme, 0},
    {"GET", P, h_programme_show, CAP_PROGRAMMES_MANAGE, p_programme, 0},
    {"POST", P, h_programme_update, CAP_PROGRAMMES_MANAGE, p_programme, 0},
    {"POST", P "/sets", h_programme_set_add, CAP_PROGRAMMES_MANAGE, p_set, 0},
    {"POST", P "/sets/{id:int}/delete", h_programme_set_delete, CAP_PROGRAMMES_MANAGE, p_set, 0},
    {"POST", P "/assignments", h_programme_assign, CAP_PROGRAMMES_MANAGE, p_assign, 0},
    {"GET", P "/rules/{id:int}/delete", h_programme_rule_confirm, CAP_PROGRAMMES_MANAGE, p_rule, 0},
    {"POST", P "/rules/{id:int}/delete", h_programme_rule_delete, CAP_PROGRAMMES_MANAGE, p_rule, 0},
    {"GET", P "/assignments.csv", h_programme_assignments_csv, CAP_PROGRAMMES_MANAGE, p_programme, 0},
    {"POST", P "/reminders", h_programme_reminders_update, CAP_PROGRAMMES_MANAGE, p_reminders, 0},
    {"GET", "/admin/schedule", h_schedule, CAP_PROGRAMMES_MANAGE, p_schedule, 0},
    {"GET", "/admin/schedule.csv", h_schedule_csv, CAP_PROGRAMMES_MANAGE, p_schedule, 0},
    {"GET", "/plan", h_my_plan, CAP_SIGNED_IN, p_none, 0},
    /* Managers see their reporting line; the handler and the model check the person. */
    {"GET", "/team/plan", h_team_plan, CAP_USERS_VIEW, p_none, 0},
    {"POST", "/team/plan/{code:str}/{username:name}/extension", h_programme_extend, CAP_USERS_VIEW, p_extend, 0},
    {"GET", "/api/v1/programmes", h_programmes_list, CAP_PROGRAMMES_MANAGE, p_none, 0},
    {"POST", "/api/v1/programmes", h_programme_create, CAP_PROGRAMMES_MANAGE, p_programme, 0},
    {"GET", A, h_programme_show, CAP_PROGRAMMES_MANAGE, p_programme, 0},
    {"GET", A "/assignments", h_programme_assignments, CAP_PROGRAMMES_MANAGE, p_programme, 0},
    {"POST", A "/assignments", h_programme_assign, CAP_PROGRAMMES_MANAGE, p_assign, 0},
    {"DELETE", A "/sets/{id:int}", h_programme_set_delete, CAP_PROGRAMMES_MANAGE, p_set, 0},
    {"DELETE", A "/rules/{id:int}", h_programme_rule_delete, CAP_PROGRAMMES_MANAGE, p_rule, 0},
    {"POST", A "/assignments/{username:name}/extension", h_programme_extend, CAP_USERS_VIEW, p_extend, 0},
    {"POST", A "/reminders", h_programme_reminders_update, CAP_PROGRAMMES_MANAGE, p_reminders, 0},
    {"GET", "/api/v1/schedule", h_schedule, CAP_PROGRAMMES_MANAGE, p_schedule, 0},
    {"GET", "/api/v1/me/plan", h_my_plan, CAP_SIGNED_IN, p_none, 0},
};
#undef P
#undef A

const struct web_domain web_schedules = {
    .name = "schedules",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .init = NULL,
};
