/* A failed form, shown again (docs/architecture.md, "How forms report errors"): the page keeps
 * what the person typed and says what to fix at the field. The view adds to the page's model
 *  - "errors": {field: message}, for templates that mark a field themselves (the form's name
 *    for the field, see form_field);
 *  - the posted values merged into the model's "form" object, for templates that fill their
 *    fields from it ({{form.name}});
 *  - "form_echo": the posted form's address and {values, errors} as JSON text, which
 *    static/js/form-errors.js applies to the form on the page with that action (values into
 *    its fields, the error at its field), so every form works without markup of its own.
 * Passwords are never echoed: parameters declared P_SECRET, and anything named like one. */
#include <string.h>
#include "web.h"

struct echo {
    const struct param_spec *spec;
    json_t *values;
};

static const struct param_spec *spec_of(const struct param_spec *spec, const char *name)
{
    for (const struct param_spec *s = spec; s && s->name; s++)
        if (str_eq(s->name, name)) return s;
    return NULL;
}

static bool is_secret(const struct param_spec *spec, const char *name)
{
    const struct param_spec *s = spec_of(spec, name);
    return (s && s->type == P_SECRET) || strstr(name, "password") || str_eq(name, "_csrf");
}

/* A name sent more than once (a list of checkboxes) keeps every value, as an array. */
static void add_sent(void *ctx, const char *name, const char *value)
{
    struct echo *e = ctx;
    if (is_secret(e->spec, name)) return;
    json_t *had = json_object_get(e->values, name);
    if (!had) {
        json_object_set_new(e->values, name, json_string(value));
    } else if (json_is_array(had)) {
        json_array_append_new(had, json_string(value));
    } else {
        json_object_set_new(e->values, name, json_pack("[O, s]", had, value));
    }
}

static bool truthy(const char *v)
{
    return v && (str_eq(v, "true") || str_eq(v, "1") || str_eq(v, "on") || str_eq(v, "yes"));
}

/* Into the page's own "form" object: text as sent, declared checkboxes as true or false (an
 * unticked box is not sent at all). */
static void merge_into_form(json_t *form, const struct param_spec *spec, json_t *values)
{
    const char *name;
    json_t *v;
    json_object_foreach(values, name, v)
        if (json_is_string(v)) json_object_set(form, name, v);
    for (const struct param_spec *s = spec; s && s->name; s++)
        if (s->type == P_BOOL)
            json_object_set_new(form, s->name,
                                json_boolean(truthy(json_string_value(json_object_get(values, s->name)))));
}

/* The form's field a problem is about. The model names what it checks ("username",
 * "time_limit_seconds", "code"), which a form may ask in its own shape ("usernames",
 * "time_limit_minutes", "new_code"): when the form sent no field of that name, the sent field
 * sharing the longest start with it, of at least four characters, or else one ending in
 * "_<name>"; else the model's name as it is (also for a password, never among the sent values). */
static const char *form_field(const struct param_spec *spec, json_t *sent, const char *field)
{
    const struct param_spec *declared = spec_of(spec, field);
    if (!sent || json_object_get(sent, field) || (declared && declared->type == P_SECRET)) return field;
    const char *best = field, *name;
    size_t best_len = 3;
    json_t *v;
    json_object_foreach(sent, name, v) {
        size_t n = 0;
        while (name[n] && name[n] == field[n]) n++;
        if (n > best_len) {
            best = name;
            best_len = n;
        }
    }
    if (best != field) return best;
    size_t len = strlen(field);
    json_object_foreach(sent, name, v) {
        size_t n = strlen(name);
        if (n > len && name[n - len - 1] == '_' && strcmp(name + n - len, field) == 0) return name;
    }
    return best;
}

void web_form_failed(struct request *req, struct response *res, json_t *top)
{
    bool posted = str_eq(req->method, "POST") && req->route;
    struct echo e = {posted ? req->route->params : NULL, posted ? json_object() : NULL};
    if (posted) req_each_sent(req, add_sent, &e);
    json_t *errors = json_object();
    if (res->problem.field[0])
        json_object_set_new(errors, form_field(e.spec, e.values, res->problem.field), json_string(res->problem.message));
    json_object_set_new(top, "errors", json_incref(errors));
    if (!posted) {
        json_decref(errors);
        return;
    }
    json_t *form = res->model ? json_object_get(res->model, "form") : NULL;
    if (json_is_object(form)) merge_into_form(form, e.spec, e.values);
    json_t *data = json_pack("{s:o, s:o}", "values", e.values, "errors", errors);
    char *text = json_dumps(data, JSON_COMPACT);
    json_decref(data);
    if (!text) return;
    json_object_set_new(top, "form_echo", json_pack("{s:s, s:s}", "action", req->path, "data", text));
    json_text_free(text);
}
