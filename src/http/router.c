/* The router: matches a method and path against the explicit route table.
 * Patterns are walked segment by segment at match time. The table is small (hundreds of
 * routes) and each comparison stops at the first differing segment, so there is nothing to
 * precompile; the table stays plain data that tests can walk. */
#include <string.h>
#include "http.h"

enum seg_kind { SEG_LITERAL, SEG_INT, SEG_NAME, SEG_STR, SEG_BAD };

#define NAME_MAX_LEN 100

static bool is_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '@' || c == '-';
}

/* Digits only, and the value fits in int64_t. */
static bool int_segment_ok(const char *s, size_t n)
{
    if (n == 0) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > (uint64_t)INT64_MAX) return false;
    }
    return true;
}

static bool capture_ok(enum seg_kind kind, const char *s, size_t n)
{
    switch (kind) {
    case SEG_INT:
        return int_segment_ok(s, n);
    case SEG_NAME:
        if (n == 0 || n > NAME_MAX_LEN) return false;
        for (size_t i = 0; i < n; i++)
            if (!is_name_char((unsigned char)s[i])) return false;
        return true;
    case SEG_STR:
        return n > 0;
    default:
        return false;
    }
}

/* A pattern segment "{name:type}": kind and the name's extent. */
static enum seg_kind capture_kind(const char *seg, size_t n, size_t *name_len)
{
    if (n < 2 || seg[0] != '{' || seg[n - 1] != '}') return SEG_LITERAL;
    const char *colon = memchr(seg, ':', n);
    if (!colon || colon == seg + 1) return SEG_BAD;
    *name_len = (size_t)(colon - seg - 1);
    const char *type = colon + 1;
    size_t tn = (size_t)(seg + n - 1 - type);
    if (tn == 3 && memcmp(type, "int", 3) == 0) return SEG_INT;
    if (tn == 4 && memcmp(type, "name", 4) == 0) return SEG_NAME;
    if (tn == 3 && memcmp(type, "str", 3) == 0) return SEG_STR;
    return SEG_BAD;
}

struct capture {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

/* Does path match pattern? Captures (at most 8) are recorded without copying. Literal
 * segments are compared in one pass, character by character, because most routes fail on
 * their first differing character and a request tries them all (for 405 versus 404). */
static bool path_matches(const char *pattern, const char *path, struct capture *caps, int *ncaps)
{
    *ncaps = 0;
    if (pattern[0] != '/' || path[0] != '/') return false;
    const char *p = pattern + 1, *s = path + 1;
    for (;;) {
        size_t name_len = 0;
        size_t pn = *p == '{' ? strcspn(p, "/") : 0;
        enum seg_kind kind = pn ? capture_kind(p, pn, &name_len) : SEG_LITERAL;
        if (kind == SEG_LITERAL) {
            while (*p && *p != '/' && *p == *s) p++, s++;
            if ((*p && *p != '/') || (*s && *s != '/')) return false;
        } else {
            size_t sn = strcspn(s, "/");
            if (!capture_ok(kind, s, sn) || *ncaps >= 8) return false;
            caps[*ncaps] = (struct capture){p + 1, name_len, s, sn};
            (*ncaps)++;
            p += pn;
            s += sn;
        }
        if ((*p == '/') != (*s == '/')) return false;
        if (!*p) return true;
        p++;
        s++;
    }
}

static bool method_matches(const char *route_method, const char *method)
{
    if (strcmp(route_method, method) == 0) return true;
    return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

bool router_match(const struct route *routes, size_t n, const char *method, const char *path,
                  struct arena *a, struct route_match *m)
{
    memset(m, 0, sizeof *m);
    if (!method || !path) return false;
    struct capture caps[8];
    int ncaps;
    for (size_t i = 0; i < n; i++) {
        if (!path_matches(routes[i].pattern, path, caps, &ncaps)) continue;
        if (!method_matches(routes[i].method, method)) {
            m->method_mismatch = true;
            continue;
        }
        m->route = &routes[i];
        m->method_mismatch = false;
        m->n = ncaps;
        for (int k = 0; k < ncaps; k++) {
            m->names[k] = arena_strndup(a, caps[k].name, caps[k].name_len);
            m->values[k] = arena_strndup(a, caps[k].value, caps[k].value_len);
        }
        return true;
    }
    return false;
}

static bool seen_method(const struct route *routes, size_t upto, const char *path,
                        const char *method)
{
    struct capture caps[8];
    int ncaps;
    for (size_t i = 0; i < upto; i++)
        if (strcmp(routes[i].method, method) == 0 &&
            path_matches(routes[i].pattern, path, caps, &ncaps))
            return true;
    return false;
}

size_t router_allow(const struct route *routes, size_t n, const char *path, char *out,
                    size_t out_size)
{
    size_t len = 0;
    if (out_size) out[0] = '\0';
    struct capture caps[8];
    int ncaps;
    for (size_t i = 0; i < n; i++) {
        if (!path_matches(routes[i].pattern, path, caps, &ncaps)) continue;
        if (seen_method(routes, i, path, routes[i].method)) continue;
        const char *names[2] = {routes[i].method, NULL};
        if (strcmp(routes[i].method, "GET") == 0) names[1] = "HEAD";
        for (int k = 0; k < 2 && names[k]; k++) {
            size_t add = strlen(names[k]) + (len ? 2 : 0);
            if (len + add + 1 > out_size) return len;
            if (len) {
                memcpy(out + len, ", ", 2);
                len += 2;
            }
            memcpy(out + len, names[k], strlen(names[k]));
            len += strlen(names[k]);
            out[len] = '\0';
        }
    }
    return len;
}

static bool has_page(const struct route *routes, size_t n, const char *path)
{
    struct capture caps[8];
    int ncaps;
    for (size_t i = 0; i < n; i++)
        if (strcmp(routes[i].method, "GET") == 0 && path_matches(routes[i].pattern, path, caps, &ncaps))
            return true;
    return false;
}

const char *router_page_above(const struct route *routes, size_t n, const char *path,
                              struct arena *a)
{
    static const char admin[] = "/admin/";
    char *at = arena_strdup(a, path ? path : "/");
    for (;;) {
        if (has_page(routes, n, at)) return at;
        /* "/admin/courses/x/copy" acts on the course, whose page is "/courses/x". */
        if (strncmp(at, admin, strlen(admin)) == 0 && has_page(routes, n, at + strlen(admin) - 1))
            return at + strlen(admin) - 1;
        char *slash = strrchr(at, '/');
        if (!slash || slash == at) return "/";
        *slash = '\0';
    }
}
