/* A programme's certification settings, from an API body or the programme's form
 * (docs/schedules.md): validity, renewal window, rhythm and the renewal path's sets. */
#include <string.h>
#include "internal.h"

/* An optional whole number of the object: dflt when absent, -1 when it is no whole number. */
static int json_count(json_t *o, const char *key, int dflt)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return dflt;
    return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 100000
               ? (int)json_integer_value(v)
               : -1;
}

bool web_certification_from_json(struct request *req, json_t *body, struct programme_input *in, struct problem *p)
{
    json_t *c = json_object_get(body, "certification");
    if (!c || json_is_null(c)) return true;
    if (!json_is_object(c)) {
        problem_set(p, LE_INVALID, "certification",
                    "Give the certification as {\"valid_days\": N, \"renew_window_days\": N}.");
        return false;
    }
    json_t *until = json_object_get(c, "valid_until"), *rhythm = json_object_get(c, "rhythm");
    json_t *renewal = json_object_get(c, "renewal_sets");
    in->certification = (struct certification_input){
        .set = true, .valid_days = json_count(c, "valid_days", 0), .window_days = json_count(c, "renew_window_days", 0),
        .valid_until = json_is_string(until) ? json_string_value(until) : "",
        .rhythm = json_is_string(rhythm) ? json_string_value(rhythm) : rhythm ? "?" : ""};
    if (!in->certification.valid_days && !*in->certification.valid_until) {
        problem_set(p, LE_INVALID, "certification.valid_days",
                    "Give how long a certification stays valid: valid_days (1 to 3650) or valid_until (MM-DD).");
        return false;
    }
    if (renewal && !json_is_array(renewal)) {
        problem_set(p, LE_INVALID, "certification.renewal_sets",
                    "Give the renewal path as a list of sets: [{\"courses\": [...], \"require\": \"all\"}].");
        return false;
    }
    int n = (int)json_array_size(renewal);
    if (in->n_sets + n > PROGRAMME_SETS_MAX) {
        problem_set(p, LE_INVALID, "certification.renewal_sets", "A programme holds at most %d course sets in all.",
                    PROGRAMME_SETS_MAX);
        return false;
    }
    struct programme_set_input *sets = arena_alloc(req->arena, (size_t)(in->n_sets + n + 1) * sizeof *sets);
    if (in->n_sets) memcpy(sets, in->sets, (size_t)in->n_sets * sizeof *sets);
    for (int i = 0; i < n; i++) {
        struct programme_set_input *s = &sets[in->n_sets + i];
        if (!web_programme_set_from_json(req, json_array_get(renewal, (size_t)i), "certification.renewal_sets", i, s, p))
            return false;
        s->renewal = true;
    }
    in->sets = sets;
    in->n_sets += n;
    return true;
}

void web_certification_from_form(struct request *req, struct programme_input *in)
{
    if (req->is_api || !req_has_param(req, "renew_window_days")) return; /* not the form with the settings */
    in->certification = (struct certification_input){
        .set = true, .valid_days = (int)req_param_int(req, "valid_days", 0),
        .valid_until = req_param(req, "valid_until") ? req_param(req, "valid_until") : "",
        .window_days = (int)req_param_int(req, "renew_window_days", 0), .rhythm = req_param(req, "rhythm")};
}

void web_certification_choices(struct request *req, json_t *model)
{
    json_t *cert = json_object_get(json_object_get(model, "programme"), "certification");
    const char *rhythm = json_string_value(json_object_get(cert, "rhythm"));
    /* words: programmes.rhythm_{expiry,completion} */
    static const char *const rhythms[] = {"expiry", "completion"};
    json_t *options = json_array();
    for (int i = 0; i < 2; i++)
        json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "value", rhythms[i], "label",
                                                 T(req, arena_sprintf(req->arena, "programmes.rhythm_%s", rhythms[i])),
                                                 "selected", str_eq(rhythm, rhythms[i])));
    json_object_set_new(model, "rhythms", options);
}

void web_history_labels(struct request *req, json_t *history)
{
    size_t i;
    json_t *x;
    json_array_foreach(history, i, x)
    {
        json_t *score = json_object_get(x, "score");
        if (json_is_number(score))
            json_object_set_new(x, "score_label", json_string(arena_sprintf(req->arena, "%.0f%%", json_number_value(score))));
    }
}
