/* The assessments domain. Assessments in the database (docs/assessments.md): the question bank (question_bank.c),
 * quizzes as an activity kind (quiz.c), attempts with their deadline, grading and regrading
 * (attempt.c), and results and statistics (quiz_stats.c). Questions travel as the JSON
 * objects described below. Functions that change something are one transaction and write
 * the audit log; functions named *_json build the API's and the pages' model in a few
 * queries whatever the size. */
#ifndef LECTERN_MODEL_ASSESSMENTS_H
#define LECTERN_MODEL_ASSESSMENTS_H

#include <jansson.h>
#include "../courses/courses.h"

/* ---- Questions as data (docs/assessments.md): one JSON shape shared by the GIFT reader and
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
 *    "general_feedback_format":   optional, like format; absent = plain text
 *    "idnumber": "", "tags": []   optional: Moodle's [id:...] and [tag:...], kept for export
 *    "category": "",              GIFT $CATEGORY path ("Safety/Fire"); "" = the default
 *    "case_sensitive": false,     short answer only
 *    "answers": [...]}            by type:
 *   Every answer's text and feedback are plain text unless the answer says "format" or
 *   "feedback_format" (markdown, html or moodle, as an imported bank may).
 *   single, multi: [{"text", "fraction", "feedback"}]; fraction is a percentage -100..100
 *       (GIFT = is 100, ~ is 0, ~%50% is 50). single: one answer is chosen, some answer has
 *       100. multi: any number are chosen; the positive fractions add up to 100.
 *   truefalse: [{"text": "true", "fraction", "feedback"}, {"text": "false", ...}]: exactly
 *       those two, in that order, one with 100 and the other 0.
 *   short: [{"text", "fraction", "feedback"}]: accepted answers (fraction 0..100; 0 is a known
 *       wrong answer with its feedback); "*" in text
 *       matches any run of characters, as in Moodle.
 *   numerical: [{"value", "tolerance", "fraction", "feedback"}] or [{"min", "max", "fraction",
 *       "feedback"}] (GIFT {#3.14:0.01} and {#1..5}); numbers are JSON reals. One answer may be
 *       {"other": true, "fraction": 0, "feedback"}: the feedback for any other number (GIFT ~#).
 *   matching: [{"left", "right"}]: at least two pairs; the learner matches each left to a right.
 *       A pair whose left is "" is a distractor: one more right that matches no left.
 *   essay, description: [] (an essay is graded by hand; a description is text only, not graded).
 *
 * A response (what a learner saved for one question), by type:
 *   single: {"choice": i}   multi: {"choices": [i, ...]}   truefalse: {"value": true|false}
 *   short: {"text": "..."}  numerical: {"value": "3.14"} (text, as typed; "," is accepted as
 *   the decimal separator)  matching: {"pairs": [r0, r1, ...]} (the right-hand index chosen for
 *   each left, -1 = none)   essay: {"text": "..."}
 * Indices are into the question's own answers array, never into a shuffled display order. */

/* ---- Checking (question_check.c) ---- */
/* Checks a question object from the API, the bank or the GIFT reader against the rules above.
 * LE_INVALID with p->field naming the member ("answers", "text", ...) and p->message saying
 * what to fix ("The positive weights of a multiple-answer question add up to 90%; make them
 * 100%."). Fills defaults it may (format, title, general_feedback, category, case_sensitive). */
lerr question_check(json_t *q, struct problem *p);
bool question_type_known(const char *type);
/* Whether a type is graded without a person (everything but essay and description). */
bool question_type_auto(const char *type);
/* Whether a matching pair is a distractor (no left: a right that matches nothing). */
bool question_pair_is_distractor(const json_t *pair);

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
    int error_line;        /* the line the error is on (a question's own line, or its $CATEGORY: line) */
    int category_line;     /* the $CATEGORY: line the question's category came from; 0 = none */
    char title[256];       /* Moodle XML: the question's name and type as the file gives them, */
    char type[40];         /* so a question that could not be read is still named */
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
/* The same reading, one question at a time: each(ctx, entry) is called as soon as a question
 * has been read, and the entry's question is released when it returns (json_incref it to keep
 * it), so a large file takes the memory of one question rather than all of them. An error
 * from each stops the reading and is returned as it is (each sets p itself). */
