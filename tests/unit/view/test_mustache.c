/* The Mustache engine against the official spec (one cmocka group per spec file, one test per
 * case), plus Lectern's own cases: escaping, compile errors, the recursion cap, the output
 * cap, layout inheritance, and rendering from several threads.
 *
 * The spec files are read from $LECTERN_SPEC_DIR, by default tests/spec/mustache (a copy of the
 * official specification data) relative
 * to the repository root (the working directory of the unit tests). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../src/view/view.h"

/* The spec files run here. ~lambdas and ~dynamic-names are optional and not implemented. */
static const char *const spec_files[] = {
    "comments", "delimiters", "interpolation", "inverted", "partials", "sections", "~inheritance",
};

static const char *spec_dir(void)
{
    const char *d = getenv("LECTERN_SPEC_DIR");
    return d && *d ? d : "tests/spec/mustache";
}

/* Renders name from set against one context value; returns the output (caller frees). */
static char *render1(const struct tpl_set *set, const char *name, json_t *data, lerr *rc)
{
    struct buf out;
    buf_init(&out, 1 << 20);
    json_t *stack[1] = {data};
    *rc = tpl_set_render(set, name, stack, data ? 1 : 0, &out);
    return buf_detach(&out);
}

static void add_ok(struct tpl_set *set, const char *name, const char *src)
{
    struct problem p = {0};
    lerr e = tpl_set_add(set, name, src, strlen(src), &p);
    if (e) fail_msg("compiling '%s' failed: %s", name, p.message);
}

/* ---- spec cases ---- */

static void spec_case(void **state)
{
    json_t *tc = *state;
    struct tpl_set *set = tpl_set_new();
    assert_non_null(set);
    const char *pname;
    json_t *psrc;
    json_object_foreach(json_object_get(tc, "partials"), pname, psrc) add_ok(set, pname, json_string_value(psrc));
    /* A name no spec partial uses. */
    add_ok(set, " spec template ", json_string_value(json_object_get(tc, "template")));
    lerr rc;
    char *got = render1(set, " spec template ", json_object_get(tc, "data"), &rc);
    assert_int_equal(rc, LE_OK);
    assert_string_equal(got, json_string_value(json_object_get(tc, "expected")));
    free(got);
    tpl_set_free(set);
}

static int run_spec_file(const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.json", spec_dir(), file);
    json_error_t jerr;
    json_t *spec = json_load_file(path, 0, &jerr);
    if (!spec) {
        /* A missing spec must fail loudly, not pass with zero tests. */
        fprintf(stderr, "test_mustache: cannot read %s: %s (set LECTERN_SPEC_DIR)\n", path, jerr.text);
        return 1;
    }
    json_t *cases = json_object_get(spec, "tests");
    size_t n = json_array_size(cases);
    struct CMUnitTest *tests = calloc(n ? n : 1, sizeof *tests);
    char **names = calloc(n ? n : 1, sizeof *names);
    if (!tests || !names) abort();
    for (size_t i = 0; i < n; i++) {
        json_t *tc = json_array_get(cases, i);
        /* The spec repeats some names ("Text inside parent"); number them to tell apart. */
        if (asprintf(&names[i], "%s/%zu %s", file, i + 1, json_string_value(json_object_get(tc, "name"))) < 0)
            abort();
        tests[i] = (struct CMUnitTest){.name = names[i], .test_func = spec_case, .initial_state = tc};
    }
    char group[256];
    snprintf(group, sizeof group, "mustache spec: %s", file);
    /* cmocka_run_group_tests_name() takes the count from sizeof, which a built array has not;
     * this is the function it expands to. */
    int failed = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    free(tests);
    json_decref(spec);
    return failed;
}

/* ---- Lectern's own cases ---- */

static void escapes_html(void **state)
{
    (void)state;
    struct tpl_set *set = tpl_set_new();
    add_ok(set, "t", "{{x}}|{{{x}}}|{{&x}}");
    json_t *data = json_pack("{s:s}", "x", "<a href='x' title=\"y\">&</a>");
    lerr rc;
    char *got = render1(set, "t", data, &rc);
    assert_int_equal(rc, LE_OK);
    assert_string_equal(got, "&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;&lt;/a&gt;"
                             "|<a href='x' title=\"y\">&</a>|<a href='x' title=\"y\">&</a>");
    free(got);
    json_decref(data);
    tpl_set_free(set);
}

