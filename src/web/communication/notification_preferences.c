/* The page where a person chooses, per notification type, how its messages reach them
 * (docs/notifications.md): e-mail now, in Lectern, the daily digest, or not at all, offering
 * only the channels the type allows. The form (and the API's JSON object) names each type by
 * its key with a channel's name as the value; the route's parameters are made from the type
 * table at start (notifications_routes.c), so a new type needs nothing here. */
#include <string.h>
#include "internal.h"

static const unsigned CHANNEL_ORDER[] = {NOTIFY_EMAIL, NOTIFY_INAPP, NOTIFY_DIGEST, NOTIFY_OFF};

/* words: notify.channel_{email,inapp,digest,off} */
static json_t *channels_json(struct request *req, const struct notification_type *t, unsigned current)
{
    json_t *list = json_array();
    for (size_t i = 0; i < sizeof CHANNEL_ORDER / sizeof CHANNEL_ORDER[0]; i++) {
        unsigned c = CHANNEL_ORDER[i];
        if (!(t->channels & c)) continue;
        const char *name = notify_channel_name(c);
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", name, "label",
                                              T(req, arena_sprintf(req->arena, "notify.channel_%s", name)),
                                              "selected", c == current));
    }
    return list;
}

/* The page's model; typed (from a refused form) wins over what is saved. */
static void preferences_page(struct request *req, struct response *res, bool use_typed)
{
    const struct notification_type *types;
    size_t n = notification_types(&types);
    const char **chosen = NULL;
    if (notify_preferences_get(req->db, req->arena, req->user->id, &chosen)) {
        res_error(res, LE_DB, "", "Your choices could not be read; try again.");
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const char *typed = use_typed ? req_param(req, types[i].key) : NULL;
        unsigned current = typed && notify_channel_parse(typed) ? notify_channel_parse(typed)
                                                                : notify_channel_resolve(&types[i], chosen[i]);
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "type", types[i].key, "channel",
                              notify_channel_name(current), "label", T(req, types[i].label), "to",
                              T(req, types[i].recipient), "email_only", types[i].channels == NOTIFY_EMAIL);
        if (!req->is_api) json_object_set_new(o, "channels", channels_json(req, &types[i], current));
        json_array_append_new(list, o);
    }
    res->model = json_pack("{s:o}", "preferences", list);
    res->template = "communication/notification_preferences";
    res->title = T(req, "notify.preferences_title");
}

void h_notification_preferences(struct request *req, struct response *res)
{
    preferences_page(req, res, false);
}

/* Saves every type the form or the JSON names; a type left out keeps its choice. */
void h_notification_preferences_save(struct request *req, struct response *res)
{
    const struct notification_type *types;
    size_t n = notification_types(&types), k = 0;
    const char **keys = arena_alloc(req->arena, n * sizeof *keys);
    const char **values = arena_alloc(req->arena, n * sizeof *values);
    for (size_t i = 0; i < n; i++) {
        const char *v = req_param(req, types[i].key);
        if (!v) continue;
        keys[k] = types[i].key;
        values[k++] = v;
    }
    struct problem p = {0};
    if (notify_preferences_save(req->db, req->user->id, keys, values, k, &p)) {
        preferences_page(req, res, true);
        res_problem(res, &p);
        return;
    }
    preferences_page(req, res, false);
    res->redirect = "/notifications/preferences";
    web_flash(req, res, "flash.notification_preferences_saved");
}
