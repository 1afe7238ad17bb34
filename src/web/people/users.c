/* Administration of people: the users list, create, show, edit, suspend, reactivate, unlock
 * and reset password. Pages under /admin/users, JSON under /api/v1/users. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static const char *const form_roles[] = {"admin", "manager", "instructor", "learner"};

/* The API sends "roles" (a JSON array or a comma list); the HTML form sends one checkbox per
 * role. Returns NULL when the request says nothing about roles. */
static const char *roles_param(struct request *req)
{
    if (req->is_api) return req_param(req, "roles");
    char list[128] = "";
    for (size_t i = 0; i < sizeof form_roles / sizeof form_roles[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "role_%s", form_roles[i]);
        if (!req_param_bool(req, name)) continue;
        if (list[0]) strcat(list, ",");
        strcat(list, form_roles[i]);
    }
    return arena_strdup(req->arena, list);
}

static void read_user_input(struct request *req, struct user_input *in)
{
    in->username = req_param(req, "username");
    in->email = req_param(req, "email");
    in->first_name = req_param(req, "first_name");
    in->last_name = req_param(req, "last_name");
    in->roles = roles_param(req);
}

/* The form's values go back into the page when it is shown again with an error. */
static json_t *form_model(struct request *req, const struct user_input *in)
{
    json_t *form = json_pack("{s:s?, s:s?, s:s?, s:s?}", "username", in->username, "email", in->email,
                             "first_name", in->first_name, "last_name", in->last_name);
    const char *roles = in->roles ? in->roles : "learner";
    for (size_t i = 0; i < sizeof form_roles / sizeof form_roles[0]; i++) {
        char key[32];
        snprintf(key, sizeof key, "role_%s", form_roles[i]);
        json_object_set_new(form, key, json_boolean(strstr(roles, form_roles[i]) != NULL));
    }
    (void)req;
    return form;
}

static bool find_user(struct request *req, struct response *res, struct user *u)
{
    struct problem p = {0};
    if (user_get_by_username(req->db, req->arena, req_param(req, "username"), u, &p)) {
        web_fail(res, &p);
        return false;
    }
    /* A manager sees only their reporting line (docs/people.md): anyone else is not found. */
    if (!user_visible_to(req->db, req->user->id, req->user->roles, u->id)) {
        problem_set(&p, LE_NOTFOUND, "username", "There is no user '%s'.", u->username);
        web_fail(res, &p);
        return false;
    }
    return true;
}

/* The users list's sortable columns; the first is the default order. */
static const struct sort_column user_columns[] = {
    {"name", "users.name"},         {"username", "users.username"}, {"email", "users.email"},
    {"department", "people.department"}, {"status", "users.status"}, {"last_signin", "users.last_signin"},
    {"created", "users.created"},   {NULL, NULL},
};

/* Reads the filters; false with a 422 naming the field when one is not a choice. */
static bool users_filter(struct request *req, struct response *res, struct user_filter *f)
{
    const char *role = req_param(req, "role"), *status = req_param(req, "status");
    f->q = req_param(req, "q");
    f->role = role && *role ? role_parse(role) : 0;
    if (role && *role && !f->role) {
        res_error(res, LE_INVALID, "role", "The role is admin, manager, instructor or learner.");
        return false;
    }
    if (status && *status && !str_eq(status, "active") && !str_eq(status, "suspended") && !str_eq(status, "locked")) {
        res_error(res, LE_INVALID, "status", "The status is active, suspended or locked.");
        return false;
    }
    f->status = status && *status ? status : NULL;
    f->department_id = req_param_int(req, "department", 0);
    return true;
}

/* The filter form's choices, each marked when it is the one shown. */
static void users_filter_choices(struct request *req, json_t *m, const struct user_filter *f)
{
    static const char *const roles[] = {"admin", "manager", "instructor", "learner"};
    static const char *const statuses[] = {"active", "suspended", "locked"};
    /* words: roles.{admin,manager,instructor,learner} users.status_{active,suspended,locked} */
    json_t *rv = json_array(), *sv = json_array(), *dv = json_array();
    for (size_t i = 0; i < 4; i++)
        json_array_append_new(rv, json_pack("{s:s, s:s, s:b}", "value", roles[i], "label",
                                            T(req, arena_sprintf(req->arena, "roles.%s", roles[i])), "selected",
                                            f->role == role_parse(roles[i])));
    for (size_t i = 0; i < 3; i++)
        json_array_append_new(sv, json_pack("{s:s, s:s, s:b}", "value", statuses[i], "label",
                                            T(req, arena_sprintf(req->arena, "users.status_%s", statuses[i])),
                                            "selected", str_eq(f->status, statuses[i])));
    struct department *d;
    int n = 0;
    if (department_choices(req->db, req->arena, &d, &n)) n = 0;
    for (int i = 0; i < n; i++)
        json_array_append_new(dv, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)d[i].id, "name", d[i].name,
                                             "selected", d[i].id == f->department_id));
    json_object_set_new(m, "filters", json_pack("{s:o, s:o, s:o, s:b}", "roles", rv, "statuses", sv,
                                                "departments", dv, "any",
                                                f->role || f->status || f->department_id || (f->q && *f->q)));
}

