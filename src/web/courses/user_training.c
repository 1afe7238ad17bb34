/* A person's training on their page (/admin/users/{username}): the courses they are enrolled
 * in with their progress and due dates, and the ones they completed most recently. Their
 * manager and the administrators read it there; the page is the people domain's, which takes
 * this section from the table it keeps (web_user_section_register). */
#include "internal.h"
#include "../people/people.h"
#include "../../model/courses/courses.h"
#include "../../model/people/people.h"

static void user_training_section(struct request *req, json_t *model, const struct user *u)
{
    json_t *training = learner_dashboard_json(req->db, req->arena, u->id);
    json_object_del(training, "teaching"); /* the courses they teach are not their training */
    if (!req->is_api) {
        bool any = json_array_size(json_object_get(training, "courses")) ||
                   json_array_size(json_object_get(training, "recently_completed"));
        json_object_set_new(training, "any", json_boolean(any));
    }
    json_object_set_new(model, "training", training);
}

void web_courses_init(void)
{
    web_user_section_register(user_training_section);
    web_courses_bulk_init(); /* user_actions.c */
}
