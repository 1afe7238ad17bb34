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

/* ---- Discussions (forum_pages.c) ---- */
void h_forum_show(struct request *req, struct response *res);
void h_forum_thread_create(struct request *req, struct response *res);
void h_forum_mark_read(struct request *req, struct response *res);
void h_thread_show(struct request *req, struct response *res);
void h_thread_reply(struct request *req, struct response *res);
void h_thread_moderate(struct request *req, struct response *res);
void h_post_hide(struct request *req, struct response *res);
void h_post_edit(struct request *req, struct response *res);
/* forum_files.c */
void h_attachment_download(struct request *req, struct response *res);

#endif
