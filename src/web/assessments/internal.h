/* What only the assessments domain's pages share (docs/assessments.md): the course checks of
 * questions.c and quizzes.c, and their handlers for the route table (routes.c). A quiz's id is
 * its activity's id. */
#ifndef LECTERN_WEB_ASSESSMENTS_INTERNAL_H
#define LECTERN_WEB_ASSESSMENTS_INTERNAL_H

#include "assessments.h"
#include "../courses/courses.h"
#include "../../model/assessments/assessments.h"

/* Plugs the quiz pages into the course pages (web_activity_view_register). */
void web_assessments_init(void);

/* Whether the viewer manages the course's assessments: an administrator, or its instructor. */
bool web_assess_manager(struct request *req, const struct course *c);
/* web_visible_course, then 403 unless web_assess_manager. */
bool web_assess_manage_course(struct request *req, struct response *res, struct course *c);
json_t *web_assess_course_json(const struct course *c);   /* {"code", "title"} */
/* Pages shown as a tab of the course's management (HTML only): the tabs' model, merged in. */
void web_assess_tabs(struct request *req, struct response *res, const struct course *c, const char *tab);
/* The quiz model of a quiz activity, for the activities route's JSON (quiz_view in quizzes.c). */
json_t *web_quiz_json(struct request *req, struct course *c, int64_t activity_id, struct problem *p);
/* The attempt page's form names its fields after the slots: q1..qN, t1..tN (essays). */
#define WEB_QUIZ_FORM_SLOTS 60
/* question_form.c: a question written in its type's form. The form has QUESTION_FORM_ROWS
 * answer rows (answer_N, fraction_N, feedback_N, tolerance_N, match_N; routes.c declares
 * them). */
#define QUESTION_FORM_ROWS 8
bool question_form_type_known(const char *type);
json_t *question_form_types(struct request *req);          /* [{value, label}] */
/* The question object the form sent (the model checks it); NULL with p set. */
json_t *question_from_form(struct request *req, struct problem *p);
/* The form's model for a stored question, or for what the request sent (after a refusal).
 * categories: the bank's ({"name", "shared"}), offered as choices. */
json_t *question_form_of(struct request *req, json_t *q, json_t *categories);
json_t *question_form_sent(struct request *req, json_t *categories);
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
void h_course_manage_quizzes(struct request *req, struct response *res);

#endif
