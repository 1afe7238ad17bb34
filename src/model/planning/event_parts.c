/* An event's dated parts: a class over several days has one part a day. The parts are read
 * as sent (in the event's zone), checked, sorted, and stored beside the event; events keep
 * their span (the first start, the last end) so everything that reads one row still works. */
#include <stdlib.h>
#include "internal.h"

static const char *field_or_parts(const char *field)
{
    return field ? field : "parts";
}

static int by_start(const void *x, const void *y)
{
    const struct event_part *a = x, *b = y;
    return a->starts_at < b->starts_at ? -1 : a->starts_at > b->starts_at;
}

static lerr read_part(const struct event_part_text *t, int number, const struct tz *zone, struct event_part *out,
                      struct problem *p)
{
    const char *sf = field_or_parts(t->starts_field), *ef = field_or_parts(t->ends_field);
    if (!t->starts_at || !*t->starts_at)
        return problem_set(p, LE_INVALID, sf, "Give the date and time part %d starts.", number);
    if (!t->ends_at || !*t->ends_at) return problem_set(p, LE_INVALID, ef, "Give the date and time part %d ends.", number);
    if (!planning_parse_time(t->starts_at, zone, &out->starts_at))
        return problem_set(p, LE_INVALID, sf,
                           "Give the start of part %d as a date and time, YYYY-MM-DDTHH:MM (in the event's time zone).",
                           number);
    if (!planning_parse_time(t->ends_at, zone, &out->ends_at))
        return problem_set(p, LE_INVALID, ef,
                           "Give the end of part %d as a date and time, YYYY-MM-DDTHH:MM (in the event's time zone).",
                           number);
    if (out->ends_at <= out->starts_at) return problem_set(p, LE_INVALID, ef, "Part %d must end after it starts.", number);
    return LE_OK;
}

lerr event_parts_parse(const struct event_part_text *in, int n, const struct tz *zone, struct event_part *out,
                       int *n_out, struct problem *p)
{
    int kept = 0;
    for (int i = 0; i < n; i++) {
        bool empty = (!in[i].starts_at || !*in[i].starts_at) && (!in[i].ends_at || !*in[i].ends_at);
        if (empty) continue;
        if (kept == EVENT_PARTS_MAX)
            return problem_set(p, LE_INVALID, "parts", "An event has at most %d parts.", EVENT_PARTS_MAX);
        lerr e = read_part(&in[i], i + 1, zone, &out[kept], p);
        if (e) return e;
        kept++;
    }
    if (!kept) return problem_set(p, LE_INVALID, field_or_parts(n ? in[0].starts_field : NULL),
                                  "Give the date and time the event starts and ends.");
    qsort(out, (size_t)kept, sizeof *out, by_start);
    for (int i = 1; i < kept; i++)
        if (out[i].starts_at < out[i - 1].ends_at)
            return problem_set(p, LE_INVALID, "parts",
                               "Two parts of the event overlap; each part must end before the next starts.");
    *n_out = kept;
    return LE_OK;
}

lerr event_parts_load(struct db *db, int64_t event_id, struct event_part *out, int *n_out, struct problem *p)
{
    *n_out = 0;
    /* Events written before parts existed, or by other code, have their span as one part. */
    struct db_stmt *st = db_query(db,
                                  "SELECT COALESCE(p.starts_at, e.starts_at), COALESCE(p.ends_at, e.ends_at) FROM events e "
                                  "LEFT JOIN event_parts p ON p.event_id = e.id WHERE e.id = ?1 ORDER BY 1",
                                  "i", event_id);
    if (!st) return model_db_problem(p);
    while (*n_out < EVENT_PARTS_MAX && db_step(st) == DB_ROW)
        out[(*n_out)++] = (struct event_part){db_col_int(st, 0), db_col_int(st, 1)};
    db_done(st);
    return LE_OK;
}

lerr event_parts_write(struct db *db, int64_t event_id, const struct event_part *parts, int n, struct problem *p)
{
    if (db_run(db, "DELETE FROM event_parts WHERE event_id = ?1", "i", event_id)) return model_db_problem(p);
    for (int i = 0; i < n; i++)
        if (db_run(db, "INSERT INTO event_parts (event_id, position, starts_at, ends_at) VALUES (?1, ?2, ?3, ?4)",
                   "iiii", event_id, (int64_t)(i + 1), parts[i].starts_at, parts[i].ends_at))
            return model_db_problem(p);
    return LE_OK;
}

json_t *event_parts_json(const struct event_part *parts, int n)
{
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:o, s:o}", "starts_at", model_json_time(parts[i].starts_at), "ends_at",
                                              model_json_time(parts[i].ends_at)));
    return list;
}
