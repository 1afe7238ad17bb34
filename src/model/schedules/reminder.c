/* Reminders and escalation for programmes (docs/schedules.md): before the due date, an overdue
 * notice, and the line manager told after some days overdue. The scan takes "now" from its
 * caller (the 'schedules.reminders' job and the workers' hourly sweep pass the clock's time;
 * unit tests pass any time), and is safe on any node, twice at once or again after a crash:
 * each message is queued in the transaction that records its key (person, assignment, kind,
 * days, due date) in programme_reminders_sent, whose unique index refuses a second record. The
 * due date is in the key, so an extension reminds again; ended and completed assignments are
 * never read, so people who left the group or finished hear nothing more. Certifications'
 * expiry warnings ride on the same machinery with the expiry in the place of the due date, so a
 * renewal that moves the expiry warns again. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define DAY 86400
/* Assignments looked at per scan, soonest due first; more wait for the next scan. */
#define SCAN_MAX 20000

/* One live, incomplete assignment with a due date, or a certified one nearing its expiry
 * (expiring: due_at is then the expiry), as the kinds decide on it. */
struct reminder_candidate {
    int64_t assignment_id, user_id, manager_id, due_at;
    bool expiring;
    int before[REMINDER_BEFORE_MAX], n_before; /* the days before due_at that remind, largest first */
    bool overdue_notice;
    int escalate_days;                         /* 0 = never */
    unsigned sent;                             /* bit k: kind k already sent for this due date ... */
    int sent_before_days;                      /* ... and the smallest days of a "due_soon" sent */
};

/* Whether a kind is due at now for c; *days gets the days of its key (0 when it has none). */
typedef bool (*reminder_due_fn)(const struct reminder_candidate *c, int64_t now, int *days);

static bool days_before(const struct reminder_candidate *c, int64_t now, int *days)
{
    *days = 0;
    if (now >= c->due_at) return false;
    /* The nearest of the days that has passed: a scan that missed 14 days sends the 7. */
    for (int i = 0; i < c->n_before; i++)
        if (now >= c->due_at - (int64_t)c->before[i] * DAY) *days = c->before[i];
    return *days > 0;
}

static bool overdue(const struct reminder_candidate *c, int64_t now, int *days)
{
    *days = 0;
    return c->overdue_notice && now >= c->due_at;
}

static bool escalation(const struct reminder_candidate *c, int64_t now, int *days)
{
    *days = 0;
    return c->escalate_days > 0 && c->manager_id && now >= c->due_at + (int64_t)c->escalate_days * DAY;
}

/* The kinds of message the scan sends, each with the notification type it sends
 * (platform's notification_type.c; also its mail template), whom it goes to, and whether
 * it is about the expiry of a certification (read from expiring candidates only) or the due
 * date. A kind counted in days before its date keeps the smallest days sent (by_days). */
static const struct reminder_kind {
    const char *name;          /* programme_reminders_sent.kind */
    const char *template;
    bool to_manager, on_expiry, by_days;
    reminder_due_fn due;
} KINDS[] = {
    {"due_soon", "programme_due_soon", false, false, true, days_before},
    {"overdue", "programme_overdue", false, false, false, overdue},
    {"escalation", "programme_escalation", true, false, false, escalation},
    {"expiry", "programme_expiring", false, true, true, days_before},
};
#define N_KINDS (int)(sizeof KINDS / sizeof KINDS[0])

static int kind_index(const char *name)
{
    for (int i = 0; i < N_KINDS; i++)
        if (str_eq(KINDS[i].name, name)) return i;
    return -1;
}

/* Puts the message in the outbox: to the person, or to their manager naming them. */
static lerr queue_message(struct db *db, struct arena *a, const struct reminder_kind *k,
                          const struct reminder_candidate *c, int days, int64_t now, struct problem *p)
{
    int64_t to = k->to_manager ? c->manager_id : c->user_id;
    struct db_stmt *st = db_query(db,
                                  "SELECT t.email, t.username, t.first_name, u.username, u.first_name, u.last_name, "
                                  "p.code, p.title FROM users t, users u, programme_assignments a JOIN programmes p ON "
                                  "p.id = a.programme_id WHERE t.id = ?1 AND u.id = a.user_id AND a.id = ?2",
                                  "ii", to, c->assignment_id);
    if (!st) return model_db_problem(p);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return LE_OK;
    }
    const char *email = model_col_str(a, st, 0);
    json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:I}", "username", model_col_str(a, st, 1),
                          "first_name", model_col_str(a, st, 2), "learner_username", model_col_str(a, st, 3),
                          "learner_name",
                          arena_sprintf(a, "%s %s", model_col_str(a, st, 4), model_col_str(a, st, 5)),
                          "programme_code", model_col_str(a, st, 6), "programme_title", model_col_str(a, st, 7),
                          "due", schedules_date(a, c->due_at), "days", days, "days_overdue",
                          (json_int_t)(now > c->due_at ? (now - c->due_at) / DAY : 0));
    db_done(st);
    lerr e = notify_send(db, k->template, to, email, d, NULL, NULL, p);
    json_decref(d);
    return e;
}

