/* The signed-in user's own account: who am I, and changing the password (forced after a
 * one-time password). */
#include <string.h>
#include "internal.h"

void h_me(struct request *req, struct response *res)
{
    struct user u;
    struct problem p = {0};
    if (user_get(req->db, req->arena, req->user->id, &u, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = user_to_json(&u);
}

void h_password_page(struct request *req, struct response *res)
{
    res->template = "password";
    res->title = T(req, "password.title");
    json_object_set_new(web_model(res), "forced", json_boolean(req->user->must_change_password));
}

void h_password_change(struct request *req, struct response *res)
{
    struct problem p = {0};
    res->template = "password";
    res->title = T(req, "password.title");
    json_object_set_new(web_model(res), "forced", json_boolean(req->user->must_change_password));

    if (req->user->impersonator_id) {
        /* "Log in as" is for seeing what the person sees, not for choosing their password. */
        problem_set(&p, LE_FORBIDDEN, NULL, "%s", T(req, "impersonation.no_password_change"));
        web_fail(res, &p);
        return;
    }
    const char *current = req_param(req, "current_password");
    const char *fresh = req_param(req, "new_password");
    const char *confirm = req_param(req, "confirm_password");
    /* The form asks twice; the API trusts its caller to have done so. */
    if (!req->is_api && !str_eq(fresh, confirm)) {
        problem_set(&p, LE_INVALID, "confirm_password", "%s", T(req, "password.mismatch"));
        web_fail(res, &p);
        return;
    }
    struct user u;
    if (user_get(req->db, req->arena, req->user->id, &u, &p)) {
        web_fail(res, &p);
        return;
    }
    if (!user_check_password(req->db, u.id, current)) {
        problem_set(&p, LE_INVALID, "current_password", "%s", T(req, "password.current_wrong"));
        web_fail(res, &p);
        return;
    }
    if (str_eq(current, fresh)) {
        problem_set(&p, LE_INVALID, "new_password", "%s", T(req, "password.same"));
        web_fail(res, &p);
        return;
    }
    if (user_set_password(req->db, u.id, fresh, false, u.id, &p)) {
        if (strcmp(p.field, "password") == 0) strcpy(p.field, "new_password");
        web_fail(res, &p);
        return;
    }
    user_get(req->db, req->arena, u.id, &u, &p);
    json_decref(res->model);
    res->model = user_to_json(&u);
    web_flash(req, res, "flash.password_changed");
    res->redirect = "/";
}