typedef lerr (*gift_each_fn)(void *ctx, struct gift_entry *entry);
lerr gift_parse_each(const char *text, size_t len, gift_each_fn each, void *ctx, struct problem *p);
void gift_file_free(struct gift_file *f);
/* Writes questions (an array of question objects) as GIFT, with a $CATEGORY: line whenever the
 * category changes, escaping what needs it, so that gift_parse gives the same questions back.
 * Returns a malloc'd string. */
char *gift_write(const json_t *questions);

/* ---- Moodle XML (moodle_xml.c) and Aiken (aiken.c): the other formats Moodle exchanges ----
 * Both read into the GIFT reader's struct gift_file (an entry per question, with its line), so
 * an import reports them alike. */
/* Parses Moodle XML (<quiz><question type="...">): multichoice (single or not), truefalse,
 * shortanswer (usecase), numerical (answer with tolerance; "*" is any other number), matching
 * (a subquestion without text is a distractor), essay, description, and category questions
 * (the category of those that follow); name, questiontext and its format, generalfeedback,
 * idnumber, tags, each answer's fraction, text, feedback and formats. Pictures embedded as
 * base64 <file>s (PNG, GIF, JPEG, WebP up to 64 KB) become data: addresses where the HTML
 * links them (@@PLUGINFILE@@/name). Any other type (calculated, cloze, drag and drop, ...)
 * becomes an entry with its name, type, line and error. LE_INVALID (p says where) when the
 * file is not well-formed XML or not <quiz>. */
lerr moodlexml_parse(const char *text, size_t len, struct gift_file *out, struct problem *p);
/* Writes questions as Moodle XML that Moodle's importer reads: a category question whenever
 * the category changes, CDATA text with format attributes, fractions in percent, data:
 * pictures as <file> elements; moodlexml_parse gives the same questions back (a numerical
 * range min..max comes back as its middle with a tolerance). Returns a malloc'd string. */
char *moodlexml_write(const json_t *questions);
/* Parses Aiken: a question's text (one or more lines), options "A. text" or "A) text" with
 * consecutive capital letters, then "ANSWER: B"; blank lines between questions. Each becomes a
 * single-choice question in plain text, the named option right. A question that does not
 * follow this is an entry with its line and what to fix. LE_INVALID when it is not UTF-8. */
lerr aiken_parse(const char *text, size_t len, struct gift_file *out, struct problem *p);

/* The formats a question file may be in: "gift", "moodlexml", "aiken". */
bool question_format_known(const char *format);
/* Which format a file is in, by its content: XML (<?xml or <quiz at the start) is Moodle XML;
 * lines "A. ..." and "ANSWER: A" are Aiken; anything else GIFT. */
const char *question_format_detect(const char *text, size_t len);

/* ---- Question bank (question_bank.c) ----
 * Categories belong to a course (course_id) or are shared by all courses (course_id 0); a
 * course's bank lists its own categories and the shared ones. A course changes only its own
 * questions: a shared one is updated or deleted with course_id 0 (LE_FORBIDDEN from a course). */
lerr qcategory_ensure(struct db *db, int64_t course_id, const char *name, int64_t *id_out, struct problem *p);
/* {"categories": [{"id","name","shared","questions"}]} for a course (its own and shared). */
json_t *qcategories_json(struct db *db, struct arena *a, int64_t course_id);
/* Adds a checked question (question_check) to a category of the course (by q's "category"
 * name, created if missing; "" = "Default"; shared when shared is true). Audited. */
lerr question_create(struct db *db, struct arena *a, int64_t course_id, bool shared, json_t *q, int64_t actor_id,
                     int64_t *id_out, struct problem *p);