static void values_and_truthiness(void **state)
{
    (void)state;
    struct tpl_set *set = tpl_set_new();
    add_ok(set, "t",
           "{{i}} {{r}} {{sum}} {{big}} {{yes}} {{no}} {{nil}} {{obj}} {{arr}}|"
           "{{#empty}}E{{/empty}}{{#zero}}Z{{/zero}}{{#obj}}O{{/obj}}{{#arr.1}}{{.}}{{/arr.1}}"
           "{{^empty}}e{{/empty}}{{^zero}}z{{/zero}}{{arr.0}}{{arr.9}}{{arr.x}}");
    json_t *data = json_pack("{s:I, s:f, s:f, s:I, s:b, s:b, s:n, s:{}, s:[s,s], s:s, s:i}", "i",
                             (json_int_t)-42, "r", 1.21, "sum", 0.1 + 0.2, "big",
                             (json_int_t)9007199254740993LL, "yes", 1, "no", 0, "nil", "obj", "arr",
                             "a", "b", "empty", "", "zero", 0);
    lerr rc;
    char *got = render1(set, "t", data, &rc);
    assert_int_equal(rc, LE_OK);
    assert_string_equal(got, "-42 1.21 0.30000000000000004 9007199254740993 true false   |Obeza");
    free(got);
    json_decref(data);
    tpl_set_free(set);
}

/* Pages round reals (a score of 60.7142857142857 reads 60.71) when the set says so; integers
 * and huge values print as they always did. */
static void reals_rounded_for_pages(void **state)
{
    (void)state;
    struct tpl_set *set = tpl_set_new();
    tpl_set_round_reals(set, 2);
    add_ok(set, "t", "{{a}}% {{b}} {{c}} {{d}} {{e}} {{f}} {{g}}");
    json_t *data = json_pack("{s:f, s:f, s:f, s:f, s:I, s:f, s:f}", "a", 60.7142857142857, "b", 0.5, "c", 75.0, "d",
                             -0.001, "e", (json_int_t)1234567, "f", 2.675, "g", 1e20);
    lerr rc;
    char *got = render1(set, "t", data, &rc);
    assert_int_equal(rc, LE_OK);
    assert_string_equal(got, "60.71% 0.5 75 0 1234567 2.67 1e+20");
    free(got);
    json_decref(data);
    tpl_set_free(set);
}

/* Compiles src as "pages/broken" and checks the error names the template, the line and the
 * fault. */
static void expect_compile_error(const char *src, const char *line, const char *what)
{
    struct tpl_set *set = tpl_set_new();
    struct problem p = {0};
    lerr e = tpl_set_add(set, "pages/broken", src, strlen(src), &p);
    assert_int_equal(e, LE_INVALID);
    assert_int_equal(p.code, LE_INVALID);
    if (!strstr(p.message, "'pages/broken'") || !strstr(p.message, line) || !strstr(p.message, what))
        fail_msg("for %s: message \"%s\" lacks the template name, \"%s\" or \"%s\"", src, p.message, line, what);
    assert_false(tpl_set_has(set, "pages/broken"));
    tpl_set_free(set);
}

static void compile_errors(void **state)
{
    (void)state;
    expect_compile_error("<ul>\n{{#items}}\n<li>{{name}}</li>\n", "line 2:", "'{{#items}}' is never closed");
    expect_compile_error("a\n{{#a}}\n{{^b}}\n{{/a}}\n{{/b}}", "line 4:", "does not match '{{^b}}' opened on line 3");
    expect_compile_error("a\nb\n{{/a}}", "line 3:", "closes nothing");
    expect_compile_error("one\ntwo {{name\nthree", "line 2:", "never closed");
    expect_compile_error("{{! a\ncomment }}\n{{{raw}}", "line 3:", "never closed");
    expect_compile_error("\n{{=<% %> x=}}", "line 2:", "set-delimiter");
    expect_compile_error("{{=<%=}}", "line 1:", "set-delimiter");
    expect_compile_error("ok\n{{ }}", "line 2:", "empty tag");
    expect_compile_error("{{first name}}", "line 1:", "contains a space");
    expect_compile_error("{{a..b}}", "line 1:", "bad name");
    expect_compile_error("{{<layout}}\n{{$content}}\n{{/layout}}", "line 3:",
                         "does not match '{{$content}}' opened on line 2");
    expect_compile_error("{{$title}}x", "line 1:", "'{{$title}}' is never closed");
}

