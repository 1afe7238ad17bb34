/* Declared parameters: validation of each type, the body parsers (urlencoded, multipart,
 * JSON) and applying a route's spec, all without a live connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "../../../src/http/internal.h"

static struct arena *arena;

static int setup(void **state)
{
    (void)state;
    arena = arena_new(0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    return 0;
}

/* Validates s against spec: returns the normalised value, or NULL; *e gets the error. */
static const char *check(const struct param_spec *spec, const char *s, lerr *e,
                         struct problem *p)
{
    const char *out = "unset";
    memset(p, 0, sizeof *p);
    *e = param_validate(spec, s, s ? strlen(s) : 0, arena, &out, p);
    if (*e) assert_null(out);
    return out;
}

#define OK(spec, in, want)                                                                 \
    do {                                                                                   \
        lerr e_;                                                                           \
        struct problem p_;                                                                 \
        const char *got_ = check(spec, in, &e_, &p_);                                      \
        const char *want_ = want;                                                          \
        if (e_) fail_msg("%s=%s: unexpected error: %s", (spec)->name, in, p_.message);      \
        if (want_) assert_string_equal(got_, want_);                                       \
        else assert_null(got_);                                                            \
    } while (0)

#define BAD(spec, in, msg_part)                                                            \
    do {                                                                                   \
        lerr e_;                                                                           \
        struct problem p_;                                                                 \
        check(spec, in, &e_, &p_);                                                         \
        if (!e_) fail_msg("%s=%s: accepted", (spec)->name, in);                            \
        assert_string_equal(p_.field, (spec)->name);                                       \
        if (!strstr(p_.message, msg_part))                                                 \
            fail_msg("message \"%s\" lacks \"%s\"", p_.message, msg_part);                 \
    } while (0)

static void test_str(void **state)
{
    (void)state;
    struct param_spec s = {"title", P_STR, 0, 0, 0};
    OK(&s, "  Fire safety  ", "Fire safety");
    OK(&s, "Gr\xc3\xbc\xc3\x9f Gott", "Gr\xc3\xbc\xc3\x9f Gott");
    OK(&s, "", "");      /* an empty optional text field clears it */
    OK(&s, "   ", "");
    OK(&s, NULL, NULL);  /* absent */
    BAD(&s, "two\nlines", "single line");
    BAD(&s, "tab\there", "single line");
    BAD(&s, "bell\x07", "single line");
    BAD(&s, "del\x7f", "single line");
    char longer[202];
    memset(longer, 'x', 201);
    longer[201] = '\0';
    BAD(&s, longer, "at most 200 characters");
    longer[200] = '\0';
    OK(&s, longer, longer);
    /* lengths count characters, not bytes: 200 two-byte characters fit */
    char wide[401];
    for (int i = 0; i < 200; i++) memcpy(wide + 2 * i, "\xc3\xa9", 2);
    wide[400] = '\0';
    OK(&s, wide, wide);

    struct param_spec req = {"name", P_STR, PARAM_REQUIRED, 2, 5};
    BAD(&req, NULL, "name is required");
    BAD(&req, "  ", "name is required");
    BAD(&req, "a", "at least 2 characters");
    BAD(&req, "abcdef", "at most 5 characters");
    OK(&req, " ab ", "ab");
}

static void test_invalid_utf8_is_bad_request(void **state)
{
    (void)state;
    struct param_spec s = {"title", P_STR, 0, 0, 0};
    lerr e;
    struct problem p;
    check(&s, "caf\xc3", &e, &p);
    assert_int_equal(e, LE_INVALID);
    assert_string_equal(p.reason, "bad_request");
    assert_string_equal(p.field, "title");
    assert_non_null(strstr(p.message, "title is not valid UTF-8"));
    check(&s, "\xc0\xaf", &e, &p); /* overlong '/' */
    assert_int_equal(e, LE_INVALID);
}

