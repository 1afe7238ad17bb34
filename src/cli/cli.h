/* Lectern's command line: one file per command (src/cli/<command>.c), one dispatch table
 * in main.c. Exit codes: 0 ok, 1 failure, 2 usage. */
#ifndef LECTERN_CLI_H
#define LECTERN_CLI_H

#include "../core/core.h"
#include "../db/db.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* What main.c sets up before calling a command. */
struct cli_ctx {
    const char *data_dir;   /* --data DIR, env LECTERN_DATA, default ./data */
    const char *db_url;     /* --db URL, env LECTERN_DB, default: SQLite in data_dir */
    const char *dev_assets; /* --dev-assets DIR, env LECTERN_DEV_ASSETS: read templates etc. from disk */
    struct db *db;          /* opened and migrated when the command's flags ask for it */
    /* Where cli_bootstrap_admin tells the administrator to sign in; NULL means
     * http://127.0.0.1:8080. serve sets it from --listen before bootstrapping. */
    const char *sign_in_url;
};

/* argv[0] is the command name; argv holds only the command's own arguments. */
typedef int (*cli_command_fn)(int argc, char **argv, struct cli_ctx *ctx);

int cmd_serve(int argc, char **argv, struct cli_ctx *ctx);
int cmd_init(int argc, char **argv, struct cli_ctx *ctx);
int cmd_migrate(int argc, char **argv, struct cli_ctx *ctx);
int cmd_user(int argc, char **argv, struct cli_ctx *ctx);
int cmd_audit(int argc, char **argv, struct cli_ctx *ctx);
int cmd_version(int argc, char **argv, struct cli_ctx *ctx);
int cmd_routes(int argc, char **argv, struct cli_ctx *ctx);
#ifdef LECTERN_TEST_CLOCK
int cmd_clock(int argc, char **argv, struct cli_ctx *ctx); /* test builds only */
#endif
int cmd_backup(int argc, char **argv, struct cli_ctx *ctx);
int cmd_restore(int argc, char **argv, struct cli_ctx *ctx);
int cmd_jobs(int argc, char **argv, struct cli_ctx *ctx);
int cmd_maintenance(int argc, char **argv, struct cli_ctx *ctx);
/* lectern user import | export (user_import.c), dispatched from user.c. */
int cli_user_import(int argc, char **argv, struct cli_ctx *ctx, struct arena *a);
int cli_user_export(int argc, char **argv, struct cli_ctx *ctx, struct arena *a);
extern const char cli_user_import_usage[];
extern const char cli_user_export_usage[];
int cmd_mail(int argc, char **argv, struct cli_ctx *ctx);
int cmd_bench_data(int argc, char **argv, struct cli_ctx *ctx);
/* lectern course import, lectern enrol import (course.c; docs/courses.md). */
int cmd_course(int argc, char **argv, struct cli_ctx *ctx);
int cmd_enrol(int argc, char **argv, struct cli_ctx *ctx);
/* The end of the CSV imports' usage texts: the --dry-run option and the exit statuses. */
#define CLI_CSV_IMPORT_OPTIONS                                                                          \
    "\n"                                                                                                \
    "  --dry-run   print the outcome and write nothing\n"                                               \
    "\n"                                                                                                \
    "Exit status: 0 when written (or, with --dry-run, when no row has an error); 1 when the file\n"     \
    "or a row has an error (nothing is written); 2 for a usage error.\n"
/* What the CSV imports of courses, enrolments and events share (course.c): reads "import FILE
 * [--dry-run]" from argv, runs run as a preview or a commit, prints every row's outcome and
 * problems by line and column and a summary, and returns the exit status. */
struct course_import_result;
typedef lerr (*cli_import_fn)(struct db *, struct arena *, const char *, size_t, bool, int64_t,
                              struct course_import_result *, struct problem *);
int cli_csv_import(int argc, char **argv, struct cli_ctx *ctx, const char *usage, const char *what,
                   cli_import_fn run, const char *create_word, const char *update_word);
/* lectern event import (event.c; docs/planning.md). */
int cmd_event(int argc, char **argv, struct cli_ctx *ctx);
/* lectern completion import (completion.c; docs/schedules.md). */
int cmd_completion(int argc, char **argv, struct cli_ctx *ctx);
/* lectern question import | export: a course's question bank as GIFT (question.c). */
int cmd_question(int argc, char **argv, struct cli_ctx *ctx);

