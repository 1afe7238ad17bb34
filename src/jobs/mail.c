/* The 'mail.send' job kind: renders one outbox message from templates/mail/ and sends it over
 * SMTP with libcurl. `lectern mail test` uses the same mail_deliver.
 *
 * Templates: templates/mail/<name>.txt.mustache is the plain-text body and starts with a
 * "Subject: ..." line and a blank line; templates/mail/<name>.html.mustache, when present, is
 * the HTML alternative. Both see the message's data, the site ({{site.name}}, {{site.url}})
 * and the translations ({{t.key}}). Text templates use triple braces ({{{x}}}): Mustache
 * escapes for HTML, which plain text must not get.
 *
 * Failures: every SMTP or network error is retried by the job queue (backoff 10 s, doubling)
 * until the job's attempts are spent; the outbox row says 'queued' with the last error in
 * between and 'failed' after the last attempt. A message that can never work (its template
 * is missing) fails at once.
 *
 * Single-use links: a message that carries one names it ("link_id" in its data); the token is
 * minted here, at each attempt, and exists only in the message that leaves. A link replaced
 * (or used, or expired) before its message went out leaves the message 'superseded', unsent. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include "jobs.h"
#include "../core/asset.h"
#include "../model/people/people.h"
#include "../view/view.h"

#define MAIL_MAX (1024 * 1024)
#define SMTP_CONNECT_TIMEOUT_S 15L
#define SMTP_TIMEOUT_S 60L

/* ---- Templates ---- */

static struct {
    pthread_once_t once;
    struct tpl_set *set;
    lerr err;
    char error[700];
} mail_tpl = {.once = PTHREAD_ONCE_INIT};

static void compile_one(const struct asset *a, void *ctx)
{
    (void)ctx;
    if (mail_tpl.err) return;
    /* "templates/mail/password_reset.txt.mustache" is known as "password_reset.txt". */
    const char *name = a->path + strlen("templates/mail/");
    size_t n = strlen(name);
    const char *ext = ".mustache";
    if (n <= strlen(ext) || strcmp(name + n - strlen(ext), ext) != 0) return;
    char key[256];
    snprintf(key, sizeof key, "%.*s", (int)(n - strlen(ext)), name);
    struct problem p = {0};
    mail_tpl.err = tpl_set_add(mail_tpl.set, key, (const char *)a->data, a->len, &p);
    if (mail_tpl.err) snprintf(mail_tpl.error, sizeof mail_tpl.error, "%.200s: %.400s", a->path, p.message);
}

