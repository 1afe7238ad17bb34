/* Password and sign-in support (docs/support.md): forgot password and the single-use link
 * page, "cannot sign in?", and the administrator's support actions on a user (send a reset
 * link, type a temporary password, log in as). */
#include <string.h>
#include "internal.h"
#include "../platform/platform.h"

/* ---- Forgot password (public) ---- */

void h_forgot_page(struct request *req, struct response *res)
{
    res->template = "forgot";
    res->title = T(req, "forgot.title");
    web_public_form(req, res);
    web_model(res);
}

/* The answer is the same whatever happened: the outcome only goes to the log. */
void h_forgot(struct request *req, struct response *res)
{
    const char *outcome = "unknown";
    struct problem p = {0};
    res->template = "forgot";
    res->title = T(req, "forgot.title");
    int64_t wait = 0;
    lerr e = password_reset_request(req->db, req_param(req, "login"), req->ip, &outcome, &wait, &p);
    if (e) {
        if (e == LE_RATELIMIT) web_wait(req, res, wait, "forgot.wait", &p);
        web_public_form(req, res);
        web_fail(res, &p);
        return;
    }
    log_info("forgot password from %s: %s", req->ip ? req->ip : "?", outcome);
    res->model = json_pack("{s:b, s:s}", "requested", 1, "message", T(req, "forgot.sent"));
    if (req->is_api) res->status = 202;
}

/* ---- The link page (public) ---- */

static void reset_model(struct request *req, struct response *res, const struct signin_link *l, const char *token)
{
    res->template = "reset";
    res->title = T(req, l && str_eq(l->purpose, "welcome") ? "reset.welcome_title" : "reset.title");
    web_public_form(req, res);
    json_t *m = web_model(res);
    if (!l) {
        json_object_set_new(m, "invalid", json_true());
        return;
    }
    json_object_set_new(m, "token", json_string(token));
    json_object_set_new(m, "username", json_string(l->username));
    json_object_set_new(m, "welcome", json_boolean(str_eq(l->purpose, "welcome")));
}

void h_reset_page(struct request *req, struct response *res)
{
    const char *token = req_param(req, "token");
    struct signin_link l;
    struct problem p = {0};
    if (!token || signin_link_check(req->db, req->arena, token, &l, &p)) {
        reset_model(req, res, NULL, NULL);
        return;
    }
    reset_model(req, res, &l, token);
}

void h_reset(struct request *req, struct response *res)
{
    const char *token = req_param(req, "token");
    const char *fresh = req_param(req, "new_password");
    struct problem p = {0};
    struct signin_link l;
    if (signin_link_check(req->db, req->arena, token, &l, &p)) {
        if (req->is_api) {
            web_fail(res, &p);
        } else {
            reset_model(req, res, NULL, NULL);
        }
        return;
    }
    reset_model(req, res, &l, token);
    if (!req->is_api && !str_eq(fresh, req_param(req, "confirm_password"))) {
        problem_set(&p, LE_INVALID, "confirm_password", "%s", T(req, "password.mismatch"));
        web_fail(res, &p);
        return;
    }
    int64_t uid = 0;
    if (signin_link_use(req->db, token, fresh, req->ip, &uid, &p)) {
        if (strcmp(p.field, "password") == 0) strcpy(p.field, "new_password");
        if (strcmp(p.field, "token") == 0 && !req->is_api) {
            json_decref(res->model);
            res->model = NULL;
            reset_model(req, res, NULL, NULL);
            return;
        }
        web_fail(res, &p);
        return;
    }
    json_decref(res->model);
    res->model = json_pack("{s:b, s:s}", "reset", 1, "username", l.username);
    web_flash(req, res, "flash.password_reset_done");
    res->redirect = "/signin";
}

/* ---- Cannot sign in? (public) ---- */

void h_signin_help(struct request *req, struct response *res)
{
    const char *text = "";
    signin_help_get(req->db, req->arena, &text);
    json_t *lines = json_array();
    for (const char *s = text; *s;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        json_array_append_new(lines, json_stringn(s, n));
        s += n + (nl ? 1 : 0);
    }
    res->model = json_pack("{s:s, s:o, s:i, s:i}", "contact", text, "contact_lines", lines, "lockout_minutes",
                           auth_config.lockout_duration_s / 60, "reset_link_minutes", support_config.reset_link_s / 60);
    res->template = "signin_help";
    res->title = T(req, "signin_help.title");
}

/* ---- The administrator's support actions on a user ---- */

/* What the user page adds for support: recent links and whether "log in as" is offered. */
json_t *web_support_user_model(struct request *req, const struct user *u)
{
    bool can = req->user && role_has_cap(req->user->roles, CAP_USERS_IMPERSONATE) && impersonation_target_allowed(u->roles) &&
               str_eq(u->status, "active") && u->id != req->user->id;
    json_t *links = signin_links_json(req->db, u->id, 5);
    if (!req->is_api) {
        /* Purposes and states are codes in JSON and words on the page.
         * words: support.purpose_{reset,welcome} support.state_{active,used,expired} */
        size_t i;
        json_t *l;
        json_array_foreach(links, i, l) {
            const char *purpose = json_string_value(json_object_get(l, "purpose"));
            const char *state = json_string_value(json_object_get(l, "state"));
            json_object_set_new(l, "purpose_text",
                                json_string(T(req, arena_sprintf(req->arena, "support.purpose_%s", purpose ? purpose : "reset"))));
            json_object_set_new(l, "state_text",
                                json_string(T(req, arena_sprintf(req->arena, "support.state_%s", state ? state : "active"))));
        }
    }
    return json_pack("{s:o, s:b, s:b}", "links", links, "can_impersonate", can, "has_email", u->email && *u->email);
}

