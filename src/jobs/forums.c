/* Telling the followers of a new forum post (docs/communication.md): each 'forum.notify' job
 * tells one batch, through the notification centre, and queues the next while followers
 * remain. Each person told is recorded with their message, so a job run twice tells nobody
 * twice. */
#include "jobs.h"
#include "../model/communication/communication.h"

lerr job_forum_notify(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    json_t *id_j = json_object_get(payload, "post_id");
    if (!json_is_integer(id_j)) return problem_set(p, LE_INVALID, "post_id", "forum.notify needs {\"post_id\": N}");
    int told = 0;
    bool more = false;
    lerr e = forum_notify_batch(r->db, r->arena, json_integer_value(id_j), FORUM_NOTIFY_BATCH, &told, &more, p);
    if (!e && more) e = job_enqueue(r->db, "forum.notify", payload, 0, 5, NULL, p);
    if (!e) *result = json_pack("{s:i, s:b}", "told", told, "more", more);
    return e;
}
