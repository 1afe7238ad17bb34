/* What the process documents' files share (doc_page.c, doc_read.c, doc_review.c). */
#ifndef LECTERN_MODEL_COMMUNICATION_DOC_INTERNAL_H
#define LECTERN_MODEL_COMMUNICATION_DOC_INTERNAL_H

#include "internal.h"

/* The columns of a page a change or a check needs. */
struct doc_row {
    int64_t id, parent_id, owner_id, review_at;
    const char *slug, *title, *audience;
    int revision;
};
/* The page with slug: LE_NOTFOUND (naming "slug") when there is none. */
lerr doc_find(struct db *db, struct arena *a, const char *slug, struct doc_row *out, struct problem *p);
/* The page for a reader with roles: LE_NOTFOUND as well when they may not read it, so a page's
 * existence is not told to those it is not for. */
lerr doc_find_readable(struct db *db, struct arena *a, const char *slug, unsigned roles, struct doc_row *out,
                       struct problem *p);

#endif
