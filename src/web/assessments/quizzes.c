/* Quizzes: the quiz page, its settings, attempts (start, save, submit), hand grading, results
 * and per-learner overrides. Pages under /courses/CODE/quizzes and /attempts, JSON under
 * /api/v1 (docs/api.md, docs/assessments.md). The quiz id is the quiz's activity id. The model
 * (src/model/assessments/assessments.h) decides the rules; handlers find the course, check who manages it, and for
 * HTML decorate the model with what Mustache cannot compute (which type, which answer is
 * checked, page numbers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "internal.h"

/* ---- Shared with questions.c ---- */

bool web_assess_manager(struct request *req, const struct course *c)
{
    return web_may_manage_course(req, c);
}

bool web_assess_manage_course(struct request *req, struct response *res, struct course *c)
{
    if (!web_visible_course(req, res, c)) return false;
    if (web_assess_manager(req, c)) return true;
    struct problem p = {0};
    problem_set(&p, LE_FORBIDDEN, NULL,
                "Only administrators and the course's instructors can manage its questions and quizzes.");
    web_fail(res, &p);
    return false;
}

json_t *web_assess_course_json(const struct course *c)
{
    return json_pack("{s:s, s:s}", "code", c->code, "title", c->title);
}

void web_assess_tabs(struct request *req, struct response *res, const struct course *c, const char *tab)
{
    if (req->is_api) return;
    json_t *tabs = web_manage_model(req, c, tab);
    json_object_update(web_model(res), tabs);
    json_decref(tabs);
}

/* ---- Finding the quiz ---- */

/* The quiz activity named by the path, in a course the viewer may see. Learners must be
 * enrolled (and have acknowledged the course policy); managers always may. */
static bool find_quiz(struct request *req, struct response *res, struct course *c, struct activity *x,
                      bool need_manager)
{
    if (!(need_manager ? web_assess_manage_course(req, res, c) : web_visible_course(req, res, c))) return false;
    struct problem p = {0};
    bool manager = web_assess_manager(req, c);
    if (!manager && !c->my_role) {
        problem_set(&p, LE_FORBIDDEN, "code", "Enrol in %s to take its quizzes; %s", c->code,
                    c->self_enrol ? "you can enrol yourself on the course page."
                                  : "ask your training administrator or the course's instructor.");
        snprintf(p.reason, sizeof p.reason, "not_enrolled");
        web_fail(res, &p);
        return false;
    }
    if (activity_get(req->db, req->arena, c->id, req_param_int(req, "id", 0), 0, x, &p)) {
        web_fail(res, &p);
        return false;
    }
    if (!str_eq(x->kind, "quiz")) {
        problem_set(&p, LE_NOTFOUND, "id", "This activity is not a quiz.");
        web_fail(res, &p);
        return false;
    }
    if (!manager && c->my_role && str_eq(c->my_role, "learner") && *c->policy &&
        c->my_policy_version < c->policy_version) {
        problem_set(&p, LE_FORBIDDEN, "policy",
                    "Read and acknowledge the course policy (version %d) on the course page before starting.",
                    c->policy_version);
        snprintf(p.reason, sizeof p.reason, "policy_not_acknowledged");
        web_fail(res, &p);
        return false;
    }
    return true;
}

/* ---- Small conversions ---- */

/* "" = 0 (none); digits = epoch seconds; "YYYY-MM-DDTHH:MM[:SS][Z]": with Z in UTC, without it
 * a wall-clock time in zone (the HTML datetime-local field in the viewer's zone; UTC for the
 * API). False when it is none of these. */
static bool parse_time(const char *s, const struct tz *zone, int64_t *out)
{
    if (!*s) {
        *out = 0;
        return true;
    }
    char *end;
    if (s[0] >= '0' && s[0] <= '9' && !strchr(s, '-')) {
        long long v = strtoll(s, &end, 10);
        if (*end || v < 0) return false;
        *out = v;
        return true;
    }
    struct tm tm = {0};
    int sec = 0, n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &n) != 5)
        return false;
    const char *rest = s + n;
    if (*rest == ':') {
        int m = 0;
        if (sscanf(rest, ":%2d%n", &sec, &m) != 1) return false;
        rest += m;
    }
    bool utc = *rest == 'Z';
    if (utc) rest++;
    if (*rest || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
        tm.tm_min > 59 || sec > 59)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_sec = sec;
    int64_t wall = (int64_t)timegm(&tm);
    *out = utc ? wall : tz_to_utc(zone, wall);
    return true;
}

/* A time from the model (epoch seconds or ISO 8601 UTC text) as "YYYY-MM-DDTHH:MM" in the
 * viewer's zone, for a form's datetime-local field. */
