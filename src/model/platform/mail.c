/* Mail: the SMTP settings and the outbox. A message is a row in mail_outbox (recipient,
 * template name, the template's data) plus a 'mail.send' job that renders and sends it
 * (src/jobs/mail.c); the job queue's retries and backoff apply, and the row says how it went:
 * queued (also between attempts, with the last error), sending, sent, failed, superseded (a
 * single-use link that was replaced before the message went out). A row whose job
 * failed without a word from the sender (its node died on the last attempt) shows as failed
 * too. An administrator may queue a failed message again; the new job supersedes the old.
 *
 * The SMTP password is stored in the settings table because the sender needs it; it is never
 * shown back (mail_settings_to_json says only whether one is set). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct mail_config mail_config = {
    .attempts = 8,
    .default_base_url = NULL,
};

#define ERROR_MAX 1000

/* ---- Settings ---- */

static const struct {
    const char *key;      /* in the settings table */
    size_t offset;        /* in struct mail_settings */
    const char *dflt;
} setting_keys[] = {
    {"mail.smtp_host", offsetof(struct mail_settings, host), ""},
    {"mail.smtp_tls", offsetof(struct mail_settings, tls), "none"},
    {"mail.smtp_username", offsetof(struct mail_settings, username), ""},
    {"mail.smtp_password", offsetof(struct mail_settings, password), ""},
    {"mail.from_address", offsetof(struct mail_settings, from_address), ""},
    {"mail.from_name", offsetof(struct mail_settings, from_name), ""},
    {"site.url", offsetof(struct mail_settings, site_url), ""},
};
#define N_KEYS (sizeof setting_keys / sizeof setting_keys[0])

lerr mail_settings_get(struct db *db, struct arena *a, struct mail_settings *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < N_KEYS; i++) *(const char **)((char *)out + setting_keys[i].offset) = setting_keys[i].dflt;
    out->port = 25;
    struct db_stmt *st = db_query(db,
                                  "SELECT key, value FROM settings WHERE key IN ('mail.smtp_host', "
                                  "'mail.smtp_port', 'mail.smtp_tls', 'mail.smtp_username', "
                                  "'mail.smtp_password', 'mail.from_address', 'mail.from_name', 'site.url')",
                                  "");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *k = db_col_text(st, 0), *v = db_col_text(st, 1);
        if (!k || !v) continue;
        if (strcmp(k, "mail.smtp_port") == 0) {
            out->port = atoi(v);
            continue;
        }
        for (size_t i = 0; i < N_KEYS; i++)
            if (strcmp(k, setting_keys[i].key) == 0)
                *(const char **)((char *)out + setting_keys[i].offset) = arena_strdup(a, v);
    }
    db_done(st);
    return rc == DB_DONE ? LE_OK : LE_DB;
}

json_t *mail_settings_to_json(const struct mail_settings *s)
{
    return json_pack("{s:s, s:i, s:s, s:s, s:b, s:s, s:s, s:s, s:b}", "smtp_host", s->host, "smtp_port", s->port,
                     "smtp_tls", s->tls, "smtp_username", s->username, "password_set", *s->password != '\0',
                     "from_address", s->from_address, "from_name", s->from_name, "site_url", s->site_url,
                     "configured", *s->host != '\0' && *s->from_address != '\0');
}

bool mail_address_ok(const char *addr)
{
    if (!addr) return false;
    size_t n = strlen(addr);
    if (n < 3 || n > 254) return false;
    const char *at = strchr(addr, '@');
    if (!at || at == addr || strchr(at + 1, '@') || !at[1]) return false;
    for (const char *c = addr; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (u <= 0x20 || u >= 0x7f || strchr("<>()[]\\,;:\"", u)) return false;
    }
    return at[1] != '.' && addr[n - 1] != '.';
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return true;
    return false;
}

static bool host_ok(const char *h)
{
    size_t n = strlen(h);
    if (n == 0) return true; /* not configured */
    if (n > 253) return false;
    if (h[0] == '[') { /* an IPv6 literal */
        if (h[n - 1] != ']' || n < 4) return false;
        for (size_t i = 1; i + 1 < n; i++)
            if (!strchr("0123456789abcdefABCDEF:.", h[i])) return false;
        return true;
    }
    for (const char *c = h; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' ||
              *c == '-'))
            return false;
    return h[0] != '-' && h[0] != '.';
}

