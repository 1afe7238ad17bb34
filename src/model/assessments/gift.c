/* Moodle's GIFT text format (https://docs.moodle.org/en/GIFT_format), read and written.
 *
 * Reading works on one question at a time: its lines are joined and decoded into a byte array
 * with, for each byte, the line it came from and whether it was escaped ("literal"). Every
 * search for syntax (braces, = ~ # markers, ::, ->, ####, %) skips literal bytes, so escapes are
 * handled once, up front, and every error can name the line it is on. Types are told apart by
 * the answer block's shape, in Moodle's order: empty → essay, # → numerical, ~ → choice,
 * = with -> → matching, T/F → true/false, = → short answer. Every question then goes through
 * question_check, so GIFT accepts exactly what the API accepts.
 *
 * Moodle's ways are followed where its own exporter writes them: text without a format tag is
 * Moodle's auto-format ("moodle"), and answers and feedback without one take the question's
 * format; a backslash before any other character is a backslash (LaTeX, Windows paths); "~="
 * is "="; "= -> x" in a matching block is a distractor; "~#..." in a numerical block is the
 * feedback for any other answer; "// [id:...] [tag:...]" comment lines give the question's id
 * number and tags; "//" in a category name is a slash within the name. Lines may end in LF,
 * CRLF or CR.
 *
 * Writing escapes every special character and always states weights and formats where the
 * reader would otherwise guess differently, so gift_parse(gift_write(qs)) gives qs back. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define ANSWERS_MAX 100
#define BLANK "_____"

/* ---- one question's decoded text ---- */

struct qsrc {
    char *c;       /* decoded bytes (escapes resolved); c[n] is NUL */
    bool *lit;     /* the byte was escaped: never syntax */
    int *line;     /* the line each byte came from */
    size_t n, cap;
    int start;     /* first line of the question; 0 = none yet */
    char err[400]; /* the first problem met while decoding, if any */
    int err_line;  /* the line that problem is on */
    const char *format; /* the question text's format: what untagged answers and feedback take */
    struct arena *a; /* for text taken out of HTML (html_to_text) */
};

static bool qsrc_push(struct qsrc *q, char c, bool lit, int line)
{
    if (q->n + 2 > q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 256;
        char *c2 = realloc(q->c, cap);
        if (c2) q->c = c2;
        bool *l2 = realloc(q->lit, cap * sizeof *l2);
        if (l2) q->lit = l2;
        int *n2 = realloc(q->line, cap * sizeof *n2);
        if (n2) q->line = n2;
        if (!c2 || !l2 || !n2) return false;
        q->cap = cap;
    }
    q->c[q->n] = c, q->lit[q->n] = lit, q->line[q->n] = line;
    q->c[++q->n] = '\0';
    return true;
}

static void qsrc_error(struct qsrc *q, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void qsrc_error(struct qsrc *q, int line, const char *fmt, ...)
{
    if (q->err[0]) return; /* the first problem is the one to fix first */
    q->err_line = line;
    int k = snprintf(q->err, sizeof q->err, "line %d: ", line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q->err + k, sizeof q->err - (size_t)k, fmt, ap);
    va_end(ap);
}

/* Appends one source line, resolving escapes. GIFT's escapes are \~ \= \# \{ \} \: \\ and \n;
 * a backslash before anything else is kept as a backslash, as Moodle keeps it, so LaTeX
 * (\(x\), \frac) and Windows paths read as written. */
static bool qsrc_add_line(struct qsrc *q, const char *s, size_t len, int line)
{
    if (!q->start) q->start = line;
    else if (!qsrc_push(q, '\n', false, line)) return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        /* A carriage return that ends no line (a stray byte, an old Mac file) is dropped: the
         * writer cannot write one, so the question would change on its way out and back. */
        if (c == '\r') continue;
        if (c != '\\') {
            if (!qsrc_push(q, c, false, line)) return false;
            continue;
        }
        if (i + 1 < len && s[i + 1] == 'n') {
            if (!qsrc_push(q, '\n', true, line)) return false;
            i++;
        } else if (i + 1 < len && strchr("~=#{}:\\", s[i + 1])) {
            if (!qsrc_push(q, s[++i], true, line)) return false;
        } else if (!qsrc_push(q, '\\', true, line)) {
            return false;
        }
    }
    return true;
}

/* ---- searching the decoded text; literal bytes are never syntax ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const struct qsrc *q, size_t *b, size_t *e)
{
    while (*b < *e && is_space(q->c[*b])) (*b)++;
    while (*e > *b && is_space(q->c[*e - 1])) (*e)--;
}

/* The first unescaped occurrence of seq in [b, e), or e. */
static size_t find(const struct qsrc *q, size_t b, size_t e, const char *seq)
{
    size_t k = strlen(seq);
    for (size_t i = b; i + k <= e; i++) {
        size_t j = 0;
        while (j < k && q->c[i + j] == seq[j] && !q->lit[i + j]) j++;
        if (j == k) return i;
    }
    return e;
}

/* The last unescaped occurrence of seq in [b, e), or e. */
static size_t rfind(const struct qsrc *q, size_t b, size_t e, const char *seq)
{
    size_t k = strlen(seq), found = e;
    for (size_t i = b; i + k <= e; i++)
        if (find(q, i, i + k, seq) == i) found = i;
    return found;
}

static bool range_is(const struct qsrc *q, size_t b, size_t e, const char *s)
{
    return e - b == strlen(s) && memcmp(q->c + b, s, e - b) == 0;
}

static json_t *jstr(const struct qsrc *q, size_t b, size_t e)
{
    trim(q, &b, &e);
    return json_stringn(q->c + b, e - b);
}

