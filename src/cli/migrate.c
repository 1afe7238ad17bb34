/* lectern migrate: applies pending migrations (each in its own transaction) and reports the
 * schema version; --status only reports. main opens the database without migrating so this
 * command can say what it did. */
#include <stdio.h>
#include "cli.h"

static const char migrate_usage[] =
    "usage: lectern migrate [--status]\n"
    "\n"
    "Applies the migrations this binary carries that the database does not have yet, and\n"
    "prints \"schema at version N\". A database newer than this binary is refused: use the\n"
    "newer release.\n"
    "\n"
    "  --status   print the database's schema version and the newest one this binary knows,\n"
    "             without applying anything\n";

int cmd_migrate(int argc, char **argv, struct cli_ctx *ctx)
{
    if (cli_wants_help(argc, argv)) return cli_help(migrate_usage);
    enum { OPT_STATUS = 1 };
    static const struct cli_opt opts[] = {{"status", 0, false, OPT_STATUS}, {0}};
    struct cli_parser ps;
    cli_parser_init(&ps, "migrate", argc, argv, opts);
    bool status = false;
    for (int o; (o = cli_next(&ps)) != CLI_OPT_END;) {
        if (o == CLI_OPT_ERROR) return EXIT_USAGE;
        if (o == CLI_OPT_ARG)
            return cli_usage_error("migrate", "unexpected argument '%s'", ps.value);
        if (o == OPT_STATUS) status = true;
    }

    int current = db_schema_version(ctx->db);
    if (current < 0)
        return cli_fail("migrate", "cannot read the schema version: %s", db_errmsg(ctx->db));
    int known = db_known_version();

    if (status) {
        printf("current version: %d\nknown version: %d\n", current, known);
        int pending = db_known_above(current);
        if (current < known)
            printf("%d migration%s pending: run 'lectern migrate' to apply\n", pending, pending == 1 ? "" : "s");
        else if (current > known)
            printf("the database is newer than this binary: use a newer release of lectern\n");
        else
            printf("up to date\n");
        return EXIT_OK;
    }

    struct problem p = {0};
    if (db_migrate(ctx->db, &p) != LE_OK)
        return cli_fail("migrate", "%s", p.message[0] ? p.message : db_errmsg(ctx->db));
    int now = db_schema_version(ctx->db);
    if (now < 0)
        return cli_fail("migrate", "cannot read the schema version: %s", db_errmsg(ctx->db));
    if (now == current + 1)
        printf("applied migration %d\n", now);
    else if (now > current)
        printf("applied migrations %d to %d\n", current + 1, now);
    printf("schema at version %d\n", now);
    return EXIT_OK;
}
