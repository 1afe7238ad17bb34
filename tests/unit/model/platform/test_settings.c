/* Site settings and the logo: defaults, validation, versioning, audit, content-addressed
 * storage and type detection from the bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../../../../src/model/platform/platform.h"

struct fx {
    char root[64];
    struct db *db;
    struct arena *a;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    snprintf(f->root, sizeof f->root, "/tmp/lectern-test-XXXXXX");
    if (!mkdtemp(f->root)) return -1;
    struct problem p = {0};
    if (db_open(NULL, f->root, &f->db, &p) || db_migrate(f->db, &p)) return -1;
    f->a = arena_new(0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    arena_free(f->a);
    db_close(f->db);
    nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static int64_t audits(struct fx *f, const char *action)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM audit_log WHERE action = ?1", "s", action), LE_OK);
    return n;
}

static void test_defaults(void **state)
{
    struct fx *f = *state;
    struct site_settings s;
    assert_int_equal(settings_get(f->db, f->a, &s), LE_OK);
    assert_string_equal(s.site_name, "Lectern");
    assert_string_equal(s.primary_color, "#0d6efd");
    assert_null(s.logo_sha256);
    assert_null(s.logo_type);
    assert_int_equal(s.version, 0);
}

static void test_update(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct site_settings s;
    assert_int_equal(settings_update(f->db, "  Acme Training  ", "#A1B2C3", 0, &p), LE_OK);
    assert_int_equal(settings_get(f->db, f->a, &s), LE_OK);
    assert_string_equal(s.site_name, "Acme Training");
    assert_string_equal(s.primary_color, "#a1b2c3");
    assert_int_equal(s.version, 1);
    assert_int_equal(audits(f, "settings.update"), 1);
    /* NULL leaves a setting alone; an unchanged value writes nothing. */
    assert_int_equal(settings_update(f->db, NULL, "#a1b2c3", 0, &p), LE_OK);
    assert_int_equal(settings_update(f->db, "Acme Training", NULL, 0, &p), LE_OK);
    assert_int_equal(settings_get(f->db, f->a, &s), LE_OK);
    assert_int_equal(s.version, 1);
    assert_int_equal(audits(f, "settings.update"), 1);
    /* Hostile text is stored as is (escaping is the view's job). */
    assert_int_equal(settings_update(f->db, "<b>{{site}}</b> & 'Co'", NULL, 0, &p), LE_OK);
    assert_int_equal(settings_get(f->db, f->a, &s), LE_OK);
    assert_string_equal(s.site_name, "<b>{{site}}</b> & 'Co'");
    assert_int_equal(s.version, 2);
}

/* The site's time zone: UTC until set, a zone of the database or a clear refusal, audited. */
static void test_timezone(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct site_settings s;
    assert_int_equal(settings_get(f->db, f->a, &s), LE_OK);
    assert_string_equal(s.timezone, "UTC");
    assert_int_equal(settings_update_timezone(f->db, "Europe/London", 0, &p), LE_OK);
    assert_int_equal(settings_get(f->db, f->a, &s), LE_OK);
    assert_string_equal(s.timezone, "Europe/London");
    assert_int_equal(s.version, 1);
    assert_int_equal(audits(f, "settings.update"), 1);
    assert_int_equal(settings_update_timezone(f->db, "Europe/London", 0, &p), LE_OK); /* no change */
    assert_int_equal(audits(f, "settings.update"), 1);
    assert_int_equal(settings_update_timezone(f->db, "Mars/Olympus", 0, &p), LE_INVALID);
    assert_string_equal(p.field, "timezone");
    assert_non_null(strstr(p.message, "Europe/London"));
    assert_int_equal(settings_update_timezone(f->db, "../../etc/passwd", 0, &p), LE_INVALID);
    assert_int_equal(settings_get(f->db, f->a, &s), LE_OK);
    assert_string_equal(s.timezone, "Europe/London");
}

static void test_update_validation(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    const char *colors[] = {"red", "#fff", "#12345g", "0d6efd", "#0d6efd0", ""};
    for (size_t i = 0; i < sizeof colors / sizeof colors[0]; i++) {
        assert_int_equal(settings_update(f->db, "Fine", colors[i], 0, &p), LE_INVALID);
        assert_string_equal(p.field, "primary_color");
        assert_non_null(strstr(p.message, "#0d6efd"));
    }
    assert_int_equal(settings_update(f->db, "   ", NULL, 0, &p), LE_INVALID);
    assert_string_equal(p.field, "site_name");
    char longname[120];
    memset(longname, 'n', 101);
    longname[101] = '\0';
    assert_int_equal(settings_update(f->db, longname, NULL, 0, &p), LE_INVALID);
    assert_non_null(strstr(p.message, "at most 100"));
    longname[100] = '\0';
    assert_int_equal(settings_update(f->db, "line\nbreak", NULL, 0, &p), LE_INVALID);
    assert_int_equal(settings_update(f->db, "bad \xff", NULL, 0, &p), LE_INVALID);
    /* Nothing was written by the refused updates. */
    struct site_settings s;
    assert_int_equal(settings_get(f->db, f->a, &s), LE_OK);
    assert_string_equal(s.site_name, "Lectern");
    assert_int_equal(s.version, 0);
    assert_int_equal(settings_update(f->db, longname, NULL, 0, &p), LE_OK);
}

