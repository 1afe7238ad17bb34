/* Helpers shared by the model's files and by nothing outside src/model. */
#ifndef LECTERN_MODEL_INTERNAL_H
#define LECTERN_MODEL_INTERNAL_H

#include "model.h"

/* The problem for a database failure in a change: nothing was saved, try again. */
lerr model_db_problem(struct problem *p);
/* A text column copied into the arena; "" for NULL. */
const char *model_col_str(struct arena *a, struct db_stmt *st, int col);

#endif
