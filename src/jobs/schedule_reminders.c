/* Programme reminders and escalation (docs/schedules.md): the scan (schedules_reminders_scan)
 * runs from every node's idle workers once an hour (schedule_reminders_sweep, called by
 * worker.c's sweep) and as the 'schedules.reminders' job, which `lectern jobs enqueue
 * schedules.reminders` queues to run it now. Reminders are counted in days, so an hour is
 * soon enough; running it anywhere, twice or after a crash sends nothing twice, since the scan
 * records each message in the transaction that queues it. */
#include "jobs.h"
#include "../model/schedules/schedules.h"

lerr job_schedule_reminders(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    (void)payload;
    int sent = 0;
    lerr e = schedules_reminders_scan(r->db, r->arena, time_now(), &sent, p);
    if (!e) *result = json_pack("{s:i}", "sent", sent);
    return e;
}

void schedule_reminders_sweep(struct db *db, const char *owner)
{
    struct arena *a = arena_new(4096);
    struct problem p = {0};
    int sent = 0;
    if (schedules_reminders_scan(db, a, time_now(), &sent, &p))
        log_error("schedules: the reminder scan on %s failed: %s", owner, p.message);
    else if (sent > 0)
        log_info("schedules: %d reminder%s queued by %s", sent, sent == 1 ? "" : "s", owner);
    arena_free(a);
}
