/* Calendars: My calendar (/calendar) for everyone, a course's, a room's and a trainer's, in
 * month, week and agenda views in the viewer's zone; the same entries as JSON between ?from=
 * and ?to=; and the personal feed, an .ics address with a secret token (docs/planning.md). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "internal.h"

#define DAY 86400
#define AGENDA_DAYS 31
#define FEED_DAYS_BACK 90
#define FEED_DAYS_AHEAD 366

/* Days are counted as local dates: day d is the wall-clock date d * DAY seconds after the epoch. */
static int64_t day_of(const struct tz *z, int64_t t)
{
    int64_t wall = t + tz_offset(z, t, NULL);
    return wall >= 0 ? wall / DAY : (wall - DAY + 1) / DAY;
}

static int64_t day_start(const struct tz *z, int64_t day)
{
    return tz_to_utc(z, day * DAY);
}

static struct tm day_tm(int64_t day)
{
    time_t w = (time_t)(day * DAY);
    struct tm tm;
    gmtime_r(&w, &tm);
    return tm;
}

static const char *day_iso(struct arena *a, int64_t day)
{
    struct tm tm = day_tm(day);
    return arena_sprintf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The range a page shows. */
struct cal_view {
    const char *view;             /* "month", "week" or "agenda" */
    int64_t anchor, first, last;  /* days; last excluded */
    int64_t prev, next;           /* the anchors of the pages before and after */
};

static int64_t month_day(int y, int m)
{
    while (m < 0) m += 12, y--;
    while (m > 11) m -= 12, y++;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m, .tm_mday = 1};
    return (int64_t)timegm(&tm) / DAY;
}

static int64_t monday_on_or_before(int64_t day)
{
    int wday = day_tm(day).tm_wday; /* 0 = Sunday */
    return day - (wday + 6) % 7;
}

static void view_range(struct cal_view *v)
{
    struct tm tm = day_tm(v->anchor);
    if (str_eq(v->view, "month")) {
        int64_t first = month_day(tm.tm_year + 1900, tm.tm_mon), next = month_day(tm.tm_year + 1900, tm.tm_mon + 1);
        v->first = monday_on_or_before(first);
        v->last = monday_on_or_before(next - 1) + 7;
        v->prev = month_day(tm.tm_year + 1900, tm.tm_mon - 1);
        v->next = next;
    } else if (str_eq(v->view, "week")) {
        v->first = monday_on_or_before(v->anchor);
        v->last = v->first + 7;
        v->prev = v->first - 7;
        v->next = v->last;
    } else {
        v->first = v->anchor;
        v->last = v->anchor + AGENDA_DAYS;
        v->prev = v->anchor - AGENDA_DAYS;
        v->next = v->last;
    }
}

/* "2027-03-29" as a day; false for anything else, 30 February included. */
static bool parse_day(const char *s, int64_t *day)
{
    int y, m, d;
    char extra;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12 || d < 1 || d > 31) return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    *day = (int64_t)timegm(&tm) / DAY;
    return day_tm(*day).tm_mday == d;
}

/* ?view= and ?date= of a page: false with a 400 naming the field. */
static bool read_view(struct request *req, struct response *res, struct cal_view *v)
{
    *v = (struct cal_view){.view = req_param(req, "view")};
    if (!v->view || !*v->view) v->view = "month";
    if (!str_eq(v->view, "month") && !str_eq(v->view, "week") && !str_eq(v->view, "agenda")) {
        res_error(res, LE_INVALID, "view", "Choose the view: month, week or agenda.");
        res->status = 400;
        return false;
    }
    const char *date = req_param(req, "date");
    v->anchor = day_of(web_zone(req), time_now());
    if (date && *date && !parse_day(date, &v->anchor)) {
        res_error(res, LE_INVALID, "date", "Give the date as YYYY-MM-DD, such as 2027-03-29.");
        res->status = 400;
        return false;
    }
    view_range(v);
    return true;
}

/* ?from= and ?to= of the API: a date (midnight in the viewer's zone) or a time; to after from,
 * at most CALENDAR_RANGE_MAX_DAYS apart. Both default to the coming month. */
