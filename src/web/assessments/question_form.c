/* Writing a question by its type's form (docs/assessments.md): a form per question type with
 * a fixed number of answer rows (QUESTION_FORM_ROWS; static/js/answer-rows.js only hides the
 * empty ones and adds them back), turned into the question object of
 * src/model/assessments/assessments.h, which the model checks as it checks every question.
 * The same form shows an existing question again, and a refused one with what was sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static const char *const form_types[] = {"single", "multi", "truefalse", "short",
                                         "numerical", "matching", "essay", "description"};

bool question_form_type_known(const char *type)
{
    for (size_t i = 0; i < sizeof form_types / sizeof form_types[0]; i++)
        if (type && str_eq(type, form_types[i])) return true;
    return false;
}

json_t *question_form_types(struct request *req)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof form_types / sizeof form_types[0]; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "value", form_types[i], "label",
                                             /* words: questions.type_{single,multi,truefalse,short,numerical,matching,essay,description} */
                                             T(req, arena_sprintf(req->arena, "questions.type_%s", form_types[i]))));
    return arr;
}

/* A field of the form, or "" when not sent. */
static const char *field(struct request *req, const char *name)
{
    const char *v = req_param(req, name);
    return v ? v : "";
}

/* The field of answer row n ("answer_3"). */
static const char *row_field(struct request *req, const char *name, int n)
{
    return field(req, arena_sprintf(req->arena, "%s_%d", name, n));
}

/* A number typed into the form; a field left empty counts as dflt. False when it is no number. */
static bool form_number(const char *s, double dflt, double *out)
{
    if (!*s) {
        *out = dflt;
        return true;
    }
    return question_parse_number(s, out);
}

/* A refused number in row n, named by its field ("fraction_3") so the form can point at it. */
static json_t *invalid(struct request *req, struct problem *p, const char *name, const char *message, int n)
{
    problem_set(p, LE_INVALID, arena_sprintf(req->arena, "%s_%d", name, n), message, n);
    return NULL;
}

/* The formats an imported answer came with (hidden in its row, so an edit keeps them): its
 * text's ("answer_format_N") and its feedback's ("feedback_format_N"). Plain when empty. */
static json_t *with_formats(struct request *req, int n, json_t *a)
{
    const char *text = row_field(req, "answer_format", n), *feedback = row_field(req, "feedback_format", n);
    if (*text) json_object_set_new(a, "format", json_string(text));
    if (*feedback) json_object_set_new(a, "feedback_format", json_string(feedback));
    return a;
}

/* One answer row as the question object's answer, or NULL (p set) when a number is wrong.
 * *empty is set for a row left blank, which is skipped. */
static json_t *row_answer(struct request *req, const char *type, int n, bool *empty, struct problem *p)
{
    const char *answer = row_field(req, "answer", n), *feedback = row_field(req, "feedback", n);
    double fraction, x;
    if (str_eq(type, "matching")) {
        const char *right = row_field(req, "match", n);
        *empty = !*answer && !*right;
        return *empty ? NULL : json_pack("{s:s, s:s}", "left", answer, "right", right);
    }
    *empty = !*answer;
    if (*empty) return NULL;
    if (!form_number(row_field(req, "fraction", n), str_eq(type, "short") || str_eq(type, "numerical") ? 100 : 0,
                     &fraction))
        return invalid(req, p, "fraction", "Give the grade of answer %d as a percentage from -100 to 100.", n);
    if (!str_eq(type, "numerical"))
        return with_formats(req, n, json_pack("{s:s, s:f, s:s}", "text", answer, "fraction", fraction, "feedback", feedback));
    double tolerance;
    if (!question_parse_number(answer, &x))
        return invalid(req, p, "answer", "Give answer %d as a number, e.g. 3.14.", n);
    if (!form_number(row_field(req, "tolerance", n), 0, &tolerance) || tolerance < 0)
        return invalid(req, p, "tolerance", "Give the margin of answer %d as a number of 0 or more.", n);
    return with_formats(req, n, json_pack("{s:f, s:f, s:f, s:s}", "value", x, "tolerance", tolerance, "fraction",
                                          fraction, "feedback", feedback));
}

