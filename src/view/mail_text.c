/* A mail template's text: its first line is "Subject: ...", then a blank line, then the body
 * (templates/mail/, docs/support.md). The sender (src/jobs/mail.c) and the message editor's
 * preview (src/web/platform/messages.c) both read a rendered text with mail_text_split, and
 * render an administrator's own text, which is compiled when used, with mail_text_render. */
#include <string.h>
#include "view.h"

#define MAIL_TEXT_MAX (1024 * 1024)

lerr mail_text_split(struct arena *a, char *text, const char *name, char **subject, char **body, struct problem *p)
{
    if (strncmp(text, "Subject:", 8) != 0)
        return problem_set(p, LE_INVALID, "template", "%s must start with a Subject: line", name);
    char *nl = strchr(text, '\n');
    char *s = arena_strndup(a, text + 8, nl ? (size_t)(nl - text - 8) : strlen(text + 8));
    /* One line, no control characters: the subject goes into a header. */
    for (char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20) *c = ' ';
    while (*s == ' ') s++;
    size_t sn = strlen(s);
    while (sn && s[sn - 1] == ' ') s[--sn] = '\0';
    char *b = nl ? nl + 1 : text + strlen(text);
    while (*b == '\n' || *b == '\r') b++;
    *subject = s;
    *body = b;
    return LE_OK;
}

lerr mail_text_render(struct arena *a, const char *src, json_t *const *stack, size_t n, char **subject, char **body,
                      struct problem *p)
{
    struct tpl_set *set = tpl_set_new();
    if (!set) return problem_set(p, LE_NOMEM, "", "out of memory");
    lerr e = tpl_set_add(set, "text", src, strlen(src), p);
    struct buf b;
    buf_init(&b, MAIL_TEXT_MAX);
    if (!e && tpl_set_render(set, "text", stack, n, &b))
        e = problem_set(p, LE_INVALID, "body", "The text could not be rendered; it may be too long.");
    char *text = e ? NULL : arena_strdup(a, b.data ? b.data : "");
    buf_release(&b);
    tpl_set_free(set);
    return e ? e : mail_text_split(a, text, "The text", subject, body, p);
}

/* One line of text from src (Mustache) against the stack, its line breaks made spaces; NULL
 * when src does not compile or render. */
static char *line_render(struct arena *a, const char *src, json_t *const *stack, size_t n)
{
    struct tpl_set *set = tpl_set_new();
    if (!set) return NULL;
    struct problem p = {0};
    lerr e = tpl_set_add(set, "line", src, strlen(src), &p);
    struct buf b;
    buf_init(&b, 4096);
    if (!e) e = tpl_set_render(set, "line", stack, n, &b);
    char *out = e ? NULL : arena_strdup(a, b.data ? b.data : "");
    buf_release(&b);
    tpl_set_free(set);
    for (char *c = out; c && *c; c++)
        if ((unsigned char)*c < 0x20) *c = ' ';
    return out;
}

void notification_render(struct arena *a, const char *line_src, const char *link_src, const char *data_json,
                         const char *site_name, char **line, char **link)
{
    json_t *data = json_loads(data_json ? data_json : "{}", 0, NULL);
    if (!json_is_object(data)) {
        json_decref(data);
        data = json_object();
    }
    json_t *base = json_pack("{s:{s:s}}", "site", "name", site_name ? site_name : "Lectern");
    json_t *catalog = i18n_catalog("en");
    if (catalog) json_object_set(base, "t", catalog);
    json_t *stack[2] = {base, data};
    *line = line_render(a, line_src, stack, 2);
    *link = line_render(a, link_src, stack, 2);
    json_decref(base);
    json_decref(data);
    /* Only a path of this site: a link from data never leaves it. */
    if (!*link || (*link)[0] != '/' || (*link)[1] == '/' || (*link)[1] == '\\') *link = "/";
    if (!*line || !**line) *line = arena_strdup(a, "");
}

lerr notification_line_check(const char *src, struct problem *p)
{
    struct tpl_set *set = tpl_set_new();
    if (!set) return problem_set(p, LE_NOMEM, "", "out of memory");
    lerr e = tpl_set_add(set, "line", src, strlen(src), p);
    tpl_set_free(set);
    if (e) snprintf(p->field, sizeof p->field, "line");
    return e;
}