static bool read_range(struct request *req, struct response *res, int64_t *from, int64_t *to)
{
    const struct tz *z = web_zone(req);
    const char *names[] = {"from", "to"};
    int64_t *outs[] = {from, to};
    *from = day_start(z, day_of(z, time_now()));
    *to = *from + AGENDA_DAYS * DAY;
    for (int i = 0; i < 2; i++) {
        const char *s = req_param(req, names[i]);
        if (!s || !*s) continue;
        const char *as_time = strlen(s) == 10 ? arena_sprintf(req->arena, "%sT00:00", s) : s;
        if (!planning_parse_time(as_time, z, outs[i])) {
            res_error(res, LE_INVALID, names[i], "Give %s as a date (2027-03-29) or a time (2027-03-29T09:00:00Z).",
                      names[i]);
            res->status = 400;
            return false;
        }
    }
    const char *why = *to <= *from ? "The end of the range (to) must come after its start (from)."
                      : *to - *from > (int64_t)CALENDAR_RANGE_MAX_DAYS * DAY
                          ? "Ask for at most 366 days at a time; give a nearer 'to'."
                          : NULL;
    if (why) {
        res_error(res, LE_INVALID, "to", "%s", why);
        res->status = 400;
    }
    return !why;
}

/* An entry as a page shows it: its time in the viewer's zone (or `when`, on the later days of a
 * part that spans several) and its kind in words. */
static json_t *entry_json(struct request *req, const struct tz *z, const struct cal_item *it, const char *when)
{
    const char *abbr = "";
    time_t w = (time_t)(it->starts_at + tz_offset(z, it->starts_at, &abbr));
    struct tm tm;
    gmtime_r(&w, &tm);
    char iso[21];
    time_iso8601(it->starts_at, iso);
    /* words: calendar.kind_{event,due,quiz} calendar.state_{booked,waitlisted,trains,scheduled,cancelled,open,completed} */
    json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "title", it->title, "course", it->course_title,
                          "time", when ? when : arena_sprintf(req->arena, "%02d:%02d", tm.tm_hour, tm.tm_min), "datetime",
                          arena_strdup(req->arena, iso), "path", cal_item_path(req->arena, it), "kind_text",
                          T(req, arena_sprintf(req->arena, "calendar.kind_%s", it->kind)), "waitlisted",
                          str_eq(it->state, "waitlisted"));
    if (*it->state)
        json_object_set_new(e, "state_text", json_string(T(req, arena_sprintf(req->arena, "calendar.state_%s", it->state))));
    if (it->room && *it->room) json_object_set_new(e, "room_name", json_string(it->room));
    if (str_eq(it->kind, "due") && !*it->state) json_object_set_new(e, "people", json_integer(it->people));
    return e;
}

static json_t *day_json(struct request *req, const struct cal_view *v, int64_t day, int64_t today)
{
    struct tm tm = day_tm(day), anchor = day_tm(v->anchor);
    bool in_range = !str_eq(v->view, "month") || tm.tm_mon == anchor.tm_mon;
    /* words: date.month_{1,2,3,4,5,6,7,8,9,10,11,12} calendar.day_{0,1,2,3,4,5,6} */
    return json_pack("{s:s, s:i, s:s, s:s, s:b, s:b, s:[]}", "date", day_iso(req->arena, day), "day", tm.tm_mday,
                     "month", T(req, arena_sprintf(req->arena, "date.month_%d", tm.tm_mon + 1)), "weekday",
                     T(req, arena_sprintf(req->arena, "calendar.day_%d", tm.tm_wday)), "in_range", in_range, "today",
                     day == today, "entries");
}

/* What a later day of a part spanning several days shows instead of the start: "all day", or
 * "until 17:00" on its last day. */
static const char *continued_text(struct request *req, const struct tz *z, const struct cal_item *it, bool last)
{
    if (!last) return T(req, "calendar.all_day");
    time_t w = (time_t)(it->ends_at + tz_offset(z, it->ends_at, NULL));
    struct tm tm;
    gmtime_r(&w, &tm);
    return arena_sprintf(req->arena, "%s %02d:%02d", T(req, "calendar.until"), tm.tm_hour, tm.tm_min);
}

/* Puts an entry on every day of the page it covers: a part from 09:00 Monday to 17:00
 * Wednesday shows on all three days. */
static void place_entry(struct request *req, const struct tz *z, const struct cal_view *v, json_t *days,
                        const struct cal_item *it)
{
    int64_t first = day_of(z, it->starts_at);
    int64_t last = it->ends_at > it->starts_at ? day_of(z, it->ends_at - 1) : first;
    for (int64_t d = first > v->first ? first : v->first; d <= last && d < v->last; d++)
        json_array_append_new(json_object_get(json_array_get(days, (size_t)(d - v->first)), "entries"),
                              entry_json(req, z, it, d == first ? NULL : continued_text(req, z, it, d == last)));
}