/* "https://learn.example.org" or with a path; no trailing '/', no spaces or quotes. */
static bool url_ok(const char *u)
{
    if (!*u) return true;
    if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0) return false;
    const char *host = u + (u[4] == 's' ? 8 : 7);
    if (!*host || *host == '/') return false;
    for (const char *c = u; *c; c++) {
        unsigned char x = (unsigned char)*c;
        if (x <= 0x20 || x >= 0x7f || strchr("\"'<>\\`{}|^#?", x)) return false;
    }
    return strlen(u) <= 300;
}

static lerr put(struct db *db, const char *key, const char *value)
{
    return db_run(db,
                  "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                  "ss", key, value);
}

static char *trimmed(struct arena *a, const char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    return arena_strndup(a, s, n);
}

lerr mail_settings_update(struct db *db, const struct mail_settings_input *in, int64_t actor_id,
                          struct problem *p)
{
    struct arena *a = arena_new(2048);
    lerr e = LE_OK;
    char *host = in->host ? trimmed(a, in->host) : NULL;
    char *from = in->from_address ? trimmed(a, in->from_address) : NULL;
    char *name = in->from_name ? trimmed(a, in->from_name) : NULL;
    char *user = in->username ? trimmed(a, in->username) : NULL;
    char *url = in->site_url ? trimmed(a, in->site_url) : NULL;
    char *port = in->port ? trimmed(a, in->port) : NULL;
    if (url) {
        size_t n = strlen(url);
        while (n && url[n - 1] == '/') url[--n] = '\0';
    }
    if (host && !host_ok(host))
        e = problem_set(p, LE_INVALID, "smtp_host", "Enter the SMTP server's host name (like smtp.example.org) or address.");
    else if (port && *port && (atoi(port) < 1 || atoi(port) > 65535 || strspn(port, "0123456789") != strlen(port)))
        e = problem_set(p, LE_INVALID, "smtp_port", "Enter a port from 1 to 65535 (usually 25, 587 or 465).");
    else if (in->tls && strcmp(in->tls, "none") && strcmp(in->tls, "starttls") && strcmp(in->tls, "tls"))
        e = problem_set(p, LE_INVALID, "smtp_tls", "Choose none, starttls or tls.");
    else if (user && (has_control(user) || strlen(user) > 200))
        e = problem_set(p, LE_INVALID, "smtp_username", "The user name may have at most 200 characters and no control characters.");
    else if (in->password && (strchr(in->password, '\r') || strchr(in->password, '\n') || strlen(in->password) > 500))
        e = problem_set(p, LE_INVALID, "smtp_password", "The password may have at most 500 characters and no line breaks.");
    else if (from && *from && !mail_address_ok(from))
        e = problem_set(p, LE_INVALID, "from_address", "Enter the sender's address like training@example.org.");
    else if (name && (has_control(name) || !utf8_valid(name, strlen(name)) || strlen(name) > 200))
        e = problem_set(p, LE_INVALID, "from_name", "The sender's name may have at most 100 characters and no control characters.");
    else if (url && !url_ok(url))
        e = problem_set(p, LE_INVALID, "site_url",
                        "Enter the address people use to reach Lectern, like https://learn.example.org.");
    if (e) {
        arena_free(a);
        return e;
    }
    struct mail_settings cur;
    if (db_tx_begin(db)) {
        arena_free(a);
        return model_db_problem(p);
    }
    e = mail_settings_get(db, a, &cur);
    json_t *changed = json_array();
    const struct {
        const char *key, *value, *now;
    } sets[] = {
        {"mail.smtp_host", host, cur.host},
        {"mail.smtp_port", port && *port ? arena_sprintf(a, "%d", atoi(port)) : NULL, arena_sprintf(a, "%d", cur.port)},
        {"mail.smtp_tls", in->tls, cur.tls},
        {"mail.smtp_username", user, cur.username},
        {"mail.smtp_password", in->clear_password ? "" : in->password && *in->password ? in->password : NULL,
         cur.password},
        {"mail.from_address", from, cur.from_address},
        {"mail.from_name", name, cur.from_name},
        {"site.url", url, cur.site_url},
    };
    for (size_t i = 0; !e && i < sizeof sets / sizeof sets[0]; i++) {
        if (!sets[i].value || strcmp(sets[i].value, sets[i].now) == 0) continue;
        e = put(db, sets[i].key, sets[i].value);
        json_array_append_new(changed, json_string(sets[i].key)); /* names only: no password in the log */
    }
    if (!e && json_array_size(changed)) {
        json_t *d = json_pack("{s:O}", "changed", changed);
        e = audit_append(db, actor_id, "settings.mail", "settings", d);
        json_decref(d);
    }
    json_decref(changed);
    if (e) e = model_db_problem(p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    arena_free(a);
    return e;
}

const char *mail_base_url(struct db *db, struct arena *a)
{
    struct mail_settings s;
    const char *url = NULL;
    if (mail_settings_get(db, a, &s) == LE_OK && *s.site_url) url = s.site_url;
    if (!url && mail_config.default_base_url && *mail_config.default_base_url)
        url = mail_config.default_base_url;
    if (!url) return NULL;
    char *u = arena_strdup(a, url);
    size_t n = strlen(u);
    while (n && u[n - 1] == '/') u[--n] = '\0';
    return u;
}

/* ---- Outbox ---- */

/* The row as the outbox shows it: failed also when its job failed without the sender saying
 * so, with the job's error then. */
#define MAIL_SELECT                                                                                \
    "SELECT o.id, o.to_addr, o.template, o.data, o.subject, "                                      \
    "CASE WHEN o.state <> 'sent' AND j.state = 'failed' THEN 'failed' ELSE o.state END, "          \
    "o.attempts, CASE WHEN o.last_error = '' AND j.state = 'failed' THEN j.last_error "            \
    "ELSE o.last_error END, o.user_id, o.job_id, o.created_at, o.updated_at, o.sent_at, "         \
    "o.attachment_type, o.attachment "                                                              \
    "FROM mail_outbox o LEFT JOIN jobs j ON j.id = o.job_id "
#define MAIL_STATE                                                                                 \
    "(CASE WHEN o.state <> 'sent' AND j.state = 'failed' THEN 'failed' ELSE o.state END)"

static void mail_fill(struct db_stmt *st, struct arena *a, struct mail_message *m)
{
    memset(m, 0, sizeof *m);
    m->id = db_col_int(st, 0);
    m->to_addr = arena_strdup(a, db_col_text(st, 1) ? db_col_text(st, 1) : "");
    m->template = arena_strdup(a, db_col_text(st, 2) ? db_col_text(st, 2) : "");
    m->data = arena_strdup(a, db_col_text(st, 3) ? db_col_text(st, 3) : "{}");
    m->subject = arena_strdup(a, db_col_text(st, 4) ? db_col_text(st, 4) : "");
    m->state = arena_strdup(a, db_col_text(st, 5) ? db_col_text(st, 5) : "");
    m->attempts = (int)db_col_int(st, 6);
    m->last_error = arena_strdup(a, db_col_text(st, 7) ? db_col_text(st, 7) : "");
    m->user_id = db_col_is_null(st, 8) ? 0 : db_col_int(st, 8);
    m->job_id = db_col_is_null(st, 9) ? 0 : db_col_int(st, 9);
    m->created_at = db_col_int(st, 10);
    m->updated_at = db_col_int(st, 11);
    m->sent_at = db_col_is_null(st, 12) ? 0 : db_col_int(st, 12);
    m->attachment_type = arena_strdup(a, db_col_text(st, 13) ? db_col_text(st, 13) : "");
    m->attachment = arena_strdup(a, db_col_text(st, 14) ? db_col_text(st, 14) : "");
}

static bool template_ok(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (n == 0 || n > MAIL_TEMPLATE_MAX) return false;
    for (size_t i = 0; i < n; i++)
        if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '_')) return false;
    return true;
}

