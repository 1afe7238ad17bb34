/* GET /metrics: Prometheus text format. The HTTP layer's request counters, then what only the
 * web layer can see: database queries, the job queue and this process's memory.
 *
 * Who may read it is decided by the route table like any page (CAP_METRICS_VIEW: administrators,
 * or a request carrying the configured metrics token, which hook_begin in app.c turns into the
 * metrics-scraper principal). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define METRICS_MAX (4u * 1024 * 1024)
#define METRICS_TOKEN_MIN 16

lerr web_set_metrics_token(const char *token, struct problem *p)
{
    if (token && !*token) token = NULL;
    if (token && strlen(token) < METRICS_TOKEN_MIN)
        return problem_set(p, LE_INVALID, "metrics-token",
                           "the metrics token must be at least %d characters; generate one with "
                           "e.g. 'openssl rand -hex 32'",
                           METRICS_TOKEN_MIN);
    web_app.metrics_token = token;
    return LE_OK;
}

/* VmRSS and VmHWM from /proc/self/status in bytes (0 when unknown). */
static void process_memory(uint64_t *rss, uint64_t *hwm)
{
    *rss = *hwm = 0;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        unsigned long long kb;
        if (sscanf(line, "VmRSS: %llu kB", &kb) == 1) *rss = kb * 1024;
        else if (sscanf(line, "VmHWM: %llu kB", &kb) == 1) *hwm = kb * 1024;
    }
    fclose(f);
}

void h_metrics(struct request *req, struct response *res)
{
    struct buf out;
    buf_init(&out, METRICS_MAX);
    if (http_metrics_write(&out)) {
        buf_release(&out);
        res_error(res, LE_NOMEM, NULL, "The metrics could not be gathered; try again");
        return;
    }
    /* The pool counts a connection's queries when it is put back, so the request answering
     * now is not in it yet. */
    buf_addf(&out,
             "# HELP lectern_db_queries_total Database statements run by web requests.\n"
             "# TYPE lectern_db_queries_total counter\n"
             "lectern_db_queries_total %llu\n",
             (unsigned long long)db_pool_total_queries(web_app.pool));
    int64_t queued, running, failed;
    if (stats_jobs(req->db, &queued, &running, &failed) == LE_OK)
        buf_addf(&out,
                 "# HELP lectern_jobs Background jobs by state (failed: gave up after their "
                 "last attempt).\n"
                 "# TYPE lectern_jobs gauge\n"
                 "lectern_jobs{state=\"queued\"} %lld\n"
                 "lectern_jobs{state=\"running\"} %lld\n"
                 "lectern_jobs{state=\"failed\"} %lld\n",
                 (long long)queued, (long long)running, (long long)failed);
    uint64_t rss, hwm;
    process_memory(&rss, &hwm);
    buf_addf(&out,
             "# HELP process_resident_memory_bytes Resident memory of this process.\n"
             "# TYPE process_resident_memory_bytes gauge\n"
             "process_resident_memory_bytes %llu\n"
             "# HELP lectern_process_peak_resident_memory_bytes Peak resident memory (VmHWM).\n"
             "# TYPE lectern_process_peak_resident_memory_bytes gauge\n"
             "lectern_process_peak_resident_memory_bytes %llu\n",
             (unsigned long long)rss, (unsigned long long)hwm);
    res->body_len = out.len;
    res->body = buf_detach(&out);
    res->body_owned = res->body != NULL;
    if (!res->body) res->body = "";
    res->content_type = "text/plain; version=0.0.4; charset=utf-8";
    res_header(res, "Cache-Control", "no-store");
    buf_release(&out);
}
