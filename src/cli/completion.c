/* lectern completion import FILE [--dry-run]: completions of courses and programmes brought in
 * from another system, with the preview and exit-status rules of the other CSV imports
 * (docs/schedules.md, "Completion import"). */
#include "cli.h"
#include "../model/schedules/schedules.h"

static const char completion_usage[] =
    "usage: lectern completion import FILE [--dry-run]\n"
    "\n"
    "Records completions from a CSV file (FILE '-' reads standard input), such as the history of\n"
    "another learning system. Columns, by their header: username or idnumber (the person), course\n"
    "or programme (its code; one of them per row), completed (the date, YYYY-MM-DD, not in the\n"
    "future), and optionally expiry (YYYY-MM-DD, after the completion) and score (0 to 100). A\n"
    "course completion marks the person's enrolment completed at that date, enrolling them as a\n"
    "learner when they are not; a programme completion completes their assignment. A completion\n"
    "recorded before (the same person, course or programme and date) is 'unchanged', so the same\n"
    "file again changes nothing. Blank lines are skipped.\n"
    "Every row's outcome and all its problems are printed first; then all rows are written, or\n"
    "none when any has an error.\n"
    CLI_CSV_IMPORT_OPTIONS;

int cmd_completion(int argc, char **argv, struct cli_ctx *ctx)
{
    return cli_csv_import(argc, argv, ctx, completion_usage, "completion", completion_import_run, "record", "update");
}
