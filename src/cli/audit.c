/* lectern audit: checks the audit log's hash chain and shows its newest entries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "cli.h"
#include "../model/platform/platform.h"

static const char audit_usage[] =
    "usage: lectern audit verify\n"
    "       lectern audit tail [-n N] [--json]\n"
    "\n"
    "Subcommands:\n"
    "  verify   recompute the audit log's hash chain; exit 0 when intact, 1 at the first\n"
    "           entry that was changed or removed\n"
    "  tail     show the newest entries: time, actor, action, target, details\n";

static const char verify_usage[] =
    "usage: lectern audit verify\n"
    "\n"
    "Recomputes the hash chain of the audit log. Prints \"audit log intact: N entries\" and\n"
    "exits 0, or names the first entry that was changed or removed and exits 1.\n";

static const char tail_usage[] =
    "usage: lectern audit tail [-n N] [--json]\n"
    "\n"
    "Shows the newest N audit entries (default 20), oldest first, newest last.\n"
    "\n"
    "  -n, --lines N   how many entries, 1 to 1000\n"
    "  --json          print them as a JSON array, in the same order\n";

static int audit_verify_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *cmd = "audit verify";
    static const struct cli_opt opts[] = {{0}};
    struct cli_parser ps;
    cli_parser_init(&ps, cmd, argc, argv, opts);
    int o = cli_next(&ps);
    if (o == CLI_OPT_ERROR) return EXIT_USAGE;
    if (o == CLI_OPT_ARG) return cli_usage_error(cmd, "unexpected argument '%s'", ps.value);

    int64_t bad_id = 0, n = 0;
    struct problem p = {0};
    lerr e = audit_verify(ctx->db, &bad_id, &n, &p);
    if (e == LE_OK) {
        printf("audit log intact: %lld entr%s\n", (long long)n, n == 1 ? "y" : "ies");
        return EXIT_OK;
    }
    if (e == LE_INVALID && bad_id > 0) {
        fprintf(stderr, "audit log broken at entry %lld: %s\n", (long long)bad_id,
                p.message[0] ? p.message : "its hash does not match");
        return EXIT_FAIL;
    }
    return cli_fail(cmd, "cannot verify the audit log: %s",
                    p.message[0] ? p.message : db_errmsg(ctx->db));
}

/* The first of several key names the entry has, as text (numbers and objects rendered). */
static const char *field(json_t *entry, const char *const *keys, char *tmp, size_t tmp_len)
{
    for (; *keys; keys++) {
        json_t *v = json_object_get(entry, *keys);
        if (!v || json_is_null(v)) continue;
        if (json_is_string(v)) return json_string_value(v);
        if (json_is_integer(v)) {
            snprintf(tmp, tmp_len, "%lld", (long long)json_integer_value(v));
            return tmp;
        }
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
        snprintf(tmp, tmp_len, "%s", s ? s : "?");
        json_text_free(s);
        return tmp;
    }
    return NULL;
}

