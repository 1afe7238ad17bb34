/* lectern restore FILE: puts a backup made by `lectern backup` in place as the data
 * directory's database. It checks first that FILE is a sound Lectern database that this
 * binary can run, refuses while any Lectern process has the database open (stop serve first),
 * and keeps the database it replaces. Afterwards it checks the audit chain of what it
 * restored. PostgreSQL databases are restored with pg_restore. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "../model/platform/platform.h"

static const char restore_usage[] =
    "usage: lectern restore FILE\n"
    "\n"
    "Replaces the database in the data directory with FILE, a backup made by 'lectern backup'.\n"
    "Stop 'lectern serve' first: restore refuses while the database is in use. FILE is checked\n"
    "before anything changes (an intact SQLite file holding a Lectern database no newer than\n"
    "this binary); the database it replaces is kept as DATA_DIR/lectern.db.before-restore.\n"
    "A backup from an older release is brought up to date by 'lectern migrate' or at the next\n"
    "start. Put the uploaded files back in DATA_DIR/files/ yourself.\n"
    "\n"
    "On PostgreSQL use pg_restore; this command then prints how and exits 1.\n";

int cmd_restore(int argc, char **argv, struct cli_ctx *ctx)
{
    if (cli_wants_help(argc, argv)) return cli_help(restore_usage);
    static const struct cli_opt opts[] = {{0}};
    struct cli_parser ps;
    cli_parser_init(&ps, "restore", argc, argv, opts);
    const char *file = NULL;
    for (int o; (o = cli_next(&ps)) != CLI_OPT_END;) {
        if (o == CLI_OPT_ERROR) return EXIT_USAGE;
        if (file) return cli_usage_error("restore", "unexpected argument '%s': give one file", ps.value);
        file = ps.value;
    }
    if (!file) return cli_usage_error("restore", "which backup? give the backup file");
    if (ctx->db_url) {
        if (db_pg_url(ctx->db_url)) return cli_pg_backup_advice("restore", ctx->db_url, ctx->data_dir);
        return cli_fail("restore", "restore works on the SQLite database in the data directory; leave --db out");
    }
    struct problem p = {0};
    if (cli_mkdir_p(ctx->data_dir, &p)) return cli_fail("restore", "%s", p.message);
    if (db_sqlite_restore(ctx->data_dir, file, &p)) return cli_fail("restore", "%s", p.message);

    /* What was restored: its version, and whether its audit chain holds. */
    if (db_open(NULL, ctx->data_dir, &ctx->db, &p)) {
        ctx->db = NULL;
        return cli_fail("restore", "restored, but cannot open the result: %s", p.message);
    }
    int version = db_schema_version(ctx->db);
    printf("restored %s into %s/lectern.db (schema version %d)\n", file, ctx->data_dir, version);
    int64_t bad = 0, n = 0;
    p = (struct problem){0};
    if (audit_verify(ctx->db, &bad, &n, &p) == LE_OK) {
        printf("audit log intact: %lld entr%s\n", (long long)n, n == 1 ? "y" : "ies");
    } else {
        fprintf(stderr, "lectern restore: warning: the restored audit log does not verify: %s\n", p.message);
        return EXIT_FAIL;
    }
    if (version < db_known_version())
        printf("It is from an older release: 'lectern migrate' (or the next start) brings it up to date.\n");
    return EXIT_OK;
}
