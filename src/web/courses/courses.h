/* The courses domain's pages (web/courses/): the catalogue, course pages, categories,
 * enrolment and content. What other web code may use of them. */
#ifndef LECTERN_WEB_COURSES_H
#define LECTERN_WEB_COURSES_H

#include "../web.h"
#include "../../model/courses/courses.h"

extern const struct web_domain web_courses;

/* The course named by the "course" parameter if the viewer may see it, as course_pages.c decides:
 * managers, its enrolled people, or anyone when it is published and listed (else answers 404). */
bool web_visible_course(struct request *req, struct response *res, struct course *c);

/* Whether the viewer manages the course: administrators and its instructors. */
bool web_may_manage_course(struct request *req, const struct course *c);
/* The model every management tab starts from: {"course": {...}, "tab": {<tab>: true},
 * "is_admin"}; templates/courses/manage_tabs.mustache draws the tabs from it. The domains
 * above courses use it for their tabs (the question bank, quizzes, grading). */
json_t *web_manage_model(struct request *req, const struct course *c, const char *tab);

/* An activity kind from a domain above courses that has pages of its own (the quiz): the
 * activity's address sends browsers to path_format (filled with the course code and the
 * activity id), and its JSON carries what json returns under key. Registered by the domain's
 * init. */
struct web_activity_view {
    const char *kind;          /* "quiz" */
    const char *key;           /* "quiz" */
    const char *path_format;   /* "/courses/%s/quizzes/%lld" */
    json_t *(*json)(struct request *req, struct course *c, int64_t activity_id, struct problem *p);
};
void web_activity_view_register(const struct web_activity_view *view);

/* A part of a course's page (and its JSON) from a domain above courses (communication: the
 * course's announcements), added to the page's model. Registered by the domain's init. */
typedef void (*web_course_part_fn)(struct request *req, const struct course *c, json_t *model);
void web_course_part_register(web_course_part_fn fn);

/* A CSV upload page and its JSON twin (csv_upload.c): the courses' own, and those of the
 * domains above (planning's events). The page previews every row's outcome and problems by line
 * and column, then writes all rows or none with one button; the words come from the keys. */
struct web_csv_upload {
    const char *action;                       /* where the page's forms post: "/admin/courses/import" */
    const char *title_key, *help_key, *code_key, *commit_key; /* the heading, the help under it,
                                               * the heading of the rows' column, the commit button */
    const char *back_href, *back_key;         /* the breadcrumb's page above */
    const char *flash_key, *done_href;        /* after a commit: the message and where it lands */
    const char *missing_file;                 /* the error when no file came */
    lerr (*run)(struct db *db, struct arena *a, const char *data, size_t len, bool commit, int64_t actor_id,
                struct course_import_result *r, struct problem *p);
};
void web_csv_upload_page(struct request *req, struct response *res, const struct web_csv_upload *u);
void web_csv_upload(struct request *req, struct response *res, const struct web_csv_upload *u);

#endif
