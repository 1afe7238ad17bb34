/* Courses: the catalogue, a course's page, categories, creating and editing courses, copy,
 * archive, policy acknowledgement and enrolments. Pages under /courses and /admin/courses,
 * JSON under /api/v1/courses and /api/v1/categories (docs/courses.md). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

static bool can_manage(struct request *req)
{
    return req->user && role_has_cap(req->user->roles, CAP_COURSES_MANAGE);
}

/* -1 when the API request says nothing about a flag; an HTML form sends every checkbox. */
static int flag_param(struct request *req, const char *name)
{
    if (req->is_api && !req_has_param(req, name)) return -1;
    return req_param_bool(req, name) ? 1 : 0;
}

static void read_course_input(struct request *req, struct course_input *in)
{
    *in = (struct course_input)COURSE_INPUT_INIT;
    in->code = req_param(req, "code");
    in->title = req_param(req, "title");
    in->summary = req_param(req, "summary");
    in->kind = req_param(req, "kind");
    in->status = req_param(req, "status");
    in->start_date = req_param(req, "start_date");
    in->end_date = req_param(req, "end_date");
    in->policy = req_param(req, "policy");
    in->tags = req_param(req, "tags");
    if (req_has_param(req, "category_id")) in->category_id = req_param_int(req, "category_id", 0);
    if (req_has_param(req, "duration_minutes")) in->duration_minutes = (int)req_param_int(req, "duration_minutes", 0);
    in->visible = flag_param(req, "visible");
    in->self_enrol = flag_param(req, "self_enrol");
    in->self_enrol_approval = flag_param(req, "self_enrol_approval");
}

/* Categories for forms and filters: [{id, path, selected}]. */
json_t *web_category_choices(struct request *req, int64_t selected)
{
    struct course_category *cats;
    int n;
    json_t *arr = json_array();
    if (category_paths(req->db, req->arena, &cats, &n)) return arr;
    for (int i = 0; i < n; i++) {
        json_array_append_new(arr, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)cats[i].id, "path", cats[i].path,
                                             "selected", cats[i].id == selected));
    }
    return arr;
}

/* The kind in words, here and as each course's kind_label below.
 * words: courses.kind_{elearning,classroom,blended} */
json_t *web_course_kind_choices(struct request *req, const char *selected)
{
    static const char *const kinds[] = {"elearning", "classroom", "blended"};
    json_t *arr = json_array();
    for (size_t i = 0; i < 3; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", kinds[i], "label",
                                             T(req, arena_sprintf(req->arena, "courses.kind_%s", kinds[i])),
                                             "selected", str_eq(kinds[i], selected)));
    return arr;
}

/* ---- Catalogue ---- */

