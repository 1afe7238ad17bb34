/* Text helpers: UTF-8 validation, HTML escaping, comparisons. */
#include <string.h>
#include <sodium.h>
#include "core.h"

/* Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF. */
bool utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned min;
        unsigned cp;
        if ((c & 0xE0) == 0xC0) {
            len = 2, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, min = 0x10000, cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i < len) return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

lerr html_escape(struct buf *out, const char *s, size_t n)
{
    /* The five characters that need an entity; everything else is copied in runs. */
    static const bool special[256] = {['&'] = true, ['<'] = true, ['>'] = true, ['"'] = true, ['\''] = true};
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (!special[(unsigned char)s[i]]) continue;
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        lerr e = buf_add(out, s + start, i - start);
        if (!e) e = buf_adds(out, rep);
        if (e) return e;
        start = i + 1;
    }
    return buf_add(out, s + start, n - start);
}

bool str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

bool secret_eq(const char *a, const char *b)
{
    if (!a || !b) return false;
    size_t n = strlen(a);
    if (n != strlen(b)) return false;
    return sodium_memcmp(a, b, n) == 0;
}

size_t utf8_chars_n(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) count++;
    return count;
}

size_t utf8_chars(const char *s)
{
    return utf8_chars_n(s, strlen(s));
}

char *arena_trim(struct arena *a, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    return arena_strndup(a, s, n);
}
