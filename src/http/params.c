/* Declared parameters: reading what the client sent (query string, urlencoded and multipart
 * forms, JSON objects) and validating it against the route's spec. Handlers only ever see
 * validated, normalised values; undeclared parameters are dropped here.
 *
 * The whole body is in memory when these run (it is capped by server_config.max_body), so
 * the parsers work on one buffer and need no streaming state; that keeps them small and
 * testable without a connection. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define DEFAULT_STR_MAX 200
#define DEFAULT_TEXT_MAX 20000
#define DEFAULT_SECRET_MAX 1024
#define DEFAULT_EMAIL_MAX 254
#define DEFAULT_USERNAME_MAX 100
#define DEFAULT_FILE_MAX (2 * 1024 * 1024)
#define MULTIPART_HEADER_MAX 8192

/* Malformed input (answered 400 rather than 422): reason "bad_request". */
static lerr bad_request(struct problem *p, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static lerr bad_request(struct problem *p, const char *field, const char *fmt, ...)
{
    if (!p) return LE_INVALID;
    char msg[sizeof p->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    problem_set(p, LE_INVALID, field, "%s", msg);
    snprintf(p->reason, sizeof p->reason, "bad_request");
    return LE_INVALID;
}

/* ---- Validation of one value ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static lerr check_length(const struct param_spec *spec, size_t nchars, int64_t dflt_max,
                         struct problem *p)
{
    int64_t max = spec->max > 0 ? spec->max : dflt_max;
    if (spec->min > 0 && (int64_t)nchars < spec->min)
        return problem_set(p, LE_INVALID, spec->name, "%s must be at least %lld characters long",
                           spec->name, (long long)spec->min);
    if ((int64_t)nchars > max)
        return problem_set(p, LE_INVALID, spec->name, "%s must be at most %lld characters long",
                           spec->name, (long long)max);
    return LE_OK;
}

/* Rejects control characters; P_TEXT allows tab and newlines. */
static lerr check_controls(const struct param_spec *spec, const char *s, size_t n, bool multiline,
                           struct problem *p)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != 0x7F) continue;
        if (multiline && (c == '\n' || c == '\r' || c == '\t')) continue;
        if (multiline || c == '\0')
            return problem_set(p, LE_INVALID, spec->name,
                               "%s contains a control character; remove it", spec->name);
        return problem_set(p, LE_INVALID, spec->name,
                           "%s must be a single line of text without tabs or control characters",
                           spec->name);
    }
    return LE_OK;
}

static lerr validate_int(const struct param_spec *spec, const char *s, size_t n, struct arena *a,
                         const char **out, struct problem *p)
{
    size_t i = 0;
    bool neg = false;
    if (n && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n) goto not_int;
    uint64_t v = 0;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') goto not_int;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10) goto out_of_range;
        v = v * 10 + d;
    }
    int64_t x = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    if (spec->min || spec->max) {
        int64_t max = spec->max ? spec->max : INT64_MAX;
        if (x < spec->min || x > max) goto out_of_range;
    }
    *out = arena_sprintf(a, "%lld", (long long)x);
    return LE_OK;
not_int:
    return problem_set(p, LE_INVALID, spec->name, "%s must be a whole number, such as 42",
                       spec->name);
out_of_range:
    if (spec->min || spec->max) {
        if (!spec->max)
            return problem_set(p, LE_INVALID, spec->name, "%s must be at least %lld", spec->name,
                               (long long)spec->min);
        return problem_set(p, LE_INVALID, spec->name, "%s must be between %lld and %lld",
                           spec->name, (long long)spec->min, (long long)spec->max);
    }
    return problem_set(p, LE_INVALID, spec->name, "%s is too large a number", spec->name);
}

