/* Events from CSV (docs/planning.md, "Import"): one event a row, checked by the same rules as
 * the event form (event_create), with the preview, located errors and all-or-nothing commit
 * of the course and enrolment uploads (csv_upload.c in courses).
 *
 * A wall-clock time is read in the row's own time zone, and must name one instant: a time the
 * clocks skip (the hour they go forward) is refused, and so is a time they pass twice (the
 * hour they go back) unless the row gives the offset it means. Guessing either would put a
 * class an hour off for everyone.
 *
 * Which session activity an event belongs to: the one the session column names, or the
 * course's only one. A course with none gets one (named by the session column, else like the
 * course), so a classroom course planned from a spreadsheet needs no clicking first; a course
 * with several must be told which, and a name it does not have is an error rather than a new
 * session, since a typing slip would otherwise split a session's events in two. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "internal.h"

enum icol { I_COURSE, I_TITLE, I_START, I_END, I_ZONE, I_ROOM, I_SEATS, I_TRAINERS, I_MEETING, I_MIN_SEATS, I_NOTE,
            I_SESSION, I__N };
static const struct upload_column columns[] = {
    {"course", I_COURSE},   {"shortname", I_COURSE},      {"title", I_TITLE},         {"start", I_START},
    {"starts_at", I_START}, {"end", I_END},               {"ends_at", I_END},         {"timezone", I_ZONE},
    {"room", I_ROOM},       {"seats", I_SEATS},           {"trainers", I_TRAINERS},   {"meeting_url", I_MEETING},
    {"min_seats", I_MIN_SEATS}, {"note", I_NOTE},         {"session", I_SESSION},
};
static const char *const names[I__N] = {"course", "title", "start", "end", "timezone", "room", "seats",
                                        "trainers", "meeting_url", "min_seats", "note", "session"};

struct event_upload {
    struct db *db;
    struct arena *a;
    struct upload u;
    int64_t actor_id;
};

struct event_row {                /* a row's checked values, as event_create takes them */
    struct course course;
    const struct tz *zone;
    struct event_input in;
    const char *trainers[EVENT_TRAINERS_MAX + 1];
    const char *new_session;      /* the session activity to create first; NULL = it exists */
};

static const char *col(const struct event_upload *eu, enum icol c)
{
    return upload_header(&eu->u, c, names[c]);
}

/* The offsets (seconds east of UTC) at which wall-clock time `wall` of the zone happens: none
 * when the clocks skip it, two when they pass it twice. Returns how many, at most 2. */
static int offsets_at(const struct tz *z, int64_t wall, int out[2])
{
    int near[3] = {tz_offset(z, wall - 86400, NULL), tz_offset(z, wall, NULL), tz_offset(z, wall + 86400, NULL)};
    int n = 0;
    for (int i = 0; i < 3 && n < 2; i++) {
        bool seen = false;
        for (int k = 0; k < n; k++) seen |= out[k] == near[i];
        if (!seen && tz_offset(z, wall - near[i], NULL) == near[i]) out[n++] = near[i];
    }
    return n;
}

static const char *offset_text(struct arena *a, int off)
{
    int m = abs(off) / 60;
    return arena_sprintf(a, "%c%02d:%02d", off < 0 ? '-' : '+', m / 60, m % 60);
}

/* A start or end as sent: a real date and time, naming one instant in the row's zone. */
static void check_time(struct event_upload *eu, struct course_import_row *row, enum icol c, const char *s,
                       const struct tz *zone, const char *zname)
{
    int64_t wall;
    if (!*s) {
        upload_row_error(eu->a, row, col(eu, c), "Give the date and time, such as 2027-03-29 09:30.");
        return;
    }
    if (!planning_parse_time(s, NULL, &wall)) {
        upload_row_error(eu->a, row, col(eu, c),
                         "'%s' is no date and time; write YYYY-MM-DD HH:MM (in the row's time zone), such as "
                         "2027-03-29 09:30.",
                         s);
        return;
    }
    const char *rest = s + 16; /* after YYYY-MM-DDTHH:MM, which the parse has checked */
    if (*rest == ':') rest += 3;
    if (*rest || !zone) return; /* an offset names the instant itself */
    int off[2];
    int n = offsets_at(zone, wall, off);
    if (n == 0)
        upload_row_error(eu->a, row, col(eu, c),
                         "%s does not exist in %s: the clocks go forward then. Give a time after the change.", s, zname);
    else if (n == 2)
        upload_row_error(eu->a, row, col(eu, c),
                         "%s happens twice in %s, as the clocks go back; add the offset you mean: %.16s%s or %.16s%s.",
                         s, zname, s, offset_text(eu->a, off[0]), s, offset_text(eu->a, off[1]));
}