static void compile_all(void)
{
    mail_tpl.set = tpl_set_new();
    asset_each("templates/mail/", compile_one, NULL);
    if (!i18n_catalog("en") && i18n_load()) log_error("mail: the translation catalogues could not be loaded");
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static lerr render_one(struct arena *a, const char *name, json_t *const *stack, size_t n, char **out,
                       struct problem *p)
{
    struct buf b;
    buf_init(&b, MAIL_MAX);
    lerr e = tpl_set_render(mail_tpl.set, name, stack, n, &b);
    if (e) {
        buf_release(&b);
        return problem_set(p, e == LE_TOOBIG ? LE_INVALID : e, "template", "cannot render mail template %s", name);
    }
    *out = arena_strdup(a, b.data ? b.data : "");
    buf_release(&b);
    return LE_OK;
}

/* The built-in template, or own_text instead of its text part (an administrator's version,
 * mail_template.c; it has no HTML part). */
static lerr render_message(struct arena *a, const char *template, const char *own_text, const char *data_json,
                           const char *site_name, const char *site_url, struct mail_rendered *out, struct problem *p)
{
    memset(out, 0, sizeof *out);
    pthread_once(&mail_tpl.once, compile_all);
    if (mail_tpl.err) return problem_set(p, LE_INVALID, "template", "mail templates: %s", mail_tpl.error);
    const char *txt = arena_sprintf(a, "%s.txt", template);
    const char *html = arena_sprintf(a, "%s.html", template);
    if (!tpl_set_has(mail_tpl.set, txt))
        return problem_set(p, LE_INVALID, "template", "there is no mail template templates/mail/%s.mustache", txt);
    json_t *data = json_loads(data_json ? data_json : "{}", 0, NULL);
    if (!json_is_object(data)) {
        json_decref(data);
        return problem_set(p, LE_INVALID, "data", "the message's data is not a JSON object");
    }
    json_t *base = json_pack("{s:{s:s, s:s}}", "site", "name", site_name ? site_name : "Lectern", "url",
                             site_url ? site_url : "");
    json_t *catalog = i18n_catalog("en");
    if (catalog) json_object_set(base, "t", catalog);
    json_t *stack[2] = {base, data};
    char *text = NULL;
    lerr e;
    if (own_text) {
        e = mail_text_render(a, own_text, stack, 2, &out->subject, &out->text, p);
    } else {
        e = render_one(a, txt, stack, 2, &text, p);
        if (!e && tpl_set_has(mail_tpl.set, html)) e = render_one(a, html, stack, 2, &out->html, p);
        if (!e) e = mail_text_split(a, text, arena_sprintf(a, "templates/mail/%s.mustache", txt), &out->subject,
                                    &out->text, p);
    }
    json_decref(base);
    json_decref(data);
    return e;
}

lerr mail_render(struct arena *a, const char *template, const char *data_json, const char *site_name,
                 const char *site_url, struct mail_rendered *out, struct problem *p)
{
    return render_message(a, template, NULL, data_json, site_name, site_url, out, p);
}

/* ---- The message: RFC 5322 with MIME ---- */

static bool ascii_only(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80) return false;
    return true;
}

/* RFC 2047 "encoded word" for a header value that is not plain ASCII. */
static lerr add_header_text(struct buf *out, const char *s)
{
    if (ascii_only(s)) return buf_adds(out, s);
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    lerr e = buf_adds(out, "=?UTF-8?B?");
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; !e && i < n; i += 3) {
        unsigned v = (unsigned)u[i] << 16 | (i + 1 < n ? (unsigned)u[i + 1] << 8 : 0) | (i + 2 < n ? u[i + 2] : 0);
        char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < n ? b64[v >> 6 & 63] : '=', i + 2 < n ? b64[v & 63] : '='};
        e = buf_add(out, q, 4);
    }
    return e ? e : buf_adds(out, "?=");
}

/* A body part: LF or CRLF lines become CRLF; quoted-printable when a line is not 7-bit ASCII
 * or too long for SMTP, 7bit otherwise. */
static bool needs_qp(const char *s)
{
    size_t line = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) return true;
        line = c == '\n' ? 0 : line + 1;
        if (line > 900) return true;
    }
    return false;
}

static lerr add_body(struct buf *out, const char *s, bool qp)
{
    lerr e = LE_OK;
    size_t col = 0;
    static const char hex[] = "0123456789ABCDEF";
    for (const char *c = s; *c && !e; c++) {
        unsigned char x = (unsigned char)*c;
        if (x == '\r') continue;
        if (x == '\n') {
            /* Trailing white space before a line break is encoded, so it survives transport. */
            e = buf_adds(out, "\r\n");
            col = 0;
            continue;
        }
        if (!qp) {
            e = buf_addc(out, (char)x);
            continue;
        }
        bool plain = (x >= 33 && x <= 126 && x != '=') || ((x == ' ' || x == '\t') && c[1] != '\n' && c[1] != '\r' && c[1]);
        size_t w = plain ? 1 : 3;
        if (col + w > 75) {
            e = buf_adds(out, "=\r\n");
            col = 0;
        }
        if (e) break;
        if (plain) {
            e = buf_addc(out, (char)x);
        } else {
            char q[3] = {'=', hex[x >> 4], hex[x & 15]};
            e = buf_add(out, q, 3);
        }
        col += w;
    }
    if (!e && out->len >= 2 && strcmp(out->data + out->len - 2, "\r\n") != 0) e = buf_adds(out, "\r\n");
    return e;
}