/* The weeks (month, week) or the days with entries (agenda) of the page. */
static json_t *view_json(struct request *req, const struct cal_view *v, const struct cal_items *c)
{
    const struct tz *z = web_zone(req);
    int64_t today = day_of(z, time_now()), n = v->last - v->first;
    json_t *days = json_array();
    for (int64_t d = v->first; d < v->last; d++) json_array_append_new(days, day_json(req, v, d, today));
    for (size_t i = 0; i < c->n; i++) place_entry(req, z, v, days, &c->items[i]);
    json_t *weeks = json_array(), *agenda = json_array();
    for (int64_t k = 0; k < n; k++) {
        json_t *day = json_array_get(days, (size_t)k);
        if (k % 7 == 0) json_array_append_new(weeks, json_pack("{s:[]}", "days"));
        json_array_append(json_object_get(json_array_get(weeks, json_array_size(weeks) - 1), "days"), day);
        if (json_array_size(json_object_get(day, "entries"))) json_array_append(agenda, day);
    }
    json_decref(days);
    return json_pack("{s:o, s:o, s:b}", "weeks", weeks, "agenda", agenda, "is_empty", json_array_size(agenda) == 0);
}

/* Fills the page or the API answer. base: the page's own path, for its view links. */
static void calendar_answer(struct request *req, struct response *res, const struct cal_view *v,
                            const struct cal_items *c, const char *base, const char *title)
{
    if (req->is_api) {
        json_object_set_new(web_model(res), "entries", cal_items_json(c));
        return;
    }
    const char *date = day_iso(req->arena, v->anchor);
    struct tm first = day_tm(v->first), last = day_tm(v->last - 1);
    json_t *cal = view_json(req, v, c);
    json_object_update_missing_new(cal, json_pack(
        "{s:s, s:s, s:b, s:b, s:b, s:s, s:s, s:s, s:s, s:s, s:s}", "title", title, "view", v->view, "is_month",
        str_eq(v->view, "month"), "is_week", str_eq(v->view, "week"), "is_agenda", str_eq(v->view, "agenda"), "prev",
        arena_sprintf(req->arena, "%s?view=%s&date=%s", base, v->view, day_iso(req->arena, v->prev)), "next",
        arena_sprintf(req->arena, "%s?view=%s&date=%s", base, v->view, day_iso(req->arena, v->next)), "month_href",
        arena_sprintf(req->arena, "%s?view=month&date=%s", base, date), "week_href",
        arena_sprintf(req->arena, "%s?view=week&date=%s", base, date), "agenda_href",
        arena_sprintf(req->arena, "%s?view=agenda&date=%s", base, date), "range",
        arena_sprintf(req->arena, "%d %s %d – %d %s %d", first.tm_mday,
                      T(req, arena_sprintf(req->arena, "date.month_%d", first.tm_mon + 1)), first.tm_year + 1900,
                      last.tm_mday, T(req, arena_sprintf(req->arena, "date.month_%d", last.tm_mon + 1)),
                      last.tm_year + 1900)));
    json_object_set_new(web_model(res), "calendar", cal);
    json_object_set_new(web_model(res), "zone", json_string(tz_name(web_zone(req))));
    res->template = "calendar";
    res->title = title;
}

/* The range of a request: the page's view, or the API's from and to. */
static bool read_request_range(struct request *req, struct response *res, struct cal_view *v, int64_t *from, int64_t *to)
{
    if (req->is_api) return read_range(req, res, from, to);
    if (!read_view(req, res, v)) return false;
    *from = day_start(web_zone(req), v->first);
    *to = day_start(web_zone(req), v->last);
    return true;
}

static const char *feed_url(struct request *req, const char *token)
{
    const char *base = mail_base_url(req->db, req->arena);
    return arena_sprintf(req->arena, "%s/calendar/feed/%s.ics", base ? base : "", token);
}

/* My calendar; feed_token: the address just made (shown once), or NULL. */
static void my_calendar(struct request *req, struct response *res, const char *feed_token)
{
    struct cal_view v;
    int64_t from, to;
    if (!read_request_range(req, res, &v, &from, &to)) return;
    struct cal_items c;
    struct problem p = {0};
    if (calendar_person(req->db, req->arena, req->user->id, from, to, &c, &p)) {
        web_fail(res, &p);
        return;
    }
    int64_t made = feed_token ? time_now() : calendar_feed_created(req->db, req->user->id);
    char made_iso[21];
    time_iso8601(made, made_iso);
    json_t *feed = json_pack("{s:b, s:o}", "exists", made != 0, "created_at", made ? json_string(made_iso) : json_null());
    /* The address exists only in the answer that made it: only its hash is kept. */
    json_object_set_new(feed, "feed_url", feed_token ? json_string(feed_url(req, feed_token)) : json_null());
    json_object_set_new(web_model(res), "feed", feed);
    calendar_answer(req, res, &v, &c, "/calendar", T(req, "calendar.my_title"));
    if (!req->is_api) json_object_set_new(res->model, "is_mine", json_true());
}

