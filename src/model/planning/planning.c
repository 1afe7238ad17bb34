/* The planning domain's start and the helpers its files share: the session activity kind,
 * times as sent, meeting addresses, audit entries and messages about an event. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "internal.h"

/* A session holds events; a person completes it by attending one (attendance.c), never by
 * opening its page. */
static const struct activity_kind session_kind = {"session", "attended", NULL, NULL};

void planning_init(void)
{
    activity_kind_register(&session_kind);
}

static bool read_digits(const char **s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*s)[i] < '0' || (*s)[i] > '9') return false;
        v = v * 10 + ((*s)[i] - '0');
    }
    *s += n;
    *out = v;
    return true;
}

/* "+HH:MM", "-HHMM" or "Z" at the end of s into seconds east of UTC. */
static bool read_offset(const char *s, bool *given, int *offset)
{
    *given = false;
    *offset = 0;
    if (!*s) return true;
    *given = true;
    if ((*s == 'Z' || *s == 'z') && !s[1]) return true;
    if (*s != '+' && *s != '-') return false;
    int sign = *s == '-' ? -1 : 1, h, m;
    s++;
    if (!read_digits(&s, 2, &h)) return false;
    if (*s == ':') s++;
    if (!read_digits(&s, 2, &m) || *s || h > 23 || m > 59) return false;
    *offset = sign * (h * 3600 + m * 60);
    return true;
}

bool planning_parse_time(const char *s, const struct tz *zone, int64_t *out)
{
    int y, mo, d, h, mi, sec = 0;
    if (!s || !read_digits(&s, 4, &y) || *s++ != '-' || !read_digits(&s, 2, &mo) || *s++ != '-' ||
        !read_digits(&s, 2, &d) || (*s != 'T' && *s != ' '))
        return false;
    s++;
    if (!read_digits(&s, 2, &h) || *s++ != ':' || !read_digits(&s, 2, &mi)) return false;
    if (*s == ':' && (s++, !read_digits(&s, 2, &sec))) return false;
    bool given;
    int offset;
    if (!read_offset(s, &given, &offset) || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    int64_t wall = (int64_t)timegm(&tm);
    struct tm back;
    time_t w = (time_t)wall;
    if (!gmtime_r(&w, &back) || back.tm_mday != d) return false; /* 31 February */
    *out = given ? wall - offset : tz_to_utc(zone ? zone : tz_utc(), wall);
    return true;
}

bool planning_https_ok(const char *url)
{
    if (!url || !*url) return true;
    return strncasecmp(url, "https://", 8) == 0 && url[8] && !strpbrk(url, " \t\r\n\"<>'") && strlen(url) <= 2000;
}

lerr planning_audit(struct db *db, struct arena *a, int64_t actor_id, const char *action, const char *what,
                    int64_t id, json_t *d, struct problem *p)
{
    lerr e = audit_append(db, actor_id, action, arena_sprintf(a, "%s:%lld", what, (long long)id), d)
                 ? model_db_problem(p)
                 : LE_OK;
    json_decref(d);
    return e;
}

/* "2027-03-28 09:30 BST" in the event's own zone: a message cannot know its reader's zone. */
static const char *local_time(struct arena *a, int64_t t, const char *zone_name)
{
    const struct tz *z = tz_get(zone_name);
    const char *abbr = "UTC";
    int off = tz_offset(z, t, &abbr);
    time_t w = (time_t)(t + off);
    struct tm tm;
    gmtime_r(&w, &tm);
    return arena_sprintf(a, "%04d-%02d-%02d %02d:%02d %s (%s)", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                         tm.tm_min, abbr ? abbr : "", zone_name);
}

/* The person a message is about, when it goes to someone else (their line manager). */
static lerr add_about(struct db *db, struct arena *a, int64_t about_user_id, json_t *d, struct problem *p)
{
    struct db_stmt *st = db_query(db, "SELECT username, first_name, last_name FROM users WHERE id = ?1", "i", about_user_id);
    if (!st) return model_db_problem(p);
    if (db_step(st) == DB_ROW) {
        const char *first = model_col_str(a, st, 1), *last = model_col_str(a, st, 2);
        json_object_set_new(d, "learner_username", json_string(model_col_str(a, st, 0)));
        json_object_set_new(d, "learner_name", json_string(arena_sprintf(a, "%s%s%s", first, *first && *last ? " " : "", last)));
    }
    db_done(st);
    return LE_OK;
}

lerr planning_tell_about(struct db *db, struct arena *a, int64_t event_id, int64_t to_user_id, int64_t about_user_id,
                         const char *what, json_t *extra, struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT u.email, u.username, u.first_name, e.title, c.title, c.code, e.starts_at, "
                                  "e.timezone, e.activity_id, u.last_name FROM users u, events e JOIN courses c ON c.id = e.course_id "
                                  "WHERE u.id = ?1 AND e.id = ?2",
                                  "ii", to_user_id, event_id);
    if (!st) return model_db_problem(p);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return rc == DB_DONE ? LE_OK : model_db_problem(p);
    }
    const char *email = model_col_str(a, st, 0);
    json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "username", model_col_str(a, st, 1), "first_name",
                          model_col_str(a, st, 2), "event_title", model_col_str(a, st, 3), "course_title",
                          model_col_str(a, st, 4), "course_code", model_col_str(a, st, 5), "starts_at",
                          local_time(a, db_col_int(st, 6), model_col_str(a, st, 7)), "activity_id",
                          (json_int_t)db_col_int(st, 8));
    struct ical_attendee who = {.email = email,
                                .name = arena_sprintf(a, "%s %s", model_col_str(a, st, 2), model_col_str(a, st, 9))};
    db_done(st);
    if (extra) json_object_update(d, extra);
    lerr e = about_user_id ? add_about(db, a, about_user_id, d, p) : LE_OK;
    /* A person's own booking, change and cancellation messages carry the invitation
     * (calendar.c); messages about someone else (to their manager) do not. */
    struct mail_attachment invitation = {0};
    if (!e && *email && !about_user_id) e = planning_invitation(db, a, event_id, what, &who, &invitation, p);
    /* templates/mail/event_<what>.txt.mustache: booked, confirmed, changed, cancelled,
     * booking_cancelled, approved, waitlisted, declined, approval_request, approval_reminder,
     * reminder, reminder_trainer, no_show */
    if (!e)
        e = notify_send(db, arena_sprintf(a, "event_%s", what), to_user_id, email, d,
                        invitation.type ? &invitation : NULL, NULL, p);
    json_decref(d);
    return e;
}

lerr planning_tell(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, const char *what,
                   struct problem *p)
{
    return planning_tell_about(db, a, event_id, user_id, 0, what, NULL, p);
}
