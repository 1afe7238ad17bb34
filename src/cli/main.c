/* lectern: the one binary. Parses the global options, finds the command in the dispatch table,
 * opens and migrates the database once when the command needs it, and runs the command. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "../core/asset.h"
#include "../model/model.h"


/* What main sets up before calling a command. */
enum {
    CLI_NEEDS_DB = 1 << 0,     /* open ctx->db and run db_migrate first */
    CLI_NO_MIGRATE = 1 << 1,   /* with CLI_NEEDS_DB: open only; the command migrates itself */
    CLI_CREATES_DATA = 1 << 2, /* create the data directory when missing, instead of refusing */
};

static const struct cli_command {
    const char *name;
    cli_command_fn fn;
    unsigned flags;
    const char *summary;
} commands[] = {
    {"serve", cmd_serve, CLI_NEEDS_DB | CLI_CREATES_DATA, "Run the web server"},
    {"init", cmd_init, CLI_NEEDS_DB | CLI_NO_MIGRATE | CLI_CREATES_DATA,
     "Create the data directory, the database and the first administrator"},
    {"migrate", cmd_migrate, CLI_NEEDS_DB | CLI_NO_MIGRATE,
     "Apply pending database migrations, or show the schema version"},
    {"user", cmd_user, CLI_NEEDS_DB,
     "Add, list and show accounts; set passwords; unlock, suspend, reactivate"},
    {"course", cmd_course, CLI_NEEDS_DB, "Import courses from CSV (Moodle's columns)"},
    {"enrol", cmd_enrol, CLI_NEEDS_DB, "Import enrolments from CSV (Lectern's or Canvas's columns)"},
    {"event", cmd_event, CLI_NEEDS_DB, "Import the events of session activities from CSV"},
    {"completion", cmd_completion, CLI_NEEDS_DB, "Import completions of courses and programmes from CSV"},
    {"question", cmd_question, CLI_NEEDS_DB, "Import a course's question bank from GIFT, Moodle XML or Aiken, or export it"},
    {"audit", cmd_audit, CLI_NEEDS_DB,
     "Verify the audit log's hash chain, or show its newest entries"},
    {"jobs", cmd_jobs, CLI_NEEDS_DB, "List background jobs, or queue one"},
    {"mail", cmd_mail, CLI_NEEDS_DB, "Send a test message; list or retry the mail outbox"},
    {"maintenance", cmd_maintenance, CLI_NEEDS_DB, "Turn read-only mode on or off, or show it"},
    {"backup", cmd_backup, CLI_NEEDS_DB | CLI_NO_MIGRATE,
     "Copy the database to a file while Lectern serves (PostgreSQL: pg_dump)"},
    {"restore", cmd_restore, 0, "Put a backup in place as the database (Lectern stopped)"},
    {"bench-data", cmd_bench_data, CLI_NEEDS_DB | CLI_CREATES_DATA,
     "Fill an empty database with generated data for 'make bench'"},
    {"routes", cmd_routes, 0, "Print the route table as JSON (method, pattern, capability)"},
    {"version", cmd_version, 0, "Print the version"},
#ifdef LECTERN_TEST_CLOCK
    {"clock", cmd_clock, 0, "Test builds only: move the clock of the servers on a data directory"},
#endif
};
static const size_t n_commands = sizeof commands / sizeof commands[0];

static void usage(FILE *out)
{
    fprintf(out,
            "usage: lectern [--data DIR] [--db URL] [--dev-assets DIR] <command> [<args>]\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < n_commands; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "Global options (before or after the command name):\n"
            "  --data DIR        data directory (env LECTERN_DATA; default ./data)\n"
            "  --db URL          database URL (env LECTERN_DB; default SQLite in the data\n"
            "                    directory)\n"
            "  --dev-assets DIR  read templates, migrations and static files from DIR instead of\n"
            "                    the copies built into the binary (env LECTERN_DEV_ASSETS)\n"
            "  -h, --help        show this help; 'lectern <command> --help' explains a command\n"
            "  --version         print the version\n"
            "\n"
            "Exit status: 0 ok, 1 failure, 2 usage error.\n");
}

