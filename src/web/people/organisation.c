/* The organisation: departments, job roles and custom profile fields (administrators), and
 * a user's organisation fields on the user page. Pages under /admin, JSON under /api/v1
 * (docs/people.md, docs/api.md). */
#include <stdio.h>
#include <string.h>
#include "internal.h"

/* ---- Departments ---- */

static void departments_model(struct request *req, struct response *res)
{
    struct department *list;
    int n;
    if (department_list(req->db, req->arena, &list, &n)) {
        res_error(res, LE_DB, NULL, "the departments could not be read; try again");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *d = department_to_json(&list[i]);
        if (!req->is_api) {
            /* The page indents by depth and offers every other department as a parent. */
            json_object_set_new(d, "indent", json_integer(list[i].depth * 2));
            json_object_set_new(d, "deletable", json_boolean(!list[i].n_children && !list[i].n_users));
            json_t *parents = json_array();
            json_array_append_new(parents, json_pack("{s:i, s:s, s:b}", "id", 0, "path", T(req, "people.top_level"),
                                                     "selected", list[i].parent_id == 0));
            for (int k = 0; k < n; k++) {
                /* Not itself or anything below it (their paths start with its path + " / "). */
                size_t pl = strlen(list[i].path);
                if (k == i || (strncmp(list[k].path, list[i].path, pl) == 0 && strncmp(list[k].path + pl, " / ", 3) == 0))
                    continue;
                json_array_append_new(parents, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)list[k].id, "path",
                                                         list[k].path, "selected", list[k].id == list[i].parent_id));
            }
            json_object_set_new(d, "parents", parents);
        }
        json_array_append_new(items, d);
    }
    res->model = json_pack("{s:o}", "items", items);
    if (!req->is_api) {
        json_t *all = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(all, json_pack("{s:I, s:s}", "id", (json_int_t)list[i].id, "path", list[i].path));
        json_object_set_new(res->model, "all", all);
    }
    res->template = "admin/departments";
    res->title = T(req, "people.departments");
}

void h_departments_list(struct request *req, struct response *res)
{
    departments_model(req, res);
}

static void department_done(struct request *req, struct response *res, int64_t id, const char *flash,
                            int status)
{
    struct department d;
    struct problem p = {0};
    if (id && department_get(req->db, req->arena, id, &d, &p) == LE_OK)
        res->model = json_pack("{s:o}", "department", department_to_json(&d));
    else
        res->model = json_pack("{s:b}", "deleted", 1);
    res->status = status;
    web_flash(req, res, flash);
    res->redirect = "/admin/departments";
}

void h_department_create(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id;
    if (department_create(req->db, req_param(req, "name"), req_param(req, "idnumber"),
                          req_param_int(req, "parent_id", 0), req->user->id, &id, &p)) {
        departments_model(req, res);
        web_fail(res, &p);
        return;
    }
    department_done(req, res, id, "flash.people_saved", 201);
}

void h_department_update(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id = req_param_int(req, "id", 0);
    int64_t parent = req_has_param(req, "parent_id") ? req_param_int(req, "parent_id", 0) : -1;
    if (department_update(req->db, id, req_param(req, "name"), req_param(req, "idnumber"), parent, req->user->id, &p)) {
        departments_model(req, res);
        web_fail(res, &p);
        return;
    }
    department_done(req, res, id, "flash.people_saved", 200);
}

void h_department_delete(struct request *req, struct response *res)
{
    struct problem p = {0};
    if (department_delete(req->db, req_param_int(req, "id", 0), req->user->id, &p)) {
        departments_model(req, res);
        web_fail(res, &p);
        return;
    }
    department_done(req, res, 0, "flash.people_deleted", 200);
}

/* ---- Job roles ---- */

static void job_roles_model(struct request *req, struct response *res)
{
    struct job_role *list;
    int n;
    if (job_role_list(req->db, req->arena, &list, &n)) {
        res_error(res, LE_DB, NULL, "the job roles could not be read; try again");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *j = job_role_to_json(&list[i]);
        if (!req->is_api) json_object_set_new(j, "deletable", json_boolean(!list[i].n_users));
        json_array_append_new(items, j);
    }
    res->model = json_pack("{s:o}", "items", items);
    res->template = "admin/job_roles";
    res->title = T(req, "people.job_roles");
}

void h_job_roles_list(struct request *req, struct response *res)
{
    job_roles_model(req, res);
}

