/* Calendars: what a person, a course or a room has on between two times, each in one query
 * (a UNION of the kinds of entry), and the secret address of a person's calendar feed. */
#include <stdint.h>
#include <string.h>
#include "internal.h"

/* The columns every kind of entry gives, in struct cal_item's order; an event's state is the
 * first argument. ?2 and ?3 are the range. */
#define CAL_EVENT(state)                                                                                           \
    "SELECT 'event', e.id, e.activity_id, pt.position, pt.starts_at, pt.ends_at, e.title, c.code, c.title, " state \
    ", e.timezone, COALESCE(r.name, ''), COALESCE(r.site, ''), COALESCE(r.address, ''), CASE WHEN "               \
    "e.meeting_url <> '' THEN e.meeting_url ELSE COALESCE(r.meeting_url, '') END, e.note, e.sequence, 0 "          \
    "FROM events e JOIN " EVENT_PARTS " pt ON pt.event_id = e.id JOIN courses c ON c.id = e.course_id "            \
    "LEFT JOIN rooms r ON r.id = e.room_id "
#define CAL_EVENT_IN_RANGE " pt.starts_at < ?3 AND pt.ends_at > ?2 "
#define CAL_MOMENT(kind, id, at, title, state, people)                                                            \
    "SELECT '" kind "', 0, " id ", 0, " at ", " at ", " title ", c.code, c.title, " state                         \
    ", '', '', '', '', '', '', 0, " people " "
#define CAL_QUIZZES                                                                                                \
    "FROM quizzes q JOIN activities x ON x.id = q.activity_id AND x.deleted_at IS NULL JOIN courses c ON c.id = "  \
    "x.course_id "
#define CAL_ORDER " ORDER BY 5, 1, 2"

static void cal_item_read(struct db_stmt *st, struct arena *a, struct cal_item *it)
{
    it->kind = model_col_str(a, st, 0);
    it->event_id = db_col_int(st, 1);
    it->activity_id = db_col_int(st, 2);
    it->position = (int)db_col_int(st, 3);
    it->starts_at = db_col_int(st, 4);
    it->ends_at = db_col_int(st, 5);
    const char **texts[] = {&it->title, &it->course_code, &it->course_title, &it->state, &it->timezone,
                            &it->room, &it->site, &it->address, &it->meeting_url, &it->note};
    for (int i = 0; i < 10; i++) *texts[i] = model_col_str(a, st, 6 + i);
    it->sequence = db_col_int(st, 16);
    it->people = db_col_int(st, 17);
}

/* Runs sql (bound: ?1 key, ?2 from, ?3 to, ?4 extra) and gathers its rows. */
static lerr cal_collect(struct db *db, struct arena *a, const char *sql, int64_t key, int64_t from, int64_t to,
                        int64_t extra, struct cal_items *out, struct problem *p)
{
    *out = (struct cal_items){0};
    struct db_stmt *st = db_query(db, sql, "iiii", key, from, to, extra);
    if (!st) return model_db_problem(p);
    size_t cap = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (out->n == cap) {
            struct cal_item *more = arena_alloc(a, (cap = cap ? cap * 2 : 32) * sizeof *more);
            if (out->n) memcpy(more, out->items, out->n * sizeof *more);
            out->items = more;
        }
        cal_item_read(st, a, &out->items[out->n++]);
    }
    db_done(st);
    return rc == DB_DONE ? LE_OK : model_db_problem(p);
}

lerr calendar_person(struct db *db, struct arena *a, int64_t user_id, int64_t from, int64_t to,
                     struct cal_items *out, struct problem *p)
{
    static const char sql[] =
        CAL_EVENT("b.state") "JOIN event_bookings b ON b.event_id = e.id AND b.user_id = ?1 AND b.state <> "
                             "'cancelled' WHERE" CAL_EVENT_IN_RANGE
        "UNION ALL " CAL_EVENT("CASE WHEN e.state = 'cancelled' THEN 'cancelled' ELSE 'trains' END")
            "JOIN event_trainers t ON t.event_id = e.id AND t.user_id = ?1 WHERE" CAL_EVENT_IN_RANGE
        "UNION ALL " CAL_MOMENT("due", "0", "n.due_at", "c.title",
                                "CASE WHEN n.completed_at IS NULL THEN 'open' ELSE 'completed' END", "1")
            "FROM enrolments n JOIN courses c ON c.id = n.course_id WHERE n.user_id = ?1 AND n.unenrolled_at IS "
            "NULL AND n.due_at >= ?2 AND n.due_at < ?3 AND ?4 = 0 "
        "UNION ALL " CAL_MOMENT("quiz", "x.id", "q.close_at", "x.title", "''", "0") CAL_QUIZZES
            "JOIN enrolments n ON n.course_id = x.course_id AND n.user_id = ?1 AND n.unenrolled_at IS NULL "
            "WHERE q.close_at >= ?2 AND q.close_at < ?3" CAL_ORDER;
    return cal_collect(db, a, sql, user_id, from, to, 0, out, p);
}

