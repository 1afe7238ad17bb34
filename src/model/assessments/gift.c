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
 * Writing escapes every special character and always states weights where the reader would
 * otherwise guess differently, so gift_parse(gift_write(qs)) gives qs back. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "assessments.h"

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
    int k = snprintf(q->err, sizeof q->err, "line %d: ", line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q->err + k, sizeof q->err - (size_t)k, fmt, ap);
    va_end(ap);
}

/* Appends one source line, resolving escapes. GIFT's escapes are \~ \= \# \{ \} \: \\ and \n;
 * anything else after a backslash is refused rather than guessed at, so a typo in LaTeX or a
 * Windows path is reported instead of silently changing the question. */
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
        if (i + 1 == len) {
            qsrc_error(q, line, "a \\ at the end of the line escapes nothing; write \\\\ for a backslash");
            break;
        }
        char x = s[++i];
        if (x == 'n') x = '\n';
        else if (!strchr("~=#{}:\\", x)) {
            /* Name the whole character, which may be several UTF-8 bytes. */
            size_t k = 1;
            while (i + k < len && ((unsigned char)s[i + k] & 0xC0) == 0x80) k++;
            qsrc_error(q, line,
                       "unknown escape \\%.*s; only \\~ \\= \\# \\{ \\} \\: \\\\ and \\n are escapes, "
                       "write \\\\ for a backslash",
                       (int)k, s + i);
        }
        if (!qsrc_push(q, x, true, line)) return false;
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

/* Splits [b, e) at unescaped = and ~ into answers, each with weight and feedback read.
 * feedback: whether # starts feedback (not in matching, where # is text). */
static size_t split_answers(struct qsrc *q, size_t b, size_t e, struct ans *out, bool feedback)
{
    size_t n = 0, i = b;
    while (i < e && (q->lit[i] || (q->c[i] != '=' && q->c[i] != '~'))) i++;
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
        struct ans *a = &out[n++];
        memset(a, 0, sizeof *a);
        a->mark = q->c[i], a->line = q->line[i];
        size_t j = i + 1;
        while (j < e && (q->lit[j] || (q->c[j] != '=' && q->c[j] != '~'))) j++;
        a->b = i + 1, a->e = j;
        trim(q, &a->b, &a->e);
        if (!read_weight(q, a)) return 0;
        a->fb = a->fe = a->e;
        size_t h = feedback ? find(q, a->b, a->e, "#") : a->e;
        if (h < a->e) {
            a->fb = h + 1, a->fe = a->e, a->e = h;
            trim(q, &a->b, &a->e);
            trim(q, &a->fb, &a->fe);
        }
        if (a->b == a->e) {
            qsrc_error(q, a->line, "an answer after %c is empty; write its text or remove the %c", a->mark, a->mark);
            return 0;
        }
        i = j;
    }
    return n;
}

/* {"text", "fraction", "feedback"}; fractions are integers when whole, as question_check keeps them. */
static json_t *text_answer(const struct qsrc *q, size_t b, size_t e, double fraction, size_t fb, size_t fe)
{
    json_t *f = fraction == floor(fraction) ? json_integer((json_int_t)fraction) : json_real(fraction);
    return json_pack("{s:o,s:o,s:o}", "text", jstr(q, b, e), "fraction", f, "feedback", jstr(q, fb, fe));
}

/* ~ (and = for single choice) answers. Following Moodle, a block with any = is single choice
 * (one answer is chosen; ~%n% gives partial credit); without = it is multiple answer, where
 * the positive weights must add up to 100%. */