static json_t *form_answers(struct request *req, const char *type, struct problem *p)
{
    json_t *answers = json_array();
    if (str_eq(type, "essay") || str_eq(type, "description")) return answers;
    if (str_eq(type, "truefalse")) {
        bool t = !str_eq(field(req, "correct"), "false");
        json_array_append_new(answers, with_formats(req, 1, json_pack("{s:s, s:i, s:s}", "text", "true", "fraction",
                                                                      t ? 100 : 0, "feedback", row_field(req, "feedback", 1))));
        json_array_append_new(answers, with_formats(req, 2, json_pack("{s:s, s:i, s:s}", "text", "false", "fraction",
                                                                      t ? 0 : 100, "feedback", row_field(req, "feedback", 2))));
        return answers;
    }
    for (int n = 1; n <= QUESTION_FORM_ROWS; n++) {
        bool empty;
        json_t *a = row_answer(req, type, n, &empty, p);
        if (empty) continue;
        if (!a) {
            json_decref(answers);
            return NULL;
        }
        json_array_append_new(answers, a);
    }
    return answers;
}

json_t *question_from_form(struct request *req, struct problem *p)
{
    const char *type = req_param(req, "type");
    if (!question_form_type_known(type)) {
        problem_set(p, LE_INVALID, "type", "Choose the kind of question to write.");
        return NULL;
    }
    json_t *answers = form_answers(req, type, p);
    if (!answers) return NULL;
    const char *category = req_param(req, "new_category");
    if (!category || !*category) category = req_param(req, "category");
    const char *format = *field(req, "format") ? field(req, "format") : "markdown";
    json_t *q = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "type", type, "title", field(req, "title"), "text",
                          field(req, "text"), "format", format, "general_feedback", field(req, "general_feedback"),
                          "category", category ? category : "", "answers", answers);
    if (str_eq(type, "short")) json_object_set_new(q, "case_sensitive", json_boolean(req_param_bool(req, "case_sensitive")));
    if (*field(req, "general_feedback_format"))
        json_object_set_new(q, "general_feedback_format", json_string(field(req, "general_feedback_format")));
    /* An imported question's id number and tags travel in the form as they are. */
    json_t *labels = json_loads(field(req, "labels"), 0, NULL);
    if (json_is_object(labels)) json_object_update(q, labels);
    json_decref(labels);
    return q;
}

/* ---- The form's model: rows of text as typed, QUESTION_FORM_ROWS of them ---- */

static const char *number_text(struct request *req, json_t *v)
{
    return json_is_number(v) ? arena_sprintf(req->arena, "%g", json_number_value(v)) : "";
}

static const char *member(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static json_t *empty_rows(void)
{
    json_t *rows = json_array();
    for (int n = 1; n <= QUESTION_FORM_ROWS; n++)
        json_array_append_new(rows, json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "n", n, "answer", "",
                                              "fraction", "", "feedback", "", "tolerance", "", "match", "",
                                              "answer_format", "", "feedback_format", ""));
    return rows;
}

/* The model every form starts from: the type and its flag ("is_single"), the categories with
 * the chosen one selected. */
static json_t *form_base(struct request *req, const char *type, const char *category, json_t *categories)
{
    json_t *m = json_pack("{s:s, s:s, s:b, s:o}", "type", type, "type_label",
                          T(req, arena_sprintf(req->arena, "questions.type_%s", type)), "has_rows",
                          !str_eq(type, "truefalse") && !str_eq(type, "essay") && !str_eq(type, "description"),
                          "rows", empty_rows());
    json_object_set_new(m, arena_sprintf(req->arena, "is_%s", type), json_true());
    json_object_set_new(m, "is_choice", json_boolean(str_eq(type, "single") || str_eq(type, "multi") ||
                                                     str_eq(type, "short")));
    json_t *cats = json_array(), *c;
    size_t i;
    const char *chosen = *category ? category : "Default";
    json_array_foreach(categories, i, c) {
        if (json_is_true(json_object_get(c, "shared"))) continue; /* a course's form files into its own */
        json_array_append_new(cats, json_pack("{s:O, s:b}", "name", json_object_get(c, "name"), "selected",
                                              str_eq(member(c, "name"), chosen)));
    }
    json_object_set_new(m, "category_choices", cats);
    return m;
}

/* The text format choices, the chosen one selected. */
static json_t *format_choices(struct request *req, const char *chosen)
{
    static const char *const formats[] = {"markdown", "html", "moodle", "plain"};
    json_t *v = json_array();
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        json_array_append_new(v, json_pack("{s:s, s:s, s:b}", "value", formats[i], "label",
                                           /* words: questions.format_{markdown,html,moodle,plain} */
                                           T(req, arena_sprintf(req->arena, "questions.format_%s", formats[i])),
                                           "selected", str_eq(formats[i], *chosen ? chosen : "markdown")));
    return v;
}

/* What the form carries unseen so an edit keeps it: the general feedback's format and the
 * id number and tags a question bank gave. */
