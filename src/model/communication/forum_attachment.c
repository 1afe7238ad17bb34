/* Files attached to posts: one per post, checked like course files (the type from the bytes
 * must match the name, at most content_file_max bytes) and kept in the content store, so the
 * same bytes attached twice are stored once. Whoever may see the post may download it. */
#include <stdio.h>
#include "internal.h"

lerr forum_file_check(const struct forum_file *f, const char **mime, struct problem *p)
{
    if (!f->data || !f->len) return problem_set(p, LE_INVALID, "file", "The attached file is empty; choose another.");
    if ((int64_t)f->len > content_file_max)
        return problem_set(p, LE_TOOBIG, "file", "The file is %lld KiB; an attachment may have at most %lld MiB.",
                           (long long)(f->len + 1023) / 1024, (long long)(content_file_max >> 20));
    return content_check_type(f->name, f->mime, f->data, f->len, mime, p);
}

lerr forum_file_attach(struct db *db, int64_t post_id, const struct forum_file *f, const char *mime,
                       struct problem *p)
{
    char sha[65];
    lerr e = content_store_file(db, f->data_dir, f->data, f->len, mime, sha, p);
    if (e) return e;
    if (db_run(db,
               "INSERT INTO forum_attachments (post_id, sha256, file_name, mime, size) VALUES (?1, ?2, ?3, ?4, ?5)",
               "isssi", post_id, (const char *)sha, f->name && *f->name ? f->name : "file", mime, (int64_t)f->len))
        return model_db_problem(p);
    return LE_OK;
}

lerr forum_attachment_find(struct db *db, struct arena *a, int64_t id, int64_t viewer_id, unsigned viewer_roles,
                           struct forum_attachment *out, struct problem *p)
{
    int64_t thread = 0, hidden = 0, post = 0, author = 0;
    struct db_stmt *st = db_query(db,
                                  "SELECT x.sha256, x.file_name, x.mime, x.size, p.thread_id, p.hidden, p.id, "
                                  "p.author_id FROM "
                                  "forum_attachments x JOIN forum_posts p ON p.id = x.post_id WHERE x.id = ?1",
                                  "i", id);
    if (!st) return model_db_problem(p);
    bool found = db_step(st) == DB_ROW;
    if (found) {
        snprintf(out->sha256, sizeof out->sha256, "%s", db_col_text(st, 0));
        out->file_name = model_col_str(a, st, 1);
        out->mime = model_col_str(a, st, 2);
        out->size = db_col_int(st, 3);
        thread = db_col_int(st, 4), hidden = db_col_int(st, 5), post = db_col_int(st, 6), author = db_col_int(st, 7);
    }
    db_done(st);
    if (!found) return problem_set(p, LE_NOTFOUND, "id", "There is no such attachment.");
    struct forum_access fa;
    lerr e = forum_open_thread(db, a, thread, viewer_id, viewer_roles, &fa, NULL, p);
    if (!e && !forum_post_visible(&fa, post, author, hidden != 0))
        e = problem_set(p, LE_NOTFOUND, "id", "There is no such attachment.");
    return e;
}