static void check_zone_and_times(struct event_upload *eu, struct course_import_row *row, const char **v,
                                 struct event_row *er)
{
    if (!*v[I_ZONE])
        upload_row_error(eu->a, row, col(eu, I_ZONE), "Give the time zone the times are in, such as Europe/London.");
    else if (!tz_name_ok(v[I_ZONE]) || !(er->zone = tz_get(v[I_ZONE])))
        upload_row_error(eu->a, row, col(eu, I_ZONE), "'%s' is no time zone; give an IANA name such as Europe/London.",
                         v[I_ZONE]);
    check_time(eu, row, I_START, v[I_START], er->zone, v[I_ZONE]);
    check_time(eu, row, I_END, v[I_END], er->zone, v[I_ZONE]);
    er->in.timezone = v[I_ZONE];
    er->in.starts_at = v[I_START];
    er->in.ends_at = v[I_END];
}

struct room_match {
    int n;                        /* rooms of that name (at that site) */
    int64_t id;                   /* the last of them */
    bool archived;
    const char *sites;            /* their sites, quoted, for the message */
};

static struct room_match find_room(struct event_upload *eu, const char *name, const char *site)
{
    struct room_match m = {.sites = ""};
    struct db_stmt *st = db_query(eu->db,
                                  "SELECT id, site, archived FROM rooms WHERE name = ?1 AND (?3 = 0 OR site = ?2) "
                                  "ORDER BY site",
                                  "ssi", name, site ? site : "", (int64_t)(site != NULL));
    while (st && db_step(st) == DB_ROW) {
        m.id = db_col_int(st, 0);
        m.archived = db_col_int(st, 2) != 0;
        m.sites = arena_sprintf(eu->a, "%s%s'%s'", m.sites, m.n++ ? ", " : "", db_col_text(st, 1));
    }
    if (st) db_done(st);
    return m;
}

/* A room by name, or "site / name" where rooms of several sites share the name (a room whose
 * own name holds " / " is found by its whole name too). */
static void check_room(struct event_upload *eu, struct course_import_row *row, const char *text, struct event_row *er)
{
    er->in.room_id = 0;
    if (!*text) return; /* a virtual event: event_create asks for the meeting address */
    const char *slash = strstr(text, " / ");
    const char *name = slash ? arena_trim(eu->a, slash + 3) : text;
    const char *site = slash ? arena_trim(eu->a, arena_strndup(eu->a, text, (size_t)(slash - text))) : NULL;
    struct room_match m = find_room(eu, name, site);
    if (slash && m.n == 0) { /* perhaps the room's own name holds " / " */
        name = text;
        m = find_room(eu, name, NULL);
    }
    er->in.room_id = m.id;
    if (m.n == 0)
        upload_row_error(eu->a, row, col(eu, I_ROOM),
                         "There is no room '%s'; add it under Rooms first, or write the room as 'site / name'.", text);
    else if (m.n > 1)
        upload_row_error(eu->a, row, col(eu, I_ROOM),
                         "Rooms at several sites are called '%s' (%s); write it as 'site / name'.", name, m.sites);
    else if (m.archived)
        upload_row_error(eu->a, row, col(eu, I_ROOM), "The room '%s' is archived; choose another.", text);
}

/* A whole number in [min, 100000]; "" gives dflt. */
static int64_t read_count(struct event_upload *eu, struct course_import_row *row, enum icol c, const char *s,
                          int64_t min, int64_t dflt)
{
    if (!*s && dflt >= 0) return dflt;
    char *end = NULL;
    long long n = *s ? strtoll(s, &end, 10) : -1;
    if (!*s || *end || n < min || n > 100000) {
        upload_row_error(eu->a, row, col(eu, c), "Give a whole number from %lld to 100,000.", (long long)min);
        return -1;
    }
    return n;
}

