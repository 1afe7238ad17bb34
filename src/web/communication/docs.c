/* Process documents' pages and API (docs/communication.md): the tree of pages a person may read,
 * one page, its form (new and edit), its revisions with a diff between any two, and a restore.
 * Who may read a page the model decides from its audience; writing is administrators'. */
#include <string.h>
#include "internal.h"

/* The audiences on the form, the page's own selected. */
static json_t *audience_choices(struct request *req, const char *selected)
{
    /* words: docs.audience_{admin,instructor,manager,everyone} */
    static const char *const names[] = {"admin", "instructor", "manager", "everyone"};
    json_t *list = json_array();
    for (size_t i = 0; i < 4; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", names[i], "label",
                                              T(req, arena_sprintf(req->arena, "docs.audience_%s", names[i])),
                                              "selected", str_eq(names[i], selected)));
    return list;
}

static void audience_label(struct request *req, json_t *page)
{
    const char *au = json_string_value(json_object_get(page, "audience"));
    json_object_set_new(page, "audience_label", json_string(T(req, arena_sprintf(req->arena, "docs.audience_%s", au))));
}

/* The form's choices: parents (every page but this one and those under it), owners, audiences. */
static void form_choices(struct request *req, json_t *m, const char *slug, const char *parent, const char *owner,
                         const char *audience)
{
    json_t *tree = doc_tree(req->db, req->arena, req->user->roles, time_now()), *parents = json_array();
    size_t i;
    json_t *x;
    int skip_below = -1;
    json_array_foreach(tree, i, x)
    {
        int depth = (int)json_integer_value(json_object_get(x, "depth"));
        if (skip_below >= 0 && depth > skip_below) continue;
        skip_below = -1;
        const char *s = json_string_value(json_object_get(x, "slug"));
        if (slug && str_eq(s, slug)) {
            skip_below = depth;
            continue;
        }
        const char *indent = "";
        for (int d = 0; d < depth; d++) indent = arena_sprintf(req->arena, "%s· ", indent);
        json_array_append_new(parents, json_pack("{s:s, s:s, s:b}", "value", s, "label",
                                                 arena_sprintf(req->arena, "%s%s", indent,
                                                               json_string_value(json_object_get(x, "title"))),
                                                 "selected", str_eq(s, parent)));
    }
    json_decref(tree);
    json_t *owners = doc_owner_choices(req->db, req->arena);
    json_array_foreach(owners, i, x)
        json_object_set_new(x, "selected", json_boolean(str_eq(json_string_value(json_object_get(x, "username")),
                                                               owner ? owner : req->user->username)));
    json_object_set_new(m, "parents", parents);
    json_object_set_new(m, "owners", owners);
    json_object_set_new(m, "audiences", audience_choices(req, audience ? audience : "admin"));
}

void h_docs(struct request *req, struct response *res)
{
    json_t *tree = doc_tree(req->db, req->arena, req->user->roles, time_now());
    json_t *m = json_pack("{s:o}", "pages", tree);
    if (!req->is_api) {
        size_t i;
        json_t *x;
        json_array_foreach(tree, i, x)
        {
            audience_label(req, x);
            json_int_t depth = json_integer_value(json_object_get(x, "depth"));
            json_object_set_new(x, "indent", json_integer(depth * 2 > 5 ? 5 : depth * 2)); /* Bootstrap's ms-0 to ms-5 */
        }
        json_object_set_new(m, "may_write", json_boolean(role_has_cap(req->user->roles, CAP_DOCS_WRITE)));
    }
    res->model = m;
    res->template = "communication/docs";
    res->title = T(req, "docs.title");
}

/* The new-page form (also shown again after a refusal, with what was typed). */
static void new_form(struct request *req, struct response *res, const char *parent)
{
    json_t *m = web_model(res);
    form_choices(req, m, NULL, parent, req_param(req, "owner"), req_param(req, "audience"));
    json_object_set_new(m, "is_new", json_true());
    json_object_set_new(m, "action", json_string("/docs"));
    if (!json_object_get(m, "form")) json_object_set_new(m, "form", json_object());
    res->template = "communication/doc_form";
    res->title = T(req, "docs.new");
}

void h_doc_new(struct request *req, struct response *res)
{
    new_form(req, res, req_param(req, "parent"));
}

static struct doc_input read_input(struct request *req)
{
    return (struct doc_input){
        .slug = req_param(req, "slug"),
        .title = req_param(req, "title"),
        .body = req_param(req, "body"),
        .parent = req_param(req, "parent"),
        .audience = req_param(req, "audience"),
        .owner = req_param(req, "owner"),
        .review_on = req_param(req, "review_on"),
        .note = req_param(req, "note"),
    };
}

/* Answers the page at slug (after a change: 201 or 200, the flash and a redirect to it). */
static void answer_page(struct request *req, struct response *res, const char *slug, int status, const char *flash)
{
    struct problem p = {0};
    json_t *page = NULL;
    if (doc_json(req->db, req->arena, slug, req->user->roles, &page, &p)) {
        web_fail(res, &p);
        return;
    }
    res->status = status;
    res->model = json_pack("{s:o}", "page", page);
    web_flash(req, res, flash);
    res->redirect = arena_sprintf(req->arena, "/docs/%s", slug);
}

void h_doc_create(struct request *req, struct response *res)
{
    struct doc_input in = read_input(req);
    struct problem p = {0};
    const char *slug = NULL;
    if (doc_create(req->db, req->arena, &in, req->user->id, &slug, &p)) {
        if (!req->is_api) new_form(req, res, in.parent);
        web_fail(res, &p);
        return;
    }
    answer_page(req, res, slug, 201, "flash.doc_saved");
}