void h_courses_list(struct request *req, struct response *res)
{
    struct course_query q = {
        .q = req_param(req, "q"),
        .kind = req_param(req, "kind"),
        .tag = req_param(req, "tag"),
        .category_id = req_param_int(req, "category_id", 0),
        .all = req_param_bool(req, "all") && can_manage(req),
        .viewer_id = req->user->id,
        .page = (int)req_param_int(req, "page", 1),
        .per_page = (int)req_param_int(req, "per_page", 25),
    };
    struct course *rows;
    int n, total;
    if (course_search(req->db, req->arena, &q, &rows, &n, &total)) {
        res_error(res, LE_DB, NULL, "the courses could not be listed; try again");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *c = course_to_json(req->arena, &rows[i]);
        if (!req->is_api) {
            json_object_del(c, "policy_html");
            json_object_set_new(c, "kind_label",
                                json_string(T(req, arena_sprintf(req->arena, "courses.kind_%s", rows[i].kind))));
            json_object_set_new(c, "status_label",
                                /* words: courses.status_{draft,published,archived} */
                                json_string(T(req, arena_sprintf(req->arena, "courses.status_%s", rows[i].status))));
            json_object_set_new(c, "is_published", json_boolean(str_eq(rows[i].status, "published")));
        }
        json_array_append_new(items, c);
    }
    res->model = web_page_model(req, items, q.page, q.per_page, total, req->is_api ? "/api/v1/courses" : "/courses",
                                q.q);
    if (q.q) json_object_set_new(res->model, "q", json_string(q.q));
    static const char *const pager[] = {"next", "prev"};
    for (int i = 0; q.all && i < 2; i++) { /* the pages keep drafts and archived courses shown */
        const char *href = json_string_value(json_object_get(res->model, pager[i]));
        if (href) json_object_set_new(res->model, pager[i], json_string(arena_sprintf(req->arena, "%s&all=true", href)));
    }
    if (!req->is_api) {
        json_object_set_new(res->model, "categories", web_category_choices(req, q.category_id)); /* the filter */
        json_object_set_new(res->model, "kinds", web_course_kind_choices(req, q.kind));
        json_object_set_new(res->model, "tag", json_string(q.tag ? q.tag : ""));
        json_object_set_new(res->model, "can_manage", json_boolean(can_manage(req)));
        json_object_set_new(res->model, "all", json_boolean(q.all));
    }
    res->template = "courses/catalogue";
    res->title = T(req, "courses.catalogue");
}

/* ---- One course ---- */

/* The course named by the path, if the viewer may see it: managers see every course, others
 * published and listed ones, or ones they are enrolled in. */
static bool find_course(struct request *req, struct response *res, struct course *c)
{
    struct problem p = {0};
    const char *code = req_param(req, "course");
    if (course_get(req->db, req->arena, code, req->user->id, c, &p) == LE_OK) {
        if (can_manage(req) || c->my_role || (str_eq(c->status, "published") && c->visible)) return true;
        problem_set(&p, LE_NOTFOUND, "code", "There is no course with the code '%s'.", code);
    }
    web_fail(res, &p);
    return false;
}

#define COURSE_PARTS_MAX 8
static web_course_part_fn course_parts[COURSE_PARTS_MAX];
static size_t n_course_parts;

void web_course_part_register(web_course_part_fn fn)
{
    if (n_course_parts < COURSE_PARTS_MAX) course_parts[n_course_parts++] = fn;
}

static void show_course(struct request *req, struct response *res, struct course *c)
{
    json_t *course = course_to_json(req->arena, c);
    res->model = json_pack("{s:o}", "course", course);
    json_t *content = course_content_json(req->db, req->arena, c, req->user->id);
    json_object_update(res->model, content);
    json_decref(content);
    for (size_t i = 0; i < n_course_parts; i++) course_parts[i](req, c, res->model);
    bool manage = web_may_manage_course(req, c);
    /* The page shows what a learner sees; managing is on the management tabs (manage.c). */
    if (manage && req->is_api)
        json_object_set_new(res->model, "enrolments", course_enrolments_json(req->db, req->arena, c->id));
    if (!req->is_api) {
        json_object_set_new(course, "kind_label",
                            json_string(T(req, arena_sprintf(req->arena, "courses.kind_%s", c->kind))));
        json_object_set_new(res->model, "can_manage_course", json_boolean(manage));
        json_object_set_new(res->model, "needs_ack",
                            json_boolean(c->my_role && *c->policy && c->my_policy_version < c->policy_version));
        json_object_set_new(course, "status_label",
                            json_string(T(req, arena_sprintf(req->arena, "courses.status_%s", c->status))));
    }
    res->template = "courses/course";
    res->title = c->title;
}

/* A failed management form: browsers get the tab it was sent from again, with the problem. */
static void fail_on_tab(struct request *req, struct response *res, struct course *c, const struct problem *p,
                        void (*tab)(struct request *, struct response *, const struct course *))
{
    /* Only those who manage the course see its management tab again; anyone else who got
     * this far (a form sent with a field missing) sees the course as they may see it. */
    if (req->is_api || !web_may_manage_course(req, c))
        show_course(req, res, c);
    else
        tab(req, res, c);
    web_fail(res, p);
}