static lerr add_part_headers(struct buf *out, const char *type, bool qp)
{
    return buf_addf(out, "Content-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: %s\r\n\r\n", type,
                    qp ? "quoted-printable" : "7bit");
}

static void new_boundary(char out[48])
{
    char rnd[25];
    random_hex(rnd, 12);
    snprintf(out, 48, "=_lectern_%s", rnd);
}

/* The body's Content-Type header and content: the text alone, or text and HTML as alternatives. */
static lerr add_body_parts(struct buf *out, const struct mail_rendered *m)
{
    bool qp_text = needs_qp(m->text ? m->text : "");
    if (!m->html) {
        lerr e = add_part_headers(out, "text/plain", qp_text);
        return e ? e : add_body(out, m->text ? m->text : "", qp_text);
    }
    bool qp_html = needs_qp(m->html);
    char boundary[48];
    new_boundary(boundary);
    lerr e = buf_addf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n--%s\r\n", boundary, boundary);
    if (!e) e = add_part_headers(out, "text/plain", qp_text);
    if (!e) e = add_body(out, m->text ? m->text : "", qp_text);
    if (!e) e = buf_addf(out, "--%s\r\n", boundary);
    if (!e) e = add_part_headers(out, "text/html", qp_html);
    if (!e) e = add_body(out, m->html, qp_html);
    if (!e) e = buf_addf(out, "--%s--\r\n", boundary);
    return e;
}

/* multipart/mixed: the body, then the attachment (a calendar invitation carries its method in
 * its type, "text/calendar; method=REQUEST", which calendar programs read to offer "accept"). */
static lerr add_with_attachment(struct buf *out, const struct mail_rendered *m)
{
    char boundary[48];
    new_boundary(boundary);
    bool qp = needs_qp(m->attachment ? m->attachment : "");
    bool calendar = strncmp(m->attachment_type, "text/calendar", 13) == 0;
    lerr e = buf_addf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n--%s\r\n", boundary, boundary);
    if (!e) e = add_body_parts(out, m);
    if (!e) e = buf_addf(out, "--%s\r\n", boundary);
    if (!e) e = buf_addf(out, "Content-Disposition: attachment; filename=\"%s\"\r\n", calendar ? "invite.ics" : "attachment.txt");
    if (!e) e = add_part_headers(out, m->attachment_type, qp);
    if (!e) e = add_body(out, m->attachment ? m->attachment : "", qp);
    if (!e) e = buf_addf(out, "--%s--\r\n", boundary);
    return e;
}

lerr mail_format_message(struct buf *out, const struct mail_settings *s, const char *to,
                         const struct mail_rendered *m, int64_t now, struct problem *p)
{
    if (!mail_address_ok(s->from_address))
        return problem_set(p, LE_CONFLICT, "from_address",
                           "no sender address is set: enter one in Settings (Mail)");
    if (!mail_address_ok(to)) return problem_set(p, LE_INVALID, "to", "'%s' is not an email address", to);
    char date[64], rnd[33];
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(date, sizeof date, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    random_hex(rnd, 16);
    const char *domain = strchr(s->from_address, '@') + 1;
    lerr e = buf_adds(out, "From: ");
    if (!e && s->from_name && *s->from_name) {
        if (ascii_only(s->from_name)) {
            e = buf_addc(out, '"');
            for (const char *c = s->from_name; !e && *c; c++)
                e = (*c == '"' || *c == '\\') ? buf_addf(out, "\\%c", *c) : buf_addc(out, *c);
            if (!e) e = buf_addc(out, '"');
        } else {
            e = add_header_text(out, s->from_name);
        }
        if (!e) e = buf_addf(out, " <%s>", s->from_address);
    } else if (!e) {
        e = buf_adds(out, s->from_address);
    }
    if (!e) e = buf_addf(out, "\r\nTo: <%s>\r\nSubject: ", to);
    if (!e) e = add_header_text(out, m->subject ? m->subject : "");
    if (!e)
        e = buf_addf(out, "\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\nMIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n",
                     date, rnd, domain);
    if (!e && m->attachment_type && *m->attachment_type) e = add_with_attachment(out, m);
    else if (!e) e = add_body_parts(out, m);
    if (e) return problem_set(p, LE_INVALID, "", "the message is larger than %d KiB", MAIL_MAX / 1024);
    return LE_OK;
}

/* ---- SMTP ---- */

struct upload {
    const char *data;
    size_t len, off;
};

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *userp)
{
    struct upload *u = userp;
    size_t room = size * nmemb, left = u->len - u->off;
    size_t n = left < room ? left : room;
    memcpy(ptr, u->data + u->off, n);
    u->off += n;
    return n;
}