static void recursion_is_capped(void **state)
{
    (void)state;
    struct tpl_set *set = tpl_set_new();
    add_ok(set, "loop", "x{{>loop}}");
    add_ok(set, "parent_loop", "{{<parent_loop}}{{/parent_loop}}");
    add_ok(set, "node", "{{n}}{{#kids}}({{>node}}){{/kids}}");
    lerr rc;
    char *got = render1(set, "loop", NULL, &rc);
    assert_int_equal(rc, LE_INTERNAL);
    free(got);
    got = render1(set, "parent_loop", NULL, &rc);
    assert_int_equal(rc, LE_INTERNAL);
    free(got);

    /* Data-driven recursion within the cap is fine: a tree 50 levels deep. */
    json_t *root = json_pack("{s:i}", "n", 0), *cur = root;
    for (int i = 1; i < 50; i++) {
        /* Every node has "kids", or the name would resolve in its parent's context. */
        json_t *kid = json_pack("{s:i, s:[]}", "n", i, "kids");
        json_object_set_new(cur, "kids", json_pack("[O]", kid));
        json_decref(kid);
        cur = kid;
    }
    got = render1(set, "node", root, &rc);
    assert_int_equal(rc, LE_OK);
    assert_true(strncmp(got, "0(1(2(3(", 8) == 0);
    assert_true(strstr(got, "(49)") != NULL);
    free(got);
    json_decref(root);
    tpl_set_free(set);
}

static void output_is_capped(void **state)
{
    (void)state;
    struct tpl_set *set = tpl_set_new();
    add_ok(set, "t", "{{#items}}<li>{{.}}</li>{{/items}}");
    json_t *data = json_pack("{s:[s,s,s,s]}", "items", "one", "two", "three", "four");
    json_t *stack[1] = {data};
    struct buf out;
    buf_init(&out, 20);
    assert_int_equal(tpl_set_render(set, "t", stack, 1, &out), LE_TOOBIG);
    assert_true(out.len <= 20);
    buf_release(&out);
    buf_init(&out, 0);
    assert_int_equal(tpl_set_render(set, "t", stack, 1, &out), LE_OK);
    assert_string_equal(out.data, "<li>one</li><li>two</li><li>three</li><li>four</li>");
    buf_release(&out);
    json_decref(data);
    tpl_set_free(set);
}

/* The shape Lectern's pages use: a page passes blocks to the layout; the context stack has the
 * site chrome at the bottom and the page's model on top. */
static const char layout_src[] =
    "<title>{{$title}}Lectern{{/title}} · {{site.name}}</title>\n"
    "<main>\n"
    "  {{$content}}{{/content}}\n"
    "</main>\n";