/* Records the key and queues the message in one transaction: *sent false when it was sent before. */
static lerr send_once(struct db *db, struct arena *a, const struct reminder_kind *k, const struct reminder_candidate *c,
                      int days, int64_t now, bool *sent, struct problem *p)
{
    *sent = false;
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = LE_OK;
    int64_t to = k->to_manager ? c->manager_id : c->user_id;
    struct db_stmt *st = db_query(db,
                                  "INSERT INTO programme_reminders_sent (kind, assignment_id, user_id, days, due_at, "
                                  "to_user_id, sent_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING "
                                  "RETURNING id",
                                  "siiiiii", k->name, c->assignment_id, c->user_id, (int64_t)days, c->due_at, to, now);
    if (!st) e = model_db_problem(p);
    int rc = st ? db_step(st) : DB_DONE;
    if (st) db_done(st);
    if (!e && rc < 0) e = model_db_problem(p);
    *sent = !e && rc == DB_ROW;
    if (*sent) e = queue_message(db, a, k, c, days, now, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (e) *sent = false;
    return e;
}

/* Whether the kind's key (with days) is among those already sent for the candidate. Rows of a
 * kind counted in days are read as the smallest days sent: the days only shrink as the date nears. */
static bool already_sent(const struct reminder_candidate *c, int k, int days)
{
    if (!(c->sent & (1u << k))) return false;
    return !KINDS[k].by_days || c->sent_before_days <= days;
}

int reminder_days_parse(const char *text, int *out, int max)
{
    int n = 0;
    const char *s = text ? text : "";
    while (*s) {
        while (*s == ',' || *s == ' ') s++;
        if (!*s) break;
        char *end;
        long d = strtol(s, &end, 10);
        if (end == s || d < 1 || d > REMINDER_DAYS_LIMIT || n == max) return -1;
        for (int i = 0; i < n; i++)
            if (out[i] == d) return -1;
        out[n++] = (int)d;
        s = end;
        if (*s && *s != ',' && *s != ' ') return -1;
    }
    /* Largest first, as the scan reads them. */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && out[j] > out[j - 1]; j--) {
            int t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

/* The candidates read so far, growing in the scan's arena. */
struct candidate_list {
    struct reminder_candidate *items;
    int n, cap;
};

/* Adds the row (one candidate, perhaps with a key already sent) to the list, or marks the key
 * on the candidate it continues. */
static void read_row(struct db_stmt *st, bool expiring, struct reminder_candidate *list, int *n)
{
    int64_t id = db_col_int(st, 0);
    if (!*n || list[*n - 1].assignment_id != id || list[*n - 1].expiring != expiring) {
        struct reminder_candidate *c = &list[(*n)++];
        memset(c, 0, sizeof *c);
        c->assignment_id = id;
        c->expiring = expiring;
        c->user_id = db_col_int(st, 1);
        c->due_at = db_col_int(st, 2);
        c->manager_id = db_col_int(st, 3);
        c->n_before = reminder_days_parse(db_col_text(st, 4), c->before, REMINDER_BEFORE_MAX);
        if (c->n_before < 0) c->n_before = 0;
        c->overdue_notice = db_col_int(st, 5) != 0;
        c->escalate_days = (int)db_col_int(st, 6);
        c->sent_before_days = REMINDER_DAYS_LIMIT + 1;
    }
    struct reminder_candidate *c = &list[*n - 1];
    int k = db_col_is_null(st, 7) ? -1 : kind_index(db_col_text(st, 7));
    if (k < 0) return;
    c->sent |= 1u << k;
    int days = (int)db_col_int(st, 8);
    if (KINDS[k].by_days && days < c->sent_before_days) c->sent_before_days = days;
}

/* Reads the statement's rows (as read_row takes them) onto the list, and finishes it. */
static lerr read_rows(struct db_stmt *st, struct arena *a, bool expiring, struct candidate_list *l, struct problem *p)
{
    if (!st) return model_db_problem(p);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (l->n == l->cap) { /* room for a new candidate on the next row */
            int cap = l->cap ? l->cap * 2 : 256;
            struct reminder_candidate *bigger = arena_alloc(a, (size_t)cap * sizeof *bigger);
            if (l->n) memcpy(bigger, l->items, (size_t)l->n * sizeof *bigger);
            l->items = bigger, l->cap = cap;
        }
        read_row(st, expiring, l->items, &l->n);
    }
    db_done(st);
    return rc < 0 ? model_db_problem(p) : LE_OK;
}

/* A message of this kind was sent for the assignment's current due date. */
#define SENT(kind)                                                                                           \
    "EXISTS (SELECT 1 FROM programme_reminders_sent s WHERE s.assignment_id = a.id AND s.due_at = a.due_at AND " \
    "s.kind = '" kind "')"

/* Live, incomplete assignments of active programmes due within the longest "days before",
 * with the keys already sent for their current due date, in one query. Those overdue with
 * everything sent that ever will be are left out, so years of old overdue assignments never
 * crowd out the ones whose reminders are due. */
static lerr read_due_candidates(struct db *db, struct arena *a, int64_t now, struct candidate_list *l,
                                struct problem *p)
{
    struct db_stmt *st = db_query(
        db,
        "SELECT a.id, a.user_id, a.due_at, a.manager_id, a.remind_before, a.remind_overdue, a.escalate_days, r.kind, "
        "r.days FROM (SELECT a.id, a.user_id, a.due_at, COALESCE(u.manager_id, 0) AS manager_id, x.remind_before, "
        "x.remind_overdue, x.escalate_days FROM programme_assignments a JOIN programmes x ON x.id = a.programme_id AND "
        "x.status = 'active' JOIN users u ON u.id = a.user_id AND u.status = 'active' WHERE a.ended_at IS NULL AND "
        "a.completed_at IS NULL AND a.due_at IS NOT NULL AND a.due_at <= ?1 AND NOT (a.due_at <= ?3 AND "
        "(x.remind_overdue = 0 OR " SENT("overdue") ") AND (x.escalate_days = 0 OR u.manager_id IS NULL OR "
        SENT("escalation") ")) ORDER BY a.due_at, a.id LIMIT ?2) a LEFT JOIN programme_reminders_sent r ON "
        "r.assignment_id = a.id AND r.due_at = a.due_at ORDER BY a.due_at, a.id",
        "iii", now + (int64_t)REMINDER_DAYS_LIMIT * DAY, (int64_t)SCAN_MAX, now);
    return read_rows(st, a, false, l, p);
}

/* Live assignments of active programmes certified until within a year from now (the most a
 * programme's expiry warning days may say; complete, or with the renewal open: certified until
 * the expiry all the same), with the programme's warning days and the warnings already sent for
 * their current expiry. An expired certification, or one of a programme that warns on no day,
 * is not read. */
static lerr read_expiring_candidates(struct db *db, struct arena *a, int64_t now, struct candidate_list *l,
                                     struct problem *p)
{
    struct db_stmt *st = db_query(
        db,
        "SELECT a.id, a.user_id, a.expires_at, 0, a.remind_expiry, 0, 0, r.kind, r.days FROM (SELECT a.id, "
        "a.user_id, a.expires_at, x.remind_expiry FROM programme_assignments a JOIN programmes x ON x.id = "
        "a.programme_id AND x.status = 'active' AND x.remind_expiry <> '' JOIN users u ON u.id = a.user_id AND "
        "u.status = 'active' WHERE a.ended_at IS NULL AND a.expires_at > ?1 AND a.expires_at <= ?2 ORDER BY "
        "a.expires_at, a.id LIMIT ?3) a LEFT JOIN programme_reminders_sent r ON r.assignment_id = a.id AND r.due_at = "
        "a.expires_at AND r.kind = 'expiry' ORDER BY a.expires_at, a.id",
        "iii", now, now + (int64_t)REMINDER_DAYS_LIMIT * DAY, (int64_t)SCAN_MAX);
    return read_rows(st, a, true, l, p);
}

lerr schedules_reminders_scan(struct db *db, struct arena *a, int64_t now, int *sent_out, struct problem *p)
{
    *sent_out = 0;
    struct candidate_list l = {0};
    lerr e = read_due_candidates(db, a, now, &l, p);
    if (!e) e = read_expiring_candidates(db, a, now, &l, p);
    for (int i = 0; !e && i < l.n; i++)
        for (int k = 0; !e && k < N_KINDS; k++) {
            const struct reminder_candidate *c = &l.items[i];
            int days;
            if (KINDS[k].on_expiry != c->expiring || !KINDS[k].due(c, now, &days) || already_sent(c, k, days))
                continue;
            bool sent;
            e = send_once(db, a, &KINDS[k], c, days, now, &sent, p);
            *sent_out += sent;
        }
    return e;
}
