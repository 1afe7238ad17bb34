/* Aiken (https://docs.moodle.org/en/Aiken_format): single-choice questions written as plain
 * lines, read as Moodle reads them:
 *
 *   What is the capital of France?
 *   A. Lyon
 *   B) Paris
 *   ANSWER: B
 *
 * The text may run over several lines; options are "A." or "A)" with consecutive capital
 * letters; "ANSWER: X" names the right one and ends the question. Blank lines are ignored. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct aiken_q {
    int start;          /* the question's first line; 0 = none under way */
    struct buf text;
    json_t *answers;
    char err[380];
    int err_line;
};

struct aiken_reader {
    struct gift_file *out;
    size_t cap;
    struct aiken_q q;
};

static void aq_error(struct aiken_q *q, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void aq_error(struct aiken_q *q, int line, const char *fmt, ...)
{
    if (q->err[0]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q->err, sizeof q->err, fmt, ap);
    va_end(ap);
    q->err_line = line;
}

/* Ends the question under way: an entry with the question, or with its first problem. */
static lerr finish(struct aiken_reader *r, int answer)
{
    struct aiken_q *q = &r->q;
    if (!q->start) return LE_OK;
    struct gift_file *f = r->out;
    if (f->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        struct gift_entry *e = realloc(f->entries, cap * sizeof *e);
        if (!e) return LE_NOMEM;
        f->entries = e, r->cap = cap;
    }
    struct gift_entry *ent = &f->entries[f->n++];
    memset(ent, 0, sizeof *ent);
    ent->line = q->start;
    snprintf(ent->type, sizeof ent->type, "single");
    if (!q->err[0]) {
        json_object_set_new(json_array_get(q->answers, (size_t)answer), "fraction", json_integer(100));
        json_t *qj = json_pack("{s:s, s:s, s:s%, s:s, s:O}", "type", "single", "title", "", "text",
                               q->text.data ? q->text.data : "", q->text.len, "format", "plain", "answers", q->answers);
        struct problem p = {0};
        if (qj && !question_check(qj, &p)) {
            ent->question = qj;
        } else {
            json_decref(qj);
            aq_error(q, q->start, "%s", qj ? p.message : "this question could not be read");
        }
    }
    if (!ent->question) {
        ent->error_line = q->err_line;
        snprintf(ent->error, sizeof ent->error, "line %d: %.370s", q->err_line, q->err);
        f->n_errors++;
    }
    buf_release(&q->text);
    json_decref(q->answers);
    memset(q, 0, sizeof *q);
    return LE_OK;
}

static void start(struct aiken_q *q, int line)
{
    q->start = line;
    buf_init(&q->text, 0);
    q->answers = json_array();
}

/* "A. text" or "A) text": the letter, with *text after it; 0 when the line is no option. */
static char option_letter(const char *s, size_t len, const char **text)
{
    if (len < 3 || s[0] < 'A' || s[0] > 'Z' || (s[1] != '.' && s[1] != ')') || (s[2] != ' ' && s[2] != '\t')) return 0;
    *text = s + 3;
    return s[0];
}

/* "ANSWER: B" (spaces allowed around the colon): true, with *letter (0 when none follows). */
static bool answer_line(const char *s, size_t len, char *letter)
{
    if (len < 6 || memcmp(s, "ANSWER", 6)) return false;
    size_t i = 6;
    while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i == len || s[i] != ':') return false;
    for (i++; i < len && (s[i] == ' ' || s[i] == '\t');) i++;
    *letter = i + 1 == len && s[i] >= 'A' && s[i] <= 'Z' ? s[i] : 0;
    return true;
}

static lerr read_answer_line(struct aiken_reader *r, char letter, const char *s, size_t len, int line)
{
    struct aiken_q *q = &r->q;
    size_t n = json_array_size(q->answers);
    if (!q->start) start(q, line);
    if (!q->text.len) aq_error(q, line, "ANSWER: comes before any question text; write the question, its options, then ANSWER:");
    if (n < 2) aq_error(q, line, "a question needs at least two options (A. and B.) before its ANSWER: line");
    if (!letter)
        aq_error(q, line, "write the right option's letter after ANSWER:, like \"ANSWER: B\" (found \"%.*s\")",
                 (int)(len < 60 ? len : 60), s);
    else if ((size_t)(letter - 'A') >= n)
        aq_error(q, line, "ANSWER: %c names no option; the options are A to %c", letter, (char)('A' + (n ? n - 1 : 0)));
    return finish(r, letter ? letter - 'A' : 0);
}

static lerr read_option(struct aiken_reader *r, char letter, const char *text, size_t len, int line)
{
    struct aiken_q *q = &r->q;
    size_t n = json_array_size(q->answers);
    if (!q->start) start(q, line);
    if (!q->text.len) aq_error(q, line, "option %c. comes before any question text; write the question on the line above", letter);
    if (letter != (char)('A' + n))
        aq_error(q, line, "option %c. should be %c.: letter the options A, B, C, ... in order", letter, (char)('A' + n));
    while (len && isspace((unsigned char)*text)) text++, len--;
    json_array_append_new(q->answers, json_pack("{s:s%, s:i, s:s}", "text", text, len, "fraction", 0, "feedback", ""));
    return LE_OK;
}

static lerr read_line(struct aiken_reader *r, const char *s, size_t len, int line)
{
    while (len && isspace((unsigned char)*s)) s++, len--;
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (!len) return LE_OK;
    char letter = 0;
    const char *text;
    if (answer_line(s, len, &letter)) return read_answer_line(r, letter, s, len, line);
    if ((letter = option_letter(s, len, &text))) return read_option(r, letter, text, len - (size_t)(text - s), line);
    struct aiken_q *q = &r->q;
    if (q->start && json_array_size(q->answers)) {
        /* Text after options starts the next question: this one never said its answer. */
        aq_error(q, q->start, "the question has no ANSWER: line; end it with ANSWER: and the right option's letter");
        lerr e = finish(r, 0);
        if (e) return e;
    }
    if (!q->start) start(q, line);
    if (q->text.len) buf_addc(&q->text, '\n');
    buf_add(&q->text, s, len);
    return LE_OK;
}

lerr aiken_parse(const char *text, size_t len, struct gift_file *out, struct problem *p)
{
    memset(out, 0, sizeof *out);
    if (!text) text = "", len = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;
    struct aiken_reader r = {.out = out};
    lerr e = LE_OK;
    int line = 1;
    for (size_t i = 0, next; i <= len && !e; i = next, line++) {
        size_t end = i;
        while (end < len && text[end] != '\n' && text[end] != '\r') end++;
        next = end + 1 + (end + 1 < len && text[end] == '\r' && text[end + 1] == '\n');
        if (memchr(text + i, '\0', end - i) || !utf8_valid(text + i, end - i)) {
            e = problem_set(p, LE_INVALID, "file", "Line %d is not UTF-8 text; save the file as UTF-8 and upload it again.", line);
            break;
        }
        e = read_line(&r, text + i, end - i, line);
    }
    if (!e && r.q.start) {
        aq_error(&r.q, r.q.start, "the question has no ANSWER: line; end it with ANSWER: and the right option's letter");
        e = finish(&r, 0);
    }
    buf_release(&r.q.text);
    json_decref(r.q.answers);
    if (e) {
        gift_file_free(out);
        if (e == LE_NOMEM) problem_set(p, e, "file", "Out of memory while reading the Aiken file.");
    }
    return e;
}
