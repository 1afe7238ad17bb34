/* The people domain's pages (web/people/): signing in, the signed-in user, accounts, sign-in
 * support, the organisation and bulk upload. Nothing of it is used by other web code but its
 * routes. */
#ifndef LECTERN_WEB_PEOPLE_H
#define LECTERN_WEB_PEOPLE_H

#include "../web.h"

extern const struct web_domain web_people;

#endif
