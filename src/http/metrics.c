/* Request counters for /metrics: requests by route and status, a latency histogram and the
 * database queries each route ran, plus open connections.
 *
 * Why per-thread shards: every request passes here, so counting must not add a lock or a
 * contended cache line to the hot path. Each server thread gets its own shard the first time
 * it answers (the only time a lock is taken) and is the only writer of it; a counter update is
 * a relaxed load and store of a word the thread already owns. The /metrics handler adds the
 * shards up; relaxed atomics make those cross-thread reads well defined, and a sum that is a
 * request or two behind is fine for a monitor.
 *
 * Slots: one per entry of the route table (so the label is the pattern, never the raw path,
 * and the number of series is bounded), one for static files and one for requests that
 * matched no route. A route table bound later (tests start several servers) gets fresh
 * shards; the old ones are kept, stale, for threads that may still hold them. */
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static const int status_codes[] = {200, 201, 204, 301, 302, 303, 304, 400, 401, 403,
                                   404, 405, 409, 413, 422, 429, 500, 503};
#define N_STATUS (sizeof status_codes / sizeof status_codes[0] + 1) /* last: any other */

/* Upper bounds of the latency buckets in microseconds; the last bucket is +Inf. */
static const uint64_t bucket_us[] = {250,    500,    1000,   2500,    5000,    10000,  25000,
                                     50000,  100000, 250000, 500000, 1000000, 2500000, 10000000};
#define N_BUCKETS (sizeof bucket_us / sizeof bucket_us[0] + 1)

struct slot {
    _Atomic uint64_t status[N_STATUS];
    _Atomic uint64_t bucket[N_BUCKETS]; /* not cumulative here; summed when written */
    _Atomic uint64_t micros;            /* latency sum */
    _Atomic uint64_t queries;           /* database queries run by these requests */
};

struct shard {
    struct shard *next;
    unsigned generation;
    const struct route *routes;   /* the table bound when the shard was made */
    size_t n_slots;
    struct slot slots[];
};

static struct {
    pthread_mutex_t lock;             /* shard list and binding; never on the hot path */
    struct shard *shards;
    const struct route *routes;
    size_t n_routes;
    _Atomic unsigned generation;
    _Atomic int64_t open_connections;
    _Atomic uint64_t connections;
} m = {.lock = PTHREAD_MUTEX_INITIALIZER};

static _Thread_local struct shard *my_shard;

void metrics_bind(const struct route *routes, size_t n)
{
    pthread_mutex_lock(&m.lock);
    if (m.routes != routes || m.n_routes != n) {
        m.routes = routes;
        m.n_routes = n;
        atomic_fetch_add(&m.generation, 1);
    }
    pthread_mutex_unlock(&m.lock);
}

static struct shard *shard_for_thread(void)
{
    unsigned gen = atomic_load_explicit(&m.generation, memory_order_acquire);
    struct shard *s = my_shard;
    if (s && s->generation == gen) return s;
    pthread_mutex_lock(&m.lock);
    size_t n_slots = m.n_routes + 2;
    s = calloc(1, sizeof *s + n_slots * sizeof s->slots[0]);
    if (s) {
        s->generation = atomic_load(&m.generation);
        s->routes = m.routes;
        s->n_slots = n_slots;
        s->next = m.shards;
        m.shards = s;
    }
    pthread_mutex_unlock(&m.lock);
    my_shard = s;
    return s;
}

/* Single writer: a relaxed load and store, no read-modify-write bus lock. */
static inline void bump(_Atomic uint64_t *c, uint64_t by)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + by,
                          memory_order_relaxed);
}

static size_t status_index(int status)
{
    for (size_t i = 0; i < N_STATUS - 1; i++)
        if (status_codes[i] == status) return i;
    return N_STATUS - 1;
}

void metrics_record(const struct route *route, enum metrics_kind kind, int status, double ms,
                    uint64_t nqueries)
{
    struct shard *s = shard_for_thread();
    if (!s) return;
    size_t idx;
    if (kind == METRICS_STATIC)
        idx = s->n_slots - 2;
    else if (route && s->routes && route >= s->routes && (size_t)(route - s->routes) < s->n_slots - 2)
        idx = (size_t)(route - s->routes);
    else
        idx = s->n_slots - 1;
    struct slot *sl = &s->slots[idx];
    bump(&sl->status[status_index(status)], 1);
    uint64_t us = ms > 0 ? (uint64_t)(ms * 1000.0) : 0;
    size_t b = 0;
    while (b < N_BUCKETS - 1 && us > bucket_us[b]) b++;
    bump(&sl->bucket[b], 1);
    bump(&sl->micros, us);
    if (nqueries) bump(&sl->queries, nqueries);
}

void metrics_connection(bool opened)
{
    if (opened) {
        atomic_fetch_add_explicit(&m.open_connections, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&m.connections, 1, memory_order_relaxed);
    } else {
        atomic_fetch_sub_explicit(&m.open_connections, 1, memory_order_relaxed);
    }
}

/* ---- writing ---- */

/* A label value: backslash, double quote and line feed escaped, as the text format wants. */
static void add_label(struct buf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"') {
            buf_addc(out, '\\');
            buf_addc(out, *s);
        } else if (*s == '\n') {
            buf_adds(out, "\\n");
        } else {
            buf_addc(out, *s);
        }
    }
}

static void add_labels(struct buf *out, const char *method, const char *route)
{
    buf_adds(out, "method=\"");
    add_label(out, method);
    buf_adds(out, "\",route=\"");
    add_label(out, route);
    buf_addc(out, '"');
}