/* For PostgreSQL, which Lectern does not back up itself: prints the pg_dump and pg_restore
 * commands for url (without its password) on stderr; returns EXIT_FAIL (backup.c). */
int cli_pg_backup_advice(const char *cmd, const char *url, const char *data_dir);
/* url with any password left out, for printing. */
void cli_redact_db_url(const char *url, char *out, size_t out_len);

/* Creates the first administrator ("admin") with a one-time password printed once, when the
 * database has no users. Used by `init` and by `serve` on first start. Returns EXIT_OK (also
 * when users already exist, changing nothing) or EXIT_FAIL after saying why on stderr. */
int cli_bootstrap_admin(struct cli_ctx *ctx);

/* True when argv holds -h or --help (before any "--"). */
bool cli_wants_help(int argc, char **argv);

/* The version this binary was built as: LECTERN_VERSION from the VERSION file, or "dev".
 * Defined in main.c, the one file the Makefile compiles with that macro. */
extern const char cli_version[];

/* ---- Helpers shared by the commands (common.c) ---- */

/* A small option parser. Long options take "--name VALUE" or "--name=VALUE", short ones
 * "-n VALUE"; "--" ends the options. Options and positional arguments may be mixed. */
struct cli_opt {
    const char *name;   /* "email" for --email */
    char short_name;    /* 'n' for -n, or 0 */
    bool has_value;
    int id;             /* what cli_next returns for it; > 0 */
};
enum { CLI_OPT_END = 0, CLI_OPT_ARG = -1, CLI_OPT_ERROR = -2 };
struct cli_parser {
    const char *cmd;            /* "user add": names the command in messages */
    int argc;
    char **argv;                /* argv[0] is the command name and is skipped */
    int i;
    const struct cli_opt *opts; /* ends with an entry whose name is NULL */
    bool opts_done;
    const char *value;          /* the option's value, or the positional argument */
};
void cli_parser_init(struct cli_parser *ps, const char *cmd, int argc, char **argv,
                     const struct cli_opt *opts);
/* The next option's id (value in ps->value when it takes one), CLI_OPT_ARG for a positional
 * argument (in ps->value), CLI_OPT_END, or CLI_OPT_ERROR after a usage message on stderr. */
int cli_next(struct cli_parser *ps);

/* "lectern CMD: message (see 'lectern CMD --help')" on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "lectern CMD: message" on stderr; returns EXIT_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints help text on stdout; returns EXIT_OK. */
int cli_help(const char *text);
/* The whole of the file at path ("-" = standard input), NUL-terminated, *len its size; at most
 * max bytes. NULL after telling the user why (cannot open or read it, larger than max). */
char *cli_read_file(const char *cmd, const char *path, size_t max, size_t *len);
#define CLI_IMPORT_MAX ((size_t)1 << 30) /* CSV imports: 1 GiB, far beyond CSV_MAX_RECORDS lines */
/* Parses a whole decimal integer in [min, max]; on failure prints a usage error naming opt. */
bool cli_parse_int(const char *cmd, const char *opt, const char *s, int min, int max, int *out);
/* The options every "list" subcommand shares: --state S (one of states, a NULL-terminated
 * list), -n/--lines N (1..max_n, default 20) and --json. Returns 0, or the exit code to use. */
struct cli_list_opts {
    const char *state;
    int n;
    bool json;
};
int cli_parse_list_opts(const char *cmd, int argc, char **argv, const char *const *states, int max_n,
                        struct cli_list_opts *out);
/* Reads one line from stdin into out (trailing \n or \r\n removed). When stdin is a terminal
 * it prompts on stderr and does not echo. Returns EXIT_OK, or EXIT_FAIL after a message. */
int cli_read_password(const char *cmd, const char *prompt, char *out, size_t out_len);
/* Creates a directory and its parents (mode 0700 for new ones). LE_IO with p when it cannot,
 * including when path or a parent exists and is not a directory. */
lerr cli_mkdir_p(const char *path, struct problem *p);
/* Epoch seconds as ISO 8601, or `none` for 0. */
const char *cli_time(int64_t t, char out[static 21], const char *none);
/* Columns a UTF-8 string takes on a terminal (code points; good enough for names). */
size_t cli_text_width(const char *s);
/* Prints a JSON value on stdout, indented, with a final newline; takes no reference. */
struct json_t;
int cli_print_json(struct json_t *j);

#endif
