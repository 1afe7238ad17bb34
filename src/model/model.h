/* The model layer: one folder per domain, each with one header that says what other code may
 * use (platform/platform.h, people/people.h, courses/courses.h, assessments/assessments.h,
 * benchdata/benchdata.h). Include the domain headers a file uses, not this one: this one only
 * starts the model. docs/architecture.md has the map and the rule for adding a domain. */
#ifndef LECTERN_MODEL_H
#define LECTERN_MODEL_H

/* Plugs each domain into the ones below it, in order (courses follows people as they move;
 * assessments adds the quiz activity kind and what a course copy takes along). Call once at
 * start, before any other model function and before threads; calling it again does nothing. */
void model_init(void);

#endif
