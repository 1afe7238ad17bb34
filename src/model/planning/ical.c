/* iCalendar (RFC 5545) from calendar items, built with libical: a VEVENT per dated part of an
 * event, its times in the event's own zone with that zone's VTIMEZONE (libical's builtin zones,
 * read from the system's zone database), so a calendar program shows 09:00 on both sides of a
 * change to summer time. Invitations (RFC 5546) carry METHOD:REQUEST or METHOD:CANCEL; a
 * part's UID never changes, and its SEQUENCE is the event's, which rises with every change. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libical/ical.h>
#include "internal.h"

/* libical's builtin time zones are loaded into shared tables without a lock of their own. */
static pthread_mutex_t ical_lock = PTHREAD_MUTEX_INITIALIZER;

#define ICAL_ZONES_MAX 16

struct ical_zones {
    const char *names[ICAL_ZONES_MAX];
    icaltimezone *zones[ICAL_ZONES_MAX];
    int n;
    int64_t since;                /* the earliest time written: older rules are left out */
};

/* "lectern.example.org" from "https://lectern.example.org:8080/x": the UIDs' host. */
static const char *url_host(struct arena *a, const char *base_url)
{
    const char *s = base_url ? strstr(base_url, "://") : NULL;
    if (!s) return "lectern.invalid";
    s += 3;
    size_t n = strcspn(s, ":/?#");
    return n ? arena_strndup(a, s, n) : "lectern.invalid";
}

/* The zone named, its VTIMEZONE added to cal once (TZID: the zone's IANA name); NULL for UTC
 * and for a zone libical does not know (times are then written in UTC). */
static icaltimezone *zone_for(icalcomponent *cal, struct ical_zones *z, const char *name)
{
    if (!name || !*name || str_eq(name, "UTC") || str_eq(name, "Etc/UTC")) return NULL;
    for (int i = 0; i < z->n; i++)
        if (str_eq(z->names[i], name)) return z->zones[i];
    icaltimezone *tz = icaltimezone_get_builtin_timezone(name);
    icalcomponent *vtz = tz ? icaltimezone_get_component(tz) : NULL;
    if (!vtz || z->n == ICAL_ZONES_MAX) return NULL;
    icalcomponent *copy = icalcomponent_new_clone(vtz);
    /* The zone's whole history since 1847 is kilobytes; from a year before the first event is enough. */
    icaltimezone_truncate_vtimezone(
        copy, icaltime_from_timet_with_zone((time_t)(z->since - 366 * 86400), 0, icaltimezone_get_utc_timezone()),
        icaltime_null_time(), 1);
    icalproperty *id = icalcomponent_get_first_property(copy, ICAL_TZID_PROPERTY);
    if (id) icalproperty_set_tzid(id, name);
    icalcomponent_add_component(cal, copy);
    z->names[z->n] = name;
    z->zones[z->n++] = tz;
    return tz;
}

/* DTSTART or DTEND: local time with TZID=name, or UTC when tz is NULL. */
static icalproperty *time_prop(icalproperty *(*make)(struct icaltimetype), int64_t t, icaltimezone *tz,
                               const char *name)
{
    if (!tz) return make(icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone()));
    /* The wall-clock time, written without a zone of its own: the TZID parameter names it. */
    struct icaltimetype local = icaltime_from_timet_with_zone((time_t)t, 0, tz);
    local.zone = NULL;
    icalproperty *prop = make(local);
    icalproperty_remove_parameter_by_kind(prop, ICAL_TZID_PARAMETER);
    icalproperty_add_parameter(prop, icalparameter_new_tzid(name));
    return prop;
}

/* Room, site and address, or the meeting address for an event online only. */
static const char *location_of(struct arena *a, const struct cal_item *it)
{
    const char *parts[] = {it->room, it->site, it->address}, *out = "";
    for (int i = 0; i < 3; i++)
        if (parts[i] && *parts[i]) out = arena_sprintf(a, "%s%s%s", out, *out ? ", " : "", parts[i]);
    return *out ? out : it->meeting_url ? it->meeting_url : "";
}

static const char *description_of(struct arena *a, const struct cal_item *it, const char *page)
{
    const char *d = it->note && *it->note ? it->note : "";
    if (it->meeting_url && *it->meeting_url) d = arena_sprintf(a, "%s%sOnline: %s", d, *d ? "\n\n" : "", it->meeting_url);
    return arena_sprintf(a, "%s%s%s", d, *d ? "\n\n" : "", page);
}