/* ---- formats ---- */

/* [html], [markdown], [plain] or [moodle] at the start of [*b, e): the format, with *b moved
 * past the tag; NULL when there is none (anything else in brackets is text). */
static const char *format_tag(const struct qsrc *q, size_t *b, size_t e)
{
    static const char *const formats[] = {"html", "markdown", "plain", "moodle"};
    size_t at = *b;
    while (at < e && is_space(q->c[at])) at++;
    if (at >= e || q->c[at] != '[' || q->lit[at]) return NULL;
    size_t close = find(q, at, e, "]");
    for (size_t i = 0; close < e && i < sizeof formats / sizeof formats[0]; i++) {
        if (range_is(q, at + 1, close, formats[i])) {
            *b = close + 1;
            return formats[i];
        }
    }
    return NULL;
}

/* The question text's format: its tag, or Moodle's auto-format when untagged. */
static const char *read_format(struct qsrc *q, size_t *b, size_t e)
{
    const char *f = format_tag(q, b, e);
    return f ? f : "moodle";
}

/* A member's text (answer, feedback) as {text, format}: the tag's format, else the question's. */
static json_t *formatted(const struct qsrc *q, size_t b, size_t e, const char **format)
{
    const char *f = format_tag(q, &b, e);
    *format = f ? f : q->format;
    return jstr(q, b, e);
}

/* A member kept as plain text (a short answer compared with what is typed, a matching item):
 * the tag is dropped, and HTML gives its text. */
static json_t *plain(const struct qsrc *q, size_t b, size_t e)
{
    const char *f = format_tag(q, &b, e);
    json_t *t = jstr(q, b, e);
    if (f && !strcmp(f, "html") && t) {
        json_t *text = json_string(html_to_text(q->a, json_string_value(t)));
        json_decref(t);
        return text;
    }
    return t;
}

/* Sets o[key] to the text's format unless it is plain (the default, not stored). */
static void set_format(json_t *o, const char *key, const char *format)
{
    if (format && strcmp(format, "plain")) json_object_set_new(o, key, json_string(format));
}

/* ---- answers ---- */

struct ans {
    char mark;        /* '=' or '~' */
    int line;         /* the marker's line */
    bool weighted;    /* a %n% weight was given */
    double weight;
    size_t b, e;      /* the answer text */
    size_t fb, fe;    /* its # feedback (fb == fe when none) */
};

/* Reads an optional %n% weight at the start of a. Moodle takes %...% only when it holds a
 * number, else the percent signs are text ("~%off%" is the answer "%off%"). */
static bool read_weight(struct qsrc *q, struct ans *a)
{
    if (a->b >= a->e || q->c[a->b] != '%' || q->lit[a->b]) return true;
    size_t close = find(q, a->b + 1, a->e, "%");
    if (close == a->e || close - a->b > 24) return true;
    char num[32], *end;
    memcpy(num, q->c + a->b + 1, close - a->b - 1);
    num[close - a->b - 1] = '\0';
    double w = strtod(num, &end);
    if (end == num || *end || strchr(num, ' ')) return true;
    if (!isfinite(w) || w < -100 || w > 100) {
        qsrc_error(q, a->line, "the weight %s%% is outside -100%% to 100%%; use a weight in that range", num);
        return false;
    }
    a->weighted = true, a->weight = w;
    a->b = close + 1;
    trim(q, &a->b, &a->e);
    return true;
}

/* How split_answers reads a block. */
enum split {
    SPLIT_FEEDBACK = 1,  /* # starts feedback (not in matching, where # is text) */
    SPLIT_CATCH_ALL = 2, /* "~#feedback" with no text is an answer (numerical: any other value) */
};

static bool is_marker(const struct qsrc *q, size_t i)
{
    return !q->lit[i] && (q->c[i] == '=' || q->c[i] == '~');
}

/* Reads the answer whose marker is at i, up to the next marker (returned). */
static size_t read_answer(struct qsrc *q, size_t i, size_t e, struct ans *a, int how)
{
    memset(a, 0, sizeof *a);
    a->mark = q->c[i], a->line = q->line[i];
    size_t j = i + 1;
    while (j < e && !is_marker(q, j)) j++;
    a->b = i + 1, a->e = j;
    trim(q, &a->b, &a->e);
    a->fb = a->fe = a->e;
    size_t h = (how & SPLIT_FEEDBACK) ? find(q, a->b, a->e, "#") : a->e;
    if (h < a->e) {
        a->fb = h + 1, a->fe = a->e, a->e = h;
        trim(q, &a->b, &a->e);
        trim(q, &a->fb, &a->fe);
    }
    return j;
}

/* Splits [b, e) at unescaped = and ~ into answers, each with weight and feedback read. A ~
 * with nothing before the next marker ("~=", which Moodle reads as "=") is no answer. */
static size_t split_answers(struct qsrc *q, size_t b, size_t e, struct ans *out, int how)
{
    size_t n = 0, i = b;
    while (i < e && !is_marker(q, i)) i++;
    size_t tb = b, te = i;
    trim(q, &tb, &te);
    if (tb < te) {
        qsrc_error(q, q->line[tb], "answers start with = (right) or ~ (wrong); put = or ~ before \"%.*s\"",
                   (int)(te - tb > 40 ? 40 : te - tb), q->c + tb);
        return 0;
    }
    while (i < e) {
        if (n == ANSWERS_MAX) {
            qsrc_error(q, q->line[i], "a question has at most %d answers; remove some", ANSWERS_MAX);
            return 0;
        }
        struct ans *a = &out[n];
        size_t next = read_answer(q, i, e, a, how);
        bool nothing = a->b == a->e && a->fb == a->fe;
        if (a->mark == '~' && nothing && next < e && q->c[next] == '=') {
            i = next;
            continue;
        }
        n++;
        if (!read_weight(q, a)) return 0;
        bool catch_all = (how & SPLIT_CATCH_ALL) && a->mark == '~';
        if (a->b == a->e && !catch_all) {
            qsrc_error(q, a->line, "an answer after %c is empty; write its text or remove the %c", a->mark, a->mark);
            return 0;
        }
        i = next;
    }
    return n;
}

