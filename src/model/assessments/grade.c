/* Grading one response against one question (assessments.h). Pure and defensive: a response of
 * the wrong shape grades 0 with answered false instead of failing, because grading runs over
 * saved attempts and must never stop at one odd row. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "assessments.h"

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static const char *feedback_of(const json_t *a)
{
    const char *f = json_string_value(json_object_get(a, "feedback"));
    return f ? f : "";
}

static double fraction_of(const json_t *a)
{
    return json_number_value(json_object_get(a, "fraction")) / 100.0;
}

/* The index in v when it is an integer within 0..n-1, else -1. */
static long index_in(const json_t *v, size_t n)
{
    if (!json_is_integer(v)) return -1;
    json_int_t i = json_integer_value(v);
    return i >= 0 && (size_t)i < n ? (long)i : -1;
}

bool question_parse_number(const char *s, double *out)
{
    char tmp[64];
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
    size_t n = strlen(s);
    while (n && strchr(" \t\r\n", s[n - 1])) n--;
    if (n == 0 || n >= sizeof tmp) return false;
    /* One separator at most: "1,000.5" is ambiguous, so it is not a number. */
    size_t seps = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.' || c == ',') seps++;
        else if (!isdigit((unsigned char)c) && !strchr("+-eE", c)) return false;
        tmp[i] = c == ',' ? '.' : c;
    }
    tmp[n] = '\0';
    if (seps > 1) return false;
    char *end;
    double d = strtod(tmp, &end);
    if (end == tmp || *end || !isfinite(d)) return false;
    *out = d;
    return true;
}

/* Moodle's short-answer wildcard: * matches any run of characters (bytes, so UTF-8 stays
 * whole), everything else matches itself; case folding is ASCII-only. */
static bool wildcard_match(const char *pat, const char *s, bool case_sensitive)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        char pc = *pat, sc = *s;
        if (!case_sensitive) pc = (char)tolower((unsigned char)pc), sc = (char)tolower((unsigned char)sc);
        if (*pat == '*') {
            star = pat++;
            resume = s;
        } else if (*pat && pc == sc) {
            pat++, s++;
        } else if (star) {
            pat = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*pat == '*') pat++;
    return *pat == '\0';
}

/* A copy of s without surrounding white space (caller frees). */
static char *trimmed(const char *s)
{
    s += strspn(s, " \t\r\n");
    size_t n = strlen(s);
    while (n && strchr(" \t\r\n", s[n - 1])) n--;
    return strndup(s, n);
}

/* ---- one function per type; each sets answered, fraction and feedback ---- */

static void grade_single(const json_t *answers, const json_t *r, struct grade *g)
{
    long i = index_in(json_object_get(r, "choice"), json_array_size(answers));
    if (i < 0) return;
    const json_t *a = json_array_get(answers, (size_t)i);
    g->answered = true;
    g->fraction = clamp01(fraction_of(a));
    g->feedback = feedback_of(a);
}

/* Chosen fractions add up (negative ones cancel positive ones); an answer chosen twice counts
 * once. The feedback is the first chosen answer's that has any. */
static void grade_multi(const json_t *answers, const json_t *r, struct grade *g)
{
    const json_t *choices = json_object_get(r, "choices");
    size_t n = json_array_size(answers), i;
    if (!json_is_array(choices)) return;
    bool *seen = calloc(n + 1, 1);
    if (!seen) return;
    double sum = 0;
    const json_t *c;
    json_array_foreach(choices, i, c) {
        long k = index_in(c, n);
        if (k < 0) {
            sum = 0, g->feedback = "";
            free(seen);
            return; /* does not fit the question: graded as not answered */
        }
        if (seen[k]) continue;
        seen[k] = true;
        const json_t *a = json_array_get(answers, (size_t)k);
        sum += fraction_of(a);
        if (!*g->feedback) g->feedback = feedback_of(a);
    }
    free(seen);
    g->answered = json_array_size(choices) > 0;
    g->fraction = clamp01(sum);
}

static void grade_truefalse(const json_t *answers, const json_t *r, struct grade *g)
{
    const json_t *v = json_object_get(r, "value");
    if (!json_is_boolean(v)) return;
    const json_t *a = json_array_get(answers, json_is_true(v) ? 0 : 1);
    g->answered = true;
    g->fraction = clamp01(fraction_of(a));
    g->feedback = feedback_of(a);
}

