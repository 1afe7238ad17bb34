/* What only the courses domain's pages share: their handlers, for the route table (routes.c). */
#ifndef LECTERN_WEB_COURSES_INTERNAL_H
#define LECTERN_WEB_COURSES_INTERNAL_H

#include "courses.h"

/* user_training.c: registers the person's training with the people domain's pages, and
 * (user_actions.c) the courses the users list's bulk enrolment offers */
void web_courses_init(void);
void web_courses_bulk_init(void);

/* course_pages.c */
void h_courses_list(struct request *req, struct response *res);
void h_course_show(struct request *req, struct response *res);
void h_course_new_page(struct request *req, struct response *res);
void h_course_create(struct request *req, struct response *res);
void h_course_update(struct request *req, struct response *res);
void h_course_copy(struct request *req, struct response *res);
void h_course_archive(struct request *req, struct response *res);
void h_course_policy_ack(struct request *req, struct response *res);
void h_course_enrol(struct request *req, struct response *res);
void h_course_unenrol(struct request *req, struct response *res);
void h_categories_list(struct request *req, struct response *res);
void h_category_create(struct request *req, struct response *res);
void h_category_update(struct request *req, struct response *res);
void h_course_learners_csv(struct request *req, struct response *res);
void h_course_rules(struct request *req, struct response *res);
void h_course_rule_create(struct request *req, struct response *res);
void h_course_rule_delete(struct request *req, struct response *res);
void h_enrol_rules_sync(struct request *req, struct response *res);
void h_course_enrol_self(struct request *req, struct response *res);
void h_enrol_requests(struct request *req, struct response *res);
void h_course_candidates(struct request *req, struct response *res);
void h_course_import_page(struct request *req, struct response *res);
void h_course_import(struct request *req, struct response *res);
void h_course_cover_set(struct request *req, struct response *res);
void h_course_cover_delete(struct request *req, struct response *res);
void h_course_cover(struct request *req, struct response *res);
void h_section_update(struct request *req, struct response *res);
void h_section_delete(struct request *req, struct response *res);
void h_activity_update(struct request *req, struct response *res);
void h_activity_delete(struct request *req, struct response *res);
void h_enrol_request_decide(struct request *req, struct response *res);
void h_user_actions(struct request *req, struct response *res);         /* user_actions.c */
void h_enrolments_list(struct request *req, struct response *res);      /* enrolment_list.c */
void h_enrolments_bulk(struct request *req, struct response *res);
void h_section_create(struct request *req, struct response *res);       /* content.c */
void h_activity_create(struct request *req, struct response *res);
void h_activity_show(struct request *req, struct response *res);
void h_activity_go(struct request *req, struct response *res);
void h_activity_done(struct request *req, struct response *res);
void h_activity_file(struct request *req, struct response *res);

/* manage.c: the course's management tabs and the administrators' course list */
void h_course_manage(struct request *req, struct response *res);
void h_course_manage_content(struct request *req, struct response *res);
void h_course_manage_participants(struct request *req, struct response *res);
void h_course_enrol_upload(struct request *req, struct response *res);
void h_course_manage_rules(struct request *req, struct response *res);
void h_course_manage_settings(struct request *req, struct response *res);
void h_admin_courses(struct request *req, struct response *res);
/* The participants and settings tabs, also shown again by a failed form post from them. */
void web_manage_participants(struct request *req, struct response *res, const struct course *c);
void web_manage_settings(struct request *req, struct response *res, const struct course *c);
/* course_pages.c: a form's choices of categories [{id, path, selected}] and course kinds
 * [{value, label, selected}] */
json_t *web_category_choices(struct request *req, int64_t selected);
json_t *web_course_kind_choices(struct request *req, const char *selected);

#endif
