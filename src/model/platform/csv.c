/* CSV files in and out, on Debian's libcsv: comma, semicolon or tab (taken from the header
 * line), UTF-8 with or without a byte order mark, quoted fields with embedded delimiters,
 * quotes and newlines. Anything malformed is refused with the line it is on.
 *
 * libcsv reports fields and records but not where they are, so the text is fed to it one
 * physical line at a time: a record starts on the first non-blank line after the previous
 * record ended, and a parse error is on the line being fed. Strict mode makes a stray quote
 * (`O"Brien` unquoted, or text after a closing quote) an error instead of a guess. */
#include <csv.h>
#include <stdlib.h>
#include <string.h>
#include "platform.h"

struct reader {
    struct arena *a;
    /* the record being read */
    char **fields;
    int n_fields, cap_fields;
    bool in_record;
    int record_line;
    bool too_many_fields;
    bool field_too_long;
    /* csv_each: each record goes to each(each_ctx, rec) and its fields live in scratch until
     * it returns; the header's fields (the first record's) live in a */
    csv_record_fn each;
    void *each_ctx;
    struct arena *scratch;
    /* the records so far (csv_doc_read) */
    struct csv_record *records;
    int n_records, cap_records;
    bool too_many_records;
    bool oom;
};

static void on_field(void *data, size_t len, void *ctx)
{
    struct reader *r = ctx;
    if (r->oom || r->too_many_records) return;
    if (len > CSV_MAX_FIELD) r->field_too_long = true;
    if (r->n_fields >= CSV_MAX_FIELDS) {
        r->too_many_fields = true;
        return;
    }
    if (r->n_fields == r->cap_fields) {
        int cap = r->cap_fields ? r->cap_fields * 2 : 16;
        char **f = realloc(r->fields, (size_t)cap * sizeof *f);
        if (!f) {
            r->oom = true;
            return;
        }
        r->fields = f;
        r->cap_fields = cap;
    }
    const char *d = data ? data : "";
    /* An apostrophe that csv_write_field put before a formula-like cell comes off again. */
    if (len >= 2 && d[0] == '\'' && strchr("=+-@\t\r", d[1])) d++, len--;
    struct arena *a = r->each && r->n_records > 0 ? r->scratch : r->a;
    r->fields[r->n_fields++] = arena_strndup(a, d, data ? len : 0);
}

static void on_record(int term, void *ctx)
{
    (void)term;
    struct reader *r = ctx;
    r->in_record = false;
    if (r->oom || r->too_many_records) return;
    if (r->n_records >= CSV_MAX_RECORDS) {
        r->too_many_records = true;
        return;
    }
    if (r->each) {
        struct csv_record rec = {.line = r->record_line, .n = r->n_fields, .fields = r->fields};
        r->each(r->each_ctx, &rec);
        r->n_records++;
        r->n_fields = 0;
        arena_free(r->scratch);
        r->scratch = arena_new(2048);
        return;
    }
    if (r->n_records == r->cap_records) {
        int cap = r->cap_records ? r->cap_records * 2 : 256;
        struct csv_record *rec = realloc(r->records, (size_t)cap * sizeof *rec);
        if (!rec) {
            r->oom = true;
            return;
        }
        r->records = rec;
        r->cap_records = cap;
    }
    struct csv_record *rec = &r->records[r->n_records++];
    rec->line = r->record_line;
    rec->n = r->n_fields;
    rec->fields = arena_alloc(r->a, (size_t)(r->n_fields ? r->n_fields : 1) * sizeof *rec->fields);
    memcpy(rec->fields, r->fields, (size_t)r->n_fields * sizeof *rec->fields);
    r->n_fields = 0;
}

/* Only the space character is trimmed around unquoted fields: libcsv's default also trims
 * tabs, which would eat empty fields of a tab-separated file. */
static int is_space(unsigned char c)
{
    return c == ' ';
}

static int is_term(unsigned char c)
{
    return c == '\r' || c == '\n';
}

/* The delimiter is whichever of , ; TAB occurs most often in the header line outside quotes
 * (a comma when none does: a file with a single column). */
static char detect_delimiter(const char *s, size_t n)
{
    size_t comma = 0, semi = 0, tab = 0;
    bool quoted = false;
    for (size_t i = 0; i < n && s[i] != '\n' && (s[i] != '\r' || quoted); i++) {
        char c = s[i];
        if (c == '"') quoted = !quoted;
        else if (!quoted && c == ',') comma++;
        else if (!quoted && c == ';') semi++;
        else if (!quoted && c == '\t') tab++;
    }
    if (semi > comma && semi >= tab) return ';';
    if (tab > comma && tab > semi) return '\t';
    return ',';
}

static void free_ptr(void *p)
{
    free(p);
}

