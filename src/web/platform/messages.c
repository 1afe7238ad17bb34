/* The messages administrators rewrite (docs/support.md, "Messages"): /admin/messages lists the
 * notification types (platform's notification_type.c) with whom each goes to; each one's page shows its text
 * (the administrator's own or the built-in one) in an editor with a preview rendered from
 * sample data, saves a text only when it renders, and resets to the built-in text. */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "../../core/asset.h"

/* The built-in text of templates/mail/NAME.txt.mustache ("" when missing). */
static const char *builtin_text(struct request *req, const char *name)
{
    const struct asset *as = asset_find(arena_sprintf(req->arena, "templates/mail/%s.txt.mustache", name));
    return as ? arena_strndup(req->arena, (const char *)as->data, as->len) : "";
}

void h_messages_list(struct request *req, struct response *res)
{
    const struct notification_type *list;
    size_t n = notification_types(&list);
    bool *text_own;
    const char **lines;
    if (notification_overrides(req->db, req->arena, &text_own, &lines)) {
        res_error(res, LE_DB, "", "The messages could not be read; try again.");
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:b}", "name", list[i].key, "label",
                                               T(req, list[i].label), "to", T(req, list[i].recipient), "own",
                                               text_own[i] || lines[i] != list[i].line));
    res->model = json_pack("{s:o}", "messages", items);
    res->template = "admin/messages";
    res->title = T(req, "messages.title");
}

/* The text rendered with the template's sample data, the site's name and address and the
 * translations, as a mail is: {subject, text}, or LE_INVALID with p saying what is wrong. */
static lerr preview(struct request *req, const struct notification_type *d, const char *text, json_t **out,
                    struct problem *p)
{
    struct site_settings site;
    if (settings_get(req->db, req->arena, &site)) return problem_set(p, LE_DB, "", "The settings could not be read; try again.");
    const char *url = mail_base_url(req->db, req->arena);
    json_t *base = json_pack("{s:{s:s, s:s}}", "site", "name", site.site_name ? site.site_name : "Lectern", "url",
                             url ? url : "");
    json_t *catalog = i18n_catalog("en");
    if (catalog) json_object_set(base, "t", catalog);
    json_t *sample = json_loads(d->sample ? d->sample : "{}", 0, NULL);
    json_t *stack[2] = {base, sample ? sample : json_object()};
    char *subject, *body;
    lerr e = mail_text_render(req->arena, text, stack, 2, &subject, &body, p);
    json_decref(base);
    json_decref(stack[1]);
    if (e) {
        /* The engine's words name the line; the field is the editor. */
        snprintf(p->field, sizeof p->field, "body");
        return e;
    }
    *out = json_pack("{s:s, s:s}", "subject", subject, "text", body);
    return LE_OK;
}

/* The line in use for d: the administrator's, or the table's. */
static const char *line_in_use(struct request *req, const struct notification_type *d)
{
    const struct notification_type *types;
    bool *text_own;
    const char **lines;
    if (notification_overrides(req->db, req->arena, &text_own, &lines)) return d->line;
    notification_types(&types);
    return lines[d - types];
}

/* The page of one message: its texts (as typed when given), the previews and where it stands. */
static void message_page(struct request *req, struct response *res, const struct notification_type *d,
                         const char *typed, const char *typed_line)
{
    const char *own = NULL;
    mail_template_own(req->db, req->arena, d->key, &own);
    const char *text = typed ? typed : own ? own : builtin_text(req, d->key);
    const char *line_src = line_in_use(req, d);
    bool line_own = line_src != d->line;
    if (typed_line) line_src = typed_line;
    json_t *shown = NULL;
    struct problem p = {0};
    if (preview(req, d, text, &shown, &p)) shown = json_pack("{s:s}", "error", p.message);
    char *line, *link;
    notification_render(req->arena, line_src, d->link, d->sample, web_site_name(req), &line, &link);
    res->model = json_pack("{s:{s:s, s:s, s:s, s:b, s:s, s:s, s:o, s:s, s:s, s:s, s:b}}", "message", "name", d->key,
                           "label", T(req, d->label), "to", T(req, d->recipient), "own", own != NULL || line_own, "body",
                           text, "builtin", builtin_text(req, d->key), "preview", shown, "line", line_src,
                           "line_preview", line, "line_builtin", d->line, "email_only", d->channels == NOTIFY_EMAIL);
    res->template = "admin/message";
    res->title = T(req, d->label);
}

/* The declared template the path names; false with a 404 answered when there is none. */
static const struct notification_type *find_message(struct request *req, struct response *res)
{
    const struct notification_type *d = notification_type_find(req_param(req, "name"));
    if (!d) res_error(res, LE_NOTFOUND, "name", "There is no such message to edit.");
    return d;
}

void h_message_show(struct request *req, struct response *res)
{
    const struct notification_type *d = find_message(req, res);
    if (d) message_page(req, res, d, NULL, NULL);
}

/* Saves the text (and the line in Lectern, when the form sends one) when they render; with
 * "preview", only shows them rendered, keeping them as typed. A text that does not render is
 * shown again with the error at its editor. */
void h_message_save(struct request *req, struct response *res)
{
    const struct notification_type *d = find_message(req, res);
    if (!d) return;
    const char *text = req_param(req, "body"), *line = req_param(req, "line");
    if (!text) text = "";
    struct problem p = {0};
    json_t *shown = NULL;
    lerr e = preview(req, d, text, &shown, &p);
    json_decref(shown);
    if (!e && line) e = notification_line_check(line, &p);
    if (!e && req_param_bool(req, "preview")) {
        message_page(req, res, d, text, line);
        return;
    }
    if (e || notification_texts_save(req->db, d->key, text, line, req->user->id, &p)) {
        message_page(req, res, d, text, line);
        res_problem(res, &p);
        return;
    }
    res->model = json_pack("{s:s, s:b}", "name", d->key, "own", 1);
    res->redirect = arena_sprintf(req->arena, "/admin/messages/%s", d->key);
    web_flash(req, res, "flash.message_saved");
}

void h_message_reset(struct request *req, struct response *res)
{
    const struct notification_type *d = find_message(req, res);
    if (!d) return;
    struct problem p = {0};
    if (notification_texts_reset(req->db, d->key, req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:s, s:b}", "name", d->key, "own", 0);
    res->redirect = arena_sprintf(req->arena, "/admin/messages/%s", d->key);
    web_flash(req, res, "flash.message_reset");
}