static bool find_user(struct request *req, struct response *res, struct user *u)
{
    struct problem p = {0};
    if (user_get_by_username(req->db, req->arena, req_param(req, "username"), u, &p)) {
        web_fail(res, &p);
        return false;
    }
    return true;
}

/* A failed support action shows the user page again with the problem. */
static void fail_on_user_page(struct request *req, struct response *res, const struct problem *p)
{
    h_user_show(req, res);
    web_fail(res, p);
}

void h_user_send_reset_link(struct request *req, struct response *res)
{
    struct user u;
    if (!find_user(req, res, &u)) return;
    struct problem p = {0};
    int64_t outbox_id = 0;
    if (signin_link_send(req->db, u.id, SIGNIN_LINK_RESET, req->user->id, &outbox_id, &p)) {
        fail_on_user_page(req, res, &p);
        return;
    }
    res->status = 202;
    res->model = json_pack("{s:b, s:I, s:s}", "sent", 1, "outbox_id", (json_int_t)outbox_id, "to", u.email);
    web_flash(req, res, "flash.reset_link_sent");
    res->redirect = arena_sprintf(req->arena, "/admin/users/%s", u.username);
}

void h_user_temporary_password(struct request *req, struct response *res)
{
    struct user u;
    if (!find_user(req, res, &u)) return;
    struct problem p = {0};
    if (user_set_temporary_password(req->db, u.id, req_param(req, "password"), req->user->id, &p)) {
        fail_on_user_page(req, res, &p);
        return;
    }
    user_get(req->db, req->arena, u.id, &u, &p);
    res->model = json_pack("{s:o}", "user", user_to_json(&u));
    web_flash(req, res, "flash.temporary_password_set");
    res->redirect = arena_sprintf(req->arena, "/admin/users/%s", u.username);
}

void h_user_impersonate(struct request *req, struct response *res)
{
    struct user u;
    if (!find_user(req, res, &u)) return;
    struct problem p = {0};
    struct session_new sn;
    /* A browser swaps its cookie, so its own session ends; an API client keeps its token. */
    bool browser = !req->user->via_bearer;
    if (impersonation_start(req->db, req->user->id, u.id, browser ? req->user->session_id : 0, req->ip,
                            req->user_agent, &sn, &p)) {
        fail_on_user_page(req, res, &p);
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:s, s:o, s:{s:I, s:s}}", "token", sn.token, "user", user_to_json(&u), "impersonator",
                           "id", (json_int_t)req->user->id, "username", req->user->username);
    if (browser) res_set_session_cookie(req, res, sn.token);
    res->redirect = "/";
}

void h_impersonation_show(struct request *req, struct response *res)
{
    const struct request_user *me = req->user;
    res->model = json_pack("{s:b, s:s}", "active", me->impersonator_id != 0, "username", me->username);
    if (me->impersonator_id)
        json_object_set_new(res->model, "impersonator",
                            json_pack("{s:I, s:s}", "id", (json_int_t)me->impersonator_id, "name",
                                      me->impersonator_name ? me->impersonator_name : ""));
}

void h_impersonation_end(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t admin_id = 0;
    const char *username = req->user->username;
    if (impersonation_end(req->db, req->user->session_id, &admin_id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:b}", "ended", 1);
    if (req->user->via_bearer) return;
    /* Back to the administrator's own account, on the page of the person they helped. */
    struct user admin;
    struct session_new sn;
    if (user_get(req->db, req->arena, admin_id, &admin, &p) == LE_OK && (admin.roles & ROLE_ADMIN) &&
        str_eq(admin.status, "active") && session_create(req->db, admin_id, req->ip, req->user_agent, &sn) == LE_OK) {
        res_set_session_cookie(req, res, sn.token);
        res->redirect = arena_sprintf(req->arena, "/admin/users/%s", username);
    } else {
        res_set_session_cookie(req, res, NULL);
        res->redirect = "/signin";
    }
}

/* ---- "Cannot sign in?" text (administrators, on the settings page) ---- */

/* The settings page's "cannot sign in?" section (registered with the settings page). */
static void signin_help_settings_model(struct request *req, json_t *model)
{
    const char *help = "";
    if (signin_help_get(req->db, req->arena, &help) == LE_OK)
        json_object_set_new(model, "signin_help", json_pack("{s:s}", "contact_text", help));
}

void web_people_init(void)
{
    web_settings_section_register(signin_help_settings_model);
}

void h_signin_help_update(struct request *req, struct response *res)
{
    struct problem p = {0};
    if (signin_help_set(req->db, req_param(req, "contact_text"), req->user->id, &p)) {
        h_settings_show(req, res);
        web_fail(res, &p);
        return;
    }
    const char *text = "";
    signin_help_get(req->db, req->arena, &text);
    res->model = json_pack("{s:s}", "contact_text", text);
    web_flash(req, res, "flash.settings_saved");
    res->redirect = "/admin/settings#signin-help-heading";
}
