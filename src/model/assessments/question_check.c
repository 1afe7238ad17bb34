/* Checking questions and responses against the rules in assessments.h. One table lists the types
 * and what each needs, so the API, the bank and the GIFT reader all accept the same things.
 * The checker also normalises numbers (fractions are integers when whole, numerical values are
 * reals) so two equal questions compare equal with json_equal whatever wrote them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "assessments.h"

/* Caps: a question is authored by a person; anything larger is a mistake or an attack. */
#define TEXT_MAX 100000      /* question text and general feedback, bytes */
#define SHORT_MAX 10000      /* an answer's text, feedback, a matching side, bytes */
#define LINE_MAX_ 255        /* title and category, bytes */
#define ANSWERS_MAX 100
#define ESSAY_MAX 50000      /* an essay response, bytes */
#define TYPED_MAX 1000       /* a short or numerical response, bytes */
#define EPS 0.01             /* how near to 100 weights must add up */

typedef lerr (*answers_fn)(json_t *answers, struct problem *p);

static lerr check_choice_single(json_t *answers, struct problem *p);
static lerr check_choice_multi(json_t *answers, struct problem *p);
static lerr check_truefalse(json_t *answers, struct problem *p);
static lerr check_short(json_t *answers, struct problem *p);
static lerr check_numerical(json_t *answers, struct problem *p);
static lerr check_matching(json_t *answers, struct problem *p);
static lerr check_none(json_t *answers, struct problem *p);

/* The question types: name, graded without a person, and the rule for their answers. */
static const struct qtype {
    const char *name;
    bool automatic;
    answers_fn check;
} qtypes[] = {
    {"single", true, check_choice_single},
    {"multi", true, check_choice_multi},
    {"truefalse", true, check_truefalse},
    {"short", true, check_short},
    {"numerical", true, check_numerical},
    {"matching", true, check_matching},
    {"essay", false, check_none},
    {"description", false, check_none},
};

static const struct qtype *qtype_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof qtypes / sizeof qtypes[0]; i++)
        if (strcmp(qtypes[i].name, name) == 0) return &qtypes[i];
    return NULL;
}

bool question_type_known(const char *type)
{
    return qtype_find(type) != NULL;
}

bool question_type_auto(const char *type)
{
    const struct qtype *t = qtype_find(type);
    return t && t->automatic;
}

bool question_pair_is_distractor(const json_t *pair)
{
    const char *left = json_string_value(json_object_get(pair, "left"));
    return !left || left[strspn(left, " \t\r\n")] == '\0';
}

/* ---- members ---- */

/* A string member: missing → def (when def is not NULL), else required. Checks the cap and,
 * when need_text, that it is not blank. */
static lerr check_string(json_t *o, const char *key, const char *def, size_t max, bool need_text,
                         const char *what, struct problem *p)
{
    json_t *v = json_object_get(o, key);
    if (!v && def) {
        json_object_set_new(o, key, json_string(def));
        v = json_object_get(o, key);
    }
    if (!v) return problem_set(p, LE_INVALID, key, "%s is missing; write it.", what);
    if (!json_is_string(v)) return problem_set(p, LE_INVALID, key, "%s must be text.", what);
    size_t len = json_string_length(v);
    const char *s = json_string_value(v);
    if (len > max) return problem_set(p, LE_INVALID, key, "%s is %zu bytes; shorten it to at most %zu.", what, len, max);
    if (strlen(s) != len) return problem_set(p, LE_INVALID, key, "%s contains a NUL character; remove it.", what);
    if (need_text && strspn(s, " \t\r\n") == len)
        return problem_set(p, LE_INVALID, key, "%s is empty; write it.", what);
    return LE_OK;
}

