/* lectern serve: the web server. On first start it creates the administrator account and
 * prints its one-time password. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "../http/http.h"
#include "../jobs/jobs.h"
#include "../web/web.h"
#include "../web/platform/platform.h"
#include "../model/people/people.h"

static const char usage[] =
    "usage: lectern serve [--listen HOST:PORT] [--threads N] [--secure-cookies] [--quiet]\n"
    "\n"
    "Serves Lectern over HTTP until SIGTERM or SIGINT, then finishes the requests in flight.\n"
    "\n"
    "  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080; env LECTERN_LISTEN)\n"
    "  --threads N          worker threads (default: one per core)\n"
    "  --secure-cookies     mark cookies Secure (when a TLS proxy sits in front)\n"
    "  --trusted-proxy ADDRS  comma-separated proxy addresses whose X-Forwarded-For names the\n"
    "                       client (env LECTERN_TRUSTED_PROXY); e.g. 127.0.0.1 behind a local nginx\n"
    "  --quiet              no access log lines\n"
    "  --lockout-threshold N, --lockout-window SECONDS  failed passwords of an account within\n"
    "                       the window after which each failure makes it wait (default 5, 86400)\n"
    "  --lockout-first-delay SECONDS, --lockout-duration SECONDS\n"
    "                       the first wait, doubled at each failure up to the longest (60, 900)\n"
    "  --signin-limit N, --signin-limit-window SECONDS\n"
    "                       failed sign-ins one client address may make within the window\n"
    "                       before it must wait (default 20 within 300 s)\n"
    "  --session-idle SECONDS, --session-absolute SECONDS\n"
    "                       session expiry (default 7200 idle, 43200 absolute)\n"
    "  --job-workers N      background job workers on this node (default 2; 0 = none)\n"
    "  --job-lease SECONDS  how long a claimed job stays with a worker that stops answering\n"
    "                       before another node takes it over (default 60)\n"
    "  --job-poll MS        how often an idle worker looks for work (default 1000)\n"
    "  --node-name NAME     this node's name in job leases and logs (default HOST:PID;\n"
    "                       env LECTERN_NODE_NAME)\n"
    "  --reset-link-lifetime SECONDS  how long a password-reset link works (default 1800)\n"
    "  --impersonation-lifetime SECONDS  how long a \"log in as\" session lasts at most (default 3600)\n"
    "  --mail-attempts N    tries to send a message before it is marked failed (default 8)\n"
    "  --max-connections N  connections in all (default 10000; the open-file limit is raised to fit)\n"
    "  --max-connections-per-ip N  connections one client address may hold (default 256;\n"
    "                       the --trusted-proxy addresses are exempt)\n"
    "  --first-request-timeout SECONDS  a connection that sends no complete request within\n"
    "                       this time is closed (default 10; then 30 s idle between requests)\n"
    "  --metrics-token TOKEN  lets a monitor read /metrics with 'Authorization: Bearer TOKEN'\n"
    "                       (at least 16 characters; env LECTERN_METRICS_TOKEN, which keeps it\n"
    "                       out of the process list); administrators may always read it\n";

static bool parse_listen(const char *s, char *host, size_t host_len, int *port)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= host_len) return false;
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || p < 1 || p > 65535) return false;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    *port = (int)p;
    return true;
}

static bool parse_seconds(const char *s, int *out)
{
    char *end;
    long v = s ? strtol(s, &end, 10) : -1;
    if (!s || *end || v < 1 || v > 10L * 365 * 86400) return false;
    *out = (int)v;
    return true;
}

/* What the command line asks of this node. */
struct serve_options {
    const char *listen;
    char host[256];
    int port, threads;
    bool secure, quiet;
    const char *trusted_proxies, *metrics_token;
    int max_connections, max_connections_per_ip, first_request_timeout_s;
    struct jobs_config jobs;
};

/* An option with a whole number in [min, max] after it into *out; false (said) otherwise. */
static bool take_int(const char *a, const char *v, int min, int max, int *out, int *i)
{
    if (!v) {
        fprintf(stderr, "lectern serve: %s needs a number after it\n", a);
        return false;
    }
    if (!cli_parse_int("serve", a, v, min, max, out)) return false;
    (*i)++;
    return true;
}

