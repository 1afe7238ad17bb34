/* A session activity's page (its events, and for the course's managers the new-event form and
 * each event's bookings) and the events' API. */
#include <string.h>
#include "internal.h"

struct sent_list {
    struct arena *arena;
    const char *name, *text;
};

bool web_event_access(struct request *req, struct response *res, struct event_access *ev)
{
    struct problem p = {0};
    int64_t id = req_has_param(req, "event") ? req_param_int(req, "event", 0) : req_param_int(req, "id", 0);
    *ev = (struct event_access){0};
    if (event_ref_get(req->db, req->arena, id, &ev->ref, &p) ||
        course_get(req->db, req->arena, ev->ref.course_code, req->user->id, &ev->course, &p)) {
        web_fail(res, &p);
        return false;
    }
    ev->manager = web_may_manage_course(req, &ev->course);
    ev->trainer = event_has_trainer(req->db, id, req->user->id);
    if (!ev->manager && !ev->trainer && !ev->course.my_role) {
        res_error(res, LE_NOTFOUND, "id", "There is no event %lld.", (long long)id);
        return false;
    }
    return true;
}

const char *web_session_href(struct request *req, const struct event_access *ev)
{
    return arena_sprintf(req->arena, "/courses/%s/sessions/%lld", ev->course.code, (long long)ev->ref.activity_id);
}

/* Every value a form sent under name (ticked boxes), joined by commas; NULL when none. */
static void join_sent(void *ctx, const char *name, const char *value)
{
    struct sent_list *l = ctx;
    if (!str_eq(name, l->name)) return;
    l->text = l->text ? arena_sprintf(l->arena, "%s,%s", l->text, value) : arena_strdup(l->arena, value);
}

void web_read_event(struct request *req, struct event_input *in)
{
    in->title = req_param(req, "title");
    in->timezone = req_param(req, "timezone");
    in->meeting_url = req_param(req, "meeting_url");
    in->note = req_param(req, "note");
    in->starts_at = req_param(req, "starts_at");
    in->ends_at = req_param(req, "ends_at");
    in->signup_opens = req_param(req, "signup_opens");
    in->signup_closes = req_param(req, "signup_closes");
    in->cancel_cutoff = req_param(req, "cancel_cutoff");
    if (req_has_param(req, "room_id")) in->room_id = req_param_int(req, "room_id", 0);
    if (req_has_param(req, "seats")) in->seats = req_param_int(req, "seats", 0);
    if (req_has_param(req, "min_seats")) in->min_seats = req_param_int(req, "min_seats", 0);
    in->activity_id = req_param_int(req, "activity_id", 0);
    const char *cost = req_param(req, "cost_per_seat");
    if (cost && *cost) in->cost_per_seat = strtod(cost, NULL);
    /* A page's trainers are a choice or boxes ticked (each sent under the one name). */
    struct sent_list sent = {req->arena, "trainers", NULL};
    if (!req->is_api) req_each_sent(req, join_sent, &sent);
    const char *names = req->is_api ? req_param(req, "trainers") : sent.text;
    if (!names) return;
    const char **list = arena_alloc(req->arena, (EVENT_TRAINERS_MAX + 1) * sizeof *list);
    char *copy = arena_strdup(req->arena, names), *save = NULL;
    int n = 0;
    for (char *t = strtok_r(copy, ", \t\r\n", &save); t; t = strtok_r(NULL, ", \t\r\n", &save))
        if (n <= EVENT_TRAINERS_MAX) list[n++] = t;
    in->trainers = list;
    in->n_trainers = n;
}

/* A booking's state and attendance in words, for the page. */
static json_t *bookings_in_words(struct request *req, json_t *bookings)
{
    size_t i;
    json_t *b;
    json_array_foreach(bookings, i, b) {
        const char *state = json_string_value(json_object_get(b, "state"));
        const char *att = json_string_value(json_object_get(b, "attendance"));
        /* words: session.state_{booked,waitlisted,cancelled,awaiting_approval,declined} */
        json_object_set_new(b, "can_mark", json_boolean(str_eq(state, "booked")));
        if (state) json_object_set_new(b, "state_text", json_string(T(req, arena_sprintf(req->arena, "session.state_%s", state))));
        /* words: session.attendance_{attended,partly,no_show,excused} */
        if (att && *att)
            json_object_set_new(b, "attendance_text", json_string(T(req, arena_sprintf(req->arena, "session.attendance_%s", att))));
    }
    return bookings;
}

