/* lectern mail: the mail outbox from the terminal. `mail test ADDRESS` sends a test message
 * now, with the site's SMTP settings, and says what the server answered; `mail list` shows
 * the outbox; `mail retry ID` queues a failed message again for the workers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "cli.h"
#include "../jobs/jobs.h"

static const char mail_usage[] =
    "usage: lectern mail test ADDRESS\n"
    "       lectern mail list [--state STATE] [-n N] [--json]\n"
    "       lectern mail retry ID\n"
    "\n"
    "Mail leaves through an outbox that the job workers of 'lectern serve' send over SMTP, with\n"
    "the settings an administrator enters under Settings, Mail (docs/support.md).\n"
    "\n"
    "  test      send a test message to ADDRESS now and print the SMTP server's answer; exits 1\n"
    "            when it could not be sent (the message stays in the outbox as failed)\n"
    "  list      the newest messages: id, state, attempts, recipient, subject, last error\n"
    "            --state queued|sending|sent|failed, -n N (default 20, at most 100)\n"
    "  retry     queue a failed message again\n";

static int test_cmd(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    const char *cmd = "mail test";
    (void)a;
    if (argc != 2 || argv[1][0] == '-') return cli_usage_error(cmd, "give one email address");
    const char *to = argv[1];
    struct problem p = {0};
    struct mail_settings s;
    if (mail_settings_get(ctx->db, a, &s)) return cli_fail(cmd, "cannot read the mail settings: %s", db_errmsg(ctx->db));
    if (!*s.host || !*s.from_address)
        return cli_fail(cmd, "mail is not set up: an administrator enters the SMTP server and the sender's "
                             "address under Settings, Mail (or PATCH /api/v1/settings/mail)");
    json_t *data = json_pack("{s:s}", "requested_by", "the command line");
    int64_t id = 0;
    lerr e = mail_enqueue(ctx->db, to, "test", data, 0, false, &id, &p);
    json_decref(data);
    if (e == LE_INVALID) return cli_usage_error(cmd, "'%s' is not an email address", to);
    if (e) return cli_fail(cmd, "%s", p.message);
    e = mail_deliver(ctx->db, id, 0, true, NULL, &p);
    if (e) return cli_fail(cmd, "message %lld could not be sent: %s", (long long)id, p.message);
    printf("Sent test message %lld to %s through %s:%d (%s).\n", (long long)id, to, s.host, s.port, s.tls);
    return EXIT_OK;
}

static int list_cmd(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    const char *cmd = "mail list";
    static const char *const states[] = {"queued", "sending", "sent", "failed", NULL};
    struct cli_list_opts lo;
    int usage = cli_parse_list_opts(cmd, argc, argv, states, 100, &lo);
    if (usage) return usage;
    const char *state = lo.state;
    int n = lo.n;
    bool json = lo.json;
    struct mail_message *list;
    int count, total;
    if (mail_list(ctx->db, a, state, 1, n, &list, &count, &total))
        return cli_fail(cmd, "cannot read the outbox: %s", db_errmsg(ctx->db));
    if (json) {
        json_t *arr = json_array();
        for (int i = 0; i < count; i++) json_array_append_new(arr, mail_to_json(&list[i]));
        int rc = cli_print_json(arr);
        json_decref(arr);
        return rc;
    }
    if (count == 0) {
        printf("The outbox is empty.\n");
        return EXIT_OK;
    }
    printf("%-6s  %-8s  %-8s  %-20s  %-30s  %s\n", "ID", "STATE", "ATTEMPTS", "CREATED", "TO", "SUBJECT / LAST ERROR");
    for (int i = 0; i < count; i++) {
        const struct mail_message *m = &list[i];
        char t[21];
        printf("%-6lld  %-8s  %-8d  %-20s  %-30s  %s\n", (long long)m->id, m->state, m->attempts,
               cli_time(m->created_at, t, "-"), m->to_addr, *m->last_error ? m->last_error : *m->subject ? m->subject : m->template);
    }
    return EXIT_OK;
}

static int retry_cmd(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    const char *cmd = "mail retry";
    (void)a;
    int id = 0;
    if (argc != 2) return cli_usage_error(cmd, "give the id of one message (see 'lectern mail list')");
    if (!cli_parse_int(cmd, "ID", argv[1], 1, 2147483647, &id)) return EXIT_USAGE;
    struct problem p = {0};
    if (mail_retry(ctx->db, id, 0, &p)) return cli_fail(cmd, "%s", p.message);
    printf("Message %d is queued again.\n", id);
    return EXIT_OK;
}

int cmd_mail(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **, struct cli_ctx *, struct arena *);
    } subs[] = {{"test", test_cmd}, {"list", list_cmd}, {"retry", retry_cmd}};
    if (argc < 2) {
        fputs(mail_usage, stderr);
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0)
        return cli_help(mail_usage);
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (strcmp(sub, subs[i].name) != 0) continue;
        if (cli_wants_help(argc - 1, argv + 1)) return cli_help(mail_usage);
        if (!ctx->db) return cli_fail("mail", "no database is open");
        struct arena *a = arena_new(8192);
        int rc = subs[i].fn(argc - 1, argv + 1, ctx, a);
        arena_free(a);
        return rc;
    }
    if (sub[0] == '-') return cli_usage_error("mail", "unknown option '%s'", sub);
    return cli_usage_error("mail", "'%s' is not a mail subcommand (test, list or retry)", sub);
}
