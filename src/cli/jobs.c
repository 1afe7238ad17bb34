/* lectern jobs: the background job queue from the terminal: list and show jobs, and queue
 * one (for operators checking that workers run, and for the tests). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "cli.h"
#include "../jobs/jobs.h"

static const char jobs_usage[] =
    "usage: lectern jobs list [--state STATE] [-n N] [--json]\n"
    "       lectern jobs show ID [--json]\n"
    "       lectern jobs enqueue KIND [--payload JSON] [--max-attempts N] [--delay SECONDS]\n"
    "       lectern jobs run KIND [--payload JSON]\n"
    "\n"
    "The background job queue that the workers of every 'lectern serve' node take work from\n"
    "(docs/jobs.md).\n"
    "\n"
    "  list      the newest jobs: id, kind, state, attempts, who holds the lease, last error\n"
    "            --state queued|running|done|failed, -n N (default 20, at most 1000)\n"
    "  show      one job with its payload and result\n"
    "  enqueue   queue a job of KIND for any node's workers; prints its id\n"
    "  run       run one job of KIND here and now, outside the queue, and print its result and\n"
    "            how long it took as JSON: {\"kind\", \"ms\", \"result\"} (such as the daily\n"
    "            reminder scan, schedules.reminders, for an operator or make bench)\n";

static int list_cmd(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    const char *cmd = "jobs list";
    static const char *const states[] = {"queued", "running", "done", "failed", NULL};
    struct cli_list_opts lo;
    int usage = cli_parse_list_opts(cmd, argc, argv, states, 1000, &lo);
    if (usage) return usage;
    const char *state = lo.state;
    int n = lo.n;
    bool json = lo.json;
    struct job *jobs;
    int count;
    if (job_list(ctx->db, a, state, n, &jobs, &count))
        return cli_fail(cmd, "cannot read the jobs: %s", db_errmsg(ctx->db));
    if (json) {
        json_t *arr = json_array();
        for (int i = 0; i < count; i++) json_array_append_new(arr, job_to_json(&jobs[i]));
        int rc = cli_print_json(arr);
        json_decref(arr);
        return rc;
    }
    if (count == 0) {
        printf("No jobs.\n");
        return EXIT_OK;
    }
    printf("%-8s  %-16s  %-8s  %-8s  %-20s  %-24s  %s\n", "ID", "KIND", "STATE", "ATTEMPTS", "UPDATED", "LEASE",
           "LAST ERROR");
    for (int i = 0; i < count; i++) {
        const struct job *j = &jobs[i];
        char t[21], tries[24];
        snprintf(tries, sizeof tries, "%d/%d", j->attempts, j->max_attempts);
        printf("%-8lld  %-16s  %-8s  %-8s  %-20s  %-24s  %s\n", (long long)j->id, j->kind, j->state, tries,
               cli_time(j->updated_at, t, "-"), j->lease_owner ? j->lease_owner : "-",
               j->last_error && *j->last_error ? j->last_error : "");
    }
    return EXIT_OK;
}

static int show_cmd(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    const char *cmd = "jobs show";
    enum { OPT_JSON = 1 };
    static const struct cli_opt opts[] = {{"json", 0, false, OPT_JSON}, {0}};
    struct cli_parser ps;
    cli_parser_init(&ps, cmd, argc, argv, opts);
    const char *id_text = NULL;
    bool json = false;
    for (int o; (o = cli_next(&ps)) != CLI_OPT_END;) {
        if (o == CLI_OPT_ERROR) return EXIT_USAGE;
        if (o == OPT_JSON) json = true;
        else if (id_text) return cli_usage_error(cmd, "unexpected argument '%s'", ps.value);
        else id_text = ps.value;
    }
    int id;
    if (!id_text) return cli_usage_error(cmd, "which job? give its id");
    if (!cli_parse_int(cmd, "ID", id_text, 1, 2147483647, &id)) return EXIT_USAGE;
    struct job j;
    lerr e = job_get(ctx->db, a, id, &j);
    if (e == LE_NOTFOUND) return cli_fail(cmd, "there is no job %d", id);
    if (e) return cli_fail(cmd, "cannot read job %d: %s", id, db_errmsg(ctx->db));
    json_t *o = job_to_json(&j);
    int rc = EXIT_OK;
    if (json) {
        rc = cli_print_json(o);
    } else {
        const char *key;
        json_t *v;
        json_object_foreach(o, key, v)
        {
            char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            printf("%-13s %s\n", key, s ? s : json_string_value(v));
            json_text_free(s);
        }
    }
    json_decref(o);
    return rc;
}

/* The kind named, or NULL after a usage error listing the kinds. */
static const struct job_kind *kind_named(const char *cmd, const char *kind)
{
    const struct job_kind *k = kind ? job_kind_find(kind) : NULL;
    if (k) return k;
    char names[256] = "";
    for (size_t i = 0; i < job_n_kinds; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "", job_kinds[i].name);
    if (!kind) cli_usage_error(cmd, "which kind of job? (kinds: %s)", names);
    else cli_usage_error(cmd, "there is no job kind '%s' (kinds: %s)", kind, names);
    return NULL;
}

