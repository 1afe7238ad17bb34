/* What only the assessments domain's files share. */
#ifndef LECTERN_MODEL_ASSESSMENTS_INTERNAL_H
#define LECTERN_MODEL_ASSESSMENTS_INTERNAL_H

#include "assessments.h"
#include "../internal.h"

#endif
