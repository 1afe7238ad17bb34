/* Certifications: a programme whose completion is valid for a time (N days, or until a date each
 * year), with a renewal window before expiry. The expiry arithmetic and the states are pure
 * functions, so unit tests run them across a year without a database; certification_check turns
 * a form's or request's words into a rule. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "internal.h"

#define DAY 86400
#define VALID_DAYS_MAX 3650

/* The end (23:59:59 UTC) of month/day in year. */
static int64_t end_of_day(int year, int month, int day)
{
    struct tm tm = {.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day, .tm_hour = 23, .tm_min = 59,
                    .tm_sec = 59};
    return (int64_t)timegm(&tm);
}

/* The first end of the yearly date strictly after t. */
static int64_t next_yearly(const struct cert_rule *r, int64_t t)
{
    time_t w = (time_t)t;
    struct tm tm;
    gmtime_r(&w, &tm);
    int64_t at = end_of_day(tm.tm_year + 1900, r->valid_month, r->valid_day);
    return at > t ? at : end_of_day(tm.tm_year + 1901, r->valid_month, r->valid_day);
}

int64_t certification_expiry(const struct cert_rule *r, int64_t completed_at, int64_t previous_expiry)
{
    /* Renewed before the old expiry with the rhythm "expiry": the new period follows the old one. */
    int64_t from = r->rhythm == RHYTHM_EXPIRY && previous_expiry && completed_at < previous_expiry ? previous_expiry
                                                                                                 : completed_at;
    return r->valid_days > 0 ? from + (int64_t)r->valid_days * DAY : next_yearly(r, from);
}

int64_t certification_window_opens(const struct cert_rule *r, int64_t expires_at)
{
    return expires_at - (int64_t)r->window_days * DAY;
}

enum assignment_state certification_state(const struct cert_rule *r, int64_t expires_at, int64_t due_at, bool started,
                                          int64_t now)
{
    if (!expires_at) return assignment_state(0, due_at, started, now);
    if (now >= expires_at) return STATE_EXPIRED;
    if (now >= certification_window_opens(r, expires_at)) return STATE_RENEWAL_OPEN;
    return STATE_CERTIFIED;
}

/* "MM-DD" into a month and day that exist every year (not 29 February). */
static bool yearly_date_parse(const char *s, int *month, int *day)
{
    int n = 0;
    if (sscanf(s, "%2d-%2d%n", month, day, &n) != 2 || s[n] || n != 5) return false;
    static const int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return *month >= 1 && *month <= 12 && *day >= 1 && *day <= days_in[*month - 1];
}

lerr certification_check(struct arena *a, const struct certification_input *in, const char *field_prefix,
                         struct cert_rule *out, struct problem *p)
{
    *out = (struct cert_rule){0};
    bool until = in->valid_until && *in->valid_until;
    const char *pre = field_prefix ? field_prefix : "";
    if (in->valid_days < 0 || in->valid_days > VALID_DAYS_MAX)
        return problem_set(p, LE_INVALID, arena_sprintf(a, "%svalid_days", pre),
                           "Give how many days a certification stays valid as 1 to %d.", VALID_DAYS_MAX);
    if (until && in->valid_days > 0)
        return problem_set(p, LE_INVALID, arena_sprintf(a, "%svalid_until", pre),
                           "Choose either days of validity or a yearly expiry date, not both.");
    if (until && !yearly_date_parse(in->valid_until, &out->valid_month, &out->valid_day))
        return problem_set(p, LE_INVALID, arena_sprintf(a, "%svalid_until", pre),
                           "Give the yearly expiry date as MM-DD, such as 03-31 (not 02-29).");
    out->valid_days = in->valid_days;
    int longest = out->valid_days > 0 ? out->valid_days : 365;
    if (in->window_days < 0 || (cert_rule_on(out) && in->window_days >= longest))
        return problem_set(p, LE_INVALID, arena_sprintf(a, "%srenew_window_days", pre),
                           "Give the days before expiry that the renewal opens as 0 to %d, less than the validity.",
                           longest - 1);
    out->window_days = in->window_days;
    if (in->rhythm && *in->rhythm && !str_eq(in->rhythm, "expiry") && !str_eq(in->rhythm, "completion"))
        return problem_set(p, LE_INVALID, arena_sprintf(a, "%srhythm", pre),
                           "Choose the renewal rhythm: \"expiry\" (from the old expiry) or \"completion\".");
    out->rhythm = str_eq(in->rhythm, "completion") ? RHYTHM_COMPLETION : RHYTHM_EXPIRY;
    return LE_OK;
}

lerr certification_save(struct db *db, int64_t programme_id, const struct cert_rule *r, struct problem *p)
{
    char until[8] = "";
    if (r->valid_month) snprintf(until, sizeof until, "%02d-%02d", r->valid_month, r->valid_day);
    return db_run(db,
                  "UPDATE programmes SET cert_valid_days = NULLIF(CAST(?2 AS BIGINT), 0), cert_valid_until = "
                  "NULLIF(?3, ''), cert_window_days = ?4, cert_rhythm = ?5 WHERE id = ?1",
                  "iisis", programme_id, (int64_t)r->valid_days, until, (int64_t)r->window_days,
                  r->rhythm == RHYTHM_COMPLETION ? "completion" : "expiry")
               ? model_db_problem(p)
               : LE_OK;
}

void cert_rule_from_columns(struct cert_rule *r, int64_t valid_days, const char *valid_until, int64_t window_days,
                            const char *rhythm)
{
    *r = (struct cert_rule){.valid_days = (int)valid_days, .window_days = (int)window_days,
                            .rhythm = str_eq(rhythm, "completion") ? RHYTHM_COMPLETION : RHYTHM_EXPIRY};
    if (valid_until && *valid_until && !yearly_date_parse(valid_until, &r->valid_month, &r->valid_day))
        r->valid_month = r->valid_day = 0;
}

json_t *cert_rule_json(const struct cert_rule *r)
{
    if (!cert_rule_on(r)) return json_null();
    char until[8] = "";
    if (r->valid_month) snprintf(until, sizeof until, "%02d-%02d", r->valid_month, r->valid_day);
    return json_pack("{s:o, s:s?, s:i, s:s}", "valid_days", r->valid_days ? json_integer(r->valid_days) : json_null(),
                     "valid_until", r->valid_month ? until : NULL, "renew_window_days", r->window_days, "rhythm",
                     r->rhythm == RHYTHM_COMPLETION ? "completion" : "expiry");
}