static void test_text(void **state)
{
    (void)state;
    struct param_spec s = {"body", P_TEXT, 0, 0, 0};
    OK(&s, "line one\r\nline two\r\n\tindented", "line one\nline two\n\tindented");
    OK(&s, "  keeps spaces  ", "  keeps spaces  ");
    OK(&s, "old\rmac", "old\nmac");
    OK(&s, "\n\n", "");
    BAD(&s, "nul\x01", "control character");
    struct param_spec short_text = {"body", P_TEXT, PARAM_REQUIRED, 0, 3};
    BAD(&short_text, " \n ", "body is required");
    BAD(&short_text, "abcd", "at most 3 characters");
    OK(&short_text, "a\r\nb", "a\nb"); /* 3 characters once CRLF is LF */
}

static void test_int(void **state)
{
    (void)state;
    struct param_spec any = {"n", P_INT, 0, 0, 0};
    OK(&any, "42", "42");
    OK(&any, " -7 ", "-7");
    OK(&any, "+5", "5");
    OK(&any, "007", "7");
    OK(&any, "9223372036854775807", "9223372036854775807");
    OK(&any, "-9223372036854775808", "-9223372036854775808");
    OK(&any, "", NULL); /* empty optional number = not given */
    BAD(&any, "9223372036854775808", "too large");
    BAD(&any, "-9223372036854775809", "too large");
    BAD(&any, "12abc", "whole number");
    BAD(&any, "1.5", "whole number");
    BAD(&any, "-", "whole number");
    BAD(&any, "0x10", "whole number");
    BAD(&any, "1 2", "whole number");

    struct param_spec page = {"page", P_INT, PARAM_REQUIRED, 1, 100};
    OK(&page, "1", "1");
    OK(&page, "100", "100");
    BAD(&page, "0", "between 1 and 100");
    BAD(&page, "101", "between 1 and 100");
    BAD(&page, "", "page is required");
    struct param_spec from_zero = {"count", P_INT, 0, 0, 10};
    BAD(&from_zero, "-1", "between 0 and 10");
    struct param_spec at_least = {"year", P_INT, 0, 2000, 0};
    OK(&at_least, "9999999", "9999999");
    BAD(&at_least, "1999", "at least 2000");
}

static void test_bool(void **state)
{
    (void)state;
    struct param_spec s = {"active", P_BOOL, 0, 0, 0};
    const char *yes[] = {"1", "true", "TRUE", "on", "yes", " on "};
    const char *no[] = {"0", "false", "off", "no", ""};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) OK(&s, yes[i], "true");
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) OK(&s, no[i], "false");
    OK(&s, NULL, NULL);
    BAD(&s, "maybe", "true or false");
    BAD(&s, "2", "true or false");
}

