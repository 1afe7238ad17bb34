/* lectern question import COURSE_CODE FILE [--format F] [--dry-run] [--skip-bad] and lectern
 * question export COURSE_CODE [--format F]: a course's question bank in and out as GIFT, Moodle
 * XML or (import only) Aiken (docs/assessments.md). The import prints every question's outcome, then saves all of them, or
 * none when any has an error (unless --skip-bad, which saves the good ones). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../model/courses/courses.h"
#include "../model/assessments/assessments.h"

static const char question_usage[] =
    "usage: lectern question import COURSE_CODE FILE [--format F] [--dry-run] [--skip-bad]\n"
    "       lectern question export COURSE_CODE [--format F]\n"
    "\n"
    "import adds the questions of a GIFT, Moodle XML or Aiken file (FILE '-' reads standard\n"
    "input) to the course's question bank, in the categories the file names (created when\n"
    "missing). Every question's outcome is printed first, with the line it starts on (every\n"
    "error up to 1,000 and the first 1,000 questions that are ok; the rest are counted); then\n"
    "all are saved, or none when any has an error.\n"
    "\n"
    "  --format F   gift, moodlexml or aiken; without it the file's content tells (XML is Moodle\n"
    "               XML, lines 'A. ...' with 'ANSWER: A' are Aiken, anything else GIFT)\n"
    "  --dry-run    print the outcome and save nothing\n"
    "  --skip-bad   save the good questions even when others have errors\n"
    "\n"
    "export prints the course's own questions (not shared ones) on standard output, as GIFT or\n"
    "with --format moodlexml as Moodle XML.\n"
    "\n"
    "Exit status: 0 when saved (or, with --dry-run, when no question has an error; with\n"
    "--skip-bad, whenever the file could be read); 1 when the file, the course or a question has\n"
    "an error (nothing is saved); 2 for a usage error.\n";

#define QUESTION_FILE_MAX ((size_t)64 << 20) /* a question bank far larger than any real one */

static int find_course(struct cli_ctx *ctx, struct arena *a, const char *cmd, const char *code, int64_t *id)
{
    struct course c;
    struct problem p = {0};
    if (course_get(ctx->db, a, code, 0, &c, &p)) return cli_fail(cmd, "%s", p.message);
    *id = c.id;
    return EXIT_OK;
}

static int cmd_question_import(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    static const struct cli_opt opts[] = {
        {"dry-run", 0, false, 1}, {"skip-bad", 0, false, 2}, {"format", 0, true, 3}, {NULL, 0, false, 0}};
    struct cli_parser ps;
    cli_parser_init(&ps, "question import", argc, argv, opts);
    const char *code = NULL, *file = NULL, *format = NULL;
    bool dry = false, skip = false;
    int o;
    while ((o = cli_next(&ps)) != CLI_OPT_END) {
        if (o == CLI_OPT_ERROR) return EXIT_USAGE;
        if (o == 1)
            dry = true;
        else if (o == 2)
            skip = true;
        else if (o == 3)
            format = ps.value;
        else if (!code)
            code = ps.value;
        else if (!file)
            file = ps.value;
        else
            return cli_usage_error("question import", "unexpected argument '%s'", ps.value);
    }
    if (!code || !file) return cli_usage_error("question import", "give the course code and the question file");
    if (format && !question_format_known(format))
        return cli_usage_error("question import", "--format is gift, moodlexml or aiken, not '%s'", format);
    int64_t course_id = 0;
    int rc = find_course(ctx, a, "question import", code, &course_id);
    if (rc) return rc;
    size_t len = 0;
    char *data = cli_read_file("question import", file, QUESTION_FILE_MAX, &len);
    if (!data) return EXIT_FAIL;
    json_t *report = NULL;
    struct problem p = {0};
    lerr e = question_import(ctx->db, a, course_id, format, data, len, dry, skip, 0, &report, &p);
    free(data);
    if (!report) return cli_fail("question import", "%s: %s", file, p.message);
    size_t i;
    json_t *q;
    json_array_foreach(json_object_get(report, "questions"), i, q)
    {
        int line = (int)json_integer_value(json_object_get(q, "line"));
        if (str_eq(json_string_value(json_object_get(q, "status")), "ok"))
            printf("line %d: ok  %s  %s\n", line, json_string_value(json_object_get(q, "type")),
                   json_string_value(json_object_get(q, "title")));
        else
            printf("line %d: error: %s\n", line, json_string_value(json_object_get(q, "error")));
    }
    int not_listed = (int)json_integer_value(json_object_get(report, "not_listed"));
    if (not_listed)
        printf("(%d more question%s not listed, of which %d with errors: the report lists every error up to "
               "1,000 and the first 1,000 questions that are ok)\n",
               not_listed, not_listed == 1 ? "" : "s", (int)json_integer_value(json_object_get(report, "errors_not_listed")));
    int imported = (int)json_integer_value(json_object_get(report, "imported"));
    int errors = (int)json_integer_value(json_object_get(report, "errors"));
    bool saved = json_is_true(json_object_get(report, "saved"));
    printf("%d question%s ok, %d with errors; %s\n", imported, imported == 1 ? "" : "s", errors,
           saved ? (errors ? "the good ones were saved" : "saved")
           : dry ? "nothing saved (--dry-run)"
           : errors ? "nothing saved: fix the errors (or use --skip-bad) and run again"
                    : "nothing saved");
    json_decref(report);
    if (e && e != LE_INVALID) return cli_fail("question import", "%s", p.message);
    if (e || (errors && !skip)) return EXIT_FAIL;
    return EXIT_OK;
}

static int cmd_question_export(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    static const struct cli_opt opts[] = {{"format", 0, true, 1}, {NULL, 0, false, 0}};
    struct cli_parser ps;
    cli_parser_init(&ps, "question export", argc, argv, opts);
    const char *code = NULL, *format = "gift";
    int o;
    while ((o = cli_next(&ps)) != CLI_OPT_END) {
        if (o == CLI_OPT_ERROR) return EXIT_USAGE;
        if (o == 1)
            format = ps.value;
        else if (code)
            return cli_usage_error("question export", "unexpected argument '%s'", ps.value);
        else
            code = ps.value;
    }
    if (!code) return cli_usage_error("question export", "give the course code");
    if (strcmp(format, "gift") && strcmp(format, "moodlexml"))
        return cli_usage_error("question export", "--format is gift or moodlexml, not '%s'", format);
    int64_t course_id = 0;
    int rc = find_course(ctx, a, "question export", code, &course_id);
    if (rc) return rc;
    struct problem p = {0};
    char *text = question_export(ctx->db, a, course_id, format, &p);
    if (!text) return cli_fail("question export", "%s", p.message);
    fputs(text, stdout);
    free(text);
    return fflush(stdout) == 0 ? EXIT_OK : cli_fail("question export", "cannot write the output");
}

int cmd_question(int argc, char **argv, struct cli_ctx *ctx)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(question_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    struct arena *a = arena_new(0);
    int rc;
    if (strcmp(argv[1], "import") == 0)
        rc = cmd_question_import(argc - 1, argv + 1, ctx, a);
    else if (strcmp(argv[1], "export") == 0)
        rc = cmd_question_export(argc - 1, argv + 1, ctx, a);
    else
        rc = cli_usage_error("question", "unknown subcommand '%s'; use import or export", argv[1]);
    arena_free(a);
    return rc;
}