lerr calendar_course(struct db *db, struct arena *a, int64_t course_id, int64_t learner_id, int64_t from, int64_t to,
                     struct cal_items *out, struct problem *p)
{
    static const char sql[] =
        CAL_EVENT("e.state") "WHERE e.course_id = ?1 AND" CAL_EVENT_IN_RANGE
        "UNION ALL " CAL_MOMENT("due", "0", "n.due_at", "c.title", "''", "COUNT(*)")
            "FROM enrolments n JOIN courses c ON c.id = n.course_id WHERE n.course_id = ?1 AND n.role = 'learner' "
            "AND n.unenrolled_at IS NULL AND (?4 = 0 OR n.user_id = ?4) AND n.due_at >= ?2 AND n.due_at < ?3 "
            "GROUP BY n.due_at, c.code, c.title "
        "UNION ALL " CAL_MOMENT("quiz", "x.id", "q.close_at", "x.title", "''", "0") CAL_QUIZZES
            "WHERE x.course_id = ?1 AND q.close_at >= ?2 AND q.close_at < ?3" CAL_ORDER;
    return cal_collect(db, a, sql, course_id, from, to, learner_id, out, p);
}

lerr calendar_room(struct db *db, struct arena *a, int64_t room_id, int64_t from, int64_t to, struct cal_items *out,
                   struct problem *p)
{
    static const char sql[] =
        CAL_EVENT("e.state") "WHERE e.room_id = ?1 AND e.state = 'scheduled' AND ?4 = 0 AND" CAL_EVENT_IN_RANGE CAL_ORDER;
    return cal_collect(db, a, sql, room_id, from, to, 0, out, p);
}

const char *cal_item_path(struct arena *a, const struct cal_item *it)
{
    if (str_eq(it->kind, "event"))
        return arena_sprintf(a, "/courses/%s/sessions/%lld", it->course_code, (long long)it->activity_id);
    if (str_eq(it->kind, "quiz"))
        return arena_sprintf(a, "/courses/%s/quizzes/%lld", it->course_code, (long long)it->activity_id);
    return arena_sprintf(a, "/courses/%s", it->course_code);
}

json_t *cal_items_json(const struct cal_items *c)
{
    json_t *list = json_array();
    struct arena *a = arena_new(4096);
    for (size_t i = 0; i < c->n; i++) {
        const struct cal_item *it = &c->items[i];
        json_t *j = json_pack("{s:s, s:s, s:o, s:o, s:{s:s, s:s}, s:s, s:s}", "kind", it->kind, "title", it->title,
                              "starts_at", model_json_time(it->starts_at), "ends_at", model_json_time(it->ends_at),
                              "course", "code", it->course_code, "title", it->course_title, "state", it->state, "path",
                              cal_item_path(a, it));
        if (str_eq(it->kind, "event")) {
            json_object_set_new(j, "event_id", json_integer(it->event_id));
            json_object_set_new(j, "part", json_integer(it->position));
            json_object_set_new(j, "timezone", json_string(it->timezone));
            json_object_set_new(j, "room", json_string(it->room));
            json_object_set_new(j, "meeting_url", json_string(it->meeting_url));
        }
        if (str_eq(it->kind, "due") && !*it->state) json_object_set_new(j, "people", json_integer(it->people));
        json_array_append_new(list, j);
    }
    arena_free(a);
    return list;
}

/* ---- The feed's secret address ---- */

