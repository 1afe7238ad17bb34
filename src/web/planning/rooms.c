/* The register of rooms: /admin/rooms (the list with a form for a new room and one to edit
 * each) and /api/v1/rooms. */
#include <string.h>
#include "internal.h"

static void read_room(struct request *req, struct room_input *in)
{
    in->name = req_param(req, "name");
    in->site = req_param(req, "site");
    in->address = req_param(req, "address");
    in->resources = req_param(req, "resources");
    in->notes = req_param(req, "notes");
    in->meeting_url = req_param(req, "meeting_url");
    in->dial_in = req_param(req, "dial_in");
    if (req_has_param(req, "capacity")) in->capacity = req_param_int(req, "capacity", 0);
    /* A page's form always sends its checkbox's state; the API only when it is given. */
    if (req_has_param(req, "archived") || !req->is_api) in->archived = str_eq(req_param(req, "archived"), "true");
}

void h_rooms_list(struct request *req, struct response *res)
{
    bool all = !req->is_api || str_eq(req_param(req, "archived"), "true");
    res->model = json_pack("{s:o}", "rooms", rooms_json(req->db, all));
    res->template = "admin/rooms";
    res->title = T(req, "rooms.title");
}

void h_room_create(struct request *req, struct response *res)
{
    struct room_input in = ROOM_INPUT_INIT;
    read_room(req, &in);
    struct problem p = {0};
    int64_t id;
    if (room_create(req->db, req->arena, &in, req->user->id, &id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->status = 201;
    res->model = json_pack("{s:I}", "id", (json_int_t)id);
    web_flash(req, res, "flash.room_saved");
    res->redirect = "/admin/rooms";
}

void h_room_show(struct request *req, struct response *res)
{
    struct problem p = {0};
    json_t *room = room_json(req->db, req_param_int(req, "id", 0), &p);
    if (!room) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o}", "room", room);
}

void h_room_update(struct request *req, struct response *res)
{
    struct room_input in = ROOM_INPUT_INIT;
    read_room(req, &in);
    struct problem p = {0};
    int64_t id = req_param_int(req, "id", 0);
    if (room_update(req->db, req->arena, id, &in, req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:o}", "room", room_json(req->db, id, &p));
    web_flash(req, res, "flash.room_saved");
    res->redirect = "/admin/rooms";
}

void h_room_delete(struct request *req, struct response *res)
{
    struct problem p = {0};
    if (room_delete(req->db, req->arena, req_param_int(req, "id", 0), req->user->id, &p)) {
        web_fail(res, &p);
        return;
    }
    res->model = json_pack("{s:b}", "deleted", 1);
    web_flash(req, res, "flash.room_deleted");
    res->redirect = "/admin/rooms";
}
