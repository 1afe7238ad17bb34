/* Multi-row INSERTs through prepared statements (internal.h): the bulk loaders of `lectern
 * bench-data` and an attempt's answer rows go through bulk_insert_batched.
 *
 * Why multi-row statements: one row per statement costs a round trip each on PostgreSQL and
 * a VDBE program run each on SQLite; as many rows per statement as the engines' 99
 * placeholders allow (11 users, 19 sessions) cut both by that factor. The SQL holds
 * placeholders only (its shape depends on the row count, never on the data), so every value
 * is still bound, and each shape is prepared once per connection and cached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* Placeholders per statement: the engines accept ?1 to ?99. */
#define MAX_PARAMS 99

/* The number of values a row template takes: its largest ?k. */
static int row_params(const char *row)
{
    int max = 0;
    for (const char *p = strchr(row, '?'); p; p = strchr(p + 1, '?')) {
        int k = atoi(p + 1);
        if (k > max) max = k;
    }
    return max;
}

/* Appends a row template with each ?k moved to ?(first + k - 1). */
static lerr add_row(struct buf *b, const char *row, int first)
{
    lerr e = LE_OK;
    for (const char *p = row; *p && !e; p++) {
        if (*p != '?') {
            e = buf_addc(b, *p);
            continue;
        }
        char *end;
        e = buf_addf(b, "?%ld", first + strtol(p + 1, &end, 10) - 1);
        p = end - 1;
    }
    return e;
}

/* Why a row template rather than plain placeholders: SQL literals and a value used twice
 * (created_at = updated_at) take no placeholder, so more rows fit in a statement. */
lerr bulk_insert_batched(struct db *db, const char *head, const char *row, size_t n,
                         bulk_bind_fn bind, const void *rows)
{
    int per_row = row_params(row);
    size_t batch = MAX_PARAMS / (size_t)per_row;
    struct buf sql;
    buf_init(&sql, 64 * 1024);
    lerr e = LE_OK;
    for (size_t off = 0; off < n && !e; off += batch) {
        size_t k = n - off < batch ? n - off : batch;
        buf_reset(&sql);
        e = buf_adds(&sql, head);
        for (size_t r = 0; r < k && !e; r++) {
            if (r) e = buf_adds(&sql, ", ");
            if (!e) e = add_row(&sql, row, (int)r * per_row + 1);
        }
        if (e) break;
        struct db_stmt *st = db_prepare(db, sql.data);
        if (!st) {
            e = LE_DB;
            break;
        }
        for (size_t r = 0; r < k; r++) bind(st, (int)r * per_row + 1, rows, off + r);
        e = bulk_step_done(st);
    }
    buf_release(&sql);
    return e;
}

void bulk_bind_opt_int(struct db_stmt *st, int idx, int64_t v)
{
    if (v)
        db_bind_int(st, idx, v);
    else
        db_bind_null(st, idx);
}

lerr bulk_step_done(struct db_stmt *st)
{
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE || rc == DB_ROW ? LE_OK : rc == DB_CONSTRAINT ? LE_CONFLICT : LE_DB;
}

lerr bulk_step_id(struct db_stmt *st, int64_t *id_out)
{
    int rc = db_step(st);
    if (rc == DB_ROW) *id_out = db_col_int(st, 0);
    db_done(st);
    return rc == DB_ROW ? LE_OK : rc == DB_CONSTRAINT ? LE_CONFLICT : LE_DB;
}
