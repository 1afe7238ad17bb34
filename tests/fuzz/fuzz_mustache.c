/* Mustache templates: tpl_set_add compiles the input as template "main" (text after a line
 * "--partial--" becomes the partial "p" instead), then it renders against a model with text
 * to escape, numbers, lists and nested objects, beside a parent and a partial of the site's
 * shape. Compiling bad syntax is an error naming its line; rendering fails only on the output
 * cap or on partials nested past the engine's limit; values are escaped unless a tag says not. */
#include "../../src/view/view.h"
#include "fuzz.h"

#define SPLIT "\n--partial--\n"

static const char model_json[] =
    "{\"name\": \"Ada <Admin> & 'co'\", \"html\": \"<b>bold</b>\", \"n\": 3, \"zero\": 0,"
    " \"real\": 60.7142857, \"yes\": true, \"no\": false, \"none\": null, \"empty\": \"\","
    " \"list\": [{\"name\": \"one\", \"n\": 1}, {\"name\": \"two\", \"list\": [1, 2]}],"
    " \"words\": [\"a\", \"b\"], \"nested\": {\"deeper\": {\"name\": \"deep\"}},"
    " \"t\": {\"nav\": {\"home\": \"Home\"}}}";

static void add(struct tpl_set *set, const char *name, const char *src, size_t len)
{
    struct problem p = {0};
    lerr e = tpl_set_add(set, name, src, len, &p);
    fuzz_expect_clean(e, &p, "tpl_set_add");
    if (e && !strstr(p.message, "line")) fuzz_fail("compile error names no line: %s", p.message);
}

/* Values are escaped by default: a template with no raw tag ({{{ }}} or &), no delimiter
 * change (=) and no < of its own can put "<Admin>" (the model's name) out only unescaped. */
static bool escapes_everything(const char *src, size_t size)
{
    return !memchr(src, '&', size) && !memchr(src, '=', size) && !memchr(src, '<', size) &&
           !memmem(src, size, "{{{", 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *model;
    if (!model && !(model = json_loads(model_json, 0, NULL))) fuzz_fail("bad model");
    const char *src = (const char *)data;
    const char *split = memmem(src, size, SPLIT, strlen(SPLIT));
    size_t main_len = split ? (size_t)(split - src) : size;

    struct tpl_set *set = tpl_set_new();
    static const char layout[] = "<main>{{$body}}default {{name}}{{/body}}</main>";
    static const char row[] = "<li>{{name}}: {{{html}}} {{#list}}{{>row}}{{/list}}</li>";
    add(set, "layout", layout, strlen(layout));
    add(set, "row", row, strlen(row));
    if (split) {
        const char *part = split + strlen(SPLIT);
        add(set, "p", part, size - (size_t)(part - src));
    }
    add(set, "main", src, main_len);
    tpl_set_round_reals(set, size % 3);
    if (tpl_set_has(set, "main")) {
        struct buf out;
        buf_init(&out, 1 << 20);
        json_t *stack[] = {model};
        lerr e = tpl_set_render(set, "main", stack, 1, &out);
        if (e && e != LE_TOOBIG && e != LE_INTERNAL)
            fuzz_fail("rendering failed: %s", lerr_code(e));
        if (!e && out.data && !utf8_valid(out.data, out.len) && utf8_valid(src, size))
            fuzz_fail("a UTF-8 template rendered text that is not UTF-8");
        if (!e && out.data && strstr(out.data, "<Admin>") && escapes_everything(src, size))
            fuzz_fail("{{name}} was not escaped:\n%s", out.data);
        buf_release(&out);
    }
    tpl_set_free(set);
    return 0;
}