static bool word_eq(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

static lerr validate_bool(const struct param_spec *spec, const char *s, size_t n,
                          const char **out, struct problem *p)
{
    static const char *const yes[] = {"1", "true", "on", "yes"};
    static const char *const no[] = {"", "0", "false", "off", "no"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (word_eq(s, n, yes[i])) {
            *out = "true";
            return LE_OK;
        }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (word_eq(s, n, no[i])) {
            *out = "false";
            return LE_OK;
        }
    return problem_set(p, LE_INVALID, spec->name, "%s must be true or false", spec->name);
}

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* something@something.tld: one @, a local part of printable characters, a domain of labels
 * (letters, digits, hyphens, or non-ASCII for international names) with at least one dot
 * and a top-level label that is not all digits. Deliverability is the mail system's job. */
static bool email_ok(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);
    if (!at || memchr(at + 1, '@', n - (size_t)(at - s) - 1)) return false;
    size_t local = (size_t)(at - s);
    if (local == 0 || local > 64) return false;
    for (size_t i = 0; i < local; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == 0x7F || strchr("()<>[]\\,;:\"", c)) return false;
    }
    const char *d = at + 1;
    size_t dn = n - local - 1;
    size_t labels = 0, label_len = 0;
    bool tld_has_alpha = false;
    for (size_t i = 0; i <= dn; i++) {
        if (i == dn || d[i] == '.') {
            if (label_len == 0 || label_len > 63) return false;
            if (d[i - 1] == '-' || d[i - label_len] == '-') return false;
            labels++;
            label_len = 0;
            if (i < dn) tld_has_alpha = false;
            continue;
        }
        unsigned char c = (unsigned char)d[i];
        if (!(is_alnum(c) || c == '-' || c >= 0x80)) return false;
        if (!(c >= '0' && c <= '9')) tld_has_alpha = true;
        label_len++;
    }
    return labels >= 2 && tld_has_alpha;
}

static lerr validate_username(const struct param_spec *spec, const char *s, size_t n,
                              struct arena *a, const char **out, struct problem *p)
{
    int64_t min = spec->min > 0 ? spec->min : 1;
    int64_t max = spec->max > 0 ? spec->max : DEFAULT_USERNAME_MAX;
    char *v = arena_strndup(a, s, n);
    bool ok = (int64_t)n >= min && (int64_t)n <= max;
    for (size_t i = 0; ok && i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c >= 'A' && c <= 'Z') v[i] = (char)(c - 'A' + 'a');
        else if (!is_alnum(c) && !strchr("._-@", c)) ok = false;
    }
    if (!ok)
        return problem_set(p, LE_INVALID, spec->name,
                           "%s must be %lld to %lld characters: letters, digits and . _ - @ only",
                           spec->name, (long long)min, (long long)max);
    *out = v;
    return LE_OK;
}

static lerr validate_color(const struct param_spec *spec, const char *s, size_t n,
                           struct arena *a, const char **out, struct problem *p)
{
    bool ok = n == 7 && s[0] == '#';
    for (size_t i = 1; ok && i < 7; i++) {
        char c = s[i];
        ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
    if (!ok)
        return problem_set(p, LE_INVALID, spec->name, "%s must be a colour written like #1a73e8",
                           spec->name);
    char *v = arena_strndup(a, s, n);
    for (size_t i = 1; i < 7; i++)
        if (v[i] >= 'A' && v[i] <= 'F') v[i] = (char)(v[i] - 'A' + 'a');
    *out = v;
    return LE_OK;
}

/* P_TEXT keeps its layout but browsers send CRLF from a textarea: store LF only. */
static char *normalise_newlines(struct arena *a, const char *s, size_t n)
{
    char *v = arena_alloc(a, n + 1), *o = v;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            *o++ = '\n';
            if (i + 1 < n && s[i + 1] == '\n') i++;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return v;
}

lerr param_validate(const struct param_spec *spec, const char *value, size_t len,
                    struct arena *a, const char **out, struct problem *p)
{
    *out = NULL;
    bool required = (spec->flags & PARAM_REQUIRED) != 0;
    if (spec->type == P_FILE) return LE_OK; /* files are checked where they are read */
    if (!value) {
        if (required) return problem_set(p, LE_INVALID, spec->name, "%s is required", spec->name);
        return LE_OK;
    }
    if (!utf8_valid(value, len))
        return bad_request(p, spec->name, "%s is not valid UTF-8 text", spec->name);

    /* Everything but secrets and free text is trimmed. */
    const char *s = value;
    size_t n = len;
    if (spec->type != P_SECRET && spec->type != P_TEXT) {
        while (n && is_space(s[0])) s++, n--;
        while (n && is_space(s[n - 1])) n--;
    }
    bool blank = n == 0;
    if (spec->type == P_TEXT) {
        blank = true;
        for (size_t i = 0; i < n && blank; i++) blank = is_space(s[i]);
    }
    if (spec->type == P_BOOL) return validate_bool(spec, s, n, out, p);
    if (blank) {
        if (required) return problem_set(p, LE_INVALID, spec->name, "%s is required", spec->name);
        /* An empty optional text field is a value (it clears the field); an empty number,
         * e-mail, username, colour or password was simply not given. */
        if (spec->type == P_STR || spec->type == P_TEXT) *out = arena_strdup(a, "");
        return LE_OK;
    }

