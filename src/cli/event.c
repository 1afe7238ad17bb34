/* lectern event import FILE [--dry-run]: the events of session activities from CSV, with the
 * preview and exit-status rules of the course and enrolment imports (docs/planning.md). */
#include "cli.h"
#include "../model/planning/planning.h"

static const char event_usage[] =
    "usage: lectern event import FILE [--dry-run]\n"
    "\n"
    "Plans events of session activities from a CSV file (FILE '-' reads standard input). Columns,\n"
    "by their header: course (the course code), title, start, end (YYYY-MM-DD HH:MM in the row's\n"
    "time zone, or with an offset such as 2027-10-31T01:30+01:00), timezone (an IANA name such\n"
    "as Europe/London), room (its name, or \"site / name\" when rooms of several sites share the\n"
    "name; empty for a virtual event), seats, trainers (instructors of the course, usernames\n"
    "separated by spaces or semicolons), and optionally meeting_url (https), min_seats, note and\n"
    "session (the session activity's title, needed when the course has several). A course without\n"
    "a session activity gets one, named by the session column or like the course. A time the\n"
    "clocks skip or pass twice in the row's zone is an error (give the offset for the repeated\n"
    "hour). An event with the same title and start in the same session is 'unchanged', so the\n"
    "same file again changes nothing. Blank lines are skipped.\n"
    "Every row's outcome and all its problems are printed first; then all rows are written, or\n"
    "none when any has an error.\n"
    CLI_CSV_IMPORT_OPTIONS;

int cmd_event(int argc, char **argv, struct cli_ctx *ctx)
{
    return cli_csv_import(argc, argv, ctx, event_usage, "event", event_import_run, "create", "update");
}