static void layout_inheritance(void **state)
{
    (void)state;
    struct tpl_set *set = tpl_set_new();
    /* The page first: parents resolve at render time, so order does not matter. */
    add_ok(set, "users", "{{<layout}}{{$title}}Users{{/title}}{{$content}}<p>{{name}}</p>{{/content}}{{/layout}}");
    add_ok(set, "users_multi",
           "{{<layout}}{{$content}}\n<h1>{{name}}</h1>\n{{#items}}\n<p>{{.}}</p>\n{{/items}}\n{{/content}}{{/layout}}\n");
    add_ok(set, "home", "{{<layout}}{{/layout}}");
    add_ok(set, "layout", layout_src);

    json_t *chrome = json_pack("{s:{s:s}, s:s}", "site", "name", "Acme & Co", "name", "chrome's name");
    json_t *model = json_pack("{s:s, s:[s,s]}", "name", "Ada <admin>", "items", "a", "b");
    json_t *stack[2] = {chrome, model};
    struct buf out;
    buf_init(&out, 0);
    assert_int_equal(tpl_set_render(set, "users", stack, 2, &out), LE_OK);
    assert_string_equal(out.data, "<title>Users · Acme &amp; Co</title>\n"
                                  "<main>\n"
                                  "  <p>Ada &lt;admin&gt;</p>\n"
                                  "</main>\n");
    /* Content on lines of its own takes the indentation of the block in the layout. The
     * line end after "{{/content}}" in the layout stays (the spec's "Standalone block"), so
     * content that ends with a line end leaves an empty line before </main>. */
    buf_reset(&out);
    assert_int_equal(tpl_set_render(set, "users_multi", stack, 2, &out), LE_OK);
    assert_string_equal(out.data, "<title>Lectern · Acme &amp; Co</title>\n"
                                  "<main>\n"
                                  "  <h1>Ada &lt;admin&gt;</h1>\n"
                                  "  <p>a</p>\n"
                                  "  <p>b</p>\n"
                                  "\n"
                                  "</main>\n");
    /* With the block's tags on lines of their own, the layout owns those line ends. */
    add_ok(set, "layout2", "<main>\n  {{$content}}\n  {{/content}}\n</main>\n");
    add_ok(set, "users_multi2",
           "{{<layout2}}\n{{$content}}\n<h1>{{name}}</h1>\n{{#items}}\n<p>{{.}}</p>\n{{/items}}\n"
           "{{/content}}\n{{/layout2}}\n");
    buf_reset(&out);
    assert_int_equal(tpl_set_render(set, "users_multi2", stack, 2, &out), LE_OK);
    assert_string_equal(out.data, "<main>\n"
                                  "  <h1>Ada &lt;admin&gt;</h1>\n"
                                  "  <p>a</p>\n"
                                  "  <p>b</p>\n"
                                  "</main>\n");
    /* Blocks not passed render their defaults; the top of the stack is searched first. */
    buf_reset(&out);
    assert_int_equal(tpl_set_render(set, "home", stack, 1, &out), LE_OK);
    assert_string_equal(out.data, "<title>Lectern · Acme &amp; Co</title>\n<main>\n  \n</main>\n");
    buf_release(&out);

    /* Replacing a template takes effect for everything that includes it. */
    add_ok(set, "layout", "[{{$content}}{{/content}}]");
    lerr rc;
    char *got = render1(set, "users", model, &rc);
    assert_int_equal(rc, LE_OK);
    assert_string_equal(got, "[<p>Ada &lt;admin&gt;</p>]");
    free(got);

    assert_true(tpl_set_has(set, "layout"));
    assert_false(tpl_set_has(set, "nope"));
    got = render1(set, "nope", model, &rc);
    assert_int_equal(rc, LE_NOTFOUND);
    free(got);
    json_decref(chrome);
    json_decref(model);
    tpl_set_free(set);
}

/* A block argument's own parents: a card inside the page content keeps its own title even
 * though the page passes a title to the layout. */
static void nested_parents_keep_their_arguments(void **state)
{
    (void)state;
    struct tpl_set *set = tpl_set_new();
    add_ok(set, "layout", "<h1>{{$title}}Lectern{{/title}}</h1>{{$content}}{{/content}}");
    add_ok(set, "card", "<div><h2>{{$title}}Card{{/title}}</h2>{{$body}}{{/body}}</div>");
    add_ok(set, "page",
           "{{<layout}}{{$title}}Page{{/title}}{{$content}}"
           "{{<card}}{{$body}}one{{/body}}{{/card}}{{<card}}{{$title}}Two{{/title}}{{/card}}"
           "{{/content}}{{/layout}}");
    lerr rc;
    char *got = render1(set, "page", NULL, &rc);
    assert_int_equal(rc, LE_OK);
    assert_string_equal(got, "<h1>Page</h1><div><h2>Card</h2>one</div><div><h2>Two</h2></div>");
    free(got);
    tpl_set_free(set);
}

struct thread_job {
    const struct tpl_set *set;
    json_t *data;
    const char *expected;
    int mismatches;
};

static void *render_many(void *arg)
{
    struct thread_job *job = arg;
    for (int i = 0; i < 300; i++) {
        lerr rc;
        char *got = render1(job->set, "page", job->data, &rc);
        if (rc || strcmp(got, job->expected) != 0) job->mismatches++;
        free(got);
    }
    return NULL;
}

