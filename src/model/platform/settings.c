/* Site settings and branding: the site's name, its primary colour and its logo. Settings are
 * key/value rows with defaults here; every change bumps 'version' (for caches) and is audited.
 * Uploaded files are content-addressed: DATA_DIR/files/<sha256>, written to a temporary file
 * and renamed, so a reader never sees half a file and the same bytes are stored once. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "platform.h"

#define DEFAULT_SITE_NAME "Lectern"
#define DEFAULT_PRIMARY_COLOR "#0d6efd"
#define DEFAULT_TIMEZONE "UTC"
#define SITE_NAME_MAX_CHARS 100

static lerr db_problem(struct problem *p)
{
    return problem_set(p, LE_DB, "",
                       "The database could not save the settings; nothing was changed. Try again.");
}

lerr settings_get(struct db *db, struct arena *a, struct site_settings *out)
{
    out->site_name = DEFAULT_SITE_NAME;
    out->primary_color = DEFAULT_PRIMARY_COLOR;
    out->logo_sha256 = NULL;
    out->logo_type = NULL;
    out->timezone = DEFAULT_TIMEZONE;
    out->version = 0;
    struct db_stmt *st = db_query(db,
                                  "SELECT key, value FROM settings WHERE key IN ('site_name', "
                                  "'primary_color', 'logo_sha256', 'logo_type', 'timezone', 'version')",
                                  "");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *k = db_col_text(st, 0), *v = db_col_text(st, 1);
        if (!k || !v) continue;
        if (strcmp(k, "site_name") == 0)
            out->site_name = arena_strdup(a, v);
        else if (strcmp(k, "primary_color") == 0)
            out->primary_color = arena_strdup(a, v);
        else if (strcmp(k, "logo_sha256") == 0)
            out->logo_sha256 = *v ? arena_strdup(a, v) : NULL;
        else if (strcmp(k, "logo_type") == 0)
            out->logo_type = *v ? arena_strdup(a, v) : NULL;
        else if (strcmp(k, "timezone") == 0)
            out->timezone = *v ? arena_strdup(a, v) : DEFAULT_TIMEZONE;
        else if (strcmp(k, "version") == 0)
            out->version = strtoll(v, NULL, 10);
    }
    db_done(st);
    return rc == DB_DONE ? LE_OK : LE_DB;
}

static lerr put(struct db *db, const char *key, const char *value)
{
    return db_run(db,
                  "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                  "ss", key, value);
}

static lerr bump_version(struct db *db)
{
    struct db_stmt *st = db_query(db, "SELECT value FROM settings WHERE key = 'version'", "");
    int rc = db_step(st);
    long long v = rc == DB_ROW && db_col_text(st, 0) ? strtoll(db_col_text(st, 0), NULL, 10) : 0;
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return LE_DB;
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v + 1);
    return put(db, "version", buf);
}

static lerr check_site_name(const char *in, char out[512], struct problem *p)
{
    while (*in == ' ' || *in == '\t') in++;
    size_t n = strlen(in);
    while (n && (in[n - 1] == ' ' || in[n - 1] == '\t')) n--;
    if (n == 0) return problem_set(p, LE_INVALID, "site_name", "Enter a name for the site.");
    size_t chars = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c < 0x20 || c == 0x7f)
            return problem_set(p, LE_INVALID, "site_name", "The site name contains characters that are not allowed.");
        if ((c & 0xC0) != 0x80) chars++;
    }
    if (chars > SITE_NAME_MAX_CHARS || n >= 512)
        return problem_set(p, LE_INVALID, "site_name", "Use at most %d characters for the site name.",
                           SITE_NAME_MAX_CHARS);
    if (!utf8_valid(in, n))
        return problem_set(p, LE_INVALID, "site_name", "The site name contains characters that are not allowed.");
    memcpy(out, in, n);
    out[n] = '\0';
    return LE_OK;
}

static lerr check_color(const char *in, char out[8], struct problem *p)
{
    bool ok = strlen(in) == 7 && in[0] == '#';
    for (int i = 1; ok && i < 7; i++) {
        char c = in[i];
        ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        out[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
    }
    if (!ok)
        return problem_set(p, LE_INVALID, "primary_color",
                           "Enter the colour as # and six hexadecimal digits, like #0d6efd.");
    out[0] = '#';
    out[7] = '\0';
    return LE_OK;
}

static void add_change(json_t *d, const char *key, const char *from, const char *to)
{
    json_object_set_new(d, key, json_pack("{s:s, s:s}", "from", from, "to", to));
}

lerr settings_update(struct db *db, const char *site_name, const char *primary_color,
                     int64_t actor_id, struct problem *p)
{
    char name[512], color[8];
    lerr e;
    if (site_name && (e = check_site_name(site_name, name, p))) return e;
    if (primary_color && (e = check_color(primary_color, color, p))) return e;
    if (db_tx_begin(db)) return db_problem(p);
    struct arena *a = arena_new(1024);
    struct site_settings cur;
    e = settings_get(db, a, &cur);
    json_t *changes = json_object();
    if (!e && site_name && strcmp(name, cur.site_name) != 0) {
        e = put(db, "site_name", name);
        add_change(changes, "site_name", cur.site_name, name);
    }
    if (!e && primary_color && strcmp(color, cur.primary_color) != 0) {
        e = put(db, "primary_color", color);
        add_change(changes, "primary_color", cur.primary_color, color);
    }
    if (!e && json_object_size(changes)) {
        e = bump_version(db);
        if (!e) e = audit_append(db, actor_id, "settings.update", "settings", changes);
    }
    if (e) e = db_problem(p);
    json_decref(changes);
    arena_free(a);
    if (db_tx_end(db, e) && !e) e = db_problem(p);
    return e;
}

lerr settings_check_timezone(const char *timezone, struct problem *p)
{
    if (tz_get(timezone)) return LE_OK;
    return problem_set(p, LE_INVALID, "timezone",
                       "'%.64s' is not a time zone: use a name such as Europe/London, America/New_York or UTC.",
                       timezone ? timezone : "");
}

lerr settings_update_timezone(struct db *db, const char *timezone, int64_t actor_id, struct problem *p)
{
    lerr e = settings_check_timezone(timezone, p);
    if (e) return e;
    if (db_tx_begin(db)) return db_problem(p);
    struct arena *a = arena_new(1024);
    struct site_settings cur;
    e = settings_get(db, a, &cur);
    json_t *changes = json_object();
    if (!e && strcmp(timezone, cur.timezone) != 0) {
        add_change(changes, "timezone", cur.timezone, timezone);
        e = put(db, "timezone", timezone);
        if (!e) e = bump_version(db);
        if (!e) e = audit_append(db, actor_id, "settings.update", "settings", changes);
    }
    if (e) e = db_problem(p);
    json_decref(changes);
    arena_free(a);
    if (db_tx_end(db, e) && !e) e = db_problem(p);
    return e;
}

/* ---- Logo and stored files ---- */