/* Enrolling and unenrolling are for the course's managers: anyone else is refused before the
 * form's fields are looked at, so the answer says nothing about the course's people. */
static bool enrolment_manager(struct request *req, struct response *res, const struct course *c)
{
    if (web_may_manage_course(req, c)) return true;
    res_error(res, LE_FORBIDDEN, NULL, "Only administrators and the course's instructors enrol people in it.");
    return false;
}

void h_course_show(struct request *req, struct response *res)
{
    struct course c;
    if (find_course(req, res, &c)) show_course(req, res, &c);
}

void h_course_new_page(struct request *req, struct response *res)
{
    /* A request to host a course (communication's requests) opens the form with its title and kind. */
    const char *kind = req_param(req, "kind");
    res->model = json_pack("{s:o, s:o, s:{s:b, s:s?}, s:b}", "categories", web_category_choices(req, 0), "kinds",
                           web_course_kind_choices(req, kind && *kind ? kind : "elearning"), "form", "visible", 1,
                           "title", req_param(req, "title"), "is_draft", 1);
    res->template = "courses/new";
    res->title = T(req, "courses.new");
}

void h_course_create(struct request *req, struct response *res)
{
    struct course_input in;
    read_course_input(req, &in);
    struct problem p = {0};
    int64_t id;
    struct course c;
    if (course_create(req->db, req->arena, &in, req->user->id, &id, &p) ||
        course_get(req->db, req->arena, in.code ? in.code : "", req->user->id, &c, &p)) {
        res->model = json_pack("{s:o, s:o, s:{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}}", "categories",
                               web_category_choices(req, in.category_id), "kinds", web_course_kind_choices(req, in.kind),
                               "form", "code", in.code, "title", in.title, "summary", in.summary, "start_date",
                               in.start_date, "end_date", in.end_date, "policy", in.policy, "tags", in.tags, "duration",
                               req_param(req, "duration_minutes"));
        res->template = "courses/new";
        res->title = T(req, "courses.new");
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:o}", "course", course_to_json(req->arena, &c));
    web_flash(req, res, "flash.course_saved");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/manage", c.code);
}

void h_course_update(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c)) return;
    struct course_input in;
    read_course_input(req, &in);
    struct problem p = {0};
    if (course_update(req->db, req->arena, c.id, &in, req->user->id, &p) == LE_OK) {
        const char *code = in.code && *in.code ? in.code : c.code;
        course_get(req->db, req->arena, code, req->user->id, &c, &p);
        show_course(req, res, &c);
        web_flash(req, res, "flash.course_saved");
        res->redirect = arena_sprintf(req->arena, "/courses/%s/manage/settings", c.code);
        return;
    }
    fail_on_tab(req, res, &c, &p, web_manage_settings);
}

void h_course_copy(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c)) return;
    struct problem p = {0};
    int64_t id;
    const char *code = req_param(req, "new_code");
    if (course_copy(req->db, req->arena, c.id, code, req_param(req, "title"), req->user->id, &id, &p) ||
        course_get(req->db, req->arena, code, req->user->id, &c, &p)) {
        fail_on_tab(req, res, &c, &p, web_manage_settings);
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:o}", "course", course_to_json(req->arena, &c));
    web_flash(req, res, "flash.course_copied");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/manage", c.code);
}

void h_course_archive(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c)) return;
    struct problem p = {0};
    if (course_archive(req->db, req->arena, c.id, req->user->id, &p) == LE_OK &&
        course_get(req->db, req->arena, c.code, req->user->id, &c, &p) == LE_OK) {
        res->model = json_pack("{s:o}", "course", course_to_json(req->arena, &c));
        web_flash(req, res, "flash.course_archived");
        res->redirect = arena_sprintf(req->arena, "/courses/%s/manage", c.code);
        return;
    }
    fail_on_tab(req, res, &c, &p, web_manage_settings);
}

