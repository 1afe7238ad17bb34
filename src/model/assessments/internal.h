/* What only the assessments domain's files share. */
#ifndef LECTERN_MODEL_ASSESSMENTS_INTERNAL_H
#define LECTERN_MODEL_ASSESSMENTS_INTERNAL_H

#include "assessments.h"
#include "../internal.h"

/* A Moodle category path as GIFT's $CATEGORY: and Moodle XML's category questions write it,
 * "$course$/top/Safety/Fire", without the context and "top" (where every category lives, so
 * they say nothing here): "Safety/Fire". Points into s; *len is its length before and after. */
const char *moodle_category_path(const char *s, size_t *len);

/* A question file format (question_formats.c): its reader, and its writer (NULL when Lectern
 * only reads it). */
struct question_format {
    const char *name;
    /* Reads the text one question at a time (as gift_parse_each). */
    lerr (*parse_each)(const char *text, size_t len, gift_each_fn each, void *ctx, struct problem *p);
    char *(*write)(const json_t *questions);
};
const struct question_format *question_format_find(const char *name);

#endif