static const char *time_input(struct request *req, json_t *v)
{
    int64_t t = 0;
    if (json_is_integer(v)) t = json_integer_value(v);
    else if (json_is_string(v) && !parse_time(json_string_value(v), tz_utc(), &t)) t = 0;
    if (t <= 0) return "";
    time_t wall = (time_t)(t + tz_offset(web_zone(req), t, NULL));
    struct tm tm;
    gmtime_r(&wall, &tm);
    return arena_sprintf(req->arena, "%04d-%02d-%02dT%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                         tm.tm_hour, tm.tm_min);
}

static bool parse_real(const char *s, double *out)
{
    if (!s || !*s) return false;
    char *end;
    double v = strtod(s, &end);
    if (*end || v != v) return false;
    *out = v;
    return true;
}

/* A string member, or "" when missing. */
static const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static int flag_param(struct request *req, const char *name)
{
    if (req->is_api && !req_has_param(req, name)) return -1;
    return req_param_bool(req, name) ? 1 : 0;
}

/* The course code an attempt's model names ("course": "CODE" or {"code": ...}). */
static const char *attempt_course_code(json_t *att)
{
    json_t *c = json_object_get(att, "course");
    if (json_is_object(c)) c = json_object_get(c, "code");
    return json_is_string(c) ? json_string_value(c) : "";
}

/* ---- HTML decoration (never in the JSON twin) ---- */

static json_t *choices_of(json_t *options, const char *name, const char *selected, struct request *req)
{
    (void)options;
    json_t *arr = json_array();
    static const char *const grading[] = {"highest", "last", "average", "first", NULL};
    static const char *const review[] = {"never", "after_submit", "after_close", NULL};
    static const char *const complete[] = {"submit", "pass", NULL};
    const char *const *list = str_eq(name, "grading_method") ? grading : str_eq(name, "complete_on") ? complete : review;
    /* words: quiz.grading_method_{highest,last,average,first} quiz.complete_on_{submit,pass}
     * words: quiz.review_answers_{never,after_submit,after_close}
     * words: quiz.review_correct_{never,after_submit,after_close}
     * words: quiz.review_feedback_{never,after_submit,after_close} */
    for (size_t i = 0; list[i]; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", list[i], "label",
                                             T(req, arena_sprintf(req->arena, "quiz.%s_%s", name, list[i])),
                                             "selected", selected && str_eq(selected, list[i])));
    return arr;
}

static void decorate_quiz_settings(struct request *req, json_t *quiz)
{
    static const char *const selects[] = {"grading_method", "review_answers", "review_correct", "review_feedback",
                                          "complete_on"};
    for (size_t i = 0; i < sizeof selects / sizeof selects[0]; i++) {
        json_t *v = json_object_get(quiz, selects[i]);
        json_object_set_new(quiz, arena_sprintf(req->arena, "%s_options", selects[i]),
                            choices_of(NULL, selects[i], json_is_string(v) ? json_string_value(v) : NULL, req));
    }
    json_object_set_new(quiz, "open_at_input", json_string(time_input(req, json_object_get(quiz, "open_at"))));
    json_object_set_new(quiz, "close_at_input", json_string(time_input(req, json_object_get(quiz, "close_at"))));
    json_object_set_new(quiz, "time_zone", json_string(tz_name(web_zone(req))));
    json_t *tl = json_object_get(quiz, "time_limit_seconds");
    json_object_set_new(quiz, "time_limit_minutes",
                        json_integer(json_is_integer(tl) ? (json_integer_value(tl) + 59) / 60 : 0));
    /* The question list as the form's text fields. */
    json_t *list = json_object_get(quiz, "question_list");
    struct buf ids, pts;
    buf_init(&ids, 1 << 20);
    buf_init(&pts, 1 << 20);
    size_t i;
    json_t *q;
    json_array_foreach(list, i, q) {
        if (i) {
            buf_addc(&ids, ',');
            buf_addc(&pts, ',');
        }
        buf_addf(&ids, "%lld", (long long)json_integer_value(json_object_get(q, "id")));
        json_t *pt = json_object_get(q, "points");
        buf_addf(&pts, "%g", json_is_number(pt) ? json_number_value(pt) : 1.0);
    }
    json_object_set_new(quiz, "question_ids_input", json_string(ids.data ? ids.data : ""));
    json_object_set_new(quiz, "points_input", json_string(pts.data ? pts.data : ""));
    buf_release(&ids);
    buf_release(&pts);
}

static bool index_in(json_t *arr, json_int_t v)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) if (json_is_integer(x) && json_integer_value(x) == v) return true;
    return false;
}

/* Adds is_<type>, "field" (the form field's name), "checked" on choice answers, matching
 * "options", "response_text"; keeps only the questions of the page shown. */