void h_course_policy_ack(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c)) return;
    struct problem p = {0};
    if (policy_acknowledge(req->db, c.id, req->user->id, &p) == LE_OK &&
        course_get(req->db, req->arena, c.code, req->user->id, &c, &p) == LE_OK) {
        char now[21];
        time_iso8601(time_now(), now);
        res->model = json_pack("{s:o, s:{s:i, s:s}}", "course", course_to_json(req->arena, &c), "acknowledgement",
                               "version", c.policy_version, "at", now);
        web_flash(req, res, "flash.policy_acknowledged");
        res->redirect = arena_sprintf(req->arena, "/courses/%s", c.code);
        return;
    }
    show_course(req, res, &c);
    web_fail(res, &p);
}

/* ---- Enrolments ---- */

void h_course_enrol(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c) || !enrolment_manager(req, res, &c)) return;
    struct problem p = {0};
    int64_t id;
    const char *username = req_param(req, "username");
    const char *many = req_param(req, "usernames");
    /* The people page's checkboxes ("pick", joined with commas) or the usernames text. */
    if (req_param(req, "pick") && *req_param(req, "pick")) many = req_param(req, "pick");
    lerr e;
    if (many && *many) {
        int n = 0;
        e = enrol_users(req->db, req->arena, c.id, many, req_param(req, "role"), req_param(req, "due"), req->user->id,
                        req->user->roles, &n, &p);
        id = n;
        username = NULL;
    } else if (!username || !*username) {
        e = problem_set(&p, LE_INVALID, "username", "Give the username of the person to enrol.");
    } else {
        e = enrol_user(req->db, req->arena, c.id, username, req_param(req, "role"),
                       req_param(req, "due"), req->user->id, req->user->roles, &id, &p);
    }
    if (e) {
        fail_on_tab(req, res, &c, &p, web_manage_participants);
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:s, s:o}", "code", c.code, "enrolments", course_enrolments_json(req->db, req->arena, c.id));
    if (username) {
        json_object_set_new(res->model, "id", json_integer(id));
        json_object_set_new(res->model, "username", json_string(username));
    } else {
        json_object_set_new(res->model, "enrolled", json_integer(id));
    }
    web_flash(req, res, username || id == 1 ? "flash.enrolled" : "flash.enrolled_many");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/manage/participants", c.code);
}

void h_course_unenrol(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c) || !enrolment_manager(req, res, &c)) return;
    struct problem p = {0};
    if (enrol_end(req->db, c.id, req_param(req, "username"), req->user->id, req->user->roles, &p)) {
        fail_on_tab(req, res, &c, &p, web_manage_participants);
        return;
    }
    res->model = json_pack("{s:s, s:o}", "code", c.code, "enrolments", course_enrolments_json(req->db, req->arena, c.id));
    web_flash(req, res, "flash.unenrolled");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/manage/participants", c.code);
}

/* "Search people, select many": the people the current user may see (user_list_visible),
 * paginated, each with whether they are already enrolled; the page posts the ticked ones to
 * the enrolment route as "pick". */
