/* Mail texts administrators may rewrite (docs/support.md, "Messages"): the mail template of
 * every notification type (notification_type.c, which holds the sample data for a preview),
 * and an administrator's own text for one of them, kept in mail_template_overrides until
 * reset. The sender uses the own text instead of templates/mail/NAME.txt.mustache. */
#include <stdio.h>
#include <string.h>
#include "../internal.h"
#include "platform.h"

lerr mail_template_own(struct db *db, struct arena *a, const char *name, const char **text)
{
    *text = NULL;
    struct db_stmt *st = db_query(db, "SELECT body FROM mail_template_overrides WHERE name = ?1", "s", name);
    if (!st) return LE_DB;
    int rc = db_step(st);
    if (rc == DB_ROW) *text = model_col_str(a, st, 0);
    db_done(st);
    return rc < 0 ? LE_DB : LE_OK;
}

static lerr declared_or_not_found(const char *name, struct problem *p)
{
    if (notification_type_find(name)) return LE_OK;
    return problem_set(p, LE_NOTFOUND, "name", "There is no message called %s to edit.", name ? name : "");
}

lerr mail_template_save(struct db *db, const char *name, const char *text, int64_t actor_id, struct problem *p)
{
    lerr e = declared_or_not_found(name, p);
    if (e) return e;
    if (!text || strncmp(text, "Subject:", 8) != 0 || !strchr(text, '\n'))
        return problem_set(p, LE_INVALID, "body",
                           "Start the text with a line \"Subject: ...\", then a blank line, then the message.");
    if (strlen(text) > MAIL_TEMPLATE_TEXT_MAX)
        return problem_set(p, LE_INVALID, "body", "Keep the text under %d characters.", MAIL_TEMPLATE_TEXT_MAX);
    char target[MAIL_TEMPLATE_MAX + 16];
    snprintf(target, sizeof target, "mail_template:%s", name);
    if (db_tx_begin(db)) return model_db_problem(p);
    if (db_run(db,
               "INSERT INTO mail_template_overrides (name, body, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4) ON "
               "CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = "
               "excluded.updated_by",
               "ssii", name, text, time_now(), actor_id) ||
        audit_append(db, actor_id, "mail_template.save", target, NULL))
        e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr mail_template_reset(struct db *db, const char *name, int64_t actor_id, struct problem *p)
{
    lerr e = declared_or_not_found(name, p);
    if (e) return e;
    char target[MAIL_TEMPLATE_MAX + 16];
    snprintf(target, sizeof target, "mail_template:%s", name);
    if (db_tx_begin(db)) return model_db_problem(p);
    if (db_run(db, "DELETE FROM mail_template_overrides WHERE name = ?1", "s", name) ||
        audit_append(db, actor_id, "mail_template.reset", target, NULL))
        e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}
