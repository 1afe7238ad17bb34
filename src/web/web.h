/* Lectern's web layer: the route table, the hooks that plug the model and the view into the
 * HTTP server, and one file of handlers per resource. */
#ifndef LECTERN_WEB_H
#define LECTERN_WEB_H

#include "../http/http.h"
#include "../model/model.h"
#include "../view/view.h"

/* Process-wide state of a serving node. */
struct web_app {
    struct db_pool *pool;
    struct tpl_set *templates;
    const char *data_dir;
    const char *metrics_token;   /* Bearer token that may read /metrics; NULL = admins only */
};
extern struct web_app web_app;

/* Compiles every template under templates/ and loads translations. */
lerr web_init(struct db_pool *pool, const char *data_dir, struct problem *p);
void web_shutdown(void);
/* The hooks for server_config. */
struct server_hooks web_hooks(void);
extern const struct route web_routes[];
extern const size_t web_n_routes;

/* Per-request site data (req->site): branding for the layout. */
struct web_site {
    struct site_settings settings;
    const char *flash;            /* the flash message carried by cookie, if any */
};
/* Forgets cached settings after a change, so the next page shows it. */
void web_settings_changed(void);

/* Helpers for handlers. */
const char *web_lang(struct request *req);
const char *T(struct request *req, const char *key);   /* translated text */
/* Answers a problem from the model: keeps res->template so a form re-renders with the error. */
void web_fail(struct response *res, const struct problem *p);
/* Sets model to an object (created if missing) and returns it. */
json_t *web_model(struct response *res);
/* A flash message for the next HTML page (ignored by the API). */
void web_flash(struct request *req, struct response *res, const char *key);
/* Builds the {"items","page","per_page","total","next"} list model. */
json_t *web_page_model(struct request *req, json_t *items, int page, int per_page, int total,
                       const char *base_path, const char *q);

/* Handlers, by file. */
void h_healthz(struct request *req, struct response *res);               /* health.c */
void h_signin_page(struct request *req, struct response *res);           /* sessions.c */
void h_signin(struct request *req, struct response *res);
void h_signout(struct request *req, struct response *res);
void h_me(struct request *req, struct response *res);                    /* account.c */
void h_password_page(struct request *req, struct response *res);
void h_password_change(struct request *req, struct response *res);
void h_dashboard(struct request *req, struct response *res);             /* dashboard.c */
void h_users_list(struct request *req, struct response *res);            /* users.c */
void h_user_new_page(struct request *req, struct response *res);
void h_user_create(struct request *req, struct response *res);
void h_user_show(struct request *req, struct response *res);
void h_user_update(struct request *req, struct response *res);
void h_user_suspend(struct request *req, struct response *res);
void h_user_reactivate(struct request *req, struct response *res);
void h_user_unlock(struct request *req, struct response *res);
void h_user_reset_password(struct request *req, struct response *res);
void h_settings_show(struct request *req, struct response *res);         /* settings.c */
void h_settings_update(struct request *req, struct response *res);
void h_settings_logo(struct request *req, struct response *res);
void h_logo(struct request *req, struct response *res);
void h_theme_css(struct request *req, struct response *res);
void h_audit_list(struct request *req, struct response *res);            /* audit.c */
void h_metrics(struct request *req, struct response *res);               /* metrics.c */
/* The token (at least 16 characters; NULL or "" = none) that may read /metrics without an
 * administrator's session (lectern serve --metrics-token, env LECTERN_METRICS_TOKEN). */
lerr web_set_metrics_token(const char *token, struct problem *p);

/* Password and sign-in support (support.c). */
void h_forgot_page(struct request *req, struct response *res);
void h_forgot(struct request *req, struct response *res);
void h_reset_page(struct request *req, struct response *res);
void h_reset(struct request *req, struct response *res);
void h_signin_help(struct request *req, struct response *res);
void h_user_send_reset_link(struct request *req, struct response *res);
void h_user_temporary_password(struct request *req, struct response *res);
void h_user_impersonate(struct request *req, struct response *res);
void h_impersonation_show(struct request *req, struct response *res);
void h_impersonation_end(struct request *req, struct response *res);
void h_mail_settings_show(struct request *req, struct response *res);
void h_mail_settings_update(struct request *req, struct response *res);
void h_signin_help_update(struct request *req, struct response *res);
void h_outbox_list(struct request *req, struct response *res);
void h_outbox_retry(struct request *req, struct response *res);
void h_mail_test(struct request *req, struct response *res);
/* The support parts of the user page (links, "log in as") and of the settings page (mail,
 * "cannot sign in?" text), for users.c and settings.c. */
