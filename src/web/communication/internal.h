/* What only the communication domain's pages share: the handlers the route tables name. */
#ifndef LECTERN_WEB_COMMUNICATION_INTERNAL_H
#define LECTERN_WEB_COMMUNICATION_INTERNAL_H

#include "communication.h"
#include "../../model/communication/communication.h"

/* ---- Announcements (announcements.c, announcement_parts.c) ---- */
void h_announcements(struct request *req, struct response *res);
void h_my_announcements(struct request *req, struct response *res);
void h_announcement_create(struct request *req, struct response *res);
void h_announcement_show(struct request *req, struct response *res);
void h_announcement_expire(struct request *req, struct response *res);
void h_announcement_dismiss(struct request *req, struct response *res);
/* Registers the banner and the course page's part (web_announcements.init). */
void web_announcements_init(void);

/* ---- The notification centre (notifications.c, notification_preferences.c, notification_bell.c) ---- */
void h_notifications(struct request *req, struct response *res);
void h_notifications_read(struct request *req, struct response *res);
void h_notification_preferences(struct request *req, struct response *res);
void h_notification_preferences_save(struct request *req, struct response *res);
/* Registers the bell on every signed-in page (web_notifications' init). */
void web_notifications_init(void);

#endif
