/* Helpers every command shares: help detection, option parsing, messages, reading a password,
 * creating the data directory, and the first administrator. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <jansson.h>
#include "cli.h"
#include "../model/people/people.h"

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return true;
    }
    return false;
}

/* ---- Messages ---- */

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lectern %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'lectern %s --help')\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lectern %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_FAIL;
}

char *cli_read_file(const char *cmd, const char *path, size_t max, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        cli_fail(cmd, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    const char *why = NULL;
    while (buf && !why) {
        if (n == cap) {
            if (cap >= max) {
                why = "too big";
                break;
            }
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger) break;
            buf = bigger;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) why = ferror(f) ? "read error" : "done";
    }
    int err = errno;
    if (f != stdin) fclose(f);
    if (why && strcmp(why, "done") == 0) {
        buf[n] = '\0';
        *len = n;
        return buf;
    }
    free(buf);
    if (!why)
        cli_fail(cmd, "out of memory reading %s", path);
    else if (strcmp(why, "too big") == 0)
        cli_fail(cmd, "%s is larger than %zu MiB; split it into smaller files", path, max >> 20);
    else
        cli_fail(cmd, "cannot read %s: %s", path, strerror(err));
    return NULL;
}

int cli_help(const char *text)
{
    fputs(text, stdout);
    return EXIT_OK;
}

/* ---- Options ---- */

void cli_parser_init(struct cli_parser *ps, const char *cmd, int argc, char **argv,
                     const struct cli_opt *opts)
{
    *ps = (struct cli_parser){.cmd = cmd, .argc = argc, .argv = argv, .i = 1, .opts = opts};
}

static const struct cli_opt *find_long(const struct cli_opt *opts, const char *name, size_t len)
{
    for (const struct cli_opt *o = opts; o && o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0) return o;
    return NULL;
}

static const struct cli_opt *find_short(const struct cli_opt *opts, char c)
{
    for (const struct cli_opt *o = opts; o && o->name; o++)
        if (o->short_name && o->short_name == c) return o;
    return NULL;
}

int cli_next(struct cli_parser *ps)
{
    ps->value = NULL;
    if (ps->i >= ps->argc) return CLI_OPT_END;
    const char *a = ps->argv[ps->i++];
    if (ps->opts_done || a[0] != '-' || a[1] == '\0') { /* "-" alone is an argument */
        ps->value = a;
        return CLI_OPT_ARG;
    }
    if (strcmp(a, "--") == 0) {
        ps->opts_done = true;
        return cli_next(ps);
    }
    const struct cli_opt *o;
    const char *inline_value = NULL;
    if (a[1] == '-') {
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        o = find_long(ps->opts, name, len);
        if (!o) {
            cli_usage_error(ps->cmd, "unknown option '%.*s'", (int)(len + 2), a);
            return CLI_OPT_ERROR;
        }
        if (eq) inline_value = eq + 1;
    } else {
        o = a[2] == '\0' ? find_short(ps->opts, a[1]) : NULL;
        if (!o) {
            cli_usage_error(ps->cmd, "unknown option '%s'", a);
            return CLI_OPT_ERROR;
        }
    }
    if (!o->has_value) {
        if (inline_value) {
            cli_usage_error(ps->cmd, "option '--%s' takes no value", o->name);
            return CLI_OPT_ERROR;
        }
        return o->id;
    }
    if (inline_value) {
        ps->value = inline_value;
    } else if (ps->i < ps->argc) {
        ps->value = ps->argv[ps->i++];
    } else {
        cli_usage_error(ps->cmd, "option '%s' needs a value", a);
        return CLI_OPT_ERROR;
    }
    return o->id;
}

bool cli_parse_int(const char *cmd, const char *opt, const char *s, int min, int max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (s[0] == '\0' || *end != '\0' || errno == ERANGE || v < min || v > max) {
        cli_usage_error(cmd, "%s must be a whole number from %d to %d, not '%s'", opt, min, max, s);
        return false;
    }
    *out = (int)v;
    return true;
}

/* ---- Reading a password ---- */

