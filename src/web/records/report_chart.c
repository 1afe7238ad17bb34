/* Charts of grouped reports, drawn here as SVG (no script, so the Content-Security-Policy
 * stays as it is): horizontal bars for groups, a line for periods. Each bar and point carries
 * its value as text, so the chart reads without colour; its description names what it shows,
 * and the table beside it is the full text alternative. */
#include <stdio.h>
#include <string.h>
#include "internal.h"

#define CHART_W 640
#define BAR_H 22
#define LABEL_W 220
#define MAX_BARS 40

static const char *esc(struct arena *a, const char *s)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    html_escape(&b, s ? s : "", s ? strlen(s) : 0);
    const char *out = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_release(&b);
    return out;
}

static const char *value_text(struct arena *a, double v, bool percent)
{
    return percent ? arena_sprintf(a, "%.1f%%", v) : arena_sprintf(a, v == (double)(long long)v ? "%.0f" : "%.1f", v);
}

/* The finished SVG in the arena. */
static const char *done(struct arena *a, struct buf *b)
{
    buf_adds(b, "</svg>");
    const char *out = arena_strndup(a, b->data ? b->data : "", b->len);
    buf_release(b);
    return out;
}

static void open_svg(struct arena *a, struct buf *b, int h, const char *title)
{
    buf_init(b, 1 << 22);
    buf_addf(b,
             "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"report-chart\" role=\"img\" viewBox=\"0 0 %d %d\" "
             "aria-labelledby=\"chart-title\"><title id=\"chart-title\">%s</title>",
             CHART_W, h, esc(a, title));
}

static const char *bars(struct arena *a, const char *title, json_t *labels, const double *v, size_t n, double max,
                        bool percent)
{
    struct buf b;
    open_svg(a, &b, (int)n * BAR_H + 10, title);
    for (size_t i = 0; i < n; i++) {
        int y = (int)i * BAR_H + 5, w = max > 0 ? (int)((CHART_W - LABEL_W - 70) * v[i] / max) : 0;
        buf_addf(&b,
                 "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"chart-label\">%s</text><rect x=\"%d\" y=\"%d\" "
                 "width=\"%d\" height=\"%d\" class=\"chart-bar\"/><text x=\"%d\" y=\"%d\" class=\"chart-value\">%s</text>",
                 LABEL_W - 6, y + 15, esc(a, json_string_value(json_array_get(labels, i))), LABEL_W, y + 3, w, BAR_H - 6,
                 LABEL_W + w + 4, y + 15, value_text(a, v[i], percent));
    }
    return done(a, &b);
}

static const char *line(struct arena *a, const char *title, json_t *labels, const double *v, size_t n, double max,
                        bool percent)
{
    const int h = 220, left = 50, bottom = 30, plot_w = CHART_W - left - 20, plot_h = h - bottom - 20;
    struct buf b;
    open_svg(a, &b, h, title);
    buf_addf(&b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"chart-axis\"/><polyline class=\"chart-line\" points=\"",
             left, 20 + plot_h, left + plot_w, 20 + plot_h);
    int *x = arena_alloc(a, sizeof *x * (n + 1)), *y = arena_alloc(a, sizeof *y * (n + 1));
    for (size_t i = 0; i < n; i++) {
        x[i] = left + (n > 1 ? (int)((size_t)plot_w * i / (n - 1)) : plot_w / 2);
        y[i] = 20 + plot_h - (max > 0 ? (int)(plot_h * v[i] / max) : 0);
        buf_addf(&b, "%d,%d ", x[i], y[i]);
    }
    buf_adds(&b, "\"/>");
    for (size_t i = 0; i < n; i++) {
        buf_addf(&b, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" class=\"chart-point\"/>", x[i], y[i]);
        /* Every label when few, else about eight along the axis; each value above its point. */
        if (n <= 12 || i % ((n + 7) / 8) == 0 || i == n - 1)
            buf_addf(&b,
                     "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"chart-label\">%s</text><text x=\"%d\" "
                     "y=\"%d\" text-anchor=\"middle\" class=\"chart-value\">%s</text>",
                     x[i], h - 8, esc(a, json_string_value(json_array_get(labels, i))), x[i], y[i] - 6,
                     value_text(a, v[i], percent));
    }
    return done(a, &b);
}

const char *web_report_chart(struct request *req, json_t *result)
{
    json_t *cols = json_object_get(result, "columns"), *rows = json_object_get(result, "rows");
    if (!json_is_true(json_object_get(result, "grouped")) || !json_array_size(rows)) return NULL;
    const char *group = json_string_value(json_object_get(json_array_get(cols, 0), "key"));
    bool period = str_eq(json_string_value(json_object_get(json_array_get(cols, 0), "type")), "period");
    /* One group key (a second would need stacked bars); the first of these aggregates shown. */
    if (json_array_size(cols) < 2 || json_object_get(json_array_get(cols, 1), "type") == NULL ||
        !str_eq(json_string_value(json_object_get(json_array_get(cols, 1), "type")), "number"))
        return NULL;
    static const char *const prefer[] = {"completion_rate", "average_score", "hours", "count"};
    const char *agg = NULL;
    for (size_t k = 0; k < 4 && !agg; k++)
        if (json_object_get(json_array_get(rows, 0), prefer[k])) agg = prefer[k];
    if (!agg) return NULL;
    size_t n = json_array_size(rows) < MAX_BARS || period ? json_array_size(rows) : MAX_BARS;
    double *v = arena_alloc(req->arena, sizeof *v * (n + 1)), max = 0;
    json_t *labels = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array_get(rows, i);
        v[i] = json_number_value(json_object_get(row, agg));
        if (v[i] > max) max = v[i];
        json_t *k = json_object_get(row, group);
        json_array_append_new(labels, json_string(json_is_string(k) ? json_string_value(k) : T(req, "reports.none")));
    }
    bool percent = str_eq(agg, "completion_rate") || str_eq(agg, "average_score");
    if (percent) max = 100;
    const char *title = arena_sprintf(req->arena, "%s %s %s", web_report_label(req, agg), T(req, "reports.by"),
                                      web_report_label(req, group));
    const char *svg = period ? line(req->arena, title, labels, v, n, max, percent)
                             : bars(req->arena, title, labels, v, n, max, percent);
    json_decref(labels);
    return svg;
}