void h_course_candidates(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c)) return;
    if (!can_manage(req) && !course_teaches(req->db, c.id, req->user->id)) {
        res_error(res, LE_FORBIDDEN, NULL, "Only administrators and the course's instructors can enrol people.");
        return;
    }
    const char *q = req_param(req, "q");
    int page = (int)req_param_int(req, "page", 1);
    int per_page = (int)req_param_int(req, "per_page", 25);
    struct user *users;
    int n, total;
    if (user_list_visible(req->db, req->arena, req->user->id, req->user->roles, q, page, per_page, &users, &n,
                          &total)) {
        res_error(res, LE_DB, NULL, "the people could not be listed; try again");
        return;
    }
    json_t *items = json_array();
    int64_t *ids = arena_alloc(req->arena, sizeof *ids * (size_t)(n ? n : 1));
    bool *live = arena_alloc(req->arena, sizeof *live * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) ids[i] = users[i].id;
    if (enrolments_live_among(req->db, c.id, ids, n, live)) {
        res_error(res, LE_DB, NULL, "the enrolments could not be read; try again");
        json_decref(items);
        return;
    }
    for (int i = 0; i < n; i++) {
        bool enrolled = live[i];
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "username", users[i].username,
                                               "first_name", users[i].first_name, "last_name", users[i].last_name,
                                               "email", users[i].email ? users[i].email : "", "status",
                                               users[i].status, "enrolled", enrolled, "active",
                                               str_eq(users[i].status, "active")));
    }
    const char *base = arena_sprintf(req->arena, req->is_api ? "/api/v1/courses/%s/candidates" : "/courses/%s/enrol",
                                     c.code);
    res->model = web_page_model(req, items, page, per_page, total, base, q);
    json_object_set_new(res->model, "q", json_string(q ? q : ""));
    json_object_set_new(res->model, "code", json_string(c.code));
    json_object_set_new(res->model, "title", json_string(c.title));
    json_object_set_new(res->model, "any", json_boolean(n > 0));
    res->template = "courses/enrol";
    res->title = T(req, "courses.enrol_people");
}

/* ---- Course upload from CSV: the page and its JSON twin (csv_upload.c) ---- */

static const struct web_csv_upload course_upload = {
    .action = "/admin/courses/import",
    .title_key = "courses.import",
    .help_key = "courses.import_help",
    .code_key = "courses.code",
    .commit_key = "courses.import_commit",
    .back_href = "/courses",
    .back_key = "courses.catalogue",
    .flash_key = "flash.courses_imported",
    .done_href = "/courses?all=true",
    .missing_file = "Choose a CSV file of courses to upload.",
    .run = course_import_run,
};

void h_course_import_page(struct request *req, struct response *res)
{
    web_csv_upload_page(req, res, &course_upload);
}

void h_course_import(struct request *req, struct response *res)
{
    web_csv_upload(req, res, &course_upload);
}

/* ---- Cover image ---- */

void h_course_cover_set(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c)) return;
    struct problem p = {0};
    const struct uploaded_file *f = req_file(req, "file");
    if (f && !f->len) f = NULL; /* a form sent without choosing a file */
    if (course_set_cover(req->db, req->arena, web_app.data_dir, c.id, f ? f->filename : NULL,
                         f ? f->content_type : NULL, f ? f->data : NULL, f ? f->len : 0, req_param(req, "alt"),
                         req->user->id, &p) ||
        course_get(req->db, req->arena, c.code, req->user->id, &c, &p)) {
        fail_on_tab(req, res, &c, &p, web_manage_settings);
        return;
    }
    res->model = json_pack("{s:o}", "course", course_to_json(req->arena, &c));
    web_flash(req, res, "flash.course_saved");
    res->redirect = arena_sprintf(req->arena, "/courses/%s", c.code);
}

void h_course_cover_delete(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c)) return;
    struct problem p = {0};
    if (course_remove_cover(req->db, req->arena, c.id, req->user->id, &p) ||
        course_get(req->db, req->arena, c.code, req->user->id, &c, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o}", "course", course_to_json(req->arena, &c));
    web_flash(req, res, "flash.course_saved");
    res->redirect = arena_sprintf(req->arena, "/courses/%s", c.code);
}