/* Replaces a question's content and bumps its version (its category stays unless q names one);
 * then regrades every submitted attempt that used it (attempt_regrade_question).
 * *regraded_out = attempts whose grade changed. */
lerr question_update(struct db *db, struct arena *a, int64_t course_id, int64_t id, json_t *q, int64_t actor_id,
                     int *regraded_out, struct problem *p);
/* Marks it deleted (attempts keep it); LE_CONFLICT while a quiz lists it. */
lerr question_delete(struct db *db, struct arena *a, int64_t course_id, int64_t id, int64_t actor_id,
                     struct problem *p);
/* One question the course may use (its own or shared): the question object above plus "id",
 * "version", "category_id", "shared". NULL with p set (LE_NOTFOUND) otherwise. */
json_t *question_get_json(struct db *db, struct arena *a, int64_t course_id, int64_t id, struct problem *p);
/* {"questions": [...], "total"} of a course's bank: category_id 0 = every category, q filters
 * titles and text; newest first, a page of per_page. */
json_t *questions_json(struct db *db, struct arena *a, int64_t course_id, int64_t category_id, const char *q, int page,
                       int per_page);
/* An import into a course from a file in format ("gift", "moodlexml", "aiken"; NULL or "" =
 * question_format_detect): parses, reports each question ({"line","title","type","status":
 * "ok"|"error","error"}) and, unless dry_run, saves. With errors nothing is saved unless
 * skip_bad (then the good ones are). {"format", "questions": [...], "imported", "errors",
 * "saved": bool}. LE_INVALID (with the report in *report_out) when errors stopped the import;
 * LE_INVALID without a report when the format is unknown or the file cannot be read at all. */
lerr question_import(struct db *db, struct arena *a, int64_t course_id, const char *format, const char *text,
                     size_t len, bool dry_run, bool skip_bad, int64_t actor_id, json_t **report_out,
                     struct problem *p);
/* The course's own live questions (not shared ones) in format ("gift" or "moodlexml"; NULL =
 * gift) as text (malloc'd). */
char *question_export(struct db *db, struct arena *a, int64_t course_id, const char *format, struct problem *p);

/* ---- Quizzes (quiz.c): the 'quiz' activity kind and its settings ---- */
struct quiz_settings {            /* for quiz_save: NULL / negative = unchanged */
    const char *questions;        /* comma-separated question ids in order ("" = none) */
    const char *points;           /* comma-separated points for those questions; NULL = 1 each */
    int64_t random_category_id;   /* with random_count: draw per attempt; -1 = unchanged, 0 = off */
    int random_count;
    int shuffle_questions, shuffle_answers;          /* 0/1, -1 = unchanged */
    int64_t open_at, close_at;                        /* epoch seconds; 0 = none; -1 = unchanged */
    int time_limit_seconds, attempts_allowed;         /* 0 = none / unlimited; -1 = unchanged */
    const char *grading_method;   /* highest, last, average, first */
    double pass_percent;          /* 0..100; < 0 = unchanged */
    int per_page;                 /* 0 = all on one page; -1 = unchanged */
    const char *review_answers, *review_correct, *review_feedback; /* never|after_submit|after_close */
    const char *complete_on;      /* submit | pass */
};
/* Every field unchanged. */
#define QUIZ_SETTINGS_INIT                                                                              \
    {.random_category_id = -1, .random_count = -1, .shuffle_questions = -1, .shuffle_answers = -1,     \
     .open_at = -1, .close_at = -1, .time_limit_seconds = -1, .attempts_allowed = -1, .pass_percent = -1, \
     .per_page = -1}
/* Creates the settings row of a new quiz activity (the kind's after-create hook calls it, with
 * QUIZ_SETTINGS_INIT: the defaults) or updates them.
 * Questions must be the course's or shared. Audited. */
lerr quiz_save(struct db *db, struct arena *a, int64_t course_id, int64_t activity_id,
               const struct quiz_settings *s, int64_t actor_id, struct problem *p);