/* A fraction (percentage): a finite number from -100 to 100, stored as an integer when whole. */
static lerr check_fraction(json_t *a, size_t i, double lo, struct problem *p)
{
    json_t *v = json_object_get(a, "fraction");
    if (!json_is_number(v))
        return problem_set(p, LE_INVALID, "answers", "Answer %zu needs a fraction (a percentage such as 100 or 50).", i + 1);
    double f = json_number_value(v);
    if (!isfinite(f) || f < lo || f > 100)
        return problem_set(p, LE_INVALID, "answers", "Answer %zu is worth %g%%; give it a weight from %g%% to 100%%.", i + 1, f, lo);
    if (f == floor(f)) json_object_set_new(a, "fraction", json_integer((json_int_t)f));
    else if (json_is_integer(v)) json_object_set_new(a, "fraction", json_real(f));
    return LE_OK;
}

/* A real number member (numerical answers); integers are turned into reals. */
static lerr check_real(json_t *a, const char *key, size_t i, bool required, struct problem *p)
{
    json_t *v = json_object_get(a, key);
    if (!v && !required) return LE_OK;
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return problem_set(p, LE_INVALID, "answers", "Answer %zu needs \"%s\" as a number.", i + 1, key);
    if (json_is_integer(v)) json_object_set_new(a, key, json_real(json_number_value(v)));
    return LE_OK;
}

/* Problems inside an answer are reported on the "answers" field, where a form shows them. */
static lerr in_answers(lerr e, struct problem *p)
{
    if (e && p) snprintf(p->field, sizeof p->field, "answers");
    return e;
}

/* The common shape of an answer with text, fraction and feedback. */
/* An optional format member ("format", "feedback_format", "general_feedback_format"): one of
 * the four formats; absent means plain text, so "plain" itself is not kept. */
static lerr check_member_format(json_t *o, const char *key, const char *what, struct problem *p)
{
    json_t *v = json_object_get(o, key);
    if (!v) return LE_OK;
    const char *f = json_string_value(v);
    if (!rich_text_format_known(f))
        return problem_set(p, LE_INVALID, key, "%s has an unknown format; use markdown, html, plain or moodle.", what);
    if (strcmp(f, "plain") == 0) json_object_del(o, key);
    return LE_OK;
}

static lerr check_text_answer(json_t *a, size_t i, double lo, struct problem *p)
{
    char what[40];
    snprintf(what, sizeof what, "Answer %zu", i + 1);
    if (!json_is_object(a)) return problem_set(p, LE_INVALID, "answers", "%s must be an object with text, fraction and feedback.", what);
    lerr e = check_string(a, "text", NULL, SHORT_MAX, true, what, p);
    if (!e) e = check_member_format(a, "format", what, p);
    if (!e) e = check_fraction(a, i, lo, p);
    snprintf(what, sizeof what, "The feedback of answer %zu", i + 1);
    if (!e) e = check_string(a, "feedback", "", SHORT_MAX, false, what, p);
    if (!e) e = check_member_format(a, "feedback_format", what, p);
    return in_answers(e, p);
}

static lerr check_count(json_t *answers, size_t min, const char *what, struct problem *p)
{
    size_t n = json_array_size(answers);
    if (n < min) return problem_set(p, LE_INVALID, "answers", "%s needs at least %zu answers; add %zu more.", what, min, min - n);
    return LE_OK;
}

/* ---- the answers of each type ---- */

static lerr check_choices(json_t *answers, struct problem *p, double *best, double *positive)
{
    lerr e = check_count(answers, 2, "A multiple-choice question", p);
    size_t i;
    json_t *a;
    *best = -100, *positive = 0;
    json_array_foreach(answers, i, a) {
        if (!e) e = check_text_answer(a, i, -100, p);
        if (e) return e;
        double f = json_number_value(json_object_get(a, "fraction"));
        if (f > *best) *best = f;
        if (f > 0) *positive += f;
    }
    return e;
}

static lerr check_choice_single(json_t *answers, struct problem *p)
{
    double best, positive;
    lerr e = check_choices(answers, p, &best, &positive);
    if (e) return e;
    if (best < 100 - EPS)
        return problem_set(p, LE_INVALID, "answers", "No answer is worth 100%%; mark the right answer (= in GIFT).");
    return LE_OK;
}

