/* The assessments domain's routes: the question bank (questions.c), quizzes, attempts,
 * grading and results (quizzes.c); docs/assessments.md. */
#include "internal.h"

static const struct param_spec p_course[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    PARAMS_END,
};
/* Assessments (questions.c, quizzes.c, docs/assessments.md). A question's body is read whole
 * with req_json (its "answers" are objects), so only flat members are declared here. */
static const struct param_spec p_questions_list[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"category_id", P_INT, 0, 0, 0},
    {"q", P_STR, 0, 0, 200},
    {"page", P_INT, 0, 1, 1000000},
    {"per_page", P_INT, 0, 1, 100},
    PARAMS_END,
};
static const struct param_spec p_question[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, 0, 1, 0},
    {"shared", P_BOOL, 0, 0, 0},
    {"gift", P_TEXT, 0, 0, 200000},
    PARAMS_END,
};
/* The pages' question forms: GIFT, or a form per type with QUESTION_FORM_ROWS answer rows. */
#define QROW(n)                                                                                          \
    {"answer_" #n, P_TEXT, 0, 0, 20000}, {"fraction_" #n, P_STR, 0, 0, 20}, {"feedback_" #n, P_TEXT, 0, 0, 20000}, \
        {"tolerance_" #n, P_STR, 0, 0, 40}, {"match_" #n, P_TEXT, 0, 0, 20000}
static const struct param_spec p_question_form[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, 0, 1, 0},
    {"shared", P_BOOL, 0, 0, 0},
    {"gift", P_TEXT, 0, 0, 200000},
    {"form", P_BOOL, 0, 0, 0},
    {"type", P_STR, 0, 0, 20},
    {"title", P_STR, 0, 0, 255},
    {"text", P_TEXT, 0, 0, 100000},
    {"general_feedback", P_TEXT, 0, 0, 20000},
    {"category", P_STR, 0, 0, 255},
    {"new_category", P_STR, 0, 0, 255},
    {"case_sensitive", P_BOOL, 0, 0, 0},
    {"correct", P_STR, 0, 0, 5},
    QROW(1), QROW(2), QROW(3), QROW(4), QROW(5), QROW(6), QROW(7), QROW(8),
    PARAMS_END,
};
#undef QROW
static const struct param_spec p_questions_import[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"file", P_FILE, 0, 0, 8 * 1024 * 1024},
    {"data", P_TEXT, 0, 0, 4 * 1024 * 1024},
    {"format", P_STR, 0, 0, 20},
    {"dry_run", P_BOOL, 0, 0, 0},
    {"skip_bad", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_questions_export[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"format", P_STR, 0, 0, 20},
    PARAMS_END,
};
static const struct param_spec p_quiz[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    PARAMS_END,
};
static const struct param_spec p_quiz_settings[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"question_ids", P_STR, 0, 0, 20000},
    {"points", P_STR, 0, 0, 20000},
    {"pick_ids", P_STR, 0, 0, 20000},
    {"pick_points", P_STR, 0, 0, 20000},
    {"random_category_id", P_INT, 0, 0, 0},
    {"random_count", P_INT, 0, 0, 1000},
    {"shuffle_questions", P_BOOL, 0, 0, 0},
    {"shuffle_answers", P_BOOL, 0, 0, 0},
    {"open_at", P_STR, 0, 0, 40},
    {"close_at", P_STR, 0, 0, 40},
    {"time_limit_seconds", P_INT, 0, 0, 31 * 24 * 3600},
    {"time_limit_minutes", P_INT, 0, 0, 31 * 24 * 60},
    {"attempts_allowed", P_INT, 0, 0, 1000},
    {"grading_method", P_STR, 0, 0, 20},
    {"pass_percent", P_STR, 0, 0, 20},
    {"per_page", P_INT, 0, 0, 1000},
    {"review_answers", P_STR, 0, 0, 20},
    {"review_correct", P_STR, 0, 0, 20},
    {"review_feedback", P_STR, 0, 0, 20},
    {"complete_on", P_STR, 0, 0, 20},
    PARAMS_END,
};
/* The attempt page's form (no JavaScript): q<slot> and t<slot> (essays); see quizzes.c. */
#define QF(n) {"q" #n, P_STR, 0, 0, 2000}, {"t" #n, P_TEXT, 0, 0, 100000}
static const struct param_spec p_attempt[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"page", P_INT, 0, 0, 100000},
    {"from_page", P_INT, 0, 0, 100000},
    QF(1), QF(2), QF(3), QF(4), QF(5), QF(6),
    QF(7), QF(8), QF(9), QF(10), QF(11), QF(12),
    QF(13), QF(14), QF(15), QF(16), QF(17), QF(18),
    QF(19), QF(20), QF(21), QF(22), QF(23), QF(24),
    QF(25), QF(26), QF(27), QF(28), QF(29), QF(30),
    QF(31), QF(32), QF(33), QF(34), QF(35), QF(36),
    QF(37), QF(38), QF(39), QF(40), QF(41), QF(42),
    QF(43), QF(44), QF(45), QF(46), QF(47), QF(48),
    QF(49), QF(50), QF(51), QF(52), QF(53), QF(54),
    QF(55), QF(56), QF(57), QF(58), QF(59), QF(60),
    PARAMS_END,
};
#undef QF
static const struct param_spec p_attempt_grade[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"slot", P_INT, PARAM_REQUIRED, 1, 100000},
    {"fraction", P_STR, 0, 0, 32},
    {"mark", P_STR, 0, 0, 32},
    {"comment", P_TEXT, 0, 0, 20000},
    PARAMS_END,
};
static const struct param_spec p_quiz_override[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"username", P_USERNAME, 0, 0, 100},
    {"extra_seconds", P_INT, 0, 0, 31 * 24 * 3600},
    {"extra_minutes", P_INT, 0, 0, 31 * 24 * 60},
    {"extra_attempts", P_INT, 0, 0, 1000},
    PARAMS_END,
};

