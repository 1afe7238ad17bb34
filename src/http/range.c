/* HTTP byte ranges (RFC 9110 section 14): one range of "Range: bytes=..." so that video can
 * seek. Several ranges are answered with the whole file, which the RFC allows. */
#include <ctype.h>
#include <string.h>
#include "http.h"

static bool read_num(const char **s, int64_t *out)
{
    if (!isdigit((unsigned char)**s)) return false;
    int64_t v = 0;
    while (isdigit((unsigned char)**s)) {
        if (v > (INT64_MAX - 9) / 10) return false;
        v = v * 10 + (**s - '0');
        (*s)++;
    }
    *out = v;
    return true;
}

int http_range_parse(const char *header, int64_t size, int64_t *start, int64_t *end)
{
    if (!header) return 0;
    while (*header == ' ') header++;
    if (strncmp(header, "bytes=", 6) != 0) return 0;   /* another unit: ignored */
    const char *s = header + 6;
    while (*s == ' ') s++;
    if (strchr(s, ',')) return 0;                        /* several ranges: the whole file */
    int64_t a = 0, b = 0;
    if (*s == '-') {                                     /* the last n bytes */
        s++;
        if (!read_num(&s, &b)) return 0;
        while (*s == ' ') s++;
        if (*s) return 0;
        if (b == 0 || size == 0) return -1;
        *start = b >= size ? 0 : size - b;
        *end = size - 1;
        return 1;
    }
    if (!read_num(&s, &a) || *s++ != '-') return 0;
    bool open_end = !isdigit((unsigned char)*s);
    if (!open_end && !read_num(&s, &b)) return 0;
    while (*s == ' ') s++;
    if (*s) return 0;
    if (!open_end && b < a) return 0;                    /* invalid: ignored */
    if (a >= size) return -1;                            /* 416 */
    *start = a;
    *end = open_end || b >= size ? size - 1 : b;
    return 1;
}
