/* GIFT question files (question import): gift_parse, then the questions it read written with
 * gift_write and parsed again, which must give the same questions (gift.c promises
 * gift_parse(gift_write(qs)) == qs, so an export imports back unchanged). */
#include "../../src/model/assessments/assessments.h"
#include "fuzz.h"

static void round_trip(json_t *questions)
{
    char *text = gift_write(questions);
    if (!text) fuzz_fail("gift_write failed");
    struct gift_file again;
    struct problem p = {0};
    if (gift_parse(text, strlen(text), &again, &p)) fuzz_fail("written GIFT: %s", p.message);
    if (again.n != json_array_size(questions) || again.n_errors)
        fuzz_fail("%zu questions wrote as %zu (%zu with errors: %s):\n%s",
                  json_array_size(questions), again.n, again.n_errors,
                  again.n ? again.entries[0].error : "", text);
    for (size_t i = 0; i < again.n; i++) {
        json_t *want = json_array_get(questions, i), *got = again.entries[i].question;
        if (!json_equal(want, got)) {
            char *w = json_dumps(want, JSON_SORT_KEYS), *g = json_dumps(got, JSON_SORT_KEYS);
            fuzz_fail("question %zu changed on the way:\n  %s\nread back as\n  %s\nfrom:\n%s", i,
                      w, g, text);
        }
    }
    gift_file_free(&again);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gift_file f;
    struct problem p = {0};
    lerr e = gift_parse((const char *)data, size, &f, &p);
    fuzz_expect_clean(e, &p, "gift_parse");
    if (e) return 0;
    json_t *questions = json_array();
    size_t n_errors = 0;
    for (size_t i = 0; i < f.n; i++) {
        const struct gift_entry *g = &f.entries[i];
        if (g->question) {
            json_array_append(questions, g->question);
            continue;
        }
        n_errors++;
        if (strncmp(g->error, "line ", 5) != 0)
            fuzz_fail("entry %zu: error \"%s\" does not name its line", i, g->error);
    }
    if (n_errors != f.n_errors) fuzz_fail("%zu errors counted as %zu", n_errors, f.n_errors);
    round_trip(questions);
    json_decref(questions);
    gift_file_free(&f);
    return 0;
}