static void test_email(void **state)
{
    (void)state;
    struct param_spec s = {"email", P_EMAIL, 0, 0, 0};
    OK(&s, " jane.doe+lectern@example.org ", "jane.doe+lectern@example.org");
    OK(&s, "a@b.co", "a@b.co");
    OK(&s, "x@sub-domain.example.co.uk", "x@sub-domain.example.co.uk");
    OK(&s, "jos\xc3\xa9@b\xc3\xbc\x63her.de", "jos\xc3\xa9@b\xc3\xbc\x63her.de");
    OK(&s, "", NULL);
    const char *bad[] = {"plain", "@example.org", "jane@", "jane@example", "jane@@example.org",
                         "ja ne@example.org", "jane@exa mple.org", "jane@.example.org",
                         "jane@example..org", "jane@example.org.", "jane@-x.org",
                         "jane@x-.org", "jane@example.123", "a@b@c.org", "<a>@b.org"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        BAD(&s, bad[i], "email must look like name@example.org");
    struct param_spec req = {"email", P_EMAIL, PARAM_REQUIRED, 3, 254};
    BAD(&req, "", "email is required");
}

static void test_username(void **state)
{
    (void)state;
    struct param_spec s = {"username", P_USERNAME, PARAM_REQUIRED, 0, 0};
    OK(&s, "Jane.Doe", "jane.doe");
    OK(&s, " j_doe-2@corp ", "j_doe-2@corp");
    BAD(&s, "jane doe", "letters, digits and . _ - @");
    BAD(&s, "j\xc3\xa9r\xc3\xb4me", "letters, digits");
    BAD(&s, "a/b", "letters, digits");
    BAD(&s, "", "username is required");
    char big[102];
    memset(big, 'a', 101);
    big[101] = '\0';
    BAD(&s, big, "1 to 100 characters");
}

static void test_secret(void **state)
{
    (void)state;
    struct param_spec s = {"password", P_SECRET, 0, 8, 0};
    OK(&s, "  spaces kept  ", "  spaces kept  ");
    OK(&s, "", NULL); /* an empty optional password was not given */
    BAD(&s, "short", "at least 8 characters");
    BAD(&s, "line\nbreak!", "single line");
    struct param_spec req = {"password", P_SECRET, PARAM_REQUIRED, 1, 0};
    BAD(&req, "", "password is required");
    char huge[1100];
    memset(huge, 'p', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    BAD(&req, huge, "at most 1024 characters");
}

static void test_color(void **state)
{
    (void)state;
    struct param_spec s = {"primary_color", P_COLOR, 0, 0, 0};
    OK(&s, "#1A73e8", "#1a73e8");
    OK(&s, " #000000 ", "#000000");
    OK(&s, "", NULL);
    BAD(&s, "1a73e8", "like #1a73e8");
    BAD(&s, "#fff", "like #1a73e8");
    BAD(&s, "#12345g", "like #1a73e8");
    BAD(&s, "#1234567", "like #1a73e8");
    BAD(&s, "red", "like #1a73e8");
}

/* ---- body parsers ---- */

static const char *raw_value_of(const struct raw_params *raw, const char *name, size_t *len)
{
    for (size_t i = 0; i < raw->n; i++)
        if (strcmp(raw->items[i].name, name) == 0) {
            if (len) *len = raw->items[i].len;
            return raw->items[i].value;
        }
    return NULL;
}

static void test_urlencoded(void **state)
{
    (void)state;
    struct raw_params raw = {0};
    struct problem p = {0};
    const char *body = "a=1&b=hello+world&c=%C3%A9t%C3%A9&&d&e=&f=x%3Dy%26z&a=2";
    assert_int_equal(parse_urlencoded(body, strlen(body), arena, &raw, &p), LE_OK);
    assert_int_equal(raw.n, 7);
    assert_string_equal(raw_value_of(&raw, "b", NULL), "hello world");
    assert_string_equal(raw_value_of(&raw, "c", NULL), "\xc3\xa9t\xc3\xa9");
    assert_string_equal(raw_value_of(&raw, "d", NULL), "");
    assert_string_equal(raw_value_of(&raw, "e", NULL), "");
    assert_string_equal(raw_value_of(&raw, "f", NULL), "x=y&z");
    assert_string_equal(raw_get(&raw, "a"), "2"); /* the last one */

    /* %00 survives with its length, for validation to refuse */
    struct raw_params nul = {0};
    assert_int_equal(parse_urlencoded("n=a%00b", 7, arena, &nul, &p), LE_OK);
    size_t len;
    raw_value_of(&nul, "n", &len);
    assert_int_equal(len, 3);
}

static void test_urlencoded_errors(void **state)
{
    (void)state;
    struct problem p = {0};
    struct raw_params raw = {0};
    assert_int_equal(parse_urlencoded("a=%zz", 5, arena, &raw, &p), LE_INVALID);
    assert_string_equal(p.reason, "bad_request");
    memset(&raw, 0, sizeof raw);
    assert_int_equal(parse_urlencoded("a=%4", 4, arena, &raw, &p), LE_INVALID);
    memset(&raw, 0, sizeof raw);
    assert_int_equal(parse_urlencoded("name=%C3%28", 11, arena, &raw, &p), LE_INVALID);
    assert_string_equal(p.field, "name");
    assert_non_null(strstr(p.message, "name is not valid UTF-8"));

    /* HTTP_MAX_PARAMS parameters are fine, one more is refused */
    struct buf b;
    buf_init(&b, 0);
    for (int i = 0; i < HTTP_MAX_PARAMS; i++) buf_addf(&b, "%sp%d=x", i ? "&" : "", i);
    memset(&raw, 0, sizeof raw);
    assert_int_equal(parse_urlencoded(b.data, b.len, arena, &raw, &p), LE_OK);
    buf_adds(&b, "&one=more");
    memset(&raw, 0, sizeof raw);
    memset(&p, 0, sizeof p);
    assert_int_equal(parse_urlencoded(b.data, b.len, arena, &raw, &p), LE_INVALID);
    assert_string_equal(p.reason, "bad_request");
    char at_most[32];
    snprintf(at_most, sizeof at_most, "at most %d", HTTP_MAX_PARAMS);
    assert_non_null(strstr(p.message, at_most));
    buf_release(&b);
}

#define CT "multipart/form-data; boundary=----XyZ"
static void test_multipart(void **state)
{
    (void)state;
    const char body[] =
        "preamble is ignored\r\n"
        "------XyZ\r\n"
        "Content-Disposition: form-data; name=\"title\"\r\n"
        "\r\n"
        "Hello\r\nworld\r\n"
        "------XyZ\r\n"
        "content-disposition: form-data; name=\"logo\"; filename=\"a;b \\\"c\\\".png\"\r\n"
        "Content-Type: image/png\r\n"
        "\r\n"
        "\x89PNG\r\n\x1a\n\0\0binary------Xy\r\n"
        "------XyZ\r\n"
        "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
        "Content-Type: application/octet-stream\r\n"
        "\r\n"
        "\r\n"
        "------XyZ--\r\n"
        "epilogue";
    struct raw_params raw = {0};
    struct problem p = {0};
    assert_int_equal(parse_multipart(body, sizeof body - 1, CT, arena, &raw, &p), LE_OK);
    assert_int_equal(raw.n, 3);
    assert_string_equal(raw.items[0].name, "title");
    assert_string_equal(raw.items[0].value, "Hello\r\nworld");
    assert_string_equal(raw.items[1].name, "logo");
    const struct uploaded_file *f = raw.items[1].file;
    assert_non_null(f);
    assert_string_equal(f->filename, "a;b \"c\".png");
    assert_string_equal(f->content_type, "image/png");
    assert_int_equal(f->len, 24);
    assert_memory_equal(f->data, "\x89PNG\r\n\x1a\n\0\0binary------Xy", 24);
    /* a file input left empty: present as a name, no file */
    assert_string_equal(raw.items[2].name, "empty");
    assert_null(raw.items[2].file);
    assert_null(raw.items[2].value);

    /* the boundary may be quoted; the body may start right at it */
    const char b2[] = "--a b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b--";
    memset(&raw, 0, sizeof raw);
    assert_int_equal(parse_multipart(b2, sizeof b2 - 1, "multipart/form-data; boundary=\"a b\"",
                                     arena, &raw, &p),
                     LE_OK);
    assert_string_equal(raw_get(&raw, "x"), "1");
}

static void test_multipart_errors(void **state)
{
    (void)state;
    struct problem p;
    struct raw_params raw;
    const char *cases[][2] = {
        {"multipart/form-data", "--x\r\n\r\n"},                                  /* no boundary */
        {CT, "nothing here"},                                                     /* no delimiter */
        {CT, "------XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"},
        {CT, "------XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n------XyZ--"}, /* no name */
        {CT, "------XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nno blank line"},
        {CT, "------XyZgarbage"},
        {CT, "------XyZ\r\n\r\nheaderless\r\n------XyZ--"},
        {CT, "------XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\r\n------XyZ--"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&raw, 0, sizeof raw);
        memset(&p, 0, sizeof p);
        lerr e = parse_multipart(cases[i][1], strlen(cases[i][1]), cases[i][0], arena, &raw, &p);
        if (e != LE_INVALID) fail_msg("case %zu accepted", i);
        assert_string_equal(p.reason, "bad_request");
    }
}

static void test_json_body(void **state)
{
    (void)state;
    const char *body = "{\"name\": \"Ann\", \"n\": 5, \"r\": 1.5, \"b\": true, \"z\": null, "
                       "\"roles\": [\"admin\", \"learner\"], \"obj\": {\"x\": 1}}";
    struct raw_params raw = {0};
    struct problem p = {0};
    json_t *root;
    assert_int_equal(parse_json_body(body, strlen(body), &raw, &root, &p), LE_OK);
    assert_non_null(root);
    assert_int_equal(raw.n, 6); /* null is "not given" */

    struct route_match m = {0};
    const struct param_spec spec[] = {
        {"name", P_STR, PARAM_REQUIRED, 0, 0}, {"n", P_INT, 0, 0, 0}, {"r", P_STR, 0, 0, 0},
        {"b", P_BOOL, 0, 0, 0},                {"z", P_STR, 0, 0, 0}, {"roles", P_STR, 0, 0, 0},
        PARAMS_END,
    };
    struct req_param *params;
    size_t n;
    assert_int_equal(params_apply(spec, &m, &raw, arena, &params, &n, &p), LE_OK);
    struct request req = {.params = params, .n_params = n};
    assert_string_equal(req_param(&req, "name"), "Ann");
    assert_int_equal(req_param_int(&req, "n", 0), 5);
    assert_string_equal(req_param(&req, "r"), "1.5");
    assert_true(req_param_bool(&req, "b"));
    assert_false(req_has_param(&req, "z"));
    assert_string_equal(req_param(&req, "roles"), "admin,learner");
    assert_false(req_has_param(&req, "obj")); /* undeclared: dropped */

    /* an object where a value is expected, or an array for a non-list type */
    const struct param_spec obj_spec[] = {{"obj", P_STR, 0, 0, 0}, PARAMS_END};
    memset(&p, 0, sizeof p);
    assert_int_equal(params_apply(obj_spec, &m, &raw, arena, &params, &n, &p), LE_INVALID);
    assert_string_equal(p.field, "obj");
    const struct param_spec arr_spec[] = {{"roles", P_INT, 0, 0, 0}, PARAMS_END};
    memset(&p, 0, sizeof p);
    assert_int_equal(params_apply(arr_spec, &m, &raw, arena, &params, &n, &p), LE_INVALID);
    assert_string_equal(p.field, "roles");
    assert_non_null(strstr(p.message, "roles must be a single string, number or boolean"));
    json_decref(root);
}

static void test_json_errors(void **state)
{
    (void)state;
    struct raw_params raw = {0};
    struct problem p = {0};
    json_t *root;
    const char *bad = "{\"a\": 1,\n \"b\": }";
    assert_int_equal(parse_json_body(bad, strlen(bad), &raw, &root, &p), LE_INVALID);
    assert_null(root);
    assert_string_equal(p.reason, "bad_request");
    assert_true(strncmp(p.message, "Body is not valid JSON: ", 24) == 0);
    assert_non_null(strstr(p.message, " at line 2 column "));

    memset(&raw, 0, sizeof raw);
    assert_int_equal(parse_json_body("[1,2]", 5, &raw, &root, &p), LE_INVALID);
    assert_non_null(strstr(p.message, "must be an object"));
    json_decref(root);

    memset(&raw, 0, sizeof raw);
    assert_int_equal(parse_json_body("{\"a\":1,\"a\":2}", 13, &raw, &root, &p), LE_INVALID);
    json_decref(root);

    memset(&raw, 0, sizeof raw);
    assert_int_equal(parse_json_body("{\"a\":\"\xff\"}", 9, &raw, &root, &p), LE_INVALID);
    assert_non_null(strstr(p.message, "not valid UTF-8"));

    /* depth: 32 levels are fine, 33 are not; thousands stop inside jansson */
    struct buf b;
    buf_init(&b, 0);
    for (int depth = 32; depth <= 33; depth++) {
        buf_reset(&b);
        buf_adds(&b, "{\"a\":");
        for (int i = 1; i < depth; i++) buf_adds(&b, "[");
        buf_adds(&b, "1");
        for (int i = 1; i < depth; i++) buf_adds(&b, "]");
        buf_adds(&b, "}");
        memset(&raw, 0, sizeof raw);
        memset(&p, 0, sizeof p);
        lerr e = parse_json_body(b.data, b.len, &raw, &root, &p);
        json_decref(root);
        if (depth == 32) {
            assert_int_equal(e, LE_OK);
        } else {
            assert_int_equal(e, LE_INVALID);
            assert_non_null(strstr(p.message, "JSON nested too deeply"));
        }
    }
    buf_reset(&b);
    for (int i = 0; i < 100000; i++) buf_addc(&b, '[');
    memset(&raw, 0, sizeof raw);
    assert_int_equal(parse_json_body(b.data, b.len, &raw, &root, &p), LE_INVALID);
    assert_null(root);
    assert_non_null(strstr(p.message, "JSON nested too deeply"));
    buf_release(&b);
}

/* ---- applying a spec ---- */

static void test_apply_captures_win_and_joins(void **state)
{
    (void)state;
    struct raw_params raw = {0};
    struct problem p = {0};
    const char *body = "username=intruder&roles=admin&roles=learner&page=3&page=4&extra=x&_csrf=t";
    assert_int_equal(parse_urlencoded(body, strlen(body), arena, &raw, &p), LE_OK);
    struct route_match m = {0};
    m.n = 2;
    m.names[0] = "username", m.values[0] = "Bob.Smith";
    m.names[1] = "id", m.values[1] = "12";
    const struct param_spec spec[] = {
        {"username", P_USERNAME, PARAM_REQUIRED, 0, 0},
        {"roles", P_STR, 0, 0, 0},
        {"page", P_INT, 0, 1, 100},
        {"missing", P_STR, 0, 0, 0},
        PARAMS_END,
    };
    struct req_param *params;
    size_t n;
    assert_int_equal(params_apply(spec, &m, &raw, arena, &params, &n, &p), LE_OK);
    struct request req = {.params = params, .n_params = n};
    assert_string_equal(req_param(&req, "username"), "bob.smith"); /* capture, normalised */
    assert_string_equal(req_param(&req, "roles"), "admin,learner");
    assert_int_equal(req_param_int(&req, "page", 1), 4);            /* the last one */
    assert_string_equal(req_param(&req, "id"), "12");                /* undeclared capture kept */
    assert_null(req_param(&req, "extra"));
    assert_null(req_param(&req, "_csrf"));
    assert_false(req_has_param(&req, "missing"));
    assert_int_equal(req_param_int(&req, "missing", 77), 77);
    assert_false(req_param_bool(&req, "missing"));
    assert_null(req_file(&req, "roles"));
    /* the raw CSRF token is still there for the server's check */
    assert_string_equal(raw_get(&raw, "_csrf"), "t");
}

static void test_apply_reports_first_failing_field(void **state)
{
    (void)state;
    struct raw_params raw = {0};
    struct problem p = {0};
    const char *body = "email=not-an-email&page=0";
    assert_int_equal(parse_urlencoded(body, strlen(body), arena, &raw, &p), LE_OK);
    const struct param_spec spec[] = {
        {"name", P_STR, PARAM_REQUIRED, 0, 0},
        {"email", P_EMAIL, 0, 0, 0},
        PARAMS_END,
    };
    struct req_param *params;
    size_t n;
    assert_int_equal(params_apply(spec, NULL, &raw, arena, &params, &n, &p), LE_INVALID);
    assert_string_equal(p.field, "name");
    assert_string_equal(p.message, "name is required");
    assert_int_equal(lerr_http_status(p.code), 422);
    const struct param_spec spec2[] = {{"email", P_EMAIL, 0, 0, 0}, PARAMS_END};
    memset(&p, 0, sizeof p);
    assert_int_equal(params_apply(spec2, NULL, &raw, arena, &params, &n, &p), LE_INVALID);
    assert_string_equal(p.field, "email");
    assert_string_equal(p.message, "email must look like name@example.org");
}

static void test_apply_files(void **state)
{
    (void)state;
    const char body[] = "--b\r\n"
                        "Content-Disposition: form-data; name=\"logo\"; filename=\"l.png\"\r\n"
                        "Content-Type: image/png\r\n\r\n0123456789\r\n--b--\r\n";
    struct raw_params raw = {0};
    struct problem p = {0};
    assert_int_equal(parse_multipart(body, sizeof body - 1, "multipart/form-data; boundary=b",
                                     arena, &raw, &p),
                     LE_OK);
    struct req_param *params;
    size_t n;
    const struct param_spec ok[] = {{"logo", P_FILE, PARAM_REQUIRED, 1, 10}, PARAMS_END};
    assert_int_equal(params_apply(ok, NULL, &raw, arena, &params, &n, &p), LE_OK);
    struct request req = {.params = params, .n_params = n};
    const struct uploaded_file *f = req_file(&req, "logo");
    assert_non_null(f);
    assert_int_equal(f->len, 10);
    assert_string_equal(f->filename, "l.png");
    assert_null(req_param(&req, "logo"));
    assert_true(req_has_param(&req, "logo"));

    const struct param_spec small[] = {{"logo", P_FILE, 0, 0, 9}, PARAMS_END};
    assert_int_equal(params_apply(small, NULL, &raw, arena, &params, &n, &p), LE_TOOBIG);
    assert_string_equal(p.field, "logo");
    assert_non_null(strstr(p.message, "choose a smaller file"));

    const struct param_spec other[] = {{"doc", P_FILE, PARAM_REQUIRED, 0, 0}, PARAMS_END};
    assert_int_equal(params_apply(other, NULL, &raw, arena, &params, &n, &p), LE_INVALID);
    assert_string_equal(p.message, "Choose a file to upload for doc");

    /* a text parameter does not take a file part's place */
    const struct param_spec text[] = {{"logo", P_STR, 0, 0, 0}, PARAMS_END};
    assert_int_equal(params_apply(text, NULL, &raw, arena, &params, &n, &p), LE_OK);
    assert_int_equal(n, 0);
}

static void test_no_spec(void **state)
{
    (void)state;
    struct req_param *params;
    size_t n;
    struct problem p = {0};
    assert_int_equal(params_apply(NULL, NULL, NULL, arena, &params, &n, &p), LE_OK);
    assert_int_equal(n, 0);
    struct request req = {.params = params, .n_params = n};
    assert_null(req_param(&req, "x"));
    assert_null(req_header(&req, "Host")); /* no connection: no headers */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str),
        cmocka_unit_test(test_invalid_utf8_is_bad_request),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_bool),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_username),
        cmocka_unit_test(test_secret),
        cmocka_unit_test(test_color),
        cmocka_unit_test(test_urlencoded),
        cmocka_unit_test(test_urlencoded_errors),
        cmocka_unit_test(test_multipart),
        cmocka_unit_test(test_multipart_errors),
        cmocka_unit_test(test_json_body),
        cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_apply_captures_win_and_joins),
        cmocka_unit_test(test_apply_reports_first_failing_field),
        cmocka_unit_test(test_apply_files),
        cmocka_unit_test(test_no_spec),
    };
    return cmocka_run_group_tests_name("params", tests, setup, teardown);
}