/* Usernames separated by spaces, commas or semicolons; each must be someone. */
static void check_trainers(struct event_upload *eu, struct course_import_row *row, const char *text,
                           struct event_row *er)
{
    char *list = arena_strdup(eu->a, text), *save = NULL;
    int n = 0;
    for (char *name = strtok_r(list, " \t;,", &save); name; name = strtok_r(NULL, " \t;,", &save)) {
        struct user u;
        struct problem p = {0};
        if (user_get_by_username(eu->db, eu->a, name, &u, &p))
            upload_row_error(eu->a, row, col(eu, I_TRAINERS), "There is no user '%s'.", name);
        else if (n == EVENT_TRAINERS_MAX)
            upload_row_error(eu->a, row, col(eu, I_TRAINERS), "An event has at most %d trainers.", EVENT_TRAINERS_MAX);
        else
            er->trainers[n++] = name;
    }
    er->in.trainers = er->trainers;
    er->in.n_trainers = n;
}

/* The course's session activity for the row (see the top of the file). */
static void check_session(struct event_upload *eu, struct course_import_row *row, const char *wanted,
                          struct event_row *er)
{
    struct db_stmt *st = db_query(eu->db,
                                  "SELECT id, title FROM activities WHERE course_id = ?1 AND kind = 'session' AND "
                                  "deleted_at IS NULL ORDER BY id",
                                  "i", er->course.id);
    int n = 0;
    const char *titles = "";
    while (st && db_step(st) == DB_ROW) {
        const char *title = db_col_text(st, 1);
        if (!*wanted || !strcasecmp(title, wanted)) er->in.activity_id = db_col_int(st, 0);
        titles = arena_sprintf(eu->a, "%s%s'%s'", titles, n++ ? ", " : "", title);
    }
    if (st) db_done(st);
    if (n == 0) er->new_session = *wanted ? wanted : er->course.title;
    else if (*wanted && !er->in.activity_id)
        upload_row_error(eu->a, row, col(eu, I_SESSION), "The course %s has no session '%s'; its sessions: %s.",
                         er->course.code, wanted, titles);
    else if (n > 1 && !*wanted)
        upload_row_error(eu->a, row, col(eu, I_SESSION),
                         "The course %s has several sessions (%s); say which in a session column.", er->course.code,
                         titles);
}

static void check_row(struct event_upload *eu, struct course_import_row *row, const char **v, struct event_row *er)
{
    struct problem p = {0};
    if (!*v[I_COURSE])
        upload_row_error(eu->a, row, col(eu, I_COURSE), "Give the course's code.");
    else if (course_get(eu->db, eu->a, v[I_COURSE], 0, &er->course, &p))
        upload_row_error(eu->a, row, col(eu, I_COURSE), "There is no course '%s'.", v[I_COURSE]);
    else
        check_session(eu, row, v[I_SESSION], er);
    if (!*v[I_TITLE]) upload_row_error(eu->a, row, col(eu, I_TITLE), "Give the event a title.");
    check_zone_and_times(eu, row, v, er);
    check_room(eu, row, v[I_ROOM], er);
    er->in.seats = read_count(eu, row, I_SEATS, v[I_SEATS], 1, -1);
    er->in.min_seats = read_count(eu, row, I_MIN_SEATS, v[I_MIN_SEATS], 0, 0);
    check_trainers(eu, row, v[I_TRAINERS], er);
    er->in.title = v[I_TITLE];
    er->in.meeting_url = v[I_MEETING];
    er->in.note = v[I_NOTE];
}

/* The same event in the same session at the same start is already planned: the same file
 * again changes nothing. */
static bool already_planned(struct event_upload *eu, const struct event_row *er)
{
    int64_t starts, one;
    if (!er->in.activity_id || !planning_parse_time(er->in.starts_at, er->zone, &starts)) return false;
    return db_query_int(eu->db, &one,
                        "SELECT 1 FROM events WHERE activity_id = ?1 AND title = ?2 AND starts_at = ?3 AND state = "
                        "'scheduled'",
                        "isi", er->in.activity_id, er->in.title, starts) == LE_OK;
}

