/* The route table: every domain's routes joined at start into the one table the router walks
 * (src/http/router.c). Each domain declares its routes next to its handlers
 * (web/<domain>/routes.c): method, pattern, handler, the capability the router checks before
 * calling it, and the parameters it accepts. Pages and their JSON twins share handlers; the
 * view picks HTML or JSON.
 *
 * Adding a domain: give it a folder with its handlers, its routes and a struct web_domain, and
 * add it below after the domains it uses (docs/architecture.md). */
#include <stdlib.h>
#include <string.h>
#include "web.h"
#include "platform/platform.h"
#include "people/people.h"
#include "home/home.h"
#include "courses/courses.h"
#include "assessments/assessments.h"
#include "planning/planning.h"
#include "schedules/schedules.h"
#include "communication/maintenance.h"
#include "communication/communication.h"
#include "records/records.h"

/* In order: a domain's init may use what the domains before it registered. The router tries
 * routes in table order, so home (the dashboard, the page most asked for) comes first; it
 * registers nothing. */
static const struct web_domain *const domains[] = {
    &web_home, &web_platform, &web_people, &web_courses, &web_assessments, &web_planning, &web_schedules,
    &web_maintenance,
    &web_announcements, &web_forums, &web_notifications, &web_requests, &web_docs, &web_records,
};

const struct route *web_routes;
size_t web_n_routes;

lerr web_routes_join(struct problem *p)
{
    if (web_routes) return LE_OK;
    size_t n = 0;
    for (size_t d = 0; d < sizeof domains / sizeof domains[0]; d++) n += domains[d]->n_routes;
    struct route *all = malloc(n * sizeof *all); /* for the life of the process */
    if (!all) return problem_set(p, LE_NOMEM, "", "out of memory while joining the route table");
    size_t at = 0;
    for (size_t d = 0; d < sizeof domains / sizeof domains[0]; d++) {
        memcpy(all + at, domains[d]->routes, domains[d]->n_routes * sizeof *all);
        at += domains[d]->n_routes;
        if (domains[d]->init) domains[d]->init();
    }
    web_routes = all;
    web_n_routes = n;
    return LE_OK;
}

void web_domains_warm(struct db *db)
{
    for (size_t d = 0; d < sizeof domains / sizeof domains[0]; d++)
        if (domains[d]->warm) domains[d]->warm(db);
}