static void decorate_attempt(struct request *req, json_t *att, int page)
{
    static const char *const types[] = {"single", "multi", "truefalse", "short",
                                        "numerical", "matching", "essay", "description"};
    json_t *qs = json_object_get(att, "questions");
    int per_page = (int)json_integer_value(json_object_get(att, "per_page"));
    int nq = (int)json_array_size(qs);
    int pages = per_page > 0 ? (nq + per_page - 1) / per_page : 1;
    if (pages < 1) pages = 1;
    /* An attempt in progress opens where the learner left it; a review opens on its first page. */
    if (page < 0 && str_eq(jstr(att, "state"), "in_progress")) page = (int)json_integer_value(json_object_get(att, "page"));
    if (page < 0) page = 0;
    if (page >= pages) page = pages - 1;
    json_t *shown = json_array();
    for (int i = 0; i < nq; i++) {
        if (per_page > 0 && i / per_page != page) continue;
        json_t *q = json_array_get(qs, (size_t)i);
        if (!json_is_object(q)) continue;
        const char *type = json_string_value(json_object_get(q, "type"));
        if (!type) type = "";
        for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
            json_object_set_new(q, arena_sprintf(req->arena, "is_%s", types[t]), json_boolean(str_eq(type, types[t])));
        json_int_t slot = json_integer_value(json_object_get(q, "slot"));
        json_object_set_new(q, "field",
                            json_string(arena_sprintf(req->arena, "%s%lld", str_eq(type, "essay") ? "t" : "q",
                                                      (long long)slot)));
        json_t *r = json_object_get(q, "response");
        json_t *answers = json_object_get(q, "answers");
        size_t k;
        json_t *ans;
        json_array_foreach(answers, k, ans) {
            json_int_t idx = json_integer_value(json_object_get(ans, "index"));
            bool checked = false;
            if (str_eq(type, "single")) {
                json_t *c = json_object_get(r, "choice");
                checked = json_is_integer(c) && json_integer_value(c) == idx;
            } else if (str_eq(type, "multi")) {
                checked = index_in(json_object_get(r, "choices"), idx);
            } else if (str_eq(type, "truefalse")) {
                json_t *v = json_object_get(r, "value");
                const char *text = json_string_value(json_object_get(ans, "text"));
                bool is_true = text ? str_eq(text, "true") : idx == 0;
                checked = json_is_boolean(v) && json_is_true(v) == is_true;
                json_object_set_new(ans, "value", json_string(is_true ? "true" : "false"));
            }
            json_object_set_new(ans, "checked", json_boolean(checked));
        }
        if (str_eq(type, "matching")) {
            json_t *pairs = json_object_get(r, "pairs");
            json_t *rights = json_object_get(q, "rights");
            size_t li;
            json_t *left;
            json_array_foreach(json_object_get(q, "lefts"), li, left) {
                json_int_t lidx = json_integer_value(json_object_get(left, "index"));
                json_t *chosen = json_array_get(pairs, (size_t)lidx);
                json_t *opts = json_array();
                size_t ri;
                json_t *right;
                json_array_foreach(rights, ri, right) {
                    json_int_t ridx = json_integer_value(json_object_get(right, "index"));
                    json_array_append_new(
                        opts, json_pack("{s:I, s:O, s:s, s:b}", "index", ridx, "text",
                                        json_object_get(right, "text") ? json_object_get(right, "text") : json_null(),
                                        "value", arena_sprintf(req->arena, "%lld:%lld", (long long)lidx, (long long)ridx),
                                        "selected", json_is_integer(chosen) && json_integer_value(chosen) == ridx));
                }
                json_object_set_new(left, "options", opts);
                json_object_set_new(left, "none_value",
                                    json_string(arena_sprintf(req->arena, "%lld:-1", (long long)lidx)));
            }
        }
        json_t *text = json_object_get(r, "text");
        if (!json_is_string(text)) text = json_object_get(r, "value");
        json_object_set_new(q, "response_text", json_string(json_is_string(text) ? json_string_value(text) : ""));
        json_array_append(shown, q);
    }
    json_object_set_new(att, "questions", shown);
    json_object_set_new(att, "shown_page", json_integer(page));
    json_object_set_new(att, "shown_page_number", json_integer(page + 1));
    json_object_set_new(att, "first_page", json_integer(0));
    json_object_set_new(att, "last_page", json_integer(pages - 1));
    json_object_set_new(att, "prev_page", page > 0 ? json_integer(page - 1) : json_null());
    json_object_set_new(att, "next_page", page < pages - 1 ? json_integer(page + 1) : json_null());
    json_object_set_new(att, "is_first_page", json_boolean(page == 0));
    json_object_set_new(att, "is_last_page", json_boolean(page == pages - 1));
    json_object_set_new(att, "in_progress", json_boolean(str_eq(jstr(att, "state"), "in_progress")));
}

/* ---- The quiz page ---- */

/* The grading method and why the quiz cannot be started, in words (the model has codes), and
 * the time limit and any extra time in minutes, as the settings form takes them. */
static void decorate_quiz_words(struct request *req, json_t *quiz)
{
    json_int_t limit = json_integer_value(json_object_get(quiz, "time_limit_seconds"));
    if (limit > 0) json_object_set_new(quiz, "time_limit_text", json_string(web_duration(req, limit)));
    json_int_t extra = json_integer_value(json_object_get(json_object_get(quiz, "override"), "extra_seconds"));
    if (extra > 0) json_object_set_new(quiz, "extra_time_text", json_string(web_duration(req, extra)));
    const char *method = json_string_value(json_object_get(quiz, "grading_method"));
    if (method)
        json_object_set_new(quiz, "grading_method_label",
                            /* words: questions.type_{single,multi,truefalse,short,numerical,matching,essay,description} */
                            json_string(T(req, arena_sprintf(req->arena, "quiz.grading_method_%s", method))));
    /* words: quiz.reason_{not_enrolled,quiz_not_open,quiz_closed,no_attempts_left,no_questions} */
    const char *reason = json_string_value(json_object_get(quiz, "reason"));
    if (reason)
        json_object_set_new(quiz, "reason_text", json_string(T(req, arena_sprintf(req->arena, "quiz.reason_%s", reason))));
}

static void show_quiz(struct request *req, struct response *res, struct course *c, struct activity *x)
{
    struct problem p = {0};
    bool manager = web_assess_manager(req, c);
    json_t *quiz = quiz_json(req->db, req->arena, c->id, x->id, req->user->id, manager, &p);
    if (!quiz) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o, s:o}", "quiz", quiz, "course", web_assess_course_json(c));
    if (!req->is_api) {
        json_object_set_new(res->model, "is_manager", json_boolean(manager));
        decorate_quiz_words(req, quiz);
        if (manager) {
            decorate_quiz_settings(req, quiz);
            /* The override form offers the course's learners by name (the first 500), so
             * nobody has to know or type a username. */
            struct enrolment_filter f = {.role = "learner", .sort = "name"};
            int total = 0;
            json_t *learners = course_enrolments_page(req->db, req->arena, c->id, &f, 1, 500, &total);
            if (learners) json_object_set_new(res->model, "learners", learners);
        }
    }
    res->template = "courses/quiz";
    res->title = x->title;
}

