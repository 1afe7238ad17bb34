/* The dashboard: what each role sees first after signing in. Each part is read only for people
 * with that role, so a learner's dashboard costs what it always did; each part says what to do
 * next rather than showing an empty table. */
#include <time.h>
#include "internal.h"
#include "../../model/assessments/assessments.h"
#include "../../model/courses/courses.h"
#include "../../model/people/people.h"
#include "../../model/schedules/schedules.h"
#include "../../model/communication/communication.h"
#include "../communication/communication.h"
#include "../platform/platform.h"

#define RECENT_ACTIVITY 8 /* audit entries on the administrator's card */
#define DASHBOARD_ANNOUNCEMENTS 5

/* The first second of the current month, UTC. */
static int64_t month_start(void)
{
    time_t now = (time_t)time_now();
    struct tm tm;
    gmtime_r(&now, &tm);
    tm.tm_mday = 1, tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    return (int64_t)timegm(&tm);
}

/* The site at a glance and recent activity in words: two queries, and a third while a request
 * to the administrators is overdue. */
static json_t *admin_part(struct request *req)
{
    struct site_overview o;
    if (site_overview_read(req->db, month_start(), &o)) o = (struct site_overview){0};
    json_t *recent = audit_list(req->db, req->arena, &(struct audit_filter){.limit = RECENT_ACTIVITY});
    json_t *items = recent ? json_incref(json_object_get(recent, "items")) : json_array();
    json_decref(recent);
    web_audit_describe(req, items);
    /* Requests to the administrators still open after the day they were needed by: counted
     * only while the summary says one may be (no query otherwise). */
    int64_t overdue = 0, now = time_now();
    if (admin_requests_may_be_overdue(req->db, req->user->shown_version, now) &&
        admin_requests_overdue_count(req->db, now, &overdue))
        overdue = 0;
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "overdue_requests", (json_int_t)overdue, "active_people", (json_int_t)o.active_people,
                     "user_count", (json_int_t)o.active_people, "courses", (json_int_t)o.courses,
                     "completions_this_month", (json_int_t)o.completions, "pending_requests",
                     (json_int_t)o.pending_requests, "failed_mail", (json_int_t)o.failed_mail, "recent_activity", items);
}

/* The manager's reporting line, counted (one query); the users list shows exactly them. */
static json_t *manager_part(struct request *req)
{
    int64_t n = 0;
    if (user_reporting_line_count(req->db, req->user->id, &n)) n = 0;
    return json_pack("{s:I, s:s, s:[]}", "team_count", (json_int_t)n, "team_href", "/admin/users", "team");
}

/* The courses the person teaches (from the learner part's read), each with its learners,
 * completions, overdue learners and essays waiting: two queries. */
static json_t *instructor_part(struct request *req, json_t *teaching)
{
    struct teaching_stat *stats = NULL;
    struct grading_waiting *waiting = NULL;
    size_t n_stats = 0, n_waiting = 0;
    if (json_array_size(teaching)) {
        if (teaching_stats(req->db, req->arena, req->user->id, &stats, &n_stats)) n_stats = 0;
        if (grading_waiting_counts(req->db, req->arena, req->user->id, &waiting, &n_waiting)) n_waiting = 0;
    }
    json_t *courses = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(teaching, i, c)
    {
        json_int_t id = json_integer_value(json_object_get(c, "course_id"));
        struct teaching_stat s = {0};
        int64_t essays = 0;
        for (size_t k = 0; k < n_stats; k++)
            if (stats[k].course_id == id) s = stats[k];
        for (size_t k = 0; k < n_waiting; k++)
            if (waiting[k].course_id == id) essays = waiting[k].essays;
        json_array_append_new(courses, json_pack("{s:O, s:O, s:I, s:I, s:I, s:I}", "code", json_object_get(c, "code"),
                                                 "title", json_object_get(c, "title"), "learners",
                                                 (json_int_t)s.learners, "completed", (json_int_t)s.completed,
                                                 "overdue", (json_int_t)s.overdue, "to_grade", (json_int_t)essays));
    }
    return json_pack("{s:o}", "courses", courses);
}

void h_dashboard(struct request *req, struct response *res)
{
    unsigned roles = req->user->roles;
    json_t *m = json_object();
    json_t *names = json_array();
    for (unsigned r = ROLE_ADMIN; r <= ROLE_LEARNER; r <<= 1)
        if (roles & r) json_array_append_new(names, json_string(role_name(r)));
    json_object_set_new(m, "roles", names);
    json_object_set_new(m, "display_name", json_string(req->user->display_name));
    /* My training: enrolled courses with progress, due dates, the next activity and recently
     * completed ones (content.c). Anyone enrolled sees it, whatever their site role; the
     * courses they teach come apart in "teaching". */
    json_t *mine = learner_dashboard_json(req->db, req->arena, req->user->id);
    json_t *teaching = json_incref(json_object_get(mine, "teaching"));
    json_object_del(mine, "teaching");
    if (roles & ROLE_ADMIN) json_object_set_new(m, "admin", admin_part(req));
    if (roles & ROLE_MANAGER) json_object_set_new(m, "manager", manager_part(req));
    if ((roles & ROLE_INSTRUCTOR) || json_array_size(teaching))
        json_object_set_new(m, "instructor", instructor_part(req, teaching));
    json_decref(teaching);
    /* My plan: the programmes assigned to the person, with the next due date and course (one query). */
    json_t *plan = plan_json(req->db, req->arena, req->user->id);
    if (json_array_size(plan)) json_object_set_new(m, "plan", plan);
    else json_decref(plan);
    if ((roles & ROLE_LEARNER) || json_array_size(json_object_get(mine, "courses")) ||
        json_array_size(json_object_get(mine, "recently_completed")))
        json_object_set_new(m, "learner", mine);
    else
        json_decref(mine);
    /* Announcements for the person, pinned first: no query while none is live for anybody,
     * else one (and the first showing records them as seen). */
    json_t *news = announcements_may_be_live(req->db, req->user->shown_version, false)
                       ? announcements_for_user(req->db, req->arena, req->user->id, 0, false, DASHBOARD_ANNOUNCEMENTS)
                       : json_array();
    if (!req->is_api) web_announcement_labels(req, news);
    json_object_set_new(m, "announcements", news);
    res->model = m;
    res->template = "dashboard";
    res->title = T(req, "dashboard.title");
}
