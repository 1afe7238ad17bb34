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
/* ---- Requests to the administrators (requests.c) ---- */
void h_requests(struct request *req, struct response *res);
void h_request_new(struct request *req, struct response *res);
void h_request_create(struct request *req, struct response *res);
void h_request_show(struct request *req, struct response *res);
void h_request_state(struct request *req, struct response *res);

/* ---- Process documents (docs.c) ---- */
void h_docs(struct request *req, struct response *res);
void h_doc_new(struct request *req, struct response *res);
void h_doc_create(struct request *req, struct response *res);
void h_doc_show(struct request *req, struct response *res);
void h_doc_edit(struct request *req, struct response *res);
void h_doc_update(struct request *req, struct response *res);
void h_doc_revisions(struct request *req, struct response *res);
void h_doc_diff(struct request *req, struct response *res);
void h_doc_restore(struct request *req, struct response *res);
/* ---- Process documents' attachments (doc_files.c) ---- */
void h_doc_attach(struct request *req, struct response *res);
void h_doc_file(struct request *req, struct response *res);
void h_doc_detach(struct request *req, struct response *res);
/* ---- Discussions (forum_pages.c) ---- */
void h_forum_show(struct request *req, struct response *res);
void h_forum_thread_create(struct request *req, struct response *res);
void h_forum_mark_read(struct request *req, struct response *res);
void h_forum_follow(struct request *req, struct response *res);
void h_thread_follow(struct request *req, struct response *res);
void h_forum_settings(struct request *req, struct response *res);
void h_thread_show(struct request *req, struct response *res);
void h_thread_reply(struct request *req, struct response *res);
void h_thread_moderate(struct request *req, struct response *res);
void h_post_hide(struct request *req, struct response *res);
void h_post_edit(struct request *req, struct response *res);
/* After a change to a thread: the API gets the thread's first page, a page goes back to it
 * (at post_id when not 0) with the flash message. */
void forum_back_to_thread(struct request *req, struct response *res, int64_t id, int64_t post_id, const char *flash);
/* forum_moderation.c */
void h_post_delete(struct request *req, struct response *res);
void h_thread_delete(struct request *req, struct response *res);
void h_thread_move_form(struct request *req, struct response *res);
void h_thread_move(struct request *req, struct response *res);
void h_post_report(struct request *req, struct response *res);
void h_forum_reports(struct request *req, struct response *res);
void h_report_resolve(struct request *req, struct response *res);
/* forum_search_page.c */
void h_forum_search(struct request *req, struct response *res);
/* forum_files.c */
void h_attachment_download(struct request *req, struct response *res);

#endif
