/* Courses' codes, titles and outline versions in memory, for the learner's dashboard.
 *
 * The dashboard lists every enrolled course by code and title, and takes its outline from
 * outline.c by outline version; reading those three columns joined to the enrolments was a
 * descent into the courses table per enrolment. Any change to any course row changes
 * courses_version.version (triggers, migration 0019), which the dashboard reads with the
 * enrolments; an entry is used only while the version it was read under is current. After a
 * change, the next dashboard of each learner reads its courses once more and stores them under
 * the new version.
 *
 * A direct-mapped table: a course whose slot another course took is read again, which costs
 * the join, never a wrong answer. Entries are one allocation each, the struct and its strings. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define SLOTS 16384
#define LOCKS 64 /* slots share locks: slot i uses lock i % LOCKS */

struct course_name_entry {
    struct course_name name; /* strings point into this allocation */
    int64_t version;         /* courses_version it was read under */
};

static struct course_name_entry *table[SLOTS];
static pthread_mutex_t locks[LOCKS] = {[0 ... LOCKS - 1] = PTHREAD_MUTEX_INITIALIZER};

static size_t slot_of(int64_t course_id)
{
    return (size_t)((uint64_t)course_id % SLOTS);
}

bool course_name_get(struct arena *a, int64_t course_id, int64_t version, struct course_name *out)
{
    size_t slot = slot_of(course_id);
    bool hit = false;
    pthread_mutex_lock(&locks[slot % LOCKS]);
    const struct course_name_entry *e = table[slot];
    if (e && e->name.course_id == course_id && e->version == version) {
        *out = e->name;
        out->code = arena_strdup(a, e->name.code);
        out->title = arena_strdup(a, e->name.title);
        hit = true;
    }
    pthread_mutex_unlock(&locks[slot % LOCKS]);
    return hit;
}

void course_name_put(const struct course_name *name, int64_t version)
{
    size_t code_n = strlen(name->code) + 1, title_n = strlen(name->title) + 1;
    struct course_name_entry *e = malloc(sizeof *e + code_n + title_n);
    if (!e) return; /* read again next time */
    char *strings = (char *)(e + 1);
    e->name = *name;
    e->name.code = memcpy(strings, name->code, code_n);
    e->name.title = memcpy(strings + code_n, name->title, title_n);
    e->version = version;
    size_t slot = slot_of(name->course_id);
    pthread_mutex_lock(&locks[slot % LOCKS]);
    struct course_name_entry *old = table[slot];
    table[slot] = e;
    pthread_mutex_unlock(&locks[slot % LOCKS]);
    free(old);
}
