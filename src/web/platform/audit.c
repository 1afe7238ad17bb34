/* The audit log for administrators: newest entries first, filtered by person, action, target
 * and dates, paged by entry id, each entry told in words with its raw record beside it. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "internal.h"
#include "platform.h"

/* ---- Entries in words ---- */

/* "{actor} suspended {target}" with the names (and, for the generic sentence, {action}) put in. */
static const char *fill(struct request *req, const char *pattern, const char *const words[3])
{
    static const char *const marks[3] = {"{actor}", "{target}", "{action}"};
    const char *out = "";
    for (const char *p = pattern; *p;) {
        const char *brace = strchr(p, '{');
        if (!brace) return arena_sprintf(req->arena, "%s%s", out, p);
        out = arena_sprintf(req->arena, "%s%.*s", out, (int)(brace - p), p);
        p = brace + 1;
        for (int k = 0; k < 3; k++)
            if (strncmp(brace, marks[k], strlen(marks[k])) == 0) {
                out = arena_sprintf(req->arena, "%s%s", out, words[k]);
                p = brace + strlen(marks[k]);
                break;
            }
        if (p == brace + 1) out = arena_sprintf(req->arena, "%s{", out);
    }
    return out;
}

/* The translated text of key, or NULL when the catalogue has none (T answers the key). */
static const char *text_or_null(struct request *req, const char *key)
{
    const char *t = T(req, key);
    return t == key ? NULL : t;
}

/* "Ann Lee", else the username, else the system. */
static const char *actor_words(struct request *req, json_t *e)
{
    const char *name = json_string_value(json_object_get(e, "actor_name"));
    const char *username = json_string_value(json_object_get(e, "actor"));
    if (name && *name) return name;
    if (username) return username;
    return T(req, "audit.system_actor");
}

/* A person's name; another target as its kind in words and its key ("course SAFE-1"). */
static const char *target_words(struct request *req, json_t *e)
{
    const char *name = json_string_value(json_object_get(e, "target_name"));
    const char *username = json_string_value(json_object_get(e, "target_user"));
    if (name && *name) return name;
    if (username) return username;
    const char *target = json_string_value(json_object_get(e, "target"));
    const char *colon = target ? strchr(target, ':') : NULL;
    if (!target || !*target) return T(req, "audit.no_target");
    if (!colon) return target;
    /* words: audit.kind.{activity,attempt,category,course,department,job_role,question,quiz,section}
     * words: audit.kind.{user_import,username,programme,maintenance,request,doc} */
    const char *kind = text_or_null(req, arena_sprintf(req->arena, "audit.kind.%.*s", (int)(colon - target), target));
    return arena_sprintf(req->arena, "%s %s", kind ? kind : arena_strndup(req->arena, target, (size_t)(colon - target)),
                         colon + 1);
}

/* The sentence for an action: audit.says.<action with _ for .>, its _self form when people
 * act on themselves, else a generic one naming the action readably. */
static const char *entry_words(struct request *req, json_t *e)
{
    const char *action = json_string_value(json_object_get(e, "action"));
    char *key_action = arena_strdup(req->arena, action ? action : "");
    for (char *c = key_action; *c; c++)
        if (*c == '.') *c = '_';
    const char *target = json_string_value(json_object_get(e, "target"));
    json_int_t actor_id = json_integer_value(json_object_get(e, "actor_id"));
    bool self = actor_id && target && str_eq(target, arena_sprintf(req->arena, "user:%lld", (long long)actor_id));
    const char *pattern = NULL;
    /* words: audit.says.{attempt_grade,attempt_start,attempt_submit,auth_impersonate_end}
     * words: audit.says.{auth_impersonate_start,auth_signin,auth_signin_failed,course_archive}
     * words: audit.says.{course_copy,course_cover,course_cover_remove,course_create,course_import}
     * words: audit.says.{course_policy_ack,course_update,department_create,department_delete}
     * words: audit.says.{department_update,enrolment_approve,enrolment_change,enrolment_create}
     * words: audit.says.{enrolment_decline,enrolment_end,enrolment_request,enrolment_self}
     * words: audit.says.{job_role_create,job_role_delete,job_role_update,mail_retry,settings_logo}
     * words: audit.says.{settings_mail,settings_signin_help,settings_update,user_create,user_delete}
     * words: audit.says.{user_import,user_import_commit,user_locked,user_password_reset}
     * words: audit.says.{user_password_reset_by_link,user_password_set,user_password_set_self}
     * words: audit.says.{user_password_temporary,user_reactivate,user_rename,user_signin_link}
     * words: audit.says.{user_suspend,user_unlock,user_update,user_update_self}
     * words: audit.says.{programme_create,programme_update,programme_set_add,programme_set_delete}
     * words: audit.says.{programme_assign,programme_extend}
     * words: audit.says.{maintenance_create,maintenance_delete,maintenance_read_only_on}
     * words: audit.says.{maintenance_read_only_off,maintenance_lead_hours}
     * words: audit.says.{request_create,request_state,doc_create,doc_update,doc_restore,doc_attach}
     * words: audit.says.{doc_detach} */
    if (self) pattern = text_or_null(req, arena_sprintf(req->arena, "audit.says.%s_self", key_action));
    if (!pattern) pattern = text_or_null(req, arena_sprintf(req->arena, "audit.says.%s", key_action));
    char *readable = arena_strdup(req->arena, action ? action : "");
    for (char *c = readable; *c; c++)
        if (*c == '.' || *c == '_') *c = ' ';
    const char *const words[3] = {actor_words(req, e), target_words(req, e), readable};
    return fill(req, pattern ? pattern : T(req, "audit.says_generic"), words);
}