static bool blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\r' && s[i] != '\n') return false;
    return true;
}

/* What is wrong with the file as a whole (UTF-16, not UTF-8, NUL bytes, empty), before any
 * record is read: a file in another encoding is wrong everywhere. Takes a BOM off. */
static lerr check_text(const char **data_io, size_t *len_io, struct csv_doc *out, struct problem *p)
{
    const char *data = *data_io;
    size_t len = *len_io;
    if (len >= 2 && (((unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xFE) ||
                     ((unsigned char)data[0] == 0xFE && (unsigned char)data[1] == 0xFF))) {
        out->error_line = 1;
        return problem_set(p, LE_INVALID, "file",
                           "The file is UTF-16, not UTF-8: save it as UTF-8 (\"CSV UTF-8\" in a "
                           "spreadsheet) and upload it again.");
    }
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        out->bom = true;
        *data_io = data += 3;
        *len_io = len -= 3;
    }
    /* Encoding first, for the whole file: a file in another encoding is wrong everywhere. */
    int line = 1, bad_line = 0, n_bad = 0, nul_line = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && data[j] != '\n' && data[j] != '\r') j++;
        if (!utf8_valid(data + i, j - i)) {
            if (!bad_line) bad_line = line;
            n_bad++;
        }
        if (!nul_line && memchr(data + i, '\0', j - i)) nul_line = line;
        if (j < len && data[j] == '\r' && j + 1 < len && data[j + 1] == '\n') j++;
        i = j + 1;
        line++;
    }
    if (bad_line) {
        out->error_line = bad_line;
        if (n_bad > 1)
            return problem_set(p, LE_INVALID, "file",
                               "Line %d is not valid UTF-8 (nor are %d more lines): save the file "
                               "as UTF-8 (\"CSV UTF-8\" in a spreadsheet) and upload it again.",
                               bad_line, n_bad - 1);
        return problem_set(p, LE_INVALID, "file",
                           "Line %d is not valid UTF-8: save the file as UTF-8 (\"CSV UTF-8\" in "
                           "a spreadsheet) and upload it again.",
                           bad_line);
    }
    if (nul_line) {
        out->error_line = nul_line;
        return problem_set(p, LE_INVALID, "file",
                           "Line %d holds a NUL byte: this is not a text file. Upload a CSV file.",
                           nul_line);
    }
    if (blank_line(data, len))
        return problem_set(p, LE_INVALID, "file",
                           "The file is empty: it needs a header line naming the columns, then "
                           "one line per person.");

    return LE_OK;
}

/* Feeds the text to libcsv one physical line at a time (see the top of the file). */
static lerr parse_lines(struct reader *r, const char *data, size_t len, struct csv_doc *out, struct problem *p)
{
    out->delimiter = detect_delimiter(data, len);
    struct csv_parser cp;
    if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
        return problem_set(p, LE_NOMEM, "", "out of memory");
    csv_set_delim(&cp, (unsigned char)out->delimiter);
    csv_set_space_func(&cp, is_space);
    csv_set_term_func(&cp, is_term);
    lerr e = LE_OK;
    int line = 1;
    for (size_t i = 0; i < len && !e; line++) {
        size_t j = i;
        while (j < len && data[j] != '\n' && data[j] != '\r') j++;
        if (j < len && data[j] == '\r' && j + 1 < len && data[j + 1] == '\n') j++;
        size_t n = j < len ? j + 1 - i : j - i;
        if (!r->in_record && !blank_line(data + i, n)) {
            r->in_record = true;
            r->record_line = line;
        }
        if (csv_parse(&cp, data + i, n, on_field, on_record, r) != n) {
            out->error_line = line;
            if (csv_error(&cp) == CSV_EPARSE)
                e = problem_set(p, LE_INVALID, "file",
                                "Line %d: a quote is out of place (a quote inside an unquoted "
                                "field, or text after a closing quote). Put the field in double "
                                "quotes and double every quote inside it, like \"O\"\"Brien\".",
                                line);
            else
                e = problem_set(p, LE_NOMEM, "", "out of memory reading the file");
        }
        i += n;
        if (!e && r->oom) e = problem_set(p, LE_NOMEM, "", "out of memory reading the file");
        if (!e && (r->too_many_fields || r->field_too_long || r->too_many_records)) {
            out->error_line = r->in_record ? r->record_line : line;
            if (r->too_many_records)
                e = problem_set(p, LE_TOOBIG, "file",
                                "The file has more than %d lines; split it into several files.",
                                CSV_MAX_RECORDS);
            else if (r->too_many_fields)
                e = problem_set(p, LE_INVALID, "file",
                                "Line %d has more than %d fields; check the delimiter and the "
                                "quotes.",
                                out->error_line, CSV_MAX_FIELDS);
            else
                e = problem_set(p, LE_INVALID, "file",
                                "Line %d has a field longer than %d bytes; check the quotes (an "
                                "unclosed quote swallows the lines after it).",
                                out->error_line, CSV_MAX_FIELD);
        }
    }
    if (!e && csv_fini(&cp, on_field, on_record, r) != 0) {
        out->error_line = r->record_line;
        e = problem_set(p, LE_INVALID, "file",
                        "Line %d: a quoted field starts here and its closing quote is missing "
                        "(unbalanced quotes). Close the quote, or double a quote meant as text.",
                        r->record_line);
    }
    if (!e && r->oom) e = problem_set(p, LE_NOMEM, "", "out of memory reading the file");
    csv_free(&cp);
    return e;
}