    lerr e;
    switch (spec->type) {
    case P_STR:
        if ((e = check_controls(spec, s, n, false, p))) return e;
        if ((e = check_length(spec, utf8_chars_n(s, n), DEFAULT_STR_MAX, p))) return e;
        *out = arena_strndup(a, s, n);
        return LE_OK;
    case P_TEXT: {
        if ((e = check_controls(spec, s, n, true, p))) return e;
        char *v = normalise_newlines(a, s, n);
        if ((e = check_length(spec, utf8_chars_n(v, strlen(v)), DEFAULT_TEXT_MAX, p))) return e;
        *out = v;
        return LE_OK;
    }
    case P_SECRET:
        if ((e = check_controls(spec, s, n, false, p))) return e;
        if ((e = check_length(spec, utf8_chars_n(s, n), DEFAULT_SECRET_MAX, p))) return e;
        *out = arena_strndup(a, s, n);
        return LE_OK;
    case P_INT:
        return validate_int(spec, s, n, a, out, p);
    case P_EMAIL:
        if (!email_ok(s, n))
            return problem_set(p, LE_INVALID, spec->name, "%s must look like name@example.org",
                               spec->name);
        if ((e = check_length(spec, utf8_chars_n(s, n), DEFAULT_EMAIL_MAX, p))) return e;
        *out = arena_strndup(a, s, n);
        return LE_OK;
    case P_USERNAME:
        return validate_username(spec, s, n, a, out, p);
    case P_COLOR:
        return validate_color(spec, s, n, a, out, p);
    default:
        return problem_set(p, LE_INTERNAL, spec->name, "%s has an unknown parameter type",
                           spec->name);
    }
}

/* ---- Raw parameters ---- */

lerr raw_add(struct raw_params *raw, const char *name, const char *value, size_t len,
             struct problem *p)
{
    if (raw->n >= HTTP_MAX_PARAMS)
        return bad_request(p, NULL, "Too many parameters: send at most %d", HTTP_MAX_PARAMS);
    if (!utf8_valid(name, strlen(name)))
        return bad_request(p, NULL, "A parameter name is not valid UTF-8");
    if (value && !utf8_valid(value, len))
        return bad_request(p, name, "Parameter %s is not valid UTF-8 text", name);
    raw->items[raw->n++] = (struct raw_param){.name = name, .value = value, .len = len};
    return LE_OK;
}

const char *raw_get(const struct raw_params *raw, const char *name)
{
    if (!raw) return NULL;
    for (size_t i = raw->n; i-- > 0;)
        if (raw->items[i].value && strcmp(raw->items[i].name, name) == 0)
            return raw->items[i].value;
    return NULL;
}

/* ---- application/x-www-form-urlencoded ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes + and %XX into a new string; *out_len excludes the NUL. False on a bad escape. */
static bool form_decode(struct arena *a, const char *s, size_t n, char **out, size_t *out_len)
{
    char *d = arena_alloc(a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            d[k++] = ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= n) return false;
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0) return false;
            d[k++] = (char)(h * 16 + l);
            i += 2;
        } else {
            d[k++] = s[i];
        }
    }
    d[k] = '\0';
    *out = d;
    *out_len = k;
    return true;
}

lerr parse_urlencoded(const char *body, size_t len, struct arena *a, struct raw_params *raw,
                      struct problem *p)
{
    size_t i = 0;
    while (i < len) {
        const char *amp = memchr(body + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - body) : len;
        const char *piece = body + i;
        size_t pn = end - i;
        i = end + 1;
        if (pn == 0) continue;
        const char *eq = memchr(piece, '=', pn);
        size_t kn = eq ? (size_t)(eq - piece) : pn;
        char *name, *value;
        size_t name_len, value_len;
        if (!form_decode(a, piece, kn, &name, &name_len) ||
            (eq && !form_decode(a, eq + 1, pn - kn - 1, &value, &value_len)))
            return bad_request(p, NULL, "The form body has a malformed %%-escape");
        if (!eq) {
            value = arena_strdup(a, "");
            value_len = 0;
        }
        if (name_len == 0) continue;
        if (strlen(name) != name_len)
            return bad_request(p, NULL, "A parameter name contains a NUL byte");
        lerr e = raw_add(raw, name, value, value_len, p);
        if (e) return e;
    }
    return LE_OK;
}

/* ---- multipart/form-data ---- */