static json_t *fraction_json(double fraction)
{
    return fraction == floor(fraction) ? json_integer((json_int_t)fraction) : json_real(fraction);
}

/* An answer's feedback with its format (feedback_format), into the answer object a. */
static void add_feedback(const struct qsrc *q, json_t *a, size_t fb, size_t fe)
{
    const char *format;
    json_t *feedback = formatted(q, fb, fe, &format);
    if (json_string_length(feedback)) set_format(a, "feedback_format", format);
    json_object_set_new(a, "feedback", feedback);
}

/* {"text", "fraction", "feedback"} with their formats; fractions are integers when whole, as
 * question_check keeps them. keep_format: the text is shown (a choice), not compared (a short
 * answer, kept plain). */
static json_t *text_answer(const struct qsrc *q, const struct ans *an, double fraction, bool keep_format)
{
    const char *format = "plain";
    json_t *text = keep_format ? formatted(q, an->b, an->e, &format) : plain(q, an->b, an->e);
    json_t *a = json_pack("{s:o,s:o}", "text", text, "fraction", fraction_json(fraction));
    set_format(a, "format", format);
    add_feedback(q, a, an->fb, an->fe);
    return a;
}

/* ~ (and = for single choice) answers. Following Moodle, a block with any = is single choice
 * (one answer is chosen; ~%n% gives partial credit); without = it is multiple answer, where
 * the positive weights must add up to 100%. */
static bool build_choice(struct qsrc *q, size_t b, size_t e, int line, json_t *qj)
{
    struct ans as[ANSWERS_MAX];
    size_t n = split_answers(q, b, e, as, SPLIT_FEEDBACK);
    if (!n) return false;
    bool single = false;
    double positive = 0;
    json_t *answers = json_object_get(qj, "answers");
    for (size_t i = 0; i < n; i++) {
        double f = as[i].weighted ? as[i].weight : as[i].mark == '=' ? 100 : 0;
        if (as[i].mark == '=') single = true;
        if (f > 0) positive += f;
        json_array_append_new(answers, text_answer(q, &as[i], f, true));
    }
    if (!single && fabs(positive - 100) > 0.01) {
        qsrc_error(q, line, "weights add up to %g%%; make the positive weights add up to 100%%, or mark the one right answer with =",
                   positive);
        return false;
    }
    json_object_set_new(qj, "type", json_string(single ? "single" : "multi"));
    return true;
}

static bool build_short(struct qsrc *q, size_t b, size_t e, json_t *qj)
{
    struct ans as[ANSWERS_MAX];
    size_t n = split_answers(q, b, e, as, SPLIT_FEEDBACK);
    json_t *answers = json_object_get(qj, "answers");
    for (size_t i = 0; i < n; i++)
        json_array_append_new(answers, text_answer(q, &as[i], as[i].weighted ? as[i].weight : 100, false));
    json_object_set_new(qj, "type", json_string("short"));
    return n > 0;
}

static bool build_matching(struct qsrc *q, size_t b, size_t e, json_t *qj)
{
    struct ans as[ANSWERS_MAX];
    size_t n = split_answers(q, b, e, as, 0);
    json_t *answers = json_object_get(qj, "answers");
    for (size_t i = 0; i < n; i++) {
        size_t arrow = find(q, as[i].b, as[i].e, "->");
        size_t lb = as[i].b, le = arrow, rb = arrow + 2, re = as[i].e;
        if (arrow == as[i].e) {
            qsrc_error(q, as[i].line, "the pair \"%.*s\" has no ->; write =left -> right", (int)(as[i].e - as[i].b), q->c + as[i].b);
            return false;
        }
        trim(q, &lb, &le);
        trim(q, &rb, &re);
        /* "= -> x" (no left) is a distractor: one more choice that matches nothing. */
        if (rb == re) {
            qsrc_error(q, as[i].line, "a matching pair needs text after ->; write =left -> right (or = -> right for a distractor)");
            return false;
        }
        json_array_append_new(answers, json_pack("{s:o,s:o}", "left", plain(q, lb, le), "right", plain(q, rb, re)));
    }
    json_object_set_new(qj, "type", json_string("matching"));
    return n > 0;
}

/* {T} {F} {TRUE} {FALSE}, then #feedback for a wrong answer and #feedback for a right one. */
static bool build_truefalse(struct qsrc *q, size_t b, size_t e, json_t *qj)
{
    size_t h1 = find(q, b, e, "#");
    size_t h2 = h1 < e ? find(q, h1 + 1, e, "#") : e;
    size_t vb = b, ve = h1;
    trim(q, &vb, &ve);
    bool t = range_is(q, vb, ve, "T") || range_is(q, vb, ve, "TRUE");
    json_t *yes = json_pack("{s:s,s:i}", "text", "true", "fraction", t ? 100 : 0);
    json_t *no = json_pack("{s:s,s:i}", "text", "false", "fraction", t ? 0 : 100);
    /* The first feedback is for a wrong answer, the second for the right one. */
    add_feedback(q, t ? no : yes, h1 < e ? h1 + 1 : e, h1 < e ? h2 : e);
    add_feedback(q, t ? yes : no, h2 < e ? h2 + 1 : e, e);
    json_t *answers = json_object_get(qj, "answers");
    json_array_append_new(answers, yes);
    json_array_append_new(answers, no);
    json_object_set_new(qj, "type", json_string("truefalse"));
    return true;
}

