/* The home page (web/home/): the dashboard, which gathers from the domains below it what each
 * person needs first. */
#ifndef LECTERN_WEB_HOME_H
#define LECTERN_WEB_HOME_H

#include "../web.h"

extern const struct web_domain web_home;

#endif