/* The value of attribute attr ("boundary", "name", "filename") in a header value such as
 * `form-data; name="x"; filename="a.png"`, unquoted, in a. NULL if absent. */
static char *header_attr(struct arena *a, const char *h, size_t hn, const char *attr)
{
    size_t an = strlen(attr);
    size_t i = 0;
    while (i < hn) {
        /* skip to the next parameter after ';' */
        while (i < hn && h[i] != ';') {
            if (h[i] == '"') { /* skip a quoted string */
                i++;
                while (i < hn && h[i] != '"') i += (h[i] == '\\' && i + 1 < hn) ? 2 : 1;
            }
            i++;
        }
        if (i >= hn) return NULL;
        i++;
        while (i < hn && (h[i] == ' ' || h[i] == '\t')) i++;
        if (hn - i > an && strncasecmp(h + i, attr, an) == 0 && h[i + an] == '=') {
            i += an + 1;
            char *v = arena_alloc(a, hn - i + 1);
            size_t k = 0;
            if (i < hn && h[i] == '"') {
                i++;
                while (i < hn && h[i] != '"') {
                    if (h[i] == '\\' && i + 1 < hn) i++;
                    v[k++] = h[i++];
                }
            } else {
                while (i < hn && h[i] != ';' && h[i] != ' ' && h[i] != '\t') v[k++] = h[i++];
            }
            v[k] = '\0';
            return v;
        }
    }
    return NULL;
}

static lerr malformed(struct problem *p, const char *what)
{
    return bad_request(p, NULL, "The multipart form body is malformed: %s", what);
}

lerr parse_multipart(const char *body, size_t len, const char *content_type, struct arena *a,
                     struct raw_params *raw, struct problem *p)
{
    const char *boundary = header_attr(a, content_type, strlen(content_type), "boundary");
    size_t bn = boundary ? strlen(boundary) : 0;
    if (bn == 0 || bn > 70) return malformed(p, "no valid boundary in the Content-Type header");
    /* Delimiters are "--boundary" at the very start or "\r\n--boundary" later. */
    char *delim = arena_sprintf(a, "\r\n--%s", boundary);
    size_t dn = bn + 4;
    const char *pos;
    if (len >= dn - 2 && memcmp(body, delim + 2, dn - 2) == 0) {
        pos = body + dn - 2;
    } else {
        const char *first = memmem(body, len, delim, dn);
        if (!first) return malformed(p, "the boundary does not occur");
        pos = first + dn;
    }
    const char *end = body + len;
    for (;;) {
        /* after a delimiter: "--" ends the body, CRLF starts a part */
        if (end - pos >= 2 && pos[0] == '-' && pos[1] == '-') return LE_OK;
        while (pos < end && (*pos == ' ' || *pos == '\t')) pos++;
        if (end - pos < 2 || pos[0] != '\r' || pos[1] != '\n')
            return malformed(p, "a boundary is not followed by a line break");
        pos += 2;
        if (end - pos >= 2 && pos[0] == '\r' && pos[1] == '\n')
            return malformed(p, "a part has no headers");
        const char *hend = memmem(pos, (size_t)(end - pos), "\r\n\r\n", 4);
        const char *hstart = pos;
        if (!hend || hend - pos > MULTIPART_HEADER_MAX)
            return malformed(p, "a part's headers do not end");
        const char *data = hend + 4;
        const char *next = memmem(data, (size_t)(end - data), delim, dn);
        if (!next) return malformed(p, "the closing boundary is missing");

        char *name = NULL, *filename = NULL, *ctype = NULL;
        const char *h = hstart;
        while (h < hend) {
            const char *eol = memmem(h, (size_t)(hend - h) + 2, "\r\n", 2);
            if (!eol || eol > hend) eol = hend;
            size_t ln = (size_t)(eol - h);
            if (ln > 20 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
                name = header_attr(a, h + 20, ln - 20, "name");
                filename = header_attr(a, h + 20, ln - 20, "filename");
            } else if (ln > 13 && strncasecmp(h, "Content-Type:", 13) == 0) {
                const char *v = h + 13;
                size_t vn = ln - 13;
                while (vn && (*v == ' ' || *v == '\t')) v++, vn--;
                ctype = arena_strndup(a, v, vn);
            }
            h = eol + 2;
        }
        if (!name) return malformed(p, "a part has no name");
        size_t data_len = (size_t)(next - data);
        if (filename) {
            if (!utf8_valid(filename, strlen(filename)))
                return bad_request(p, name, "The file name sent for %s is not valid UTF-8", name);
            lerr e = raw_add(raw, name, NULL, 0, p);
            if (e) return e;
            /* A file input left empty sends a part with an empty file name and no data. */
            if (filename[0] || data_len) {
                struct uploaded_file *f = arena_alloc(a, sizeof *f);
                f->filename = filename;
                f->content_type = ctype ? ctype : "application/octet-stream";
                f->data = (const unsigned char *)data;
                f->len = data_len;
                raw->items[raw->n - 1].file = f;
            }
        } else {
            char *value = arena_strndup(a, data, data_len);
            if (strlen(name) == 0) return malformed(p, "a part has an empty name");
            lerr e = raw_add(raw, name, value, data_len, p);
            if (e) return e;
        }
        pos = next + dn;
    }
}

