/* Announcements' pages and API: the archive of what the person may see (with, for those who
 * announce, the form and what they wrote with its seen counts), one announcement, ending one,
 * and dismissing an urgent banner. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "internal.h"
#include "../people/people.h"

#define ARCHIVE_MAX 100

void web_announcement_labels(struct request *req, json_t *list)
{
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        /* words: announcements.importance_{information,important,urgent} */
        const char *imp = json_string_value(json_object_get(x, "importance"));
        json_object_set_new(x, "importance_label",
                            json_string(T(req, arena_sprintf(req->arena, "announcements.importance_%s", imp))));
        json_object_set_new(x, "is_urgent", json_boolean(str_eq(imp, "urgent")));
        json_object_set_new(x, "is_important", json_boolean(str_eq(imp, "important")));
    }
}

/* The audiences the viewer may choose on the form, the first preselected. */
static json_t *audience_choices(struct request *req)
{
    /* words: announcements.audience_{site,course,department,job_role,role,team} */
    const char *kinds[8];
    size_t n = announcement_audience_kinds(req->user->roles, kinds, 8);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:s, s:s}", "value", kinds[i], "label",
                                              T(req, arena_sprintf(req->arena, "announcements.audience_%s", kinds[i]))));
    return list;
}

void h_announcements(struct request *req, struct response *res)
{
    json_t *seen = announcements_for_user(req->db, req->arena, req->user->id, 0, true, ARCHIVE_MAX);
    json_t *m = json_pack("{s:o}", "announcements", seen);
    if (role_has_cap(req->user->roles, CAP_ANNOUNCE)) {
        json_t *written = announcements_written(req->db, req->arena, req->user->id, req->user->roles, ARCHIVE_MAX);
        if (!req->is_api) {
            web_announcement_labels(req, written);
            json_object_set_new(m, "audiences", audience_choices(req));
            if (role_has_cap(req->user->roles, CAP_ANNOUNCE_ANYONE)) web_org_choices(req, m);
            json_object_set_new(m, "form", json_object());
        }
        json_object_set_new(m, "written", written);
    }
    if (!req->is_api) web_announcement_labels(req, seen);
    res->model = m;
    res->template = "communication/announcements";
    res->title = T(req, "announcements.title");
}

void h_my_announcements(struct request *req, struct response *res)
{
    res->model = json_pack("{s:o}", "announcements",
                           announcements_for_user(req->db, req->arena, req->user->id, 0, false, ARCHIVE_MAX));
}

/* A time field: epoch seconds, or a date and time (YYYY-MM-DDTHH:MM[:SS], Z for UTC) in the
 * API's UTC or the page's zone; absent or "" is 0. */
static lerr read_time(struct request *req, const char *name, int64_t *out, struct problem *p)
{
    *out = 0;
    const char *v = req_param(req, name);
    if (!v || !*v) return LE_OK;
    char *end;
    if (!strchr(v, '-')) {
        long long n = strtoll(v, &end, 10);
        if (!*end && n > 0) {
            *out = n;
            return LE_OK;
        }
    } else {
        struct tm tm = {0};
        int sec = 0, used = 0;
        if (sscanf(v, "%4d-%2d-%2dT%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &used) == 5) {
            const char *rest = v + used;
            if (*rest == ':' && sscanf(rest, ":%2d%n", &sec, &used) == 1) rest += used;
            bool utc = *rest == 'Z';
            tm.tm_year -= 1900, tm.tm_mon -= 1, tm.tm_sec = sec;
            int64_t wall = (int64_t)timegm(&tm);
            if (!rest[utc] && tm.tm_mon >= 0 && tm.tm_mon < 12 && tm.tm_mday >= 1 && tm.tm_mday <= 31 &&
                tm.tm_hour < 24 && tm.tm_min < 60 && sec < 60) {
                *out = utc || req->is_api ? wall : tz_to_utc(web_zone(req), wall);
                return LE_OK;
            }
        }
    }
    return problem_set(p, LE_INVALID, name, "Give %s as a date and time (YYYY-MM-DDTHH:MM, %s) or epoch seconds.",
                       name, req->is_api ? "UTC" : tz_name(web_zone(req)));
}

/* The API's audience object: {site: true} | {course: CODE} | {department_id: N} |
 * {job_role_id: N} | {role: NAME or [NAMES]} | {team: true}. */
static lerr read_api_audience(struct request *req, struct announcement_input *in, struct problem *p)
{
    json_t *au = json_object_get(req_json(req), "audience");
    json_t *v;
    if (!json_is_object(au) || json_object_size(au) != 1) goto bad;
    if ((v = json_object_get(au, "site")) && json_is_true(v)) in->audience = "site";
    else if ((v = json_object_get(au, "team")) && json_is_true(v)) in->audience = "team";
    else if ((v = json_object_get(au, "course")) && json_is_string(v))
        in->audience = "course", in->course_code = json_string_value(v);
    else if ((v = json_object_get(au, "department_id")) && json_is_integer(v))
        in->audience = "department", in->department_id = json_integer_value(v);
    else if ((v = json_object_get(au, "job_role_id")) && json_is_integer(v))
        in->audience = "job_role", in->job_role_id = json_integer_value(v);
    else if ((v = json_object_get(au, "role")) && json_is_string(v))
        in->audience = "role", in->role = json_string_value(v);
    else if (v && json_is_array(v)) {
        const char *names = "";
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) names = arena_sprintf(req->arena, "%s%s%s", names, i ? "," : "",
                                                          json_is_string(x) ? json_string_value(x) : "?");
        in->audience = "role", in->role = names;
    } else
        goto bad;
    return LE_OK;
bad:
    return problem_set(p, LE_INVALID, "audience",
                       "audience must be one of {\"site\": true}, {\"course\": CODE}, {\"department_id\": N}, "
                       "{\"job_role_id\": N}, {\"role\": NAME} or {\"team\": true}.");
}

