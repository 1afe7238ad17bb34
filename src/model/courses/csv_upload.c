/* What the course and enrolment uploads share (course_import.c, enrol_import.c): the file
 * read, its header mapped to the upload's columns through a table of names, each row's values
 * with the checks every importer makes alike (a blank line is skipped; a line with more or
 * fewer fields than the header is an error naming the line), located errors, and the count of
 * outcomes. A broken quote is reported as the file's problem, and the rows before it are still
 * checked, so each shows its own problems too. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

static int column_of_name(const struct upload_column *names, size_t n_names, const char *name)
{
    for (size_t k = 0; k < n_names; k++)
        if (str_eq(names[k].name, name)) return names[k].col;
    return -1;
}

static void map_header(struct upload *u, const struct upload_column *names, size_t n_names,
                       struct course_import_result *r)
{
    const struct csv_record *h = &u->doc.records[0];
    for (int c = 0; c < u->n_cols; c++) {
        u->idx[c] = -1;
        u->header[c] = "";
    }
    for (int i = 0; i < h->n; i++) {
        char *name = arena_trim(u->a, h->fields[i]);
        for (char *c = name; *c; c++) *c = (char)tolower((unsigned char)*c);
        int col = column_of_name(names, n_names, name);
        if (col >= 0 && u->idx[col] < 0) {
            u->idx[col] = i;
            u->header[col] = name;
        } else if (*name) {
            json_array_append_new(r->unknown, json_string(h->fields[i]));
        }
    }
}

bool upload_open(struct upload *u, struct arena *a, const char *data, size_t len, const struct upload_column *names,
                 size_t n_names, int n_cols, struct course_import_result *r)
{
    memset(r, 0, sizeof *r);
    memset(u, 0, sizeof *u);
    u->a = a;
    u->n_cols = n_cols;
    r->unknown = json_array();
    struct problem cp = {0};
    if (csv_doc_read(a, data, len, &u->doc, &cp)) {
        r->file_error = arena_sprintf(a, "%s", cp.message);
        r->file_error_line = u->doc.error_line;
        if (!u->doc.partial) return false;
    }
    if (u->doc.n_records < 1) {
        if (!r->file_error) r->file_error = "The file is empty; the first line must name the columns.";
        return false;
    }
    u->idx = arena_alloc(a, sizeof *u->idx * (size_t)n_cols);
    u->header = arena_alloc(a, sizeof *u->header * (size_t)n_cols);
    map_header(u, names, n_names, r);
    r->n_rows = u->doc.n_records - 1;
    r->rows = arena_alloc(a, sizeof *r->rows * (size_t)(r->n_rows ? r->n_rows : 1));
    return true;
}

bool upload_row(struct upload *u, struct course_import_result *r, int k, const char **v)
{
    const struct csv_record *rec = &u->doc.records[k + 1];
    struct course_import_row *row = &r->rows[k];
    row->line = rec->line;
    row->code = "";
    if (csv_record_blank(rec)) {
        row->outcome = "skip";
        row->note = "empty line";
        return false;
    }
    for (int c = 0; c < u->n_cols; c++) {
        const char *s = u->idx[c] >= 0 && u->idx[c] < rec->n ? rec->fields[u->idx[c]] : "";
        v[c] = arena_trim(u->a, s);
    }
    const char *width = csv_record_width_error(u->a, rec, u->doc.records[0].n, u->doc.delimiter);
    if (width) {
        upload_row_error(u->a, row, "", "%s", width);
        return false;
    }
    return true;
}

const char *upload_header(const struct upload *u, int col, const char *fallback)
{
    return *u->header[col] ? u->header[col] : fallback;
}

void upload_row_error(struct arena *a, struct course_import_row *row, const char *column, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct import_issue *n = arena_alloc(a, sizeof *n * (size_t)(row->n_errors + 1));
    if (row->n_errors) memcpy(n, row->errors, sizeof *n * (size_t)row->n_errors);
    n[row->n_errors++] = (struct import_issue){row->line, arena_strdup(a, column ? column : ""), arena_strdup(a, msg)};
    row->errors = n;
}

bool upload_row_has_error(const struct course_import_row *row, const char *column)
{
    for (int i = 0; i < row->n_errors; i++)
        if (str_eq(row->errors[i].column, column)) return true;
    return false;
}

lerr upload_finish(struct db *db, struct course_import_result *r, const char *create_outcome, bool commit,
                   struct problem *p)
{
    for (int k = 0; k < r->n_rows; k++) {
        struct course_import_row *row = &r->rows[k];
        if (row->n_errors) {
            row->outcome = "error";
            r->n_errors++;
        } else if (str_eq(row->outcome, create_outcome)) {
            r->n_create++;
        } else if (str_eq(row->outcome, "unchanged")) {
            r->n_unchanged++;
        } else if (str_eq(row->outcome, "skip")) {
            r->n_skip++;
        } else {
            r->n_update++;
        }
    }
    /* All or nothing: a preview, a file error or any row with an error rolls everything back. */
    bool write = commit && !r->n_errors && !r->file_error;
    lerr e = db_tx_end(db, write ? LE_OK : LE_CONFLICT);
    if (write && e) return problem_set(p, LE_DB, "", "The database could not write the upload; nothing was written.");
    r->committed = write;
    return LE_OK;
}