static lerr queue_job(struct db *db, int64_t outbox_id, int64_t *job_id, struct problem *p)
{
    json_t *payload = json_pack("{s:I}", "outbox_id", (json_int_t)outbox_id);
    lerr e = job_enqueue(db, "mail.send", payload, 0, mail_config.attempts, job_id, p);
    json_decref(payload);
    if (!e && db_run(db, "UPDATE mail_outbox SET job_id = ?2 WHERE id = ?1", "ii", outbox_id, *job_id))
        e = model_db_problem(p);
    return e;
}

lerr mail_enqueue(struct db *db, const char *to, const char *template, json_t *data, int64_t user_id,
                  bool with_job, int64_t *id_out, struct problem *p)
{
    if (id_out) *id_out = 0;
    if (!mail_address_ok(to)) return problem_set(p, LE_INVALID, "to", "Enter an email address like name@example.org.");
    if (!template_ok(template)) return problem_set(p, LE_INVALID, "template", "unknown mail template");
    if (data && !json_is_object(data)) return problem_set(p, LE_INVALID, "data", "mail data must be a JSON object");
    char *text = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (data && !text) return problem_set(p, LE_NOMEM, "", "out of memory");
    if (db_tx_begin(db)) {
        json_text_free(text);
        return model_db_problem(p);
    }
    int64_t now = time_now(), id = 0, job_id = 0;
    struct db_stmt *st = db_prepare(db,
                                    "INSERT INTO mail_outbox (to_addr, template, data, user_id, state, attempts, "
                                    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'queued', 0, ?5, ?5) "
                                    "RETURNING id");
    lerr e = st ? LE_OK : LE_DB;
    if (st) {
        db_bind_text(st, 1, to);
        db_bind_text(st, 2, template);
        db_bind_text(st, 3, text ? text : "{}");
        if (user_id)
            db_bind_int(st, 4, user_id);
        else
            db_bind_null(st, 4);
        db_bind_int(st, 5, now);
        if (db_step(st) == DB_ROW)
            id = db_col_int(st, 0);
        else
            e = LE_DB;
        db_done(st);
    }
    if (e) e = model_db_problem(p);
    if (!e && with_job) e = queue_job(db, id, &job_id, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    json_text_free(text);
    if (!e && id_out) *id_out = id;
    return e;
}