/* The image itself, for whoever may see the course, with its detected type. */
void h_course_cover(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c)) return;
    const char *mime = NULL, *stored = NULL;
    int64_t size = 0;
    if (!*c.cover_sha256 ||
        file_find(req->db, req->arena, web_app.data_dir, c.cover_sha256, &mime, &size, &stored) || !mime) {
        res_error(res, LE_NOTFOUND, NULL, "This course has no cover image.");
        return;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/files/%s", web_app.data_dir, c.cover_sha256);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (fd >= 0) close(fd);
        res_error(res, LE_NOTFOUND, NULL, "The cover image is missing from the data directory; ask an administrator.");
        return;
    }
    size_t n = (size_t)sb.st_size, got = 0;
    unsigned char *data = malloc(n ? n : 1);
    while (data && got < n) {
        ssize_t k = pread(fd, data + got, n - got, (off_t)got);
        if (k <= 0) break;
        got += (size_t)k;
    }
    close(fd);
    if (!data || got != n) {
        free(data);
        res_error(res, LE_IO, NULL, "The cover image could not be read; try again.");
        return;
    }
    res_header(res, "Content-Disposition", "inline");
    res_header(res, "Cache-Control", "private, max-age=86400");
    res->body = data;
    res->body_len = n;
    res->body_owned = true;
    res->content_type = mime;
}

/* ---- Categories ---- */

void h_categories_list(struct request *req, struct response *res)
{
    struct course_category *cats;
    int n;
    if (category_list(req->db, req->arena, &cats, &n)) {
        res_error(res, LE_DB, NULL, "the categories could not be listed; try again");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *j = category_to_json(&cats[i]);
        json_object_set_new(j, "indent", json_integer(cats[i].depth > 5 ? 5 : cats[i].depth));
        json_array_append_new(items, j);
    }
    res->model = json_pack("{s:o}", "items", items);
    res->template = "courses/categories";
    res->title = T(req, "courses.categories");
}

void h_category_create(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t id;
    if (category_create(req->db, req_param(req, "name"), req_param_int(req, "parent_id", 0), req->user->id, &id, &p)) {
        h_categories_list(req, res);
        web_fail(res, &p);
        return;
    }
    h_categories_list(req, res);
    res->status = 201;
    json_object_set_new(res->model, "id", json_integer(id));
    web_flash(req, res, "flash.category_saved");
    res->redirect = "/admin/categories";
}

void h_category_update(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t parent = req_has_param(req, "parent_id") ? req_param_int(req, "parent_id", 0) : -1;
    if (category_update(req->db, req_param_int(req, "id", 0), req_param(req, "name"), parent, req->user->id, &p)) {
        h_categories_list(req, res);
        web_fail(res, &p);
        return;
    }
    h_categories_list(req, res);
    web_flash(req, res, "flash.category_saved");
    res->redirect = "/admin/categories";
}

/* ---- The instructor's view, CSV export, enrolment rules, self-enrolment ---- */

static bool may_see_learners(struct request *req, struct response *res, const struct course *c)
{
    if (can_manage(req) || course_teaches(req->db, c->id, req->user->id)) return true;
    res_error(res, LE_FORBIDDEN, NULL, "Only administrators and the course's instructors can see its learners.");
    return false;
}

void h_course_learners_csv(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c) || !may_see_learners(req, res, &c)) return;
    json_t *rows = course_learners_json(req->db, req->arena, c.id, req_param(req, "q"), req_param(req, "state"));
    static const char *const cols[] = {"username", "first_name", "last_name", "role",         "due",
                                       "overdue",  "percent",    "completed", "completed_at", "last_access_at"};
    web_csv_answer(req, res, cols, sizeof cols / sizeof cols[0], rows, arena_sprintf(req->arena, "%s-learners.csv", c.code));
    json_decref(rows);
}

void h_course_rules(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c)) return;
    res->model = json_pack("{s:s, s:o}", "code", c.code, "items", enrol_rules_json(req->db, c.id));
}

