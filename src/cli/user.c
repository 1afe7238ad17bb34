/* lectern user: accounts from the terminal. Every change goes through the same model
 * functions as the web pages, with actor 0 (the system), so the audit log records it. */
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "cli.h"
#include "../model/platform/platform.h"
#include "../model/people/people.h"

struct user_cmd {
    const char *name;
    int (*fn)(int argc, char **argv, struct cli_ctx *ctx, struct arena *a);
    const char *usage;
    const char *summary;
};

/* ---- Helpers ---- */

/* Looks a user up by name; prints what went wrong and returns EXIT_FAIL when not found. */
static int find_user(struct cli_ctx *ctx, struct arena *a, const char *cmd, const char *username,
                     struct user *u)
{
    struct problem p = {0};
    lerr e = user_get_by_username(ctx->db, a, username, u, &p);
    if (e == LE_NOTFOUND) return cli_fail(cmd, "no user named '%s'", username);
    if (e != LE_OK)
        return cli_fail(cmd, "cannot look up '%s': %s", username,
                        p.message[0] ? p.message : db_errmsg(ctx->db));
    return EXIT_OK;
}

static const char *roles_text(struct arena *a, unsigned roles)
{
    static const unsigned all[] = {ROLE_ADMIN, ROLE_MANAGER, ROLE_INSTRUCTOR, ROLE_LEARNER};
    const char *out = "";
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (!(roles & all[i])) continue;
        out = arena_sprintf(a, "%s%s%s", out, *out ? "," : "", role_name(all[i]));
    }
    return *out ? out : "-";
}

static const char *full_name(struct arena *a, const struct user *u)
{
    const char *first = u->first_name ? u->first_name : "";
    const char *last = u->last_name ? u->last_name : "";
    const char *name = arena_sprintf(a, "%s%s%s", first, *first && *last ? " " : "", last);
    return *name ? name : "-";
}

static const char *locked_text(struct arena *a, const struct user *u)
{
    if (u->locked_until <= time_now()) return "no";
    char t[21];
    time_iso8601(u->locked_until, t);
    return arena_sprintf(a, "until %s", t);
}

/* Parses "USERNAME" plus the given options for the commands that act on one user. Returns
 * an option id, CLI_OPT_END when done, or CLI_OPT_ERROR after a message. */
static int next_with_username(struct cli_parser *ps, const char **username)
{
    for (;;) {
        int o = cli_next(ps);
        if (o == CLI_OPT_ARG) {
            if (*username) {
                cli_usage_error(ps->cmd, "unexpected argument '%s': give one username", ps->value);
                return CLI_OPT_ERROR;
            }
            *username = ps->value;
            continue;
        }
        if (o == CLI_OPT_END && !*username) {
            cli_usage_error(ps->cmd, "which user? give a username");
            return CLI_OPT_ERROR;
        }
        return o;
    }
}

static void print_one_time_password(const char *headline, const char *username, const char *otp)
{
    printf("------------------------------------------------------------\n"
           "%s\n"
           "  username: %s\n"
           "  one-time password: %s\n"
           "It is shown only once; the user must choose a new password at first sign-in.\n"
           "------------------------------------------------------------\n",
           headline, username, otp);
}

static int read_password(const char *cmd, const char *username, char *pw, size_t pw_len)
{
    char prompt[300];
    snprintf(prompt, sizeof prompt, "New password for %s: ", username);
    return cli_read_password(cmd, prompt, pw, pw_len);
}

/* ---- user add ---- */

static const char add_usage[] =
    "usage: lectern user add USERNAME --email EMAIL --role ROLE [--first NAME] [--last NAME]\n"
    "                        [--password-stdin]\n"
    "\n"
    "Creates an account. Without --password-stdin a one-time password is generated and\n"
    "printed once; the user must change it at first sign-in.\n"
    "\n"
    "  --email EMAIL       the user's email address (required)\n"
    "  --role ROLE         admin, manager, instructor or learner (required); a comma list\n"
    "                      such as admin,learner, or repeat --role\n"
    "  --first NAME        first name\n"
    "  --last NAME         last name\n"
    "  --password-stdin    read the password from the first line of standard input; it must\n"
    "                      meet the password policy\n";