json_t *web_support_user_model(struct request *req, const struct user *u);
void web_support_settings_model(struct request *req, json_t *model);

/* People: organisation, profile fields and bulk upload (people.c, imports.c; docs/people.md). */
void h_departments_list(struct request *req, struct response *res);
void h_department_create(struct request *req, struct response *res);
void h_department_update(struct request *req, struct response *res);
void h_department_delete(struct request *req, struct response *res);
void h_job_roles_list(struct request *req, struct response *res);
void h_job_role_create(struct request *req, struct response *res);
void h_job_role_update(struct request *req, struct response *res);
void h_job_role_delete(struct request *req, struct response *res);
void h_profile_fields_list(struct request *req, struct response *res);
void h_profile_field_create(struct request *req, struct response *res);
void h_profile_field_update(struct request *req, struct response *res);
void h_profile_field_delete(struct request *req, struct response *res);
void h_user_org_update(struct request *req, struct response *res);
/* Adds the user's custom profile values ("profile") to a user page's model, and for
 * administrators the organisation form's choices ("org"). */
void web_user_org_model(struct request *req, json_t *model, const struct user *u);
void h_import_page(struct request *req, struct response *res);
void h_import_upload(struct request *req, struct response *res);
void h_import_show(struct request *req, struct response *res);
void h_import_commit(struct request *req, struct response *res);
void h_user_export(struct request *req, struct response *res);

/* Courses: catalogue, course pages, categories, enrolments (courses.c; docs/courses.md). */
void h_courses_list(struct request *req, struct response *res);
void h_course_show(struct request *req, struct response *res);
void h_course_new_page(struct request *req, struct response *res);
void h_course_create(struct request *req, struct response *res);
void h_course_update(struct request *req, struct response *res);
void h_course_copy(struct request *req, struct response *res);
void h_course_archive(struct request *req, struct response *res);
void h_course_policy_ack(struct request *req, struct response *res);
void h_course_enrolments(struct request *req, struct response *res);
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
void h_section_create(struct request *req, struct response *res);       /* content.c */
void h_activity_create(struct request *req, struct response *res);
void h_activity_show(struct request *req, struct response *res);
void h_activity_go(struct request *req, struct response *res);
void h_activity_done(struct request *req, struct response *res);
void h_activity_file(struct request *req, struct response *res);
/* The course named by the "course" parameter if the viewer may see it, as courses.c decides:
 * managers, its enrolled people, or anyone when it is published and listed (else answers 404). */
bool web_visible_course(struct request *req, struct response *res, struct course *c);

/* Assessments: the question bank (questions.c) and quizzes, attempts, grading, results
 * (quizzes.c); docs/assessments.md. A quiz's id is its activity's id. */
/* Whether the viewer manages the course's assessments: an administrator, or its instructor. */
bool web_assess_manager(struct request *req, const struct course *c);
/* web_visible_course, then 403 unless web_assess_manager. */
bool web_assess_manage_course(struct request *req, struct response *res, struct course *c);
json_t *web_assess_course_json(const struct course *c);   /* {"code", "title"} */
/* The quiz model of a quiz activity, for the activities route's JSON (content.c). */
json_t *web_quiz_json(struct request *req, struct course *c, int64_t activity_id, struct problem *p);
/* The attempt page's form names its fields after the slots: q1..qN, t1..tN (essays). */
#define WEB_QUIZ_FORM_SLOTS 60
void h_questions_list(struct request *req, struct response *res);
void h_question_new_page(struct request *req, struct response *res);
void h_question_create(struct request *req, struct response *res);
void h_question_show(struct request *req, struct response *res);
void h_question_update(struct request *req, struct response *res);
void h_question_delete(struct request *req, struct response *res);
void h_question_categories(struct request *req, struct response *res);
void h_questions_import_page(struct request *req, struct response *res);
void h_questions_import(struct request *req, struct response *res);
void h_questions_export(struct request *req, struct response *res);
void h_quiz_show(struct request *req, struct response *res);
void h_quiz_settings_page(struct request *req, struct response *res);
void h_quiz_settings(struct request *req, struct response *res);
void h_attempt_start(struct request *req, struct response *res);
void h_attempt_show(struct request *req, struct response *res);
void h_attempt_save(struct request *req, struct response *res);
void h_attempt_submit(struct request *req, struct response *res);
void h_grading_queue(struct request *req, struct response *res);
void h_attempt_grade(struct request *req, struct response *res);
void h_quiz_results(struct request *req, struct response *res);
void h_quiz_results_csv(struct request *req, struct response *res);
void h_quiz_override(struct request *req, struct response *res);

#endif
