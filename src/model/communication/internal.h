/* What only the communication domain's files share. */
#ifndef LECTERN_MODEL_COMMUNICATION_INTERNAL_H
#define LECTERN_MODEL_COMMUNICATION_INTERNAL_H

#include "communication.h"
#include "../internal.h"
#include "../people/people.h"
#include "../platform/platform.h"

#endif
