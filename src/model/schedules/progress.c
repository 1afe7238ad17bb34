/* How far a person is through a programme, from how many of each set's courses they have
 * completed: which sets are open, which complete, and the assignment's state. Pure functions,
 * so the rules are tested without a database. */
#include <string.h>
#include "schedules.h"

bool programme_progress(struct set_progress *sets, int n)
{
    bool all = n > 0;
    for (int i = 0; i < n; i++) {
        struct set_progress *s = &sets[i];
        int need = s->require_n > 0 && s->require_n < s->n_courses ? s->require_n : s->n_courses;
        s->complete = s->n_courses > 0 && s->n_done >= need;
        /* A set after an incomplete one stays closed; the first set is always open. */
        s->open = i == 0 || !s->after_previous || sets[i - 1].complete;
        if (!s->complete) all = false;
    }
    return all;
}

enum assignment_state assignment_state(int64_t completed_at, int64_t due_at, bool started, int64_t now)
{
    if (completed_at) return STATE_COMPLETE;
    if (due_at && due_at < now) return STATE_OVERDUE;
    return started ? STATE_IN_PROGRESS : STATE_ASSIGNED;
}

static const char *const state_names[] = {"assigned",  "in_progress",  "complete", "overdue",
                                          "certified", "renewal_open", "expired"};
#define N_STATES (int)(sizeof state_names / sizeof *state_names)

const char *assignment_state_name(enum assignment_state s)
{
    return state_names[s];
}

bool assignment_state_parse(const char *name, enum assignment_state *out)
{
    for (int i = 0; name && i < N_STATES; i++)
        if (!strcmp(name, state_names[i])) {
            *out = (enum assignment_state)i;
            return true;
        }
    return false;
}
