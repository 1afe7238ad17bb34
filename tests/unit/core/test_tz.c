/* Time zones from the system's zone database: offsets and abbreviations on both sides of a
 * daylight-saving change, zones without one, times past the database's last transition, and
 * names that are not zones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "../../../src/core/core.h"

/* 2026-03-29 01:00 UTC: the United Kingdom's clocks go forward (GMT to BST). */
#define UK_SPRING_2026 1774746000

static void london_changes_at_the_end_of_march(void **state)
{
    (void)state;
    const struct tz *z = tz_get("Europe/London");
    assert_non_null(z);
    assert_string_equal(tz_name(z), "Europe/London");
    const char *abbr;
    assert_int_equal(tz_offset(z, UK_SPRING_2026 - 1, &abbr), 0);
    assert_string_equal(abbr, "GMT");
    assert_int_equal(tz_offset(z, UK_SPRING_2026, &abbr), 3600);
    assert_string_equal(abbr, "BST");
    assert_ptr_equal(tz_get("Europe/London"), z); /* loaded once */
}

/* What a person types in their zone, back to UTC, in winter and in summer. */
static void wall_clock_to_utc(void **state)
{
    (void)state;
    const struct tz *z = tz_get("Europe/London");
    assert_int_equal(tz_to_utc(z, 1768469400 /* 2026-01-15 09:30 */), 1768469400);
    assert_int_equal(tz_to_utc(z, 1782907200 /* 2026-07-01 12:00 */), 1782907200 - 3600);
    assert_int_equal(tz_to_utc(tz_get("Asia/Tokyo"), 1768469400), 1768469400 - 9 * 3600);
    assert_int_equal(tz_to_utc(NULL, 1768469400), 1768469400);
}

static void tokyo_has_no_summer_time(void **state)
{
    (void)state;
    const struct tz *z = tz_get("Asia/Tokyo");
    assert_non_null(z);
    const char *abbr;
    assert_int_equal(tz_offset(z, UK_SPRING_2026, &abbr), 9 * 3600);
    assert_string_equal(abbr, "JST");
    /* Far past the file's last transition (1951): still +9, never a 1940s summer time. */
    assert_int_equal(tz_offset(z, 4102444800 /* 2100-01-01 */, NULL), 9 * 3600);
}

static void later_years_follow_the_rule(void **state)
{
    (void)state;
    const struct tz *z = tz_get("Europe/London");
    /* 2050-07-01 12:00 UTC is summer time, 2050-01-01 is not: past the 2037 end of the table. */
    assert_int_equal(tz_offset(z, 2540289600, NULL), 3600);
    assert_int_equal(tz_offset(z, 2524608000, NULL), 0);
    /* New York, 2045-03-12 07:00 UTC: a minute before and after the second Sunday of March. */
    const struct tz *ny = tz_get("America/New_York");
    assert_non_null(ny);
    assert_int_equal(tz_offset(ny, 2372914800 - 60, NULL), -5 * 3600);
    assert_int_equal(tz_offset(ny, 2372914800 + 60, NULL), -4 * 3600);
}

static void names_that_are_not_zones(void **state)
{
    (void)state;
    assert_null(tz_get("Mars/Olympus"));
    assert_null(tz_get("../etc/passwd"));
    assert_null(tz_get("/etc/passwd"));
    assert_null(tz_get(""));
    assert_null(tz_get(NULL));
    assert_false(tz_name_ok("Europe/London; rm"));
    assert_true(tz_name_ok("America/Argentina/Buenos_Aires"));
    assert_int_equal(tz_offset(tz_get("UTC"), 0, NULL), 0);
    const char *abbr;
    assert_int_equal(tz_offset(NULL, 0, &abbr), 0);
    assert_string_equal(abbr, "UTC");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(london_changes_at_the_end_of_march),
        cmocka_unit_test(tokyo_has_no_summer_time),
        cmocka_unit_test(wall_clock_to_utc),
        cmocka_unit_test(later_years_follow_the_rule),
        cmocka_unit_test(names_that_are_not_zones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