static const struct route routes[] = {
    /* assessments: question bank (questions.c), quizzes and attempts (quizzes.c) */
#define QM CAP_QUIZZES_MANAGE
    {"GET", "/courses/{course:str}/questions", h_questions_list, QM, p_questions_list, 0},
    {"GET", "/api/v1/courses/{course:str}/questions", h_questions_list, QM, p_questions_list, 0},
    {"POST", "/courses/{course:str}/questions", h_question_create, QM, p_question_form, 0},
    {"POST", "/api/v1/courses/{course:str}/questions", h_question_create, QM, p_question, 0},
    {"GET", "/courses/{course:str}/questions/new", h_question_new_page, QM, p_question_form, 0},
    {"GET", "/courses/{course:str}/questions/import", h_questions_import_page, QM, p_question, 0},
    {"POST", "/courses/{course:str}/questions/import", h_questions_import, QM, p_questions_import, 0},
    {"POST", "/api/v1/courses/{course:str}/questions/import", h_questions_import, QM, p_questions_import, 0},
    {"GET", "/courses/{course:str}/questions/export", h_questions_export, QM, p_questions_export, 0},
    {"GET", "/api/v1/courses/{course:str}/questions/export", h_questions_export, QM, p_questions_export, 0},
    {"GET", "/courses/{course:str}/questions/{id:int}", h_question_show, QM, p_question_form, 0},
    {"GET", "/api/v1/courses/{course:str}/questions/{id:int}", h_question_show, QM, p_question, 0},
    {"POST", "/courses/{course:str}/questions/{id:int}", h_question_update, QM, p_question_form, 0},
    {"PUT", "/api/v1/courses/{course:str}/questions/{id:int}", h_question_update, QM, p_question, 0},
    {"POST", "/courses/{course:str}/questions/{id:int}/delete", h_question_delete, QM, p_question, 0},
    {"DELETE", "/api/v1/courses/{course:str}/questions/{id:int}", h_question_delete, QM, p_question, 0},
    {"GET", "/api/v1/courses/{course:str}/question-categories", h_question_categories, QM, p_question, 0},
    {"GET", "/courses/{course:str}/quizzes/{id:int}", h_quiz_show, CAP_SIGNED_IN, p_quiz, 0},
    {"GET", "/api/v1/courses/{course:str}/quizzes/{id:int}", h_quiz_show, CAP_SIGNED_IN, p_quiz, 0},
    {"GET", "/courses/{course:str}/quizzes/{id:int}/settings", h_quiz_settings_page, QM, p_quiz, 0},
    {"POST", "/courses/{course:str}/quizzes/{id:int}/settings", h_quiz_settings, QM, p_quiz_settings, 0},
    {"PUT", "/api/v1/courses/{course:str}/quizzes/{id:int}", h_quiz_settings, QM, p_quiz_settings, 0},
    {"POST", "/courses/{course:str}/quizzes/{id:int}/attempts", h_attempt_start, CAP_SIGNED_IN, p_quiz, 0},
    {"POST", "/api/v1/courses/{course:str}/quizzes/{id:int}/attempts", h_attempt_start, CAP_SIGNED_IN, p_quiz, 0},
    {"GET", "/courses/{course:str}/quizzes/{id:int}/results", h_quiz_results, QM, p_quiz, 0},
    {"GET", "/api/v1/courses/{course:str}/quizzes/{id:int}/results", h_quiz_results, QM, p_quiz, 0},
    {"GET", "/courses/{course:str}/quizzes/{id:int}/results.csv", h_quiz_results_csv, QM, p_quiz, 0},
    {"GET", "/api/v1/courses/{course:str}/quizzes/{id:int}/results.csv", h_quiz_results_csv, QM, p_quiz, 0},
    {"POST", "/courses/{course:str}/quizzes/{id:int}/overrides", h_quiz_override, QM, p_quiz_override, 0},
    {"PUT", "/api/v1/courses/{course:str}/quizzes/{id:int}/overrides/{username:name}", h_quiz_override, QM,
     p_quiz_override, 0},
    {"GET", "/courses/{course:str}/manage/quizzes", h_course_manage_quizzes, QM, p_course, 0},
    {"GET", "/courses/{course:str}/grading", h_grading_queue, QM, p_course, 0},
    {"GET", "/api/v1/courses/{course:str}/grading", h_grading_queue, QM, p_course, 0},
    {"GET", "/attempts/{id:int}", h_attempt_show, CAP_SIGNED_IN, p_attempt, 0},
    {"GET", "/api/v1/attempts/{id:int}", h_attempt_show, CAP_SIGNED_IN, p_attempt, 0},
    {"POST", "/attempts/{id:int}/answers", h_attempt_save, CAP_SIGNED_IN, p_attempt, 0},
    {"PUT", "/api/v1/attempts/{id:int}/answers", h_attempt_save, CAP_SIGNED_IN, p_attempt, 0},
    {"POST", "/attempts/{id:int}/submit", h_attempt_submit, CAP_SIGNED_IN, p_attempt, 0},
    {"POST", "/api/v1/attempts/{id:int}/submit", h_attempt_submit, CAP_SIGNED_IN, p_attempt, 0},
    {"POST", "/attempts/{id:int}/slots/{slot:int}/grade", h_attempt_grade, QM, p_attempt_grade, 0},
    {"POST", "/api/v1/attempts/{id:int}/slots/{slot:int}/grade", h_attempt_grade, QM, p_attempt_grade, 0},
#undef QM
};

const struct web_domain web_assessments = {
    .name = "assessments",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .init = web_assessments_init,
};