lerr mail_enqueue_attached(struct db *db, const char *to, const char *template, json_t *data, int64_t user_id,
                           const struct mail_attachment *att, struct problem *p)
{
    if (!att) return mail_enqueue(db, to, template, data, user_id, true, NULL, p);
    if (!att->type || !*att->type || strpbrk(att->type, "\r\n") || !att->text || strlen(att->text) > MAIL_ATTACHMENT_MAX)
        return problem_set(p, LE_INVALID, "attachment", "a mail attachment needs a content type and at most %d KiB of text",
                           MAIL_ATTACHMENT_MAX / 1024);
    if (db_tx_begin(db)) return model_db_problem(p);
    int64_t id = 0, job_id = 0;
    lerr e = mail_enqueue(db, to, template, data, user_id, false, &id, p);
    if (!e && db_run(db, "UPDATE mail_outbox SET attachment_type = ?2, attachment = ?3 WHERE id = ?1", "iss", id, att->type,
                     att->text))
        e = model_db_problem(p);
    if (!e) e = queue_job(db, id, &job_id, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr mail_get(struct db *db, struct arena *a, int64_t id, struct mail_message *out)
{
    struct db_stmt *st = db_query(db, MAIL_SELECT "WHERE o.id = ?1", "i", id);
    int rc = db_step(st);
    if (rc == DB_ROW) mail_fill(st, a, out);
    db_done(st);
    return rc == DB_ROW ? LE_OK : rc == DB_DONE ? LE_NOTFOUND : LE_DB;
}

lerr mail_list(struct db *db, struct arena *a, const char *state, int page, int per_page,
               struct mail_message **out, int *n_out, int *total_out)
{
    *out = NULL;
    *n_out = 0;
    if (total_out) *total_out = 0;
    if (per_page < 1 || per_page > 200) per_page = 25;
    if (page < 1) page = 1;
    if (page > 1000000) page = 1000000;
    int64_t offset = (int64_t)(page - 1) * per_page, total = 0;
    lerr e = state ? db_query_int(db, &total,
                                  "SELECT COUNT(*) FROM mail_outbox o LEFT JOIN jobs j ON j.id = o.job_id "
                                  "WHERE " MAIL_STATE " = ?1",
                                  "s", state)
                   : db_query_int(db, &total, "SELECT COUNT(*) FROM mail_outbox", "");
    if (e) return LE_DB;
    struct db_stmt *st = state ? db_query(db, MAIL_SELECT "WHERE " MAIL_STATE " = ?1 ORDER BY o.id DESC LIMIT ?2 OFFSET ?3",
                                          "sii", state, (int64_t)per_page, offset)
                               : db_query(db, MAIL_SELECT "ORDER BY o.id DESC LIMIT ?1 OFFSET ?2", "ii",
                                          (int64_t)per_page, offset);
    struct mail_message *list = arena_alloc(a, sizeof *list * (size_t)per_page);
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < per_page) mail_fill(st, a, &list[n++]);
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return LE_DB;
    *out = list;
    *n_out = n;
    if (total_out) *total_out = (int)total;
    return LE_OK;
}

lerr mail_retry(struct db *db, int64_t id, int64_t actor_id, struct problem *p)
{
    struct arena *a = arena_new(2048);
    if (db_tx_begin(db)) {
        arena_free(a);
        return model_db_problem(p);
    }
    struct mail_message m;
    lerr e = mail_get(db, a, id, &m);
    if (e == LE_NOTFOUND)
        e = problem_set(p, LE_NOTFOUND, "id", "There is no message %lld in the outbox.", (long long)id);
    else if (e)
        e = model_db_problem(p);
    else if (strcmp(m.state, "sent") == 0)
        e = problem_set(p, LE_CONFLICT, "", "Message %lld was sent already.", (long long)id);
    else if (strcmp(m.state, "superseded") == 0)
        e = problem_set(p, LE_CONFLICT, "",
                        "Message %lld carried a link that was replaced before it went out; send a new link from "
                        "the person's page instead.",
                        (long long)id);
    else if (strcmp(m.state, "sending") == 0)
        e = problem_set(p, LE_CONFLICT, "", "Message %lld is being sent right now; look again in a minute.",
                        (long long)id);
    int64_t job_id = 0;
    if (!e) e = queue_job(db, id, &job_id, p);
    if (!e && db_run(db, "UPDATE mail_outbox SET state = 'queued', updated_at = ?2 WHERE id = ?1", "ii", id,
                     time_now()))
        e = model_db_problem(p);
    if (!e) {
        char t[32];
        snprintf(t, sizeof t, "mail:%lld", (long long)id);
        json_t *d = json_pack("{s:s, s:s, s:I}", "to", m.to_addr, "was", m.state, "job_id", (json_int_t)job_id);
        if (audit_append(db, actor_id, "mail.retry", t, d)) e = model_db_problem(p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    arena_free(a);
    return e;
}

lerr mail_mark_sending(struct db *db, int64_t id)
{
    return db_run(db, "UPDATE mail_outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?2 WHERE id = ?1",
                  "ii", id, time_now());
}

lerr mail_mark_sent(struct db *db, int64_t id, const char *subject)
{
    /* The data may carry a single-use link: once the message is out, it is not kept. */
    int64_t now = time_now();
    return db_run(db,
                  "UPDATE mail_outbox SET state = 'sent', subject = ?2, data = '{}', last_error = '', "
                  "sent_at = ?3, updated_at = ?3 WHERE id = ?1",
                  "isi", id, subject ? subject : "", now);
}

lerr mail_mark_failed(struct db *db, int64_t id, const char *subject, const char *error, bool final)
{
    char err[ERROR_MAX + 1];
    snprintf(err, sizeof err, "%s", error ? error : "failed");
    return db_run(db,
                  "UPDATE mail_outbox SET state = ?2, subject = COALESCE(?3, subject), last_error = ?4, "
                  "updated_at = ?5 WHERE id = ?1",
                  "isssi", id, final ? "failed" : "queued", subject, (const char *)err, time_now());
}

lerr mail_mark_superseded(struct db *db, int64_t id, const char *why)
{
    char err[ERROR_MAX + 1];
    snprintf(err, sizeof err, "%s", why ? why : "superseded");
    return db_run(db, "UPDATE mail_outbox SET state = 'superseded', data = '{}', last_error = ?2, updated_at = ?3 WHERE id = ?1",
                  "isi", id, (const char *)err, time_now());
}

json_t *mail_to_json(const struct mail_message *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(m->id));
    json_object_set_new(o, "to", json_string(m->to_addr));
    json_object_set_new(o, "template", json_string(m->template));
    json_object_set_new(o, "subject", json_string(m->subject));
    json_object_set_new(o, "state", json_string(m->state));
    json_object_set_new(o, "attempts", json_integer(m->attempts));
    json_object_set_new(o, "last_error", json_string(m->last_error));
    json_object_set_new(o, "user_id", m->user_id ? json_integer(m->user_id) : json_null());
    json_object_set_new(o, "job_id", m->job_id ? json_integer(m->job_id) : json_null());
    json_object_set_new(o, "created_at", model_json_time(m->created_at));
    json_object_set_new(o, "updated_at", model_json_time(m->updated_at));
    json_object_set_new(o, "sent_at", model_json_time(m->sent_at));
    return o;
}
