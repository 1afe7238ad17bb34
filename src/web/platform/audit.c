/* The audit log for administrators: newest entries first. */
#include "internal.h"

void h_audit_list(struct request *req, struct response *res)
{
    int limit = (int)req_param_int(req, "limit", 50);
    json_t *items = audit_tail(req->db, limit);
    if (!items) {
        res_error(res, LE_DB, NULL, "the audit log could not be read; try again");
        return;
    }
    res->model = json_pack("{s:o, s:i}", "items", items, "limit", limit);
    res->template = "admin/audit";
    res->title = T(req, "audit.title");
}
