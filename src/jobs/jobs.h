/* Background jobs: worker threads that `lectern serve` starts on every node, taking work from
 * the jobs table (src/model/platform/job.c) with a lease, and the table of job kinds they can run.
 * docs/jobs.md describes the queue's guarantees and how to add a kind. */
#ifndef LECTERN_JOBS_H
#define LECTERN_JOBS_H

#include "../model/platform/platform.h"

struct jobs;

/* What a kind's handler is given while it runs one job. */
struct job_run {
    struct db *db;            /* the worker's own connection */
    const struct job *job;
    struct arena *arena;      /* freed when the job has finished */
    const char *node;         /* this node's name */
    const char *data_dir;     /* this node's DATA_DIR (uploads kept for a commit are there) */
    /* The rest belongs to worker.c. */
    struct jobs *jobs;
    const char *owner;
    double last_beat_ms;
    bool lost;                /* the lease ran out and another worker took the job */
};
/* Keeps the claim alive: extends the lease when a third of it has passed. A handler that runs
 * longer than a few seconds calls it regularly. Returns false when the handler should stop
 * now: the claim was lost, or the node is stopping (the job is then given back). */
bool job_run_keepalive(struct job_run *r);

/* A handler returns LE_OK with an optional JSON *result (the worker takes the reference), or
 * an error with p saying why: LE_INVALID fails the job for good (the payload can never work),
 * anything else is retried after a backoff while attempts remain. */
typedef lerr (*job_fn)(struct job_run *r, json_t *payload, json_t **result, struct problem *p);

struct job_kind {
    const char *name;         /* the jobs.kind value */
    job_fn run;
    const char *summary;
};
/* The declared table of kinds (kinds.c). */
extern const struct job_kind job_kinds[];
extern const size_t job_n_kinds;
const struct job_kind *job_kind_find(const char *name);

struct jobs_config {
    const char *db_url;       /* as for db_open */
    const char *data_dir;
    int workers;              /* worker threads on this node; 0 = none */
    int lease_s;              /* lease per claim (default 60 s) */
    int poll_ms;              /* how often an idle worker looks for work (default 1000 ms) */
    const char *node;         /* this node's name in lease_owner; NULL = hostname:pid */
};
#define JOBS_DEFAULT_WORKERS 2
#define JOBS_DEFAULT_LEASE_S 60
#define JOBS_DEFAULT_POLL_MS 1000

/* Starts the workers, each with its own database connection. */
lerr jobs_start(const struct jobs_config *cfg, struct jobs **out, struct problem *p);
/* Stops them: running handlers are asked to stop (their jobs are given back to the queue for
 * another node), and the threads are joined. NULL is fine. */
void jobs_stop(struct jobs *jobs);

/* ---- Mail (mail.c): the 'mail.send' kind and the sender behind it (docs/support.md) ---- */
struct mail_rendered {
    char *subject, *text;          /* in the arena */
    char *html;                    /* NULL when the template has no HTML part */
    const char *attachment_type;   /* NULL or "" = none; else sent beside the body (an invitation) */
    const char *attachment;
};
/* Renders templates/mail/<template>.txt.mustache (and .html.mustache) with data (JSON object
 * text), the site's name and address, and the translations. LE_INVALID when the template is
 * missing or broken. */
lerr mail_render(struct arena *a, const char *template, const char *data_json, const char *site_name,
                 const char *site_url, struct mail_rendered *out, struct problem *p);
/* The whole message (headers and MIME body, CRLF lines) for the SMTP DATA phase. */
lerr mail_format_message(struct buf *out, const struct mail_settings *s, const char *to,
                         const struct mail_rendered *m, int64_t now, struct problem *p);
/* Sends a formatted message over SMTP as the settings say (host, port, TLS, credentials).
 * LE_IO with the server's or libcurl's words on failure; LE_CONFLICT when no server is set. */
lerr mail_smtp_send(const struct mail_settings *s, const char *to, const char *message, size_t len,
                    struct problem *p);
/* Renders and sends outbox message outbox_id and records the outcome in its row. job_id: the
 * job doing it (a message whose newer job superseded this one is skipped), 0 from the command
 * line. final_attempt: a failure is recorded as 'failed' rather than waiting for a retry. */
lerr mail_deliver(struct db *db, int64_t outbox_id, int64_t job_id, bool final_attempt, bool *skipped,
                  struct problem *p);
lerr job_mail_send(struct job_run *r, json_t *payload, json_t **result, struct problem *p);
/* planning.reminders (reminders.c): the reminder scan now; reminders_sweep runs it from the
 * workers' sweep once a minute. */
lerr job_planning_reminders(struct job_run *r, json_t *payload, json_t **result, struct problem *p);
void reminders_sweep(struct db *db, const char *owner);
/* certifications.renew (certifications.c): the renewal scan now; certifications_sweep runs it
 * from the workers' sweep once a minute. */
lerr job_certifications_renew(struct job_run *r, json_t *payload, json_t **result, struct problem *p);
void certifications_sweep(struct db *db, const char *owner);
/* schedules.reminders (reminders.c): the programmes' reminder scan now;
 * schedule_reminders_sweep runs it from the workers' idle sweep once an hour. */
lerr job_schedule_reminders(struct job_run *r, json_t *payload, json_t **result, struct problem *p);
void schedule_reminders_sweep(struct db *db, const char *owner);
/* notifications.digest (digest.c): yesterday's digests (UTC; the day before's when still owed),
 * each person's once; digest_sweep
 * runs it from the workers' idle sweep once an hour. notification_digest_run is the scan at
 * now: how many digests it queued. */
lerr job_notification_digest(struct job_run *r, json_t *payload, json_t **result, struct problem *p);
void digest_sweep(struct db *db, const char *owner);
lerr notification_digest_run(struct db *db, struct arena *a, int64_t now, int *sent_out, struct problem *p);
/* docs.review (reminders.c): the process documents' review reminders now; doc_review_sweep runs
 * it from the workers' idle sweep once an hour, with the programmes' reminders. */
lerr job_doc_review(struct job_run *r, json_t *payload, json_t **result, struct problem *p);
void doc_review_sweep(struct db *db, const char *owner);
/* maintenance.notices (maintenance.c): {"window_id": N}, a batch of a window's notices. */
lerr job_maintenance_notices(struct job_run *r, json_t *payload, json_t **result, struct problem *p);
/* signin_links.welcome (welcome.c): links for accounts created without a password. */
lerr job_welcome_links(struct job_run *r, json_t *payload, json_t **result, struct problem *p);

/* user_import.commit (import.c): writes a previewed bulk upload, {"import": token,
 * "valid_only": bool, "actor_id": N}, reporting its progress (docs/people.md). */
lerr job_user_import_commit(struct job_run *r, json_t *payload, json_t **result, struct problem *p);

/* announcements.c: emails one batch of an announcement's audience, {"announcement_id": N},
 * and queues the next batch while people remain. */
/* forum.notify (forums.c): one batch of a new post's followers told, the next queued. */
lerr job_forum_notify(struct job_run *r, json_t *payload, json_t **result, struct problem *p);
lerr job_announcement_email(struct job_run *r, json_t *payload, json_t **result, struct problem *p);
/* The progress of a commit running on this node, kept in memory because the row cannot show
 * it while the writing transaction is open. false when this node is not committing it. */
struct import_progress {
    int64_t import_id;
    char phase[16];           /* "hashing", "writing" */
    int64_t done, total;
    double updated_ms;
};
bool import_progress_get(int64_t import_id, struct import_progress *out);

#endif