static int user_add(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    const char *cmd = "user add";
    enum { OPT_EMAIL = 1, OPT_ROLE, OPT_FIRST, OPT_LAST, OPT_STDIN };
    static const struct cli_opt opts[] = {
        {"email", 0, true, OPT_EMAIL},  {"role", 0, true, OPT_ROLE},
        {"first", 0, true, OPT_FIRST},  {"last", 0, true, OPT_LAST},
        {"password-stdin", 0, false, OPT_STDIN}, {0},
    };
    struct cli_parser ps;
    cli_parser_init(&ps, cmd, argc, argv, opts);
    struct user_input in = {0};
    const char *roles = NULL;
    bool from_stdin = false;
    for (int o; (o = next_with_username(&ps, &in.username)) != CLI_OPT_END;) {
        switch (o) {
        case CLI_OPT_ERROR: return EXIT_USAGE;
        case OPT_EMAIL: in.email = ps.value; break;
        case OPT_FIRST: in.first_name = ps.value; break;
        case OPT_LAST: in.last_name = ps.value; break;
        case OPT_STDIN: from_stdin = true; break;
        case OPT_ROLE:
            roles = roles ? arena_sprintf(a, "%s,%s", roles, ps.value) : ps.value;
            break;
        }
    }
    if (!in.email) return cli_usage_error(cmd, "--email is required");
    if (!roles)
        return cli_usage_error(cmd, "--role is required (admin, manager, instructor or learner)");
    in.roles = roles;

    char pw[PASSWORD_MAX_LEN + 2];
    if (from_stdin && read_password(cmd, in.username, pw, sizeof pw) != EXIT_OK) return EXIT_FAIL;

    struct problem p = {0};
    int64_t id = 0;
    char *otp = NULL;
    lerr e = user_create(ctx->db, a, &in, from_stdin ? pw : NULL, !from_stdin, 0, &id, &otp, &p);
    if (from_stdin) explicit_bzero(pw, sizeof pw);
    if (e != LE_OK)
        return cli_fail(cmd, "%s", p.message[0] ? p.message : db_errmsg(ctx->db));
    /* The model normalises the username (case, spaces): show the one that was stored. */
    struct user u;
    const char *name = user_get(ctx->db, a, id, &u, &p) == LE_OK ? u.username : in.username;
    if (from_stdin) {
        printf("User '%s' created (id %lld).\n", name, (long long)id);
    } else {
        char *headline = arena_sprintf(a, "User '%s' created (id %lld).", name, (long long)id);
        print_one_time_password(headline, name, otp ? otp : "(none returned)");
    }
    return EXIT_OK;
}

/* ---- user list ---- */

static const char list_usage[] =
    "usage: lectern user list [--search TEXT] [--page N] [--per-page N] [--json]\n"
    "\n"
    "Lists accounts, 50 to a page: username, name, email, roles, status and whether the\n"
    "account is locked after failed sign-ins.\n"
    "\n"
    "  --search TEXT   only users whose username, name or email contains TEXT\n"
    "  --page N        page to show, from 1 (default 1)\n"
    "  --per-page N    users per page, 1 to 500 (default 50)\n"
    "  --json          print {\"items\": [...], \"page\", \"per_page\", \"total\", \"next\"}\n";