/* Sections of a person's page from domains above people, registered at start. */
#define USER_SECTIONS_MAX 8
static web_user_section_fn user_sections[USER_SECTIONS_MAX];
static int n_user_sections;

void web_user_section_register(web_user_section_fn fn)
{
    if (n_user_sections == USER_SECTIONS_MAX) abort(); /* a programming error: raise the maximum */
    user_sections[n_user_sections++] = fn;
}

/* Sections of the users list page from domains above people, registered at start. */
static web_users_list_section_fn list_sections[USER_SECTIONS_MAX];
static int n_list_sections;

void web_users_list_section_register(web_users_list_section_fn fn)
{
    if (n_list_sections == USER_SECTIONS_MAX) abort(); /* a programming error: raise the maximum */
    list_sections[n_list_sections++] = fn;
}

void h_users_list(struct request *req, struct response *res)
{
    struct user_filter f = {0};
    struct list_link l = {.base_path = req->is_api ? "/api/v1/users" : "/admin/users",
                          .per_page = (int)req_param_int(req, "per_page", 25)};
    if (!users_filter(req, res, &f) || !web_list_sort(req, res, user_columns, &l.sort)) return;
    f.sort = l.sort.key;
    f.desc = l.sort.desc;
    int page = (int)req_param_int(req, "page", 1);
    struct user *users;
    int n, total;
    if (user_list_filtered(req->db, req->arena, req->user->id, req->user->roles, &f, page, l.per_page, &users, &n,
                           &total)) {
        res_error(res, LE_DB, NULL, "the users could not be listed; try again");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *u = user_to_json(&users[i]);
        if (!req->is_api)
            json_object_set_new(u, "status_label",
                                json_string(T(req, arena_sprintf(req->arena, "users.status_%s", users[i].status))));
        json_array_append_new(items, u);
    }
    const char *dept = f.department_id ? arena_sprintf(req->arena, "%lld", (long long)f.department_id) : NULL;
    l.keep = web_query_string(req, (const char *const[]){"q", f.q, "role", req_param(req, "role"), "department",
                                                          dept, "status", f.status, NULL});
    res->model = web_list_model(req, items, page, total, &l);
    if (f.q) json_object_set_new(res->model, "q", json_string(f.q));
    if (!req->is_api) {
        json_object_set_new(res->model, "columns", web_sort_headers(req, &l, user_columns));
        users_filter_choices(req, res->model, &f);
        for (int i = 0; i < n_list_sections; i++) list_sections[i](req, res->model);
    }
    res->template = "admin/users";
    res->title = T(req, "users.title");
}

static void show_user(struct request *req, struct response *res, const struct user *u, const char *otp);

void h_user_new_page(struct request *req, struct response *res)
{
    struct user_input in = {0};
    res->model = json_pack("{s:o}", "form", form_model(req, &in));
    res->template = "admin/user_new";
    res->title = T(req, "users.new");
}

void h_user_create(struct request *req, struct response *res)
{
    struct user_input in;
    read_user_input(req, &in);
    const char *password = req_param(req, "password");
    if (password && !*password) password = NULL;
    struct problem p = {0};
    int64_t id;
    char *otp = NULL;
    if (user_create(req->db, req->arena, &in, password, false, req->user->id, &id, &otp, &p)) {
        res->model = json_pack("{s:o}", "form", form_model(req, &in));
        res->template = "admin/user_new";
        res->title = T(req, "users.new");
        web_fail(res, &p);
        return;
    }
    struct user u;
    if (user_get(req->db, req->arena, id, &u, &p)) {
        web_fail(res, &p);
        return;
    }
    if (!req->is_api && !otp) {
        web_flash(req, res, "flash.user_created");
        res->redirect = arena_sprintf(req->arena, "/admin/users/%s", u.username);
        return;
    }
    if (!req->is_api) {
        /* The one-time password is shown once, on this page, so no redirect: the user's page
         * as it is when opened later, with the password and the word that it was created. */
        show_user(req, res, &u, otp);
        json_object_set_new(res->model, "created", json_true());
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:o}", "user", user_to_json(&u));
    if (otp) json_object_set_new(res->model, "one_time_password", json_string(otp));
}

/* The administrators' support block: sign-in history, lockout, links and the actions on them.
 * Only those who may act on accounts (users.manage) receive it; a line manager reading a
 * person of their team sees the person, not how they sign in. */
