/* lectern routes: the joined route table as JSON, one object per route in the order the router
 * tries them: method, pattern and the capability the router checks ("public" for none). The
 * authorisation matrix test (tests/api/authorisation-matrix.test.mjs) reads its route list
 * from here, so a route added to any domain's table without an entry in the matrix fails it. */
#include <stdio.h>
#include <stdlib.h>
#include <jansson.h>
#include "cli.h"
#include "../web/web.h"
#include "../model/platform/platform.h"

static const char routes_usage[] =
    "usage: lectern routes\n"
    "\n"
    "Prints the route table as a JSON array of {\"method\", \"pattern\", \"capability\"},\n"
    "in the order the router tries the routes. \"capability\" is a name from the role table\n"
    "(e.g. \"users.view\"), or \"public\" for routes anyone may ask.\n";

int cmd_routes(int argc, char **argv, struct cli_ctx *ctx)
{
    (void)ctx;
    if (cli_wants_help(argc, argv)) return cli_help(routes_usage);
    if (argc > 1) return cli_usage_error("routes", "unexpected argument '%s'", argv[1]);
    struct problem p = {0};
    if (web_routes_join(&p)) {
        fprintf(stderr, "lectern routes: %s\n", p.message);
        return EXIT_FAIL;
    }
    json_t *all = json_array();
    for (size_t i = 0; i < web_n_routes; i++) {
        const struct route *r = &web_routes[i];
        const char *cap = r->capability == CAP_PUBLIC ? "public" : cap_name((enum capability)r->capability);
        json_array_append_new(all, json_pack("{s:s, s:s, s:s}", "method", r->method, "pattern", r->pattern,
                                             "capability", cap ? cap : "unknown"));
    }
    char *text = json_dumps(all, JSON_INDENT(1));
    json_decref(all);
    if (!text) return EXIT_FAIL;
    puts(text);
    json_text_free(text);
    return EXIT_OK;
}
