/* Removing a programme's assignment rule, and the confirm step that a change affecting people
 * goes through first (this one, a set removed, an assignment after its due date;
 * docs/schedules.md). */
#include "internal.h"

void web_programme_confirm(struct request *req, struct response *res, const struct programme_confirm *c)
{
    json_t *fields = json_array();
    for (int i = 0; i < c->n_fields; i++)
        json_array_append_new(fields, json_pack("{s:s, s:s}", "name", c->fields[i].name, "value", c->fields[i].value));
    res->model = json_pack("{s:{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o}}", "confirm", "code", req_param(req, "code"),
                           "heading", T(req, c->heading_key), "what", c->what, "consequence", T(req, c->consequence_key),
                           "affected", (json_int_t)c->affected, "action", c->action, "button", T(req, c->button_key),
                           "fields", fields);
    res->template = "schedules/confirm";
    res->title = T(req, c->heading_key);
}

/* The rule the path names, in words, from the programme's rules; NULL when it has none such. */
static const char *rule_in_words(struct request *req, int64_t programme_id, int64_t rule_id)
{
    size_t i;
    json_t *x, *rules = programme_rules_json(req->db, req->arena, programme_id);
    const char *words = NULL;
    json_array_foreach(rules, i, x) if (json_integer_value(json_object_get(x, "id")) == rule_id)
    {
        const char *who = json_string_value(json_object_get(x, "who"));
        words = arena_sprintf(req->arena, "%s%s%s", web_rule_kind_label(req, json_string_value(json_object_get(x, "kind"))),
                              *who ? ": " : "", who);
    }
    json_decref(rules);
    return words;
}

/* GET: how many people removing the rule takes off the programme, and a button to do it. */
void h_programme_rule_confirm(struct request *req, struct response *res)
{
    int64_t id, ended = 0, rule_id = req_param_int(req, "id", 0);
    if (!web_find_programme(req, res, &id)) return;
    struct problem p = {0};
    const char *words = rule_in_words(req, id, rule_id);
    if (!words || programme_rule_delete(req->db, req->arena, id, rule_id, true, req->user->id, &ended, &p)) {
        if (!p.code) problem_set(&p, LE_NOTFOUND, "id", "This assignment rule no longer exists; open the programme again.");
        web_fail(res, &p);
        return;
    }
    web_programme_confirm(req, res,
                          &(struct programme_confirm){.heading_key = "programmes.rule_remove_heading",
                                                      .what = words,
                                                      .consequence_key = "programmes.rule_remove_consequence",
                                                      .affected = ended,
                                                      .button_key = "programmes.rule_remove_button",
                                                      .action = arena_sprintf(req->arena, "/admin/programmes/%s/rules/%lld/delete",
                                                                              req_param(req, "code"), (long long)rule_id)});
}

/* POST (the page, after its confirm step) or DELETE (the API; ?dry_run=true only counts). */
void h_programme_rule_delete(struct request *req, struct response *res)
{
    int64_t id, ended = 0;
    if (!web_find_programme(req, res, &id)) return;
    bool dry_run = req_param_bool(req, "dry_run");
    struct problem p = {0};
    if (programme_rule_delete(req->db, req->arena, id, req_param_int(req, "id", 0), dry_run, req->user->id, &ended, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:I, s:b, s:o}", "ended", (json_int_t)ended, "dry_run", dry_run, "rules",
                           programme_rules_json(req->db, req->arena, id));
    if (dry_run) return;
    web_flash(req, res, "flash.programme_rule_removed");
    res->redirect = arena_sprintf(req->arena, "/admin/programmes/%s", req_param(req, "code"));
}