static lerr read_file(struct reader *r, const char *data, size_t len, struct csv_doc *out, struct problem *p)
{
    memset(out, 0, sizeof *out);
    lerr e = check_text(&data, &len, out, p);
    if (e) return e;
    e = parse_lines(r, data, len, out, p);
    free(r->fields);
    /* After a quote error the records before it are whole: the importer reports them too. */
    out->partial = e == LE_INVALID && r->n_records > 0 && !r->too_many_fields && !r->field_too_long;
    return e;
}

lerr csv_doc_read(struct arena *a, const char *data, size_t len, struct csv_doc *out,
                  struct problem *p)
{
    struct reader r = {.a = a};
    lerr e = read_file(&r, data, len, out, p);
    if (r.records) arena_defer(a, free_ptr, r.records);
    if (e && !out->partial) return e;
    out->records = r.records;
    out->n_records = r.n_records;
    return e;
}

lerr csv_each(struct arena *a, const char *data, size_t len, csv_record_fn each, void *ctx, struct csv_doc *out,
              struct problem *p)
{
    struct reader r = {.a = a, .each = each, .each_ctx = ctx, .scratch = arena_new(2048)};
    lerr e = read_file(&r, data, len, out, p);
    arena_free(r.scratch);
    out->n_records = r.n_records;
    return e;
}

bool csv_record_blank(const struct csv_record *rec)
{
    for (int i = 0; i < rec->n; i++)
        for (const char *s = rec->fields[i]; *s; s++)
            if (*s != ' ' && *s != '\t') return false;
    return true;
}

const char *csv_record_width_error(struct arena *a, const struct csv_record *rec, int n_header, char delimiter)
{
    const char *shown = delimiter == '\t' ? "tab" : delimiter == ';' ? "';'" : "','";
    if (rec->n > n_header)
        return arena_sprintf(a,
                             "Line %d has %d fields but the header has %d: a field holds the delimiter %s "
                             "without quotes. Put that field in double quotes.",
                             rec->line, rec->n, n_header, shown);
    if (rec->n < n_header)
        return arena_sprintf(a,
                             "Line %d has %d fields but the header has %d: the line is cut short. Give every "
                             "column a field, empty ones too (separated by %s).",
                             rec->line, rec->n, n_header, shown);
    return NULL;
}

/* ---- Writing ---- */

/* A cell a spreadsheet would run as a formula: it starts with = + - @, a tab or a carriage
 * return, and is not simply a number (a negative mark stays a number). */
static bool formula_like(const char *s)
{
    if (!strchr("=+-@\t\r", s[0]) || !s[0]) return false;
    const char *d = s + (s[0] == '-' || s[0] == '+');
    if (!*d) return true;
    bool dot = false;
    for (; *d; d++) {
        if (*d == '.' && !dot) dot = true;
        else if (*d < '0' || *d > '9') return true;
    }
    return false;
}

/* Cells are neutralised as OWASP advises: a formula-like cell gets a leading apostrophe, which
 * spreadsheets show as text and csv_doc_read takes off again, so Lectern's own exports read
 * back unchanged. */
lerr csv_write_field(struct buf *b, const char *s, char delimiter)
{
    if (formula_like(s)) {
        struct buf t;
        buf_init(&t, strlen(s) + 2);
        lerr e = buf_add(&t, "'", 1);
        if (!e) e = buf_add(&t, s, strlen(s));
        if (!e) e = csv_write_field(b, t.data, delimiter);
        buf_release(&t);
        return e;
    }
    size_t n = strlen(s);
    bool quote = n && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == '"' || s[i] == delimiter || s[i] == '\n' || s[i] == '\r';
    if (!quote) return buf_add(b, s, n);
    /* libcsv's writer doubles the quotes and adds the outer ones. */
    size_t cap = 2 * n + 2;
    char *tmp = malloc(cap);
    if (!tmp) return LE_NOMEM;
    size_t w = csv_write(tmp, cap, s, n);
    lerr e = buf_add(b, tmp, w);
    free(tmp);
    return e;
}