void h_my_calendar(struct request *req, struct response *res)
{
    my_calendar(req, res, NULL);
}

void h_feed_renew(struct request *req, struct response *res)
{
    const char *token;
    struct problem p = {0};
    if (calendar_feed_renew(req->db, req->arena, req->user->id, &token, &p)) {
        web_fail(res, &p);
        return;
    }
    if (req->is_api) {
        res->status = 201;
        res->model = json_pack("{s:s}", "feed_url", feed_url(req, token));
        return;
    }
    my_calendar(req, res, token);
    if (!res->problem.code) json_object_set_new(res->model, "flash_feed", json_string(T(req, "calendar.feed_made")));
}

void h_feed(struct request *req, struct response *res)
{
    const char *t = req_param(req, "token");
    size_t n = t ? strlen(t) : 0;
    int64_t user_id = 0;
    struct cal_items c;
    struct problem p = {0};
    bool found = n > 4 && str_eq(t + n - 4, ".ics") &&
                 calendar_feed_owner(req->db, arena_strndup(req->arena, t, n - 4), &user_id) == LE_OK;
    if (!found) {
        res_error(res, LE_NOTFOUND, "token", "There is no calendar at this address; make a new address on My calendar.");
        return;
    }
    int64_t now = time_now();
    if (calendar_person(req->db, req->arena, user_id, now - FEED_DAYS_BACK * DAY, now + FEED_DAYS_AHEAD * DAY, &c, &p)) {
        web_fail(res, &p);
        return;
    }
    struct mail_settings s;
    const char *organizer = !mail_settings_get(req->db, req->arena, &s) && mail_address_ok(s.from_address)
                                ? arena_sprintf(req->arena, "mailto:%s", s.from_address)
                                : "";
    const char *text = ical_build(req->arena, &c, NULL, mail_base_url(req->db, req->arena), organizer,
                                  T(req, "calendar.my_title"), NULL);
    if (!text) {
        res_error(res, LE_INTERNAL, "", "The calendar could not be written.");
        return;
    }
    res->body = text;
    res->body_len = strlen(text);
    res->content_type = "text/calendar; charset=utf-8";
}

void h_course_calendar(struct request *req, struct response *res)
{
    struct course co;
    if (!web_visible_course(req, res, &co)) return;
    bool manager = web_may_manage_course(req, &co);
    if (!manager && !co.my_role) {
        res_error(res, LE_NOTFOUND, "course", "There is no course %s you take part in.", co.code);
        return;
    }
    struct cal_view v;
    int64_t from, to;
    if (!read_request_range(req, res, &v, &from, &to)) return;
    struct cal_items c;
    struct problem p = {0};
    if (calendar_course(req->db, req->arena, co.id, manager ? 0 : req->user->id, from, to, &c, &p)) {
        web_fail(res, &p);
        return;
    }
    json_object_set_new(web_model(res), "course", json_pack("{s:s, s:s}", "code", co.code, "title", co.title));
    calendar_answer(req, res, &v, &c, arena_sprintf(req->arena, "/courses/%s/calendar", co.code), co.title);
}

void h_room_calendar(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id = req_param_int(req, "id", 0);
    json_t *room = room_json(req->db, id, &p);
    if (!room) {
        web_fail(res, &p);
        return;
    }
    json_object_set_new(web_model(res), "room", room);
    struct cal_view v;
    int64_t from, to;
    if (!read_request_range(req, res, &v, &from, &to)) return;
    struct cal_items c;
    if (calendar_room(req->db, req->arena, id, from, to, &c, &p)) {
        web_fail(res, &p);
        return;
    }
    calendar_answer(req, res, &v, &c, arena_sprintf(req->arena, "/admin/rooms/%lld/calendar", (long long)id),
                    json_string_value(json_object_get(room, "name")));
}

void h_trainer_calendar(struct request *req, struct response *res)
{
    struct user u;
    struct problem p = {0};
    const char *username = req_param(req, "username");
    if (user_get_by_username(req->db, req->arena, username, &u, &p)) {
        web_fail(res, &p);
        return;
    }
    struct cal_view v;
    int64_t from, to;
    if (!read_request_range(req, res, &v, &from, &to)) return;
    struct cal_items c;
    if (calendar_person(req->db, req->arena, u.id, from, to, &c, &p)) {
        web_fail(res, &p);
        return;
    }
    json_object_set_new(web_model(res), "person", json_pack("{s:s}", "username", u.username));
    calendar_answer(req, res, &v, &c, arena_sprintf(req->arena, "/admin/trainers/%s/calendar", u.username),
                    arena_sprintf(req->arena, "%s %s", u.first_name, u.last_name));
}
