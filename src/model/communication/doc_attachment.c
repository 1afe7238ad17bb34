/* A process document's attached files: kept in the content store with the same size cap and
 * type checks as course files (the type detected from the bytes, never the name alone), listed
 * with the page, read by the page's readers only. Removing one leaves the stored file, which
 * other pages or courses may share. */
#include <string.h>
#include "doc_internal.h"

#define DOC_FILE_NAME_MAX 255

lerr doc_attach(struct db *db, struct arena *a, const char *data_dir, const char *slug, const struct doc_file *f,
                int64_t actor_id, int64_t *id_out, struct problem *p)
{
    struct doc_row r;
    if (doc_find(db, a, slug, &r, p)) return p->code;
    if (!f->data || !f->len) return problem_set(p, LE_INVALID, "file", "Choose a file to attach.");
    if ((int64_t)f->len > content_file_max)
        return problem_set(p, LE_TOOBIG, "file", "The file is %lld KiB; an attachment may have at most %lld MiB.",
                           (long long)(f->len + 1023) / 1024, (long long)(content_file_max >> 20));
    const char *name = f->name && *f->name ? f->name : "file";
    if (strlen(name) > DOC_FILE_NAME_MAX)
        return problem_set(p, LE_INVALID, "file", "Give the file a name of at most %d characters.", DOC_FILE_NAME_MAX);
    const char *mime;
    char sha[65];
    lerr e = content_check_type(name, f->mime, f->data, f->len, &mime, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    e = content_store_file(db, data_dir, f->data, f->len, mime, sha, p);
    struct db_stmt *st = e ? NULL
                           : db_prepare(db, "INSERT INTO doc_attachments (page_id, sha256, name, mime, size, created_by, "
                                            "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
    if (!e && !st) e = model_db_problem(p);
    if (st) {
        db_bind_int(st, 1, r.id);
        db_bind_text(st, 2, sha);
        db_bind_text(st, 3, name);
        db_bind_text(st, 4, mime);
        db_bind_int(st, 5, (int64_t)f->len);
        db_bind_int(st, 6, actor_id);
        db_bind_int(st, 7, time_now());
        if (bulk_step_id(st, id_out)) e = model_db_problem(p);
    }
    if (!e) {
        json_t *d = json_pack("{s:s, s:s}", "name", name, "sha256", sha);
        if (audit_append(db, actor_id, "doc.attach", arena_sprintf(a, "doc:%s", r.slug), d)) e = model_db_problem(p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr doc_attachment_get(struct db *db, struct arena *a, const char *slug, int64_t id, unsigned roles,
                        struct doc_file_ref *out, struct problem *p)
{
    struct doc_row r;
    if (doc_find_readable(db, a, slug, roles, &r, p)) return p->code;
    struct db_stmt *st = db_query(db, "SELECT sha256, name, mime, size FROM doc_attachments WHERE id = ?1 AND page_id = ?2",
                                  "ii", id, r.id);
    if (!st) return model_db_problem(p);
    bool found = db_step(st) == DB_ROW;
    if (found)
        *out = (struct doc_file_ref){model_col_str(a, st, 0), model_col_str(a, st, 1), model_col_str(a, st, 2),
                                     db_col_int(st, 3)};
    db_done(st);
    return found ? LE_OK : problem_set(p, LE_NOTFOUND, "id", "The page has no such attachment.");
}

lerr doc_detach(struct db *db, struct arena *a, const char *slug, int64_t id, int64_t actor_id, struct problem *p)
{
    struct doc_file_ref f;
    if (doc_attachment_get(db, a, slug, id, ROLE_ADMIN, &f, p)) return p->code;
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = db_run(db, "DELETE FROM doc_attachments WHERE id = ?1", "i", id) ? model_db_problem(p) : LE_OK;
    if (!e) {
        json_t *d = json_pack("{s:s}", "name", f.name);
        if (audit_append(db, actor_id, "doc.detach", arena_sprintf(a, "doc:%s", slug), d)) e = model_db_problem(p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

json_t *doc_attachments_json(struct db *db, struct arena *a, int64_t page_id)
{
    json_t *list = json_array();
    struct db_stmt *st = db_query(db, "SELECT id, name, mime, size FROM doc_attachments WHERE page_id = ?1 ORDER BY name, id",
                                  "i", page_id);
    if (!st) return list;
    while (db_step(st) == DB_ROW)
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)db_col_int(st, 0), "name",
                                              model_col_str(a, st, 1), "mime", model_col_str(a, st, 2), "size",
                                              (json_int_t)db_col_int(st, 3)));
    db_done(st);
    return list;
}