static void job_role_done(struct request *req, struct response *res, int64_t id, const char *flash, int status)
{
    struct job_role r;
    struct problem p = {0};
    if (id && job_role_get(req->db, req->arena, id, &r, &p) == LE_OK)
        res->model = json_pack("{s:o}", "job_role", job_role_to_json(&r));
    else
        res->model = json_pack("{s:b}", "deleted", 1);
    res->status = status;
    web_flash(req, res, flash);
    res->redirect = "/admin/job-roles";
}

void h_job_role_create(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id;
    if (job_role_create(req->db, req_param(req, "name"), req_param(req, "idnumber"), req->user->id, &id, &p)) {
        job_roles_model(req, res);
        web_fail(res, &p);
        return;
    }
    job_role_done(req, res, id, "flash.people_saved", 201);
}

void h_job_role_update(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id = req_param_int(req, "id", 0);
    if (job_role_update(req->db, id, req_param(req, "name"), req_param(req, "idnumber"), req->user->id, &p)) {
        job_roles_model(req, res);
        web_fail(res, &p);
        return;
    }
    job_role_done(req, res, id, "flash.people_saved", 200);
}

void h_job_role_delete(struct request *req, struct response *res)
{
    struct problem p = {0};
    if (job_role_delete(req->db, req_param_int(req, "id", 0), req->user->id, &p)) {
        job_roles_model(req, res);
        web_fail(res, &p);
        return;
    }
    job_role_done(req, res, 0, "flash.people_deleted", 200);
}

/* ---- Profile fields ---- */

/* words: people.type_{text,menu,checkbox,date} */
static const char *const field_types[] = {"text", "menu", "checkbox", "date"};

static json_t *type_choices(struct request *req, const char *selected)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof field_types / sizeof field_types[0]; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", field_types[i], "label",
                                             T(req, arena_sprintf(req->arena, "people.type_%s", field_types[i])),
                                             "selected", str_eq(selected, field_types[i])));
    return arr;
}

static void fields_model(struct request *req, struct response *res)
{
    struct profile_field *list;
    int n;
    if (profile_field_list(req->db, req->arena, &list, &n)) {
        res_error(res, LE_DB, NULL, "the profile fields could not be read; try again");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *j = profile_field_to_json(&list[i]);
        if (!req->is_api) {
            json_object_set_new(j, "options_text", json_string(list[i].options));
            json_object_set_new(j, "type_label",
                                json_string(T(req, arena_sprintf(req->arena, "people.type_%s", list[i].type))));
        }
        json_array_append_new(items, j);
    }
    res->model = json_pack("{s:o}", "items", items);
    if (!req->is_api) {
        json_object_set_new(res->model, "types", type_choices(req, "text"));
        json_object_set_new(res->model, "can_add", json_boolean(n < PROFILE_FIELDS_MAX));
    }
    res->template = "admin/profile_fields";
    res->title = T(req, "people.profile_fields");
}

void h_profile_fields_list(struct request *req, struct response *res)
{
    fields_model(req, res);
}

static void field_done(struct request *req, struct response *res, int64_t id, const char *flash, int status)
{
    struct profile_field f;
    struct problem p = {0};
    if (id && profile_field_get(req->db, req->arena, id, &f, &p) == LE_OK)
        res->model = json_pack("{s:o}", "profile_field", profile_field_to_json(&f));
    else
        res->model = json_pack("{s:b}", "deleted", 1);
    res->status = status;
    web_flash(req, res, flash);
    res->redirect = "/admin/profile-fields";
}

void h_profile_field_create(struct request *req, struct response *res)
{
    struct profile_field in = {
        .shortname = req_param(req, "shortname"),
        .name = req_param(req, "name"),
        .type = req_param(req, "type") ? req_param(req, "type") : "text",
        .options = req_param(req, "options"),
        .required = req_param_bool(req, "required"),
        .sort_order = (int)req_param_int(req, "sort_order", 0),
    };
    struct problem p = {0};
    int64_t id;
    if (profile_field_create(req->db, req->arena, &in, req->user->id, &id, &p)) {
        fields_model(req, res);
        web_fail(res, &p);
        return;
    }
    field_done(req, res, id, "flash.people_saved", 201);
}