/* ---- application/json ---- */

/* Depth counts containers: {"a": [1]} is 2 deep. Jansson's own limit (2048) bounds the
 * recursion here, and it stops at the first level over ours. */
static bool json_too_deep(json_t *v, int depth)
{
    if (!json_is_object(v) && !json_is_array(v)) return false;
    if (depth > HTTP_MAX_JSON_DEPTH) return true;
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) if (json_too_deep(x, depth + 1)) return true;
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) if (json_too_deep(x, depth + 1)) return true;
    }
    return false;
}

lerr parse_json_body(const char *body, size_t len, struct raw_params *raw, json_t **root,
                     struct problem *p)
{
    *root = NULL;
    if (!utf8_valid(body, len)) return bad_request(p, NULL, "The JSON body is not valid UTF-8");
    json_error_t err;
    json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        if (json_error_code(&err) == json_error_stack_overflow)
            return bad_request(p, NULL, "JSON nested too deeply: at most %d levels",
                               HTTP_MAX_JSON_DEPTH);
        return bad_request(p, NULL, "Body is not valid JSON: %s at line %d column %d", err.text,
                           err.line, err.column);
    }
    *root = j;
    if (json_too_deep(j, 1))
        return bad_request(p, NULL, "JSON nested too deeply: at most %d levels",
                           HTTP_MAX_JSON_DEPTH);
    if (!json_is_object(j))
        return bad_request(p, NULL,
                           "The JSON body must be an object, such as {\"name\": \"value\"}");
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        if (json_is_null(v)) continue; /* null means "not given" */
        lerr e = raw_add(raw, k, NULL, 0, p);
        if (e) return e;
        raw->items[raw->n - 1].json = v;
    }
    return LE_OK;
}

/* ---- Applying the spec ---- */

/* A JSON member as parameter text: strings as they are, numbers and booleans written out,
 * and for P_STR an array of scalars joined with commas. */
static lerr json_to_text(const struct param_spec *spec, json_t *v, struct arena *a,
                         const char **out, size_t *out_len, struct problem *p)
{
    if (json_is_string(v)) {
        *out = json_string_value(v);
        *out_len = json_string_length(v);
        return LE_OK;
    }
    if (json_is_integer(v)) {
        *out = arena_sprintf(a, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        *out = arena_sprintf(a, "%.17g", json_real_value(v));
    } else if (json_is_boolean(v)) {
        *out = json_is_true(v) ? "true" : "false";
    } else if (json_is_array(v) && spec->type == P_STR) {
        struct buf b;
        buf_init(&b, 1 << 20);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            const char *t;
            size_t tn;
            if (json_is_array(x) || json_is_object(x) || json_is_null(x) ||
                json_to_text(spec, x, a, &t, &tn, p)) {
                buf_release(&b);
                return problem_set(p, LE_INVALID, spec->name,
                                   "%s must be a list of strings or numbers", spec->name);
            }
            if ((i && buf_addc(&b, ',')) || buf_add(&b, t, tn)) {
                buf_release(&b);
                return problem_set(p, LE_INVALID, spec->name, "%s is too long", spec->name);
            }
        }
        *out = arena_strndup(a, b.data ? b.data : "", b.len);
        buf_release(&b);
    } else {
        return problem_set(p, LE_INVALID, spec->name, "%s must be %s", spec->name,
                           spec->type == P_STR ? "a string or a list of strings"
                                               : "a single string, number or boolean");
    }
    *out_len = strlen(*out);
    return LE_OK;
}

static void add_param(struct req_param *list, size_t *n, const char *name, const char *value,
                      const struct uploaded_file *file)
{
    list[*n] = (struct req_param){name, value, file};
    (*n)++;
}

