/* signin_links.welcome: sends every account created without a password (a bulk upload leaves
 * passwords out) a single-use link to choose one. The bulk import queues one such job per
 * commit; the job walks the flagged accounts in batches, so 100,000 new people become 100,000
 * outbox messages without holding the import's transaction or a web request open. */
#include <string.h>
#include "jobs.h"
#include "../model/people/people.h"

#define WELCOME_BATCH 200

lerr job_welcome_links(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    (void)payload;
    int64_t sent = 0, skipped = 0;
    for (;;) {
        int64_t *ids;
        int n = 0;
        lerr e = user_list_needing_signin_link(r->db, r->arena, WELCOME_BATCH, &ids, &n);
        if (e) return problem_set(p, e, "", "the accounts waiting for a sign-in link could not be listed");
        if (n == 0) break;
        for (int i = 0; i < n; i++) {
            struct problem why = {0};
            lerr s = signin_link_send(r->db, ids[i], SIGNIN_LINK_WELCOME, 0, NULL, &why);
            if (s == LE_CONFLICT && !mail_config.default_base_url && strstr(why.message, "site address")) {
                /* No address to put in links yet: keep the flags and try again after the backoff,
                 * by which time an administrator may have set it. */
                return problem_set(p, LE_CONFLICT, "", "%s", why.message);
            }
            if (s && s != LE_CONFLICT) return problem_set(p, s, "", "%s", why.message);
            /* Sent, or impossible for this account (no email address, suspended): either way the
             * flag is cleared so the batch moves on; the user page still offers "send reset link". */
            if (s) {
                skipped++;
                log_info("jobs: no welcome link for user %lld: %s", (long long)ids[i], why.message);
            } else {
                sent++;
            }
            e = user_signin_link_sent(r->db, ids[i]);
            if (e) return problem_set(p, e, "", "the sign-in link flag could not be cleared");
        }
        if (!job_run_keepalive(r)) return problem_set(p, LE_CONFLICT, "", "interrupted");
    }
    *result = json_pack("{s:I, s:I}", "sent", (json_int_t)sent, "skipped", (json_int_t)skipped);
    return LE_OK;
}