/* A refused action on the quiz: the API answers the problem; the page shows the quiz again with
 * the problem on it. */
static void fail_on_quiz(struct request *req, struct response *res, struct course *c, struct activity *x,
                         struct problem *p)
{
    if (req->is_api) {
        web_fail(res, p);
        return;
    }
    struct problem keep = *p;
    show_quiz(req, res, c, x);
    if (!res->problem.code) web_fail(res, &keep);
}

void h_quiz_show(struct request *req, struct response *res)
{
    struct course c;
    struct activity x;
    if (find_quiz(req, res, &c, &x, false)) show_quiz(req, res, &c, &x);
}

/* The JSON of a quiz activity opened through the activities route (content.c). */
json_t *web_quiz_json(struct request *req, struct course *c, int64_t activity_id, struct problem *p)
{
    return quiz_json(req->db, req->arena, c->id, activity_id, req->user->id, web_assess_manager(req, c), p);
}

/* ---- Settings ---- */

/* How a question is named where its title may be empty: the start of its text. */
static const char *question_label(struct request *req, json_t *q)
{
    const char *title = json_string_value(json_object_get(q, "title"));
    if (title && *title) return title;
    const char *text = json_string_value(json_object_get(q, "text"));
    if (!text || !*text) return T(req, "questions.untitled");
    if (strlen(text) <= 80) return text;
    size_t cut = 77;
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80) cut--; /* whole UTF-8 characters */
    return arena_sprintf(req->arena, "%.*s...", (int)cut, text);
}

/* The picker's rows: the quiz's questions first, in the quiz's order, ticked and with their
 * points; then the rest of the bank (up to the bank's page limit), newest first. */
static json_t *picker_bank(struct request *req, const struct course *c, json_t *quiz)
{
    json_t *bank = json_array();
    json_t *list = json_object_get(quiz, "question_list");
    json_t *found = questions_json(req->db, req->arena, c->id, 0, NULL, 1, 200);
    json_t *all = json_object_get(found, "questions");
    size_t i, k;
    json_t *q, *chosen;
    json_array_foreach(list, k, chosen) {
        json_int_t id = json_integer_value(json_object_get(chosen, "id"));
        json_array_foreach(all, i, q) {
            if (json_integer_value(json_object_get(q, "id")) != id) continue;
            json_object_set_new(q, "selected", json_true());
            json_object_set(q, "points", json_object_get(chosen, "points"));
            json_array_append(bank, q);
        }
    }
    json_array_foreach(all, i, q) {
        if (json_object_get(q, "selected")) continue;
        json_object_set_new(q, "selected", json_false());
        json_object_set_new(q, "points", json_integer(1));
        json_array_append(bank, q);
    }
    json_array_foreach(bank, i, q) {
        const char *type = json_string_value(json_object_get(q, "type"));
        json_object_set_new(q, "label", json_string(question_label(req, q)));
        json_object_set_new(q, "type_label",
                            json_string(T(req, arena_sprintf(req->arena, "questions.type_%s", type ? type : ""))));
    }
    json_decref(found);
    return bank;
}

void h_quiz_settings_page(struct request *req, struct response *res)
{
    struct course c;
    struct activity x;
    if (!find_quiz(req, res, &c, &x, true)) return;
    show_quiz(req, res, &c, &x);
    if (res->problem.code) return;
    json_object_set_new(res->model, "categories",
                        json_incref(json_object_get(qcategories_json(req->db, req->arena, c.id), "categories")));
    if (!req->is_api) json_object_set_new(res->model, "bank", picker_bank(req, &c, json_object_get(res->model, "quiz")));
    res->template = "courses/quiz_settings";
    res->title = T(req, "quiz.settings");
}

/* The picker's points: every row sends its question ("pick_ids") and points ("pick_points"),
 * ticked or not, in the page's order; the settings take the points of the ticked questions
 * ("question_ids") in their order, so the form needs no script to keep the two in step. */
static const char *list_next(const char *item)
{
    const char *comma = strchr(item, ',');
    return comma ? comma + 1 : item + strlen(item);
}

/* The position of id in a comma list of numbers, or -1. */
static int list_position(const char *list, long long id)
{
    int n = 0;
    for (const char *k = list; *k; k = list_next(k), n++)
        if (strtoll(k, NULL, 10) == id) return n;
    return -1;
}

/* Item n of a comma list (*len bytes; 0 when there is none or it is empty). */
static const char *list_item(const char *list, int n, size_t *len)
{
    const char *k = list;
    for (int i = 0; i < n && *k; i++) k = list_next(k);
    *len = strcspn(k, ",");
    return k;
}

static const char *picked_points(struct request *req)
{
    const char *ids = req_param(req, "pick_ids"), *pts = req_param(req, "pick_points");
    const char *ticked = req_param(req, "question_ids");
    if (!ids || !pts || !ticked || !*ticked) return NULL;
    struct buf out;
    buf_init(&out, 1 << 20);
    for (const char *t = ticked; *t; t = list_next(t)) {
        int row = list_position(ids, strtoll(t, NULL, 10));
        size_t len = 0;
        const char *points = row >= 0 ? list_item(pts, row, &len) : "";
        if (out.len) buf_addc(&out, ',');
        if (len)
            buf_add(&out, points, len);
        else
            buf_addc(&out, '1'); /* a points box left empty: the default */
    }
    const char *joined = arena_strndup(req->arena, out.data ? out.data : "", out.len);
    buf_release(&out);
    return joined;
}