lerr calendar_feed_renew(struct db *db, struct arena *a, int64_t user_id, const char **token_out, struct problem *p)
{
    char token[65], hash[65];
    random_hex(token, 32);
    sha256_hex(token, 64, hash);
    if (db_tx_begin(db)) return model_db_problem(p);
    lerr e = db_run(db,
                    "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?1, ?2, ?3) ON CONFLICT "
                    "(user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
                    "isi", user_id, hash, time_now())
                 ? model_db_problem(p)
                 : LE_OK;
    if (!e) e = planning_audit(db, a, user_id, "calendar.feed_renew", "user", user_id, NULL, p);
    if (db_tx_end(db, e) && !e) e = model_db_problem(p);
    if (!e) *token_out = arena_strdup(a, token);
    return e;
}

lerr calendar_feed_owner(struct db *db, const char *token, int64_t *user_id)
{
    if (!token || strlen(token) != 64 || strspn(token, "0123456789abcdef") != 64) return LE_NOTFOUND;
    char hash[65];
    sha256_hex(token, 64, hash);
    return db_query_int(db, user_id,
                        "SELECT f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id WHERE f.token_hash = ?1 "
                        "AND u.status = 'active'",
                        "s", hash)
               ? LE_NOTFOUND
               : LE_OK;
}

int64_t calendar_feed_created(struct db *db, int64_t user_id)
{
    int64_t at = 0;
    db_query_int(db, &at, "SELECT created_at FROM calendar_feeds WHERE user_id = ?1", "i", user_id);
    return at;
}

/* ---- Invitations ---- */

/* Every dated part of one event. */
static lerr calendar_event(struct db *db, struct arena *a, int64_t event_id, struct cal_items *out, struct problem *p)
{
    static const char sql[] = CAL_EVENT("e.state") "WHERE e.id = ?1 AND ?4 = 0 AND" CAL_EVENT_IN_RANGE CAL_ORDER;
    return cal_collect(db, a, sql, event_id, 0, INT64_MAX, 0, out, p);
}

lerr planning_invitation(struct db *db, struct arena *a, int64_t event_id, const char *what,
                         const struct ical_attendee *who, struct mail_attachment *out, struct problem *p)
{
    *out = (struct mail_attachment){0};
    const char *method = str_eq(what, "booked") || str_eq(what, "confirmed") || str_eq(what, "approved") || str_eq(what, "changed") ? "REQUEST"
                         : str_eq(what, "cancelled") || str_eq(what, "booking_cancelled") ? "CANCEL"
                                                                                           : NULL;
    if (!method) return LE_OK;
    struct cal_items items;
    struct mail_settings s;
    lerr e = calendar_event(db, a, event_id, &items, p);
    if (e) return e;
    if (mail_settings_get(db, a, &s)) return model_db_problem(p);
    const char *organizer = mail_address_ok(s.from_address) ? arena_sprintf(a, "mailto:%s", s.from_address) : "";
    struct ical_attendee attendee = *who;
    attendee.accepted = str_eq(method, "REQUEST");
    const char *text = ical_build(a, &items, method, mail_base_url(db, a), organizer, NULL, &attendee);
    if (!text) return problem_set(p, LE_NOMEM, "", "the invitation could not be written");
    out->type = str_eq(method, "CANCEL") ? "text/calendar; method=CANCEL" : "text/calendar; method=REQUEST";
    out->text = text;
    return LE_OK;
}

lerr planning_event_changed(struct db *db, struct arena *a, int64_t event_id, struct problem *p)
{
    if (db_run(db, "UPDATE events SET sequence = sequence + 1 WHERE id = ?1", "i", event_id)) return model_db_problem(p);
    struct db_stmt *st = db_query(db, "SELECT user_id FROM event_bookings WHERE event_id = ?1 AND state = 'booked' ORDER BY id",
                                  "i", event_id);
    if (!st) return model_db_problem(p);
    int64_t *people = NULL;
    size_t n = 0, cap = 0;
    while (db_step(st) == DB_ROW) {
        if (n == cap) {
            int64_t *more = arena_alloc(a, (cap = cap ? cap * 2 : 16) * sizeof *more);
            if (n) memcpy(more, people, n * sizeof *more);
            people = more;
        }
        people[n++] = db_col_int(st, 0);
    }
    db_done(st);
    lerr e = LE_OK;
    for (size_t i = 0; !e && i < n; i++) e = planning_tell(db, a, event_id, people[i], "changed", p);
    return e;
}