static bool build_choice(struct qsrc *q, size_t b, size_t e, int line, json_t *qj)
{
    struct ans as[ANSWERS_MAX];
    size_t n = split_answers(q, b, e, as, true);
    if (!n) return false;
    bool single = false;
    double positive = 0;
    json_t *answers = json_object_get(qj, "answers");
    for (size_t i = 0; i < n; i++) {
        double f = as[i].weighted ? as[i].weight : as[i].mark == '=' ? 100 : 0;
        if (as[i].mark == '=') single = true;
        if (f > 0) positive += f;
        json_array_append_new(answers, text_answer(q, as[i].b, as[i].e, f, as[i].fb, as[i].fe));
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
    size_t n = split_answers(q, b, e, as, true);
    json_t *answers = json_object_get(qj, "answers");
    for (size_t i = 0; i < n; i++)
        json_array_append_new(answers, text_answer(q, as[i].b, as[i].e, as[i].weighted ? as[i].weight : 100, as[i].fb, as[i].fe));
    json_object_set_new(qj, "type", json_string("short"));
    return n > 0;
}

static bool build_matching(struct qsrc *q, size_t b, size_t e, json_t *qj)
{
    struct ans as[ANSWERS_MAX];
    size_t n = split_answers(q, b, e, as, false);
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
        if (lb == le || rb == re) {
            qsrc_error(q, as[i].line, "a matching pair needs text on both sides of ->; write =left -> right");
            return false;
        }
        json_array_append_new(answers, json_pack("{s:o,s:o}", "left", jstr(q, lb, le), "right", jstr(q, rb, re)));
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
    json_t *wrong = h1 < e ? jstr(q, h1 + 1, h2) : json_string("");
    json_t *right = h2 < e ? jstr(q, h2 + 1, e) : json_string("");
    json_t *answers = json_object_get(qj, "answers");
    json_array_append_new(answers, json_pack("{s:s,s:i,s:o}", "text", "true", "fraction", t ? 100 : 0, "feedback", t ? right : wrong));
    json_array_append_new(answers, json_pack("{s:s,s:i,s:o}", "text", "false", "fraction", t ? 0 : 100, "feedback", t ? wrong : right));
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

/* One numerical answer: value, value:tolerance or min..max. */
static json_t *numeric_answer(struct qsrc *q, const struct ans *a)
{
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
    double f = a->weighted ? a->weight : 100;
    json_object_set_new(r, "fraction", f == floor(f) ? json_integer((json_int_t)f) : json_real(f));
    json_object_set_new(r, "feedback", jstr(q, a->fb, a->fe));
    return r;
}

/* {#3.14:0.01}, {#1..5}, or several {# =%100%3.14:0 =%50%3.1:0.1}, each with # feedback. */
static bool build_numerical(struct qsrc *q, size_t b, size_t e, json_t *qj)
{
    struct ans as[ANSWERS_MAX];
    size_t n;
    int line = q->line[b];
    trim(q, &b, &e);
    size_t tilde = find(q, b, e, "~");
    if (tilde < e) {
        /* Moodle's catch-all "~#feedback" has no value to keep in our answers. */
        qsrc_error(q, q->line[tilde], "numerical answers start with =; give a partly right answer a weight, like =%%50%%3.1:0.1");
        return false;
    }
    if (find(q, b, e, "=") < e) {
        n = split_answers(q, b, e, as, true);
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

/* [html], [markdown], [plain] or [moodle] at the start of the text; anything else is text. */
static const char *read_format(struct qsrc *q, size_t *b, size_t e)
{
    static const char *const formats[] = {"html", "markdown", "plain", "moodle"};
    if (*b >= e || q->c[*b] != '[') return "markdown";
    size_t close = find(q, *b, e, "]");
    for (size_t i = 0; close < e && i < sizeof formats / sizeof formats[0]; i++) {
        if (range_is(q, *b + 1, close, formats[i])) {
            *b = close + 1;
            return formats[i];
        }
    }
    return "markdown";
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
    json_object_set_new(qj, "format", json_string(read_format(q, &b, e)));
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
        json_object_set_new(qj, "general_feedback", jstr(q, gf + 4, be));
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
    struct gift_file *out;
    size_t cap;
    char *category;
    struct qsrc q;
};

static lerr add_entry(struct reader *r)
{
    struct gift_file *f = r->out;
    if (f->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        struct gift_entry *e = realloc(f->entries, cap * sizeof *e);
        if (!e) return LE_NOMEM;
        f->entries = e, r->cap = cap;
    }
    struct gift_entry *ent = &f->entries[f->n++];
    memset(ent, 0, sizeof *ent);
    struct qsrc *q = &r->q;
    ent->line = q->start;
    if (!q->err[0]) ent->question = parse_question(q, r->category ? r->category : "");
    if (ent->question) {
        struct problem p = {0};
        if (question_check(ent->question, &p)) {
            json_decref(ent->question);
            ent->question = NULL;
            snprintf(ent->error, sizeof ent->error, "line %d: %.380s", q->start, p.message);
        }
    } else {
        if (q->err[0]) snprintf(ent->error, sizeof ent->error, "%s", q->err);
        else snprintf(ent->error, sizeof ent->error, "line %d: this question could not be read; check its syntax", q->start);
    }
    if (!ent->question) f->n_errors++;
    return LE_OK;
}

/* Ends the question being read, if any. */
static lerr flush(struct reader *r)
{
    lerr e = r->q.start ? add_entry(r) : LE_OK;
    r->q.n = 0, r->q.start = 0, r->q.err[0] = '\0';
    return e;
}

/* "$CATEGORY: $course$/top/Safety/Fire" → "Safety/Fire": Moodle's context and "top" are
 * where every category lives, so they say nothing here. */
static lerr set_category(struct reader *r, const char *s, size_t len)
{
    static const char *const contexts[] = {"$course$", "$system$", "$module$", "$coursecategory$"};
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
    free(r->category);
    r->category = strndup(s, len);
    return r->category ? LE_OK : LE_NOMEM;
}

/* Which line holds the first byte that is not UTF-8 or is NUL, or 0 when all is well. */
static int bad_line(const char *text, size_t len)
{
    int line = 1;
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (memchr(text + i, '\0', end - i) || !utf8_valid(text + i, end - i)) return line;
        i = end + 1, line++;
    }
    return 0;
}

/* One source line: blank ends a question, // is a comment, $CATEGORY: sets the category,
 * anything else belongs to the current question. */
static lerr read_line(struct reader *r, const char *s, size_t len, int line)
{
    if (len && s[len - 1] == '\r') len--;
    size_t lead = 0;
    while (lead < len && is_space(s[lead])) lead++;
    if (lead == len) return flush(r);
    if (len - lead >= 2 && memcmp(s + lead, "//", 2) == 0) return LE_OK;
    if (len - lead >= 10 && memcmp(s + lead, "$CATEGORY:", 10) == 0) {
        lerr e = flush(r);
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

lerr gift_parse(const char *text, size_t len, struct gift_file *out, struct problem *p)
{
    memset(out, 0, sizeof *out);
    if (!text) text = "", len = 0;
    int bad = bad_line(text, len);
    if (bad) return problem_set(p, LE_INVALID, "file", "Line %d is not UTF-8 text; save the file as UTF-8 and upload it again.", bad);
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;
    struct reader r = {.out = out};
    lerr e = LE_OK;
    int line = 1;
    for (size_t i = 0; i <= len && !e; line++) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        e = read_line(&r, text + i, end - i, line);
        i = end + 1;
    }
    if (!e) e = flush(&r);
    free(r.category);
    free(r.q.c), free(r.q.lit), free(r.q.line);
    if (e) {
        gift_file_free(out);
        return problem_set(p, e, "file", "Out of memory while reading the GIFT file.");
    }
    return LE_OK;
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

static void put_feedback(struct buf *b, const json_t *a)
{
    if (*str(a, "feedback")) {
        buf_addc(b, '#');
        put_escaped(b, str(a, "feedback"));
    }
}

/* A text answer with the marker and weight the reader needs to give the same fraction back.
 * The weight is always written when the text starts with % (else it would read as one). */
static void put_text_answer(struct buf *b, const json_t *a, char mark, double implied)
{
    double f = num(a, "fraction");
    buf_addc(b, '\t');
    buf_addc(b, mark);
    if (f != implied || str(a, "text")[0] == '%') {
        buf_addc(b, '%');
        put_number(b, f);
        buf_addc(b, '%');
    }
    put_escaped(b, str(a, "text"));
    put_feedback(b, a);
    buf_addc(b, '\n');
}

static void put_answers(struct buf *b, const json_t *q, const char *type)
{
    const json_t *answers = json_object_get(q, "answers"), *a;
    size_t i;
    if (!strcmp(type, "truefalse")) {
        const json_t *t = json_array_get(answers, 0), *f = json_array_get(answers, 1);
        bool is_true = num(t, "fraction") == 100;
        const char *right = str(is_true ? t : f, "feedback"), *wrong = str(is_true ? f : t, "feedback");
        buf_adds(b, is_true ? "TRUE" : "FALSE");
        if (*wrong || *right) buf_addc(b, '#'), put_escaped(b, wrong);
        if (*right) buf_addc(b, '#'), put_escaped(b, right);
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
            put_text_answer(b, a, right ? '=' : '~', right ? 100 : 0);
        } else if (!strcmp(type, "multi")) {
            put_text_answer(b, a, '~', 0);
        } else if (!strcmp(type, "short")) {
            put_text_answer(b, a, '=', 100);
        } else if (!strcmp(type, "matching")) {
            buf_adds(b, "\t=");
            put_escaped(b, str(a, "left"));
            buf_adds(b, " -> ");
            put_escaped(b, str(a, "right"));
            buf_addc(b, '\n');
        } else if (!strcmp(type, "numerical")) {
            buf_adds(b, "\t=%");
            put_number(b, num(a, "fraction"));
            buf_addc(b, '%');
            bool range = json_object_get(a, "min") != NULL;
            put_number(b, num(a, range ? "min" : "value"));
            buf_adds(b, range ? ".." : ":");
            put_number(b, num(a, range ? "max" : "tolerance"));
            put_feedback(b, a);
            buf_addc(b, '\n');
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
        put_escaped(b, str(q, "general_feedback"));
        if (own_line) buf_addc(b, '\n');
    }
    buf_addc(b, '}');
}

static void put_question(struct buf *b, const json_t *q)
{
    const char *type = str(q, "type"), *text = str(q, "text"), *format = str(q, "format");
    if (*str(q, "title")) {
        buf_adds(b, "::");
        put_escaped(b, str(q, "title"));
        buf_adds(b, "::");
    }
    /* The format tag also keeps text starting with [, // or $ from reading as a tag, a
     * comment or a category line. */
    if ((*format && strcmp(format, "markdown")) || (text[0] && strchr("[/$", text[0])))
        buf_addf(b, "[%s]", *format ? format : "markdown");
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