/* The other scheduled events a booked person can be moved to. */
static json_t *move_targets(struct request *req, json_t *events, int64_t id)
{
    json_t *list = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e) {
        if (json_integer_value(json_object_get(e, "id")) == id ||
            !str_eq(json_string_value(json_object_get(e, "state")), "scheduled"))
            continue;
        int64_t starts = 0;
        planning_parse_time(json_string_value(json_object_get(e, "starts_at")), NULL, &starts);
        json_array_append_new(list, json_pack("{s:O, s:O, s:s}", "to_id", json_object_get(e, "id"), "title",
                                              json_object_get(e, "title"), "starts_text", web_time_text(req, starts)));
    }
    return list;
}

/* Whether the viewer is among the event's trainers (from its JSON: no query per event). */
static bool viewer_trains(struct request *req, json_t *event)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(event, "trainers"), i, t) if (str_eq(json_string_value(t), req->user->username))
        return true;
    return false;
}

/* The events for a page: each with its bookings when the viewer manages or trains it. */
static json_t *session_events(struct request *req, const struct course *c, int64_t activity_id, bool manager)
{
    json_t *events = events_json(req->db, req->arena, c->id, activity_id, req->user->id);
    json_t *bookings = NULL; /* every event's, read once when the first event shows them */
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e) {
        int64_t id = json_integer_value(json_object_get(e, "id"));
        bool trains = viewer_trains(req, e);
        const char *mine = json_string_value(json_object_get(e, "my_booking"));
        bool scheduled = str_eq(json_string_value(json_object_get(e, "state")), "scheduled");
        json_object_set_new(e, "can_book", json_boolean(!mine && c->my_role && str_eq(c->my_role, "learner") &&
                                                        json_is_true(json_object_get(e, "signup_open"))));
        json_object_set_new(e, "is_full", json_boolean(json_integer_value(json_object_get(e, "free")) == 0));
        json_object_set_new(e, "is_booked", json_boolean(str_eq(mine, "booked")));
        json_object_set_new(e, "is_waitlisted", json_boolean(str_eq(mine, "waitlisted")));
        json_object_set_new(e, "is_awaiting", json_boolean(str_eq(mine, "awaiting_approval")));
        json_object_set_new(e, "is_cancelled", json_boolean(!scheduled));
        if ((manager || trains) && !req->is_api) {
            json_object_set_new(e, "can_manage", json_boolean(manager && scheduled));
            json_object_set_new(e, "can_copy", json_boolean(manager));
            if (manager && scheduled) json_object_set_new(e, "move_to", move_targets(req, events, id));
            if (!bookings) bookings = session_bookings_json(req->db, activity_id);
            json_t *mine_list = json_object_get(bookings, arena_sprintf(req->arena, "%lld", (long long)id));
            json_object_set_new(e, "bookings", bookings_in_words(req, mine_list ? json_incref(mine_list) : json_array()));
        }
    }
    json_decref(bookings);
    return events;
}

void h_session_show(struct request *req, struct response *res)
{
    struct course c;
    struct session_view x;
    struct problem p = {0};
    if (!web_visible_course(req, res, &c)) return;
    if (session_view_get(req->db, req->arena, c.id, req_param_int(req, "id", 0), req->user->id, &x, &p)) {
        web_fail(res, &p);
        return;
    }
    bool manager = web_may_manage_course(req, &c);
    res->model = json_pack("{s:{s:s, s:s}, s:{s:I, s:s, s:b}, s:o, s:b}", "course", "code", c.code, "title", c.title,
                           "activity", "id", (json_int_t)x.id, "title", x.title, "completed", x.completed_at != 0,
                           "events", session_events(req, &c, x.id, manager), "is_manager", manager);
    if (!req->is_api) json_object_set_new(res->model, "kind_label", json_string(T(req, "courses.kind_session")));
    json_object_set_new(res->model, "settings", session_settings_json(req->arena, &x.settings));
    /* A learner without a line manager is told who decides instead. */
    if (x.settings.needs_approval && !req->is_api)
        json_object_set_new(res->model, "no_manager", json_boolean(!x.viewer_has_manager));
    res->template = "courses/session";
    res->title = x.title;
}