static void print_entry(json_t *entry)
{
    static const char *const time_keys[] = {"at", "time", "created_at", "ts", NULL};
    static const char *const actor_keys[] = {"actor", "actor_username", "actor_name", NULL};
    static const char *const actor_id_keys[] = {"actor_id", NULL};
    static const char *const action_keys[] = {"action", NULL};
    static const char *const target_keys[] = {"target", NULL};
    static const char *const details_keys[] = {"details", NULL};
    char t[32], tmp_actor[32], tmp_details[1024], tmp[64];

    /* Time: ISO text as stored, or epoch seconds turned into ISO. */
    const char *when = "-";
    json_t *tv = NULL;
    for (const char *const *k = time_keys; *k && !tv; k++) tv = json_object_get(entry, *k);
    if (tv && json_is_integer(tv)) {
        time_iso8601(json_integer_value(tv), t);
        when = t;
    } else if (tv && json_is_string(tv)) {
        when = json_string_value(tv);
    }
    /* Actor: the username when the model gives it; actor 0 is the system (the CLI, jobs). */
    const char *actor = field(entry, actor_keys, tmp_actor, sizeof tmp_actor);
    if (!actor) {
        json_t *id = json_object_get(entry, actor_id_keys[0]);
        if (!id || json_is_null(id) || (json_is_integer(id) && json_integer_value(id) == 0)) {
            actor = "system";
        } else {
            actor = field(entry, actor_id_keys, tmp, sizeof tmp);
            snprintf(tmp_actor, sizeof tmp_actor, "user #%s", actor);
            actor = tmp_actor;
        }
    }
    const char *action = field(entry, action_keys, tmp, sizeof tmp);
    char action_copy[64];
    snprintf(action_copy, sizeof action_copy, "%s", action ? action : "-");
    char tmp_target[256];
    const char *target = field(entry, target_keys, tmp_target, sizeof tmp_target);
    const char *details = field(entry, details_keys, tmp_details, sizeof tmp_details);
    printf("%-20s  %-12s  %-20s  %-20s  %s\n", when, actor, action_copy,
           target && *target ? target : "-", details ? details : "");
}

static int audit_tail_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *cmd = "audit tail";
    enum { OPT_LINES = 1, OPT_JSON };
    static const struct cli_opt opts[] = {
        {"lines", 'n', true, OPT_LINES}, {"json", 0, false, OPT_JSON}, {0},
    };
    struct cli_parser ps;
    cli_parser_init(&ps, cmd, argc, argv, opts);
    int n = 20;
    bool json = false;
    for (int o; (o = cli_next(&ps)) != CLI_OPT_END;) {
        switch (o) {
        case CLI_OPT_ERROR: return EXIT_USAGE;
        case CLI_OPT_ARG: return cli_usage_error(cmd, "unexpected argument '%s'", ps.value);
        case OPT_LINES:
            if (!cli_parse_int(cmd, "-n", ps.value, 1, 1000, &n)) return EXIT_USAGE;
            break;
        case OPT_JSON: json = true; break;
        }
    }
    json_t *entries = audit_tail(ctx->db, n);
    if (!json_is_array(entries)) {
        json_decref(entries);
        return cli_fail(cmd, "cannot read the audit log: %s", db_errmsg(ctx->db));
    }
    /* The model gives newest first; show them as tail(1) does, newest last. */
    json_t *ordered = json_array();
    for (size_t i = json_array_size(entries); i-- > 0;)
        json_array_append(ordered, json_array_get(entries, i));
    json_decref(entries);

    int rc = EXIT_OK;
    if (json) {
        rc = cli_print_json(ordered);
    } else if (json_array_size(ordered) == 0) {
        printf("The audit log is empty.\n");
    } else {
        printf("%-20s  %-12s  %-20s  %-20s  %s\n", "TIME", "ACTOR", "ACTION", "TARGET", "DETAILS");
        size_t i;
        json_t *entry;
        json_array_foreach(ordered, i, entry) print_entry(entry);
    }
    json_decref(ordered);
    return rc;
}

int cmd_audit(int argc, char **argv, struct cli_ctx *ctx)
{
    if (argc < 2) {
        fputs(audit_usage, stderr);
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0)
        return cli_help(audit_usage);
    int (*fn)(int, char **, struct cli_ctx *) = NULL;
    const char *usage = NULL;
    if (strcmp(sub, "verify") == 0) fn = audit_verify_cmd, usage = verify_usage;
    else if (strcmp(sub, "tail") == 0) fn = audit_tail_cmd, usage = tail_usage;
    else if (sub[0] == '-') return cli_usage_error("audit", "unknown option '%s'", sub);
    else return cli_usage_error("audit", "'%s' is not an audit subcommand (verify or tail)", sub);
    if (cli_wants_help(argc - 1, argv + 1)) return cli_help(usage);
    if (!ctx->db) return cli_fail("audit", "no database is open");
    return fn(argc - 1, argv + 1, ctx);
}
