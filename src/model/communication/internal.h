/* What only the communication domain's files share. */
#ifndef LECTERN_MODEL_COMMUNICATION_INTERNAL_H
#define LECTERN_MODEL_COMMUNICATION_INTERNAL_H

#include "communication.h"
#include "../internal.h"
#include "../people/people.h"
#include "../platform/platform.h"

/* The people an announcement reaches: a CTE list to put before a SELECT, with the
 * announcement's id as ?1, defining "reach(user_id)". Active accounts only. */
#define ANNOUNCEMENT_REACH                                                                                      \
    "WITH RECURSIVE ann AS (SELECT * FROM announcements WHERE id = ?1), "                                       \
    "sub(id) AS (SELECT department_id FROM ann WHERE audience = 'department' UNION "                            \
    "SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id), "                                        \
    "team(id) AS (SELECT u.id FROM users u JOIN ann ON ann.audience = 'team' AND u.manager_id = ann.author_id " \
    "UNION SELECT u.id FROM users u JOIN team ON u.manager_id = team.id), "                                     \
    "reach(user_id) AS (SELECT u.id FROM users u JOIN ann ON 1 = 1 WHERE u.status = 'active' AND "              \
    "u.deleted_at IS NULL AND (ann.audience = 'site' OR (ann.audience = 'course' AND EXISTS (SELECT 1 FROM "    \
    "enrolments e WHERE e.course_id = ann.course_id AND e.user_id = u.id AND e.unenrolled_at IS NULL)) OR "     \
    "(ann.audience = 'department' AND u.department_id IN (SELECT id FROM sub)) OR (ann.audience = 'job_role' "  \
    "AND u.job_role_id = ann.job_role_id) OR (ann.audience = 'role' AND (u.roles & ann.role_mask) <> 0) OR "    \
    "(ann.audience = 'team' AND u.id IN (SELECT id FROM team)))) "

/* Whether user_id is in the announcement's reach (one row from ANNOUNCEMENT_REACH). */
lerr announcement_reaches(struct db *db, int64_t id, int64_t user_id, bool *out);

/* The forum's row for a course (0 = the site), made on first use (forum.c). */
lerr forum_ensure(struct db *db, int64_t course_id, int64_t now, int64_t *id_out);

#endif