static lerr check_choice_multi(json_t *answers, struct problem *p)
{
    double best, positive;
    lerr e = check_choices(answers, p, &best, &positive);
    if (e) return e;
    if (fabs(positive - 100) > EPS)
        return problem_set(p, LE_INVALID, "answers",
                           "The positive weights of a multiple-answer question add up to %g%%; make them 100%%.", positive);
    return LE_OK;
}

static lerr check_truefalse(json_t *answers, struct problem *p)
{
    static const char *const names[] = {"true", "false"};
    if (json_array_size(answers) != 2)
        return problem_set(p, LE_INVALID, "answers", "A true/false question has exactly two answers, \"true\" then \"false\".");
    double sum = 0;
    for (size_t i = 0; i < 2; i++) {
        json_t *a = json_array_get(answers, i);
        lerr e = check_text_answer(a, i, 0, p);
        if (e) return e;
        if (strcmp(json_string_value(json_object_get(a, "text")), names[i]) != 0)
            return problem_set(p, LE_INVALID, "answers", "Answer %zu of a true/false question must be \"%s\".", i + 1, names[i]);
        double f = json_number_value(json_object_get(a, "fraction"));
        if (f != 0 && f != 100) return problem_set(p, LE_INVALID, "answers", "A true/false answer is worth 0%% or 100%%, not %g%%.", f);
        sum += f;
    }
    if (sum != 100) return problem_set(p, LE_INVALID, "answers", "Make exactly one of true and false worth 100%%.");
    return LE_OK;
}

static lerr check_short(json_t *answers, struct problem *p)
{
    lerr e = check_count(answers, 1, "A short-answer question", p);
    size_t i;
    json_t *a;
    double best = 0;
    json_array_foreach(answers, i, a) {
        /* A 0% answer is a known wrong answer with its own feedback, as Moodle allows. */
        if (!e) e = check_text_answer(a, i, 0, p);
        if (e) return e;
        double f = json_number_value(json_object_get(a, "fraction"));
        if (f > best) best = f;
    }
    if (best < 100 - EPS) return problem_set(p, LE_INVALID, "answers", "No accepted answer is worth 100%%; make one worth 100%%.");
    return LE_OK;
}

/* {"other": true, "fraction": 0, "feedback"}: the feedback for any number no other answer
 * matches (Moodle's "*", GIFT's "~#feedback"). */
static lerr check_other_answer(json_t *a, size_t i, struct problem *p)
{
    if (!json_is_true(json_object_get(a, "other")) || json_object_get(a, "value") || json_object_get(a, "min"))
        return problem_set(p, LE_INVALID, "answers", "Answer %zu: \"other\" is true, and has no value or range.", i + 1);
    json_t *f = json_object_get(a, "fraction");
    if (f && (!json_is_number(f) || json_number_value(f) != 0))
        return problem_set(p, LE_INVALID, "answers", "Answer %zu (any other number) is worth 0%%.", i + 1);
    json_object_set_new(a, "fraction", json_integer(0));
    char what[48];
    snprintf(what, sizeof what, "The feedback of answer %zu", i + 1);
    lerr e = check_string(a, "feedback", "", SHORT_MAX, false, what, p);
    if (!e) e = check_member_format(a, "feedback_format", what, p);
    return in_answers(e, p);
}