/* The options that set a number of seconds somewhere else (the model's settings). */
static int *seconds_option(const char *a, struct serve_options *o)
{
    static const struct {
        const char *name;
        int *target;
    } table[] = {
        {"--lockout-threshold", &auth_config.lockout_threshold},
        {"--lockout-window", &auth_config.lockout_window_s},
        {"--lockout-first-delay", &auth_config.lockout_first_delay_s},
        {"--lockout-duration", &auth_config.lockout_duration_s},
        {"--signin-limit", &auth_config.signin_ip_limit},
        {"--signin-limit-window", &auth_config.signin_ip_window_s},
        {"--session-idle", &auth_config.session_idle_s},
        {"--session-absolute", &auth_config.session_absolute_s},
        {"--reset-link-lifetime", &support_config.reset_link_s},
        {"--impersonation-lifetime", &support_config.impersonation_s},
    };
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
        if (strcmp(a, table[k].name) == 0) return table[k].target;
    if (strcmp(a, "--job-lease") == 0) return &o->jobs.lease_s;
    if (strcmp(a, "--first-request-timeout") == 0) return &o->first_request_timeout_s;
    return NULL;
}

/* Options that take a number; false when a is none of them, *bad when its value is wrong. */
static bool number_option(const char *a, const char *v, struct serve_options *o, int *i, bool *bad)
{
    int *seconds = seconds_option(a, o);
    bool ok;
    if (seconds) {
        ok = parse_seconds(v, seconds);
        if (!ok) fprintf(stderr, "lectern serve: %s takes a positive whole number\n", a);
        else (*i)++;
    } else if (strcmp(a, "--threads") == 0) {
        ok = take_int(a, v, 1, 256, &o->threads, i);
    } else if (strcmp(a, "--job-workers") == 0) {
        ok = take_int(a, v, 0, 64, &o->jobs.workers, i);
    } else if (strcmp(a, "--job-poll") == 0) {
        ok = take_int(a, v, 10, 60000, &o->jobs.poll_ms, i);
    } else if (strcmp(a, "--mail-attempts") == 0) {
        ok = take_int(a, v, 1, 100, &mail_config.attempts, i);
    } else if (strcmp(a, "--max-connections") == 0) {
        ok = take_int(a, v, 64, 1000000, &o->max_connections, i);
    } else if (strcmp(a, "--max-connections-per-ip") == 0) {
        ok = take_int(a, v, 1, 1000000, &o->max_connections_per_ip, i);
    } else {
        return false;
    }
    *bad = !ok;
    return true;
}

