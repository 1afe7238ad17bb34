/* lectern course import FILE [--dry-run]: courses from CSV with Moodle's columns, with the same
 * preview and exit-status rules as `lectern user import` (docs/courses.md); the enrolment and
 * event imports run through the same cli_csv_import. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../model/courses/courses.h"

static const char course_usage[] =
    "usage: lectern course import FILE [--dry-run]\n"
    "\n"
    "Creates or updates courses from a CSV file (FILE '-' reads standard input), with Moodle's\n"
    "course upload columns or Canvas's courses.csv. Columns, by their header: shortname (Canvas:\n"
    "course_id; the course code, required), fullname (Canvas: long_name, or short_name), category\n"
    "(Moodle's numeric category id, or a \"Parent / Child\" path), category_path (\"Staff / Safety\",\n"
    "created when missing), category_idnumber, account_id (Canvas: the category with that idnumber,\n"
    "created when missing), summary (Markdown), visible (1 or 0), startdate, enddate (epoch seconds\n"
    "or YYYY-MM-DD), kind (Canvas: course_format), status (draft, published, archived; Canvas:\n"
    "active, published, completed, deleted), tags. A row whose code exists updates that course;\n"
    "the same file again leaves every course unchanged. Blank lines are skipped.\n"
    "Every row's outcome and all its problems are printed first; then all rows are written, or\n"
    "none when any has an error.\n"
    CLI_CSV_IMPORT_OPTIONS;

/* Every row's outcome (and what it means), then its problems, each on its line. */
static void print_rows(const struct course_import_result *r)
{
    size_t i;
    json_t *u;
    json_array_foreach(r->unknown, i, u) printf("column '%s' is not known and is ignored\n", json_string_value(u));
    for (int k = 0; k < r->n_rows; k++) {
        const struct course_import_row *row = &r->rows[k];
        printf("line %d: %s %s%s%s\n", row->line, row->outcome, row->code, row->note ? ": " : "",
               row->note ? row->note : "");
        for (int j = 0; j < row->n_errors; j++)
            printf("line %d: column %s: %s\n", row->line, row->errors[j].column, row->errors[j].message);
    }
}

int cli_csv_import(int argc, char **argv, struct cli_ctx *ctx, const char *usage, const char *what,
                   cli_import_fn run, const char *create_word, const char *update_word)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "import") != 0) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *file = NULL;
    bool dry = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--dry-run") == 0)
            dry = true;
        else if (!file && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0))
            file = argv[i];
        else {
            fprintf(stderr, "lectern %s import: unknown option '%s'\n%s", what, argv[i], usage);
            return EXIT_USAGE;
        }
    }
    if (!file) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    size_t len = 0;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "%s import", what);
    char *data = cli_read_file(cmd, file, CLI_IMPORT_MAX, &len);
    if (!data) return EXIT_FAIL;
    struct arena *a = arena_new(0);
    struct course_import_result r;
    struct problem p = {0};
    lerr e = run(ctx->db, a, data, len, !dry, 0, &r, &p);
    free(data);
    int status = EXIT_OK;
    if (e) {
        fprintf(stderr, "lectern %s import: %s\n", what, p.message);
        status = EXIT_FAIL;
    } else {
        print_rows(&r);
        if (r.file_error) {
            fprintf(stderr, "lectern %s import: %s: %s\n", what, file, r.file_error);
            status = EXIT_FAIL;
        }
        printf("%d to %s, %d to %s, %d unchanged, %d skipped, %d with errors; %s\n", r.n_create, create_word,
               r.n_update, update_word, r.n_unchanged, r.n_skip, r.n_errors,
               r.committed                      ? "written"
               : r.n_errors || r.file_error     ? "nothing written: fix the errors and run again"
                                                : "nothing written (--dry-run)");
        if (r.n_errors) status = EXIT_FAIL;
    }
    json_decref(r.unknown);
    arena_free(a);
    return status;
}

int cmd_course(int argc, char **argv, struct cli_ctx *ctx)
{
    return cli_csv_import(argc, argv, ctx, course_usage, "course", course_import_run, "create", "update");
}

static const char enrol_usage[] =
    "usage: lectern enrol import FILE [--dry-run]\n"
    "\n"
    "Enrols people from a CSV file (FILE '-' reads standard input). Columns, by their header:\n"
    "course (the course code; also shortname), username or idnumber, role (learner or instructor),\n"
    "due (YYYY-MM-DD), status. Canvas's enrollments.csv works as it is: course_id, user_id (the\n"
    "person's idnumber), role (student, teacher, ta, designer) or role_id, status (active: enrolled;\n"
    "deleted or inactive: unenrolled; completed: enrolled and marked completed). Each row says what\n"
    "should be: someone already so is 'unchanged', so the same file again changes nothing.\n"
    "Every row's outcome and all its problems are printed first; then all rows are written, or\n"
    "none when any has an error (an unknown course, person, role or status, a due date before the\n"
    "course starts).\n"
    CLI_CSV_IMPORT_OPTIONS;

int cmd_enrol(int argc, char **argv, struct cli_ctx *ctx)
{
    return cli_csv_import(argc, argv, ctx, enrol_usage, "enrol", enrol_import_run, "enrol", "change");
}
