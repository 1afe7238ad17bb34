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

/* ---- A notification type's texts together: its mail text and its line in Lectern (KEY.line) ---- */

static lerr upsert(struct db *db, const char *name, const char *text, int64_t actor_id)
{
    return db_run(db,
                  "INSERT INTO mail_template_overrides (name, body, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4) ON "
                  "CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = "
                  "excluded.updated_by",
                  "ssii", name, text, time_now(), actor_id);
}

static lerr check_line(const char *line, struct problem *p)
{
    if (!line || !*line || strchr(line, '\n') || strchr(line, '\r'))
        return problem_set(p, LE_INVALID, "line", "Write the line shown in Lectern as one line of text.");
    if (strlen(line) > NOTIFICATION_LINE_MAX)
        return problem_set(p, LE_INVALID, "line", "Keep the line under %d characters.", NOTIFICATION_LINE_MAX);
    return LE_OK;
}

lerr notification_texts_save(struct db *db, const char *key, const char *text, const char *line, int64_t actor_id,
                             struct problem *p)
{
    const struct notification_type *t = notification_type_find(key);
    if (!t) return declared_or_not_found(key, p);
    lerr e = line ? check_line(line, p) : LE_OK;
    if (e) return e;
    char name[MAIL_TEMPLATE_MAX + 16], target[MAIL_TEMPLATE_MAX + 32];
    snprintf(name, sizeof name, "%s.line", key);
    snprintf(target, sizeof target, "notification_line:%s", key);
    if (db_tx_begin(db)) return model_db_problem(p);
    e = mail_template_save(db, key, text, actor_id, p);
    /* The table's own line is no rewrite: saving it unchanged keeps none. */
    if (!e && line && str_eq(line, t->line) && db_run(db, "DELETE FROM mail_template_overrides WHERE name = ?1", "s", name))
        e = model_db_problem(p);
    if (!e && line && !str_eq(line, t->line) &&
        (upsert(db, name, line, actor_id) || audit_append(db, actor_id, "notification_line.save", target, NULL)))
        e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr notification_texts_reset(struct db *db, const char *key, int64_t actor_id, struct problem *p)
{
    char name[MAIL_TEMPLATE_MAX + 16];
    snprintf(name, sizeof name, "%s.line", key ? key : "");
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = mail_template_reset(db, key, actor_id, p);
    if (!e && db_run(db, "DELETE FROM mail_template_overrides WHERE name = ?1", "s", name)) e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr notification_overrides(struct db *db, struct arena *a, bool **text_own, const char ***lines)
{
    const struct notification_type *types;
    size_t n = notification_types(&types);
    *text_own = arena_alloc(a, n * sizeof **text_own);
    *lines = arena_alloc(a, n * sizeof **lines);
    for (size_t i = 0; i < n; i++) (*text_own)[i] = false, (*lines)[i] = types[i].line;
    struct db_stmt *st = db_query(db, "SELECT name, body FROM mail_template_overrides", "");
    if (!st) return LE_DB;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *name = db_col_text(st, 0);
        for (size_t i = 0; i < n; i++) {
            size_t k = strlen(types[i].key);
            if (strncmp(name, types[i].key, k) != 0) continue;
            if (!name[k]) (*text_own)[i] = true;
            if (str_eq(name + k, ".line")) (*lines)[i] = model_col_str(a, st, 1);
        }
    }
    db_done(st);
    return rc < 0 ? LE_DB : LE_OK;
}
