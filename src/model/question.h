/* Questions as data (docs/assessments.md): one JSON shape shared by the GIFT reader and
 * writer, the question bank, the API and grading, so a question means the same thing wherever
 * it travels. Everything here is pure (no database): gift.c, question_check.c, grade.c.
 *
 * A question object:
 *   {"type": "single"|"multi"|"truefalse"|"short"|"numerical"|"matching"|"essay"|"description",
 *    "title": "",                 GIFT ::title::; "" = none
 *    "text": "...",               the question text (for a missing-word question the answer's
 *                                 place is marked "_____")
 *    "format": "markdown"|"html"|"plain"|"moodle",   how text is written; default markdown
 *    "general_feedback": "",      GIFT ####, shown after the attempt whatever was answered
 *    "category": "",              GIFT $CATEGORY path ("Safety/Fire"); "" = the default
 *    "case_sensitive": false,     short answer only
 *    "answers": [...]}            by type:
 *   single, multi: [{"text", "fraction", "feedback"}]; fraction is a percentage -100..100
 *       (GIFT = is 100, ~ is 0, ~%50% is 50). single: one answer is chosen, some answer has
 *       100. multi: any number are chosen; the positive fractions add up to 100.
 *   truefalse: [{"text": "true", "fraction", "feedback"}, {"text": "false", ...}]: exactly
 *       those two, in that order, one with 100 and the other 0.
 *   short: [{"text", "fraction", "feedback"}]: accepted answers (fraction 1..100); "*" in text
 *       matches any run of characters, as in Moodle.
 *   numerical: [{"value", "tolerance", "fraction", "feedback"}] or [{"min", "max", "fraction",
 *       "feedback"}] (GIFT {#3.14:0.01} and {#1..5}); numbers are JSON reals.
 *   matching: [{"left", "right"}]: at least two pairs; the learner matches each left to a right.
 *   essay, description: [] (an essay is graded by hand; a description is text only, not graded).
 *
 * A response (what a learner saved for one question), by type:
 *   single: {"choice": i}   multi: {"choices": [i, ...]}   truefalse: {"value": true|false}
 *   short: {"text": "..."}  numerical: {"value": "3.14"} (text, as typed; "," is accepted as
 *   the decimal separator)  matching: {"pairs": [r0, r1, ...]} (the right-hand index chosen for
 *   each left, -1 = none)   essay: {"text": "..."}
 * Indices are into the question's own answers array, never into a shuffled display order. */
#ifndef LECTERN_QUESTION_H
#define LECTERN_QUESTION_H

#include <jansson.h>
#include "../core/core.h"

/* ---- Checking (question_check.c) ---- */
/* Checks a question object from the API, the bank or the GIFT reader against the rules above.
 * LE_INVALID with p->field naming the member ("answers", "text", ...) and p->message saying
 * what to fix ("The positive weights of a multiple-answer question add up to 90%; make them
 * 100%."). Fills defaults it may (format, title, general_feedback, category, case_sensitive). */
lerr question_check(json_t *q, struct problem *p);
bool question_type_known(const char *type);
/* Whether a type is graded without a person (everything but essay and description). */
bool question_type_auto(const char *type);

/* ---- Grading (grade.c) ---- */
struct grade {
    double fraction;        /* 0..1 of the question's points; 0 when not gradable */
    bool needs_person;      /* essay: a person grades it */
    bool answered;          /* the response holds an answer at all */
    const char *feedback;   /* the chosen answer's feedback (borrowed from q), or "" */
};
/* Grades one response (NULL = not answered) against a question. Multi-answer sums the chosen
 * fractions and clamps to 0..1 (negative weights cancel positive ones); numerical accepts the
 * best-scoring matching answer; matching gives each correct pair an equal share; short answer
 * compares trimmed text, case-insensitively unless case_sensitive, with * as a wildcard.
 * A response that does not fit the type (an index out of range, text for a choice) grades 0
 * with answered false. */
struct grade question_grade(const json_t *q, const json_t *response);
/* Checks a response's shape for the question before it is saved: LE_INVALID naming what is
 * wrong ("Choose one of answers 0 to 3."). An empty object clears the answer. */
lerr question_response_check(const json_t *q, const json_t *response, struct problem *p);
/* A typed number as a learner writes it: optional sign, digits, "." or "," as the decimal
 * separator, optional exponent, spaces around; false when it is not one finite number. */
bool question_parse_number(const char *s, double *out);

/* ---- GIFT (gift.c): Moodle's text format for questions ---- */
struct gift_entry {
    int line;              /* the line the question starts on (1-based) */
    json_t *question;      /* the question (owned; checked with question_check), or NULL */
    char error[400];       /* when question is NULL: "line 12: ..." naming what is wrong */
};
struct gift_file {
    struct gift_entry *entries;  /* one per question in the file, in order */
    size_t n;
    size_t n_errors;
};
/* Parses a GIFT file: // comments, blank-line separated questions, ::title::, $CATEGORY:
 * lines, [html]/[markdown]/[plain]/[moodle] formats, = and ~ answers with %n% weights, #
 * feedback and #### general feedback, {T}/{F}/{TRUE}/{FALSE} with feedback, numerical {#...},
 * matching {=a -> x}, essay {}, description (no answer block), missing word (text after the
 * block), and the escapes \~ \= \# \{ \} \: \\ and \n. A question with an error (unclosed
 * brace, weights that do not add up, unknown escape, empty answer, ...) becomes an entry with
 * no question and the error; the rest still parse. LE_INVALID only when the text is not UTF-8
 * (p says so). */
lerr gift_parse(const char *text, size_t len, struct gift_file *out, struct problem *p);
void gift_file_free(struct gift_file *f);
/* Writes questions (an array of question objects) as GIFT, with a $CATEGORY: line whenever the
 * category changes, escaping what needs it, so that gift_parse gives the same questions back.
 * Returns a malloc'd string. */
char *gift_write(const json_t *questions);

#endif