/* Fills o from the environment and argv; EXIT_OK, or EXIT_USAGE with the reason printed. */
static int parse_options(int argc, char **argv, struct cli_ctx *ctx, struct serve_options *o)
{
    *o = (struct serve_options){
        .listen = getenv("LECTERN_LISTEN") ? getenv("LECTERN_LISTEN") : "127.0.0.1:8080",
        .trusted_proxies = getenv("LECTERN_TRUSTED_PROXY"),
        .metrics_token = getenv("LECTERN_METRICS_TOKEN"),
        .jobs = {
            .db_url = ctx->db_url,
            .data_dir = ctx->data_dir,
            .workers = JOBS_DEFAULT_WORKERS,
            .lease_s = JOBS_DEFAULT_LEASE_S,
            .poll_ms = JOBS_DEFAULT_POLL_MS,
            .node = getenv("LECTERN_NODE_NAME"),
        },
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool bad = false;
        if (number_option(a, v, o, &i, &bad)) {
            if (bad) return EXIT_USAGE;
        } else if (strcmp(a, "--listen") == 0 && v) {
            o->listen = argv[++i];
        } else if (strcmp(a, "--trusted-proxy") == 0 && v) {
            o->trusted_proxies = argv[++i];
        } else if (strcmp(a, "--secure-cookies") == 0) {
            o->secure = true;
        } else if (strcmp(a, "--quiet") == 0) {
            o->quiet = true;
        } else if (strcmp(a, "--metrics-token") == 0 && v) {
            o->metrics_token = argv[++i];
        } else if (strcmp(a, "--node-name") == 0 && v) {
            if (!*v || strlen(v) > 100) {
                fprintf(stderr, "lectern serve: --node-name takes 1 to 100 characters\n");
                return EXIT_USAGE;
            }
            o->jobs.node = argv[++i];
        } else {
            fprintf(stderr, "lectern serve: unknown option '%s'\n%s", a, usage);
            return EXIT_USAGE;
        }
    }
    if (!parse_listen(o->listen, o->host, sizeof o->host, &o->port)) {
        fprintf(stderr, "lectern serve: --listen takes HOST:PORT, for example 127.0.0.1:8080 (got '%s')\n", o->listen);
        return EXIT_USAGE;
    }
    if (o->threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        o->threads = n > 0 ? (int)n : 2;
    }
    struct problem tp = {0};
    if (web_set_metrics_token(o->metrics_token, &tp)) {
        fprintf(stderr, "lectern serve: %s\n", tp.message);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Serves with the database pool open and the web layer ready, until a stop signal. */
static int serve(const struct serve_options *o, struct cli_ctx *ctx, struct db_pool *pool)
{
    struct server_config cfg = {
        .host = o->host,
        .port = o->port,
        .threads = o->threads,
        .routes = web_routes,
        .n_routes = web_n_routes,
        .hooks = web_hooks(),
        .max_body = 4 * 1024 * 1024,
        .secure_cookies = o->secure,
        .trusted_proxies = o->trusted_proxies,
        .access_log = !o->quiet,
        .static_prefix = "/static/",
        .max_connections = (unsigned)o->max_connections,
        .max_connections_per_ip = (unsigned)o->max_connections_per_ip,
        .first_request_timeout_s = (unsigned)o->first_request_timeout_s,
    };
    struct problem p = {0};
    /* Workers first: once the node answers, it also works on jobs. */
    struct jobs *jobs = NULL;
    if (jobs_start(&o->jobs, &jobs, &p)) {
        fprintf(stderr, "lectern serve: cannot start the job workers: %s\n", p.message);
        return EXIT_FAIL;
    }
    struct server *server;
    if (server_start(&cfg, &server, &p)) {
        fprintf(stderr, "lectern serve: %s\n", p.message);
        jobs_stop(jobs);
        return EXIT_FAIL;
    }
    printf("Lectern is serving on http://%s:%d/ (data: %s, %d threads). Stop with Ctrl-C.\n", o->host, o->port,
           ctx->data_dir, o->threads);
    fflush(stdout);
    server_wait_for_signal();
    log_info("stopping: finishing requests in flight");
    server_stop(server);
    jobs_stop(jobs);
    return EXIT_OK;
}

int cmd_serve(int argc, char **argv, struct cli_ctx *ctx)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    struct serve_options o;
    int rc = parse_options(argc, argv, ctx, &o);
    if (rc) return rc;

    char url[300];
    snprintf(url, sizeof url, "http://%s:%d/", o.host, o.port);
    ctx->sign_in_url = url;
    mail_config.default_base_url = url; /* links in mail, until Settings has a site address */
    rc = cli_bootstrap_admin(ctx);
    if (rc) return rc;

    struct problem p = {0};
    struct db_pool *pool;
    /* One connection per worker thread, and one spare for the signal/maintenance path. */
    if (db_pool_open(ctx->db_url, ctx->data_dir, o.threads + 1, &pool, &p)) {
        fprintf(stderr, "lectern serve: %s\n", p.message);
        return EXIT_FAIL;
    }
    if (web_init(pool, ctx->data_dir, &p)) {
        fprintf(stderr, "lectern serve: %s\n", p.message);
        db_pool_close(pool);
        return EXIT_FAIL;
    }
    rc = serve(&o, ctx, pool);
    web_shutdown();
    db_pool_close(pool);
    if (rc == EXIT_OK) log_info("stopped");
    return rc;
}
