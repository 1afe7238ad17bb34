/* The training record (/users/USERNAME/record, /record for one's own, and the API's
 * /api/v1/users/USERNAME/record): every section of the model's record with its words for the
 * page, a print view, and the external training form. */
#include <string.h>
#include "../../core/json_set.h"
#include "internal.h"

bool web_record_person(struct request *req, struct response *res, struct user *u)
{
    struct problem p = {0};
    const char *username = req_param(req, "username");
    if (user_get_by_username(req->db, req->arena, username ? username : "", u, &p)) {
        web_fail(res, &p);
        return false;
    }
    if (!record_visible_to(req->db, req->user->id, req->user->roles, u->id)) {
        problem_set(&p, LE_NOTFOUND, "username", "There is no user '%s'.", u->username);
        web_fail(res, &p);
        return false;
    }
    return true;
}

/* A row's links and words: its status, score and hours, the course or session it is about. */
static void row_labels(struct request *req, const char *section, json_t *row)
{
    struct arena *a = req->arena;
    /* words: records.status_{complete,withdrawn,overdue,in_progress,not_started,grading,passed,failed} */
    /* words: records.status_{booked,waitlisted,awaiting_approval,cancelled,attended,partly,no_show,excused} */
    /* words: records.status_{archived,imported,acknowledged,pending,approved,declined} */
    /* words: records.status_{valid,expired,revoked} */
    const char *status = json_string_value(json_object_get(row, "status"));
    json_object_set_new(row, "status_label", json_string(T(req, arena_sprintf(a, "records.status_%s", status))));
    json_t *score = json_object_get(row, "score"), *hours = json_object_get(row, "hours");
    if (json_is_number(score))
        json_object_set_new(row, "score_label", json_string(arena_sprintf(a, "%.0f%%", json_number_value(score))));
    if (json_is_number(hours))
        json_object_set_new(row, "hours_label", json_string(arena_sprintf(a, "%.1f", json_number_value(hours))));
    const char *code = json_string_value(json_object_get(row, "code"));
    int64_t id = json_integer_value(json_object_get(row, "id"));
    if (str_eq(section, "classroom"))
        json_object_set_new(row, "href", json_string(arena_sprintf(a, "/courses/%s/sessions/%lld", code, (long long)id)));
    else if (str_eq(section, "quizzes"))
        json_object_set_new(row, "href", json_string(arena_sprintf(a, "/courses/%s/quizzes/%lld", code, (long long)id)));
    else if (str_eq(section, "certificates")) {
        json_object_set_new(row, "download_href", json_string(arena_sprintf(a, "/certificates/%s/pdf", code)));
        json_object_set_new(row, "verify_href", json_string(arena_sprintf(a, "/verify/%s", code)));
        json_object_set_new(row, "is_revoked", json_boolean(str_eq(status, "revoked")));
        json_object_set_new(row, "can_revoke", json_boolean(role_has_cap(req->user->roles, CAP_COURSES_MANAGE)));
        json_object_set_new(row, "back", json_string("record"));
    } else if (str_eq(section, "external") && code && *code)
        json_object_set_new(row, "evidence_href", json_string(arena_sprintf(a, "/external-training/%lld/evidence", (long long)id)));
    else if (!str_eq(section, "external") && !str_eq(json_string_value(json_object_get(row, "detail")), "programme"))
        json_object_set_new(row, "href", json_string(arena_sprintf(a, "/courses/%s", code)));
    json_object_set_new(row, "is_pending", json_boolean(str_eq(status, "pending")));
}

static void record_labels(struct request *req, json_t *rec)
{
    static const char *const sections[] = {"courses",  "quizzes",  "classroom",   "history",
                                           "policies", "external", "certificates"};
    for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++) {
        size_t i;
        json_t *row;
        json_array_foreach(json_object_get(rec, sections[s]), i, row) row_labels(req, sections[s], row);
    }
    web_assignment_labels(req, json_object_get(rec, "programmes"));
    json_t *hours = json_object_get(rec, "hours");
    json_object_set_new(hours, "total_label",
                        json_string(arena_sprintf(req->arena, "%.1f", json_number_value(json_object_get(hours, "total")))));
    size_t i;
    json_t *y;
    json_array_foreach(json_object_get(hours, "by_year"), i, y)
        json_object_set_new(y, "hours_label",
                            json_string(arena_sprintf(req->arena, "%.1f", json_number_value(json_object_get(y, "hours")))));
}

static void record_answer(struct request *req, struct response *res, const struct user *u)
{
    json_t *rec = record_json(req->db, req->arena, u->id);
    if (!rec) {
        res_error(res, LE_DB, NULL, "The training record could not be read; try again.");
        return;
    }
    const char *name = arena_sprintf(req->arena, "%s %s", u->first_name, u->last_name);
    if (!*u->first_name && !*u->last_name) name = u->username;
    json_object_set_new(rec, "person", json_pack("{s:s, s:s, s:s, s:s}", "username", u->username, "name", name,
                                                 "department", u->department_name, "job_role", u->job_role_name));
    if (!req->is_api) {
        record_labels(req, rec);
        bool self = u->id == req->user->id;
        jset_bool(rec, "self", self);
        jset_bool(rec, "can_add", self || role_has_cap(req->user->roles, CAP_USERS_MANAGE));
        /* Someone who reached another's record is their manager up the line or an administrator. */
        jset_bool(rec, "can_decide", !self);
        json_object_set_new(rec, "form", json_object());
    }
    res->model = json_pack("{s:o}", "record", rec);
    res->template = "records/record";
    res->title = T(req, "records.title");
}

void h_record(struct request *req, struct response *res)
{
    struct user u;
    if (web_record_person(req, res, &u)) record_answer(req, res, &u);
}

void h_my_record(struct request *req, struct response *res)
{
    struct user u;
    struct problem p = {0};
    if (user_get(req->db, req->arena, req->user->id, &u, &p)) {
        web_fail(res, &p);
        return;
    }
    record_answer(req, res, &u);
}
