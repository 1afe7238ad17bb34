/* Site roles and the role -> capability table the router checks. Authorisation is data: to
 * change who may do what, change the table, not the handlers. */
#include <string.h>
#include <strings.h>
#include "platform.h"

static const struct {
    unsigned role;
    const char *name;
} role_table[] = {
    {ROLE_ADMIN, "admin"},
    {ROLE_MANAGER, "manager"},
    {ROLE_INSTRUCTOR, "instructor"},
    {ROLE_LEARNER, "learner"},
};
#define N_ROLES (sizeof role_table / sizeof role_table[0])

/* Which roles hold each capability. CAP_PUBLIC and CAP_SIGNED_IN are decided in
 * role_has_cap (anyone; any signed-in user) and listed here for their names only. */
static const struct {
    const char *name;
    unsigned roles;
} cap_table[CAP__COUNT] = {
    [CAP_PUBLIC] = {"public", ROLE_ALL},
    [CAP_SIGNED_IN] = {"signed_in", ROLE_ALL},
    [CAP_USERS_VIEW] = {"users.view", ROLE_ADMIN | ROLE_MANAGER},
    [CAP_USERS_MANAGE] = {"users.manage", ROLE_ADMIN},
    [CAP_SETTINGS_MANAGE] = {"settings.manage", ROLE_ADMIN},
    [CAP_AUDIT_VIEW] = {"audit.view", ROLE_ADMIN},
    [CAP_METRICS_VIEW] = {"metrics.view", ROLE_ADMIN | ROLE_METRICS_SCRAPER},
    /* Only administrators, and never as another administrator (impersonation_start). */
    [CAP_USERS_IMPERSONATE] = {"users.impersonate", ROLE_ADMIN},
    [CAP_COURSES_MANAGE] = {"courses.manage", ROLE_ADMIN},
    /* Instructors only in the courses they teach (course.c checks the enrolment). */
    [CAP_COURSES_ENROL] = {"courses.enrol", ROLE_ADMIN | ROLE_INSTRUCTOR},
    /* Instructors only in the courses they teach (src/web/assessments/quizzes.c checks the course role). */
    [CAP_QUIZZES_MANAGE] = {"quizzes.manage", ROLE_ADMIN | ROLE_INSTRUCTOR},
    /* Instructors only in the courses they teach (src/web/courses/content.c checks the course role). */
    [CAP_COURSES_CONTENT] = {"courses.content", ROLE_ADMIN | ROLE_INSTRUCTOR},
    [CAP_ROOMS_MANAGE] = {"rooms.manage", ROLE_ADMIN},
    [CAP_PROGRAMMES_MANAGE] = {"programmes.manage", ROLE_ADMIN},
    [CAP_ANNOUNCE] = {"announcements.write", ROLE_ADMIN | ROLE_INSTRUCTOR | ROLE_MANAGER},
    [CAP_ANNOUNCE_ANYONE] = {"announcements.anyone", ROLE_ADMIN},
    [CAP_ANNOUNCE_COURSE] = {"announcements.course", ROLE_ADMIN | ROLE_INSTRUCTOR},
    [CAP_ANNOUNCE_TEAM] = {"announcements.team", ROLE_ADMIN | ROLE_MANAGER},
    [CAP_APPROVALS_DECIDE] = {"approvals.decide", ROLE_ADMIN | ROLE_MANAGER},
    [CAP_BOOKINGS_MANAGE] = {"bookings.manage", ROLE_ADMIN},
    [CAP_REPORTS_VIEW] = {"reports.view", ROLE_ADMIN | ROLE_MANAGER | ROLE_INSTRUCTOR},
    [CAP_REPORTS_ALL] = {"reports.all", ROLE_ADMIN},
    [CAP_REQUESTS_FILE] = {"requests.file", ROLE_ADMIN | ROLE_INSTRUCTOR | ROLE_MANAGER},
    [CAP_REQUESTS_WORK] = {"requests.work", ROLE_ADMIN},
    [CAP_DOCS_WRITE] = {"docs.write", ROLE_ADMIN},
};

unsigned role_parse(const char *name)
{
    if (!name) return 0;
    for (size_t i = 0; i < N_ROLES; i++)
        if (strcasecmp(name, role_table[i].name) == 0) return role_table[i].role;
    return 0;
}

const char *role_name(unsigned one_role)
{
    for (size_t i = 0; i < N_ROLES; i++)
        if (role_table[i].role == one_role) return role_table[i].name;
    return NULL;
}

unsigned role_parse_list(const char *list, struct problem *p)
{
    unsigned mask = 0;
    const char *s = list ? list : "";
    while (*s) {
        while (*s == ' ' || *s == ',' || *s == '\t') s++;
        const char *start = s;
        while (*s && *s != ',') s++;
        const char *end = s;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t')) end--;
        if (end == start) continue;
        char word[32];
        size_t n = (size_t)(end - start);
        unsigned r = 0;
        if (n < sizeof word) {
            memcpy(word, start, n);
            word[n] = '\0';
            r = role_parse(word);
        }
        if (!r) {
            problem_set(p, LE_INVALID, "roles",
                        "unknown role '%.*s'; choose from admin, manager, instructor, learner",
                        (int)(n > 40 ? 40 : n), start);
            return 0;
        }
        mask |= r;
    }
    if (!mask)
        problem_set(p, LE_INVALID, "roles",
                    "choose at least one role: admin, manager, instructor or learner");
    return mask;
}

bool role_has_cap(unsigned roles, enum capability cap)
{
    if (cap == CAP_PUBLIC) return true;
    if ((unsigned)cap >= CAP__COUNT) return false;
    if (cap == CAP_SIGNED_IN) return (roles & ROLE_ALL) != 0;
    return (roles & cap_table[cap].roles) != 0;
}

const char *cap_name(enum capability cap)
{
    if ((unsigned)cap >= CAP__COUNT) return "unknown";
    return cap_table[cap].name;
}

json_t *role_list_json(unsigned roles)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < N_ROLES; i++)
        if (roles & role_table[i].role) json_array_append_new(arr, json_string(role_table[i].name));
    return arr;
}
