/* Bulk actions on people chosen from the users list: suspend, reactivate, send a password
 * reset link, enrol in a course. The first post shows who is affected (and who is left alone,
 * and why); the confirmed post does it in one transaction, each person audited. It lives with
 * courses because enrolling needs them; the rest is the people domain's. */
#include "internal.h"
#include "../people/people.h"
#include "../../model/courses/courses.h"
#include "../../model/people/people.h"

static const struct {
    const char *name;
    int people_action;            /* enum user_bulk_action, or -1 for enrol */
} bulk_actions[] = {
    {"suspend", USER_BULK_SUSPEND},
    {"reactivate", USER_BULK_REACTIVATE},
    {"send_reset_link", USER_BULK_RESET_LINK},
    {"enrol", -1},
};

/* The action named by ?action=, or -2 when it is none of them (422 on res). */
static int bulk_action(struct request *req, struct response *res)
{
    const char *name = req_param(req, "action");
    for (size_t i = 0; i < sizeof bulk_actions / sizeof bulk_actions[0]; i++)
        if (str_eq(name, bulk_actions[i].name)) return bulk_actions[i].people_action;
    res_error(res, LE_INVALID, "action", "The action is suspend, reactivate, send_reset_link or enrol.");
    return -2;
}

/* Who the action leaves alone: its own reasons, or for enrolment those already enrolled. */
static const char **skip_reasons(struct request *req, int action, const struct course *c, const struct user *u, int n)
{
    const char **why = arena_alloc(req->arena, sizeof *why * (size_t)(n ? n : 1));
    if (action >= 0) {
        for (int i = 0; i < n; i++) why[i] = user_bulk_skip_reason((enum user_bulk_action)action, &u[i], req->user->id);
        return why;
    }
    int64_t *ids = arena_alloc(req->arena, sizeof *ids * (size_t)(n ? n : 1));
    bool *live = arena_alloc(req->arena, sizeof *live * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) ids[i] = u[i].id, live[i] = false;
    if (n && enrolments_live_among(req->db, c->id, ids, n, live)) return NULL;
    for (int i = 0; i < n; i++) why[i] = live[i] ? "bulk.skip_already_enrolled" : NULL;
    return why;
}

/* The confirmation page's model: the people affected and those left alone. */
static json_t *preview_model(struct request *req, const char *action, const struct course *c, const struct user *u,
                             int n, const char **why, const char *unknown)
{
    json_t *affected = json_array(), *skipped = json_array();
    const char *usernames = "";
    for (int i = 0; i < n; i++) {
        json_t *person = json_pack("{s:s, s:s, s:s}", "username", u[i].username, "name",
                                   arena_sprintf(req->arena, "%s %s", u[i].first_name, u[i].last_name), "status",
                                   u[i].status);
        if (why[i]) {
            json_object_set_new(person, "reason", json_string(T(req, why[i])));
            json_array_append_new(skipped, person);
        } else {
            json_array_append_new(affected, person);
            usernames = arena_sprintf(req->arena, "%s%s%s", usernames, *usernames ? "," : "", u[i].username);
        }
    }
    json_t *m = json_pack("{s:s, s:s, s:o, s:o, s:s, s:i}", "action", action, "action_label",
                          /* words: bulk.{suspend,reactivate,send_reset_link,enrol} */
                          T(req, arena_sprintf(req->arena, "bulk.%s", action)), "affected", affected, "skipped",
                          skipped, "users", usernames, "count", (int)json_array_size(affected));
    if (c) json_object_set_new(m, "course", json_pack("{s:s, s:s}", "code", c->code, "title", c->title));
    if (*unknown) json_object_set_new(m, "unknown", json_string(unknown));
    return m;
}

/* Applies the action to the people it affects; false with the problem on res. */
static bool bulk_apply(struct request *req, struct response *res, int action, const struct course *c,
                       const struct user *u, int n, const char **why, int *done)
{
    struct problem p = {0};
    if (action >= 0) {
        if (!user_bulk_apply(req->db, (enum user_bulk_action)action, u, n, req->user->id, done, &p)) return true;
    } else {
        const char *names = "";
        for (int i = 0; i < n; i++)
            if (!why[i]) names = arena_sprintf(req->arena, "%s%s%s", names, *names ? "," : "", u[i].username);
        *done = 0;
        if (!*names || !enrol_users(req->db, req->arena, c->id, names, "learner", NULL, req->user->id, req->user->roles,
                                    done, &p))
            return true;
    }
    web_fail(res, &p);
    return false;
}

void h_user_actions(struct request *req, struct response *res)
{
    /* A refusal shows on the confirmation page, with the way back to the list. */
    res->model = json_object();
    res->template = "admin/user_actions";
    res->title = T(req, "bulk.title");
    int action = bulk_action(req, res);
    if (action == -2) return;
    struct problem p = {0};
    struct course course, *c = NULL;
    if (action == -1) {
        const char *code = req_param(req, "course");
        if (!code || !*code) {
            res_error(res, LE_INVALID, "course", "Give the code of the course to enrol the people in.");
            return;
        }
        if (course_get(req->db, req->arena, code, 0, &course, &p)) {
            web_fail(res, &p);
            return;
        }
        c = &course;
    }
    struct user *u;
    int n;
    const char *unknown;
    if (users_by_usernames(req->db, req->arena, req_param(req, "users"), &u, &n, &unknown, &p)) {
        web_fail(res, &p);
        return;
    }
    const char **why = skip_reasons(req, action, c, u, n);
    if (!why) {
        res_error(res, LE_DB, NULL, "the enrolments could not be read; try again");
        return;
    }
    json_decref(res->model);
    res->model = preview_model(req, req_param(req, "action"), c, u, n, why, unknown);
    if (!req_param_bool(req, "confirm")) return;
    int done = 0;
    if (!bulk_apply(req, res, action, c, u, n, why, &done)) return;
    json_object_set_new(res->model, "done", json_integer(done));
    /* words: flash.bulk_{suspend,reactivate,send_reset_link,enrol} */
    web_flash(req, res, arena_sprintf(req->arena, "flash.bulk_%s", req_param(req, "action")));
    res->redirect = "/admin/users";
}

/* The courses the users list's "enrol in a course" offers, so nobody types a course code: up to
 * BULK_COURSES_MAX of them, by title, archived ones left out. With more courses than that the
 * form keeps the code field and offers these as suggestions ("bulk_courses_all" false). */
#define BULK_COURSES_MAX 200
static void bulk_courses_section(struct request *req, json_t *model)
{
    if (!req->user || !role_has_cap(req->user->roles, CAP_USERS_MANAGE)) return; /* as /admin/user-actions */
    struct course_choice *rows;
    int n;
    bool more;
    if (course_choices(req->db, req->arena, BULK_COURSES_MAX, &rows, &n, &more)) return; /* the code field stays */
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:s, s:s}", "code", rows[i].code, "title", rows[i].title));
    json_object_set_new(model, "bulk_courses", list);
    json_object_set_new(model, "bulk_courses_all", json_boolean(!more));
}

void web_courses_bulk_init(void)
{
    web_users_list_section_register(bulk_courses_section);
}
