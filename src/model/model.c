/* Starts the model: each domain registers what it adds to the domains below it. A new domain
 * adds its init here, after the domains it uses. */
#include <stdbool.h>
#include "model.h"
#include "courses/courses.h"
#include "assessments/assessments.h"
#include "planning/planning.h"
#include "schedules/schedules.h"
#include "communication/communication.h"
#include "records/records.h"

void model_init(void)
{
    static bool done;
    if (done) return;
    done = true;
    courses_init();
    assessments_init();
    planning_init();
    schedules_init();
    records_init();
}
