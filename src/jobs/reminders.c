/* Reminders (docs/planning.md, docs/schedules.md): before events and about pending approvals
 * (planning_reminders_scan), and the programmes' reminders and escalations
 * (schedules_reminders_scan), and the process documents' review reminders (doc_review_scan). Each scan runs from every node's idle workers on a timer
 * (reminders_sweep once a minute, schedule_reminders_sweep once an hour, called by worker.c's
 * sweep) and as a job ('planning.reminders', 'schedules.reminders', 'docs.review'), which `lectern jobs
 * enqueue KIND` queues to run it now. Running a scan anywhere, twice or again after a crash
 * sends nothing twice: it records each message in the transaction that queues it. The
 * messages themselves leave through the outbox and the 'mail.send' jobs. */
#include "jobs.h"
#include "../model/planning/planning.h"
#include "../model/schedules/schedules.h"
#include "../model/communication/communication.h"

typedef lerr (*reminder_scan_fn)(struct db *db, struct arena *a, int64_t now, int *sent_out, struct problem *p);

static lerr run_as_job(struct job_run *r, reminder_scan_fn scan, json_t **result, struct problem *p)
{
    int sent = 0;
    lerr e = scan(r->db, r->arena, time_now(), &sent, p);
    if (!e) *result = json_pack("{s:i}", "sent", sent);
    return e;
}

static void sweep(struct db *db, const char *owner, const char *domain, reminder_scan_fn scan)
{
    struct arena *a = arena_new(4096);
    struct problem p = {0};
    int sent = 0;
    if (scan(db, a, time_now(), &sent, &p))
        log_error("%s: the reminder scan on %s failed: %s", domain, owner, p.message);
    else if (sent > 0)
        log_info("%s: %d reminder%s queued by %s", domain, sent, sent == 1 ? "" : "s", owner);
    arena_free(a);
}

lerr job_planning_reminders(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    (void)payload;
    return run_as_job(r, planning_reminders_scan, result, p);
}

lerr job_schedule_reminders(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    (void)payload;
    return run_as_job(r, schedules_reminders_scan, result, p);
}

void reminders_sweep(struct db *db, const char *owner)
{
    sweep(db, owner, "planning", planning_reminders_scan);
}

void schedule_reminders_sweep(struct db *db, const char *owner)
{
    sweep(db, owner, "schedules", schedules_reminders_scan);
}

lerr job_doc_review(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    (void)payload;
    return run_as_job(r, doc_review_scan, result, p);
}

void doc_review_sweep(struct db *db, const char *owner)
{
    sweep(db, owner, "docs", doc_review_scan);
}