/* The best-scoring accepted answer that matches; ties go to the first. */
static void grade_short(const json_t *q, const json_t *answers, const json_t *r, struct grade *g)
{
    const char *text = json_string_value(json_object_get(r, "text"));
    if (!text) return;
    char *t = trimmed(text);
    if (!t) return;
    bool cs = json_is_true(json_object_get(q, "case_sensitive"));
    g->answered = *t != '\0';
    double best = -1;
    size_t i;
    const json_t *a;
    json_array_foreach(answers, i, a) {
        const char *pat = json_string_value(json_object_get(a, "text"));
        if (g->answered && pat && fraction_of(a) > best && wildcard_match(pat, t, cs)) {
            best = fraction_of(a);
            g->feedback = feedback_of(a);
        }
    }
    free(t);
    g->fraction = clamp01(best);
}

/* Whether x falls in a numerical answer; a tiny margin forgives binary rounding (3.15 against
 * 3.14 ± 0.01), nothing a person would call a different number. */
static bool numeric_hit(const json_t *a, double x)
{
    if (json_is_true(json_object_get(a, "other"))) return true; /* any other number */
    double lo, hi;
    if (json_object_get(a, "min")) {
        lo = json_number_value(json_object_get(a, "min"));
        hi = json_number_value(json_object_get(a, "max"));
    } else {
        double v = json_number_value(json_object_get(a, "value"));
        double tol = fabs(json_number_value(json_object_get(a, "tolerance")));
        lo = v - tol, hi = v + tol;
    }
    double eps = 1e-12 * fmax(1, fmax(fabs(lo), fabs(hi)));
    return x >= lo - eps && x <= hi + eps;
}

static void grade_numerical(const json_t *answers, const json_t *r, struct grade *g)
{
    const char *text = json_string_value(json_object_get(r, "value"));
    if (!text || !text[strspn(text, " \t\r\n")]) return;
    g->answered = true; /* something was typed: a non-number is simply wrong */
    double x, best = -1;
    if (!question_parse_number(text, &x)) return;
    size_t i;
    const json_t *a;
    json_array_foreach(answers, i, a) {
        if (fraction_of(a) > best && numeric_hit(a, x)) {
            best = fraction_of(a);
            g->feedback = feedback_of(a);
        }
    }
    g->fraction = clamp01(best);
}

/* Each left matched to its own right (or to a right with the same text) earns an equal share;
 * distractors have no left, so nothing is matched to them and they earn no share. */
static void grade_matching(const json_t *answers, const json_t *r, struct grade *g)
{
    const json_t *pairs = json_object_get(r, "pairs");
    size_t n = json_array_size(answers), i, right = 0, lefts = 0;
    if (!json_is_array(pairs) || json_array_size(pairs) != n || n == 0) return;
    const json_t *c;
    json_array_foreach(pairs, i, c) {
        if (!json_is_integer(c) || json_integer_value(c) < -1 || json_integer_value(c) >= (json_int_t)n) {
            g->answered = false;
            return;
        }
        if (question_pair_is_distractor(json_array_get(answers, i))) continue;
        lefts++;
        long k = (long)json_integer_value(c);
        if (k < 0) continue;
        g->answered = true;
        const char *want = json_string_value(json_object_get(json_array_get(answers, i), "right"));
        const char *got = json_string_value(json_object_get(json_array_get(answers, (size_t)k), "right"));
        if ((size_t)k == i || (want && got && strcmp(want, got) == 0)) right++;
    }
    g->fraction = lefts ? (double)right / (double)lefts : 0;
}

static void grade_essay(const json_t *r, struct grade *g)
{
    const char *text = json_string_value(json_object_get(r, "text"));
    g->answered = text && text[strspn(text, " \t\r\n")];
}

struct grade question_grade(const json_t *q, const json_t *response)
{
    struct grade g = {.fraction = 0, .needs_person = false, .answered = false, .feedback = ""};
    const char *type = json_string_value(json_object_get(q, "type"));
    const json_t *answers = json_object_get(q, "answers");
    if (str_eq(type, "essay")) g.needs_person = true;
    if (!json_is_object(response) || !json_is_array(answers)) return g;
    if (str_eq(type, "single")) grade_single(answers, response, &g);
    else if (str_eq(type, "multi")) grade_multi(answers, response, &g);
    else if (str_eq(type, "truefalse")) grade_truefalse(answers, response, &g);
    else if (str_eq(type, "short")) grade_short(q, answers, response, &g);
    else if (str_eq(type, "numerical")) grade_numerical(answers, response, &g);
    else if (str_eq(type, "matching")) grade_matching(answers, response, &g);
    else if (str_eq(type, "essay")) grade_essay(response, &g);
    return g;
}