void h_profile_field_update(struct request *req, struct response *res)
{
    int64_t id = req_param_int(req, "id", 0);
    struct profile_field old;
    struct problem p = {0};
    if (profile_field_get(req->db, req->arena, id, &old, &p)) {
        web_fail(res, &p);
        return;
    }
    struct profile_field in = {
        .name = req_param(req, "name"),
        .options = req_param(req, "options"),
        .required = req_has_param(req, "required") || !req->is_api ? req_param_bool(req, "required") : old.required,
        .sort_order = (int)req_param_int(req, "sort_order", old.sort_order),
    };
    if (profile_field_update(req->db, req->arena, id, &in, req->user->id, &p)) {
        fields_model(req, res);
        web_fail(res, &p);
        return;
    }
    field_done(req, res, id, "flash.people_saved", 200);
}

void h_profile_field_delete(struct request *req, struct response *res)
{
    struct problem p = {0};
    if (profile_field_delete(req->db, req_param_int(req, "id", 0), req->user->id, &p)) {
        fields_model(req, res);
        web_fail(res, &p);
        return;
    }
    field_done(req, res, 0, "flash.people_deleted", 200);
}

/* ---- A user's organisation fields ---- */

/* Adds "profile" (custom field values) to a user's model, and for the administrator's page the
 * choices of the organisation form. Called by the user page (users.c). */
void web_user_org_model(struct request *req, json_t *model, const struct user *u)
{
    json_t *values = user_profile_values(req->db, u->id);
    json_object_set_new(model, "profile", values);
    json_t *user = json_object_get(model, "user");
    if (user) json_object_set_new(user, "start_date", json_string(user_start_date(req->db, req->arena, u->id)));
    if (req->is_api || !req->user || !role_has_cap(req->user->roles, CAP_USERS_MANAGE)) return;
    struct department *depts;
    struct job_role *roles;
    struct profile_field *fields;
    int nd = 0, nr = 0, nf = 0;
    if (department_list(req->db, req->arena, &depts, &nd)) nd = 0;
    if (job_role_list(req->db, req->arena, &roles, &nr)) nr = 0;
    if (profile_field_list(req->db, req->arena, &fields, &nf)) nf = 0;
    json_t *dj = json_array(), *rj = json_array(), *fj = json_array();
    for (int i = 0; i < nd; i++)
        json_array_append_new(dj, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)depts[i].id, "path", depts[i].path,
                                            "selected", depts[i].id == u->department_id));
    for (int i = 0; i < nr; i++)
        json_array_append_new(rj, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)roles[i].id, "name", roles[i].name,
                                            "selected", roles[i].id == u->job_role_id));
    for (int i = 0; i < nf; i++) {
        const char *v = json_string_value(json_object_get(values, fields[i].shortname));
        json_t *f = json_pack("{s:s, s:s, s:s, s:b, s:s}", "slot", arena_sprintf(req->arena, "pf%d", i + 1), "name",
                              fields[i].name, "shortname", fields[i].shortname, "required", fields[i].required,
                              "value", v ? v : "");
        json_object_set_new(f, arena_sprintf(req->arena, "is_%s", fields[i].type), json_true());
        json_object_set_new(f, "checked", json_boolean(str_eq(v, "1")));
        if (str_eq(fields[i].type, "menu")) {
            json_t *opts = json_array();
            for (const char *s = fields[i].options; *s;) {
                size_t n = strcspn(s, "\n");
                char *o = arena_strndup(req->arena, s, n);
                json_array_append_new(opts, json_pack("{s:s, s:b}", "value", o, "selected", str_eq(o, v)));
                s += n;
                if (*s) s++;
            }
            json_object_set_new(f, "options", opts);
        }
        json_array_append_new(fj, f);
    }
    char *joined = NULL;
    {
        struct buf b;
        buf_init(&b, 4096);
        for (int i = 0; i < nf; i++) {
            if (i) buf_addc(&b, ',');
            buf_adds(&b, fields[i].shortname);
        }
        joined = arena_strdup(req->arena, b.data ? b.data : "");
        buf_release(&b);
    }
    json_object_set_new(model, "org",
                        json_pack("{s:o, s:o, s:o, s:s, s:b, s:b}", "departments", dj, "job_roles", rj, "fields", fj,
                                  "field_names", joined, "no_department", u->department_id == 0, "no_job_role",
                                  u->job_role_id == 0));
    /* The line manager field suggests the active managers, so nobody copies a username. */
    struct user_filter mf = {.role = ROLE_MANAGER, .status = "active", .sort = "name"};
    struct user *managers;
    int nm = 0, total = 0;
    json_t *mj = json_array();
    if (user_list_filtered(req->db, req->arena, req->user->id, req->user->roles, &mf, 1, 200, &managers, &nm, &total))
        nm = 0;
    for (int i = 0; i < nm; i++)
        if (managers[i].id != u->id)
            json_array_append_new(mj, json_pack("{s:s, s:s}", "username", managers[i].username, "name",
                                                arena_sprintf(req->arena, "%s %s", managers[i].first_name,
                                                              managers[i].last_name)));
    json_object_set_new(json_object_get(model, "org"), "managers", mj);
}

