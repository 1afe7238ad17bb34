/* The bell in the navigation (docs/notifications.md): the person's unread count on every
 * signed-in page, at no query. The session lookup reads users.notifications_unread with the
 * person, under an auth_version.notify_version (read with the session anyway; migration 0043's
 * triggers change it with every change to notifications); while that version stands, the count
 * is current, cached session or not. After a change, a person's next page reads their count
 * once, and this node keeps it, with the version it was read under, until the next change. The
 * table is direct-mapped by user id: a collision costs one query, never a wrong count. */
#include <pthread.h>
#include "internal.h"

#define SLOTS 8192

static struct {
    int64_t user_id, version, unread;
} slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static bool cached(int64_t user_id, int64_t version, int64_t *unread)
{
    size_t i = (size_t)user_id % SLOTS;
    pthread_mutex_lock(&lock);
    bool hit = slots[i].user_id == user_id && slots[i].version == version;
    if (hit) *unread = slots[i].unread;
    pthread_mutex_unlock(&lock);
    return hit;
}

static void remember(int64_t user_id, int64_t version, int64_t unread)
{
    size_t i = (size_t)user_id % SLOTS;
    pthread_mutex_lock(&lock);
    slots[i].user_id = user_id, slots[i].version = version, slots[i].unread = unread;
    pthread_mutex_unlock(&lock);
}

int64_t web_notifications_unread(struct request *req)
{
    int64_t version = req->user->notify_version, n = 0;
    if (version && req->user->unread_version == version) return req->user->unread;
    if (version && cached(req->user->id, version, &n)) return n;
    if (notifications_unread(req->db, req->user->id, &n)) return 0;
    if (version) remember(req->user->id, version, n);
    return n;
}

static void bell_part(struct request *req, json_t *chrome)
{
    int64_t n = web_notifications_unread(req);
    json_object_set_new(chrome, "bell", json_pack("{s:I, s:b}", "unread", (json_int_t)n, "any", n > 0));
}

void web_notifications_init(void)
{
    web_chrome_part_register(bell_part);
}