/* A file's size as people read it: "820 B", "14 KiB", "2.5 MiB". */
static const char *size_label(struct request *req, int64_t size)
{
    if (size < 1024) return arena_sprintf(req->arena, "%lld B", (long long)size);
    if (size < 1024 * 1024) return arena_sprintf(req->arena, "%lld KiB", (long long)(size + 1023) / 1024);
    return arena_sprintf(req->arena, "%.1f MiB", (double)size / 1048576.0);
}

void h_doc_show(struct request *req, struct response *res)
{
    struct problem p = {0};
    json_t *page = NULL;
    if (doc_json(req->db, req->arena, req_param(req, "slug"), req->user->roles, &page, &p)) {
        web_fail(res, &p);
        return;
    }
    if (!req->is_api) {
        audience_label(req, page);
        bool may_write = role_has_cap(req->user->roles, CAP_DOCS_WRITE);
        json_object_set_new(page, "may_write", json_boolean(may_write));
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(page, "attachments"), i, x) json_object_set_new(
            x, "size_label", json_string(size_label(req, json_integer_value(json_object_get(x, "size")))));
    }
    res->model = json_pack("{s:o}", "page", page);
    res->template = "communication/doc";
    res->title = json_string_value(json_object_get(page, "title"));
}

/* The edit form: the page's fields, or what was typed after a refusal. */
static void edit_form(struct request *req, struct response *res, const char *slug)
{
    struct problem p = {0};
    json_t *page = NULL;
    if (doc_json(req->db, req->arena, slug, req->user->roles, &page, &p)) {
        web_fail(res, &p);
        return;
    }
    json_t *m = web_model(res);
    json_t *parent = json_object_get(page, "parent");
    const char *parent_slug = json_is_object(parent) ? json_string_value(json_object_get(parent, "slug")) : "";
    const char *owner = json_string_value(json_object_get(json_object_get(page, "owner"), "username"));
    form_choices(req, m, slug, req_param(req, "parent") ? req_param(req, "parent") : parent_slug,
                 req_param(req, "owner") ? req_param(req, "owner") : owner,
                 req_param(req, "audience") ? req_param(req, "audience")
                                            : json_string_value(json_object_get(page, "audience")));
    if (!json_object_get(m, "form"))
        json_object_set_new(m, "form", json_pack("{s:O, s:O, s:O}", "title", json_object_get(page, "title"), "body",
                                                 json_object_get(page, "body"), "review_on",
                                                 json_object_get(page, "review_on")));
    json_object_set_new(m, "page", page);
    json_object_set_new(m, "action", json_string(arena_sprintf(req->arena, "/docs/%s", slug)));
    res->template = "communication/doc_form";
    res->title = T(req, "docs.edit");
}

void h_doc_edit(struct request *req, struct response *res)
{
    edit_form(req, res, req_param(req, "slug"));
}

void h_doc_update(struct request *req, struct response *res)
{
    const char *slug = req_param(req, "slug");
    struct doc_input in = read_input(req);
    struct problem p = {0};
    if (doc_update(req->db, req->arena, slug, &in, req->user->id, &p)) {
        if (!req->is_api && p.code != LE_NOTFOUND) edit_form(req, res, slug);
        web_fail(res, &p);
        return;
    }
    answer_page(req, res, slug, 200, "flash.doc_saved");
}

void h_doc_revisions(struct request *req, struct response *res)
{
    struct problem p = {0};
    json_t *r = NULL;
    if (doc_revisions_json(req->db, req->arena, req_param(req, "slug"), req->user->roles, &r, &p)) {
        web_fail(res, &p);
        return;
    }
    if (!req->is_api) {
        json_t *list = json_object_get(r, "revisions");
        size_t i;
        json_t *x;
        json_int_t newest = json_integer_value(json_object_get(r, "revision"));
        /* The diff form starts at the two newest: the last change. */
        json_array_foreach(list, i, x)
        {
            json_int_t n = json_integer_value(json_object_get(x, "number"));
            json_object_set_new(x, "is_from", json_boolean(n == newest - 1));
            json_object_set_new(x, "is_to", json_boolean(n == newest));
            json_object_set_new(x, "may_restore", json_boolean(n != newest));
        }
        json_object_set_new(r, "may_write", json_boolean(role_has_cap(req->user->roles, CAP_DOCS_WRITE)));
    }
    res->model = r;
    res->template = "communication/doc_revisions";
    res->title = T(req, "docs.revisions");
}

void h_doc_diff(struct request *req, struct response *res)
{
    struct problem p = {0};
    json_t *d = NULL;
    if (doc_diff_json(req->db, req->arena, req_param(req, "slug"), (int)req_param_int(req, "from", 0),
                      (int)req_param_int(req, "to", 0), req->user->roles, &d, &p)) {
        web_fail(res, &p);
        return;
    }
    if (!req->is_api) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(d, "lines"), i, x)
        {
            const char *op = json_string_value(json_object_get(x, "op"));
            json_object_set_new(x, "is_add", json_boolean(str_eq(op, "add")));
            json_object_set_new(x, "is_del", json_boolean(str_eq(op, "del")));
        }
    }
    res->model = d;
    res->template = "communication/doc_diff";
    res->title = T(req, "docs.diff");
}

void h_doc_restore(struct request *req, struct response *res)
{
    const char *slug = req_param(req, "slug");
    struct problem p = {0};
    if (doc_restore(req->db, req->arena, slug, (int)req_param_int(req, "number", 0), req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    answer_page(req, res, slug, 200, "flash.doc_restored");
}
