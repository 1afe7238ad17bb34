/* The job kinds this Lectern can run: one declared table. A kind is a name (the jobs.kind
 * value) and a handler; later issues add mail, imports, reminders and reports here, each in
 * its own file. The two built in are harmless and used by the tests and by operators to check
 * that workers are alive:
 *   noop   records which node ran it
 *   sleep  {"ms": N} works for N milliseconds (at most ten minutes) keeping its lease alive,
 *          then records which node ran it */
#include <string.h>
#include <time.h>
#include "jobs.h"

static lerr run_noop(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    (void)payload, (void)p;
    *result = json_pack("{s:s}", "node", r->node);
    return LE_OK;
}

#define SLEEP_MAX_MS (10 * 60 * 1000)

static lerr run_sleep(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    json_t *ms_j = json_object_get(payload, "ms");
    if (!json_is_integer(ms_j) || json_integer_value(ms_j) < 0 || json_integer_value(ms_j) > SLEEP_MAX_MS)
        return problem_set(p, LE_INVALID, "ms", "sleep needs {\"ms\": N} with N from 0 to %d", SLEEP_MAX_MS);
    json_int_t ms = json_integer_value(ms_j);
    double until = time_monotonic_ms() + (double)ms;
    for (;;) {
        double left = until - time_monotonic_ms();
        if (left <= 0) break;
        if (!job_run_keepalive(r)) return problem_set(p, LE_CONFLICT, "", "interrupted");
        struct timespec ts = {0, (long)(left < 20 ? left : 20) * 1000000L};
        nanosleep(&ts, NULL);
    }
    *result = json_pack("{s:s, s:I}", "node", r->node, "slept_ms", ms);
    return LE_OK;
}

const struct job_kind job_kinds[] = {
    {"noop", run_noop, "does nothing; records the node that ran it"},
    {"sleep", run_sleep, "works for {\"ms\": N} milliseconds, keeping its lease alive"},
    {"mail.send", job_mail_send, "sends one outbox message over SMTP (src/jobs/mail.c)"},
    {"signin_links.welcome", job_welcome_links,
     "sends accounts created without a password a link to choose one (src/jobs/welcome.c)"},
    {"planning.reminders", job_planning_reminders,
     "sends the reminders due now before events and about pending approvals, each once (src/jobs/reminders.c)"},
    {"certifications.renew", job_certifications_renew,
     "opens the renewal of certifications whose window has opened, each once (src/jobs/certifications.c)"},
    {"schedules.reminders", job_schedule_reminders,
     "sends the programmes' reminders and escalations due now, each once (src/jobs/reminders.c)"},
    {"docs.review", job_doc_review,
     "reminds the owners of process documents whose review date has come, each once (src/jobs/reminders.c)"},
    {"maintenance.notices", job_maintenance_notices,
     "tells everyone active in the last 90 days of a maintenance window, a batch at a time (src/jobs/maintenance.c)"},
    {"user_import.commit", job_user_import_commit,
     "writes a previewed bulk user upload, hashing its passwords on every core (src/jobs/import.c)"},
    {"notifications.digest", job_notification_digest,
     "sends yesterday's daily digests of notifications, each person's once (src/jobs/digest.c)"},
    {"announcement.email", job_announcement_email,
     "emails a batch of an announcement's audience, once each, and queues the next (src/jobs/announcements.c)"},
    {"forum.notify", job_forum_notify,
     "tells a batch of a thread's and its forum's followers of a new post, once each, and queues the next "
     "(src/jobs/forums.c)"},
};
const size_t job_n_kinds = sizeof job_kinds / sizeof job_kinds[0];

const struct job_kind *job_kind_find(const char *name)
{
    for (size_t i = 0; name && i < job_n_kinds; i++)
        if (strcmp(job_kinds[i].name, name) == 0) return &job_kinds[i];
    return NULL;
}
