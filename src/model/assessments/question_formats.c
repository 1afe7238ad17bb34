/* The file formats a question bank travels in (docs/assessments.md): one table names each,
 * with its reader and, where Lectern writes it, its writer; and the guess of a file's format
 * from its content, for imports that do not say. */
#include <string.h>
#include "internal.h"

/* A format read whole (Moodle XML: one document; Aiken files are small), handed over a
 * question at a time as GIFT is. */
static lerr each_of_file(lerr (*parse)(const char *, size_t, struct gift_file *, struct problem *), const char *text,
                         size_t len, gift_each_fn each, void *ctx, struct problem *p)
{
    struct gift_file f = {0};
    lerr e = parse(text, len, &f, p);
    for (size_t i = 0; !e && i < f.n; i++) e = each(ctx, &f.entries[i]);
    gift_file_free(&f);
    return e;
}

static lerr moodlexml_each(const char *text, size_t len, gift_each_fn each, void *ctx, struct problem *p)
{
    return each_of_file(moodlexml_parse, text, len, each, ctx, p);
}

static lerr aiken_each(const char *text, size_t len, gift_each_fn each, void *ctx, struct problem *p)
{
    return each_of_file(aiken_parse, text, len, each, ctx, p);
}

static const struct question_format formats[] = {
    {"gift", gift_parse_each, gift_write},
    {"moodlexml", moodlexml_each, moodlexml_write},
    {"aiken", aiken_each, NULL},
};

const struct question_format *question_format_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof formats / sizeof formats[0]; i++)
        if (!strcmp(formats[i].name, name)) return &formats[i];
    return NULL;
}

bool question_format_known(const char *format)
{
    return question_format_find(format) != NULL;
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
    size_t k = strlen(prefix);
    return len >= k && memcmp(s, prefix, k) == 0;
}

/* A line of an Aiken file: "A. ..." / "A) ..." (an option) or "ANSWER: A". */
static bool aiken_option(const char *s, size_t len)
{
    return len >= 3 && s[0] >= 'A' && s[0] <= 'Z' && (s[1] == '.' || s[1] == ')') && (s[2] == ' ' || s[2] == '\t');
}

const char *question_format_detect(const char *text, size_t len)
{
    if (!text) return "gift";
    if (starts_with(text, len, "\xEF\xBB\xBF")) text += 3, len -= 3;
    while (len && strchr(" \t\r\n", *text)) text++, len--;
    if (starts_with(text, len, "<?xml") || starts_with(text, len, "<quiz")) return "moodlexml";
    /* Aiken when some line is an option and some line says ANSWER: (GIFT has braces instead). */
    bool option = false, answer = false;
    for (size_t i = 0; i < len;) {
        size_t end = i;
        while (end < len && text[end] != '\n' && text[end] != '\r') end++;
        const char *s = text + i;
        size_t n = end - i;
        while (n && (*s == ' ' || *s == '\t')) s++, n--;
        option = option || aiken_option(s, n);
        answer = answer || starts_with(s, n, "ANSWER:") || starts_with(s, n, "ANSWER :");
        i = end + 1;
    }
    return option && answer && !memchr(text, '{', len) ? "aiken" : "gift";
}
