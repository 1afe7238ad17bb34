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
