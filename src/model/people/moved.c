/* The organisation's listeners (people.h): what other domains keep in step with where people
 * are. People knows them only as this table, filled once at start. */
#include <stdlib.h>
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