static lerr read_settings(struct request *req, struct quiz_settings *s, struct problem *p)
{
    *s = (struct quiz_settings)QUIZ_SETTINGS_INIT;
    s->questions = req_param(req, "question_ids");
    if (s->questions) {
        for (const char *k = s->questions; *k; k++)
            if (!strchr("0123456789, ", *k))
                return problem_set(p, LE_INVALID, "question_ids",
                                   "Give the questions as their ids separated by commas, e.g. 12,15,20.");
    }
    s->points = req_param(req, "points");
    if (s->points && !*s->points) s->points = NULL;
    if (req_has_param(req, "pick_ids")) {
        /* The picker sent its rows: nothing ticked means no fixed questions, not "unchanged". */
        if (!s->questions) s->questions = "";
        s->points = picked_points(req);
    }
    if (req_has_param(req, "random_category_id")) s->random_category_id = req_param_int(req, "random_category_id", 0);
    if (req_has_param(req, "random_count")) s->random_count = (int)req_param_int(req, "random_count", 0);
    s->shuffle_questions = flag_param(req, "shuffle_questions");
    s->shuffle_answers = flag_param(req, "shuffle_answers");
    static const char *const times[] = {"open_at", "close_at"};
    for (int i = 0; i < 2; i++) {
        const char *v = req_param(req, times[i]);
        if (!v) continue;
        int64_t t;
        /* The API's times are UTC; a page's are the viewer's, as it shows them. */
        if (!parse_time(v, req->is_api ? tz_utc() : web_zone(req), &t))
            return problem_set(p, LE_INVALID, times[i],
                               "Give %s as epoch seconds or a date and time (YYYY-MM-DDTHH:MM, %s); empty for none.",
                               times[i], req->is_api ? "UTC" : tz_name(web_zone(req)));
        if (i == 0) s->open_at = t;
        else s->close_at = t;
    }
    if (req_has_param(req, "time_limit_seconds"))
        s->time_limit_seconds = (int)req_param_int(req, "time_limit_seconds", 0);
    else if (req_has_param(req, "time_limit_minutes"))
        s->time_limit_seconds = (int)req_param_int(req, "time_limit_minutes", 0) * 60;
    if (req_has_param(req, "attempts_allowed")) s->attempts_allowed = (int)req_param_int(req, "attempts_allowed", 0);
    const char *pp = req_param(req, "pass_percent");
    if (pp && *pp) {
        double v;
        if (!parse_real(pp, &v) || v < 0 || v > 100)
            return problem_set(p, LE_INVALID, "pass_percent", "Give the pass mark as a percentage from 0 to 100.");
        s->pass_percent = v;
    }
    if (req_has_param(req, "per_page")) s->per_page = (int)req_param_int(req, "per_page", 0);
    s->grading_method = req_param(req, "grading_method");
    s->review_answers = req_param(req, "review_answers");
    s->review_correct = req_param(req, "review_correct");
    s->review_feedback = req_param(req, "review_feedback");
    s->complete_on = req_param(req, "complete_on");
    /* An empty select or text field from a form means "unchanged". */
    const char **strs[] = {&s->grading_method, &s->review_answers, &s->review_correct, &s->review_feedback,
                           &s->complete_on};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (*strs[i] && !**strs[i]) *strs[i] = NULL;
    return LE_OK;
}

void h_quiz_settings(struct request *req, struct response *res)
{
    struct course c;
    struct activity x;
    if (!find_quiz(req, res, &c, &x, true)) return;
    struct quiz_settings s;
    struct problem p = {0};
    if (read_settings(req, &s, &p) || quiz_save(req->db, req->arena, c.id, x.id, &s, req->user->id, &p)) {
        /* The model names its field "questions"; the route's parameter is "question_ids". */
        if (str_eq(p.field, "questions")) snprintf(p.field, sizeof p.field, "question_ids");
        if (!req->is_api && str_eq(p.field, "time_limit_seconds")) snprintf(p.field, sizeof p.field, "time_limit_minutes");
        struct problem keep = p;
        if (!req->is_api) h_quiz_settings_page(req, res);
        if (!res->problem.code) web_fail(res, &keep);
        return;
    }
    json_t *quiz = quiz_json(req->db, req->arena, c.id, x.id, req->user->id, true, &p);
    if (!quiz) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o}", "quiz", quiz);
    web_flash(req, res, "flash.quiz_saved");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/quizzes/%lld", c.code, (long long)x.id);
}

/* ---- Attempts ---- */

void h_attempt_start(struct request *req, struct response *res)
{
    struct course c;
    struct activity x;
    if (!find_quiz(req, res, &c, &x, false)) return;
    struct problem p = {0};
    int64_t aid = 0;
    bool resumed = false;
    json_t *att;
    if (attempt_start(req->db, req->arena, x.id, req->user->id, &aid, &resumed, &p) ||
        !(att = attempt_json(req->db, req->arena, aid, req->user->id, false, &p))) {
        fail_on_quiz(req, res, &c, &x, &p);
        return;
    }
    res->status = resumed ? 200 : 201;
    res->model = json_pack("{s:o, s:b}", "attempt", att, "resumed", resumed);
    res->redirect = arena_sprintf(req->arena, "/attempts/%lld", (long long)aid);
}