void web_audit_describe(struct request *req, json_t *items)
{
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e)
    {
        json_object_set_new(e, "words", json_string(entry_words(req, e)));
        json_t *d = json_object_get(e, "details");
        if (!req->is_api && d && !json_is_null(d)) {
            char *text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
            json_object_set_new(e, "details_text", json_string(text ? text : ""));
            json_text_free(text);
        }
    }
}

/* ---- The page ---- */

/* "2027-01-31" as the epoch second its day starts (UTC); false when it is no such date. */
static bool day_start(const char *text, int64_t *out)
{
    int y, m, d;
    char tail;
    if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    time_t t = timegm(&tm);
    struct tm back;
    gmtime_r(&t, &back);
    if (back.tm_mday != d) return false; /* 31 June rolled over into July */
    *out = (int64_t)t;
    return true;
}

/* Reads the filters; false with a 422 naming the field when a date is not one. */
static bool audit_filter_read(struct request *req, struct response *res, struct audit_filter *f)
{
    const char *from = req_param(req, "from"), *to = req_param(req, "to");
    *f = (struct audit_filter){.actor = req_param(req, "actor"), .action = req_param(req, "action"),
                               .target = req_param(req, "target"), .limit = (int)req_param_int(req, "limit", 50),
                               .before_id = req_param_int(req, "before", 0), .after_id = req_param_int(req, "after", 0)};
    if (from && *from && !day_start(from, &f->from)) {
        res_error(res, LE_INVALID, "from", "The first day is a date such as 2027-01-31.");
        return false;
    }
    if (to && *to && !day_start(to, &f->to)) {
        res_error(res, LE_INVALID, "to", "The last day is a date such as 2027-01-31.");
        return false;
    }
    if (f->to) f->to += 86400; /* the last day counts whole */
    return true;
}

/* The link to the page either side (id from audit_list's "older" or "newer"), or null. */
static json_t *page_link(struct request *req, const char *base, const char *keep, const char *key, json_t *id,
                         int limit)
{
    if (!json_is_integer(id)) return json_null();
    return json_string(arena_sprintf(req->arena, "%s?%s%s%s=%lld&limit=%d", base, keep, *keep ? "&" : "", key,
                                     (long long)json_integer_value(id), limit));
}

void h_audit_list(struct request *req, struct response *res)
{
    struct audit_filter f;
    if (!audit_filter_read(req, res, &f)) return;
    json_t *page = audit_list(req->db, req->arena, &f);
    if (!page) {
        res_error(res, LE_DB, NULL, "the audit log could not be read; try again");
        return;
    }
    web_audit_describe(req, json_object_get(page, "items"));
    json_object_set_new(page, "limit", json_integer(f.limit));
    const char *keep = web_query_string(req, (const char *const[]){"actor", f.actor, "action", f.action, "target",
                                                                    f.target, "from", req_param(req, "from"), "to",
                                                                    req_param(req, "to"), NULL});
    const char *base = req->is_api ? "/api/v1/audit" : "/admin/audit";
    json_object_set_new(page, "older_href", page_link(req, base, keep, "before", json_object_get(page, "older"), f.limit));
    json_object_set_new(page, "newer_href", page_link(req, base, keep, "after", json_object_get(page, "newer"), f.limit));
    json_object_set_new(page, "filters",
                        json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:b}", "actor", f.actor, "action", f.action, "target",
                                  f.target, "from", req_param(req, "from"), "to", req_param(req, "to"), "any", *keep != 0));
    res->model = page;
    res->template = "admin/audit";
    res->title = T(req, "audit.title");
}