static const struct cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < n_commands; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

/* Matches a global option at argv[*i] ("--data DIR" or "--data=DIR"). Returns 1 when it was
 * one (value stored, *i advanced past it), 0 when not, -1 on a usage error. */
static int global_option(int argc, char **argv, int *i, struct cli_ctx *ctx)
{
    static const struct {
        const char *name;
        size_t offset;
        const char *what;
    } globals[] = {
        {"--data", offsetof(struct cli_ctx, data_dir), "a directory"},
        {"--db", offsetof(struct cli_ctx, db_url), "a database URL"},
        {"--dev-assets", offsetof(struct cli_ctx, dev_assets), "a directory"},
    };
    const char *a = argv[*i];
    for (size_t g = 0; g < sizeof globals / sizeof globals[0]; g++) {
        size_t len = strlen(globals[g].name);
        if (strncmp(a, globals[g].name, len) != 0) continue;
        const char *value;
        if (a[len] == '=') {
            value = a + len + 1;
        } else if (a[len] == '\0') {
            if (*i + 1 >= argc) {
                fprintf(stderr, "lectern: %s needs %s (see 'lectern --help')\n", globals[g].name,
                        globals[g].what);
                return -1;
            }
            value = argv[++*i];
        } else {
            continue;
        }
        if (!*value) {
            fprintf(stderr, "lectern: %s needs %s, not an empty string\n", globals[g].name,
                    globals[g].what);
            return -1;
        }
        *(const char **)((char *)ctx + globals[g].offset) = value;
        return 1;
    }
    return 0;
}

