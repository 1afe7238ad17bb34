/* Changing and copying an event by clicking (docs/planning.md, "Changing and copying events"):
 * the session page's "Edit" and "Copy" open the event form on a page of its own, filled in from
 * the event in its own time zone; a copy's dates are a week later, as a suggestion. Saving goes
 * through event_update or event_create, so the checks, the conflicts (with an administrator's
 * override), the higher SEQUENCE and the "changed" mails are the model's, as for the API. */
#include <string.h>
#include <time.h>
#include "internal.h"

#define WEEK_SECONDS (7 * 86400)

/* The event the path names, under the session and course the path names, for the course's
 * instructors and administrators; *event_out gets its JSON (a new reference). */
static bool managed_event(struct request *req, struct response *res, struct event_access *ev, json_t **event_out)
{
    if (!web_event_access(req, res, ev)) return false;
    if (ev->ref.activity_id != req_param_int(req, "id", 0) || !str_eq(ev->ref.course_code, req_param(req, "course"))) {
        res_error(res, LE_NOTFOUND, "event", "There is no such event in this session; open the session's page again.");
        return false;
    }
    if (!ev->manager) {
        res_error(res, LE_FORBIDDEN, "event", "Only the course's instructors and administrators change its events.");
        return false;
    }
    struct problem p = {0};
    *event_out = event_json(req->db, req->arena, ev->ref.id, req->user->id, &p);
    if (*event_out) return true;
    web_fail(res, &p);
    return false;
}

/* A UTC time of the event's JSON as a clock in zone shows it, shift seconds of wall-clock time
 * later (so 09:00 stays 09:00 across a change of summer time), for a datetime-local field. */
static const char *wall_text(struct arena *a, const struct tz *zone, json_t *when, int64_t shift)
{
    int64_t t;
    if (!json_is_string(when) || !planning_parse_time(json_string_value(when), NULL, &t)) return "";
    time_t wall = (time_t)(t + tz_offset(zone, t, NULL) + shift);
    struct tm tm;
    char text[32];
    if (!gmtime_r(&wall, &tm) || !strftime(text, sizeof text, "%Y-%m-%dT%H:%M", &tm)) return "";
    return arena_strdup(a, text);
}

/* The names of a JSON list joined by sep. */
static const char *joined(struct arena *a, json_t *list, const char *sep)
{
    const char *text = "";
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x) text = *text ? arena_sprintf(a, "%s%s%s", text, sep, json_string_value(x))
                                                : json_string_value(x);
    return text;
}

/* The form's dated rows: the event's parts, shift seconds later. */
static void form_dates(struct request *req, json_t *form, json_t *e, const struct tz *zone, int64_t shift)
{
    static const char *const fields[] = {"signup_opens", "signup_closes", "cancel_cutoff"};
    json_t *parts = json_object_get(e, "parts");
    for (size_t i = 0; i < json_array_size(parts) && i < EVENT_FORM_PARTS; i++) {
        json_t *part = json_array_get(parts, i);
        const char *prefix = i ? arena_sprintf(req->arena, "part%zu_", i + 1) : "";
        json_object_set_new(form, arena_sprintf(req->arena, "%sstarts_at", prefix),
                            json_string(wall_text(req->arena, zone, json_object_get(part, "starts_at"), shift)));
        json_object_set_new(form, arena_sprintf(req->arena, "%sends_at", prefix),
                            json_string(wall_text(req->arena, zone, json_object_get(part, "ends_at"), shift)));
    }
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        json_object_set_new(form, fields[i], json_string(wall_text(req->arena, zone, json_object_get(e, fields[i]), shift)));
}

/* The form's fields as the event has them; a copy's dates shift seconds later. */
static json_t *form_of(struct request *req, json_t *e, int64_t shift)
{
    const struct tz *zone = tz_get(json_string_value(json_object_get(e, "timezone")));
    json_t *form = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:s}", "title", json_object_get(e, "title"),
                             "timezone", json_object_get(e, "timezone"), "meeting_url", json_object_get(e, "meeting_url"),
                             "note", json_object_get(e, "note"), "seats", json_object_get(e, "seats"), "min_seats",
                             json_object_get(e, "min_seats"), "cost_per_seat", json_object_get(e, "cost_per_seat"),
                             "external_trainers", joined(req->arena, json_object_get(e, "external_trainers"), "; "));
    form_dates(req, form, e, zone, shift);
    return form;
}

/* The rooms to choose from, the event's marked (shown even when archived since, so the form
 * does not change it unasked). */
static json_t *rooms_marked(struct request *req, json_t *e)
{
    int64_t chosen = json_integer_value(json_object_get(json_object_get(e, "room"), "id"));
    json_t *all = rooms_json(req->db, true), *rooms = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(all, i, r) {
        int64_t id = json_integer_value(json_object_get(r, "id"));
        if (json_is_true(json_object_get(r, "archived")) && id != chosen) continue;
        json_object_set_new(r, "selected", json_boolean(id == chosen));
        json_array_append(rooms, r);
    }
    json_decref(all);
    return rooms;
}

