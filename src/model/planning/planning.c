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

lerr planning_tell(struct db *db, struct arena *a, int64_t event_id, int64_t user_id, const char *what,
                   struct problem *p)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT u.email, u.username, u.first_name, e.title, c.title, c.code, e.starts_at, "
                                  "e.timezone FROM users u, events e JOIN courses c ON c.id = e.course_id "
                                  "WHERE u.id = ?1 AND e.id = ?2",
                                  "ii", user_id, event_id);
    if (!st) return model_db_problem(p);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return rc == DB_DONE ? LE_OK : model_db_problem(p);
    }
    const char *email = model_col_str(a, st, 0);
    json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "username", model_col_str(a, st, 1), "first_name",
                          model_col_str(a, st, 2), "event_title", model_col_str(a, st, 3), "course_title",
                          model_col_str(a, st, 4), "course_code", model_col_str(a, st, 5), "starts_at",
                          local_time(a, db_col_int(st, 6), model_col_str(a, st, 7)));
    db_done(st);
    /* Booking, change and cancellation messages carry the invitation (calendar.c). */
    struct mail_attachment invitation;
    lerr e = *email ? planning_invitation(db, a, event_id, what, &invitation, p) : LE_OK;
    /* templates/mail/event_{booked,cancelled,changed,booking_cancelled}.txt.mustache */
    if (*email && !e)
        e = mail_enqueue_attached(db, email, arena_sprintf(a, "event_%s", what), d, user_id,
                                  invitation.type ? &invitation : NULL, p);
    json_decref(d);
    return e;
}