static void slot_names(size_t i, size_t n_slots, const char **method, const char **route)
{
    if (i == n_slots - 2) {
        *method = "GET";
        *route = "/static/*";
    } else if (i == n_slots - 1) {
        *method = "";
        *route = "(unmatched)";
    } else {
        *method = m.routes[i].method;
        *route = m.routes[i].pattern;
    }
}

/* Microseconds as seconds without trailing zeros: 2500 -> "0.0025", 1000000 -> "1". */
static void add_seconds(struct buf *out, uint64_t us)
{
    char frac[8];
    snprintf(frac, sizeof frac, "%06llu", (unsigned long long)(us % 1000000));
    size_t n = strlen(frac);
    while (n && frac[n - 1] == '0') frac[--n] = '\0';
    buf_addf(out, "%llu%s%s", (unsigned long long)(us / 1000000), n ? "." : "", frac);
}

lerr http_metrics_write(struct buf *out)
{
    pthread_mutex_lock(&m.lock);
    unsigned gen = atomic_load(&m.generation);
    size_t n_slots = m.n_routes + 2;
    struct slot *sum = calloc(n_slots, sizeof *sum);
    if (!sum) {
        pthread_mutex_unlock(&m.lock);
        return LE_NOMEM;
    }
    /* Plain copies of the sums (struct slot's fields are atomics: read them one by one). */
    for (struct shard *s = m.shards; s; s = s->next) {
        if (s->generation != gen) continue;
        for (size_t i = 0; i < n_slots && i < s->n_slots; i++) {
            struct slot *a = &sum[i], *b = &s->slots[i];
            for (size_t k = 0; k < N_STATUS; k++)
                a->status[k] += atomic_load_explicit(&b->status[k], memory_order_relaxed);
            for (size_t k = 0; k < N_BUCKETS; k++)
                a->bucket[k] += atomic_load_explicit(&b->bucket[k], memory_order_relaxed);
            a->micros += atomic_load_explicit(&b->micros, memory_order_relaxed);
            a->queries += atomic_load_explicit(&b->queries, memory_order_relaxed);
        }
    }

    buf_adds(out, "# HELP lectern_http_requests_total HTTP requests answered, by route pattern, "
                  "method and status.\n# TYPE lectern_http_requests_total counter\n");
    for (size_t i = 0; i < n_slots; i++) {
        const char *method, *route;
        slot_names(i, n_slots, &method, &route);
        for (size_t k = 0; k < N_STATUS; k++) {
            uint64_t v = sum[i].status[k];
            if (!v) continue;
            buf_adds(out, "lectern_http_requests_total{");
            add_labels(out, method, route);
            if (k < N_STATUS - 1)
                buf_addf(out, ",status=\"%d\"} %llu\n", status_codes[k], (unsigned long long)v);
            else
                buf_addf(out, ",status=\"other\"} %llu\n", (unsigned long long)v);
        }
    }

    buf_adds(out, "# HELP lectern_http_request_duration_seconds Time to produce an answer, by "
                  "route.\n# TYPE lectern_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < n_slots; i++) {
        uint64_t count = 0;
        for (size_t k = 0; k < N_BUCKETS; k++) count += sum[i].bucket[k];
        if (!count) continue;
        const char *method, *route;
        slot_names(i, n_slots, &method, &route);
        uint64_t cum = 0;
        for (size_t k = 0; k < N_BUCKETS; k++) {
            cum += sum[i].bucket[k];
            buf_adds(out, "lectern_http_request_duration_seconds_bucket{");
            add_labels(out, method, route);
            buf_adds(out, ",le=\"");
            if (k < N_BUCKETS - 1)
                add_seconds(out, bucket_us[k]);
            else
                buf_adds(out, "+Inf");
            buf_addf(out, "\"} %llu\n", (unsigned long long)cum);
        }
        buf_adds(out, "lectern_http_request_duration_seconds_sum{");
        add_labels(out, method, route);
        buf_adds(out, "} ");
        add_seconds(out, sum[i].micros);
        buf_adds(out, "\nlectern_http_request_duration_seconds_count{");
        add_labels(out, method, route);
        buf_addf(out, "} %llu\n", (unsigned long long)count);
    }

    buf_adds(out, "# HELP lectern_http_request_queries_total Database queries run by requests, "
                  "by route.\n# TYPE lectern_http_request_queries_total counter\n");
    for (size_t i = 0; i < n_slots - 2; i++) {
        uint64_t count = 0;
        for (size_t k = 0; k < N_BUCKETS; k++) count += sum[i].bucket[k];
        if (!count) continue;
        const char *method, *route;
        slot_names(i, n_slots, &method, &route);
        buf_adds(out, "lectern_http_request_queries_total{");
        add_labels(out, method, route);
        buf_addf(out, "} %llu\n", (unsigned long long)sum[i].queries);
    }
    pthread_mutex_unlock(&m.lock);
    free(sum);

    buf_addf(out,
             "# HELP lectern_http_open_connections Client connections open now.\n"
             "# TYPE lectern_http_open_connections gauge\n"
             "lectern_http_open_connections %lld\n"
             "# HELP lectern_http_connections_total Client connections accepted.\n"
             "# TYPE lectern_http_connections_total counter\n"
             "lectern_http_connections_total %llu\n",
             (long long)atomic_load(&m.open_connections),
             (unsigned long long)atomic_load(&m.connections));
    return LE_OK;
}
