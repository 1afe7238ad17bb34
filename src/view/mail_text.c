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
