/* A report's result for the page: the header in words, each row as cells (times as <time>,
 * numbers rounded, an empty group named), the totals, the pages, the chart and the exports. */
#include <stdio.h>
#include <string.h>
#include "../../core/json_set.h"
#include "internal.h"

/* The builder's own parameters, for links to other pages and to the export. */
static const char *query_without_page(struct request *req)
{
    static const char *const names[] = {"ready",    "source",   "columns", "group_by", "aggregates", "department",
                                        "job_role", "manager",  "course",  "category", "status",     "username",
                                        "range",    "from",     "to",      "sort",     "per_page"};
    const char *pairs[2 * (sizeof names / sizeof names[0]) + 1];
    size_t n = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) pairs[n++] = names[i], pairs[n++] = req_param(req, names[i]);
    pairs[n] = NULL;
    return web_query_string(req, pairs);
}

static json_t *cell_json(struct request *req, json_t *v, const char *type, bool percent)
{
    if (json_is_null(v) || !v) return json_pack("{s:s}", "text", str_eq(type, "period") || str_eq(type, "text") ? T(req, "reports.none") : "");
    if (str_eq(type, "time")) return json_pack("{s:O}", "time", v);
    if (json_is_real(v))
        return json_pack("{s:s, s:b}", "text", arena_sprintf(req->arena, percent ? "%.1f%%" : "%.1f", json_real_value(v)), "number", 1);
    if (json_is_integer(v)) return json_pack("{s:s, s:b}", "text", arena_sprintf(req->arena, "%lld", (long long)json_integer_value(v)), "number", 1);
    return json_pack("{s:s}", "text", json_string_value(v));
}

static json_t *row_cells(struct request *req, json_t *cols, json_t *row)
{
    json_t *cells = json_array();
    size_t k;
    json_t *c;
    json_array_foreach(cols, k, c)
    {
        const char *key = json_string_value(json_object_get(c, "key"));
        bool percent = str_eq(key, "completion_rate") || str_eq(key, "average_score") || str_eq(key, "score");
        json_array_append_new(cells, cell_json(req, json_object_get(row, key), json_string_value(json_object_get(c, "type")), percent));
    }
    return cells;
}

void web_report_result(struct request *req, json_t *m, json_t *result)
{
    json_t *cols = json_object_get(result, "columns"), *header = json_array(), *rows = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(cols, i, x)
        json_array_append_new(header, json_pack("{s:s, s:b}", "label", web_report_label(req, json_string_value(json_object_get(x, "key"))),
                                                "number", str_eq(json_string_value(json_object_get(x, "type")), "number")));
    json_array_foreach(json_object_get(result, "rows"), i, x) json_array_append_new(rows, json_pack("{s:o}", "cells", row_cells(req, cols, x)));
    json_object_set_new(m, "header", header);
    json_object_set_new(m, "table_rows", rows);
    json_t *totals = json_object_get(result, "totals");
    if (json_is_true(json_object_get(result, "grouped"))) {
        json_t *cells = row_cells(req, cols, totals);
        json_object_set_new(json_array_get(cells, 0), "text", json_string(T(req, "reports.total")));
        for (size_t k = 1; k < json_array_size(cols); k++)
            if (!str_eq(json_string_value(json_object_get(json_array_get(cols, k), "type")), "number"))
                json_object_set_new(json_array_get(cells, k), "text", json_string(""));
        json_object_set_new(m, "totals_cells", cells);
    }
    int page = (int)json_integer_value(json_object_get(result, "page")), per = (int)json_integer_value(json_object_get(result, "per_page"));
    int64_t total = json_integer_value(json_object_get(result, "total"));
    const char *q = query_without_page(req);
    if (page > 1) json_object_set_new(m, "prev", json_string(arena_sprintf(req->arena, "/reports/builder?%s&page=%d", q, page - 1)));
    if ((int64_t)page * per < total) json_object_set_new(m, "next", json_string(arena_sprintf(req->arena, "/reports/builder?%s&page=%d", q, page + 1)));
    json_object_set_new(m, "pages", json_integer(total ? (total + per - 1) / per : 1));
    json_object_set_new(m, "csv_href", json_string(arena_sprintf(req->arena, "/reports/export?%s&format=csv", q)));
    json_object_set_new(m, "csv_bom_href", json_string(arena_sprintf(req->arena, "/reports/export?%s&format=csv&bom=1", q)));
    const char *svg = web_report_chart(req, result);
    if (svg) json_object_set_new(m, "chart_svg", json_string(svg));
}
