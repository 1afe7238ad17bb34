/* The activity kinds: a declared table, so that quiz, SCORM package and classroom session plug
 * in later by adding a row (and their own tables), without touching course or progress code.
 * A kind checks and stores its own fields and names how it is completed. */
#include <string.h>
#include <strings.h>
#include "model.h"

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

/* A quiz's settings row is made with the activity (defaults; the settings page changes them).
 * Opening a quiz completes nothing: attempt.c completes it when an attempt is submitted or
 * passes, per the quiz's complete_on. */
static lerr quiz_created(struct db *db, struct arena *a, int64_t course_id, int64_t activity_id, int64_t actor_id,
                         struct problem *p)
{
    struct quiz_settings s = QUIZ_SETTINGS_INIT;
    return quiz_save(db, a, course_id, activity_id, &s, actor_id, p);
}

static const struct activity_kind kinds[] = {
    {"page", "viewed", page_check, NULL},
    {"file", "opened", file_check, NULL},
    {"link", "followed", link_check, NULL},
    {"quiz", "passed", NULL, quiz_created},
};

const struct activity_kind *activity_kind_find(const char *name)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (str_eq(kinds[i].name, name)) return &kinds[i];
    return NULL;
}

const char *activity_kind_names(void)
{
    return "page, file, link or quiz";
}
