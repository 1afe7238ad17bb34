/* What only the platform's pages share: their handlers, for the route table (routes.c). */
#ifndef LECTERN_WEB_PLATFORM_INTERNAL_H
#define LECTERN_WEB_PLATFORM_INTERNAL_H

#include "platform.h"

void h_healthz(struct request *req, struct response *res);   /* health.c */
void h_settings_update(struct request *req, struct response *res);   /* settings.c */
void h_settings_logo(struct request *req, struct response *res);
void h_logo(struct request *req, struct response *res);
void h_theme_css(struct request *req, struct response *res);
void h_audit_list(struct request *req, struct response *res);   /* audit.c */
void h_metrics(struct request *req, struct response *res);   /* metrics.c */
/* Mail settings, the outbox and a test message (mail.c). */
/* The settings page's mail section. */
void web_mail_settings_model(struct request *req, json_t *model);
void h_mail_settings_show(struct request *req, struct response *res);
void h_mail_settings_update(struct request *req, struct response *res);
void h_outbox_list(struct request *req, struct response *res);
void h_outbox_retry(struct request *req, struct response *res);
void h_mail_test(struct request *req, struct response *res);
/* The messages administrators rewrite, with a preview and a reset (messages.c). */
void h_messages_list(struct request *req, struct response *res);
void h_message_show(struct request *req, struct response *res);
void h_message_save(struct request *req, struct response *res);
void h_message_reset(struct request *req, struct response *res);

#endif
