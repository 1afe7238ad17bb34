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
    "  --lockout-threshold N, --lockout-window SECONDS, --lockout-duration SECONDS\n"
    "                       failed sign-ins that lock an account (default 5 within 900 s, for 900 s)\n"
    "  --session-idle SECONDS, --session-absolute SECONDS\n"
    "                       session expiry (default 7200 idle, 43200 absolute)\n"
    "  --job-workers N      background job workers on this node (default 2; 0 = none)\n"
    "  --job-lease SECONDS  how long a claimed job stays with a worker that stops answering\n"
    "                       before another node takes it over (default 60)\n"
    "  --job-poll MS        how often an idle worker looks for work (default 1000)\n"
    "  --node-name NAME     this node's name in job leases and logs (default HOST:PID;\n"
    "                       env LECTERN_NODE_NAME)\n"
    "  --reset-link-lifetime SECONDS  how long a password-reset link works (default 1800)\n"
    "  --mail-attempts N    tries to send a message before it is marked failed (default 8)\n"
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

int cmd_serve(int argc, char **argv, struct cli_ctx *ctx)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    const char *listen = getenv("LECTERN_LISTEN") ? getenv("LECTERN_LISTEN") : "127.0.0.1:8080";
    int threads = 0;
    bool secure = false, quiet = false;
    const char *trusted_proxies = getenv("LECTERN_TRUSTED_PROXY");
    const char *metrics_token = getenv("LECTERN_METRICS_TOKEN");
    struct jobs_config jcfg = {
        .db_url = ctx->db_url,
        .data_dir = ctx->data_dir,
        .workers = JOBS_DEFAULT_WORKERS,
        .lease_s = JOBS_DEFAULT_LEASE_S,
        .poll_ms = JOBS_DEFAULT_POLL_MS,
        .node = getenv("LECTERN_NODE_NAME"),
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int *seconds = NULL;
        if (strcmp(a, "--listen") == 0 && v) {
            listen = v;
            i++;
        } else if (strcmp(a, "--threads") == 0 && v) {
            threads = atoi(v);
            if (threads < 1 || threads > 256) {
                fprintf(stderr, "lectern serve: --threads takes a number from 1 to 256\n");
                return EXIT_USAGE;
            }
            i++;
        } else if (strcmp(a, "--trusted-proxy") == 0 && v) {
            trusted_proxies = v;
            i++;
        } else if (strcmp(a, "--secure-cookies") == 0) {
            secure = true;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(a, "--lockout-threshold") == 0) {
            seconds = &auth_config.lockout_threshold;
        } else if (strcmp(a, "--lockout-window") == 0) {
            seconds = &auth_config.lockout_window_s;
        } else if (strcmp(a, "--lockout-duration") == 0) {
            seconds = &auth_config.lockout_duration_s;
        } else if (strcmp(a, "--session-idle") == 0) {
            seconds = &auth_config.session_idle_s;
        } else if (strcmp(a, "--session-absolute") == 0) {
            seconds = &auth_config.session_absolute_s;
        } else if (strcmp(a, "--job-workers") == 0 || strcmp(a, "--job-poll") == 0) {
            bool workers = strcmp(a, "--job-workers") == 0;
            if (!v || !cli_parse_int("serve", a, v, workers ? 0 : 10, workers ? 64 : 60000,
                                     workers ? &jcfg.workers : &jcfg.poll_ms))
                return EXIT_USAGE;
            i++;
        } else if (strcmp(a, "--job-lease") == 0) {
            seconds = &jcfg.lease_s;
        } else if (strcmp(a, "--reset-link-lifetime") == 0) {
            seconds = &support_config.reset_link_s;
        } else if (strcmp(a, "--mail-attempts") == 0) {
            if (!v || !cli_parse_int("serve", a, v, 1, 100, &mail_config.attempts)) return EXIT_USAGE;
            i++;
        } else if (strcmp(a, "--metrics-token") == 0 && v) {
            metrics_token = v;
            i++;
        } else if (strcmp(a, "--node-name") == 0 && v) {
            if (!*v || strlen(v) > 100) {
                fprintf(stderr, "lectern serve: --node-name takes 1 to 100 characters\n");
                return EXIT_USAGE;
            }
            jcfg.node = v;
            i++;
        } else {
            fprintf(stderr, "lectern serve: unknown option '%s'\n%s", a, usage);
            return EXIT_USAGE;
        }
        if (seconds) {
            if (!parse_seconds(v, seconds)) {
                fprintf(stderr, "lectern serve: %s takes a positive whole number\n", a);
                return EXIT_USAGE;
            }
            i++;
        }
    }
    char host[256];
    int port;
    if (!parse_listen(listen, host, sizeof host, &port)) {
        fprintf(stderr, "lectern serve: --listen takes HOST:PORT, for example 127.0.0.1:8080 (got '%s')\n", listen);
        return EXIT_USAGE;
    }
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (int)n : 2;
    }

    struct problem tp = {0};
    if (web_set_metrics_token(metrics_token, &tp)) {
        fprintf(stderr, "lectern serve: %s\n", tp.message);
        return EXIT_USAGE;
    }

    char url[300];
    snprintf(url, sizeof url, "http://%s:%d/", host, port);
    ctx->sign_in_url = url;
    mail_config.default_base_url = url; /* links in mail, until Settings has a site address */
    int rc = cli_bootstrap_admin(ctx);
    if (rc) return rc;

    struct problem p = {0};
    struct db_pool *pool;
    /* One connection per worker thread, and one spare for the signal/maintenance path. */
    if (db_pool_open(ctx->db_url, ctx->data_dir, threads + 1, &pool, &p)) {
        fprintf(stderr, "lectern serve: %s\n", p.message);
        return EXIT_FAIL;
    }
    if (web_init(pool, ctx->data_dir, &p)) {
        fprintf(stderr, "lectern serve: %s\n", p.message);
        db_pool_close(pool);
        return EXIT_FAIL;
    }
    struct server_config cfg = {
        .host = host,
        .port = port,
        .threads = threads,
        .routes = web_routes,
        .n_routes = web_n_routes,
        .hooks = web_hooks(),
        .max_body = 4 * 1024 * 1024,
        .secure_cookies = secure,
        .trusted_proxies = trusted_proxies,
        .access_log = !quiet,
        .static_prefix = "/static/",
    };
    /* Workers first: once the node answers, it also works on jobs. */
    struct jobs *jobs = NULL;
    if (jobs_start(&jcfg, &jobs, &p)) {
        fprintf(stderr, "lectern serve: cannot start the job workers: %s\n", p.message);
        web_shutdown();
        db_pool_close(pool);
        return EXIT_FAIL;
    }
    struct server *server;
    if (server_start(&cfg, &server, &p)) {
        fprintf(stderr, "lectern serve: %s\n", p.message);
        jobs_stop(jobs);
        web_shutdown();
        db_pool_close(pool);
        return EXIT_FAIL;
    }
    printf("Lectern is serving on http://%s:%d/ (data: %s, %d threads). Stop with Ctrl-C.\n", host, port,
           ctx->data_dir, threads);
    fflush(stdout);
    server_wait_for_signal();
    log_info("stopping: finishing requests in flight");
    server_stop(server);
    jobs_stop(jobs);
    web_shutdown();
    db_pool_close(pool);
    log_info("stopped");
    return EXIT_OK;
}