/* A number in a numerical answer; '.' is the decimal separator in the file. */
static bool read_number(struct qsrc *q, size_t b, size_t e, int line, double *out)
{
    trim(q, &b, &e);
    char num[64], *end;
    if (b == e || e - b >= sizeof num) {
        qsrc_error(q, line, "\"%.*s\" is not a number; write numbers like 3.14 (as value:tolerance or min..max)",
                   (int)(e - b > 40 ? 40 : e - b), q->c + b);
        return false;
    }
    memcpy(num, q->c + b, e - b);
    num[e - b] = '\0';
    *out = strtod(num, &end);
    if (end == num || *end || !isfinite(*out) || strpbrk(num, "xXnN")) {
        qsrc_error(q, line, "\"%s\" is not a number; write numbers like 3.14 (as value:tolerance or min..max)", num);
        return false;
    }
    return true;
}

/* One numerical answer: value, value:tolerance or min..max; "~#feedback" is the feedback for
 * any other number ({"other": true}). */
static json_t *numeric_answer(struct qsrc *q, const struct ans *a)
{
    if (a->mark == '~') {
        if (a->b < a->e) {
            qsrc_error(q, a->line, "a ~ in a numerical block stands for any other answer and takes only #feedback; "
                                   "give a partly right answer a weight instead, like =%%50%%3.1:0.1");
            return NULL;
        }
        json_t *other = json_pack("{s:b,s:i}", "other", 1, "fraction", 0);
        add_feedback(q, other, a->fb, a->fe);
        return other;
    }
    size_t dots = find(q, a->b + 1, a->e, ".."), colon = find(q, a->b, a->e, ":");
    double x, y;
    json_t *r;
    if (dots < a->e) {
        if (!read_number(q, a->b, dots, a->line, &x) || !read_number(q, dots + 2, a->e, a->line, &y)) return NULL;
        r = json_pack("{s:f,s:f}", "min", x, "max", y);
    } else {
        y = 0;
        if (!read_number(q, a->b, colon, a->line, &x) || (colon < a->e && !read_number(q, colon + 1, a->e, a->line, &y))) return NULL;
        r = json_pack("{s:f,s:f}", "value", x, "tolerance", y);
    }
    json_object_set_new(r, "fraction", fraction_json(a->weighted ? a->weight : 100));
    add_feedback(q, r, a->fb, a->fe);
    return r;
}

/* {#3.14:0.01}, {#1..5}, or several {# =%100%3.14:0 =%50%3.1:0.1}, each with # feedback. */
static bool build_numerical(struct qsrc *q, size_t b, size_t e, json_t *qj)
{
    struct ans as[ANSWERS_MAX];
    size_t n;
    int line = q->line[b];
    trim(q, &b, &e);
    if (find(q, b, e, "=") < e || find(q, b, e, "~") < e) {
        n = split_answers(q, b, e, as, SPLIT_FEEDBACK | SPLIT_CATCH_ALL);
    } else {
        /* One answer, written without = */
        memset(&as[0], 0, sizeof as[0]);
        as[0].mark = '=', as[0].line = line, as[0].b = b, as[0].e = e;
        size_t h = find(q, b, e, "#");
        as[0].fb = as[0].fe = e;
        if (h < e) as[0].e = h, as[0].fb = h + 1;
        trim(q, &as[0].b, &as[0].e);
        n = 1;
        if (as[0].b == as[0].e) {
            qsrc_error(q, line, "the numerical answer is empty; write it like {#3.14:0.01} or {#1..5}");
            return false;
        }
    }
    json_t *answers = json_object_get(qj, "answers");
    for (size_t i = 0; i < n; i++) {
        json_t *a = numeric_answer(q, &as[i]);
        if (!a) return false;
        json_array_append_new(answers, a);
    }
    json_object_set_new(qj, "type", json_string("numerical"));
    return n > 0;
}

/* ---- one question ---- */

/* The answer block's shape decides the type, in Moodle's order. */
static bool build_answers(struct qsrc *q, size_t b, size_t e, int line, json_t *qj)
{
    if (b == e) {
        json_object_set_new(qj, "type", json_string("essay"));
        return true;
    }
    if (q->c[b] == '#' && !q->lit[b]) return build_numerical(q, b + 1, e, qj);
    if (find(q, b, e, "~") < e) return build_choice(q, b, e, line, qj);
    if (find(q, b, e, "=") < e && find(q, b, e, "->") < e) return build_matching(q, b, e, qj);
    size_t vb = b, ve = find(q, b, e, "#");
    trim(q, &vb, &ve);
    if (range_is(q, vb, ve, "T") || range_is(q, vb, ve, "TRUE") || range_is(q, vb, ve, "F") || range_is(q, vb, ve, "FALSE"))
        return build_truefalse(q, b, e, qj);
    if (q->c[b] == '=' && !q->lit[b]) return build_short(q, b, e, qj);
    qsrc_error(q, line, "the answers are not a shape GIFT knows; start each answer with = (right) or ~ (wrong), "
                        "or write {T}, {F}, {#number} or {} for an essay");
    return false;
}