/* The attempt for its owner, or for a person who manages the attempt's course (grader view).
 * Someone else's attempt is 404 whoever asks otherwise. */
static json_t *load_attempt(struct request *req, struct response *res, int64_t aid, bool *grader_out,
                            struct course *c_out)
{
    struct problem p = {0};
    *grader_out = false;
    json_t *att = attempt_json(req->db, req->arena, aid, req->user->id, false, &p);
    if (att || p.code != LE_NOTFOUND || !role_has_cap(req->user->roles, CAP_QUIZZES_MANAGE)) {
        if (!att) web_fail(res, &p);
        return att;
    }
    struct problem gp = {0};
    json_t *g = attempt_json(req->db, req->arena, aid, req->user->id, true, &gp);
    struct course c;
    if (g && course_get(req->db, req->arena, attempt_course_code(g), req->user->id, &c, &gp) == LE_OK &&
        web_assess_manager(req, &c)) {
        *grader_out = true;
        if (c_out) *c_out = c;
        return g;
    }
    json_decref(g);
    web_fail(res, &p);
    return NULL;
}

void h_attempt_show(struct request *req, struct response *res)
{
    int64_t aid = req_param_int(req, "id", 0);
    bool grader;
    json_t *att = load_attempt(req, res, aid, &grader, NULL);
    if (!att) return;
    res->model = json_pack("{s:o}", "attempt", att);
    if (!req->is_api) {
        decorate_attempt(req, att, req_has_param(req, "page") ? (int)req_param_int(req, "page", 0) : -1);
        json_object_set_new(res->model, "is_grader", json_boolean(grader));
    }
    res->template = "courses/attempt";
    res->title = T(req, "quiz.attempt");
}

/* Responses from the attempt page's form (no JavaScript): "q<slot>" for single (index),
 * multi (indices, several values joined with commas), truefalse ("true"/"false"), short and
 * numerical (text), matching ("left:right" pairs joined with commas); "t<slot>" for an essay.
 * Every question of the page the form showed ("from_page") is answered, so an emptied answer
 * clears. */
static json_t *form_answers(struct request *req, json_t *att)
{
    json_t *answers = json_object();
    json_t *qs = json_object_get(att, "questions");
    int per_page = (int)json_integer_value(json_object_get(att, "per_page"));
    bool all = !req_has_param(req, "from_page");
    int from = (int)req_param_int(req, "from_page", 0);
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q) {
        long long slot = (long long)json_integer_value(json_object_get(q, "slot"));
        const char *type = json_string_value(json_object_get(q, "type"));
        if (!type || str_eq(type, "description") || slot < 1 || slot > WEB_QUIZ_FORM_SLOTS) continue;
        const char *name = arena_sprintf(req->arena, "%s%lld", str_eq(type, "essay") ? "t" : "q", slot);
        const char *v = req_param(req, name);
        bool on_page = !all && (per_page <= 0 || (int)i / per_page == from);
        if (!v && !on_page) continue;
        json_t *r = json_object();
        if (v && *v) {
            if (str_eq(type, "single")) {
                json_object_set_new(r, "choice", json_integer(strtoll(v, NULL, 10)));
            } else if (str_eq(type, "multi")) {
                json_t *arr = json_array();
                for (const char *s = v; *s;) {
                    char *end;
                    long long n = strtoll(s, &end, 10);
                    if (end == s) break;
                    json_array_append_new(arr, json_integer(n));
                    s = *end == ',' ? end + 1 : end;
                }
                json_object_set_new(r, "choices", arr);
            } else if (str_eq(type, "truefalse")) {
                json_object_set_new(r, "value", json_boolean(str_eq(v, "true") || str_eq(v, "1")));
            } else if (str_eq(type, "numerical")) {
                json_object_set_new(r, "value", json_string(v));
            } else if (str_eq(type, "matching")) {
                size_t n = json_array_size(json_object_get(q, "lefts"));
                json_t *pairs = json_array();
                for (size_t k = 0; k < n; k++) json_array_append_new(pairs, json_integer(-1));
                for (const char *s = v; *s;) {
                    char *end;
                    long long l = strtoll(s, &end, 10);
                    if (*end != ':') break;
                    long long rr = strtoll(end + 1, &end, 10);
                    if (l >= 0 && (size_t)l < n) json_array_set_new(pairs, (size_t)l, json_integer(rr));
                    s = *end == ',' ? end + 1 : end;
                    if (!*end || *end != ',') break;
                }
                json_object_set_new(r, "pairs", pairs);
            } else {
                json_object_set_new(r, "text", json_string(v));
            }
        }
        json_object_set_new(answers, arena_sprintf(req->arena, "%lld", slot), r);
    }
    return answers;
}