void h_events_list(struct request *req, struct response *res)
{
    struct course c;
    if (!web_visible_course(req, res, &c)) return;
    bool manager = web_may_manage_course(req, &c);
    if (!manager && !c.my_role) {
        res_error(res, LE_NOTFOUND, "course", "There is no course %s you take part in.", c.code);
        return;
    }
    res->model = json_pack("{s:o}", "events", events_json(req->db, req->arena, c.id, 0, req->user->id));
}

void h_event_create(struct request *req, struct response *res)
{
    struct course c;
    if (!web_visible_course(req, res, &c)) return;
    if (!web_may_manage_course(req, &c)) {
        res_error(res, LE_FORBIDDEN, "course", "Only the course's instructors and administrators plan its events.");
        return;
    }
    struct event_input in = EVENT_INPUT_INIT;
    web_read_event(req, &in);
    json_t *conflicts = NULL;
    web_read_event_extras(req, &in, &conflicts);
    /* A page's form posts under its session: that is the activity. */
    if (!req->is_api) in.activity_id = req_param_int(req, "id", 0);
    if (!in.timezone || !*in.timezone) in.timezone = req->is_api ? in.timezone : tz_name(web_zone(req));
    struct problem p = {0};
    int64_t id;
    if (event_create(req->db, req->arena, c.id, &in, req->user->id, &id, &p)) {
        /* The new-event page again, with what the plan clashes with listed above the form. */
        if (str_eq(p.reason, "conflicts") && !req->is_api) h_event_new_page(req, res);
        web_fail_with_conflicts(req, res, &p, conflicts);
        return;
    }
    json_decref(conflicts);
    res->status = 201;
    res->model = json_pack("{s:I}", "id", (json_int_t)id);
    web_flash(req, res, "flash.event_saved");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/sessions/%lld", c.code, (long long)in.activity_id);
}

void h_event_show(struct request *req, struct response *res)
{
    struct event_access ev;
    if (!web_event_access(req, res, &ev)) return;
    struct problem p = {0};
    json_t *e = event_json(req->db, req->arena, ev.ref.id, req->user->id, &p);
    if (!e) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o}", "event", e);
}

void h_event_update(struct request *req, struct response *res)
{
    struct event_access ev;
    if (!web_event_access(req, res, &ev)) return;
    if (!ev.manager) {
        res_error(res, LE_FORBIDDEN, "id", "Only the course's instructors and administrators change its events.");
        return;
    }
    struct event_input in = EVENT_INPUT_INIT;
    web_read_event(req, &in);
    json_t *conflicts = NULL;
    web_read_event_extras(req, &in, &conflicts);
    struct problem p = {0};
    if (event_update(req->db, req->arena, ev.ref.id, &in, req->user->id, &p)) {
        web_fail_with_conflicts(req, res, &p, conflicts);
        return;
    }
    json_decref(conflicts);
    res->model = json_pack("{s:o}", "event", event_json(req->db, req->arena, ev.ref.id, req->user->id, &p));
}

void h_event_cancel(struct request *req, struct response *res)
{
    struct event_access ev;
    if (!web_event_access(req, res, &ev)) return;
    if (!ev.manager) {
        res_error(res, LE_FORBIDDEN, "id", "Only the course's instructors and administrators cancel its events.");
        return;
    }
    struct problem p = {0};
    if (event_cancel(req->db, req->arena, ev.ref.id, req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o}", "event", event_json(req->db, req->arena, ev.ref.id, req->user->id, &p));
    web_flash(req, res, "flash.event_cancelled");
    res->redirect = web_session_href(req, &ev);
}

static json_t *session_json(struct request *req, struct course *c, int64_t activity_id, struct problem *p)
{
    (void)p;
    return json_pack("{s:o}", "events", session_events(req, c, activity_id, web_may_manage_course(req, c)));
}

static const struct web_activity_view session_view = {"session", "session", "/courses/%s/sessions/%lld", session_json};

void web_planning_init(void)
{
    web_activity_view_register(&session_view);
}
