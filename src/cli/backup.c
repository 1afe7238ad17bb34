/* lectern backup FILE: a consistent copy of the SQLite database while Lectern keeps serving
 * (SQLite's online backup API, in db/sqlite.c). PostgreSQL databases are backed up with
 * pg_dump; for them this command prints the commands to use and changes nothing. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

static const char backup_usage[] =
    "usage: lectern backup FILE\n"
    "\n"
    "Writes a consistent copy of the database to FILE, a new file, while Lectern keeps serving:\n"
    "the copy is the database as it was at one moment, checked before it is given its name.\n"
    "Uploaded files are not in the database: copy DATA_DIR/files/ as well (for example with\n"
    "rsync; they never change once written). Restore with 'lectern restore FILE'.\n"
    "\n"
    "On PostgreSQL (--db postgres://...) back up with pg_dump instead; this command then prints\n"
    "the pg_dump and pg_restore commands for the database and exits 1.\n";

/* The URL without its password, for commands printed on the terminal. */
void cli_redact_db_url(const char *url, char *out, size_t out_len)
{
    const char *scheme = strstr(url, "://");
    if (scheme) {
        const char *auth = scheme + 3;
        const char *end = auth + strcspn(auth, "/?#");
        const char *at = NULL;
        for (const char *q = auth; q < end; q++)
            if (*q == '@') at = q;
        const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        if (colon) {
            snprintf(out, out_len, "%.*s%s", (int)(colon - url), url, at);
            return;
        }
        snprintf(out, out_len, "%s", url);
        return;
    }
    /* key=value form: drop password=... */
    size_t k = 0;
    out[0] = '\0';
    for (const char *q = url; *q && k + 1 < out_len;) {
        while (*q == ' ') q++;
        size_t n = strcspn(q, " ");
        if (n && strncmp(q, "password=", 9) != 0)
            k += (size_t)snprintf(out + k, out_len - k, "%s%.*s", k ? " " : "", (int)n, q);
        q += n;
        if (k >= out_len) break;
    }
}

int cli_pg_backup_advice(const char *cmd, const char *url, const char *data_dir)
{
    char shown[1024];
    cli_redact_db_url(url, shown, sizeof shown);
    fprintf(stderr,
            "lectern %s: this database is on PostgreSQL, which Lectern does not copy itself.\n"
            "Back it up with pg_dump (consistent while Lectern serves):\n"
            "  pg_dump --format=custom --file=lectern.dump '%s'\n"
            "Restore it into a new, empty database with pg_restore, with Lectern stopped:\n"
            "  createdb -E UTF8 -T template0 NEWDB\n"
            "  pg_restore --no-owner --exit-on-error --dbname='%s' lectern.dump\n"
            "(give the password in PGPASSWORD or ~/.pgpass, not on the command line; replace the\n"
            "database name in the URL with NEWDB.) Copy the uploaded files in %s/files/ too.\n"
            "docs/deploy.md has the details.\n",
            cmd, shown, shown, data_dir);
    return EXIT_FAIL;
}

int cmd_backup(int argc, char **argv, struct cli_ctx *ctx)
{
    if (cli_wants_help(argc, argv)) return cli_help(backup_usage);
    static const struct cli_opt opts[] = {{0}};
    struct cli_parser ps;
    cli_parser_init(&ps, "backup", argc, argv, opts);
    const char *file = NULL;
    for (int o; (o = cli_next(&ps)) != CLI_OPT_END;) {
        if (o == CLI_OPT_ERROR) return EXIT_USAGE;
        if (file) return cli_usage_error("backup", "unexpected argument '%s': give one file", ps.value);
        file = ps.value;
    }
    if (!file) return cli_usage_error("backup", "where to? give the name of the backup file");
    if (strcmp(db_engine_name(ctx->db), "postgres") == 0)
        return cli_pg_backup_advice("backup", ctx->db_url, ctx->data_dir);

    struct problem p = {0};
    if (db_backup(ctx->db, file, &p) != LE_OK) return cli_fail("backup", "%s", p.message);
    struct stat st;
    long long kib = stat(file, &st) == 0 ? ((long long)st.st_size + 1023) / 1024 : 0;
    printf("backed up the database in %s to %s (%lld KiB, schema version %d)\n", ctx->data_dir, file, kib,
           db_schema_version(ctx->db));
    printf("Uploaded files are not in it: copy %s/files/ too.\n", ctx->data_dir);
    return EXIT_OK;
}
