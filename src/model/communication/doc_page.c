/* Writing process documents: a page and its first revision, the next revision of a page, and a
 * restore (an old revision written again as the newest). Each checks everything first, then
 * writes the page and its revision in one transaction with the audit entry. Reading is
 * doc_read.c; the review reminders doc_review.c. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "doc_internal.h"

bool doc_audience_allows(const char *audience, unsigned roles)
{
    if (roles & ROLE_ADMIN) return true;
    if (str_eq(audience, "everyone")) return true;
    if (str_eq(audience, "instructor")) return (roles & ROLE_INSTRUCTOR) != 0;
    if (str_eq(audience, "manager")) return (roles & ROLE_MANAGER) != 0;
    return false;
}

void doc_slug_from_title(const char *title, char *out)
{
    size_t n = 0;
    bool dash = false;
    for (const char *s = title ? title : ""; *s && n < DOC_SLUG_MAX; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) && c < 128) {
            if (dash && n) out[n++] = '-';
            if (n < DOC_SLUG_MAX) out[n++] = (char)tolower(c);
            dash = false;
        } else
            dash = true;
    }
    out[n] = '\0';
}

static bool slug_ok(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > DOC_SLUG_MAX || s[0] == '-' || s[n - 1] == '-' || str_eq(s, "new")) return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-')) return false;
    return true;
}

lerr doc_find(struct db *db, struct arena *a, const char *slug, struct doc_row *out, struct problem *p)
{
    *out = (struct doc_row){0};
    struct db_stmt *st = db_query(db,
                                  "SELECT id, COALESCE(parent_id, 0), owner_id, COALESCE(review_at, 0), slug, title, "
                                  "audience, revision FROM doc_pages WHERE slug = ?1",
                                  "s", slug ? slug : "");
    if (!st) return model_db_problem(p);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = (struct doc_row){db_col_int(st, 0),        db_col_int(st, 1),        db_col_int(st, 2),
                                db_col_int(st, 3),        model_col_str(a, st, 4), model_col_str(a, st, 5),
                                model_col_str(a, st, 6), (int)db_col_int(st, 7)};
    db_done(st);
    if (rc == DB_DONE) return problem_set(p, LE_NOTFOUND, "slug", "There is no such page.");
    return rc == DB_ROW ? LE_OK : model_db_problem(p);
}

lerr doc_find_readable(struct db *db, struct arena *a, const char *slug, unsigned roles, struct doc_row *out,
                       struct problem *p)
{
    if (doc_find(db, a, slug, out, p)) return p->code;
    if (!doc_audience_allows(out->audience, roles)) return problem_set(p, LE_NOTFOUND, "slug", "There is no such page.");
    return LE_OK;
}

/* The checks that need no database: title, text, audience, review day, note. */
static lerr input_check(const struct doc_input *in, int64_t *review_at, struct problem *p)
{
    if (!in->title || !*in->title) return problem_set(p, LE_INVALID, "title", "Give the page a title.");
    if (strlen(in->title) > DOC_TITLE_MAX)
        return problem_set(p, LE_INVALID, "title", "Keep the title to %d characters.", DOC_TITLE_MAX);
    if (!in->body || !*in->body) return problem_set(p, LE_INVALID, "body", "Write the page's text.");
    if (strlen(in->body) > DOC_BODY_MAX)
        return problem_set(p, LE_TOOBIG, "body", "Keep the text to %d characters.", DOC_BODY_MAX);
    const char *au = in->audience && *in->audience ? in->audience : "admin";
    if (!str_eq(au, "admin") && !str_eq(au, "instructor") && !str_eq(au, "manager") && !str_eq(au, "everyone"))
        return problem_set(p, LE_INVALID, "audience", "Choose who may read it: admin, instructor, manager or everyone.");
    *review_at = 0;
    if (in->review_on && *in->review_on && !course_parse_date(in->review_on, review_at))
        return problem_set(p, LE_INVALID, "review_on", "Give the review date as YYYY-MM-DD, such as 2027-06-30.");
    if (in->note && strlen(in->note) > DOC_NOTE_MAX)
        return problem_set(p, LE_INVALID, "note", "Keep the note to %d characters.", DOC_NOTE_MAX);
    return LE_OK;
}

/* The owner's id: the username given (administrators, managers, instructors), else the author. */
static lerr owner_resolve(struct db *db, const char *username, int64_t actor_id, int64_t *out, struct problem *p)
{
    *out = actor_id;
    if (!username || !*username) return LE_OK;
    lerr e = db_query_int(db, out,
                          "SELECT id FROM users WHERE username = ?1 AND deleted_at IS NULL AND status = 'active' "
                          "AND (roles & ?2) <> 0",
                          "si", username, (int64_t)(ROLE_ADMIN | ROLE_MANAGER | ROLE_INSTRUCTOR));
    if (e == LE_DB) return model_db_problem(p);
    if (e) return problem_set(p, LE_INVALID, "owner", "Choose an owner among the administrators, managers and instructors.");
    return LE_OK;
}

