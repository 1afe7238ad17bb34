/* Course content: sections of activities, stored files (content-addressed, type from the
 * bytes), and completion: an activity is complete when its kind's event happens (a page viewed,
 * a file opened, a link followed) or the learner marks it done where allowed; a course is
 * complete when every required activity is. docs/courses.md describes the rules. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

int64_t content_file_max = 64 * 1024 * 1024;

/* ---- File types ---- */

const char *content_sniff(const unsigned char *d, size_t n)
{
    if (n >= 5 && memcmp(d, "%PDF-", 5) == 0) return "application/pdf";
    if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) return "image/png";
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return "image/jpeg";
    if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0)) return "image/gif";
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) return "image/webp";
    if (n >= 12 && memcmp(d + 4, "ftyp", 4) == 0) return "video/mp4";
    if (n >= 4 && memcmp(d, "\x1a\x45\xdf\xa3", 4) == 0) return "video/webm";
    if (n >= 3 && (memcmp(d, "ID3", 3) == 0 || (d[0] == 0xFF && (d[1] & 0xE0) == 0xE0))) return "audio/mpeg";
    if (n >= 4 && memcmp(d, "PK\x03\x04", 4) == 0) return "application/zip";
    /* Text: valid UTF-8 without NUL or other control characters than tab, CR, LF. */
    size_t lim = n < 65536 ? n : 65536;
    for (size_t i = 0; i < lim; i++)
        if (d[i] < 0x20 && d[i] != '\t' && d[i] != '\r' && d[i] != '\n') return NULL;
    /* a multi-byte character cut at lim is fine: check only whole text when it is short */
    if (n <= 65536 && !utf8_valid((const char *)d, n)) return NULL;
    return n ? "text/plain" : NULL;
}

static const struct {
    const char *ext, *mime, *sniffed; /* sniffed: what content_sniff says for it */
} file_types[] = {
    {"pdf", "application/pdf", "application/pdf"},
    {"png", "image/png", "image/png"},
    {"jpg", "image/jpeg", "image/jpeg"},
    {"jpeg", "image/jpeg", "image/jpeg"},
    {"gif", "image/gif", "image/gif"},
    {"webp", "image/webp", "image/webp"},
    {"mp4", "video/mp4", "video/mp4"},
    {"m4v", "video/mp4", "video/mp4"},
    {"webm", "video/webm", "video/webm"},
    {"mp3", "audio/mpeg", "audio/mpeg"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "application/zip"},
    {"odt", "application/vnd.oasis.opendocument.text", "application/zip"},
    {"zip", "application/zip", "application/zip"},
    {"txt", "text/plain", "text/plain"},
    {"csv", "text/csv", "text/plain"},
    {"md", "text/markdown", "text/plain"},
};
#define N_FILE_TYPES (sizeof file_types / sizeof file_types[0])

lerr content_check_type(const char *filename, const char *claimed_mime, const unsigned char *d, size_t n,
                        const char **mime, struct problem *p)
{
    const char *sniffed = content_sniff(d, n);
    const char *dot = filename ? strrchr(filename, '.') : NULL;
    int claim = -1;
    if (dot)
        for (size_t i = 0; i < N_FILE_TYPES; i++)
            if (strcasecmp(dot + 1, file_types[i].ext) == 0) claim = (int)i;
    if (claim < 0 && claimed_mime && *claimed_mime && strcasecmp(claimed_mime, "application/octet-stream") != 0)
        for (size_t i = 0; i < N_FILE_TYPES; i++)
            if (strcasecmp(claimed_mime, file_types[i].mime) == 0) {
                claim = (int)i;
                break;
            }
    if (claim < 0)
        return problem_set(p, LE_INVALID, "file",
                           "Lectern does not accept this kind of file; upload a PDF, an image, a video (MP4, "
                           "WebM), audio (MP3), an office document (DOCX, XLSX, PPTX, ODT) or text.");
    if (!sniffed || !str_eq(sniffed, file_types[claim].sniffed))
        return problem_set(p, LE_INVALID, "file",
                           "The file '%s' says it is %s, but its content is %s; upload the real file or give "
                           "it the right name.",
                           filename ? filename : "", file_types[claim].ext,
                           sniffed ? sniffed : "not a type Lectern accepts");
    *mime = file_types[claim].mime;
    return LE_OK;
}

