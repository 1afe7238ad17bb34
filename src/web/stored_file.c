/* Sending a file of the content store (DATA_DIR/files/<sha256>): the course files and the process
 * documents' attachments. PDF, images, video and audio are shown inline, documents downloaded;
 * one byte range is served when asked, so video can seek. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "web.h"

/* The Content-Disposition of a file called name: ASCII letters, digits and ._- in the plain
 * form, the full name in filename*. */
static const char *disposition(struct request *req, const char *name, bool inline_ok)
{
    char ascii[256];
    size_t k = 0;
    for (const char *s = name; *s && k < sizeof ascii - 1; s++)
        ascii[k++] = ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
                      strchr("._-", *s))
                         ? *s
                         : '_';
    ascii[k] = '\0';
    struct buf enc;
    buf_init(&enc, 4096);
    for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr("._-", *s))
            buf_addc(&enc, (char)*s);
        else
            buf_addf(&enc, "%%%02X", *s);
    }
    const char *v = arena_sprintf(req->arena, "%s; filename=\"%s\"; filename*=UTF-8''%s",
                                  inline_ok ? "inline" : "attachment", ascii, enc.data ? enc.data : "");
    buf_release(&enc);
    return v;
}

bool web_send_stored_file(struct request *req, struct response *res, const char *sha256, const char *mime,
                          const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/files/%s", web_app.data_dir, sha256);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0) close(fd);
        res_error(res, LE_NOTFOUND, NULL, "The file is missing from the data directory; ask an administrator.");
        return false;
    }
    int64_t size = st.st_size, start = 0, end = size - 1;
    int r = http_range_parse(req_header(req, "Range"), size, &start, &end);
    res_header(res, "Accept-Ranges", "bytes");
    if (r < 0) {
        close(fd);
        res->status = 416;
        res_header(res, "Content-Range", arena_sprintf(req->arena, "bytes */%lld", (long long)size));
        res->body = "";
        res->body_len = 0;
        res->content_type = "text/plain";
        return false;
    }
    size_t n = size ? (size_t)(end - start + 1) : 0;
    unsigned char *data = malloc(n ? n : 1);
    size_t got = 0;
    while (data && got < n) {
        ssize_t k = pread(fd, data + got, n - got, (off_t)(start + (int64_t)got));
        if (k <= 0) break;
        got += (size_t)k;
    }
    close(fd);
    if (!data || got != n) {
        free(data);
        res_error(res, LE_IO, NULL, "The file could not be read; try again.");
        return false;
    }
    if (r > 0) {
        res->status = 206;
        res_header(res, "Content-Range",
                   arena_sprintf(req->arena, "bytes %lld-%lld/%lld", (long long)start, (long long)end, (long long)size));
    }
    bool inline_ok = !strncmp(mime, "image/", 6) || !strncmp(mime, "video/", 6) ||
                     !strncmp(mime, "audio/", 6) || str_eq(mime, "application/pdf");
    res_header(res, "Content-Disposition", disposition(req, name, inline_ok));
    res_header(res, "Cache-Control", "private, max-age=3600");
    res->body = data;
    res->body_len = n;
    res->body_owned = true;
    res->content_type = mime;
    return true;
}
