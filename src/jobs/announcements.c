/* The email of an announcement (docs/communication.md): each 'announcement.email' job queues
 * one batch of messages through the outbox and, while people remain, the job for the next
 * batch, so a large audience is fanned out in steps any node's workers share. Each person is
 * recorded with their message (announcement_email_batch), so a job run twice sends nothing
 * twice. */
#include "jobs.h"
#include "../model/communication/communication.h"

lerr job_announcement_email(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    json_t *id_j = json_object_get(payload, "announcement_id");
    if (!json_is_integer(id_j))
        return problem_set(p, LE_INVALID, "announcement_id", "announcement.email needs {\"announcement_id\": N}");
    int64_t id = json_integer_value(id_j);
    int queued = 0;
    bool more = false;
    lerr e = announcement_email_batch(r->db, r->arena, id, ANNOUNCEMENT_EMAIL_BATCH, &queued, &more, p);
    if (!e && more) e = job_enqueue(r->db, "announcement.email", payload, 0, 5, NULL, p);
    if (!e) *result = json_pack("{s:i, s:b}", "queued", queued, "more", more);
    return e;
}
