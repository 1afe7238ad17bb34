/* Everyone's own profile (docs/people.md, "Your profile"): name, email, language, time zone,
 * a link to change the password, and the live sessions with "sign out everywhere else".
 * The page is /profile; its JSON twin is /api/v1/me (PATCH) and /api/v1/me/sessions. */
#include <string.h>
#include "internal.h"
#include "../../core/json_set.h"

/* The languages Lectern has words for (locale/<code>.json). */
static const char *const languages[] = {"en"};

static json_t *choice(const char *value, const char *name, bool selected)
{
    json_t *o = json_object();
    jset_str(o, "value", value);
    jset_str(o, "name", name);
    jset_bool(o, "selected", selected);
    return o;
}

/* A value set elsewhere (an upload, the administrator) that the list lacks is offered too, so
 * saving the profile never drops it unasked. */
static void keep_chosen(json_t *items, const char *chosen, bool found)
{
    if (chosen && *chosen && !found) json_array_insert_new(items, 0, choice(chosen, chosen, true));
}

static json_t *language_choices(struct request *req, const char *chosen)
{
    json_t *items = json_array();
    bool found = false;
    for (size_t i = 0; i < sizeof languages / sizeof languages[0]; i++) {
        bool selected = str_eq(chosen, languages[i]);
        found |= selected;
        /* words: profile.lang_{en} */
        const char *name = T(req, arena_sprintf(req->arena, "profile.lang_%s", languages[i]));
        json_array_append_new(items, choice(languages[i], name, selected));
    }
    keep_chosen(items, chosen, found);
    return items;
}

static json_t *timezone_choices(const char *chosen)
{
    size_t n;
    const char *const *names = timezone_names(&n);
    json_t *items = json_array();
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        bool selected = str_eq(chosen, names[i]);
        found |= selected;
        json_array_append_new(items, choice(names[i], names[i], selected));
    }
    keep_chosen(items, chosen, found);
    return items;
}

void h_profile_page(struct request *req, struct response *res)
{
    struct user u;
    struct problem p = {0};
    if (user_get(req->db, req->arena, req->user->id, &u, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o, s:o}", "user", user_to_json(&u), "sessions",
                           session_list_json(req->db, u.id, req->user->session_id));
    json_object_set_new(res->model, "form",
                        json_pack("{s:s, s:s, s:s}", "first_name", u.first_name, "last_name", u.last_name,
                                  "email", u.email));
    json_object_set_new(res->model, "languages", language_choices(req, u.lang));
    json_object_set_new(res->model, "timezones", timezone_choices(u.timezone));
    json_object_set_new(res->model, "impersonated", json_boolean(req->user->impersonator_id != 0));
    res->template = "profile";
    res->title = T(req, "profile.title");
}

/* "Log in as" is for seeing what the person sees: their profile stays theirs to change. */
static bool refuse_impersonation(struct request *req, struct response *res)
{
    if (!req->user->impersonator_id) return false;
    res_error(res, LE_FORBIDDEN, NULL, "%s", T(req, "impersonation.no_profile_change"));
    return true;
}

void h_profile_update(struct request *req, struct response *res)
{
    if (refuse_impersonation(req, res)) return;
    if (req_has_param(req, "roles")) {
        res_error(res, LE_FORBIDDEN, "roles", "%s", T(req, "profile.no_roles"));
        return;
    }
    struct profile_input in = {req_param(req, "first_name"), req_param(req, "last_name"), req_param(req, "email"),
                               req_param(req, "lang"), req_param(req, "timezone")};
    struct problem p = {0};
    struct user u;
    if (user_profile_update(req->db, req->arena, req->user->id, &in, &p) ||
        user_get(req->db, req->arena, req->user->id, &u, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = user_to_json(&u);
    web_flash(req, res, "flash.profile_saved");
    res->redirect = "/profile";
}

void h_my_sessions(struct request *req, struct response *res)
{
    res->model = json_pack("{s:o}", "sessions", session_list_json(req->db, req->user->id, req->user->session_id));
}

void h_sessions_end_others(struct request *req, struct response *res)
{
    if (refuse_impersonation(req, res)) return;
    struct problem p = {0};
    int64_t n;
    if (session_end_others(req->db, req->user->id, req->user->session_id, &n, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:I}", "ended", (json_int_t)n);
    web_flash(req, res, "flash.sessions_ended");
    res->redirect = "/profile";
}
