/* lectern version (also lectern --version). */
#include <stdio.h>
#include "cli.h"

#ifndef LECTERN_VERSION
#define LECTERN_VERSION "dev"
#endif
const char cli_version[] = LECTERN_VERSION;

static const char version_usage[] =
    "usage: lectern version\n"
    "       lectern --version\n"
    "\n"
    "Prints the version of this binary, e.g. \"lectern 0.1.0\".\n";

int cmd_version(int argc, char **argv, struct cli_ctx *ctx)
{
    (void)ctx;
    if (cli_wants_help(argc, argv)) return cli_help(version_usage);
    if (argc > 1) return cli_usage_error("version", "unexpected argument '%s'", argv[1]);
    printf("lectern %s\n", cli_version);
    return EXIT_OK;
}