/* Inside course_copy's transaction, after the activities were copied: the course's own
 * question categories and questions (new ids, version 1), then every quiz's settings and fixed
 * questions, pointing at the copies (shared questions stay shared). Attempts stay behind. */
lerr quizzes_copy(struct db *db, struct arena *a, int64_t from_course, int64_t to_course, struct problem *p);
/* The quiz as its learner sees it before starting: settings, "questions" count, "max_score",
 * the viewer's attempts [{id, number, state, started_at, submitted_at, percent, passed,
 * needs_grading}], "grade" (by the grading method), "passed", "can_start" with "reason" when
 * not ("quiz_not_open", "quiz_closed", "no_attempts_left", "no_questions", "not_enrolled"),
 * "in_progress" (the open attempt's id or null), "attempts_left" (null = unlimited),
 * "override" {extra_seconds, extra_attempts}. Managers also get "question_list" [{id,
 * title, type, points}]. */
json_t *quiz_json(struct db *db, struct arena *a, int64_t course_id, int64_t activity_id, int64_t viewer_id,
                  bool manager, struct problem *p);
/* An instructor's exception for one learner (audited: quiz.override). */
lerr quiz_override_set(struct db *db, struct arena *a, int64_t activity_id, int64_t user_id, int extra_seconds,
                       int extra_attempts, int64_t actor_id, struct problem *p);

/* ---- Attempts (attempt.c) ---- */
/* Starts an attempt (or returns the learner's open one, *resumed true): checks open and close
 * times, attempts left (with the override), draws and orders questions, sets the deadline
 * (time limit plus override extra, capped at close time). Reads only this learner's attempts.
 * LE_FORBIDDEN with reason "quiz_closed", "quiz_not_open", "no_attempts_left", "not_enrolled"
 * (only people enrolled in the course, learners or instructors, take it); LE_CONFLICT with
 * "no_questions" for a quiz without questions. */
lerr attempt_start(struct db *db, struct arena *a, int64_t activity_id, int64_t user_id, int64_t *attempt_id_out,
                   bool *resumed, struct problem *p);
/* The attempt for its owner (or a grader when grader is true): {"id","quiz_id","course",
 * "number","state","started_at","deadline_at","now","seconds_left","page","pages",
 * "per_page","questions": every question, [{"slot","question_id","type","title","text_html",
 * "points","page" (0-based, the page it is on), "answers": [{"index","text"}] in display order
 * (matching: "lefts" and "rights"), "response" (after submission only when review shows
 * answers), plus after submission what review allows: "fraction","mark","needs_grading",
 * "correct" (the full-marks response in the shape above),"feedback","general_feedback",
 * "comment"}], "score","max_score","percent","passed" (null while an essay waits),
 * "review": {"answers","correct","feedback"} (what is shown now)}. An in-progress attempt past
 * its deadline is submitted first (as the deadline sweep would), and an open one whose person
 * left the course is closed (submitted_by "unenrolled"). LE_NOTFOUND for someone else's
 * attempt (never revealing that it exists); LE_FORBIDDEN with reason "not_enrolled" for the
 * owner once they are no longer enrolled in the course (a grader still sees it). */
json_t *attempt_json(struct db *db, struct arena *a, int64_t attempt_id, int64_t viewer_id, bool grader,
                     struct problem *p);
/* Saves responses: answers is {"<slot>": response, ...} (the shapes above); page (>= 0) is
 * where the learner is. Refuses (nothing saved) answers after the deadline (LE_CONFLICT,
 * reason "deadline_passed"; the attempt is submitted by the server), for a slot not in the
 * attempt (LE_INVALID, field "answers.<slot>"), for a submitted attempt (LE_CONFLICT, reason
 * "attempt_submitted"), someone else's attempt (LE_NOTFOUND), and anything from a person no
 * longer enrolled in the course (LE_FORBIDDEN, reason "not_enrolled"; an open attempt is
 * closed then, submitted_by "unenrolled"; the same for a submit). *saved_at_out = the time;
 * *seconds_left_out = the seconds to the deadline, -1 without one (either may be NULL). */
