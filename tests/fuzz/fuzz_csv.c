/* CSV files (user, course and enrolment uploads): csv_doc_read, then each field it read
 * written back with csv_write_field and read again, which must give the same text: Lectern's
 * own exports read back unchanged (csv.c). */
#include "../../src/model/platform/platform.h"
#include "fuzz.h"

/* field as the first cell of a data line under a two-column header, read back. */
static void round_trip(struct arena *a, const char *field, char delimiter)
{
    struct buf b;
    buf_init(&b, 4 * CSV_MAX_FIELD);
    char head[] = {'a', delimiter, 'b', '\n', '\0'};
    if (buf_add(&b, head, 4) || csv_write_field(&b, field, delimiter) || buf_addc(&b, delimiter) ||
        buf_add(&b, "x\n", 2))
        fuzz_fail("csv_write_field failed on a field csv_doc_read gave");
    struct csv_doc d;
    struct problem p = {0};
    if (csv_doc_read(a, b.data, b.len, &d, &p))
        fuzz_fail("a written field does not read back: %s\n%s", p.message, b.data);
    if (d.delimiter != delimiter || d.n_records != 2 || d.records[1].n != 2 ||
        strcmp(d.records[1].fields[0], field) || strcmp(d.records[1].fields[1], "x"))
        fuzz_fail("field \"%s\" reads back as \"%s\" from:\n%s", field,
                  d.n_records == 2 && d.records[1].n ? d.records[1].fields[0] : "(nothing)", b.data);
    buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new(0);
    struct csv_doc d;
    struct problem p = {0};
    lerr e = csv_doc_read(a, (const char *)data, size, &d, &p);
    fuzz_expect_clean(e, &p, "csv_doc_read");
    int last_line = 0;
    for (int i = 0; !e && i < d.n_records; i++) {
        const struct csv_record *r = &d.records[i];
        if (r->line <= last_line || r->n < 1 || r->n > CSV_MAX_FIELDS)
            fuzz_fail("record %d: line %d after %d, %d fields", i, r->line, last_line, r->n);
        last_line = r->line;
        for (int k = 0; k < r->n; k++) {
            if (!utf8_valid(r->fields[k], strlen(r->fields[k]))) fuzz_fail("a field is not UTF-8");
            round_trip(a, r->fields[k], d.delimiter);
        }
    }
    arena_free(a);
    return 0;
}
