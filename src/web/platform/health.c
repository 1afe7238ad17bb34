/* GET /healthz: 200 when the database answers, for load balancers and monitors. */
#include "internal.h"

void h_healthz(struct request *req, struct response *res)
{
    int version = db_schema_version(req->db);
    if (version < 0) {
        res_error(res, LE_DB, NULL, "the database does not answer");
        res->status = 503;
        return;
    }
    res->model = json_pack("{s:s, s:i}", "status", "ok", "schema_version", version);
    /* A health check is always answered as JSON, whatever the Accept header says. */
    req->is_api = true;
}
