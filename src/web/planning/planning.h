/* The planning domain's pages (web/planning/): the register of rooms, a session activity's
 * page with its events, bookings and attendance, and their API. Nothing of it is used by other
 * web code but its routes. */
#ifndef LECTERN_WEB_PLANNING_H
#define LECTERN_WEB_PLANNING_H

#include "../web.h"

extern const struct web_domain web_planning;

#endif
