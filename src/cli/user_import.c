/* lectern user import | export: bulk upload from CSV and its counterpart (docs/people.md).
 * The same model functions as the upload page, so the preview printed here is the one the
 * page shows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "cli.h"
#include "../model/people/people.h"


const char cli_user_import_usage[] =
    "usage: lectern user import FILE [--mode add|upsert|update] [--dry-run] [--skip-errors]\n"
    "                           [--allow-renames] [--allow-suspend] [--allow-delete]\n"
    "                           [--force-password-change] [--weak-password-link]\n"
    "                           [--create-departments] [--username-template TEMPLATE]\n"
    "                           [--threads N] [--quiet] [--json]\n"
    "\n"
    "Creates and updates accounts from a CSV file (FILE, or - for standard input). The header\n"
    "row names the columns: Moodle's bulk upload columns, Canvas users.csv columns and\n"
    "Lectern's own (job_role, manager, roles); see docs/people.md. Every row's outcome is\n"
    "printed first; the file is then written in one transaction, all or nothing.\n"
    "\n"
    "  --mode MODE              add (new accounts only), upsert (add and update; the default)\n"
    "                           or update (existing accounts only)\n"
    "  --dry-run                print the preview and write nothing\n"
    "  --skip-errors            write the valid rows even when others have errors (the exit\n"
    "                           status is then 0)\n"
    "  --allow-renames          oldusername renames an account to username\n"
    "  --allow-suspend          suspended (or status) may suspend and reactivate accounts\n"
    "  --allow-delete           deleted=1 (or status=deleted) deletes accounts: they are\n"
    "                           suspended and anonymised; their training records stay\n"
    "  --force-password-change  new accounts with a password from the file must change it at\n"
    "                           first sign-in\n"
    "  --weak-password-link     a new account whose password fails the password policy is made\n"
    "                           without one and gets a sign-in link (instead of a row error)\n"
    "  --create-departments     departments the file names that do not exist are created\n"
    "                           (\"Operations / Sales\" level by level)\n"
    "  --username-template T    for rows without a username: {first} {last} {f} {l} {idnumber}\n"
    "                           (default {f}{last}: jsmith), made unique with 2, 3, ...\n"
    "  --threads N              threads hashing passwords (default: one per core)\n"
    "  --quiet                  print only the rows with errors and the summary\n"
    "  --json                   print the result as JSON instead\n"
    "\n"
    "Exit status: 0 when written (or, with --dry-run, when no row has an error); 1 when the\n"
    "file or any row has an error (unless --skip-errors), nothing being written then.\n";

const char cli_user_export_usage[] =
    "usage: lectern user export [--output FILE]\n"
    "\n"
    "Writes every account (deleted ones left out) as CSV in the columns 'lectern user import'\n"
    "reads: username, firstname, lastname, email, idnumber, institution, department, city,\n"
    "country, lang, timezone, phone1, suspended, job_role, manager, roles and one\n"
    "profile_field_<shortname> per custom profile field. Passwords are never exported.\n";

struct progress {
    bool tty;
    int last_pct;
    const char *last_stage;
};

static void on_progress(void *ctx, const char *stage, int64_t done, int64_t total)
{
    struct progress *pr = ctx;
    int pct = total ? (int)(done * 100 / total) : 100;
    if (!pr->last_stage || strcmp(pr->last_stage, stage) != 0) pr->last_pct = -1;
    bool new_stage = pr->last_pct < 0;
    pr->last_stage = stage;
    const char *what = strcmp(stage, "hashing") == 0 ? "hashing passwords" : "writing";
    if (pr->tty) {
        fprintf(stderr, "\r%s: %lld/%lld (%d%%)%s", what, (long long)done, (long long)total, pct,
                done >= total ? "\n" : "");
    } else if (new_stage || pct / 10 > pr->last_pct / 10 || (done >= total && pr->last_pct != 100)) {
        fprintf(stderr, "%s: %lld/%lld (%d%%)\n", what, (long long)done, (long long)total, pct);
    } else {
        return;
    }
    pr->last_pct = pct;
    fflush(stderr);
}

static void print_result(const struct import_result *r, bool quiet)
{
    if (r->n_columns) {
        printf("Columns: ");
        for (int i = 0; i < r->n_columns; i++) printf("%s%s", i ? ", " : "", r->columns[i]);
        printf("  (delimiter %s%s)\n", r->delimiter == '\t' ? "tab" : r->delimiter == ';' ? "';'" : "','",
               r->bom ? ", UTF-8 with BOM" : "");
    }
    if (r->n_unknown) {
        printf("Unknown columns, ignored: ");
        for (int i = 0; i < r->n_unknown; i++) printf("%s%s", i ? ", " : "", r->unknown_columns[i]);
        printf("\n");
    }
    for (int i = 0; i < r->n_file_errors; i++) {
        const struct import_issue *e = &r->file_errors[i];
        printf("line %d: error%s%s%s: %s\n", e->line, *e->column ? " in column '" : "", e->column,
               *e->column ? "'" : "", e->message);
    }
    for (int i = 0; i < r->n_rows; i++) {
        const struct import_row *row = &r->rows[i];
        if (quiet && row->outcome != IO_ERROR) continue;
        printf("line %-6d %-9s %s", row->line, import_outcome_name(row->outcome),
               row->username && *row->username ? row->username : "-");
        if (row->note && *row->note) printf("  (%s)", row->note);
        printf("\n");
        for (int k = 0; k < row->n_errors; k++) {
            const struct import_issue *e = &row->errors[k];
            printf("    %s%s%s%s\n", *e->column ? "column " : "", e->column, *e->column ? ": " : "", e->message);
        }
    }
    for (int i = 0; i < r->n_new_departments; i++)
        printf("%s %s\n", i ? "                        " : "Departments to create:", r->new_departments[i]);
    printf("Rows: %d: create %lld, update %lld, unchanged %lld, skip %lld, error %lld\n", r->n_rows,
           (long long)r->counts[IO_CREATE], (long long)r->counts[IO_UPDATE],
           (long long)r->counts[IO_UNCHANGED], (long long)r->counts[IO_SKIP], (long long)r->counts[IO_ERROR]);
}

int cli_user_import(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    const char *cmd = "user import";
    enum {
        OPT_MODE = 1, OPT_DRY, OPT_SKIP, OPT_RENAMES, OPT_SUSPEND, OPT_DELETE, OPT_FORCE, OPT_WEAK_LINK, OPT_DEPARTMENTS, OPT_TEMPLATE,
        OPT_THREADS, OPT_QUIET, OPT_JSON
    };
    static const struct cli_opt opts[] = {
        {"mode", 0, true, OPT_MODE},
        {"dry-run", 0, false, OPT_DRY},
        {"skip-errors", 0, false, OPT_SKIP},
        {"allow-renames", 0, false, OPT_RENAMES},
        {"allow-suspend", 0, false, OPT_SUSPEND},
        {"allow-delete", 0, false, OPT_DELETE},
        {"force-password-change", 0, false, OPT_FORCE},
        {"weak-password-link", 0, false, OPT_WEAK_LINK},
        {"create-departments", 0, false, OPT_DEPARTMENTS},
        {"username-template", 0, true, OPT_TEMPLATE},
        {"threads", 0, true, OPT_THREADS},
        {"quiet", 'q', false, OPT_QUIET},
        {"json", 0, false, OPT_JSON},
        {0},
    };
    struct cli_parser ps;
    cli_parser_init(&ps, cmd, argc, argv, opts);
    struct import_options o = {.mode = IMPORT_UPSERT};
    const char *file = NULL;
    bool dry = false, quiet = false, json = false;
    for (int opt; (opt = cli_next(&ps)) != CLI_OPT_END;) {
        switch (opt) {
        case CLI_OPT_ERROR: return EXIT_USAGE;
        case CLI_OPT_ARG:
            if (file) return cli_usage_error(cmd, "unexpected argument '%s': give one file", ps.value);
            file = ps.value;
            break;
        case OPT_MODE:
            if (import_mode_parse(ps.value, &o.mode))
                return cli_usage_error(cmd, "--mode is add, upsert or update, not '%s'", ps.value);
            break;
        case OPT_DRY: dry = true; break;
        case OPT_SKIP: o.valid_only = true; break;
        case OPT_RENAMES: o.allow_renames = true; break;
        case OPT_SUSPEND: o.allow_suspend = true; break;
        case OPT_DELETE: o.allow_delete = true; break;
        case OPT_FORCE: o.force_password_change = true; break;
        case OPT_WEAK_LINK: o.weak_password_link = true; break;
        case OPT_DEPARTMENTS: o.create_departments = true; break;
        case OPT_TEMPLATE: o.username_template = ps.value; break;
        case OPT_THREADS:
            if (!cli_parse_int(cmd, "--threads", ps.value, 1, 64, &o.threads)) return EXIT_USAGE;
            break;
        case OPT_QUIET: quiet = true; break;
        case OPT_JSON: json = true; break;
        }
    }
    if (!file) return cli_usage_error(cmd, "which file? give a CSV file, or - for standard input");

    size_t len = 0;
    char *data = cli_read_file(cmd, file, CLI_IMPORT_MAX, &len);
    if (!data) return EXIT_FAIL;

    struct progress pr = {.tty = isatty(STDERR_FILENO) != 0, .last_pct = -1};
    if (!json) {
        o.progress = on_progress;
        o.progress_ctx = &pr;
    }
    struct import_result r;
    struct problem p = {0};
    double t0 = time_monotonic_ms();
    lerr e = dry ? user_import_preview(ctx->db, a, data, len, &o, &r, &p)
                 : user_import_commit(ctx->db, a, data, len, &o, &r, &p);
    double ms = time_monotonic_ms() - t0;
    free(data);
    if (e && e != LE_INVALID) return cli_fail(cmd, "%s", p.message[0] ? p.message : db_errmsg(ctx->db));

    if (json) {
        json_t *j = import_result_to_json(&r, 0, r.n_rows + 1, false);
        json_object_set_new(j, "dry_run", json_boolean(dry));
        if (e) json_object_set_new(j, "refused", json_string(p.message));
        cli_print_json(j);
        json_decref(j);
    } else {
        print_result(&r, quiet);
    }
    bool errors = r.n_file_errors || r.counts[IO_ERROR];
    if (dry) {
        if (!json) printf("Dry run: nothing was written.\n");
        return errors ? EXIT_FAIL : EXIT_OK;
    }
    if (e) {
        if (!json)
            fprintf(stderr, "lectern %s: %s%s\n", cmd, p.message,
                    r.n_file_errors ? "" : " (--skip-errors writes the valid rows)");
        return EXIT_FAIL;
    }
    if (!json)
        printf("Written in %.1f s: %lld created (%lld with a password, %lld need a sign-in link), %lld "
               "updated, %lld suspended, %lld reactivated, %lld deleted, %lld renamed.%s\n",
               ms / 1000.0, (long long)r.n_created, (long long)r.n_passwords, (long long)r.n_signin_links,
               (long long)r.n_updated, (long long)r.n_suspended, (long long)r.n_reactivated,
               (long long)r.n_deleted, (long long)r.n_renamed,
               r.counts[IO_ERROR] ? " Rows with errors were left out." : "");
    return EXIT_OK;
}

static lerr write_stdout(void *ctx, const char *s, size_t n)
{
    return fwrite(s, 1, n, ctx) == n ? LE_OK : LE_IO;
}

int cli_user_export(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    const char *cmd = "user export";
    enum { OPT_OUTPUT = 1 };
    static const struct cli_opt opts[] = {{"output", 'o', true, OPT_OUTPUT}, {0}};
    struct cli_parser ps;
    cli_parser_init(&ps, cmd, argc, argv, opts);
    const char *out = NULL;
    for (int opt; (opt = cli_next(&ps)) != CLI_OPT_END;) {
        if (opt == CLI_OPT_ERROR) return EXIT_USAGE;
        if (opt == CLI_OPT_ARG) return cli_usage_error(cmd, "unexpected argument '%s'", ps.value);
        if (opt == OPT_OUTPUT) out = ps.value;
    }
    FILE *f = out ? fopen(out, "wb") : stdout;
    if (!f) return cli_fail(cmd, "cannot create %s: %s", out, strerror(errno));
    struct problem p = {0};
    lerr e = user_export_csv(ctx->db, a, write_stdout, f, &p);
    if (fflush(f) != 0 && !e) e = LE_IO;
    if (out && fclose(f) != 0 && !e) e = LE_IO;
    if (e) return cli_fail(cmd, "%s", p.message[0] ? p.message : "cannot write the export");
    return EXIT_OK;
}