static void add_support(struct request *req, const struct user *u, json_t *model)
{
    json_t *signins = signin_history(req->db, u->id, 20);
    if (!req->is_api) {
        /* Reasons are codes in JSON and words on the page.
         * words: signin_reason.{ok,bad_password,unknown_user,locked,suspended,unknown} */
        size_t i;
        json_t *s;
        json_array_foreach(signins, i, s) {
            const char *reason = json_string_value(json_object_get(s, "reason"));
            const char *key = arena_sprintf(req->arena, "signin_reason.%s", reason ? reason : "unknown");
            json_object_set_new(s, "reason_text", json_string(T(req, key)));
        }
    }
    json_object_set_new(model, "signins", signins);
    json_object_set_new(model, "support", web_support_user_model(req, u)); /* support.c */
}

static void show_user(struct request *req, struct response *res, const struct user *u, const char *otp)
{
    res->model = json_pack("{s:o}", "user", user_to_json(u));
    if (role_has_cap(req->user->roles, CAP_USERS_MANAGE)) {
        add_support(req, u, res->model);
    } else {
        json_t *user = json_object_get(res->model, "user");
        json_object_del(user, "locked");
        json_object_del(user, "locked_until");
        json_object_del(user, "must_change_password");
    }
    web_user_org_model(req, res->model, u); /* organisation.c */
    for (int i = 0; i < n_user_sections; i++) user_sections[i](req, res->model, u);
    if (otp) json_object_set_new(res->model, "one_time_password", json_string(otp));
    if (!req->is_api) {
        json_object_set_new(res->model, "suspended", json_boolean(str_eq(u->status, "suspended")));
        struct user_input in = {u->username, u->email, u->first_name, u->last_name, NULL};
        char roles[128] = "";
        for (unsigned r = ROLE_ADMIN; r <= ROLE_LEARNER; r <<= 1)
            if (u->roles & r) {
                if (roles[0]) strcat(roles, ",");
                strcat(roles, role_name(r));
            }
        in.roles = roles;
        json_object_set_new(res->model, "form", form_model(req, &in));
        json_object_set_new(res->model, "is_self", json_boolean(u->id == req->user->id));
    }
    res->template = "admin/user";
    res->title = u->username;
}

void h_user_show(struct request *req, struct response *res)
{
    struct user u;
    if (find_user(req, res, &u)) show_user(req, res, &u, NULL);
}

void h_user_update(struct request *req, struct response *res)
{
    struct user u;
    if (!find_user(req, res, &u)) return;
    struct user_input in;
    read_user_input(req, &in);
    in.username = NULL; /* renames come with the people issue's oldusername support */
    if (in.roles && !*in.roles && req->is_api) in.roles = NULL;
    struct problem p = {0};
    if (u.id == req->user->id && in.roles && !strstr(in.roles, "admin") && (u.roles & ROLE_ADMIN)) {
        problem_set(&p, LE_CONFLICT, "roles", "%s", T(req, "users.cannot_drop_own_admin"));
    } else if (user_update(req->db, req->arena, u.id, &in, req->user->id, &p) == LE_OK) {
        user_get(req->db, req->arena, u.id, &u, &p);
        res->model = json_pack("{s:o}", "user", user_to_json(&u));
        web_flash(req, res, "flash.user_saved");
        res->redirect = arena_sprintf(req->arena, "/admin/users/%s", u.username);
        return;
    }
    show_user(req, res, &u, NULL);
    web_fail(res, &p);
}

/* Suspend, reactivate and unlock share a shape: act on the user, then show them. */
static void user_action(struct request *req, struct response *res,
                        lerr (*act)(struct db *, int64_t, int64_t, struct problem *), const char *flash)
{
    struct user u;
    if (!find_user(req, res, &u)) return;
    struct problem p = {0};
    if (act == user_suspend && u.id == req->user->id) {
        problem_set(&p, LE_CONFLICT, NULL, "%s", T(req, "users.cannot_suspend_self"));
    } else if (act(req->db, u.id, req->user->id, &p) == LE_OK) {
        user_get(req->db, req->arena, u.id, &u, &p);
        res->model = json_pack("{s:o}", "user", user_to_json(&u));
        web_flash(req, res, flash);
        res->redirect = arena_sprintf(req->arena, "/admin/users/%s", u.username);
        return;
    }
    show_user(req, res, &u, NULL);
    web_fail(res, &p);
}

void h_user_suspend(struct request *req, struct response *res)
{
    user_action(req, res, user_suspend, "flash.user_suspended");
}

void h_user_reactivate(struct request *req, struct response *res)
{
    user_action(req, res, user_reactivate, "flash.user_reactivated");
}

void h_user_unlock(struct request *req, struct response *res)
{
    user_action(req, res, user_unlock, "flash.user_unlocked");
}

void h_user_reset_password(struct request *req, struct response *res)
{
    struct user u;
    if (!find_user(req, res, &u)) return;
    struct problem p = {0};
    char *otp = NULL;
    if (user_reset_password(req->db, req->arena, u.id, req->user->id, &otp, &p)) {
        show_user(req, res, &u, NULL);
        web_fail(res, &p);
        return;
    }
    user_get(req->db, req->arena, u.id, &u, &p);
    /* Shown once on this page: no redirect. */
    show_user(req, res, &u, otp);
}
