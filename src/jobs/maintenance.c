/* maintenance.notices (docs/communication.md): tells everyone active in the last 90 days of a
 * maintenance window, a batch of messages per run; while people are left it queues itself
 * again, so a large site is told in many short transactions. Each person is told once however
 * often it runs (maintenance_notices_batch records them). */
#include "jobs.h"
#include "../model/communication/communication.h"

lerr job_maintenance_notices(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    json_t *id = json_object_get(payload, "window_id");
    if (!json_is_integer(id)) return problem_set(p, LE_INVALID, "window_id", "maintenance.notices needs {\"window_id\": N}");
    int queued = 0;
    bool more = false;
    lerr e = maintenance_notices_batch(r->db, r->arena, json_integer_value(id), &queued, &more, p);
    if (!e && more) e = job_enqueue(r->db, MAINTENANCE_NOTICE_JOB, payload, 0, 0, NULL, p);
    if (!e) *result = json_pack("{s:i, s:b}", "queued", queued, "more", more);
    return e;
}
