/* Certification renewals (docs/schedules.md): the scan (certifications_renew) opens the renewal
 * of every certification whose window has opened. It runs from every node's idle workers once a
 * minute (certifications_sweep, called by worker.c's sweep) and as the 'certifications.renew'
 * job, which `lectern jobs enqueue certifications.renew` queues to run it now. Each renewal
 * moves its assignment to the next cycle in the transaction that archives it, so running the
 * scan twice or on several nodes renews nobody twice. */
#include "jobs.h"
#include "../model/schedules/schedules.h"

lerr job_certifications_renew(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    (void)payload;
    int renewed = 0;
    lerr e = certifications_renew(r->db, r->arena, time_now(), &renewed, p);
    if (!e) *result = json_pack("{s:i}", "renewed", renewed);
    return e;
}

void certifications_sweep(struct db *db, const char *owner)
{
    struct arena *a = arena_new(4096);
    struct problem p = {0};
    int renewed = 0;
    if (certifications_renew(db, a, time_now(), &renewed, &p))
        log_error("schedules: the certification renewal scan on %s failed: %s", owner, p.message);
    else if (renewed > 0)
        log_info("schedules: %d certification renewal%s opened by %s", renewed, renewed == 1 ? "" : "s", owner);
    arena_free(a);
}
