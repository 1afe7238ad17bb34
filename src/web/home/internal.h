/* What the home page's files share: the handlers its route table names. */
#ifndef LECTERN_WEB_HOME_INTERNAL_H
#define LECTERN_WEB_HOME_INTERNAL_H

#include "home.h"

void h_dashboard(struct request *req, struct response *res);

#endif