/* Checks the data directory and opens the database as the command's flags ask. */
static int open_database(const struct cli_command *cmd, struct cli_ctx *ctx)
{
    bool sqlite = !ctx->db_url;
    struct stat st;
    struct problem p = {0};
    if (stat(ctx->data_dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            fprintf(stderr,
                    "lectern: the data directory '%s' is not a directory: pass --data with a "
                    "directory (or set LECTERN_DATA)\n",
                    ctx->data_dir);
            return EXIT_FAIL;
        }
    } else if (errno != ENOENT) {
        fprintf(stderr, "lectern: cannot use the data directory '%s': %s\n", ctx->data_dir,
                strerror(errno));
        return EXIT_FAIL;
    } else if (cmd->flags & CLI_CREATES_DATA) {
        if (cli_mkdir_p(ctx->data_dir, &p) != LE_OK) {
            fprintf(stderr, "lectern: cannot create the data directory: %s\n", p.message);
            return EXIT_FAIL;
        }
    } else if (sqlite) {
        fprintf(stderr,
                "lectern: there is no data directory at '%s': run 'lectern init --data %s' "
                "first, or pass --data with the directory Lectern was initialised in\n",
                ctx->data_dir, ctx->data_dir);
        return EXIT_FAIL;
    }
    if (sqlite && !(cmd->flags & CLI_CREATES_DATA)) {
        /* Opening SQLite would quietly create an empty database; say what is wrong instead. */
        char path[4096];
        snprintf(path, sizeof path, "%s/lectern.db", ctx->data_dir);
        if (stat(path, &st) != 0) {
            fprintf(stderr,
                    "lectern: '%s' holds no Lectern database: run 'lectern init --data %s' first\n",
                    ctx->data_dir, ctx->data_dir);
            return EXIT_FAIL;
        }
    }

    if (db_open(ctx->db_url, ctx->data_dir, &ctx->db, &p) != LE_OK) {
        fprintf(stderr, "lectern: cannot open the database: %s\n",
                p.message[0] ? p.message : "unknown error");
        ctx->db = NULL;
        return EXIT_FAIL;
    }
    if (!(cmd->flags & CLI_NO_MIGRATE) && db_migrate(ctx->db, &p) != LE_OK) {
        fprintf(stderr, "lectern: cannot bring the database schema up to date: %s\n",
                p.message[0] ? p.message : db_errmsg(ctx->db));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    json_memory_install(); /* before any JSON value exists */
    if (core_init() != LE_OK) {
        fprintf(stderr, "lectern: cannot initialise libsodium\n");
        return EXIT_FAIL;
    }
    model_init(); /* the domains plug into each other before any command runs */
    struct cli_ctx ctx = {
        .data_dir = env_or("LECTERN_DATA", "./data"),
        .db_url = env_or("LECTERN_DB", NULL),
        .dev_assets = env_or("LECTERN_DEV_ASSETS", NULL),
    };

    /* Global options may come before or after the command name, so take them out of argv
     * wherever they are (up to a "--"); what is left is the command and its arguments. */
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args) {
        fprintf(stderr, "lectern: out of memory\n");
        return EXIT_FAIL;
    }
    int nargs = 0;
    bool rest_verbatim = false;
    for (int i = 1; i < argc; i++) {
        if (!rest_verbatim && strcmp(argv[i], "--") == 0) rest_verbatim = true;
        int g = rest_verbatim ? 0 : global_option(argc, argv, &i, &ctx);
        if (g < 0) {
            free(args);
            return EXIT_USAGE;
        }
        if (g == 0) args[nargs++] = argv[i];
    }

    time_clock_use(ctx.data_dir); /* the test clock, in test builds only */
    int rc;
    if (nargs == 0) {
        usage(stderr);
        rc = EXIT_USAGE;
        goto out;
    }
    const char *name = args[0];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 ||
        (strcmp(name, "help") == 0 && nargs == 1)) {
        usage(stdout);
        rc = EXIT_OK;
        goto out;
    }
    if (strcmp(name, "help") == 0) {
        /* "lectern help user" is "lectern user --help". */
        const struct cli_command *c = find_command(args[1]);
        if (!c) {
            fprintf(stderr, "lectern: '%s' is not a lectern command (see 'lectern --help')\n",
                    args[1]);
            rc = EXIT_USAGE;
            goto out;
        }
        char *help_argv[] = {(char *)c->name, "--help", NULL};
        rc = c->fn(2, help_argv, &ctx);
        goto out;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) name = "version";
    else if (name[0] == '-') {
        fprintf(stderr, "lectern: unknown option '%s' (see 'lectern --help')\n", name);
        rc = EXIT_USAGE;
        goto out;
    }
    const struct cli_command *cmd = find_command(name);
    if (!cmd) {
        fprintf(stderr, "lectern: '%s' is not a lectern command (see 'lectern --help')\n", name);
        rc = EXIT_USAGE;
        goto out;
    }

    if (ctx.dev_assets) {
        struct stat st;
        if (stat(ctx.dev_assets, &st) != 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr,
                    "lectern: --dev-assets '%s' is not a directory: pass the repository root "
                    "(the folder holding templates/, migrations/ and static/)\n",
                    ctx.dev_assets);
            rc = EXIT_FAIL;
            goto out;
        }
        asset_set_dev_dir(ctx.dev_assets);
    }

    /* A command's --help must work without a data directory. */
    if ((cmd->flags & CLI_NEEDS_DB) && !cli_wants_help(nargs, args)) {
        rc = open_database(cmd, &ctx);
        if (rc != EXIT_OK) goto out;
    }
    args[0] = (char *)cmd->name;
    rc = cmd->fn(nargs, args, &ctx);

out:
    if (ctx.db) db_close(ctx.db);
    free(args);
    if (fflush(stdout) != 0 && rc == EXIT_OK) {
        fprintf(stderr, "lectern: cannot write to standard output: %s\n", strerror(errno));
        rc = EXIT_FAIL;
    }
    return rc;
}