static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                    0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89};

static void test_logo(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    /* The client's type is ignored: the bytes say PNG. */
    assert_int_equal(settings_set_logo(f->db, f->root, png, sizeof png, "text/html", 0, &p), LE_OK);
    struct site_settings s;
    assert_int_equal(settings_get(f->db, f->a, &s), LE_OK);
    char sha[65];
    sha256_hex(png, sizeof png, sha);
    assert_string_equal(s.logo_sha256, sha);
    assert_string_equal(s.logo_type, "image/png");
    assert_int_equal(s.version, 1);
    char path[256];
    snprintf(path, sizeof path, "%s/files/%s", f->root, sha);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, sizeof png);
    assert_int_equal(st.st_mode & 0777, 0600);
    const char *mime, *fpath;
    int64_t size;
    assert_int_equal(file_find(f->db, f->a, f->root, sha, &mime, &size, &fpath), LE_OK);
    assert_string_equal(mime, "image/png");
    assert_int_equal(size, sizeof png);
    assert_string_equal(fpath, path);
    assert_int_equal(file_find(f->db, f->a, f->root, "../../etc/passwd", &mime, &size, &fpath), LE_NOTFOUND);
    char other[65];
    sha256_hex("x", 1, other);
    assert_int_equal(file_find(f->db, f->a, f->root, other, &mime, &size, &fpath), LE_NOTFOUND);
    /* The same bytes again: one file, one row. */
    assert_int_equal(settings_set_logo(f->db, f->root, png, sizeof png, NULL, 0, &p), LE_OK);
    int64_t n = 0;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM files", ""), LE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(audits(f, "settings.logo"), 2);
    /* No temporary files are left behind. */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s/files | grep tmp)\"", f->root);
    assert_int_equal(system(cmd), 0);
}

static void test_logo_types(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    struct site_settings s;
    const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0};
    const unsigned char gif[] = "GIF89a\x01\x00\x01\x00";
    const unsigned char webp[] = "RIFF\x10\x00\x00\x00WEBPVP8 ";
    assert_int_equal(settings_set_logo(f->db, f->root, jpeg, sizeof jpeg, "image/png", 0, &p), LE_OK);
    assert_int_equal(settings_get(f->db, f->a, &s), LE_OK);
    assert_string_equal(s.logo_type, "image/jpeg");
    assert_int_equal(settings_set_logo(f->db, f->root, gif, sizeof gif - 1, NULL, 0, &p), LE_OK);
    assert_int_equal(settings_get(f->db, f->a, &s), LE_OK);
    assert_string_equal(s.logo_type, "image/gif");
    assert_int_equal(settings_set_logo(f->db, f->root, webp, sizeof webp - 1, NULL, 0, &p), LE_OK);
    assert_int_equal(settings_get(f->db, f->a, &s), LE_OK);
    assert_string_equal(s.logo_type, "image/webp");

    const char *svg = "<?xml version=\"1.0\"?>\n<SVG xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></SVG>";
    assert_int_equal(settings_set_logo(f->db, f->root, svg, strlen(svg), "image/svg+xml", 0, &p), LE_INVALID);
    assert_non_null(strstr(p.message, "SVG"));
    const char *html = "<html><body>hi</body></html>";
    assert_int_equal(settings_set_logo(f->db, f->root, html, strlen(html), "image/png", 0, &p), LE_INVALID);
    assert_non_null(strstr(p.message, "PNG, JPEG, WebP or GIF"));
    assert_int_equal(settings_set_logo(f->db, f->root, png, 0, NULL, 0, &p), LE_INVALID);
    unsigned char *big = calloc(1, SETTINGS_LOGO_MAX + 1);
    memcpy(big, png, sizeof png);
    assert_int_equal(settings_set_logo(f->db, f->root, big, SETTINGS_LOGO_MAX + 1, NULL, 0, &p), LE_TOOBIG);
    assert_non_null(strstr(p.message, "1 MiB"));
    assert_int_equal(settings_set_logo(f->db, f->root, big, SETTINGS_LOGO_MAX, NULL, 0, &p), LE_OK);
    free(big);
    /* The refused uploads changed nothing. */
    assert_int_equal(settings_get(f->db, f->a, &s), LE_OK);
    assert_string_equal(s.logo_type, "image/png");
    assert_int_equal(s.version, 4);
}

int main(void)
{
    if (core_init()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timezone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logo_types, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