static icalproperty_status status_of(const struct cal_item *it, const char *method)
{
    if ((method && str_eq(method, "CANCEL")) || str_eq(it->state, "cancelled")) return ICAL_STATUS_CANCELLED;
    return str_eq(it->state, "waitlisted") ? ICAL_STATUS_TENTATIVE : ICAL_STATUS_CONFIRMED;
}

/* The person an invitation is for: their answer is the booking itself. */
static icalproperty *attendee_prop(struct arena *a, const struct ical_attendee *who)
{
    icalproperty *prop = icalproperty_new_attendee(arena_sprintf(a, "mailto:%s", who->email));
    if (who->name && *who->name) icalproperty_add_parameter(prop, icalparameter_new_cn(who->name));
    icalproperty_add_parameter(prop, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
    icalproperty_add_parameter(prop, icalparameter_new_partstat(who->accepted ? ICAL_PARTSTAT_ACCEPTED
                                                                              : ICAL_PARTSTAT_DECLINED));
    return prop;
}

struct ical_context {
    const char *method, *base_url, *host, *organizer;
    const struct ical_attendee *who;
};

static void add_event(icalcomponent *cal, struct ical_zones *z, struct arena *a, const struct cal_item *it,
                      const struct ical_context *x)
{
    const char *method = x->method, *base_url = x->base_url, *host = x->host, *organizer = x->organizer;
    icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    icaltimezone *tz = zone_for(cal, z, it->timezone);
    const char *page = arena_sprintf(a, "%s%s", base_url ? base_url : "", cal_item_path(a, it));
    icalcomponent_add_property(ev, icalproperty_new_uid(arena_sprintf(a, "event-%lld-part-%d@%s", (long long)it->event_id,
                                                                      it->position, host)));
    icalcomponent_add_property(
        ev, icalproperty_new_dtstamp(icaltime_from_timet_with_zone((time_t)time_now(), 0, icaltimezone_get_utc_timezone())));
    icalcomponent_add_property(ev, time_prop(icalproperty_new_dtstart, it->starts_at, tz, it->timezone));
    icalcomponent_add_property(ev, time_prop(icalproperty_new_dtend, it->ends_at, tz, it->timezone));
    icalcomponent_add_property(ev, icalproperty_new_summary(it->title));
    const char *where = location_of(a, it);
    if (*where) icalcomponent_add_property(ev, icalproperty_new_location(where));
    icalcomponent_add_property(ev, icalproperty_new_description(description_of(a, it, page)));
    icalcomponent_add_property(ev, icalproperty_new_url(page));
    if (organizer && *organizer) icalcomponent_add_property(ev, icalproperty_new_organizer(organizer));
    if (x->who && x->who->email && *x->who->email) icalcomponent_add_property(ev, attendee_prop(a, x->who));
    icalcomponent_add_property(ev, icalproperty_new_sequence((int)it->sequence));
    icalcomponent_add_property(ev, icalproperty_new_status(status_of(it, method)));
    icalcomponent_add_component(cal, ev);
}

static icalcomponent *calendar_new(const char *method, const char *name)
{
    icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//Lectern//Lectern " LECTERN_VERSION "//EN"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    if (method)
        icalcomponent_add_property(cal, icalproperty_new_method(str_eq(method, "CANCEL") ? ICAL_METHOD_CANCEL
                                                                                          : ICAL_METHOD_REQUEST));
    if (name && *name) {
        /* The name calendar programs give a subscribed feed. */
        icalproperty *x = icalproperty_new_x(name);
        icalproperty_set_x_name(x, "X-WR-CALNAME");
        icalcomponent_add_property(cal, x);
    }
    return cal;
}

const char *ical_build(struct arena *a, const struct cal_items *c, const char *method, const char *base_url,
                       const char *organizer, const char *name, const struct ical_attendee *who)
{
    struct ical_context x = {method, base_url, url_host(a, base_url), organizer, who};
    pthread_mutex_lock(&ical_lock);
    icalcomponent *cal = calendar_new(method, name);
    struct ical_zones z = {.since = INT64_MAX};
    for (size_t i = 0; i < c->n; i++)
        if (c->items[i].starts_at < z.since) z.since = c->items[i].starts_at;
    for (size_t i = 0; i < c->n; i++)
        if (str_eq(c->items[i].kind, "event")) add_event(cal, &z, a, &c->items[i], &x);
    char *text = icalcomponent_as_ical_string_r(cal);
    icalcomponent_free(cal);
    pthread_mutex_unlock(&ical_lock);
    const char *out = text ? arena_strdup(a, text) : NULL;
    free(text);
    return out;
}