/* The image type from the first bytes; NULL when it is none we accept. */
static const char *sniff_image(const unsigned char *d, size_t n)
{
    if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) return "image/png";
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return "image/jpeg";
    if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0)) return "image/gif";
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) return "image/webp";
    return NULL;
}

static bool looks_like_svg(const unsigned char *d, size_t n)
{
    size_t lim = n < 4096 ? n : 4096;
    char head[4097];
    memcpy(head, d, lim);
    head[lim] = '\0';
    for (size_t i = 0; i < lim; i++)
        if (head[i] == '\0') head[i] = ' ';
    return strcasestr(head, "<svg") != NULL;
}

static bool is_sha256_hex(const char *s)
{
    if (!s || strlen(s) != 64) return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) return false;
    return true;
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

/* DATA_DIR/files/<sha256>: temp file, fsync, rename, fsync the directory. */
static lerr store_file(const char *data_dir, const char *sha, const void *data, size_t len,
                       struct problem *p)
{
    char dir[4096], final[4200], tmp[4200];
    snprintf(dir, sizeof dir, "%s/files", data_dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return problem_set(p, LE_IO, "logo", "cannot create %s: %s", dir, strerror(errno));
    snprintf(final, sizeof final, "%s/%s", dir, sha);
    struct stat st;
    if (stat(final, &st) == 0 && (size_t)st.st_size == len) return LE_OK; /* same bytes, stored */
    char rnd[17];
    random_hex(rnd, 8);
    snprintf(tmp, sizeof tmp, "%s/.tmp-%s", dir, rnd);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return problem_set(p, LE_IO, "logo", "cannot write %s: %s", tmp, strerror(errno));
    lerr e = write_all(fd, data, len);
    if (!e && fsync(fd) != 0) e = LE_IO;
    if (close(fd) != 0) e = LE_IO;
    if (!e && rename(tmp, final) != 0) e = LE_IO;
    if (e) {
        int err = errno;
        unlink(tmp);
        return problem_set(p, LE_IO, "logo", "cannot store the file in %s: %s", dir, strerror(err));
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return LE_OK;
}

lerr settings_set_logo(struct db *db, const char *data_dir, const void *data, size_t len,
                       const char *mime, int64_t actor_id, struct problem *p)
{
    (void)mime; /* the client's claim; the bytes decide */
    if (!data || len == 0) return problem_set(p, LE_INVALID, "logo", "Choose an image file for the logo.");
    if (len > SETTINGS_LOGO_MAX)
        return problem_set(p, LE_TOOBIG, "logo",
                           "The logo is %zu KiB; use an image of at most %d KiB (1 MiB).",
                           (len + 1023) / 1024, SETTINGS_LOGO_MAX / 1024);
    const char *type = sniff_image(data, len);
    if (!type) {
        if (looks_like_svg(data, len))
            return problem_set(p, LE_INVALID, "logo",
                               "SVG logos are not accepted because they can carry scripts; upload "
                               "a PNG, JPEG, WebP or GIF image.");
        return problem_set(p, LE_INVALID, "logo", "The logo must be a PNG, JPEG, WebP or GIF image.");
    }
    char sha[65];
    sha256_hex(data, len, sha);
    lerr e = store_file(data_dir, sha, data, len, p);
    if (e) return e;
    /* A failure below leaves an unreferenced file behind: harmless, and reused next time. */
    if (db_tx_begin(db)) return db_problem(p);
    e = db_run(db,
               "INSERT INTO files (sha256, size, mime, created_at) VALUES (?1, ?2, ?3, ?4) "
               "ON CONFLICT (sha256) DO NOTHING",
               "sisi", (const char *)sha, (int64_t)len, type, time_now());
    if (!e) e = put(db, "logo_sha256", sha);
    if (!e) e = put(db, "logo_type", type);
    if (!e) e = bump_version(db);
    if (!e) {
        json_t *d = json_pack("{s:s, s:s, s:I}", "sha256", sha, "type", type, "size", (json_int_t)len);
        e = audit_append(db, actor_id, "settings.logo", "settings", d);
        json_decref(d);
    }
    if (e) e = db_problem(p);
    if (db_tx_end(db, e) && !e) e = db_problem(p);
    return e;
}

lerr file_find(struct db *db, struct arena *a, const char *data_dir, const char *sha256,
               const char **mime, int64_t *size, const char **path)
{
    if (!is_sha256_hex(sha256)) return LE_NOTFOUND; /* also keeps the path inside files/ */
    struct db_stmt *st = db_query(db, "SELECT mime, size FROM files WHERE sha256 = ?1", "s", sha256);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        if (mime) *mime = arena_strdup(a, db_col_text(st, 0));
        if (size) *size = db_col_int(st, 1);
        if (path) *path = arena_sprintf(a, "%s/files/%s", data_dir, sha256);
    }
    db_done(st);
    return rc == DB_ROW ? LE_OK : rc == DB_DONE ? LE_NOTFOUND : LE_DB;
}
