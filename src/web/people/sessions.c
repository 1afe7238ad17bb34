/* Signing in and out: the sign-in page and form, and POST/DELETE /api/v1/sessions. */
#include <string.h>
#include "internal.h"

/* Only same-site paths are followed after sign-in, so a link cannot bounce users elsewhere. */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\') return "/";
    if (strncmp(next, "/signin", 7) == 0) return "/";
    return next;
}

void h_signin_page(struct request *req, struct response *res)
{
    if (req->user) {
        res->redirect = "/";
        return;
    }
    res->template = "signin";
    res->title = T(req, "signin.title");
    web_public_form(req, res);
    json_t *m = web_model(res);
    const char *next = req_param(req, "next");
    if (next) json_object_set_new(m, "next", json_string(safe_next(next)));
}

/* Someone signing in through a browser that still holds another session (the same person, or
 * someone else at a shared computer) leaves that session ended, not merely forgotten by the
 * browser: its token would otherwise stay usable until it expires. */
static void end_earlier_session(struct request *req)
{
    if (!req->user || req->via_bearer) return;
    struct problem p = {0};
    int64_t admin_id;
    lerr e = req->user->impersonator_id ? impersonation_end(req->db, req->user->session_id, &admin_id, &p)
                                        : session_end(req->db, req->user->session_id, req->user->id);
    if (e) log_error("signin: the earlier session %lld could not be ended", (long long)req->user->session_id);
}

void h_signin(struct request *req, struct response *res)
{
    const char *username = req_param(req, "username");
    struct session_new sn;
    struct problem p = {0};
    lerr e = auth_sign_in(req->db, username, req_param(req, "password"), req->ip, req->user_agent, &sn, &p);
    if (e) {
        if (e == LE_RATELIMIT) web_wait(req, res, sn.retry_after_s, "signin.wait", &p);
        res->template = "signin";
        res->title = T(req, "signin.title");
        web_public_form(req, res);
        json_t *m = web_model(res);
        json_object_set_new(m, "username", json_string(username));
        const char *next = req_param(req, "next");
        if (next) json_object_set_new(m, "next", json_string(safe_next(next)));
        web_fail(res, &p);
        return;
    }
    struct user u;
    if (user_get(req->db, req->arena, sn.user_id, &u, &p)) {
        web_fail(res, &p);
        return;
    }
    if (req->is_api) {
        res->status = 201;
        res->model = json_pack("{s:s, s:b, s:o}", "token", sn.token, "must_change_password",
                               sn.must_change_password, "user", user_to_json(&u));
        return;
    }
    end_earlier_session(req);
    res_set_session_cookie(req, res, sn.token);
    res->redirect = sn.must_change_password ? "/password" : safe_next(req_param(req, "next"));
}

void h_signout(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t admin_id;
    /* Signing out of a "log in as" session ends the impersonation (audited); an administrator
     * who signs out ends the ones they started too. */
    lerr e = req->user->impersonator_id ? impersonation_end(req->db, req->user->session_id, &admin_id, &p)
                                        : session_end(req->db, req->user->session_id, req->user->id);
    if (!e && !req->user->impersonator_id) e = impersonations_end_by(req->db, req->user->id);
    if (e) {
        problem_set(&p, LE_DB, NULL, "signing out failed; try again");
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:b}", "signed_out", true);
    if (!req->is_api) {
        res_set_session_cookie(req, res, NULL);
        web_flash(req, res, "flash.signed_out");
        res->redirect = "/signin";
    }
}