void h_course_rule_create(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c)) return;
    struct problem p = {0};
    int64_t id;
    if (enrol_rule_create(req->db, req->arena, c.id, req_param(req, "kind"), req_param_int(req, "department_id", 0),
                          req_param_int(req, "job_role_id", 0), (int)req_param_int(req, "due_days", 0), req->user->id,
                          &id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:I, s:o, s:o}", "id", (json_int_t)id, "rules", enrol_rules_json(req->db, c.id),
                           "enrolments", course_enrolments_json(req->db, req->arena, c.id));
    web_flash(req, res, "flash.rule_saved");
    res->redirect = arena_sprintf(req->arena, "/courses/%s/manage/rules", c.code);
}

void h_course_rule_delete(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c)) return;
    struct problem p = {0};
    if (enrol_rule_delete(req->db, req->arena, c.id, req_param_int(req, "id", 0), req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o, s:o}", "rules", enrol_rules_json(req->db, c.id), "enrolments",
                           course_enrolments_json(req->db, req->arena, c.id));
    res->redirect = arena_sprintf(req->arena, "/courses/%s/manage/rules", c.code);
}

void h_enrol_rules_sync(struct request *req, struct response *res)
{
    struct problem p = {0};
    int64_t added, ended;
    if (enrol_rules_sync(req->db, 0, 0, &added, &ended, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:I, s:I}", "added", (json_int_t)added, "ended", (json_int_t)ended);
}

void h_course_enrol_self(struct request *req, struct response *res)
{
    struct course c;
    if (!find_course(req, res, &c)) return;
    struct problem p = {0};
    int64_t request_id = 0;
    if (enrol_self(req->db, req->arena, c.id, req->user->id, &request_id, &p) ||
        course_get(req->db, req->arena, c.code, req->user->id, &c, &p)) {
        show_course(req, res, &c);
        web_fail(res, &p);
        return;
    }
    /* 202 with the request when it waits for approval; 201 when enrolled at once. */
    res->status = request_id ? 202 : 201;
    res->model = json_pack("{s:o}", "course", course_to_json(req->arena, &c));
    if (request_id)
        json_object_set_new(res->model, "request",
                            json_pack("{s:I, s:s}", "id", (json_int_t)request_id, "status", "pending"));
    web_flash(req, res, request_id ? "flash.enrol_requested" : "flash.enrolled_self");
    res->redirect = arena_sprintf(req->arena, "/courses/%s", c.code);
}

/* ---- Enrolment requests: approval by the line manager or an administrator ---- */

void h_enrol_requests(struct request *req, struct response *res)
{
    const char *status = req_param(req, "status");
    if (!req_has_param(req, "status")) status = "pending";
    int64_t course_id = 0;
    const char *code = req_param(req, "course");
    if (code && *code) {
        struct course c;
        struct problem p = {0};
        if (course_get(req->db, req->arena, code, req->user->id, &c, &p)) {
            web_fail(res, &p);
            return;
        }
        course_id = c.id;
    }
    json_t *items = enrol_requests_json(req->db, req->arena, req->user->id, req->user->roles, status, course_id);
    res->model = json_pack("{s:o, s:s, s:b}", "items", items, "status", status ? status : "", "any",
                           json_array_size(items) > 0);
    res->template = "courses/requests";
    res->title = T(req, "courses.requests");
}

void h_enrol_request_decide(struct request *req, struct response *res)
{
    struct problem p = {0};
    const char *decision = req_param(req, "decision");
    bool approve = decision && str_eq(decision, "approve");
    if (!approve && !(decision && str_eq(decision, "decline"))) {
        problem_set(&p, LE_INVALID, "decision", "Choose approve or decline.");
        web_fail(res, &p);
        return;
    }
    if (enrol_request_decide(req->db, req->arena, req_param_int(req, "id", 0), approve, req_param(req, "reason"),
                             req->user->id, req->user->roles, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:I, s:s}", "id", (json_int_t)req_param_int(req, "id", 0), "status",
                           approve ? "approved" : "declined");
    web_flash(req, res, approve ? "flash.enrol_approved" : "flash.enrol_declined");
    res->redirect = "/enrolment-requests";
}