/* Finds the one answer block: sets *ob and *cb to its braces, or both to e when there is none. */
static bool find_block(struct qsrc *q, size_t b, size_t e, size_t *ob, size_t *cb)
{
    *ob = find(q, b, e, "{");
    *cb = find(q, b, e, "}");
    if (*ob == e && *cb == e) return true;
    if (*cb < *ob) {
        qsrc_error(q, q->line[*cb], "a } closes no answer block; add the { or escape the brace as \\}");
        return false;
    }
    size_t inner = find(q, *ob + 1, *cb, "{");
    if (*cb == e || inner < *cb) {
        qsrc_error(q, q->line[*ob], "the answer block opened with { here is not closed; add } (or escape the brace as \\{)");
        return false;
    }
    size_t more = find(q, *cb + 1, e, "{");
    if (more == e) more = find(q, *cb + 1, e, "}");
    if (more < e) {
        qsrc_error(q, q->line[more], "a question has one answer block; escape braces in the text as \\{ and \\}");
        return false;
    }
    return true;
}

/* The question text: before the block, then "_____" where the block was when text follows it
 * (a missing-word question), then the rest. */
static json_t *question_text(const struct qsrc *q, size_t b, size_t ob, size_t cb, size_t e)
{
    size_t ab = cb + 1, ae = e;
    trim(q, &ab, &ae);
    if (ob == e || ab == ae) return jstr(q, b, ob);
    struct buf t;
    buf_init(&t, 0);
    size_t tb = b, te = ob;
    trim(q, &tb, &te);
    buf_add(&t, q->c + tb, ob - tb);
    buf_adds(&t, BLANK);
    buf_add(&t, q->c + cb + 1, ae - cb - 1);
    json_t *s = t.data ? json_string(t.data) : NULL;
    buf_release(&t);
    return s;
}

static json_t *parse_question(struct qsrc *q, const char *category)
{
    size_t b = 0, e = q->n;
    trim(q, &b, &e);
    json_t *qj = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:[]}", "type", "", "title", "", "text", "", "format", "markdown",
                           "general_feedback", "", "category", category, "case_sensitive", 0, "answers");
    if (!qj) return NULL;
    if (e - b >= 2 && find(q, b, b + 2, "::") == b) {
        size_t close = find(q, b + 2, e, "::");
        if (close == e) {
            qsrc_error(q, q->line[b], "the title opened with :: is not closed; end it with :: (or escape the colons as \\:)");
            goto fail;
        }
        json_object_set_new(qj, "title", jstr(q, b + 2, close));
        b = close + 2;
        trim(q, &b, &e);
    }
    q->format = read_format(q, &b, e);
    json_object_set_new(qj, "format", json_string(q->format));
    size_t ob, cb;
    if (!find_block(q, b, e, &ob, &cb)) goto fail;
    json_t *text = question_text(q, b, ob, cb, e);
    if (!text || json_string_length(text) == 0) {
        json_decref(text);
        qsrc_error(q, q->start, "the question has no text; write it before the answer block");
        goto fail;
    }
    json_object_set_new(qj, "text", text);
    if (ob == e) {
        json_object_set_new(qj, "type", json_string("description"));
        return qj;
    }
    size_t bb = ob + 1, be = cb, gf = rfind(q, bb, be, "####");
    if (gf < be) {
        const char *format;
        json_t *gfb = formatted(q, gf + 4, be, &format);
        if (json_string_length(gfb)) set_format(qj, "general_feedback_format", format);
        json_object_set_new(qj, "general_feedback", gfb);
        be = gf;
    }
    trim(q, &bb, &be);
    if (build_answers(q, bb, be, q->line[ob], qj)) return qj;
fail:
    json_decref(qj);
    return NULL;
}

/* ---- the file ---- */

struct reader {
    gift_each_fn each;  /* called with every question as soon as it is read */
    void *each_ctx;
    char *category;
    int category_line;  /* the $CATEGORY: line that set it */
    json_t *labels;     /* {"idnumber", "tags"} from "// [id:...] [tag:...]" comments, for the next question */
    struct qsrc q;
};

/* Moodle 4 writes a question's id number and tags on a comment line before it:
 * "// [id:Q12] [tag:fire] [tag:safety]", with \] (and GIFT's escapes) inside. */
static void read_labels(struct reader *r, const char *s, size_t len)
{
    for (size_t i = 0; i + 4 < len; i++) {
        bool id = len - i > 4 && memcmp(s + i, "[id:", 4) == 0, tag = len - i > 5 && memcmp(s + i, "[tag:", 5) == 0;
        if (!id && !tag) continue;
        struct buf v;
        buf_init(&v, 128);
        size_t k = i + (id ? 4 : 5);
        for (; k < len && s[k] != ']'; k++) {
            if (s[k] == '\\' && k + 1 < len) k++;
            buf_addc(&v, s[k]);
        }
        if (k < len && v.len) {
            if (!r->labels) r->labels = json_object();
            if (id) {
                json_object_set_new(r->labels, "idnumber", json_stringn(v.data, v.len));
            } else {
                if (!json_object_get(r->labels, "tags")) json_object_set_new(r->labels, "tags", json_array());
                json_array_append_new(json_object_get(r->labels, "tags"), json_stringn(v.data, v.len));
            }
        }
        buf_release(&v);
        i = k;
    }
}

/* The entry's problem: its text and the line it is on. */
static void entry_error(struct gift_entry *ent, int line, const char *message)
{
    ent->error_line = line;
    snprintf(ent->error, sizeof ent->error, "line %d: %.380s", line, message);
}