/* The course's instructors, those training the event ticked. */
static json_t *instructors_marked(struct request *req, const struct course *c, json_t *e)
{
    struct enrolment_filter f = {.role = "instructor", .sort = "name"};
    int total = 0;
    json_t *list = course_enrolments_page(req->db, req->arena, c->id, &f, 1, 100, &total);
    if (!list) return json_array();
    size_t i, k;
    json_t *x, *t;
    json_array_foreach(list, i, x) {
        bool trains = false;
        json_array_foreach(json_object_get(e, "trainers"), k, t) trains |=
            str_eq(json_string_value(t), json_string_value(json_object_get(x, "username")));
        json_object_set_new(x, "checked", json_boolean(trains));
    }
    return list;
}

/* The page: the event's form to change it, or (copy) to plan the next run from it. */
static void form_page(struct request *req, struct response *res, const struct event_access *ev, json_t *e, bool copy)
{
    const char *session = web_session_href(req, ev);
    res->model = json_pack("{s:{s:s, s:s}, s:s, s:O, s:o, s:o, s:o, s:b, s:b, s:s}", "course", "code",
                           ev->course.code, "title", ev->course.title, "session_href", session, "event", e, "form",
                           form_of(req, e, copy ? WEEK_SECONDS : 0), "rooms", rooms_marked(req, e), "instructors",
                           instructors_marked(req, &ev->course, e), "is_copy", copy, "dates_editable",
                           copy || json_array_size(json_object_get(e, "parts")) <= EVENT_FORM_PARTS, "action",
                           arena_sprintf(req->arena, "%s/events/%lld/%s", session, (long long)ev->ref.id,
                                         copy ? "copy" : "edit"));
    res->template = "planning/event_form";
    res->title = T(req, copy ? "event_form.copy_title" : "event_form.edit_title");
}

void h_event_edit_page(struct request *req, struct response *res)
{
    struct event_access ev;
    json_t *e;
    if (!managed_event(req, res, &ev, &e)) return;
    form_page(req, res, &ev, e, false);
    json_decref(e);
}

void h_event_copy_page(struct request *req, struct response *res)
{
    struct event_access ev;
    json_t *e;
    if (!managed_event(req, res, &ev, &e)) return;
    form_page(req, res, &ev, e, true);
    json_decref(e);
}

/* The new-event page of a session: the same form, empty, its times in the viewer's zone. */
void h_event_new_page(struct request *req, struct response *res)
{
    struct course c;
    struct session_view x;
    struct problem p = {0};
    if (!web_visible_course(req, res, &c)) return;
    if (session_view_get(req->db, req->arena, c.id, req_param_int(req, "id", 0), req->user->id, &x, &p)) {
        web_fail(res, &p);
        return;
    }
    if (!web_may_manage_course(req, &c)) {
        res_error(res, LE_FORBIDDEN, "course", "Only the course's instructors and administrators plan its events.");
        return;
    }
    const char *session = arena_sprintf(req->arena, "/courses/%s/sessions/%lld", c.code, (long long)x.id);
    json_t *none = json_object();
    /* A request for a class opens the form with its seats and its wanted dates as the note. */
    int64_t seats = req_param_int(req, "seats", 0);
    res->model = json_pack("{s:{s:s, s:s}, s:s, s:{s:s}, s:{s:s, s:s?, s:o}, s:o, s:o, s:b, s:b, s:s}", "course", "code",
                           c.code, "title", c.title, "session_href", session, "event", "title", x.title, "form",
                           "timezone", tz_name(web_zone(req)), "note", req_param(req, "note"), "seats",
                           seats > 0 ? json_integer(seats) : json_null(), "rooms", rooms_marked(req, none), "instructors",
                           instructors_marked(req, &c, none), "is_new", true, "dates_editable", true, "action",
                           arena_sprintf(req->arena, "%s/events", session));
    json_decref(none);
    res->template = "planning/event_form";
    res->title = T(req, "session.new_event");
}

/* Saves the form: a change of the event, or (copy) a new event in the same session. A refusal
 * shows the page again with what was typed, the conflicts in words and the field marked. */
static void save(struct request *req, struct response *res, bool copy)
{
    struct event_access ev;
    json_t *e;
    if (!managed_event(req, res, &ev, &e)) return;
    struct event_input in = EVENT_INPUT_INIT;
    web_read_event(req, &in);
    in.activity_id = ev.ref.activity_id;
    json_t *conflicts = NULL;
    web_read_event_extras(req, &in, &conflicts);
    struct problem p = {0};
    int64_t id;
    lerr err = copy ? event_create(req->db, req->arena, ev.course.id, &in, req->user->id, &id, &p)
                    : event_update(req->db, req->arena, ev.ref.id, &in, req->user->id, &p);
    if (err) {
        form_page(req, res, &ev, e, copy);
        json_decref(e);
        web_fail_with_conflicts(req, res, &p, conflicts);
        return;
    }
    json_decref(e);
    json_decref(conflicts);
    web_flash(req, res, copy ? "flash.event_saved" : "flash.event_changed");
    res->redirect = web_session_href(req, &ev);
}

void h_event_edit(struct request *req, struct response *res)
{
    save(req, res, false);
}

void h_event_copy(struct request *req, struct response *res)
{
    save(req, res, true);
}
