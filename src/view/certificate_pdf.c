/* A certificate as PDF: one page drawn with cairo, its text laid out by pango (so a name in any
 * script finds a font through fontconfig's fallback), a QR code (libqrencode) of the public
 * verification address, and the template's logo. The title and body are the project's
 * Mustache: their own text is escaped for pango's markup first, and the engine escapes the
 * values it puts in, so what results is markup carrying only text. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <string.h>
#include "view.h"

/* A4 in points. */
#define A4_SHORT 595.0
#define A4_LONG 842.0
#define MARGIN 42.0
#define QR_SIDE 96.0
#define PDF_MAX (16u << 20)

lerr certificate_text(const char *tpl, json_t *vars, struct buf *out, struct problem *p)
{
    char *markup = g_markup_escape_text(tpl, -1);
    struct tpl_set *set = tpl_set_new();
    lerr e = set ? tpl_set_add(set, "certificate", markup, strlen(markup), p) : LE_NOMEM;
    json_t *stack[] = {vars};
    if (!e) e = tpl_set_render(set, "certificate", stack, 1, out);
    if (!e) e = buf_addc(out, '\0');
    if (e && !p->code) problem_set(p, e, "body", "The certificate's text could not be rendered.");
    tpl_set_free(set);
    g_free(markup);
    return e;
}

/* Draws markup centred in width at y in the font; returns the height it took. */
static double draw_text(cairo_t *cr, const char *markup, const char *font, double x, double y, double width)
{
    PangoLayout *layout = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(layout, fd);
    pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    /* Markup that does not parse (it always should) is shown as the text it is. */
    PangoAttrList *attrs = NULL;
    char *text = NULL;
    if (pango_parse_markup(markup, -1, 0, &attrs, &text, NULL, NULL)) {
        pango_layout_set_text(layout, text, -1);
        pango_layout_set_attributes(layout, attrs);
        pango_attr_list_unref(attrs);
        g_free(text);
    } else {
        pango_layout_set_text(layout, markup, -1);
    }
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
    int w, h;
    pango_layout_get_size(layout, &w, &h);
    pango_font_description_free(fd);
    g_object_unref(layout);
    return (double)h / PANGO_SCALE;
}

static void draw_qr(cairo_t *cr, const char *url, double x, double y)
{
    QRcode *qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr) return;
    double m = QR_SIDE / qr->width;
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int r = 0; r < qr->width; r++)
        for (int c = 0; c < qr->width; c++)
            if (qr->data[r * qr->width + c] & 1) cairo_rectangle(cr, x + c * m, y + r * m, m, m);
    cairo_fill(cr);
    QRcode_free(qr);
}

/* The logo centred at the top, at most 72 points high; the height it took (0 without one). */
static double draw_logo(cairo_t *cr, const char *path, double page_w, double y)
{
    if (!path) return 0;
    cairo_surface_t *img = cairo_image_surface_create_from_png(path);
    double taken = 0;
    if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
        double w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
        double scale = h > 72 ? 72 / h : 1;
        if (w * scale > page_w / 2) scale = page_w / 2 / w;
        cairo_save(cr);
        cairo_translate(cr, (page_w - w * scale) / 2, y);
        cairo_scale(cr, scale, scale);
        cairo_set_source_surface(cr, img, 0, 0);
        cairo_paint(cr);
        cairo_restore(cr);
        taken = h * scale + 18;
    }
    cairo_surface_destroy(img);
    return taken;
}

static cairo_status_t append(void *closure, const unsigned char *data, unsigned int length)
{
    return buf_add(closure, (const char *)data, length) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static void draw_page(cairo_t *cr, const struct certificate_page *c, const char *title, const char *body, double w,
                      double h)
{
    cairo_set_source_rgb(cr, 0.15, 0.25, 0.45);
    cairo_set_line_width(cr, 3);
    cairo_rectangle(cr, MARGIN / 2, MARGIN / 2, w - MARGIN, h - MARGIN);
    cairo_stroke(cr);
    /* The text starts a fifth down the page, below the logo when there is one. */
    double y = MARGIN + 12;
    y += draw_logo(cr, c->logo_path, w, y);
    if (y < h / 5) y = h / 5;
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    y += draw_text(cr, title, "Serif Bold 30", MARGIN, y, w - 2 * MARGIN) + 24;
    draw_text(cr, body, "Serif 16", MARGIN * 2, y, w - 4 * MARGIN);
    double qx = w - MARGIN - QR_SIDE, qy = h - MARGIN - QR_SIDE - 8;
    draw_qr(cr, c->verify_url, qx, qy);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    const char *foot = g_markup_printf_escaped("%s\n%s", c->verify_caption, c->verify_url);
    PangoLayout *layout = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string("Sans 9");
    pango_layout_set_font_description(layout, fd);
    pango_layout_set_markup(layout, foot, -1);
    cairo_move_to(cr, MARGIN, h - MARGIN - 30);
    pango_cairo_show_layout(cr, layout);
    pango_font_description_free(fd);
    g_object_unref(layout);
    g_free((char *)foot);
}

lerr certificate_pdf(const struct certificate_page *c, struct buf *out, struct problem *p)
{
    struct buf title, body;
    buf_init(&title, 64 * 1024);
    buf_init(&body, 256 * 1024);
    lerr e = certificate_text(c->title, c->vars, &title, p);
    if (!e) e = certificate_text(c->body, c->vars, &body, p);
    if (!e) {
        double w = c->portrait ? A4_SHORT : A4_LONG, h = c->portrait ? A4_LONG : A4_SHORT;
        buf_init(out, PDF_MAX);
        cairo_surface_t *s = cairo_pdf_surface_create_for_stream(append, out, w, h);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, c->vars_title ? c->vars_title : "Certificate");
        cairo_t *cr = cairo_create(s);
        draw_page(cr, c, title.data, body.data, w, h);
        cairo_show_page(cr);
        cairo_destroy(cr);
        cairo_surface_finish(s);
        if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
            e = problem_set(p, LE_INTERNAL, "", "The certificate could not be drawn; try again.");
        cairo_surface_destroy(s);
    }
    buf_release(&title);
    buf_release(&body);
    return e;
}

#if defined(__SANITIZE_ADDRESS__)
/* Sanitizer builds: fontconfig, cairo and pango keep process-wide caches (fonts, patterns,
 * glyphs) that they never free, which LeakSanitizer would report at every exit of a process
 * that drew a certificate. Those libraries' own allocations are left out; Lectern's are not. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\nleak:libcairo.so\nleak:libpango-1.0.so\nleak:libpangocairo-1.0.so\n"
           "leak:libpangoft2-1.0.so\nleak:libharfbuzz.so\nleak:libglib-2.0.so\nleak:libgobject-2.0.so\n";
}
#endif