static lerr write_all(int fd, const unsigned char *d, size_t n)
{
    while (n) {
        ssize_t w = write(fd, d, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return LE_IO;
        d += w;
        n -= (size_t)w;
    }
    return LE_OK;
}

lerr content_store_file(struct db *db, const char *data_dir, const unsigned char *d, size_t n, const char *mime,
                        char sha_out[65], struct problem *p)
{
    sha256_hex(d, n, sha_out);
    char dir[4096], final[4200], tmp[4200];
    snprintf(dir, sizeof dir, "%s/files", data_dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return problem_set(p, LE_IO, "file", "cannot create %s: %s", dir, strerror(errno));
    snprintf(final, sizeof final, "%s/%s", dir, sha_out);
    struct stat st;
    if (!(stat(final, &st) == 0 && (size_t)st.st_size == n)) {
        char rnd[17];
        random_hex(rnd, 8);
        snprintf(tmp, sizeof tmp, "%s/.tmp-%s", dir, rnd);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) return problem_set(p, LE_IO, "file", "cannot write %s: %s", tmp, strerror(errno));
        lerr e = write_all(fd, d, n);
        if (!e && fsync(fd) != 0) e = LE_IO;
        if (close(fd) != 0) e = LE_IO;
        if (!e && rename(tmp, final) != 0) e = LE_IO;
        if (e) {
            unlink(tmp);
            return problem_set(p, LE_IO, "file", "cannot store the file in %s", dir);
        }
    }
    /* A failure after this leaves an unreferenced file behind: harmless, reused next time. */
    if (db_run(db, "INSERT INTO files (sha256, size, mime, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (sha256) "
                   "DO NOTHING",
               "sisi", (const char *)sha_out, (int64_t)n, mime, time_now()))
        return model_db_problem(p);
    return LE_OK;
}

/* ---- Sections and activities ---- */

static lerr check_title(struct arena *a, const char *in, const char **out, struct problem *p)
{
    const char *s = in ? in : "";
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (!n) return problem_set(p, LE_INVALID, "title", "Give it a title.");
    if (n > 255) return problem_set(p, LE_INVALID, "title", "Use at most 255 characters for the title.");
    *out = arena_strndup(a, s, n);
    return LE_OK;
}

lerr section_create(struct db *db, struct arena *a, int64_t course_id, const char *title, int64_t actor_id,
                    int64_t *id_out, struct problem *p)
{
    const char *t;
    lerr e = check_title(a, title, &t, p);
    if (e) return e;
    int64_t id = 0;
    if (db_tx_begin(db)) return model_db_problem(p);
    struct db_stmt *st = db_query(db,
                                  "INSERT INTO course_sections (course_id, title, position, created_at) VALUES (?1, ?2, "
                                  "(SELECT COALESCE(MAX(position), 0) + 1 FROM course_sections WHERE course_id = ?1), "
                                  "?3) RETURNING id",
                                  "isi", course_id, t, time_now());
    if (db_step(st) == DB_ROW)
        id = db_col_int(st, 0);
    else
        e = model_db_problem(p);
    db_done(st);
    if (!e) {
        json_t *d = json_pack("{s:s, s:I}", "title", t, "course_id", (json_int_t)course_id);
        if (audit_append(db, actor_id, "section.create", arena_sprintf(a, "section:%lld", (long long)id), d))
            e = model_db_problem(p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (id_out) *id_out = e ? 0 : id;
    return e;
}

lerr activity_create(struct db *db, struct arena *a, const char *data_dir, int64_t course_id, int64_t section_id,
                     const struct activity_input *in, int64_t actor_id, int64_t *id_out, struct problem *p)
{
    const struct activity_kind *k = activity_kind_find(in->kind);
    if (!k) return problem_set(p, LE_INVALID, "kind", "Choose the kind of activity: %s.", activity_kind_names());
    const char *t;
    lerr e = check_title(a, in->title, &t, p);
    if (e) return e;
    int64_t id = 0, x;
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr q = db_query_int(db, &x, "SELECT id FROM course_sections WHERE id = ?1 AND course_id = ?2 AND deleted_at IS NULL", "ii", section_id,
                          course_id);
    if (q == LE_NOTFOUND)
        e = problem_set(p, LE_INVALID, "section_id", "%s",
                        section_id ? "The chosen section is no longer in this course; choose another."
                                   : "Choose the section the activity goes in; add a section first if there is none.");
    else if (q)
        e = model_db_problem(p);
    const char *body = "", *url = "", *sha = NULL, *fname = "";
    if (!e && k->check) e = k->check(db, a, data_dir, in, &body, &url, &sha, &fname, p);
    if (!e) {
        struct db_stmt *st = db_query(
            db,
            "INSERT INTO activities (course_id, section_id, kind, title, position, required, allow_mark_done, body, url, "
            "file_sha256, file_name, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, (SELECT COALESCE(MAX(position), 0) "
            "+ 1 FROM activities WHERE section_id = ?2), ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11) RETURNING id",
            "iissiissssi", course_id, section_id, k->name, t, (int64_t)(in->required != 0),
            (int64_t)(in->allow_mark_done > 0), body, url, sha, fname, time_now());
        if (db_step(st) == DB_ROW)
            id = db_col_int(st, 0);
        else
            e = model_db_problem(p);
        db_done(st);
    }
    if (!e && k->created) e = k->created(db, a, course_id, id, actor_id, p);
    if (!e) {
        json_t *d = json_pack("{s:s, s:s, s:I}", "kind", k->name, "title", t, "course_id", (json_int_t)course_id);
        if (audit_append(db, actor_id, "activity.create", arena_sprintf(a, "activity:%lld", (long long)id), d))
            e = model_db_problem(p);
        json_decref(d);
    }
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (id_out) *id_out = e ? 0 : id;
    return e;
}

lerr activity_get(struct db *db, struct arena *a, int64_t course_id, int64_t id, int64_t viewer_id,
                  struct activity *out, struct problem *p)
{
    struct db_stmt *st = db_query(
        db,
        "SELECT x.id, x.course_id, x.section_id, x.kind, x.title, x.body, x.url, COALESCE(x.file_sha256, ''), "
        "x.file_name, COALESCE(f.mime, ''), COALESCE(f.size, 0), x.required, x.allow_mark_done, "
        "COALESCE(g.completed_at, 0) FROM activities x LEFT JOIN files f ON f.sha256 = x.file_sha256 LEFT JOIN "
        "activity_progress g ON g.activity_id = x.id AND g.user_id = ?3 WHERE x.id = ?1 AND x.course_id = ?2 AND "
        "x.deleted_at IS NULL",
        "iii", id, course_id, viewer_id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = (struct activity){
            .id = db_col_int(st, 0),
            .course_id = db_col_int(st, 1),
            .section_id = db_col_int(st, 2),
            .kind = model_col_str(a, st, 3),
            .title = model_col_str(a, st, 4),
            .body = model_col_str(a, st, 5),
            .url = model_col_str(a, st, 6),
            .file_sha256 = model_col_str(a, st, 7),
            .file_name = model_col_str(a, st, 8),
            .file_mime = model_col_str(a, st, 9),
            .file_size = db_col_int(st, 10),
            .required = db_col_int(st, 11) != 0,
            .allow_mark_done = db_col_int(st, 12) != 0,
            .completed_at = db_col_int(st, 13),
        };
    db_done(st);
    if (rc == DB_DONE) return problem_set(p, LE_NOTFOUND, "id", "This activity is no longer in the course; open the course page again.");
    return rc == DB_ROW ? LE_OK : model_db_problem(p);
}

/* ---- The learner's completions ---- */

/* One completed activity (how: "" when not asked for). */
struct completion {
    int64_t activity_id, at;
    const char *how;
};

/* A learner's completions, found by activity through an open-addressing table of indexes into
 * v (slot -1: empty): built in one pass, where sorting for bsearch cost more than the query. */
struct completions {
    struct completion *v;
    size_t n;
    int32_t *slots;
    size_t mask; /* slots has mask + 1 entries, a power of two at least twice n */
};

static size_t slot_of(int64_t activity_id, size_t mask)
{
    return (size_t)(((uint64_t)activity_id * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

/* Everything user_id has completed: one range of the covering activity_progress_by_user, whose
 * pages the learner's every page reads, instead of one descent of the (activity_id, user_id)
 * key per activity, each landing on a page of its own. */
static struct completions completions(struct db *db, struct arena *a, int64_t user_id, bool with_how)
{
    size_t n = 0, cap = 64;
    struct completion *v = arena_alloc(a, cap * sizeof *v);
    struct db_stmt *st =
        db_query(db,
                 with_how ? "SELECT activity_id, completed_at, how FROM activity_progress WHERE user_id = ?1"
                          : "SELECT activity_id, completed_at, '' FROM activity_progress WHERE user_id = ?1",
                 "i", user_id);
    while (db_step(st) == DB_ROW) {
        if (n == cap) {
            struct completion *grown = arena_alloc(a, 2 * cap * sizeof *grown);
            memcpy(grown, v, n * sizeof *v);
            v = grown, cap *= 2;
        }
        v[n++] = (struct completion){db_col_int(st, 0), db_col_int(st, 1), with_how ? model_col_str(a, st, 2) : ""};
    }
    db_done(st);
    size_t size = 16;
    while (size < 2 * n) size *= 2;
    struct completions c = {v, n, arena_alloc_uninit(a, size * sizeof *c.slots), size - 1};
    memset(c.slots, 0xff, size * sizeof *c.slots);
    for (size_t i = 0; i < n; i++) {
        size_t k = slot_of(v[i].activity_id, c.mask);
        while (c.slots[k] >= 0) k = (k + 1) & c.mask;
        c.slots[k] = (int32_t)i;
    }
    return c;
}

static const struct completion *completion_of(const struct completions *c, int64_t activity_id)
{
    if (!c->slots) return NULL; /* not read: the viewer is no learner, or the course is empty */
    for (size_t k = slot_of(activity_id, c->mask); c->slots[k] >= 0; k = (k + 1) & c->mask)
        if (c->v[c->slots[k]].activity_id == activity_id) return &c->v[c->slots[k]];
    return NULL;
}

json_t *course_content_json(struct db *db, struct arena *a, const struct course *c, int64_t viewer_id)
{
    json_t *sections = json_array();
    int64_t required = 0, completed = 0, last_at = 0;
    json_t *next = NULL, *last = NULL;
    const struct outline *o = NULL;
    if (course_outline(db, a, c->id, c->outline_version, &o))
        log_error("course: cannot read the outline of course %lld", (long long)c->id);
    struct completions done = {0};
    if (viewer_id && o && o->n_activities) done = completions(db, a, viewer_id, true);
    for (int i = 0; o && i < o->n_sections; i++) {
        const struct outline_section *sec = &o->sections[i];
        json_t *section = json_object(), *activities = json_array();
        jset_int(section, "id", sec->id);
        jset_str(section, "title", sec->title);
        jset(section, "activities", activities);
        json_array_append_new(sections, section);
        for (int k = sec->first; k < sec->first + sec->n; k++) {
            const struct outline_activity *y = &o->activities[k];
            const struct completion *d = completion_of(&done, y->id);
            json_t *x = json_object();
            jset_int(x, "id", y->id);
            jset_str(x, "kind", y->kind);
            jset_str(x, "title", y->title);
            jset_bool(x, "required", y->required);
            jset_bool(x, "allow_mark_done", y->allow_mark_done);
            jset_bool(x, "completed", d != NULL);
            jset(x, "completed_at", model_json_time(d ? d->at : 0));
            if (d) jset_str(x, "how", d->how);
            json_array_append_new(activities, x);
            if (y->required) {
                required++;
                if (d) completed++;
            }
            if (!d && !next) {
                next = json_object();
                jset_int(next, "id", y->id);
                jset_str(next, "title", y->title);
            }
            if (d && d->at >= last_at) {
                last_at = d->at;
                json_decref(last);
                last = json_object();
                jset_int(last, "id", y->id);
                jset_str(last, "title", y->title);
                jset(last, "at", model_json_time(d->at));
            }
        }
    }
    json_t *progress = json_object();
    jset_int(progress, "required", required);
    jset_int(progress, "completed", completed);
    jset_int(progress, "percent", required ? (int)(completed * 100 / required) : 0);
    jset(progress, "next", next ? next : json_null());
    jset(progress, "last", last ? last : json_null());
    json_t *out = json_object();
    jset(out, "sections", sections);
    jset(out, "progress", progress);
    return out;
}

/* What domains above courses do when someone completes a course (course_on_complete). */
#define COMPLETE_HOOKS_MAX 8
static course_complete_fn complete_hooks[COMPLETE_HOOKS_MAX];
static int n_complete_hooks;

void course_on_complete(course_complete_fn fn)
{
    if (n_complete_hooks == COMPLETE_HOOKS_MAX) abort(); /* a programming error: raise COMPLETE_HOOKS_MAX */
    complete_hooks[n_complete_hooks++] = fn;
}

lerr course_completed(struct db *db, int64_t course_id, int64_t user_id, struct problem *p)
{
    lerr e = LE_OK;
    for (int i = 0; i < n_complete_hooks && !e; i++) e = complete_hooks[i](db, course_id, user_id, p);
    return e;
}

/* Records the enrolment's completion once; the domains above hear of it the first time only. */
static lerr enrolment_complete(struct db *db, int64_t course_id, int64_t user_id, int64_t enrolment, int64_t now,
                               struct problem *p)
{
    struct db_stmt *st = db_query(db, "UPDATE enrolments SET completed_at = ?2 WHERE id = ?1 AND completed_at IS NULL "
                                      "RETURNING id", "ii", enrolment, now);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return model_db_problem(p);
    return rc == DB_ROW ? course_completed(db, course_id, user_id, p) : LE_OK;
}

lerr activity_complete(struct db *db, int64_t activity_id, int64_t user_id, const char *how, struct problem *p)
{
    int64_t now = time_now(), course_id = 0, enrolment = 0;
    if (db_query_int(db, &course_id, "SELECT course_id FROM activities WHERE id = ?1 AND deleted_at IS NULL", "i", activity_id))
        return problem_set(p, LE_NOTFOUND, "id", "This activity no longer exists; open the course page again.");
    lerr q = enrolment_live_id(db, course_id, user_id, &enrolment);
    if (q == LE_NOTFOUND) return LE_OK; /* not enrolled (an administrator looking): not tracked */
    if (q) return model_db_problem(p);
    lerr e = db_tx_begin(db) ? model_db_problem(p) : LE_OK;
    if (e) return e;
    if (db_run(db, "INSERT INTO activity_progress (activity_id, user_id, how, completed_at) VALUES (?1, ?2, ?3, ?4) ON "
                   "CONFLICT (activity_id, user_id) DO NOTHING",
               "iisi", activity_id, user_id, how, now) ||
        db_run(db, "UPDATE enrolments SET last_access_at = ?2 WHERE id = ?1", "ii", enrolment, now))
        e = model_db_problem(p);
    /* Course completion: every required activity complete (and at least one). */
    int64_t missing = 0, total = 0;
    if (!e && (db_query_int(db, &total, "SELECT COUNT(*) FROM activities WHERE course_id = ?1 AND required = 1 AND deleted_at IS NULL", "i",
                            course_id) ||
               db_query_int(db, &missing,
                            "SELECT COUNT(*) FROM activities x WHERE x.course_id = ?1 AND x.required = 1 AND x.deleted_at IS NULL AND NOT EXISTS "
                            "(SELECT 1 FROM activity_progress g WHERE g.activity_id = x.id AND g.user_id = ?2)",
                            "ii", course_id, user_id)))
        e = model_db_problem(p);
    if (!e && total > 0 && missing == 0) e = enrolment_complete(db, course_id, user_id, enrolment, now, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

/* ---- Editing the structure: rename, reorder, delete ---- */

/* After required activities go away, people who have done all the rest have completed. */
static lerr completions_refresh(struct db *db, int64_t course_id, struct problem *p)
{
    struct db_stmt *st = db_query(
        db,
        "UPDATE enrolments SET completed_at = ?2 WHERE course_id = ?1 AND unenrolled_at IS NULL AND "
        "completed_at IS NULL AND EXISTS (SELECT 1 FROM activities x WHERE x.course_id = ?1 AND x.required = 1 "
        "AND x.deleted_at IS NULL) AND NOT EXISTS (SELECT 1 FROM activities x WHERE x.course_id = ?1 AND "
        "x.required = 1 AND x.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM activity_progress g WHERE "
        "g.activity_id = x.id AND g.user_id = enrolments.user_id)) RETURNING user_id",
        "ii", course_id, time_now());
    /* The people completed now, told to the domains above once the statement is done. */
    struct buf completed;
    buf_init(&completed, (size_t)1 << 28);
    int rc;
    lerr e = LE_OK;
    while (!e && (rc = db_step(st)) == DB_ROW) {
        int64_t user_id = db_col_int(st, 0);
        e = buf_add(&completed, (const char *)&user_id, sizeof user_id);
    }
    db_done(st);
    if (!e && rc != DB_DONE) e = model_db_problem(p);
    const int64_t *users = (const int64_t *)completed.data;
    for (size_t i = 0; !e && i < completed.len / sizeof *users; i++) e = course_completed(db, course_id, users[i], p);
    buf_release(&completed);
    return e;
}

static lerr structure_audit(struct db *db, struct arena *a, int64_t actor_id, const char *action, const char *what,
                            int64_t id, int64_t course_id, const char *title, struct problem *p)
{
    json_t *d = json_pack("{s:I, s:s?}", "course_id", (json_int_t)course_id, "title", title);
    lerr e = audit_append(db, actor_id, action, arena_sprintf(a, "%s:%lld", what, (long long)id), d) ? model_db_problem(p)
                                                                                                     : LE_OK;
    json_decref(d);
    return e;
}

/* Swaps the row with its live neighbour above (move < 0) or below (move > 0); at the end of the
 * list nothing moves. table is "course_sections" (scope: the course) or "activities" (scope:
 * the section). */
static lerr move_row(struct db *db, struct arena *a, const char *table, const char *scope_col, int64_t scope,
                     int64_t id, int64_t pos, int move, struct problem *p)
{
    if (!move) return LE_OK;
    const char *sql = arena_sprintf(a,
                                    "SELECT id, position FROM %s WHERE %s = ?1 AND deleted_at IS NULL AND position %s "
                                    "?2 ORDER BY position %s, id LIMIT 1",
                                    table, scope_col, move < 0 ? "<" : ">", move < 0 ? "DESC" : "ASC");
    struct db_stmt *st = db_query(db, sql, "ii", scope, pos);
    int rc = db_step(st);
    int64_t other = 0, other_pos = 0;
    if (rc == DB_ROW) {
        other = db_col_int(st, 0);
        other_pos = db_col_int(st, 1);
    }
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return model_db_problem(p);
    if (!other) return LE_OK;
    const char *upd = arena_sprintf(a, "UPDATE %s SET position = ?2 WHERE id = ?1", table);
    if (db_run(db, upd, "ii", id, other_pos) || db_run(db, upd, "ii", other, pos)) return model_db_problem(p);
    return LE_OK;
}

lerr section_update(struct db *db, struct arena *a, int64_t course_id, int64_t id, const char *title, int move,
                    int64_t actor_id, struct problem *p)
{
    const char *t = NULL;
    lerr e = title ? check_title(a, title, &t, p) : LE_OK;
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    int64_t pos = 0;
    lerr q = db_query_int(db, &pos,
                          "SELECT position FROM course_sections WHERE id = ?1 AND course_id = ?2 AND deleted_at IS NULL",
                          "ii", id, course_id);
    if (q == LE_NOTFOUND)
        e = problem_set(p, LE_NOTFOUND, "id", "This section is no longer in the course; open the course page again.");
    else if (q)
        e = model_db_problem(p);
    if (!e && t && db_run(db, "UPDATE course_sections SET title = ?2 WHERE id = ?1", "is", id, t)) e = model_db_problem(p);
    if (!e) e = move_row(db, a, "course_sections", "course_id", course_id, id, pos, move, p);
    if (!e) e = structure_audit(db, a, actor_id, "section.update", "section", id, course_id, t, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr section_delete(struct db *db, struct arena *a, int64_t course_id, int64_t id, int64_t actor_id,
                    struct problem *p)
{
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = LE_OK;
    int64_t x;
    lerr q = db_query_int(db, &x,
                          "SELECT id FROM course_sections WHERE id = ?1 AND course_id = ?2 AND deleted_at IS NULL",
                          "ii", id, course_id);
    if (q == LE_NOTFOUND)
        e = problem_set(p, LE_NOTFOUND, "id", "This section is no longer in the course; open the course page again.");
    else if (q)
        e = model_db_problem(p);
    int64_t now = time_now();
    if (!e && (db_run(db, "UPDATE activities SET deleted_at = ?2 WHERE section_id = ?1 AND deleted_at IS NULL", "ii",
                      id, now) ||
               db_run(db, "UPDATE course_sections SET deleted_at = ?2 WHERE id = ?1", "ii", id, now)))
        e = model_db_problem(p);
    if (!e) e = completions_refresh(db, course_id, p);
    if (!e) e = structure_audit(db, a, actor_id, "section.delete", "section", id, course_id, NULL, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr activity_update(struct db *db, struct arena *a, int64_t course_id, int64_t id, const char *title, int move,
                     int64_t actor_id, struct problem *p)
{
    const char *t = NULL;
    lerr e = title ? check_title(a, title, &t, p) : LE_OK;
    if (e) return e;
    if (db_tx_begin(db)) return model_db_problem(p);
    int64_t pos = 0, section = 0;
    struct db_stmt *st = db_query(db,
                                  "SELECT position, section_id FROM activities WHERE id = ?1 AND course_id = ?2 AND "
                                  "deleted_at IS NULL",
                                  "ii", id, course_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        pos = db_col_int(st, 0);
        section = db_col_int(st, 1);
    }
    db_done(st);
    if (rc == DB_DONE)
        e = problem_set(p, LE_NOTFOUND, "id", "This activity is no longer in the course; open the course page again.");
    else if (rc != DB_ROW)
        e = model_db_problem(p);
    if (!e && t && db_run(db, "UPDATE activities SET title = ?2, updated_at = ?3 WHERE id = ?1", "isi", id, t,
                          time_now()))
        e = model_db_problem(p);
    if (!e) e = move_row(db, a, "activities", "section_id", section, id, pos, move, p);
    if (!e) e = structure_audit(db, a, actor_id, "activity.update", "activity", id, course_id, t, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr activity_move_to_section(struct db *db, struct arena *a, int64_t course_id, int64_t id, int64_t section_id,
                              int64_t actor_id, struct problem *p)
{
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = LE_OK;
    int64_t x, current = 0;
    lerr q = db_query_int(db, &current,
                          "SELECT section_id FROM activities WHERE id = ?1 AND course_id = ?2 AND deleted_at IS NULL",
                          "ii", id, course_id);
    if (q == LE_NOTFOUND)
        e = problem_set(p, LE_NOTFOUND, "id", "This course has no activity with id %lld.", (long long)id);
    else if (q)
        e = model_db_problem(p);
    if (!e && current == section_id) return db_tx_end(db, LE_OK) ? model_db_problem(p) : LE_OK; /* already there */
    if (!e) {
        q = db_query_int(db, &x,
                         "SELECT id FROM course_sections WHERE id = ?1 AND course_id = ?2 AND deleted_at IS NULL",
                         "ii", section_id, course_id);
        if (q == LE_NOTFOUND)
            e = problem_set(p, LE_NOTFOUND, "section_id", "Choose one of this course's sections to move the activity to.");
        else if (q)
            e = model_db_problem(p);
    }
    /* Last in the new section: the position after its highest, live or not, so none collide. */
    if (!e && db_run(db,
                     "UPDATE activities SET section_id = ?2, position = (SELECT COALESCE(MAX(position), 0) + 1 FROM "
                     "activities WHERE section_id = ?2), updated_at = ?3 WHERE id = ?1",
                     "iii", id, section_id, time_now()))
        e = model_db_problem(p);
    if (!e) e = structure_audit(db, a, actor_id, "activity.move", "activity", id, course_id, NULL, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

lerr activity_delete(struct db *db, struct arena *a, int64_t course_id, int64_t id, int64_t actor_id,
                     struct problem *p)
{
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = LE_OK;
    int64_t x;
    lerr q = db_query_int(db, &x, "SELECT id FROM activities WHERE id = ?1 AND course_id = ?2 AND deleted_at IS NULL",
                          "ii", id, course_id);
    if (q == LE_NOTFOUND)
        e = problem_set(p, LE_NOTFOUND, "id", "This activity is no longer in the course; open the course page again.");
    else if (q)
        e = model_db_problem(p);
    if (!e && db_run(db, "UPDATE activities SET deleted_at = ?2 WHERE id = ?1", "ii", id, time_now()))
        e = model_db_problem(p);
    if (!e) e = completions_refresh(db, course_id, p);
    if (!e) e = structure_audit(db, a, actor_id, "activity.delete", "activity", id, course_id, NULL, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    return e;
}

/* ---- The learner's dashboard ("My training") ---- */

#define DASHBOARD_COURSES_MAX 500 /* enrolments shown, by due date */

/* One enrolled course on the dashboard: the enrolment, and the course's progress (required
 * activities, how many are done, the first activity not done in the course's order). */
struct dash_course {
    int64_t course_id, outline_version, due, completed, last, required, done, next_id;
    const char *code, *title, *role, *next_title;
};

/* The page's order: by due date, courses without one last, then by title. */
static int cmp_dash_course(const void *x, const void *y)
{
    const struct dash_course *a = x, *b = y;
    if (!a->due != !b->due) return a->due ? -1 : 1;
    if (a->due != b->due) return a->due < b->due ? -1 : 1;
    int t = strcmp(a->title, b->title);
    return t ? t : (a->course_id > b->course_id) - (a->course_id < b->course_id);
}

/* The codes, titles and outline versions of v's courses from memory while courses_version is
 * still `version`; how many are not there. */
static size_t dash_course_names(struct arena *a, int64_t version, struct dash_course *v, size_t n)
{
    size_t missing = 0;
    for (size_t i = 0; i < n; i++) {
        struct course_name cn;
        if (course_name_get(a, v[i].course_id, version, &cn))
            v[i].code = cn.code, v[i].title = cn.title, v[i].outline_version = cn.outline_version;
        else
            missing++;
    }
    return missing;
}

struct dash_names {
    struct arena *a;
    int64_t version;
    struct dash_course *v;
    size_t n;
};

/* A course's name as the outlines' query read it: given to the dashboard's course and stored
 * for the next dashboards. */
static void dash_course_named(void *ctx, int64_t course_id, int64_t outline_version, const char *code,
                              const char *title)
{
    struct dash_names *d = ctx;
    struct course_name cn = {.course_id = course_id, .code = arena_strdup(d->a, code),
                             .title = arena_strdup(d->a, title), .outline_version = outline_version};
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].course_id == course_id && !d->v[i].code) {
            d->v[i].code = cn.code, d->v[i].title = cn.title, d->v[i].outline_version = outline_version;
            course_name_put(&cn, d->version);
        }
}

/* Every live enrolment with its course's progress: the enrolments from their covering index,
 * the courses' names and outline versions from memory (course_names.c, checked against
 * courses_version, read in the same query), each course's outline from memory (outline.c),
 * checked against done. */
static struct dash_course *dash_courses(struct db *db, struct arena *a, int64_t user_id,
                                        const struct completions *done, size_t *n_out)
{
    size_t n = 0, cap = 16;
    struct dash_course *v = arena_alloc(a, cap * sizeof *v);
    int64_t version = 0;
    struct db_stmt *st = db_query(db,
                                  "SELECT e.course_id, e.role, COALESCE(e.due_at, 0), COALESCE(e.completed_at, 0), "
                                  "COALESCE(e.last_access_at, 0), (SELECT version FROM courses_version WHERE id = 1) "
                                  "FROM enrolments e WHERE e.user_id = ?1 AND e.unenrolled_at IS NULL",
                                  "i", user_id);
    while (db_step(st) == DB_ROW) {
        if (n == cap) {
            struct dash_course *grown = arena_alloc(a, 2 * cap * sizeof *grown);
            memcpy(grown, v, n * sizeof *v);
            v = grown, cap *= 2;
        }
        v[n++] = (struct dash_course){.course_id = db_col_int(st, 0), .role = model_col_str(a, st, 1),
                                      .due = db_col_int(st, 2), .completed = db_col_int(st, 3),
                                      .last = db_col_int(st, 4)};
        version = db_col_int(st, 5);
    }
    db_done(st);
    size_t size = (n ? n : 1) * sizeof(int64_t);
    int64_t *ids = arena_alloc(a, size), *versions = arena_alloc(a, size);
    const struct outline **outlines = arena_alloc(a, (n ? n : 1) * sizeof *outlines);
    /* Names missing from memory (a first visit, or after a course changed): the outlines are
     * read with them in one query, fresh, rather than in a query each. */
    lerr e;
    if (dash_course_names(a, version, v, n)) {
        for (size_t i = 0; i < n; i++) ids[i] = v[i].course_id;
        e = learner_outlines_named(db, a, user_id, n, ids, outlines, dash_course_named,
                                   &(struct dash_names){a, version, v, n});
        /* A course deleted between the two reads (PostgreSQL's page views are not one snapshot). */
        for (size_t i = 0; i < n; i++)
            if (!v[i].code) v[i].code = v[i].title = "";
    } else {
        for (size_t i = 0; i < n; i++) ids[i] = v[i].course_id, versions[i] = v[i].outline_version;
        e = learner_outlines(db, a, user_id, n, ids, versions, outlines);
    }
    if (e) log_error("dashboard: cannot read the course outlines of user %lld", (long long)user_id);
    for (size_t i = 0; i < n; i++) {
        struct dash_course *c = &v[i];
        const struct outline *o = outlines[i];
        for (int k = 0; o && k < o->n_activities; k++) {
            const struct outline_activity *x = &o->activities[k];
            bool is_done = completion_of(done, x->id) != NULL;
            if (x->required) {
                c->required++;
                if (is_done) c->done++;
            }
            if (!is_done && !c->next_id) c->next_id = x->id, c->next_title = x->title;
        }
    }
    qsort(v, n, sizeof *v, cmp_dash_course);
    *n_out = n < DASHBOARD_COURSES_MAX ? n : DASHBOARD_COURSES_MAX;
    return v;
}

json_t *learner_dashboard_json(struct db *db, struct arena *a, int64_t user_id)
{
    json_t *courses = json_array(), *done = json_array(), *teaching = json_array();
    int64_t now = time_now();
    /* Two queries whatever the number of enrolments: what the learner completed, and their
     * enrolments; the courses' outlines come from memory while they are current. */
    size_t n;
    struct completions completed = completions(db, a, user_id, false);
    struct dash_course *v = dash_courses(db, a, user_id, &completed, &n);
    for (size_t i = 0; i < n; i++) {
        const struct dash_course *c = &v[i];
        char due_s[21] = "";
        if (c->due) time_iso8601(c->due, due_s);
        due_s[10] = '\0';
        json_t *j = json_object();
        jset_str(j, "code", c->code);
        jset_str(j, "title", c->title);
        jset_str(j, "role", c->role);
        jset_str(j, "due", c->due ? due_s : NULL);
        jset_bool(j, "overdue", c->due && !c->completed && c->due < now);
        jset_bool(j, "completed", c->completed != 0);
        jset(j, "completed_at", model_json_time(c->completed));
        jset(j, "last_access_at", model_json_time(c->last));
        jset_int(j, "percent", c->required ? (int)(c->done * 100 / c->required) : 0);
        jset_int(j, "required", c->required);
        jset_int(j, "required_done", c->done);
        json_t *next = json_null();
        if (c->next_id) {
            next = json_object();
            jset_int(next, "id", c->next_id);
            jset_str(next, "title", c->next_title);
        }
        jset(j, "next", next);
        /* A course someone teaches is their work, not their training (the instructor's part
         * of the dashboard shows it). */
        if (str_eq(c->role, "instructor")) {
            jset_int(j, "course_id", c->course_id);
            json_array_append_new(teaching, j);
            continue;
        }
        json_array_append_new(c->completed ? done : courses, j);
    }
    /* Recently completed: newest first, at most five. */
    size_t n_completed = json_array_size(done);
    for (size_t i = 1; i < n_completed; i++)
        for (size_t k = i; k > 0; k--) {
            const char *x = json_string_value(json_object_get(json_array_get(done, k), "completed_at"));
            const char *y = json_string_value(json_object_get(json_array_get(done, k - 1), "completed_at"));
            if (strcmp(x ? x : "", y ? y : "") <= 0) break;
            json_t *t = json_incref(json_array_get(done, k));
            json_array_set(done, k, json_array_get(done, k - 1));
            json_array_set_new(done, k - 1, t);
        }
    while (json_array_size(done) > 5) json_array_remove(done, json_array_size(done) - 1);
    return json_pack("{s:o, s:o, s:o}", "courses", courses, "recently_completed", done, "teaching", teaching);
}

lerr teaching_stats(struct db *db, struct arena *a, int64_t user_id, struct teaching_stat **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    size_t n = 0, cap = 8;
    struct teaching_stat *v = arena_alloc(a, cap * sizeof *v);
    struct db_stmt *st = db_query(db,
                                  "SELECT e.course_id, COUNT(*), SUM(CASE WHEN e.completed_at IS NOT NULL THEN 1 ELSE 0 END), "
                                  "SUM(CASE WHEN e.completed_at IS NULL AND e.due_at < ?2 THEN 1 ELSE 0 END) "
                                  "FROM enrolments e WHERE e.role = 'learner' AND e.unenrolled_at IS NULL AND e.course_id IN "
                                  "(SELECT t.course_id FROM enrolments t WHERE t.user_id = ?1 AND t.unenrolled_at IS NULL "
                                  "AND t.role = 'instructor') GROUP BY e.course_id",
                                  "ii", user_id, time_now());
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            struct teaching_stat *grown = arena_alloc(a, 2 * cap * sizeof *grown);
            memcpy(grown, v, n * sizeof *v);
            v = grown, cap *= 2;
        }
        v[n++] = (struct teaching_stat){.course_id = db_col_int(st, 0), .learners = db_col_int(st, 1),
                                        .completed = db_col_int(st, 2), .overdue = db_col_int(st, 3)};
    }
    db_done(st);
    if (rc != DB_DONE) return LE_DB;
    *out = v;
    *n_out = n;
    return LE_OK;
}

lerr site_overview_read(struct db *db, int64_t month_start, struct site_overview *out)
{
    *out = (struct site_overview){0};
    struct db_stmt *st = db_query(db,
                                  "SELECT (SELECT COUNT(*) FROM users WHERE status = 'active' AND deleted_at IS NULL), "
                                  "(SELECT COUNT(*) FROM courses WHERE status <> 'archived'), "
                                  "(SELECT COUNT(*) FROM enrolments WHERE completed_at >= ?1), "
                                  "(SELECT COUNT(*) FROM enrolment_requests WHERE status = 'pending'), "
                                  "(SELECT COUNT(*) FROM mail_outbox WHERE state = 'failed')",
                                  "i", month_start);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = (struct site_overview){.active_people = db_col_int(st, 0), .courses = db_col_int(st, 1),
                                      .completions = db_col_int(st, 2), .pending_requests = db_col_int(st, 3),
                                      .failed_mail = db_col_int(st, 4)};
    db_done(st);
    return rc == DB_ROW ? LE_OK : LE_DB;
}

lerr enrolment_live_id(struct db *db, int64_t course_id, int64_t user_id, int64_t *id_out)
{
    return db_query_int(db, id_out,
                        "SELECT id FROM enrolments WHERE course_id = ?1 AND user_id = ?2 AND unenrolled_at IS NULL", "ii",
                        course_id, user_id);
}
