/* Maintenance notices, read-only mode and the status endpoint (docs/communication.md): the
 * administrators' page and API, the banner every page carries, and the refusal of writes
 * while the site reads only. */
#ifndef LECTERN_WEB_MAINTENANCE_H
#define LECTERN_WEB_MAINTENANCE_H

#include "../web.h"
#include "../../core/json_set.h"
#include "../../model/communication/communication.h"

extern const struct web_domain web_maintenance;

/* The maintenance state for this request, from the copy kept in memory (no query most
 * requests; at most one refresh a second, which app.c counts before the page's own queries). */
void web_maintenance_load(struct request *req, struct maintenance_state *out);
/* While the site reads only: answers a write (other than signing in and out and ending
 * read-only mode) with 503, Retry-After and the maintenance page or JSON error; true if so. */
bool web_maintenance_refuse(struct request *req, struct response *res, const struct maintenance_state *s);
/* The layout's banner: the window now or next, or the read-only notice; NULL for none. */
json_t *web_maintenance_banner(struct request *req, const struct maintenance_state *s);

void h_maintenance_page(struct request *req, struct response *res);
void h_maintenance_create(struct request *req, struct response *res);
void h_maintenance_show(struct request *req, struct response *res);
void h_maintenance_delete(struct request *req, struct response *res);
void h_maintenance_read_only(struct request *req, struct response *res);
void h_maintenance_lead_time(struct request *req, struct response *res);
void h_status(struct request *req, struct response *res);

#endif