lerr mail_smtp_send(const struct mail_settings *s, const char *to, const char *message, size_t len,
                    struct problem *p)
{
    pthread_once(&mail_tpl.once, compile_all);
    if (!s->host || !*s->host)
        return problem_set(p, LE_CONFLICT, "smtp_host", "no SMTP server is set: enter one in Settings (Mail)");
    CURL *c = curl_easy_init();
    if (!c) return problem_set(p, LE_NOMEM, "", "cannot start libcurl");
    bool tls = strcmp(s->tls, "tls") == 0, starttls = strcmp(s->tls, "starttls") == 0;
    char url[400], from[300], rcpt[300], errbuf[CURL_ERROR_SIZE] = "";
    /* The URL's path is the name we greet the server with (EHLO): the sender's domain. */
    const char *at = strchr(s->from_address ? s->from_address : "", '@');
    snprintf(url, sizeof url, "%s://%s:%d/%s", tls ? "smtps" : "smtp", s->host, s->port > 0 ? s->port : 25,
             at ? at + 1 : "localhost");
    snprintf(from, sizeof from, "<%s>", s->from_address);
    snprintf(rcpt, sizeof rcpt, "<%s>", to);
    struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
    struct upload up = {message, len, 0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    if (starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (s->username && *s->username) {
        curl_easy_setopt(c, CURLOPT_USERNAME, s->username);
        curl_easy_setopt(c, CURLOPT_PASSWORD, s->password ? s->password : "");
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, SMTP_CONNECT_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, SMTP_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(c);
    lerr e = LE_OK;
    if (rc != CURLE_OK) {
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        char answered[64] = "";
        if (code) snprintf(answered, sizeof answered, "; the server answered %ld", code);
        e = problem_set(p, LE_IO, "", "SMTP %s:%d: %s%s%s%s%s", s->host, s->port, curl_easy_strerror(rc),
                        errbuf[0] ? " (" : "", errbuf, errbuf[0] ? ")" : "", answered);
    }
    curl_slist_free_all(rcpts);
    curl_easy_cleanup(c);
    return e;
}

/* ---- One outbox message ---- */

/* The message's data with its link minted in ("link"), or the data as it is when it names no
 * link. LE_CONFLICT when the link is no longer live (see signin_link_mint). */
static lerr data_with_link(struct db *db, struct arena *a, const char *data, const char **out, struct problem *p)
{
    *out = data;
    json_t *d = json_loads(data ? data : "{}", 0, NULL);
    json_t *id = json_object_get(d, "link_id");
    lerr e = LE_OK;
    if (json_is_integer(id)) {
        const char *url = NULL;
        e = signin_link_mint(db, a, json_integer_value(id), &url, p);
        if (!e) {
            json_object_set_new(d, "link", json_string(url));
            char *text = json_dumps(d, JSON_COMPACT);
            *out = text ? arena_strdup(a, text) : NULL;
            json_text_free(text);
            if (!*out) e = problem_set(p, LE_NOMEM, "", "out of memory");
        }
    }
    json_decref(d);
    return e;
}

/* The message's link was retired before it went out: it is recorded as not sent, with why
 * (p->message, from signin_link_mint). */
static lerr set_superseded(struct db *db, const struct mail_message *m, struct problem *p)
{
    if (mail_mark_superseded(db, m->id, p->message))
        return problem_set(p, LE_DB, "", "cannot update message %lld: %s", (long long)m->id, db_errmsg(db));
    log_info("mail: message %lld (%s) not sent: %s", (long long)m->id, m->template, p->message);
    return LE_OK;
}

lerr mail_deliver(struct db *db, int64_t outbox_id, int64_t job_id, bool final_attempt, bool *skipped,
                  struct problem *p)
{
    if (skipped) *skipped = false;
    struct arena *a = arena_new(8192);
    struct mail_message m;
    lerr e = mail_get(db, a, outbox_id, &m);
    if (e) {
        arena_free(a);
        if (e == LE_NOTFOUND) return problem_set(p, LE_INVALID, "outbox_id", "there is no message %lld in the outbox", (long long)outbox_id);
        return problem_set(p, LE_DB, "", "cannot read message %lld: %s", (long long)outbox_id, db_errmsg(db));
    }
    /* Sent already, not to be sent, or a retry has queued a newer job for it: nothing to do. */
    if (strcmp(m.state, "sent") == 0 || strcmp(m.state, "superseded") == 0 || (job_id && m.job_id != job_id)) {
        if (skipped) *skipped = true;
        arena_free(a);
        return LE_OK;
    }
    struct mail_settings s;
    struct site_settings site;
    if (mail_settings_get(db, a, &s) || settings_get(db, a, &site)) {
        arena_free(a);
        return problem_set(p, LE_DB, "", "cannot read the mail settings: %s", db_errmsg(db));
    }
    const char *data = NULL;
    e = data_with_link(db, a, m.data, &data, p);
    if (e == LE_CONFLICT) {
        e = set_superseded(db, &m, p);
        if (skipped) *skipped = !e;
        arena_free(a);
        return e;
    }
    if (!e && mail_mark_sending(db, outbox_id)) {
        arena_free(a);
        return problem_set(p, LE_DB, "", "cannot update message %lld: %s", (long long)outbox_id, db_errmsg(db));
    }
    struct mail_rendered r = {0};
    const char *base = mail_base_url(db, a);
    const char *own_text = NULL;
    if (!e && mail_template_own(db, a, m.template, &own_text))
        e = problem_set(p, LE_DB, "", "cannot read the text of mail template %s: %s", m.template, db_errmsg(db));
    if (!e) e = render_message(a, m.template, own_text, data, site.site_name, base ? base : "", &r, p);
    r.attachment_type = m.attachment_type;
    r.attachment = m.attachment;
    struct buf msg;
    buf_init(&msg, MAIL_MAX + 64 * 1024);
    if (!e) e = mail_format_message(&msg, &s, m.to_addr, &r, time_now(), p);
    if (!e) e = mail_smtp_send(&s, m.to_addr, msg.data, msg.len, p);
    buf_release(&msg);
    lerr me;
    if (!e) {
        me = mail_mark_sent(db, outbox_id, r.subject);
        log_info("mail: message %lld (%s) sent to %s", (long long)outbox_id, m.template, m.to_addr);
    } else {
        /* A message that can never be rendered fails at once; anything else is retried. */
        bool final = final_attempt || e == LE_INVALID;
        me = mail_mark_failed(db, outbox_id, r.subject, p->message, final);
    }
    if (me) log_error("mail: cannot record the outcome of message %lld: %s", (long long)outbox_id, db_errmsg(db));
    arena_free(a);
    return e;
}

lerr job_mail_send(struct job_run *r, json_t *payload, json_t **result, struct problem *p)
{
    json_t *id = json_object_get(payload, "outbox_id");
    if (!json_is_integer(id) || json_integer_value(id) <= 0)
        return problem_set(p, LE_INVALID, "outbox_id", "mail.send needs {\"outbox_id\": N}");
    bool final = r->job->attempts >= r->job->max_attempts, skipped = false;
    lerr e = mail_deliver(r->db, json_integer_value(id), r->job->id, final, &skipped, p);
    if (!e) *result = json_pack("{s:I, s:s}", "outbox_id", json_integer_value(id), "outcome", skipped ? "skipped" : "sent");
    return e;
}