/* The parent's id (0 at the top): a page that exists and is not page_id nor under it. */
static lerr parent_resolve(struct db *db, struct arena *a, const char *slug, int64_t page_id, int64_t *out,
                           struct problem *p)
{
    *out = 0;
    if (!slug || !*slug) return LE_OK;
    struct doc_row r;
    if (doc_find(db, a, slug, &r, p)) return problem_set(p, p->code == LE_DB ? LE_DB : LE_INVALID, "parent", "Choose a parent page that exists.");
    /* Walk up from the parent: meeting the page means it would sit under itself. */
    int depth = 1;
    for (int64_t at = r.id; at; depth++) {
        if (at == page_id)
            return problem_set(p, LE_INVALID, "parent", "A page cannot sit under itself or a page under it.");
        if (depth >= DOC_DEPTH_MAX)
            return problem_set(p, LE_INVALID, "parent", "Pages go at most %d levels deep; choose a higher parent.", DOC_DEPTH_MAX);
        int64_t up = 0;
        if (db_query_int(db, &up, "SELECT COALESCE(parent_id, 0) FROM doc_pages WHERE id = ?1", "i", at) == LE_DB)
            return model_db_problem(p);
        at = up;
    }
    *out = r.id;
    return LE_OK;
}

static lerr write_revision(struct db *db, int64_t page_id, int number, const char *title, const char *body,
                           const char *note, int64_t actor_id, int64_t now)
{
    return db_run(db,
                  "INSERT INTO doc_revisions (page_id, number, title, body, author_id, note, created_at) VALUES (?1, ?2, "
                  "?3, ?4, ?5, ?6, ?7)",
                  "iissisi", page_id, (int64_t)number, title, body, actor_id, note ? note : "", now) == LE_OK
               ? LE_OK
               : LE_DB;
}

static lerr doc_audit(struct db *db, struct arena *a, int64_t actor_id, const char *action, const char *slug, int rev,
                      struct problem *p)
{
    json_t *d = json_pack("{s:i}", "revision", rev);
    lerr e = audit_append(db, actor_id, action, arena_sprintf(a, "doc:%s", slug), d) ? model_db_problem(p) : LE_OK;
    json_decref(d);
    return e;
}

/* The slug to create: the one given (checked, and refused when taken), else one from the title
 * with -2, -3, ... when taken. */
static lerr slug_choose(struct db *db, struct arena *a, const struct doc_input *in, const char **out, struct problem *p)
{
    int64_t n = 0;
    if (in->slug && *in->slug) {
        if (!slug_ok(in->slug))
            return problem_set(p, LE_INVALID, "slug", "Use lower-case letters, digits and dashes for the address (not \"new\").");
        if (db_query_int(db, &n, "SELECT COUNT(*) FROM doc_pages WHERE slug = ?1", "s", in->slug) == LE_DB)
            return model_db_problem(p);
        if (n) return problem_set(p, LE_CONFLICT, "slug", "Another page has the address /docs/%s; choose another.", in->slug);
        *out = in->slug;
        return LE_OK;
    }
    char base[DOC_SLUG_MAX + 1];
    doc_slug_from_title(in->title, base);
    if (!*base || str_eq(base, "new")) snprintf(base, sizeof base, "page");
    for (int i = 1; i < 1000; i++) {
        const char *s = i == 1 ? arena_strdup(a, base) : arena_sprintf(a, "%.*s-%d", DOC_SLUG_MAX - 5, base, i);
        if (db_query_int(db, &n, "SELECT COUNT(*) FROM doc_pages WHERE slug = ?1", "s", s) == LE_DB)
            return model_db_problem(p);
        if (!n) {
            *out = s;
            return LE_OK;
        }
    }
    return problem_set(p, LE_CONFLICT, "slug", "Give the page an address of its own.");
}