lerr attempt_save(struct db *db, struct arena *a, int64_t attempt_id, int64_t user_id, const json_t *answers,
                  int page, int64_t *saved_at_out, int64_t *seconds_left_out, struct problem *p);
/* Submits (after saving answers, if any) and grades. A second submit is LE_CONFLICT with reason
 * "attempt_submitted" and changes nothing. Completes the activity per complete_on. Past the
 * deadline the server submits it with what was saved: LE_CONFLICT "deadline_passed" when answers
 * were sent (they are not saved), LE_OK when none were. */
lerr attempt_submit(struct db *db, struct arena *a, int64_t attempt_id, int64_t user_id, const json_t *answers,
                     struct problem *p);
/* Submits every in-progress attempt whose deadline has passed, with what was saved
 * (submitted_by "deadline"). Run by serve's sweeper; returns how many. */
int attempt_submit_overdue(struct db *db, struct arena *a);
/* The person left the course (the courses domain's enrolment_on_end): their open attempts in
 * its quizzes are submitted with what was saved, graded, and marked submitted_by
 * 'unenrolled'. Runs in the caller's transaction. */
lerr attempts_close_unenrolled(struct db *db, int64_t course_id, int64_t user_id, struct problem *p);
/* Grades one slot of a submitted attempt by hand (an essay, or any slot as an override that
 * regrading then leaves alone): fraction 0..1 (mark = fraction * points) and a comment.
 * The attempt's score is recomputed; once nothing waits, needs_grading is 0 and the quiz may
 * complete. LE_CONFLICT "attempt_in_progress" before submission. Audited (attempt.grade). */
lerr attempt_grade_slot(struct db *db, struct arena *a, int64_t attempt_id, int slot, double fraction,
                        const char *comment, int64_t actor_id, struct problem *p);
/* Regrades every submitted attempt's answers to a question (after it was corrected); hand-
 * graded marks stay. Returns attempts whose score changed (audited by the caller), or -1 when
 * the database failed (nothing changed). */
int attempt_regrade_question(struct db *db, struct arena *a, int64_t question_id);

/* ---- Results (quiz_stats.c) ---- */
/* Essays waiting for a person in a course: [{"attempt_id","slot","quiz","quiz_id","user",
 * "name","question","response_text","submitted_at"}], oldest first. */
json_t *grading_queue_json(struct db *db, struct arena *a, int64_t course_id);
/* How many essays wait for a person in each course instructor_id teaches, in one query:
 * pairs of (course_id, count) in a, courses with none left out. */
struct grading_waiting {
    int64_t course_id, essays;
};
lerr grading_waiting_counts(struct db *db, struct arena *a, int64_t instructor_id, struct grading_waiting **out,
                            size_t *n_out);
/* {"attempts": [{"id","user","name","number","state","submitted_at","percent","passed",
 * "needs_grading","unenrolled" (closed when the learner was unenrolled)}],
 * "summary": {"attempts","learners","mean","median","pass_rate",
 * "histogram": [10 buckets of percent]}, "questions": [{"slot"/"question_id","title","type",
 * "attempts","facility","discrimination"}]} over submitted attempts. Facility = mean fraction;
 * discrimination = correlation of the question's fraction with the rest of the attempt's
 * score (null when fewer than 2 attempts or no variance). mean, median and the histogram are
 * percent (0..100); pass_rate (over attempts not waiting for a person) and facility are 0..1. */
json_t *quiz_results_json(struct db *db, struct arena *a, int64_t activity_id);
/* The results as CSV (malloc'd): username, name, attempt, state, started, submitted, score,
 * max, percent, passed, then one column per question's mark. */
char *quiz_results_csv(struct db *db, struct arena *a, int64_t activity_id, size_t *len_out);

/* Plugs assessments into courses: the quiz activity kind, and the question bank and quizzes
 * going along with a course copy (model_init). */
void assessments_init(void);

#endif