static lerr apply_file(const struct param_spec *spec, const struct raw_params *raw,
                       const struct uploaded_file **out, struct problem *p)
{
    *out = NULL;
    for (size_t i = 0; raw && i < raw->n; i++)
        if (raw->items[i].file && strcmp(raw->items[i].name, spec->name) == 0)
            *out = raw->items[i].file;
    if (!*out) {
        if (spec->flags & PARAM_REQUIRED)
            return problem_set(p, LE_INVALID, spec->name, "Choose a file to upload for %s",
                               spec->name);
        return LE_OK;
    }
    int64_t max = spec->max > 0 ? spec->max : DEFAULT_FILE_MAX;
    if ((int64_t)(*out)->len > max) {
        if (max >= 1024 * 1024 && max % (1024 * 1024) == 0)
            return problem_set(p, LE_TOOBIG, spec->name,
                               "%s is larger than %lld MiB; choose a smaller file", spec->name,
                               (long long)(max / (1024 * 1024)));
        return problem_set(p, LE_TOOBIG, spec->name,
                           "%s is larger than %lld KiB; choose a smaller file", spec->name,
                           (long long)((max + 1023) / 1024));
    }
    if (spec->min > 0 && (int64_t)(*out)->len < spec->min)
        return problem_set(p, LE_INVALID, spec->name, "%s is empty; choose another file",
                           spec->name);
    return LE_OK;
}

/* The value the client sent for spec->name: a path capture wins; otherwise the query/form
 * values (several values of a P_STR are joined with commas, e.g. checkboxes; for other types
 * the last one wins) or the JSON member. *value NULL = absent. */
static lerr raw_value(const struct param_spec *spec, const struct route_match *m,
                      const struct raw_params *raw, struct arena *a, const char **value,
                      size_t *len, struct problem *p)
{
    *value = NULL;
    *len = 0;
    for (int i = 0; m && i < m->n; i++)
        if (strcmp(m->names[i], spec->name) == 0) {
            *value = m->values[i];
            *len = strlen(*value);
            return LE_OK;
        }
    if (!raw) return LE_OK;
    struct buf joined;
    buf_init(&joined, 1 << 20);
    size_t count = 0;
    for (size_t i = 0; i < raw->n; i++) {
        const struct raw_param *r = &raw->items[i];
        if (r->file || strcmp(r->name, spec->name) != 0) continue;
        if (r->json) {
            lerr e = json_to_text(spec, r->json, a, value, len, p);
            buf_release(&joined);
            return e;
        }
        if (!r->value) continue;
        if (spec->type == P_STR) {
            if ((count && buf_addc(&joined, ',')) || buf_add(&joined, r->value, r->len)) {
                buf_release(&joined);
                return problem_set(p, LE_INVALID, spec->name, "%s is too long", spec->name);
            }
        }
        *value = r->value;
        *len = r->len;
        count++;
    }
    if (count > 1 && spec->type == P_STR) {
        *value = arena_strndup(a, joined.data, joined.len);
        *len = joined.len;
    }
    buf_release(&joined);
    return LE_OK;
}

lerr params_apply(const struct param_spec *spec, const struct route_match *m,
                  const struct raw_params *raw, struct arena *a, struct req_param **out,
                  size_t *n_out, struct problem *p)
{
    size_t nspec = 0;
    while (spec && spec[nspec].name) nspec++;
    size_t ncap = m ? (size_t)m->n : 0;
    struct req_param *list = arena_alloc(a, (nspec + ncap + 1) * sizeof *list);
    size_t n = 0;
    for (size_t i = 0; i < nspec; i++) {
        const struct param_spec *s = &spec[i];
        if (s->type == P_FILE) {
            const struct uploaded_file *f;
            lerr e = apply_file(s, raw, &f, p);
            if (e) return e;
            if (f) add_param(list, &n, s->name, NULL, f);
            continue;
        }
        const char *value, *norm;
        size_t len;
        lerr e = raw_value(s, m, raw, a, &value, &len, p);
        if (!e) e = param_validate(s, value, len, a, &norm, p);
        if (e) return e;
        if (norm) add_param(list, &n, s->name, norm, NULL);
    }
    /* Captures are part of the route, so they are declared even without a spec entry. */
    for (size_t c = 0; c < ncap; c++) {
        bool declared = false;
        for (size_t i = 0; i < nspec && !declared; i++)
            declared = strcmp(spec[i].name, m->names[c]) == 0;
        if (!declared) add_param(list, &n, m->names[c], m->values[c], NULL);
    }
    *out = list;
    *n_out = n;
    return LE_OK;
}