static lerr check_numeric_answer(json_t *a, size_t i, struct problem *p)
{
    if (!json_is_object(a)) return problem_set(p, LE_INVALID, "answers", "Answer %zu must be an object with value and tolerance, or min and max.", i + 1);
    if (json_object_get(a, "other")) return check_other_answer(a, i, p);
    bool range = json_object_get(a, "min") || json_object_get(a, "max");
    if (range && json_object_get(a, "value"))
        return problem_set(p, LE_INVALID, "answers", "Answer %zu has both a value and a range; keep one.", i + 1);
    lerr e;
    if (range) {
        if ((e = check_real(a, "min", i, true, p)) || (e = check_real(a, "max", i, true, p))) return e;
        double lo = json_real_value(json_object_get(a, "min")), hi = json_real_value(json_object_get(a, "max"));
        if (lo > hi) return problem_set(p, LE_INVALID, "answers", "Answer %zu runs from %g down to %g; put the smaller number first.", i + 1, lo, hi);
    } else {
        if (!json_object_get(a, "tolerance")) json_object_set_new(a, "tolerance", json_real(0));
        if ((e = check_real(a, "value", i, true, p)) || (e = check_real(a, "tolerance", i, true, p))) return e;
        if (json_real_value(json_object_get(a, "tolerance")) < 0)
            return problem_set(p, LE_INVALID, "answers", "Answer %zu has a negative tolerance; make it 0 or more.", i + 1);
    }
    if ((e = check_fraction(a, i, -100, p))) return e;
    char what[48];
    snprintf(what, sizeof what, "The feedback of answer %zu", i + 1);
    e = check_string(a, "feedback", "", SHORT_MAX, false, what, p);
    if (!e) e = check_member_format(a, "feedback_format", what, p);
    return in_answers(e, p);
}

static lerr check_numerical(json_t *answers, struct problem *p)
{
    lerr e = check_count(answers, 1, "A numerical question", p);
    size_t i;
    json_t *a;
    double best = -100;
    json_array_foreach(answers, i, a) {
        if (!e) e = check_numeric_answer(a, i, p);
        if (e) return e;
        double f = json_number_value(json_object_get(a, "fraction"));
        if (f > best) best = f;
    }
    if (best < 100 - EPS) return problem_set(p, LE_INVALID, "answers", "No numerical answer is worth 100%%; make one worth 100%%.");
    return LE_OK;
}

/* Pairs of left and right; a pair with an empty left is a distractor (Moodle's "= -> text"):
 * one more choice on the right that matches nothing. At least two real pairs. */
static lerr check_matching(json_t *answers, struct problem *p)
{
    lerr e = check_count(answers, 2, "A matching question", p);
    size_t i, real = 0;
    json_t *a;
    char what[48];
    json_array_foreach(answers, i, a) {
        if (e) return e;
        if (!json_is_object(a)) return problem_set(p, LE_INVALID, "answers", "Pair %zu must be an object with left and right.", i + 1);
        snprintf(what, sizeof what, "The left side of pair %zu", i + 1);
        e = check_string(a, "left", NULL, SHORT_MAX, false, what, p);
        snprintf(what, sizeof what, "The right side of pair %zu", i + 1);
        if (!e) e = check_string(a, "right", NULL, SHORT_MAX, true, what, p);
        if (!e && !question_pair_is_distractor(a)) real++;
        e = in_answers(e, p);
    }
    if (!e && real < 2)
        return problem_set(p, LE_INVALID, "answers", "A matching question needs at least two pairs with text on both sides; add %zu.", 2 - real);
    return e;
}

static lerr check_none(json_t *answers, struct problem *p)
{
    if (json_array_size(answers))
        return problem_set(p, LE_INVALID, "answers", "An essay or description has no answers; remove them.");
    return LE_OK;
}

/* ---- the question ---- */

static lerr check_format(json_t *q, struct problem *p)
{
    static const char *const formats[] = {"markdown", "html", "plain", "moodle"};
    lerr e = check_string(q, "format", "markdown", 16, false, "The format", p);
    if (e) return e;
    const char *f = json_string_value(json_object_get(q, "format"));
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(f, formats[i]) == 0) return LE_OK;
    return problem_set(p, LE_INVALID, "format", "Unknown format \"%s\"; use markdown, html, plain or moodle.", f);
}