int cli_read_password(const char *cmd, const char *prompt, char *out, size_t out_len)
{
    bool tty = isatty(STDIN_FILENO);
    struct termios saved, quiet;
    bool echo_off = false;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        fflush(stderr);
        if (tcgetattr(STDIN_FILENO, &saved) == 0) {
            quiet = saved;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
    /* Read byte by byte up to the first newline so nothing past the line is consumed and the
     * buffer never grows past its cap, whatever is piped in. */
    size_t n = 0;
    bool too_long = false, has_nul = false, got_any = false;
    int c;
    while ((c = getchar()) != EOF) {
        got_any = true;
        if (c == '\n') break;
        if (c == '\0') has_nul = true;
        if (n + 1 < out_len) out[n++] = (char)c;
        else too_long = true;
    }
    bool read_error = ferror(stdin);
    if (echo_off) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    if (n > 0 && out[n - 1] == '\r' && !too_long) n--;
    out[n] = '\0';
    if (read_error) return cli_fail(cmd, "could not read the password from standard input");
    if (!got_any)
        return cli_fail(cmd, "no password on standard input: pipe one line holding the password, "
                             "or leave out --password-stdin to get a one-time password");
    if (too_long)
        return cli_fail(cmd, "the password on standard input is longer than %zu characters",
                        out_len - 2);
    if (has_nul) return cli_fail(cmd, "the password on standard input contains a NUL byte");
    return EXIT_OK;
}

/* ---- Files ---- */

lerr cli_mkdir_p(const char *path, struct problem *p)
{
    if (!path || !*path) return problem_set(p, LE_INVALID, "data", "the directory name is empty");
    size_t len = strlen(path);
    if (len >= PATH_MAX)
        return problem_set(p, LE_INVALID, "data", "the directory name is too long");
    char tmp[PATH_MAX];
    memcpy(tmp, path, len + 1);
    /* Create each parent in turn, then the directory itself. */
    for (size_t i = 1; i <= len; i++) {
        if (tmp[i] != '/' && tmp[i] != '\0') continue;
        char saved = tmp[i];
        tmp[i] = '\0';
        struct stat st;
        if (stat(tmp, &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                return problem_set(p, LE_IO, "data",
                                   "'%s' exists and is not a directory: choose another --data path",
                                   tmp);
            }
        } else if (errno == ENOENT) {
            if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
                return problem_set(p, LE_IO, "data", "cannot create directory '%s': %s", tmp,
                                   strerror(errno));
        } else {
            return problem_set(p, LE_IO, "data", "cannot use '%s': %s", tmp, strerror(errno));
        }
        tmp[i] = saved;
    }
    return LE_OK;
}

/* ---- Output ---- */

const char *cli_time(int64_t t, char out[static 21], const char *none)
{
    if (t <= 0) return none;
    time_iso8601(t, out);
    return out;
}

size_t cli_text_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *q = (const unsigned char *)(s ? s : ""); *q; q++)
        if ((*q & 0xC0) != 0x80) w++;
    return w;
}

int cli_print_json(json_t *j)
{
    if (!j || json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
        fprintf(stderr, "lectern: could not write JSON\n");
        return EXIT_FAIL;
    }
    fputc('\n', stdout);
    return EXIT_OK;
}

/* ---- The first administrator ---- */

int cli_bootstrap_admin(struct cli_ctx *ctx)
{
    int n = user_count(ctx->db);
    if (n < 0) {
        fprintf(stderr, "lectern: cannot count users: %s\n", db_errmsg(ctx->db));
        return EXIT_FAIL;
    }
    if (n > 0) return EXIT_OK;

    struct arena *a = arena_new(4096);
    struct problem p = {0};
    struct user_input in = {
        .username = "admin",
        .email = "admin@localhost",
        .roles = "admin",
    };
    int64_t id = 0;
    char *otp = NULL;
    lerr e = user_create(ctx->db, a, &in, NULL, true, 0, &id, &otp, &p);
    if (e == LE_CONFLICT) {
        /* Several nodes started together on one new database: another one created it. */
        arena_free(a);
        return EXIT_OK;
    }
    if (e != LE_OK || !otp) {
        fprintf(stderr, "lectern: cannot create the administrator account: %s\n",
                e != LE_OK ? p.message : "no one-time password was generated");
        arena_free(a);
        return EXIT_FAIL;
    }
    /* Printed once and never stored in clear: frame it so it is hard to miss in a log. */
    printf("------------------------------------------------------------\n"
           "Administrator account created.\n"
           "  username: admin\n"
           "  one-time password: %s\n"
           "Sign in at %s and choose a new password.\n"
           "This password is shown only once.\n"
           "------------------------------------------------------------\n",
           otp, ctx->sign_in_url ? ctx->sign_in_url : "http://127.0.0.1:8080");
    fflush(stdout);
    arena_free(a);
    return EXIT_OK;
}

int cli_parse_list_opts(const char *cmd, int argc, char **argv, const char *const *states, int max_n,
                        struct cli_list_opts *out)
{
    enum { OPT_STATE = 1, OPT_N, OPT_JSON };
    static const struct cli_opt opts[] = {
        {"state", 0, true, OPT_STATE}, {"lines", 'n', true, OPT_N}, {"json", 0, false, OPT_JSON}, {0}};
    struct cli_parser ps;
    cli_parser_init(&ps, cmd, argc, argv, opts);
    *out = (struct cli_list_opts){NULL, 20, false};
    for (int o; (o = cli_next(&ps)) != CLI_OPT_END;) {
        switch (o) {
        case CLI_OPT_ERROR: return EXIT_USAGE;
        case CLI_OPT_ARG: return cli_usage_error(cmd, "unexpected argument '%s'", ps.value);
        case OPT_STATE: {
            size_t i = 0;
            while (states[i] && strcmp(states[i], ps.value) != 0) i++;
            if (!states[i]) {
                char list[200] = "";
                for (size_t k = 0; states[k]; k++)
                    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "", states[k]);
                return cli_usage_error(cmd, "--state is one of %s, not '%s'", list, ps.value);
            }
            out->state = ps.value;
            break;
        }
        case OPT_N:
            if (!cli_parse_int(cmd, "-n", ps.value, 1, max_n, &out->n)) return EXIT_USAGE;
            break;
        case OPT_JSON: out->json = true; break;
        }
    }
    return EXIT_OK;
}
