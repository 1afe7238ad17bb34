/* A line diff of two texts, for a page's revisions: the common head and tail are set aside,
 * then the middle is compared by a longest common subsequence of lines (a table of
 * DIFF_CELLS_MAX cells at most, so a request's memory stays bounded); a middle too long for it
 * is shown as all its old lines deleted, then all its new lines added. */
#include <string.h>
#include "internal.h"

#define DIFF_CELLS_MAX (2000 * 2000)

struct lines {
    const char **v;
    int n;
};

/* Splits text into lines (without their '\n'; a trailing newline makes no empty last line). */
static struct lines split_lines(struct arena *a, const char *text)
{
    struct lines l = {0};
    int cap = 1;
    for (const char *s = text ? text : ""; *s; s++) cap += *s == '\n';
    l.v = arena_alloc(a, sizeof *l.v * (size_t)cap); /* never NULL: the middle's offsets stay defined */
    if (!text) return l;
    for (const char *s = text; *s;) {
        const char *end = strchr(s, '\n');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        if (len && s[len - 1] == '\r') len--;
        l.v[l.n++] = arena_strndup(a, s, len);
        s = end ? end + 1 : s + strlen(s);
    }
    return l;
}

static void emit(json_t *out, const char *op, const char *text)
{
    json_array_append_new(out, json_pack("{s:s, s:s}", "op", op, "text", text));
}

/* The middle parts a[0..n) and b[0..m) by their longest common subsequence. */
static void diff_middle(struct arena *a, const char **x, int n, const char **y, int m, json_t *out)
{
    if ((size_t)(n + 1) * (size_t)(m + 1) > DIFF_CELLS_MAX) {
        for (int i = 0; i < n; i++) emit(out, "del", x[i]);
        for (int j = 0; j < m; j++) emit(out, "add", y[j]);
        return;
    }
    /* len[i][j]: the longest common subsequence of x[i..n) and y[j..m). */
    int w = m + 1;
    int *len = arena_alloc(a, sizeof *len * (size_t)(n + 1) * (size_t)w);
    for (int i = n - 1; i >= 0; i--)
        for (int j = m - 1; j >= 0; j--)
            len[i * w + j] = strcmp(x[i], y[j]) == 0 ? len[(i + 1) * w + j + 1] + 1
                             : len[(i + 1) * w + j] >= len[i * w + j + 1] ? len[(i + 1) * w + j]
                                                                        : len[i * w + j + 1];
    int i = 0, j = 0;
    while (i < n && j < m) {
        if (strcmp(x[i], y[j]) == 0) emit(out, "same", x[i]), i++, j++;
        else if (len[(i + 1) * w + j] >= len[i * w + j + 1]) emit(out, "del", x[i++]);
        else emit(out, "add", y[j++]);
    }
    while (i < n) emit(out, "del", x[i++]);
    while (j < m) emit(out, "add", y[j++]);
}

json_t *line_diff(struct arena *a, const char *old_text, const char *new_text)
{
    struct lines x = split_lines(a, old_text), y = split_lines(a, new_text);
    json_t *out = json_array();
    int head = 0, tail = 0;
    while (head < x.n && head < y.n && strcmp(x.v[head], y.v[head]) == 0) head++;
    while (tail < x.n - head && tail < y.n - head && strcmp(x.v[x.n - 1 - tail], y.v[y.n - 1 - tail]) == 0) tail++;
    for (int i = 0; i < head; i++) emit(out, "same", x.v[i]);
    diff_middle(a, x.v + head, x.n - head - tail, y.v + head, y.n - head - tail, out);
    for (int i = x.n - tail; i < x.n; i++) emit(out, "same", x.v[i]);
    return out;
}
