/* The communication domain's pages (web/communication/): announcements (the archive, the
 * author's view, dismissing a banner), maintenance, requests to the administrators and process
 * documents, and their API (docs/communication.md). Each concept keeps
 * its own route table, each a struct web_domain of its own. */
#ifndef LECTERN_WEB_COMMUNICATION_H
#define LECTERN_WEB_COMMUNICATION_H

#include "../web.h"

/* Announcements (announcements_routes.c); its init adds the urgent banner to every page and
 * a course's announcements to its page. */
extern const struct web_domain web_announcements;
/* Adds the words a page shows to a list of announcements (importance_label, is_urgent,
 * is_important): the dashboard's block uses it too. */
void web_announcement_labels(struct request *req, json_t *list);
/* Requests to the administrators and their queue (requests_routes.c). */
extern const struct web_domain web_requests;
/* Process documents: pages at /docs/SLUG with revisions (docs_routes.c). */
extern const struct web_domain web_docs;

/* The notification centre (notifications_routes.c); its init puts the bell on every page. */
extern const struct web_domain web_notifications;
/* The person's unread notifications, from memory while nothing changed (notification_bell.c). */
int64_t web_notifications_unread(struct request *req);

/* Discussions: a forum per course and the site's, threads, replies and moderation
 * (forum_routes.c). */
extern const struct web_domain web_forums;

#endif
