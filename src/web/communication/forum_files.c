/* Downloading a post's attachment (docs/communication.md): the model checks that the viewer
 * may see the post; the bytes come from the content store. Images, PDF, audio and video open
 * in the browser, anything else is offered as a download under its own name. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

/* Reads the whole stored file; NULL when it is missing or unreadable. */
static unsigned char *read_stored(const char *sha256, size_t *len)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/files/%s", web_app.data_dir, sha256);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (fd >= 0) close(fd);
        return NULL;
    }
    size_t n = (size_t)sb.st_size, got = 0;
    unsigned char *data = malloc(n ? n : 1);
    while (data && got < n) {
        ssize_t k = pread(fd, data + got, n - got, (off_t)got);
        if (k <= 0) break;
        got += (size_t)k;
    }
    close(fd);
    if (!data || got != n) {
        free(data);
        return NULL;
    }
    *len = n;
    return data;
}

/* The name in Content-Disposition: letters, digits and ._- as they are, the rest as _ in the
 * plain form and percent-encoded in filename*. */
static const char *disposition(struct request *req, const char *mime, const char *name)
{
    bool inline_ok = !strncmp(mime, "image/", 6) || !strncmp(mime, "video/", 6) || !strncmp(mime, "audio/", 6) ||
                     str_eq(mime, "application/pdf");
    size_t n = strlen(name);
    char *ascii = arena_alloc(req->arena, n + 1), *enc = arena_alloc(req->arena, n * 3 + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("._-", c);
        ascii[i] = plain ? (char)c : '_';
        k += (size_t)(plain ? snprintf(enc + k, 2, "%c", c) : snprintf(enc + k, 4, "%%%02X", c));
    }
    ascii[n] = '\0';
    enc[k] = '\0';
    return arena_sprintf(req->arena, "%s; filename=\"%s\"; filename*=UTF-8''%s", inline_ok ? "inline" : "attachment",
                         ascii, enc);
}

void h_attachment_download(struct request *req, struct response *res)
{
    struct problem p = {0};
    struct forum_attachment x;
    if (forum_attachment_find(req->db, req->arena, req_param_int(req, "id", 0), req->user->id, req->user->roles, &x,
                              &p)) {
        web_fail(res, &p);
        return;
    }
    size_t n = 0;
    unsigned char *data = read_stored(x.sha256, &n);
    if (!data) {
        res_error(res, LE_NOTFOUND, NULL, "The file is missing from the data directory; ask an administrator.");
        return;
    }
    res_header(res, "Content-Disposition", disposition(req, x.mime, x.file_name));
    res_header(res, "Cache-Control", "private, max-age=3600");
    res->body = data;
    res->body_len = n;
    res->body_owned = true;
    res->content_type = x.mime;
}
