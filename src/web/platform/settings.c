/* Site settings and branding: site name, primary colour and logo, applied to every page. The
 * settings page also shows the mail settings (mail.c) and the sections other domains add. */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include "internal.h"

/* Sections of the settings page from domains above platform, registered at start. */
#define SECTIONS_MAX 8
static web_settings_section_fn sections[SECTIONS_MAX];
static int n_sections;

void web_settings_section_register(web_settings_section_fn fn)
{
    if (n_sections == SECTIONS_MAX) abort(); /* a programming error: raise SECTIONS_MAX */
    sections[n_sections++] = fn;
}

static void settings_model(struct request *req, struct response *res)
{
    struct site_settings s;
    if (settings_get(req->db, req->arena, &s)) {
        res_error(res, LE_DB, NULL, "the settings could not be read; try again");
        return;
    }
    res->model = json_pack("{s:s, s:s, s:s?, s:s}", "site_name", s.site_name, "primary_color", s.primary_color,
                           "logo_url", s.logo_sha256 ? arena_sprintf(req->arena, "/branding/logo?v=%.12s", s.logo_sha256)
                                                     : NULL,
                           "timezone", s.timezone);
    web_mail_settings_model(req, res->model);
    for (int i = 0; i < n_sections; i++) sections[i](req, res->model);
    res->template = "admin/settings";
    res->title = T(req, "settings.title");
}

void h_settings_show(struct request *req, struct response *res)
{
    settings_model(req, res);
}

void h_settings_update(struct request *req, struct response *res)
{
    struct problem p = {0};
    const char *tz = req_param(req, "timezone");
    /* A wrong zone is refused before anything is saved. */
    lerr e = tz ? settings_check_timezone(tz, &p) : LE_OK;
    if (!e) e = settings_update(req->db, req_param(req, "site_name"), req_param(req, "primary_color"), req->user->id, &p);
    if (!e && tz) e = settings_update_timezone(req->db, tz, req->user->id, &p);
    if (e) {
        settings_model(req, res);
        if (res->model && req_param(req, "site_name"))
            json_object_set_new(res->model, "site_name", json_string(req_param(req, "site_name")));
        if (res->model && tz) json_object_set_new(res->model, "timezone", json_string(tz));
        web_fail(res, &p);
        return;
    }
    web_settings_changed();
    settings_model(req, res);
    web_flash(req, res, "flash.settings_saved");
    res->redirect = "/admin/settings";
}

void h_settings_logo(struct request *req, struct response *res)
{
    const struct uploaded_file *f = req_file(req, "logo");
    struct problem p = {0};
    if (!f || f->len == 0) {
        problem_set(&p, LE_INVALID, "logo", "%s", T(req, "settings.logo_missing"));
    } else if (settings_set_logo(req->db, web_app.data_dir, f->data, f->len, f->content_type, req->user->id, &p) == LE_OK) {
        web_settings_changed();
        settings_model(req, res);
        web_flash(req, res, "flash.settings_saved");
        res->redirect = "/admin/settings";
        return;
    }
    settings_model(req, res);
    web_fail(res, &p);
}

/* The logo is served from the content-addressed file store; its URL carries the hash, so it
 * may be cached for long. */
void h_logo(struct request *req, struct response *res)
{
    struct site_settings s;
    if (settings_get(req->db, req->arena, &s) || !s.logo_sha256) {
        res_error(res, LE_NOTFOUND, NULL, "no logo has been uploaded");
        return;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/files/%s", web_app.data_dir, s.logo_sha256);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        res_error(res, LE_NOTFOUND, NULL, "the logo file is missing from the data directory");
        return;
    }
    unsigned char *data = malloc(1024 * 1024 + 1);
    size_t n = data ? fread(data, 1, 1024 * 1024 + 1, fp) : 0;
    fclose(fp);
    if (!data || n == 0 || n > 1024 * 1024) {
        free(data);
        res_error(res, LE_IO, NULL, "the logo file could not be read");
        return;
    }
    res->body = data;
    res->body_len = n;
    res->body_owned = true;
    res->content_type = s.logo_type ? s.logo_type : "application/octet-stream";
    res_header(res, "Cache-Control", "public, max-age=86400");
}

/* The primary colour as a stylesheet, since the CSP allows no inline styles. */
void h_theme_css(struct request *req, struct response *res)
{
    const struct web_site *site = req->site;
    const char *c = site && site->settings.primary_color ? site->settings.primary_color : "#0d6efd";
    unsigned r = 13, g = 110, b = 253;
    if (strlen(c) == 7) sscanf(c + 1, "%2x%2x%2x", &r, &g, &b);
    /* Text on the brand colour is white or near-black, whichever contrasts more (WCAG relative
     * luminance), so an administrator's pale colour choice cannot make the navigation unreadable. */
    double lum = 0;
    unsigned rgb[3] = {r, g, b};
    const double weight[3] = {0.2126, 0.7152, 0.0722};
    for (int i = 0; i < 3; i++) {
        double c_lin = rgb[i] / 255.0;
        c_lin = c_lin <= 0.03928 ? c_lin / 12.92 : pow((c_lin + 0.055) / 1.055, 2.4);
        lum += weight[i] * c_lin;
    }
    const double dark_lum = 0.0154; /* #212529 */
    const char *on = (1.05 / (lum + 0.05)) >= ((lum + 0.05) / (dark_lum + 0.05)) ? "#fff" : "#212529";
    char *css = arena_sprintf(req->arena,
                              ":root{--bs-primary:%s;--bs-primary-rgb:%u,%u,%u;--bs-link-color:%s;"
                              "--bs-link-color-rgb:%u,%u,%u;--lectern-primary:%s;--lectern-on-primary:%s}\n"
                              ".btn-primary{--bs-btn-bg:%s;--bs-btn-border-color:%s;--bs-btn-hover-bg:%s;"
                              "--bs-btn-hover-border-color:%s;--bs-btn-active-bg:%s;--bs-btn-active-border-color:%s}\n"
                              ".navbar.lectern-brand{background-color:%s}\n",
                              c, r, g, b, c, r, g, b, c, on, c, c, c, c, c, c, c);
    res->body = css;
    res->body_len = strlen(css);
    res->content_type = "text/css; charset=utf-8";
    res_header(res, "Cache-Control", "public, max-age=300");
}