/* The entry for the question just read: the question checked, or the first problem found. */
static void read_entry(struct reader *r, struct gift_entry *ent)
{
    struct qsrc *q = &r->q;
    ent->line = q->start;
    ent->category_line = r->category_line;
    if (!q->err[0]) ent->question = parse_question(q, r->category ? r->category : "");
    if (ent->question && r->labels) json_object_update(ent->question, r->labels);
    if (ent->question) {
        struct problem p = {0};
        if (question_check(ent->question, &p)) {
            json_decref(ent->question);
            ent->question = NULL;
            /* A bad category is fixed on its $CATEGORY: line; anything else in the question. */
            entry_error(ent, !strcmp(p.field, "category") && r->category_line ? r->category_line : q->start, p.message);
        }
    } else if (q->err[0]) {
        ent->error_line = q->err_line;
        snprintf(ent->error, sizeof ent->error, "%s", q->err);
    } else {
        entry_error(ent, q->start, "this question could not be read; check its syntax");
    }
}

/* Hands the question to the caller, then lets it go: only one question is ever held, so a
 * file of any size is read in the memory of its largest question. */
static lerr add_entry(struct reader *r)
{
    struct gift_entry ent = {0};
    read_entry(r, &ent);
    lerr e = r->each(r->each_ctx, &ent);
    json_decref(ent.question);
    return e;
}

/* Ends the question being read, if any. */
static lerr flush(struct reader *r)
{
    if (!r->q.start) return LE_OK;
    lerr e = add_entry(r);
    r->q.n = 0, r->q.start = 0, r->q.err[0] = '\0', r->q.err_line = 0;
    json_decref(r->labels);
    r->labels = NULL;
    /* text taken out of HTML lives as long as its question */
    arena_free(r->q.a);
    r->q.a = arena_new(4096);
    return e;
}

const char *moodle_category_path(const char *s, size_t *len_io)
{
    static const char *const contexts[] = {"$course$", "$system$", "$module$", "$coursecategory$"};
    size_t len = *len_io;
    while (len && is_space(*s)) s++, len--;
    while (len && is_space(s[len - 1])) len--;
    for (size_t i = 0; i < sizeof contexts / sizeof contexts[0]; i++) {
        size_t k = strlen(contexts[i]);
        if (len >= k && memcmp(s, contexts[i], k) == 0 && (len == k || s[k] == '/')) {
            s += len == k ? k : k + 1, len -= len == k ? k : k + 1;
            break;
        }
    }
    if (len >= 3 && memcmp(s, "top", 3) == 0 && (len == 3 || s[3] == '/')) s += len == 3 ? 3 : 4, len -= len == 3 ? 3 : 4;
    *len_io = len;
    return s;
}

static lerr set_category(struct reader *r, const char *s, size_t len)
{
    s = moodle_category_path(s, &len);
    free(r->category);
    r->category = strndup(s, len);
    return r->category ? LE_OK : LE_NOMEM;
}

/* The end of the line that starts at i: at LF, CRLF or a lone CR (old Mac files); *next is
 * where the following line starts. */
static size_t line_end(const char *text, size_t len, size_t i, size_t *next)
{
    size_t end = i;
    while (end < len && text[end] != '\n' && text[end] != '\r') end++;
    *next = end + 1;
    if (end < len && text[end] == '\r' && end + 1 < len && text[end + 1] == '\n') *next = end + 2;
    return end;
}

/* Which line holds the first byte that is not UTF-8 or is NUL, or 0 when all is well. */
static int bad_line(const char *text, size_t len)
{
    int line = 1;
    for (size_t i = 0, next; i < len; i = next, line++) {
        size_t end = line_end(text, len, i, &next);
        if (memchr(text + i, '\0', end - i) || !utf8_valid(text + i, end - i)) return line;
    }
    return 0;
}

/* A UTF-16 file (a byte-order mark, or NULs between ASCII letters) is named as such: it is not
 * broken, only saved in another encoding. */
static bool looks_utf16(const char *text, size_t len)
{
    if (len >= 2 && (((unsigned char)text[0] == 0xFF && (unsigned char)text[1] == 0xFE) ||
                     ((unsigned char)text[0] == 0xFE && (unsigned char)text[1] == 0xFF)))
        return true;
    size_t nuls = 0, n = len < 200 ? len : 200;
    for (size_t i = 0; i < n; i++) nuls += text[i] == '\0';
    return n >= 4 && nuls * 3 >= n;
}

/* One source line: blank ends a question, // is a comment, $CATEGORY: sets the category,
 * anything else belongs to the current question. */
static lerr read_line(struct reader *r, const char *s, size_t len, int line)
{
    if (len && s[len - 1] == '\r') len--;
    size_t lead = 0;
    while (lead < len && is_space(s[lead])) lead++;
    if (lead == len) return flush(r);
    if (len - lead >= 2 && memcmp(s + lead, "//", 2) == 0) {
        read_labels(r, s + lead + 2, len - lead - 2);
        return LE_OK;
    }
    if (len - lead >= 10 && memcmp(s + lead, "$CATEGORY:", 10) == 0) {
        lerr e = flush(r);
        r->category_line = line;
        return e ? e : set_category(r, s + lead + 10, len - lead - 10);
    }
    /* Leniency for hand-written files that forget the blank line: a ::title:: line after a
     * question whose answer block is closed starts the next question. Moodle would report the
     * pair as one broken question, so no file that Moodle reads changes meaning. */
    if (r->q.start && len - lead >= 2 && memcmp(s + lead, "::", 2) == 0 && find(&r->q, 0, r->q.n, "}") < r->q.n) {
        lerr e = flush(r);
        if (e) return e;
    }
    return qsrc_add_line(&r->q, s, len, line) ? LE_OK : LE_NOMEM;
}