static int user_list_cmd(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    const char *cmd = "user list";
    enum { OPT_SEARCH = 1, OPT_PAGE, OPT_PER_PAGE, OPT_JSON };
    static const struct cli_opt opts[] = {
        {"search", 0, true, OPT_SEARCH}, {"page", 0, true, OPT_PAGE},
        {"per-page", 0, true, OPT_PER_PAGE}, {"json", 0, false, OPT_JSON}, {0},
    };
    struct cli_parser ps;
    cli_parser_init(&ps, cmd, argc, argv, opts);
    const char *q = NULL;
    int page = 1, per_page = 50;
    bool json = false;
    for (int o; (o = cli_next(&ps)) != CLI_OPT_END;) {
        switch (o) {
        case CLI_OPT_ERROR: return EXIT_USAGE;
        case CLI_OPT_ARG: return cli_usage_error(cmd, "unexpected argument '%s'", ps.value);
        case OPT_SEARCH: q = ps.value; break;
        case OPT_PAGE:
            if (!cli_parse_int(cmd, "--page", ps.value, 1, 1000000, &page)) return EXIT_USAGE;
            break;
        case OPT_PER_PAGE:
            if (!cli_parse_int(cmd, "--per-page", ps.value, 1, 500, &per_page)) return EXIT_USAGE;
            break;
        case OPT_JSON: json = true; break;
        }
    }

    struct user *users = NULL;
    int n = 0, total = 0;
    if (user_list(ctx->db, a, q, page, per_page, &users, &n, &total) != LE_OK)
        return cli_fail(cmd, "cannot list users: %s", db_errmsg(ctx->db));
    bool more = (int64_t)page * per_page < total;

    if (json) {
        json_t *items = json_array();
        for (int i = 0; i < n; i++) json_array_append_new(items, user_to_json(&users[i]));
        json_t *out = json_pack("{s:o, s:i, s:i, s:i, s:o}", "items", items, "page", page,
                                "per_page", per_page, "total", total, "next",
                                more ? json_integer(page + 1) : json_null());
        int rc = cli_print_json(out);
        json_decref(out);
        return rc;
    }

    if (n == 0) {
        if (total > 0) printf("No users on page %d (%d in all).\n", page, total);
        else if (q) printf("No users match '%s'.\n", q);
        else printf("No users.\n");
        return EXIT_OK;
    }
    enum { NCOL = 6 };
    static const char *const heads[NCOL] = {"USERNAME", "NAME",   "EMAIL",
                                            "ROLES",    "STATUS", "LOCKED"};
    const char **cells = arena_alloc(a, sizeof *cells * (size_t)n * NCOL);
    size_t width[NCOL];
    for (int c = 0; c < NCOL; c++) width[c] = strlen(heads[c]);
    for (int i = 0; i < n; i++) {
        const struct user *u = &users[i];
        const char **row = cells + (size_t)i * NCOL;
        row[0] = u->username ? u->username : "";
        row[1] = full_name(a, u);
        row[2] = u->email && *u->email ? u->email : "-";
        row[3] = roles_text(a, u->roles);
        row[4] = u->status ? u->status : "-";
        row[5] = locked_text(a, u);
        for (int c = 0; c < NCOL; c++) {
            size_t w = cli_text_width(row[c]);
            if (w > width[c]) width[c] = w;
        }
    }
    for (int i = -1; i < n; i++) {
        const char *const *row = i < 0 ? heads : cells + (size_t)i * NCOL;
        for (int c = 0; c < NCOL; c++) {
            fputs(row[c], stdout);
            if (c == NCOL - 1) break;
            for (size_t w = cli_text_width(row[c]); w < width[c] + 2; w++) fputc(' ', stdout);
        }
        fputc('\n', stdout);
    }
    if (page > 1 || more) {
        int pages = (total + per_page - 1) / per_page;
        printf("\nPage %d of %d (%d users).", page, pages, total);
        if (more) printf(" Next: lectern user list%s%s%s --page %d", q ? " --search '" : "",
                         q ? q : "", q ? "'" : "", page + 1);
        fputc('\n', stdout);
    }
    return EXIT_OK;
}

/* ---- user show ---- */

static const char show_usage[] =
    "usage: lectern user show USERNAME [--json]\n"
    "\n"
    "Shows one account (never its password).\n"
    "\n"
    "  --json   print the account as a JSON object\n";

