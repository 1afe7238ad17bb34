/* The platform's pages (web/platform/): health, branding and site settings, the audit log,
 * /metrics, the mail settings and the outbox. What other code may use of them. */
#ifndef LECTERN_WEB_PLATFORM_H
#define LECTERN_WEB_PLATFORM_H

#include "../web.h"

extern const struct web_domain web_platform;

/* The token (at least 16 characters; NULL or "" = none) that may read /metrics without an
 * administrator's session (lectern serve --metrics-token, env LECTERN_METRICS_TOKEN). */
lerr web_set_metrics_token(const char *token, struct problem *p);

/* The settings page, for a domain's settings form that failed and shows the page again. */
void h_settings_show(struct request *req, struct response *res);
/* A section a domain above platform adds to the settings page's model (people: the "cannot
 * sign in?" text). Registered by the domain's init; called in registration order. */
typedef void (*web_settings_section_fn)(struct request *req, json_t *model);
void web_settings_section_register(web_settings_section_fn fn);

/* Adds to each audit entry (audit_list's items) "words", the entry as a sentence in the
 * viewer's language ("Ann Lee suspended Bo Park"), and for pages "details_text". */
void web_audit_describe(struct request *req, json_t *items);

#endif