lerr gift_parse_each(const char *text, size_t len, gift_each_fn each, void *ctx, struct problem *p)
{
    if (!text) text = "", len = 0;
    if (looks_utf16(text, len))
        return problem_set(p, LE_INVALID, "file",
                           "The file is UTF-16 text; save it as UTF-8 (in Notepad: Save as, Encoding UTF-8) and "
                           "upload it again.");
    int bad = bad_line(text, len);
    if (bad) return problem_set(p, LE_INVALID, "file", "Line %d is not UTF-8 text; save the file as UTF-8 and upload it again.", bad);
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;
    struct reader r = {.each = each, .each_ctx = ctx, .q = {.a = arena_new(4096)}};
    lerr e = LE_OK;
    int line = 1;
    for (size_t i = 0, next; i <= len && !e; i = next, line++) {
        size_t end = line_end(text, len, i, &next);
        e = read_line(&r, text + i, end - i, line);
    }
    if (!e) e = flush(&r);
    json_decref(r.labels);
    arena_free(r.q.a);
    free(r.category);
    free(r.q.c), free(r.q.lit), free(r.q.line);
    if (e == LE_NOMEM && p && !p->message[0]) problem_set(p, e, "file", "Out of memory while reading the GIFT file.");
    return e;
}

struct collect {
    struct gift_file *out;
    size_t cap;
};

static lerr collect_entry(void *ctx, struct gift_entry *ent)
{
    struct collect *c = ctx;
    struct gift_file *f = c->out;
    if (f->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        struct gift_entry *e = realloc(f->entries, cap * sizeof *e);
        if (!e) return LE_NOMEM;
        f->entries = e, c->cap = cap;
    }
    f->entries[f->n] = *ent;
    json_incref(ent->question);
    if (!ent->question) f->n_errors++;
    f->n++;
    return LE_OK;
}

lerr gift_parse(const char *text, size_t len, struct gift_file *out, struct problem *p)
{
    memset(out, 0, sizeof *out);
    struct collect c = {.out = out};
    lerr e = gift_parse_each(text, len, collect_entry, &c, p);
    if (e) gift_file_free(out);
    return e;
}

void gift_file_free(struct gift_file *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->n; i++) json_decref(f->entries[i].question);
    free(f->entries);
    memset(f, 0, sizeof *f);
}

/* ---- writing ---- */

static void put_escaped(struct buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\n') buf_adds(b, "\\n");
        else if (*s == '\r') continue; /* GIFT lines end in \n; a lone \r cannot be written */
        else {
            if (strchr("\\~=#{}:", *s)) buf_addc(b, '\\');
            buf_addc(b, *s);
        }
    }
}

