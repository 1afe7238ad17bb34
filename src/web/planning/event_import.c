/* Events from CSV for administrators (docs/planning.md, "Import"): the page and its JSON twin,
 * the same upload as `lectern event import` and the course upload's page (web/courses). */
#include "internal.h"

static const struct web_csv_upload event_upload = {
    .action = "/admin/events/import",
    .title_key = "events.import",
    .help_key = "events.import_help",
    .code_key = "events.import_event",
    .commit_key = "events.import_commit",
    .back_href = "/admin/rooms",
    .back_key = "rooms.title",
    .flash_key = "flash.events_imported",
    .done_href = "/admin/rooms",
    .missing_file = "Choose a CSV file of events to upload.",
    .run = event_import_run,
};

void h_event_import_page(struct request *req, struct response *res)
{
    web_csv_upload_page(req, res, &event_upload);
}

void h_event_import(struct request *req, struct response *res)
{
    web_csv_upload(req, res, &event_upload);
}
