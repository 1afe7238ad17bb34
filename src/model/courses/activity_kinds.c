/* The activity kinds: a declared table of courses' own kinds, to which the domains above add
 * theirs at start (the quiz; later the SCORM package and the classroom session), so that none
 * of them touches course or progress code.
 * A kind checks and stores its own fields and names how it is completed. */
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include "courses.h"

static lerr page_check(struct db *db, struct arena *a, const char *data_dir, const struct activity_input *in,
                       const char **body, const char **url, const char **sha256, const char **file_name,
                       struct problem *p)
{
    (void)db, (void)a, (void)data_dir, (void)url, (void)sha256, (void)file_name;
    if (!in->body || !*in->body) return problem_set(p, LE_INVALID, "body", "Write the page's text (Markdown).");
    if (strlen(in->body) > 200000)
        return problem_set(p, LE_TOOBIG, "body", "A page holds at most 200,000 bytes of text; split it into pages.");
    *body = in->body;
    return LE_OK;
}

static lerr link_check(struct db *db, struct arena *a, const char *data_dir, const struct activity_input *in,
                       const char **body, const char **url, const char **sha256, const char **file_name,
                       struct problem *p)
{
    (void)db, (void)a, (void)data_dir, (void)sha256, (void)file_name;
    const char *u = in->url ? in->url : "";
    if (!((strncasecmp(u, "https://", 8) == 0 && u[8]) || (strncasecmp(u, "http://", 7) == 0 && u[7])) ||
        strpbrk(u, " \t\r\n\"<>") || strlen(u) > 2000)
        return problem_set(p, LE_INVALID, "url", "Give the link as an http:// or https:// address.");
    *url = u;
    if (in->body) *body = in->body; /* an optional description */
    return LE_OK;
}

static lerr file_check(struct db *db, struct arena *a, const char *data_dir, const struct activity_input *in,
                       const char **body, const char **url, const char **sha256, const char **file_name,
                       struct problem *p)
{
    (void)url;
    if (!in->file_data || !in->file_len) return problem_set(p, LE_INVALID, "file", "Choose a file to upload.");
    if ((int64_t)in->file_len > content_file_max)
        return problem_set(p, LE_TOOBIG, "file", "The file is %lld KiB; a course file may have at most %lld MiB.",
                           (long long)(in->file_len + 1023) / 1024, (long long)(content_file_max >> 20));
    const char *mime;
    lerr e = content_check_type(in->file_name, in->file_mime, in->file_data, in->file_len, &mime, p);
    if (e) return e;
    char sha[65];
    if ((e = content_store_file(db, data_dir, in->file_data, in->file_len, mime, sha, p))) return e;
    *sha256 = arena_strdup(a, sha);
    *file_name = in->file_name && *in->file_name ? in->file_name : "file";
    if (in->body) *body = in->body;
    return LE_OK;
}

/* The kinds courses knows itself; domains above it add theirs (activity_kind_register). */
static const struct activity_kind builtin_kinds[] = {
    {"page", "viewed", page_check, NULL},
    {"file", "opened", file_check, NULL},
    {"link", "followed", link_check, NULL},
};
#define N_BUILTIN (sizeof builtin_kinds / sizeof builtin_kinds[0])
#define KINDS_MAX 16

static const struct activity_kind *kinds[KINDS_MAX];
static size_t n_kinds;
static char kind_names[200] = "page, file or link";

/* "a, b, c or d" from the kinds' names, once per registration (at start, before threads). */
static void list_names(void)
{
    size_t used = 0;
    for (size_t i = 0; i < n_kinds; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n_kinds ? " or " : ", ";
        int n = snprintf(kind_names + used, sizeof kind_names - used, "%s%s", sep, kinds[i]->name);
        if (n < 0 || (size_t)n >= sizeof kind_names - used) abort(); /* raise kind_names' size */
        used += (size_t)n;
    }
}

static void add_builtin_kinds(void)
{
    if (n_kinds) return;
    for (size_t i = 0; i < N_BUILTIN; i++) kinds[n_kinds++] = &builtin_kinds[i];
}

void activity_kind_register(const struct activity_kind *kind)
{
    add_builtin_kinds();
    if (n_kinds == KINDS_MAX) abort(); /* a programming error: raise KINDS_MAX */
    kinds[n_kinds++] = kind;
    list_names();
}

const struct activity_kind *activity_kind_find(const char *name)
{
    add_builtin_kinds();
    for (size_t i = 0; i < n_kinds; i++)
        if (str_eq(kinds[i]->name, name)) return kinds[i];
    return NULL;
}

const char *activity_kind_names(void)
{
    return kind_names;
}

size_t activity_kind_count(void)
{
    add_builtin_kinds();
    return n_kinds;
}

const struct activity_kind *activity_kind_at(size_t i)
{
    add_builtin_kinds();
    return i < n_kinds ? kinds[i] : NULL;
}