/* The shortest form that reads back as the same double. */
static void put_number(struct buf *b, double d)
{
    char s[40];
    snprintf(s, sizeof s, "%.15g", d);
    if (strtod(s, NULL) != d) snprintf(s, sizeof s, "%.17g", d);
    buf_adds(b, s);
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static double num(const json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

/* The format the reader gives untagged answers and feedback: the question's. */
static const char *question_format(const json_t *q)
{
    const char *f = str(q, "format");
    return *f ? f : "markdown";
}

/* Text of a member in `format` (NULL = plain): a tag when the reader would otherwise give it
 * another format (qformat, the question's), or when the text starts with "[" and would read
 * as one. */
static void put_formatted(struct buf *b, const char *text, const char *format, const char *qformat)
{
    if (!format) format = "plain";
    if (strcmp(format, qformat) || text[0] == '[') buf_addf(b, "[%s]", format);
    put_escaped(b, text);
}

static void put_feedback(struct buf *b, const json_t *a, const char *qformat)
{
    if (*str(a, "feedback")) {
        buf_addc(b, '#');
        put_formatted(b, str(a, "feedback"), json_string_value(json_object_get(a, "feedback_format")), qformat);
    }
}

/* A member kept as plain text (short answer, matching item): read back without a format, so
 * only text that starts with "[" needs one. */
static void put_plain(struct buf *b, const char *text)
{
    if (text[0] == '[') buf_adds(b, "[plain]");
    put_escaped(b, text);
}

/* A text answer with the marker and weight the reader needs to give the same fraction back.
 * The weight is always written when the text starts with % (else it would read as one). */
static void put_text_answer(struct buf *b, const json_t *a, char mark, double implied, bool shown,
                            const char *qformat)
{
    double f = num(a, "fraction");
    buf_addc(b, '\t');
    buf_addc(b, mark);
    if (f != implied || str(a, "text")[0] == '%') {
        buf_addc(b, '%');
        put_number(b, f);
        buf_addc(b, '%');
    }
    if (shown) put_formatted(b, str(a, "text"), json_string_value(json_object_get(a, "format")), qformat);
    else put_plain(b, str(a, "text"));
    put_feedback(b, a, qformat);
    buf_addc(b, '\n');
}

static void put_truefalse(struct buf *b, const json_t *answers, const char *qformat)
{
    const json_t *t = json_array_get(answers, 0), *f = json_array_get(answers, 1);
    bool is_true = num(t, "fraction") == 100;
    const json_t *right = is_true ? t : f, *wrong = is_true ? f : t;
    buf_adds(b, is_true ? "TRUE" : "FALSE");
    /* The first # is the feedback for a wrong answer, the second for the right one. */
    if (*str(wrong, "feedback") || *str(right, "feedback")) {
        buf_addc(b, '#');
        if (*str(wrong, "feedback"))
            put_formatted(b, str(wrong, "feedback"), json_string_value(json_object_get(wrong, "feedback_format")), qformat);
    }
    if (*str(right, "feedback")) put_feedback(b, right, qformat);
}

static void put_numeric_answer(struct buf *b, const json_t *a, const char *qformat)
{
    if (json_is_true(json_object_get(a, "other"))) {
        buf_adds(b, "\t~");
        put_feedback(b, a, qformat);
        buf_addc(b, '\n');
        return;
    }
    buf_adds(b, "\t=%");
    put_number(b, num(a, "fraction"));
    buf_addc(b, '%');
    bool range = json_object_get(a, "min") != NULL;
    put_number(b, num(a, range ? "min" : "value"));
    buf_adds(b, range ? ".." : ":");
    put_number(b, num(a, range ? "max" : "tolerance"));
    put_feedback(b, a, qformat);
    buf_addc(b, '\n');
}

static void put_answers(struct buf *b, const json_t *q, const char *type)
{
    const json_t *answers = json_object_get(q, "answers"), *a;
    size_t i;
    if (!strcmp(type, "truefalse")) {
        put_truefalse(b, answers, question_format(q));
        return;
    }
    bool all_right = true;
    json_array_foreach(answers, i, a) all_right = all_right && num(a, "fraction") == 100;
    if (!strcmp(type, "numerical")) buf_addc(b, '#');
    if (json_array_size(answers)) buf_addc(b, '\n');
    json_array_foreach(answers, i, a) {
        if (!strcmp(type, "single")) {
            /* A block needs a ~ to read as choice and an = to read as single choice, so when
             * every answer is right only the first is written with =. */
            bool right = num(a, "fraction") == 100 && (i == 0 || !all_right);
            put_text_answer(b, a, right ? '=' : '~', right ? 100 : 0, true, question_format(q));
        } else if (!strcmp(type, "multi")) {
            put_text_answer(b, a, '~', 0, true, question_format(q));
        } else if (!strcmp(type, "short")) {
            put_text_answer(b, a, '=', 100, false, question_format(q));
        } else if (!strcmp(type, "matching")) {
            buf_adds(b, "\t=");
            put_plain(b, str(a, "left"));
            buf_adds(b, " -> ");
            put_plain(b, str(a, "right"));
            buf_addc(b, '\n');
        } else if (!strcmp(type, "numerical")) {
            put_numeric_answer(b, a, question_format(q));
        }
    }
}

static void put_block(struct buf *b, const json_t *q, const char *type)
{
    buf_addc(b, '{');
    put_answers(b, q, type);
    if (*str(q, "general_feedback")) {
        bool own_line = strcmp(type, "essay") && strcmp(type, "truefalse");
        buf_adds(b, own_line ? "\t####" : "####");
        put_formatted(b, str(q, "general_feedback"), json_string_value(json_object_get(q, "general_feedback_format")),
                      question_format(q));
        if (own_line) buf_addc(b, '\n');
    }
    buf_addc(b, '}');
}

/* Moodle 4's "// [id:...] [tag:...]" line, with ] and \ escaped. */
static void put_label(struct buf *b, const char *kind, const char *value)
{
    buf_addf(b, " [%s:", kind);
    for (const char *c = value; *c; c++) {
        if (*c == ']' || *c == '\\') buf_addc(b, '\\');
        buf_addc(b, *c);
    }
    buf_addc(b, ']');
}

static void put_labels(struct buf *b, const json_t *q)
{
    const json_t *tags = json_object_get(q, "tags"), *t;
    if (!*str(q, "idnumber") && !json_array_size(tags)) return;
    buf_adds(b, "//");
    if (*str(q, "idnumber")) put_label(b, "id", str(q, "idnumber"));
    size_t i;
    json_array_foreach(tags, i, t) put_label(b, "tag", json_string_value(t));
    buf_addc(b, '\n');
}

static void put_question(struct buf *b, const json_t *q)
{
    const char *type = str(q, "type"), *text = str(q, "text"), *format = question_format(q);
    put_labels(b, q);
    if (*str(q, "title")) {
        buf_adds(b, "::");
        put_escaped(b, str(q, "title"));
        buf_adds(b, "::");
    }
    /* Untagged text reads as Moodle's auto-format. The tag also keeps text starting with [,
     * // or $ from reading as a tag, a comment or a category line. */
    if (strcmp(format, "moodle") || (text[0] && strchr("[/$", text[0]))) buf_addf(b, "[%s]", format);
    if (!strcmp(type, "description")) {
        put_escaped(b, text);
        buf_adds(b, "\n\n");
        return;
    }
    /* A missing-word question: the block goes where the blank is, when text follows it. */
    const char *blank = strstr(text, BLANK);
    const char *after = blank ? blank + strlen(BLANK) : NULL;
    if (after && after[strspn(after, " \t\r\n")]) {
        char *before = strndup(text, (size_t)(blank - text));
        put_escaped(b, before);
        free(before);
        put_block(b, q, type);
        put_escaped(b, after);
    } else {
        put_escaped(b, text);
        put_block(b, q, type);
    }
    buf_adds(b, "\n\n");
}

char *gift_write(const json_t *questions)
{
    struct buf b;
    buf_init(&b, 0);
    buf_adds(&b, "");
    const char *category = "";
    size_t i;
    const json_t *q;
    json_array_foreach(questions, i, q) {
        if (strcmp(str(q, "category"), category)) {
            category = str(q, "category");
            buf_adds(&b, *category ? "$CATEGORY: $course$/top/" : "$CATEGORY: $course$/top");
            buf_adds(&b, category);
            buf_adds(&b, "\n\n");
        }
        put_question(&b, q);
    }
    /* A file that would start with a byte order mark (a text that starts with U+FEFF) gets one
     * of its own, for the reader to take off instead of the text's. */
    if (b.len >= 3 && memcmp(b.data, "\xEF\xBB\xBF", 3) == 0) {
        char *text = buf_detach(&b);
        buf_init(&b, 0);
        buf_adds(&b, "\xEF\xBB\xBF");
        buf_adds(&b, text);
        free(text);
    }
    return buf_detach(&b);
}
