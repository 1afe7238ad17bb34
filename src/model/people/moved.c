/* The organisation's listeners (people.h): what other domains keep in step with where people
 * are, and what they keep that names a department or job role. People knows them only as
 * these tables, filled once at start. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define MOVED_MAX 8

static people_moved_fn listeners[MOVED_MAX];
static int n_listeners;

void people_on_moved(people_moved_fn fn)
{
    if (n_listeners == MOVED_MAX) abort(); /* a programming error: raise MOVED_MAX */
    listeners[n_listeners++] = fn;
}

lerr people_moved(struct db *db, int64_t user_id, struct problem *p)
{
    for (int i = 0; i < n_listeners; i++) {
        lerr e = listeners[i](db, user_id, p);
        if (e) return e;
    }
    return LE_OK;
}

static org_references_fn references[MOVED_MAX];
static int n_references;

void people_on_org_references(org_references_fn fn)
{
    if (n_references == MOVED_MAX) abort(); /* a programming error: raise MOVED_MAX */
    references[n_references++] = fn;
}

lerr org_check_unreferenced(struct db *db, struct arena *a, enum org_kind kind, int64_t id, const char *name,
                            struct problem *p)
{
    for (int i = 0; i < n_references; i++) {
        const char *what = NULL;
        if (references[i](db, a, kind, id, &what)) return model_db_problem(p);
        if (what)
            return problem_set(p, LE_CONFLICT, "id", "The %s '%s' is used by %s; remove or change %s first.",
                               kind == ORG_DEPARTMENT ? "department" : "job role", name, what,
                               strchr(what, ',') || strstr(what, " and ") ? "them" : "it");
    }
    return LE_OK;
}
