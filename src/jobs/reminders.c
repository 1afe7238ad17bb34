/* Reminders before events and about pending approvals (docs/planning.md): the scan
 * (planning_reminders_scan) runs from every node's idle workers once a minute
 * (reminders_sweep, called by worker.c's sweep) and as the 'planning.reminders' job, which
 * `lectern jobs enqueue planning.reminders` queues to run it now. Running it anywhere, twice
 * or again after a crash sends nothing twice: the scan records each message in the
 * transaction that queues it. The messages themselves leave through the outbox and the
 * 'mail.send' jobs. */
#include "jobs.h"
#include "../model/planning/planning.h"

lerr job_planning_reminders(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    (void)payload;
    int sent = 0;
    lerr e = planning_reminders_scan(r->db, r->arena, time_now(), &sent, p);
    if (!e) *result = json_pack("{s:i}", "sent", sent);
    return e;
}

void reminders_sweep(struct db *db, const char *owner)
{
    struct arena *a = arena_new(4096);
    struct problem p = {0};
    int sent = 0;
    if (planning_reminders_scan(db, a, time_now(), &sent, &p))
        log_error("planning: the reminder scan on %s failed: %s", owner, p.message);
    else if (sent > 0)
        log_info("planning: %d reminder%s queued by %s", sent, sent == 1 ? "" : "s", owner);
    arena_free(a);
}
