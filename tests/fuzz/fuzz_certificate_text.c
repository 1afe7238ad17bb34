/* A certificate template's title or text (certificate_template.c, view/certificate_pdf.c): what
 * cert_text_check lets through (valid UTF-8 with only the five placeholders) must always render
 * through Mustache, and what it renders must be pango markup that parses, so a saved template
 * never fails to draw; anything else is refused as bad input naming its field. */
#include <pango/pango.h>
#include "../../src/model/records/records.h"
#include "../../src/view/view.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *vars;
    if (!vars && !(vars = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", "Ana <&> 'Bo' \"Ζωή\"", "course",
                                    "ليلى & 李明", "date", "2026-12-07", "expires", "", "code", "ABCDEFGHJKMNPQRS")))
        fuzz_fail("bad vars");
    char *text = fuzz_text(data, size);
    struct problem p = {0};
    lerr e = g_utf8_validate(text, (gssize)size, NULL) ? cert_text_check(text, "body", &p) : LE_INVALID;
    if (e) {
        if (e != LE_INVALID) fuzz_fail("cert_text_check: %s", lerr_code(e));
        free(text);
        return 0;
    }
    struct buf out;
    buf_init(&out, 1 << 20);
    if ((e = certificate_text(text, vars, &out, &p))) fuzz_fail("a checked text did not render: %s", p.message);
    GError *err = NULL;
    if (!pango_parse_markup(out.data, -1, 0, NULL, NULL, NULL, &err))
        fuzz_fail("not markup: %s: %s", err ? err->message : "", out.data);
    buf_release(&out);
    free(text);
    return 0;
}