/* The course's first section, or a new one named like the session when it has none. */
static lerr create_session(struct event_upload *eu, struct event_row *er, struct problem *p)
{
    int64_t section = 0;
    lerr e = db_query_int(eu->db, &section,
                          "SELECT id FROM course_sections WHERE course_id = ?1 AND deleted_at IS NULL ORDER BY "
                          "position LIMIT 1",
                          "i", er->course.id);
    if (e == LE_NOTFOUND) e = section_create(eu->db, eu->a, er->course.id, er->new_session, eu->actor_id, &section, p);
    else if (e) e = model_db_problem(p);
    struct activity_input in = {.kind = "session", .title = er->new_session, .required = -1, .allow_mark_done = -1};
    if (!e) e = activity_create(eu->db, eu->a, NULL, er->course.id, section, &in, eu->actor_id, &er->in.activity_id, p);
    return e;
}

/* event_create's field, as the file's column. */
static const char *column_of_field(const struct event_upload *eu, const char *field)
{
    static const struct {
        const char *field;
        enum icol c;
    } map[] = {{"title", I_TITLE},       {"timezone", I_ZONE},       {"starts_at", I_START}, {"ends_at", I_END},
               {"room_id", I_ROOM},      {"meeting_url", I_MEETING}, {"seats", I_SEATS},     {"min_seats", I_MIN_SEATS},
               {"trainers", I_TRAINERS}, {"note", I_NOTE},           {"activity_id", I_SESSION}};
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (str_eq(map[k].field, field)) return col(eu, map[k].c);
    return "";
}

static void import_row(struct event_upload *eu, struct course_import_result *r, int k)
{
    const char *v[I__N];
    struct course_import_row *row = &r->rows[k];
    if (!upload_row(&eu->u, r, k, v)) return;
    row->code = arena_sprintf(eu->a, "%s %s %s", v[I_COURSE], v[I_START], v[I_TITLE]);
    struct event_row er = {.in = EVENT_INPUT_INIT};
    check_row(eu, row, v, &er);
    if (row->n_errors) return;
    row->outcome = "create";
    if (already_planned(eu, &er)) {
        row->outcome = "unchanged";
        row->note = "already planned";
        return;
    }
    struct problem p = {0};
    int64_t id;
    lerr e = er.new_session ? create_session(eu, &er, &p) : LE_OK;
    if (!e) {
        if (er.new_session) row->note = arena_sprintf(eu->a, "with a new session '%s'", er.new_session);
        e = event_create(eu->db, eu->a, er.course.id, &er.in, eu->actor_id, &id, &p);
    }
    if (e)
        upload_row_error(eu->a, row, column_of_field(eu, p.field), "%s",
                         p.message[0] ? p.message : "The database could not write the event.");
}

lerr event_import_run(struct db *db, struct arena *a, const char *data, size_t len, bool commit, int64_t actor_id,
                      struct course_import_result *r, struct problem *p)
{
    struct event_upload eu = {db, a, {0}, actor_id};
    if (!upload_open(&eu.u, a, data, len, columns, sizeof columns / sizeof columns[0], I__N, r)) return LE_OK;
    const enum icol required[] = {I_COURSE, I_TITLE, I_START, I_END, I_ZONE, I_SEATS};
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
        if (eu.u.idx[required[k]] < 0) {
            r->file_error = arena_sprintf(a,
                                          "The file has no '%s' column. The first line must name the columns: course, "
                                          "title, start, end, timezone, room, seats, trainers, and optionally "
                                          "meeting_url, min_seats, note and session.",
                                          names[required[k]]);
            r->n_rows = 0;
            return LE_OK;
        }
    if (db_tx_begin(db)) return problem_set(p, LE_DB, "", "The database could not start the upload; try again.");
    for (int k = 0; k < r->n_rows; k++) import_row(&eu, r, k);
    return upload_finish(db, r, "create", commit, p);
}