static void renders_from_many_threads(void **state)
{
    (void)state;
    struct tpl_set *set = tpl_set_new();
    add_ok(set, "layout", "<main>\n  {{$content}}\n  {{/content}}\n</main>\n");
    add_ok(set, "row", "<li>{{name}}: {{score}}</li>\n");
    add_ok(set, "page",
           "{{<layout}}{{$content}}\n<ul>\n  {{#people}}\n  {{>row}}\n  {{/people}}\n</ul>\n"
           "{{/content}}{{/layout}}");
    json_t *data = json_pack("{s:[{s:s,s:f},{s:s,s:i}]}", "people", "name", "Ada", "score", 9.5,
                             "name", "Bo", "score", 7);
    const char *expected = "<main>\n  <ul>\n    <li>Ada: 9.5</li>\n    <li>Bo: 7</li>\n  </ul>\n</main>\n";
    lerr rc;
    char *got = render1(set, "page", data, &rc);
    assert_int_equal(rc, LE_OK);
    assert_string_equal(got, expected);
    free(got);

    pthread_t th[4];
    struct thread_job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct thread_job){set, data, expected, 0};
        assert_int_equal(pthread_create(&th[i], NULL, render_many, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(jobs[i].mismatches, 0);
    }
    json_decref(data);
    tpl_set_free(set);
}

/* Every template Lectern ships compiles (run from the repository root). */
static void shipped_templates_compile(void **state)
{
    (void)state;
    FILE *f = popen("find templates -name '*.mustache' 2>/dev/null | sort", "r");
    assert_non_null(f);
    struct tpl_set *set = tpl_set_new();
    char path[512];
    int count = 0;
    while (fgets(path, sizeof path, f)) {
        path[strcspn(path, "\n")] = '\0';
        FILE *tf = fopen(path, "rb");
        assert_non_null(tf);
        char *src = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&src, &len);
        char chunk[4096];
        size_t got;
        while ((got = fread(chunk, 1, sizeof chunk, tf)) > 0) fwrite(chunk, 1, got, mem);
        fclose(mem);
        fclose(tf);
        struct problem p = {0};
        if (tpl_set_add(set, path, src, len, &p)) fail_msg("%s", p.message);
        free(src);
        count++;
    }
    pclose(f);
    tpl_set_free(set);
    print_message("%d shipped templates compiled\n", count);
}

/* Names found in the caller's frames are remembered for the rest of the render; a section's
 * own value must still win wherever it has the name, item by item. */
static void caller_frames_remembered_only_where_no_section_has_the_name(void **state)
{
    (void)state;
    struct tpl_set *set = tpl_set_new();
    add_ok(set, "t", "{{#items}}{{name}}/{{t.x}}/{{#sub}}{{name}}{{/sub}};{{/items}}{{name}}");
    json_t *outer = json_pack("{s:s, s:{s:s}}", "name", "outer", "t", "x", "X");
    json_t *page = json_pack("{s:[{s:s}, {}, {s:s, s:{}}, {s:{s:s}}]}", "items", "name", "a", "name", "c", "sub",
                             "sub", "name", "d");
    json_t *stack[2] = {outer, page};
    struct buf out;
    buf_init(&out, 1 << 20);
    assert_int_equal(tpl_set_render(set, "t", stack, 2, &out), LE_OK);
    assert_string_equal(out.data, "a/X/;outer/X/;c/X/c;outer/X/d;outer");
    buf_release(&out);
    json_decref(outer);
    json_decref(page);
    tpl_set_free(set);
}

int main(void)
{
    int failed = 0;
    for (size_t i = 0; i < sizeof spec_files / sizeof spec_files[0]; i++) failed += run_spec_file(spec_files[i]);

    const struct CMUnitTest own[] = {
        cmocka_unit_test(escapes_html),
        cmocka_unit_test(values_and_truthiness),
        cmocka_unit_test(reals_rounded_for_pages),
        cmocka_unit_test(compile_errors),
        cmocka_unit_test(recursion_is_capped),
        cmocka_unit_test(output_is_capped),
        cmocka_unit_test(layout_inheritance),
        cmocka_unit_test(nested_parents_keep_their_arguments),
        cmocka_unit_test(renders_from_many_threads),
        cmocka_unit_test(shipped_templates_compile),
        cmocka_unit_test(caller_frames_remembered_only_where_no_section_has_the_name),
    };
    failed += cmocka_run_group_tests_name("mustache: Lectern cases", own, NULL, NULL);
    return failed ? 1 : 0;
}