lerr doc_create(struct db *db, struct arena *a, const struct doc_input *in, int64_t actor_id, const char **slug_out,
                struct problem *p)
{
    int64_t review_at, owner, parent, now = time_now(), id = 0;
    const char *slug = NULL;
    lerr e = input_check(in, &review_at, p);
    if (!e) e = owner_resolve(db, in->owner, actor_id, &owner, p);
    if (!e) e = parent_resolve(db, a, in->parent, 0, &parent, p);
    if (!e) e = slug_choose(db, a, in, &slug, p);
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    struct db_stmt *st = db_prepare(
        db, "INSERT INTO doc_pages (slug, parent_id, title, body, body_html, audience, owner_id, review_at, revision, "
            "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?9) RETURNING id");
    if (!st) e = model_db_problem(p);
    else {
        db_bind_text(st, 1, slug);
        bulk_bind_opt_int(st, 2, parent);
        db_bind_text(st, 3, in->title);
        db_bind_text(st, 4, in->body);
        db_bind_text(st, 5, markdown_to_html(a, in->body));
        db_bind_text(st, 6, in->audience && *in->audience ? in->audience : "admin");
        db_bind_int(st, 7, owner);
        bulk_bind_opt_int(st, 8, review_at);
        db_bind_int(st, 9, now);
        if (bulk_step_id(st, &id)) e = problem_set(p, LE_CONFLICT, "slug", "Another page has that address; choose another.");
    }
    if (!e && write_revision(db, id, 1, in->title, in->body, in->note, actor_id, now)) e = model_db_problem(p);
    if (!e) e = doc_audit(db, a, actor_id, "doc.create", slug, 1, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e && slug_out) *slug_out = slug;
    return e;
}

/* Writes revision r.revision + 1 with the fields of in (owner_id, parent and review already checked). */
static lerr write_next(struct db *db, struct arena *a, const struct doc_row *r, const struct doc_input *in,
                       int64_t owner, int64_t parent, int64_t review_at, int64_t actor_id, const char *action,
                       struct problem *p)
{
    int64_t now = time_now();
    int next = r->revision + 1;
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = LE_OK;
    /* Only from the revision read: a second writer at once gets a conflict, not a lost change. */
    struct db_stmt *st = db_prepare(
        db, "UPDATE doc_pages SET title = ?2, body = ?3, body_html = ?4, audience = ?5, owner_id = ?6, parent_id = ?7, "
            "review_at = ?8, revision = ?9, updated_at = ?10 WHERE id = ?1 AND revision = ?11 RETURNING id");
    int64_t got = 0;
    if (!st) e = model_db_problem(p);
    else {
        db_bind_int(st, 1, r->id);
        db_bind_text(st, 2, in->title);
        db_bind_text(st, 3, in->body);
        db_bind_text(st, 4, markdown_to_html(a, in->body));
        db_bind_text(st, 5, in->audience && *in->audience ? in->audience : r->audience);
        db_bind_int(st, 6, owner);
        bulk_bind_opt_int(st, 7, parent);
        bulk_bind_opt_int(st, 8, review_at);
        db_bind_int(st, 9, next);
        db_bind_int(st, 10, now);
        db_bind_int(st, 11, r->revision);
        if (bulk_step_id(st, &got) || !got)
            e = problem_set(p, LE_CONFLICT, "body", "Someone saved this page a moment ago; open it again and redo your change.");
    }
    if (!e && write_revision(db, r->id, next, in->title, in->body, in->note, actor_id, now)) e = model_db_problem(p);
    if (!e) e = doc_audit(db, a, actor_id, action, r->slug, next, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr doc_update(struct db *db, struct arena *a, const char *slug, const struct doc_input *in, int64_t actor_id,
                struct problem *p)
{
    struct doc_row r;
    int64_t review_at, owner, parent;
    lerr e = doc_find(db, a, slug, &r, p);
    if (!e) e = input_check(in, &review_at, p);
    if (!e) e = owner_resolve(db, in->owner, actor_id, &owner, p);
    if (!e && (!in->owner || !*in->owner)) owner = r.owner_id; /* left empty: the owner stays */
    /* Left out (NULL), the parent and the review date stay; empty, they are cleared. */
    if (!e) e = in->parent ? parent_resolve(db, a, in->parent, r.id, &parent, p) : (parent = r.parent_id, LE_OK);
    if (e) return e;
    if (!in->review_on) review_at = r.review_at;
    return write_next(db, a, &r, in, owner, parent, review_at, actor_id, "doc.update", p);
}

lerr doc_restore(struct db *db, struct arena *a, const char *slug, int number, int64_t actor_id, struct problem *p)
{
    struct doc_row r;
    if (doc_find(db, a, slug, &r, p)) return p->code;
    struct db_stmt *st = db_query(db, "SELECT title, body FROM doc_revisions WHERE page_id = ?1 AND number = ?2", "ii",
                                  r.id, (int64_t)number);
    if (!st) return model_db_problem(p);
    struct doc_input in = {.audience = r.audience, .note = arena_sprintf(a, "Restored revision %d", number)};
    bool found = db_step(st) == DB_ROW;
    if (found) in.title = model_col_str(a, st, 0), in.body = model_col_str(a, st, 1);
    db_done(st);
    if (!found) return problem_set(p, LE_NOTFOUND, "revision", "The page has no revision %d.", number);
    return write_next(db, a, &r, &in, r.owner_id, r.parent_id, r.review_at, actor_id, "doc.restore", p);
}