static int enqueue_cmd(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    (void)a;
    const char *cmd = "jobs enqueue";
    enum { OPT_PAYLOAD = 1, OPT_MAX, OPT_DELAY };
    static const struct cli_opt opts[] = {{"payload", 0, true, OPT_PAYLOAD},
                                          {"max-attempts", 0, true, OPT_MAX},
                                          {"delay", 0, true, OPT_DELAY},
                                          {0}};
    struct cli_parser ps;
    cli_parser_init(&ps, cmd, argc, argv, opts);
    const char *kind = NULL, *payload_text = NULL;
    int max_attempts = 0, delay = 0;
    for (int o; (o = cli_next(&ps)) != CLI_OPT_END;) {
        switch (o) {
        case CLI_OPT_ERROR: return EXIT_USAGE;
        case CLI_OPT_ARG:
            if (kind) return cli_usage_error(cmd, "unexpected argument '%s'", ps.value);
            kind = ps.value;
            break;
        case OPT_PAYLOAD: payload_text = ps.value; break;
        case OPT_MAX:
            if (!cli_parse_int(cmd, "--max-attempts", ps.value, 1, 100, &max_attempts)) return EXIT_USAGE;
            break;
        case OPT_DELAY:
            if (!cli_parse_int(cmd, "--delay", ps.value, 0, 366 * 86400, &delay)) return EXIT_USAGE;
            break;
        }
    }
    if (!kind) return cli_usage_error(cmd, "which kind of job? for example noop");
    if (!kind_named(cmd, kind)) return EXIT_USAGE;
    json_t *payload = NULL;
    if (payload_text) {
        json_error_t err;
        payload = json_loads(payload_text, 0, &err);
        if (!json_is_object(payload)) {
            json_decref(payload);
            return cli_usage_error(cmd, "--payload must be a JSON object, like '{\"ms\": 500}'");
        }
    }
    int64_t id = 0;
    struct problem p = {0};
    lerr e = job_enqueue(ctx->db, kind, payload, delay ? time_now() + delay : 0, max_attempts, &id, &p);
    json_decref(payload);
    if (e) return cli_fail(cmd, "%s", p.message);
    printf("queued job %lld (%s)\n", (long long)id, kind);
    return EXIT_OK;
}

/* One job run in this process, as a worker runs it but without claiming a row of the queue:
 * its handler is safe to run anywhere (a reminder scan records what it sends). */
static int run_cmd(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    const char *cmd = "jobs run";
    static const struct cli_opt opts[] = {{"payload", 0, true, 1}, {0}};
    struct cli_parser ps;
    cli_parser_init(&ps, cmd, argc, argv, opts);
    const char *kind = NULL, *payload_text = NULL;
    for (int o; (o = cli_next(&ps)) != CLI_OPT_END;) {
        if (o == CLI_OPT_ERROR) return EXIT_USAGE;
        if (o == 1) payload_text = ps.value;
        else if (kind) return cli_usage_error(cmd, "unexpected argument '%s'", ps.value);
        else kind = ps.value;
    }
    const struct job_kind *k = kind_named(cmd, kind);
    if (!k) return EXIT_USAGE;
    json_t *payload = payload_text ? json_loads(payload_text, 0, NULL) : json_object();
    if (!json_is_object(payload)) {
        json_decref(payload);
        return cli_usage_error(cmd, "--payload must be a JSON object, like '{\"ms\": 500}'");
    }
    struct job j = {.kind = k->name, .payload = payload_text ? payload_text : "{}", .state = "running", .attempts = 1,
                    .max_attempts = 1};
    struct job_run r = {.db = ctx->db, .job = &j, .arena = a, .node = "cli", .data_dir = ctx->data_dir, .owner = "cli"};
    json_t *result = NULL;
    struct problem p = {0};
    double t0 = time_monotonic_ms();
    lerr e = k->run(&r, payload, &result, &p);
    double ms = time_monotonic_ms() - t0;
    json_decref(payload);
    if (e) {
        json_decref(result);
        return cli_fail(cmd, "%s: %s", k->name, p.message);
    }
    json_t *out = json_pack("{s:s, s:f, s:o}", "kind", k->name, "ms", ms, "result", result ? result : json_null());
    int rc = cli_print_json(out);
    json_decref(out);
    return rc;
}

int cmd_jobs(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **, struct cli_ctx *, struct arena *);
    } subs[] = {{"list", list_cmd}, {"show", show_cmd}, {"enqueue", enqueue_cmd}, {"run", run_cmd}};
    if (argc < 2) {
        fputs(jobs_usage, stderr);
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0)
        return cli_help(jobs_usage);
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (strcmp(sub, subs[i].name) != 0) continue;
        if (cli_wants_help(argc - 1, argv + 1)) return cli_help(jobs_usage);
        if (!ctx->db) return cli_fail("jobs", "no database is open");
        struct arena *a = arena_new(8192);
        int rc = subs[i].fn(argc - 1, argv + 1, ctx, a);
        arena_free(a);
        return rc;
    }
    if (sub[0] == '-') return cli_usage_error("jobs", "unknown option '%s'", sub);
    return cli_usage_error("jobs", "'%s' is not a jobs subcommand (list, show, enqueue or run)", sub);
}
