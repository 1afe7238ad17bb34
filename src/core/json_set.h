/* JSON for the hottest pages (course page, dashboard, the page chrome): values set straight
 * into an object, without json_pack's format parsing or jansson's check of every byte of keys
 * and values. Keys are literals; text comes from the database or the request's user and
 * settings, which only ever came in through input checked to be UTF-8 (params.c, the JSON and
 * CSV readers). */
#ifndef LECTERN_JSON_SET_H
#define LECTERN_JSON_SET_H

#include <stdbool.h>
#include <jansson.h>

static inline void jset(json_t *o, const char *key, json_t *v)
{
    json_object_set_new_nocheck(o, key, v);
}
static inline void jset_str(json_t *o, const char *key, const char *s) /* NULL: null */
{
    json_object_set_new_nocheck(o, key, s ? json_string_nocheck(s) : json_null());
}
static inline void jset_int(json_t *o, const char *key, json_int_t v)
{
    json_object_set_new_nocheck(o, key, json_integer(v));
}
static inline void jset_bool(json_t *o, const char *key, bool v)
{
    json_object_set_new_nocheck(o, key, json_boolean(v));
}

#endif
