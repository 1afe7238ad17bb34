/* The fuzz targets of the request parameters' parsers share this: every parameter type
 * applied to what a body parser read, as a route's spec applies it. */
#ifndef LECTERN_FUZZ_PARAMS_H
#define LECTERN_FUZZ_PARAMS_H

#include "../../src/http/internal.h"
#include "fuzz.h"

/* One declared parameter of each type, named as a seed's fields are. */
static const struct param_spec fuzz_param_specs[] = {
    {"name", P_STR, 0, 0, 0},
    {"short", P_STR, PARAM_REQUIRED, 2, 10},
    {"bio", P_TEXT, 0, 0, 0},
    {"n", P_INT, 0, 1, 100},
    {"big", P_INT, 0, 0, 0},
    {"neg", P_INT, 0, -50, -1},
    {"on", P_BOOL, 0, 0, 0},
    {"email", P_EMAIL, 0, 0, 0},
    {"username", P_USERNAME, 0, 0, 0},
    {"password", P_SECRET, 0, 0, 0},
    {"color", P_COLOR, 0, 0, 0},
    {"file", P_FILE, 0, 0, 64},
};

/* A validated value keeps the type's promises (http.h, param_validate). */
static inline void fuzz_param_check_value(const struct param_spec *s, const struct req_param *v)
{
    if (s->type == P_FILE) {
        if (!v->file || v->value) fuzz_fail("%s: a file parameter without its file", s->name);
        if ((int64_t)v->file->len > s->max) fuzz_fail("%s: a file over its cap passed", s->name);
        return;
    }
    size_t n = strlen(v->value);
    if (!utf8_valid(v->value, n)) fuzz_fail("%s: validated value is not UTF-8", s->name);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v->value[i];
        if (c == '\r' || (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
            fuzz_fail("%s: a control character 0x%02x passed", s->name, c);
        if (s->type != P_TEXT && (c == '\n' || c == '\t'))
            fuzz_fail("%s: a line break or tab passed a one-line type", s->name);
        if (s->type == P_USERNAME && c >= 'A' && c <= 'Z')
            fuzz_fail("%s: a username kept a capital", s->name);
    }
    if (s->type == P_INT) {
        char *end;
        long long x = strtoll(v->value, &end, 10);
        if (*end || (s->max && (x < s->min || x > s->max)))
            fuzz_fail("%s: integer \"%s\" out of its range passed", s->name, v->value);
    }
    if (s->type == P_BOOL && strcmp(v->value, "true") && strcmp(v->value, "false"))
        fuzz_fail("%s: boolean \"%s\"", s->name, v->value);
    if (s->type == P_COLOR && n != 7) fuzz_fail("%s: colour \"%s\"", s->name, v->value);
}

/* Applies each declared parameter on its own (a failing one would stop the others), as the
 * server does after a body parser: errors must be 4xx with a message that names the field. */
static inline void fuzz_params_apply_each(const struct raw_params *raw, struct arena *a)
{
    for (size_t i = 0; i < sizeof fuzz_param_specs / sizeof fuzz_param_specs[0]; i++) {
        struct param_spec spec[2] = {fuzz_param_specs[i], PARAMS_END};
        struct req_param *out;
        size_t n = 0;
        struct problem p = {0};
        lerr e = params_apply(spec, NULL, raw, a, &out, &n, &p);
        fuzz_expect_clean(e, &p, spec[0].name);
        if (e && strcmp(p.field, spec[0].name))
            fuzz_fail("%s: the error names field \"%s\"", spec[0].name, p.field);
        if (e) continue;
        if (n > 1) fuzz_fail("%s: %zu values for one parameter", spec[0].name, n);
        if (n == 1) fuzz_param_check_value(&spec[0], &out[0]);
    }
}

/* What a body parser left in raw: names and text values are UTF-8, and within the cap. */
static inline void fuzz_raw_check(const struct raw_params *raw)
{
    if (raw->n > HTTP_MAX_PARAMS) fuzz_fail("%zu raw parameters, over the cap", raw->n);
    for (size_t i = 0; i < raw->n; i++) {
        const struct raw_param *r = &raw->items[i];
        if (!utf8_valid(r->name, strlen(r->name))) fuzz_fail("raw name is not UTF-8");
        if (r->value && !utf8_valid(r->value, r->len)) fuzz_fail("raw value is not UTF-8");
    }
}

#endif