void h_user_org_update(struct request *req, struct response *res)
{
    struct problem p = {0};
    struct user u;
    if (user_get_by_username(req->db, req->arena, req_param(req, "username"), &u, &p)) {
        web_fail(res, &p);
        return;
    }
    struct user_org_input in = {
        .idnumber = req_param(req, "idnumber"),
        .institution = req_param(req, "institution"),
        .phone = req_param(req, "phone"),
        .city = req_param(req, "city"),
        .country = req_param(req, "country"),
        .lang = req_param(req, "lang"),
        .timezone = req_param(req, "timezone"),
        .department_id = req_has_param(req, "department_id") ? req_param_int(req, "department_id", 0) : -1,
        .job_role_id = req_has_param(req, "job_role_id") ? req_param_int(req, "job_role_id", 0) : -1,
        .manager = req_param(req, "manager"),
        .start_date = req_param(req, "start_date"),
    };
    json_t *profile = NULL;
    if (req->is_api) {
        json_t *body = req_json(req);
        json_t *pj = body ? json_object_get(body, "profile") : NULL;
        if (pj && !json_is_object(pj)) {
            problem_set(&p, LE_INVALID, "profile", "profile is an object: {\"shortname\": \"value\"}");
            web_fail(res, &p);
            return;
        }
        if (pj) profile = json_incref(pj);
    } else if (req_param(req, "profile_fields")) {
        /* The form's slots pf1.. follow the order of the field names it was drawn with. */
        profile = json_object();
        const char *s = req_param(req, "profile_fields");
        for (int slot = 1; *s && slot <= PROFILE_FIELDS_MAX; slot++) {
            size_t n = strcspn(s, ",");
            char *name = arena_strndup(req->arena, s, n);
            const char *v = req_param(req, arena_sprintf(req->arena, "pf%d", slot));
            json_object_set_new(profile, name, json_string(v ? v : ""));
            s += n;
            if (*s) s++;
        }
    }
    in.profile = profile;
    lerr e = user_org_update(req->db, req->arena, u.id, &in, req->user->id, &p);
    json_decref(profile);
    if (e) {
        if (req->is_api) {
            web_fail(res, &p);
            return;
        }
        /* Back to the user page with the error. */
        res->redirect = NULL;
        h_user_show(req, res);
        web_fail(res, &p);
        return;
    }
    user_get(req->db, req->arena, u.id, &u, &p);
    res->model = json_pack("{s:o}", "user", user_to_json(&u));
    json_object_set_new(res->model, "profile", user_profile_values(req->db, u.id));
    json_object_set_new(json_object_get(res->model, "user"), "start_date",
                        json_string(user_start_date(req->db, req->arena, u.id)));
    web_flash(req, res, "flash.user_saved");
    res->redirect = arena_sprintf(req->arena, "/admin/users/%s", u.username);
}

void web_org_choices(struct request *req, json_t *model)
{
    struct department *depts;
    struct job_role *jobs;
    int nd = 0, nj = 0;
    json_t *dc = json_array(), *jc = json_array();
    if (org_choices(req->db, req->arena, &depts, &nd, &jobs, &nj) == LE_OK) {
        for (int i = 0; i < nd; i++)
            json_array_append_new(dc, json_pack("{s:I, s:s}", "id", (json_int_t)depts[i].id, "path",
                                                depts[i].path ? depts[i].path : depts[i].name));
        for (int i = 0; i < nj; i++)
            json_array_append_new(jc, json_pack("{s:I, s:s}", "id", (json_int_t)jobs[i].id, "name", jobs[i].name));
    }
    json_object_set_new(model, "departments", dc);
    json_object_set_new(model, "job_roles", jc);
}