static void set_kept(struct request *req, json_t *question, const char *gf_format, json_t *labels)
{
    json_object_set_new(question, "general_feedback_format", json_string(gf_format));
    char *text = json_object_size(labels) ? json_dumps(labels, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_object_set_new(question, "labels", json_string(text ? arena_strdup(req->arena, text) : ""));
    json_text_free(text);
}

json_t *question_form_of(struct request *req, json_t *q, json_t *categories)
{
    const char *type = member(q, "type");
    json_t *m = form_base(req, type, member(q, "category"), categories);
    json_t *question = json_pack("{s:s, s:s, s:s, s:b, s:o}", "title", member(q, "title"), "text", member(q, "text"),
                                 "general_feedback", member(q, "general_feedback"), "case_sensitive",
                                 json_is_true(json_object_get(q, "case_sensitive")), "formats",
                                 format_choices(req, member(q, "format")));
    json_t *labels = json_object();
    if (json_object_get(q, "idnumber")) json_object_set(labels, "idnumber", json_object_get(q, "idnumber"));
    if (json_object_get(q, "tags")) json_object_set(labels, "tags", json_object_get(q, "tags"));
    set_kept(req, question, member(q, "general_feedback_format"), labels);
    json_decref(labels);
    json_object_set_new(m, "question", question);
    json_t *rows = json_object_get(m, "rows"), *a;
    size_t i;
    json_array_foreach(json_object_get(q, "answers"), i, a) {
        if (str_eq(type, "truefalse")) {
            bool right = json_number_value(json_object_get(a, "fraction")) > 0;
            bool is_true = str_eq(member(a, "text"), "true");
            if (right) json_object_set_new(m, "correct_false", json_boolean(!is_true));
            json_object_set_new(m, is_true ? "feedback_true" : "feedback_false", json_string(member(a, "feedback")));
            json_object_set_new(m, is_true ? "feedback_format_true" : "feedback_format_false",
                                json_string(member(a, "feedback_format")));
            continue;
        }
        json_t *row = json_array_get(rows, i);
        if (!row) break; /* more answers than rows: the GIFT editor shows them all */
        bool matching = str_eq(type, "matching");
        json_object_set_new(row, "answer", json_string(matching                    ? member(a, "left")
                                                       : str_eq(type, "numerical") ? number_text(req, json_object_get(a, "value"))
                                                                                   : member(a, "text")));
        json_object_set_new(row, "match", json_string(member(a, "right")));
        json_object_set_new(row, "fraction", json_string(number_text(req, json_object_get(a, "fraction"))));
        json_object_set_new(row, "tolerance", json_string(number_text(req, json_object_get(a, "tolerance"))));
        json_object_set_new(row, "feedback", json_string(member(a, "feedback")));
        json_object_set_new(row, "answer_format", json_string(member(a, "format")));
        json_object_set_new(row, "feedback_format", json_string(member(a, "feedback_format")));
    }
    return m;
}

json_t *question_form_sent(struct request *req, json_t *categories)
{
    const char *type = field(req, "type");
    if (!question_form_type_known(type)) type = "single";
    const char *category = *field(req, "new_category") ? field(req, "new_category") : field(req, "category");
    json_t *m = form_base(req, type, category, categories);
    json_t *question = json_pack("{s:s, s:s, s:s, s:b, s:o}", "title", field(req, "title"), "text", field(req, "text"),
                                 "general_feedback", field(req, "general_feedback"), "case_sensitive",
                                 req_param_bool(req, "case_sensitive"), "formats",
                                 format_choices(req, field(req, "format")));
    json_object_set_new(question, "general_feedback_format", json_string(field(req, "general_feedback_format")));
    json_object_set_new(question, "labels", json_string(field(req, "labels")));
    json_object_set_new(m, "question", question);
    json_object_set_new(m, "new_category", json_string(field(req, "new_category")));
    json_object_set_new(m, "correct_false", json_boolean(str_eq(field(req, "correct"), "false")));
    json_object_set_new(m, "feedback_true", json_string(row_field(req, "feedback", 1)));
    json_object_set_new(m, "feedback_false", json_string(row_field(req, "feedback", 2)));
    json_object_set_new(m, "feedback_format_true", json_string(row_field(req, "feedback_format", 1)));
    json_object_set_new(m, "feedback_format_false", json_string(row_field(req, "feedback_format", 2)));
    static const char *const names[] = {"answer", "fraction", "feedback", "tolerance", "match", "answer_format",
                                        "feedback_format"};
    json_t *row;
    size_t i;
    json_array_foreach(json_object_get(m, "rows"), i, row) {
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            json_object_set_new(row, names[k], json_string(row_field(req, names[k], (int)i + 1)));
    }
    return m;
}