static int user_show(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    const char *cmd = "user show";
    enum { OPT_JSON = 1 };
    static const struct cli_opt opts[] = {{"json", 0, false, OPT_JSON}, {0}};
    struct cli_parser ps;
    cli_parser_init(&ps, cmd, argc, argv, opts);
    const char *username = NULL;
    bool json = false;
    for (int o; (o = next_with_username(&ps, &username)) != CLI_OPT_END;) {
        if (o == CLI_OPT_ERROR) return EXIT_USAGE;
        if (o == OPT_JSON) json = true;
    }
    struct user u;
    int rc = find_user(ctx, a, cmd, username, &u);
    if (rc != EXIT_OK) return rc;
    if (json) {
        json_t *j = user_to_json(&u);
        rc = cli_print_json(j);
        json_decref(j);
        return rc;
    }
    char t1[21], t2[21], t3[21];
    printf("username:             %s\n"
           "name:                 %s\n"
           "email:                %s\n"
           "roles:                %s\n"
           "status:               %s\n"
           "locked:               %s\n"
           "must change password: %s\n"
           "last sign-in:         %s\n"
           "created:              %s\n"
           "updated:              %s\n"
           "id:                   %lld\n",
           u.username, full_name(a, &u), u.email && *u.email ? u.email : "-",
           roles_text(a, u.roles), u.status ? u.status : "-", locked_text(a, &u),
           u.must_change_password ? "yes" : "no", cli_time(u.last_signin_at, t1, "never"),
           cli_time(u.created_at, t2, "-"), cli_time(u.updated_at, t3, "-"), (long long)u.id);
    return EXIT_OK;
}

/* ---- user passwd ---- */

static const char passwd_usage[] =
    "usage: lectern user passwd USERNAME [--password-stdin [--must-change]]\n"
    "\n"
    "Without --password-stdin: sets a new one-time password, prints it once, and the user\n"
    "must change it at next sign-in. The user's sessions end.\n"
    "\n"
    "  --password-stdin   read the new password from the first line of standard input; it\n"
    "                     must meet the password policy\n"
    "  --must-change      with --password-stdin: the user must still change it at next sign-in\n";

static int user_passwd(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    const char *cmd = "user passwd";
    enum { OPT_STDIN = 1, OPT_MUST_CHANGE };
    static const struct cli_opt opts[] = {
        {"password-stdin", 0, false, OPT_STDIN}, {"must-change", 0, false, OPT_MUST_CHANGE}, {0},
    };
    struct cli_parser ps;
    cli_parser_init(&ps, cmd, argc, argv, opts);
    const char *username = NULL;
    bool from_stdin = false, must_change = false;
    for (int o; (o = next_with_username(&ps, &username)) != CLI_OPT_END;) {
        if (o == CLI_OPT_ERROR) return EXIT_USAGE;
        if (o == OPT_STDIN) from_stdin = true;
        if (o == OPT_MUST_CHANGE) must_change = true;
    }
    if (must_change && !from_stdin)
        return cli_usage_error(cmd, "--must-change goes with --password-stdin (a generated "
                                    "one-time password must always be changed)");
    struct user u;
    int rc = find_user(ctx, a, cmd, username, &u);
    if (rc != EXIT_OK) return rc;

    struct problem p = {0};
    if (!from_stdin) {
        char *otp = NULL;
        if (user_reset_password(ctx->db, a, u.id, 0, &otp, &p) != LE_OK)
            return cli_fail(cmd, "%s", p.message[0] ? p.message : db_errmsg(ctx->db));
        char *headline = arena_sprintf(a, "Password for '%s' reset.", u.username);
        print_one_time_password(headline, u.username, otp ? otp : "(none returned)");
        return EXIT_OK;
    }
    char pw[PASSWORD_MAX_LEN + 2];
    if (read_password(cmd, u.username, pw, sizeof pw) != EXIT_OK) return EXIT_FAIL;
    lerr e = user_set_password(ctx->db, u.id, pw, must_change, 0, &p);
    explicit_bzero(pw, sizeof pw);
    if (e != LE_OK) return cli_fail(cmd, "%s", p.message[0] ? p.message : db_errmsg(ctx->db));
    printf("Password for '%s' changed.%s\n", u.username,
           must_change ? " The user must change it at next sign-in." : "");
    return EXIT_OK;
}

/* ---- user unlock | suspend | reactivate ---- */

static const char unlock_usage[] =
    "usage: lectern user unlock USERNAME\n"
    "\n"
    "Lifts the lockout that failed sign-ins put on an account, before it runs out.\n";
static const char suspend_usage[] =
    "usage: lectern user suspend USERNAME\n"
    "\n"
    "Suspends an account: the user cannot sign in and their sessions end. Their records stay.\n";