static lerr read_input(struct request *req, struct announcement_input *in, struct problem *p)
{
    *in = (struct announcement_input){
        .title = req_param(req, "title"),
        .body = req_param(req, "body"),
        .importance = req_param(req, "importance"),
        .pinned = req_param_bool(req, "pinned"),
        .email = req_param_bool(req, "email"),
    };
    lerr e = read_time(req, "publish_at", &in->publish_at, p);
    if (!e) e = read_time(req, "expire_at", &in->expire_at, p);
    if (e) return e;
    if (req->is_api) return read_api_audience(req, in, p);
    in->audience = req_param(req, "audience");
    in->course_code = req_param(req, "course");
    in->department_id = req_param_int(req, "department_id", 0);
    in->job_role_id = req_param_int(req, "job_role_id", 0);
    in->role = req_param(req, "role");
    return LE_OK;
}

void h_announcement_create(struct request *req, struct response *res)
{
    struct announcement_input in;
    struct problem p = {0};
    int64_t id = 0;
    json_t *one = NULL;
    if (read_input(req, &in, &p) ||
        announcement_create(req->db, req->arena, &in, req->user->id, req->user->roles, &id, &p) ||
        announcement_json(req->db, req->arena, id, req->user->id, req->user->roles, &one, &p)) {
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:o}", "announcement", one);
    web_flash(req, res, "flash.announcement_saved");
    res->redirect = arena_sprintf(req->arena, "/announcements/%lld", (long long)id);
}

void h_announcement_show(struct request *req, struct response *res)
{
    struct problem p = {0};
    json_t *one = NULL;
    if (announcement_json(req->db, req->arena, req_param_int(req, "id", 0), req->user->id, req->user->roles, &one,
                          &p)) {
        web_fail(res, &p);
        return;
    }
    if (!req->is_api) {
        json_t *wrap = json_pack("[O]", one);
        web_announcement_labels(req, wrap);
        json_decref(wrap);
        json_object_set_new(one, "may_expire", json_boolean(json_object_get(one, "seen") != NULL &&
                                                             json_is_true(json_object_get(one, "live"))));
    }
    res->model = json_pack("{s:o}", "announcement", one);
    res->template = "communication/announcement";
    res->title = json_string_value(json_object_get(one, "title"));
}

void h_announcement_expire(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id = req_param_int(req, "id", 0);
    json_t *one = NULL;
    if (announcement_expire(req->db, id, req->user->id, req->user->roles, &p) ||
        announcement_json(req->db, req->arena, id, req->user->id, req->user->roles, &one, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o}", "announcement", one);
    web_flash(req, res, "flash.announcement_expired");
    res->redirect = arena_sprintf(req->arena, "/announcements/%lld", (long long)id);
}

void h_announcement_dismiss(struct request *req, struct response *res)
{
    struct problem p = {0};
    if (announcement_dismiss(req->db, req_param_int(req, "id", 0), req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:b}", "dismissed", 1);
    /* Back to the page the banner was closed on, when it is one of ours. */
    const char *back = req_param(req, "back");
    res->redirect = back && back[0] == '/' && back[1] != '/' && back[1] != '\\' ? back : "/";
}