/* Moodle 4's [id:...] (the question's id number) and [tag:...] (its tags): kept and written back. */
static lerr check_bank_labels(json_t *q, struct problem *p)
{
    json_t *id = json_object_get(q, "idnumber");
    if (id) {
        lerr e = check_string(q, "idnumber", NULL, 100, false, "The id number", p);
        if (e) return e;
        if (json_string_length(id) == 0) json_object_del(q, "idnumber");
    }
    json_t *tags = json_object_get(q, "tags"), *t;
    if (!tags) return LE_OK;
    if (!json_is_array(tags) || json_array_size(tags) > 50)
        return problem_set(p, LE_INVALID, "tags", "tags must be a list of at most 50 words.");
    size_t i;
    json_array_foreach(tags, i, t) {
        if (!json_is_string(t) || json_string_length(t) == 0 || json_string_length(t) > 100 ||
            strpbrk(json_string_value(t), "\r\n"))
            return problem_set(p, LE_INVALID, "tags", "Tag %zu must be one line of 1 to 100 characters.", i + 1);
    }
    if (json_array_size(tags) == 0) json_object_del(q, "tags");
    return LE_OK;
}

/* A category is one line: GIFT writes it on a $CATEGORY: line of its own. */
static lerr check_category(json_t *q, struct problem *p)
{
    lerr e = check_string(q, "category", "", LINE_MAX_, false, "The category", p);
    if (!e && strpbrk(json_string_value(json_object_get(q, "category")), "\r\n"))
        return problem_set(p, LE_INVALID, "category", "The category is one line; remove the line break.");
    return e;
}

lerr question_check(json_t *q, struct problem *p)
{
    if (!json_is_object(q)) return problem_set(p, LE_INVALID, "question", "A question must be a JSON object.");
    const struct qtype *t = qtype_find(json_string_value(json_object_get(q, "type")));
    if (!t)
        return problem_set(p, LE_INVALID, "type",
                           "Choose a type: single, multi, truefalse, short, numerical, matching, essay or description.");
    lerr e = check_string(q, "text", NULL, TEXT_MAX, true, "The question text", p);
    if (!e) e = check_string(q, "title", "", LINE_MAX_, false, "The title", p);
    if (!e) e = check_format(q, p);
    if (!e) e = check_string(q, "general_feedback", "", TEXT_MAX, false, "The general feedback", p);
    if (!e) e = check_member_format(q, "general_feedback_format", "The general feedback", p);
    if (!e) e = check_bank_labels(q, p);
    if (!e) e = check_category(q, p);
    if (e) return e;
    json_t *cs = json_object_get(q, "case_sensitive");
    if (!cs) json_object_set_new(q, "case_sensitive", json_false());
    else if (!json_is_boolean(cs)) return problem_set(p, LE_INVALID, "case_sensitive", "case_sensitive must be true or false.");
    json_t *answers = json_object_get(q, "answers");
    if (!answers && !t->automatic) json_object_set_new(q, "answers", answers = json_array());
    if (!json_is_array(answers)) return problem_set(p, LE_INVALID, "answers", "answers must be a list.");
    if (json_array_size(answers) > ANSWERS_MAX)
        return problem_set(p, LE_INVALID, "answers", "A question has at most %d answers; remove %zu.", ANSWERS_MAX,
                           json_array_size(answers) - ANSWERS_MAX);
    return t->check(answers, p);
}

/* ---- responses ---- */

/* Only the keys a type's response has; anything else is a client mixing up types. */
static lerr response_keys(const json_t *r, const char *key, const char *shape, struct problem *p)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)r, k, v) {
        if (strcmp(k, key) != 0)
            return problem_set(p, LE_INVALID, k, "This question's answer is %s; \"%s\" does not belong.", shape, k);
    }
    return LE_OK;
}

static lerr response_index(json_t *v, size_t n, const char *field, struct problem *p)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (size_t)json_integer_value(v) >= n)
        return problem_set(p, LE_INVALID, field, "Choose one of answers 0 to %zu.", n - 1);
    return LE_OK;
}

