/* What the event form and the API send beyond one start and end: dated parts, external
 * trainers and an override reason; and conflicts, answered as a list beside the error (API)
 * or in words on the page the form was sent from. */
#include <string.h>
#include "internal.h"

bool web_may_override(struct request *req)
{
    return role_has_cap(req->user->roles, CAP_BOOKINGS_MANAGE);
}

static const char *json_text(json_t *v)
{
    return json_is_string(v) ? json_string_value(v) : "";
}

/* The API's "parts": [{starts_at, ends_at}]. */
static bool parts_from_json(struct request *req, struct event_input *in)
{
    json_t *body = req->is_api ? req_json(req) : NULL;
    json_t *list = body ? json_object_get(body, "parts") : NULL;
    if (!json_is_array(list)) return false;
    size_t n = json_array_size(list) > EVENT_PARTS_MAX + 1 ? EVENT_PARTS_MAX + 1 : json_array_size(list);
    struct event_part_text *parts = arena_alloc(req->arena, (n + 1) * sizeof *parts);
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(list, i);
        parts[i] = (struct event_part_text){json_text(json_object_get(x, "starts_at")),
                                            json_text(json_object_get(x, "ends_at")), NULL, NULL};
    }
    in->parts = parts;
    in->n_parts = (int)n;
    return true;
}

/* The form's rows: starts_at/ends_at, then part2_starts_at ... part4_ends_at; empty rows are
 * skipped. Only when a second row is filled in do the rows stand for parts. */
static void parts_from_form(struct request *req, struct event_input *in)
{
    struct event_part_text *parts = arena_alloc(req->arena, EVENT_FORM_PARTS * sizeof *parts);
    parts[0] = (struct event_part_text){in->starts_at, in->ends_at, "starts_at", "ends_at"};
    bool more = false;
    for (int i = 1; i < EVENT_FORM_PARTS; i++) {
        const char *sf = arena_sprintf(req->arena, "part%d_starts_at", i + 1);
        const char *ef = arena_sprintf(req->arena, "part%d_ends_at", i + 1);
        const char *s = req_param(req, sf), *e = req_param(req, ef);
        parts[i] = (struct event_part_text){s ? s : "", e ? e : "", sf, ef};
        more |= (s && *s) || (e && *e);
    }
    if (!more) return;
    in->parts = parts;
    in->n_parts = EVENT_FORM_PARTS;
}

/* Names as a JSON list, or text with one name a line or separated by ";". */
static void read_external_trainers(struct request *req, struct event_input *in)
{
    json_t *body = req->is_api ? req_json(req) : NULL;
    json_t *list = body ? json_object_get(body, "external_trainers") : NULL;
    const char **names = arena_alloc(req->arena, (EVENT_EXTERNAL_TRAINERS_MAX + 1) * sizeof *names);
    int n = 0;
    if (json_is_array(list)) {
        size_t i;
        json_t *x;
        json_array_foreach(list, i, x) if (n <= EVENT_EXTERNAL_TRAINERS_MAX) names[n++] = json_text(x);
    } else {
        const char *text = req_param(req, "external_trainers");
        if (!text) return;
        char *copy = arena_strdup(req->arena, text), *save = NULL;
        for (char *t = strtok_r(copy, ";\n", &save); t; t = strtok_r(NULL, ";\n", &save))
            if (n <= EVENT_EXTERNAL_TRAINERS_MAX) names[n++] = t;
    }
    in->external_trainers = names;
    in->n_external_trainers = n;
}

void web_read_event_extras(struct request *req, struct event_input *in, json_t **conflicts_out)
{
    if (!parts_from_json(req, in)) parts_from_form(req, in);
    read_external_trainers(req, in);
    in->override_reason = req_param(req, "override_reason");
    in->may_override = web_may_override(req);
    in->conflicts_out = conflicts_out;
}

json_t *web_conflicts_in_words(struct request *req, json_t *conflicts)
{
    static const char *const keys[] = {"course", "event", "room", "trainer", "username", "capacity", "seats",
                                       "starts_at", "ends_at"};
    size_t i;
    json_t *c;
    json_array_foreach(conflicts, i, c) {
        const char *kind = json_string_value(json_object_get(c, "kind"));
        /* words: conflict.kind_{room,trainer_teaching,trainer_booked,capacity,booking} */
        json_object_set_new(c, "kind_text", json_string(T(req, arena_sprintf(req->arena, "conflict.kind_%s", kind))));
        /* Absent ones as false, so the page's sections never find the page's own "course". */
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!json_object_get(c, keys[k])) json_object_set_new(c, keys[k], json_false());
    }
    return conflicts;
}

void web_fail_with_conflicts(struct request *req, struct response *res, const struct problem *p, json_t *conflicts)
{
    if (!str_eq(p->reason, "conflicts") || !conflicts) {
        json_decref(conflicts);
        web_fail(res, p);
        return;
    }
    if (req->is_api) {
        json_decref(res->model);
        res->model = json_pack("{s:o}", "conflicts", conflicts);
    } else if (res->model) {
        json_object_set_new(res->model, "conflicts", web_conflicts_in_words(req, conflicts));
        json_object_set_new(res->model, "may_override", json_boolean(web_may_override(req)));
    } else {
        json_decref(conflicts);
    }
    web_fail(res, p);
}