static const char reactivate_usage[] =
    "usage: lectern user reactivate USERNAME\n"
    "\n"
    "Lets a suspended account sign in again.\n";

/* already_status: when the account is already in this status, say so and change nothing. */
static int user_state_change(int argc, char **argv, struct cli_ctx *ctx, struct arena *a,
                             const char *cmd,
                             lerr (*fn)(struct db *, int64_t, int64_t, struct problem *),
                             const char *already_status, const char *done)
{
    struct cli_parser ps;
    static const struct cli_opt opts[] = {{0}};
    cli_parser_init(&ps, cmd, argc, argv, opts);
    const char *username = NULL;
    if (next_with_username(&ps, &username) != CLI_OPT_END) return EXIT_USAGE;
    struct user u;
    int rc = find_user(ctx, a, cmd, username, &u);
    if (rc != EXIT_OK) return rc;
    if (already_status && str_eq(u.status, already_status)) {
        printf("'%s' is already %s; nothing changed.\n", u.username, already_status);
        return EXIT_OK;
    }
    struct problem p = {0};
    if (fn(ctx->db, u.id, 0, &p) != LE_OK)
        return cli_fail(cmd, "%s", p.message[0] ? p.message : db_errmsg(ctx->db));
    printf("%s '%s'.\n", done, u.username);
    return EXIT_OK;
}

static int user_unlock_cmd(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    return user_state_change(argc, argv, ctx, a, "user unlock", user_unlock, NULL, "Unlocked");
}

static int user_suspend_cmd(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    return user_state_change(argc, argv, ctx, a, "user suspend", user_suspend, "suspended",
                             "Suspended");
}

static int user_reactivate_cmd(int argc, char **argv, struct cli_ctx *ctx, struct arena *a)
{
    return user_state_change(argc, argv, ctx, a, "user reactivate", user_reactivate, "active",
                             "Reactivated");
}

/* ---- Dispatch ---- */

static const struct user_cmd user_cmds[] = {
    {"add", user_add, add_usage, "Create an account"},
    {"list", user_list_cmd, list_usage, "List accounts, optionally matching a search"},
    {"show", user_show, show_usage, "Show one account"},
    {"passwd", user_passwd, passwd_usage, "Set or reset an account's password"},
    {"unlock", user_unlock_cmd, unlock_usage, "Lift a lockout after failed sign-ins"},
    {"suspend", user_suspend_cmd, suspend_usage, "Stop an account from signing in"},
    {"reactivate", user_reactivate_cmd, reactivate_usage, "Let a suspended account sign in"},
    {"import", cli_user_import, cli_user_import_usage, "Create and update accounts from a CSV file"},
    {"export", cli_user_export, cli_user_export_usage, "Write every account as CSV"},
};

static void user_usage(FILE *out)
{
    fprintf(out, "usage: lectern user <subcommand> [<args>]\n\nSubcommands:\n");
    for (size_t i = 0; i < sizeof user_cmds / sizeof user_cmds[0]; i++)
        fprintf(out, "  %-11s %s\n", user_cmds[i].name, user_cmds[i].summary);
    fprintf(out, "\nRun 'lectern user <subcommand> --help' for its options. Changes made here\n"
                 "are recorded in the audit log as made by the system.\n");
}

int cmd_user(int argc, char **argv, struct cli_ctx *ctx)
{
    if (argc < 2) {
        user_usage(stderr);
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        user_usage(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof user_cmds / sizeof user_cmds[0]; i++) {
        const struct user_cmd *c = &user_cmds[i];
        if (strcmp(c->name, sub) != 0) continue;
        if (cli_wants_help(argc - 1, argv + 1)) return cli_help(c->usage);
        if (!ctx->db) return cli_fail("user", "no database is open");
        struct arena *a = arena_new(16384);
        int rc = c->fn(argc - 1, argv + 1, ctx, a);
        arena_free(a);
        return rc;
    }
    if (sub[0] == '-') return cli_usage_error("user", "unknown option '%s'", sub);
    return cli_usage_error("user", "'%s' is not a user subcommand", sub);
}