static lerr response_choices(json_t *v, size_t n, struct problem *p)
{
    if (!json_is_array(v)) return problem_set(p, LE_INVALID, "choices", "choices must be a list of answer numbers.");
    size_t i, j;
    json_t *c;
    json_array_foreach(v, i, c) {
        lerr e = response_index(c, n, "choices", p);
        if (e) return e;
        for (j = 0; j < i; j++)
            if (json_integer_value(json_array_get(v, j)) == json_integer_value(c))
                return problem_set(p, LE_INVALID, "choices", "Answer %lld is chosen twice; choose it once.",
                                   (long long)json_integer_value(c));
    }
    return LE_OK;
}

static lerr response_pairs(json_t *v, size_t n, struct problem *p)
{
    if (!json_is_array(v) || json_array_size(v) != n)
        return problem_set(p, LE_INVALID, "pairs", "pairs must list one right-hand choice (or -1) for each of the %zu items.", n);
    size_t i;
    json_t *c;
    json_array_foreach(v, i, c) {
        if (!json_is_integer(c) || json_integer_value(c) < -1 || json_integer_value(c) >= (json_int_t)n)
            return problem_set(p, LE_INVALID, "pairs", "Match item %zu to one of 0 to %zu, or -1 for none.", i, n - 1);
    }
    return LE_OK;
}

static lerr response_text(json_t *v, const char *field, size_t max, struct problem *p)
{
    if (!json_is_string(v)) return problem_set(p, LE_INVALID, field, "Send \"%s\" as text (a JSON string).", field);
    if (json_string_length(v) > max)
        return problem_set(p, LE_INVALID, field, "The answer is %zu bytes; shorten it to at most %zu.", json_string_length(v), max);
    return LE_OK;
}

lerr question_response_check(const json_t *q, const json_t *response, struct problem *p)
{
    if (!json_is_object(response)) return problem_set(p, LE_INVALID, "response", "Send the answer as a JSON object.");
    if (json_object_size(response) == 0) return LE_OK; /* clears the answer */
    const char *type = json_string_value(json_object_get(q, "type"));
    size_t n = json_array_size(json_object_get(q, "answers"));
    json_t *v;
    lerr e = LE_OK;
    if (str_eq(type, "single")) {
        if (!(e = response_keys(response, "choice", "{\"choice\": i}", p)))
            e = response_index(json_object_get(response, "choice"), n, "choice", p);
    } else if (str_eq(type, "multi")) {
        if (!(e = response_keys(response, "choices", "{\"choices\": [i, ...]}", p)))
            e = response_choices(json_object_get(response, "choices"), n, p);
    } else if (str_eq(type, "truefalse")) {
        if (!(e = response_keys(response, "value", "{\"value\": true or false}", p)) &&
            !json_is_boolean(json_object_get(response, "value")))
            e = problem_set(p, LE_INVALID, "value", "Answer true or false.");
    } else if (str_eq(type, "short") || str_eq(type, "essay")) {
        bool essay = str_eq(type, "essay");
        if (!(e = response_keys(response, "text", "{\"text\": \"...\"}", p)))
            e = response_text(json_object_get(response, "text"), "text", essay ? ESSAY_MAX : TYPED_MAX, p);
    } else if (str_eq(type, "numerical")) {
        if (!(e = response_keys(response, "value", "{\"value\": \"3.14\"}", p)) &&
            !(e = response_text(v = json_object_get(response, "value"), "value", TYPED_MAX, p))) {
            double d;
            const char *s = json_string_value(v);
            if (s[strspn(s, " \t\r\n")] && !question_parse_number(s, &d))
                e = problem_set(p, LE_INVALID, "value", "Enter a number, such as 3.14 or 3,14.");
        }
    } else if (str_eq(type, "matching")) {
        if (!(e = response_keys(response, "pairs", "{\"pairs\": [r0, r1, ...]}", p)))
            e = response_pairs(json_object_get(response, "pairs"), n, p);
    } else if (str_eq(type, "description")) {
        e = problem_set(p, LE_INVALID, "response", "A description takes no answer.");
    } else {
        e = problem_set(p, LE_INVALID, "type", "The question's type is unknown; check the question first.");
    }
    return e;
}
