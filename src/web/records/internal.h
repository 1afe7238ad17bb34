/* What only the records domain's pages share: the handlers the route table names. */
#ifndef LECTERN_WEB_RECORDS_INTERNAL_H
#define LECTERN_WEB_RECORDS_INTERNAL_H

#include "records.h"
#include "../schedules/schedules.h"
#include "../../model/records/records.h"
#include "../../model/people/people.h"
#include "../../model/platform/platform.h"
#include "../../view/view.h"

/* The person the path names whose record the viewer may read; false with the answer set (404
 * for someone outside the viewer's reach, as for no one). */
bool web_record_person(struct request *req, struct response *res, struct user *u);

/* Reports (reports.c, report_def.c, report_form.c, report_result.c, report_chart.c). */
/* The definition the builder's parameters describe (a ready-made report's, with the form's
 * changes); NULL with p set for an unknown ready-made report. */
json_t *web_report_def(struct request *req, struct problem *p);
/* The builder form's choices and words into the page's model m. */
void web_report_form(struct request *req, json_t *m, json_t *def);
/* The result as the page shows it: header, cells, totals, pages, chart and exports, into m. */
void web_report_result(struct request *req, json_t *m, json_t *result);
/* A column or aggregate key in words ("completed_at:month": "Completed (month)"). */
const char *web_report_label(struct request *req, const char *key);
/* The chart of a grouped result as SVG text, or NULL when it has none. */
const char *web_report_chart(struct request *req, json_t *result);
void h_reports(struct request *req, struct response *res);
void h_report_sources(struct request *req, struct response *res);
void h_report_run(struct request *req, struct response *res);
void h_report_builder(struct request *req, struct response *res);
void h_report_export(struct request *req, struct response *res);

void h_record(struct request *req, struct response *res);
void h_team(struct request *req, struct response *res);
void h_my_record(struct request *req, struct response *res);
void h_external_add(struct request *req, struct response *res);
void h_external_pending(struct request *req, struct response *res);
void h_external_approve(struct request *req, struct response *res);
void h_external_decline(struct request *req, struct response *res);
void h_external_evidence(struct request *req, struct response *res);
void h_cert_template_page(struct request *req, struct response *res);
void h_cert_template_save(struct request *req, struct response *res);
void h_cert_template_delete(struct request *req, struct response *res);
void h_cert_template_preview(struct request *req, struct response *res);
void h_cert_programme_page(struct request *req, struct response *res);
void h_cert_programme_save(struct request *req, struct response *res);
void h_cert_programme_delete(struct request *req, struct response *res);
void h_cert_programme_preview(struct request *req, struct response *res);
void h_cert_pdf(struct request *req, struct response *res);
void h_cert_revoke(struct request *req, struct response *res);
void h_cert_reissue(struct request *req, struct response *res);
void h_verify(struct request *req, struct response *res);

#endif