void h_attempt_save(struct request *req, struct response *res)
{
    int64_t aid = req_param_int(req, "id", 0);
    struct problem p = {0};
    json_t *body = req_json(req);
    json_t *answers = body ? json_object_get(body, "answers") : NULL;
    json_t *owned = NULL;
    if (!body) {
        /* The page's form: answers come as fields named after the slots. */
        json_t *att = attempt_json(req->db, req->arena, aid, req->user->id, false, &p);
        if (!att) {
            web_fail(res, &p);
            return;
        }
        answers = owned = form_answers(req, att);
        json_decref(att);
    } else if (answers && !json_is_object(answers)) {
        problem_set(&p, LE_INVALID, "answers", "Send the answers as an object keyed by slot, e.g. {\"1\": {\"choice\": 0}}.");
        web_fail(res, &p);
        return;
    }
    int page = req_has_param(req, "page") ? (int)req_param_int(req, "page", 0) : -1;
    int64_t saved_at = 0, left = -1;
    json_t *empty = answers ? NULL : json_object();
    lerr e = attempt_save(req->db, req->arena, aid, req->user->id, answers ? answers : empty, page, &saved_at, &left,
                          &p);
    json_decref(owned);
    json_decref(empty);
    if (e) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:I, s:o}", "saved_at", (json_int_t)saved_at, "seconds_left",
                           left >= 0 ? json_integer(left) : json_null());
    res->redirect = page >= 0 ? arena_sprintf(req->arena, "/attempts/%lld?page=%d", (long long)aid, page)
                              : arena_sprintf(req->arena, "/attempts/%lld", (long long)aid);
}

void h_attempt_submit(struct request *req, struct response *res)
{
    int64_t aid = req_param_int(req, "id", 0);
    struct problem p = {0};
    json_t *body = req_json(req);
    json_t *answers = body ? json_object_get(body, "answers") : NULL;
    json_t *owned = NULL;
    if (body && answers && !json_is_object(answers)) {
        problem_set(&p, LE_INVALID, "answers", "Send the answers as an object keyed by slot, e.g. {\"1\": {\"choice\": 0}}.");
        web_fail(res, &p);
        return;
    }
    if (!body) {
        json_t *att = attempt_json(req->db, req->arena, aid, req->user->id, false, &p);
        if (!att) {
            web_fail(res, &p);
            return;
        }
        if (str_eq(jstr(att, "state"), "in_progress"))
            answers = owned = form_answers(req, att);
        json_decref(att);
        if (owned && !json_object_size(owned)) {
            json_decref(owned);
            answers = owned = NULL;
        }
    }
    lerr e = attempt_submit(req->db, req->arena, aid, req->user->id, answers, &p);
    json_decref(owned);
    if (e) {
        web_fail(res, &p);
        return;
    }
    json_t *att = attempt_json(req->db, req->arena, aid, req->user->id, false, &p);
    if (!att) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o}", "attempt", att);
    web_flash(req, res, "flash.attempt_submitted");
    res->redirect = arena_sprintf(req->arena, "/attempts/%lld", (long long)aid);
}

/* ---- Grading ---- */

/* The lists below carry times as epoch seconds in JSON; a page shows them through
 * <time datetime="..."> (render.c), so each item gets <key>_iso beside the number. */
static void add_iso_times(json_t *list, const char *key)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        json_t *t = json_object_get(item, key);
        if (!json_is_integer(t) || json_integer_value(t) <= 0) continue;
        char iso[21];
        time_iso8601(json_integer_value(t), iso);
        char name[64];
        snprintf(name, sizeof name, "%s_iso", key);
        json_object_set_new(item, name, json_string(iso));
    }
}

void h_grading_queue(struct request *req, struct response *res)
{
    struct course c;
    if (!web_assess_manage_course(req, res, &c)) return;
    res->model = json_pack("{s:o, s:o}", "queue", grading_queue_json(req->db, req->arena, c.id), "course",
                           web_assess_course_json(&c));
    if (!req->is_api) {
        json_t *queue = json_object_get(res->model, "queue");
        json_object_set_new(res->model, "any", json_boolean(json_array_size(queue) > 0));
        add_iso_times(queue, "submitted_at");
    }
    web_assess_tabs(req, res, &c, "grading");
    res->template = "courses/grading";
    res->title = T(req, "quiz.grading");
}

