/* The error enum's names and HTTP statuses, and struct problem. */
#include <stdio.h>
#include <string.h>
#include "core.h"

static const struct {
    const char *code;
    int http;
} error_table[] = {
    [LE_OK] = {"ok", 200},
    [LE_NOMEM] = {"out_of_memory", 503},
    [LE_INVALID] = {"invalid", 422},
    [LE_NOTFOUND] = {"not_found", 404},
    [LE_CONFLICT] = {"conflict", 409},
    [LE_AUTH] = {"unauthorized", 401},
    [LE_FORBIDDEN] = {"forbidden", 403},
    [LE_TOOBIG] = {"too_large", 413},
    [LE_RATELIMIT] = {"rate_limited", 429},
    [LE_DB] = {"database_error", 500},
    [LE_IO] = {"io_error", 500},
    [LE_SCHEMA] = {"schema_mismatch", 500},
    [LE_INTERNAL] = {"internal_error", 500},
};

const char *lerr_code(lerr e)
{
    if ((size_t)e >= sizeof error_table / sizeof error_table[0]) return "internal_error";
    return error_table[e].code;
}

int lerr_http_status(lerr e)
{
    if ((size_t)e >= sizeof error_table / sizeof error_table[0]) return 500;
    return error_table[e].http;
}

lerr problem_set(struct problem *p, lerr code, const char *field, const char *fmt, ...)
{
    if (!p) return code;
    p->code = code;
    p->reason[0] = '\0';
    snprintf(p->field, sizeof p->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof p->message, fmt, ap);
    va_end(ap);
    return code;
}
