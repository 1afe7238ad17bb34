/* lectern init: creates the data directory and the database, applies the migrations and
 * creates the first administrator. Safe to run twice: the second run changes nothing. */
#include <stdio.h>
#include "cli.h"
#include "../model/people/people.h"

static const char init_usage[] =
    "usage: lectern init [--data DIR] [--db URL]\n"
    "\n"
    "Creates the data directory (default ./data) and the database, brings the schema up to\n"
    "date and creates the administrator account 'admin' with a one-time password, printed\n"
    "once. Sign in with it and choose a new password.\n"
    "\n"
    "Running init again on an initialised data directory changes nothing; use\n"
    "'lectern migrate' to apply migrations from a newer release.\n";

int cmd_init(int argc, char **argv, struct cli_ctx *ctx)
{
    if (cli_wants_help(argc, argv)) return cli_help(init_usage);
    struct cli_parser ps;
    static const struct cli_opt opts[] = {{0}};
    cli_parser_init(&ps, "init", argc, argv, opts);
    int o = cli_next(&ps);
    if (o == CLI_OPT_ERROR) return EXIT_USAGE;
    if (o == CLI_OPT_ARG) return cli_usage_error("init", "unexpected argument '%s'", ps.value);

    const char *where = ctx->db_url ? "the database" : ctx->data_dir;
    int version = db_schema_version(ctx->db);
    if (version < 0)
        return cli_fail("init", "cannot read the schema version: %s", db_errmsg(ctx->db));
    if (version > 0) {
        int users = user_count(ctx->db);
        if (users < 0) return cli_fail("init", "cannot count users: %s", db_errmsg(ctx->db));
        if (users > 0) {
            printf("Lectern is already initialised in %s (schema version %d, %d user%s); "
                   "nothing changed.\n",
                   where, version, users, users == 1 ? "" : "s");
            if (version < db_known_version())
                printf("Run 'lectern migrate' to apply %d pending migration%s.\n",
                       db_known_version() - version, db_known_version() - version == 1 ? "" : "s");
            return EXIT_OK;
        }
        /* A schema but nobody to sign in: an earlier init stopped halfway. Finish it. */
    }

    struct problem p = {0};
    if (db_migrate(ctx->db, &p) != LE_OK)
        return cli_fail("init", "cannot create the database schema: %s",
                        p.message[0] ? p.message : db_errmsg(ctx->db));
    int now = db_schema_version(ctx->db);
    printf("Initialised Lectern in %s (schema version %d).\n", where, now);
    return cli_bootstrap_admin(ctx);
}