void h_attempt_grade(struct request *req, struct response *res)
{
    int64_t aid = req_param_int(req, "id", 0);
    int slot = (int)req_param_int(req, "slot", 0);
    struct problem p = {0};
    bool grader;
    struct course c;
    json_t *att = load_attempt(req, res, aid, &grader, &c);
    if (!att) return;
    if (!grader) {
        /* The owner's own attempt: grading is for the course's managers. */
        struct problem gp = {0};
        if (course_get(req->db, req->arena, attempt_course_code(att), req->user->id, &c, &gp) ||
            !web_assess_manager(req, &c)) {
            json_decref(att);
            problem_set(&p, LE_FORBIDDEN, NULL, "Only administrators and the course's instructors grade attempts.");
            web_fail(res, &p);
            return;
        }
    }
    double points = -1;
    size_t i;
    json_t *q;
    json_array_foreach(json_object_get(att, "questions"), i, q) if (json_integer_value(json_object_get(q, "slot")) == slot)
    {
        json_t *pt = json_object_get(q, "points");
        points = json_is_number(pt) ? json_number_value(pt) : 0;
    }
    json_decref(att);
    if (points < 0) {
        problem_set(&p, LE_NOTFOUND, "slot", "This attempt has no question %d.", slot);
        web_fail(res, &p);
        return;
    }
    const char *fs = req_param(req, "fraction"), *ms = req_param(req, "mark");
    double fraction = 0;
    if (fs && *fs) {
        if (!parse_real(fs, &fraction) || fraction < 0 || fraction > 1) {
            problem_set(&p, LE_INVALID, "fraction", "Give the fraction of the points as a number from 0 to 1.");
            web_fail(res, &p);
            return;
        }
    } else if (ms && *ms) {
        double mark;
        if (!parse_real(ms, &mark) || mark < 0 || mark > points) {
            problem_set(&p, LE_INVALID, "mark", "Give a mark from 0 to %g.", points);
            web_fail(res, &p);
            return;
        }
        fraction = points > 0 ? mark / points : 0;
    } else {
        problem_set(&p, LE_INVALID, "mark", "Give a mark (from 0 to %g) or a fraction (0 to 1).", points);
        web_fail(res, &p);
        return;
    }
    const char *comment = req_param(req, "comment");
    if (attempt_grade_slot(req->db, req->arena, aid, slot, fraction, comment ? comment : "", req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    att = attempt_json(req->db, req->arena, aid, req->user->id, true, &p);
    if (!att) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o}", "attempt", att);
    web_flash(req, res, "flash.attempt_graded");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/grading", c.code);
}

/* ---- Results ---- */

void h_quiz_results(struct request *req, struct response *res)
{
    struct course c;
    struct activity x;
    if (!find_quiz(req, res, &c, &x, true)) return;
    res->model = quiz_results_json(req->db, req->arena, x.id);
    if (!res->model) res->model = json_object();
    json_object_set_new(res->model, "course", web_assess_course_json(&c));
    json_object_set_new(res->model, "quiz", json_pack("{s:I, s:s}", "id", (json_int_t)x.id, "title", x.title));
    if (!req->is_api) {
        add_iso_times(json_object_get(res->model, "attempts"), "submitted_at");
        /* The pass rate is a fraction in JSON, a percentage on the page. */
        json_t *summary = json_object_get(res->model, "summary");
        json_t *rate = json_object_get(summary, "pass_rate");
        if (json_is_number(rate)) json_object_set_new(summary, "pass_rate_percent", json_real(json_number_value(rate) * 100));
    }
    res->template = "courses/quiz_results";
    res->title = T(req, "quiz.results");
}

void h_quiz_results_csv(struct request *req, struct response *res)
{
    struct course c;
    struct activity x;
    if (!find_quiz(req, res, &c, &x, true)) return;
    size_t len = 0;
    char *csv = quiz_results_csv(req->db, req->arena, x.id, &len);
    if (!csv) {
        res_error(res, LE_DB, NULL, "The results could not be read; try again.");
        return;
    }
    res->body = csv;
    res->body_len = len ? len : strlen(csv);
    res->body_owned = true;
    res->content_type = "text/csv; charset=utf-8";
    res_header(res, "Content-Disposition",
               arena_sprintf(req->arena, "attachment; filename=\"%s-quiz-%lld-results.csv\"", c.code,
                             (long long)x.id));
}

/* ---- Overrides ---- */

void h_quiz_override(struct request *req, struct response *res)
{
    struct course c;
    struct activity x;
    if (!find_quiz(req, res, &c, &x, true)) return;
    struct problem p = {0};
    const char *username = req_param(req, "username");
    struct user u = {0};
    if (!username || !*username) {
        problem_set(&p, LE_INVALID, "username", "Give the username of the learner.");
    } else if (user_get_by_username(req->db, req->arena, username, &u, &p)) {
        problem_set(&p, LE_INVALID, "username", "There is no one with the username '%s'.", username);
    }
    int extra_seconds = req_has_param(req, "extra_seconds") ? (int)req_param_int(req, "extra_seconds", 0)
                                                             : (int)req_param_int(req, "extra_minutes", 0) * 60;
    int extra_attempts = (int)req_param_int(req, "extra_attempts", 0);
    if (p.code || quiz_override_set(req->db, req->arena, x.id, u.id, extra_seconds, extra_attempts, req->user->id, &p)) {
        fail_on_quiz(req, res, &c, &x, &p);
        return;
    }
    res->model = json_pack("{s:{s:s, s:i, s:i}}", "override", "username", u.username, "extra_seconds", extra_seconds,
                           "extra_attempts", extra_attempts);
    web_flash(req, res, "flash.override_saved");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/quizzes/%lld", c.code, (long long)x.id);
}

/* A quiz activity opened through the course's activities route goes to the quiz's own page. */
static const struct web_activity_view quiz_view = {
    .kind = "quiz",
    .key = "quiz",
    .path_format = "/courses/%s/quizzes/%lld",
    .json = web_quiz_json,
};

void web_assessments_init(void)
{
    web_activity_view_register(&quiz_view);
}

/* The course's quizzes tab: each quiz with the ways to its settings, results and grading. */
void h_course_manage_quizzes(struct request *req, struct response *res)
{
    struct course c;
    if (!web_assess_manage_course(req, res, &c)) return;
    json_t *content = course_content_json(req->db, req->arena, &c, 0);
    json_t *quizzes = json_array(), *section, *activity;
    size_t i, k;
    json_array_foreach(json_object_get(content, "sections"), i, section) {
        json_array_foreach(json_object_get(section, "activities"), k, activity) {
            const char *kind = json_string_value(json_object_get(activity, "kind"));
            if (!kind || !str_eq(kind, "quiz")) continue;
            json_array_append_new(quizzes, json_pack("{s:O, s:O, s:O}", "id", json_object_get(activity, "id"),
                                                     "title", json_object_get(activity, "title"), "section",
                                                     json_object_get(section, "title")));
        }
    }
    json_decref(content);
    res->model = json_pack("{s:o}", "quizzes", quizzes);
    web_assess_tabs(req, res, &c, "quizzes");
    res->template = "courses/manage_quizzes";
    res->title = T(req, "manage.quizzes");
}
