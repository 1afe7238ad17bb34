/* The assessments domain's pages (web/assessments/): the question bank, quizzes, attempts,
 * grading and results. Nothing of it is used by other web code but its routes. */
#ifndef LECTERN_WEB_ASSESSMENTS_H
#define LECTERN_WEB_ASSESSMENTS_H

#include "../web.h"

extern const struct web_domain web_assessments;

#endif
