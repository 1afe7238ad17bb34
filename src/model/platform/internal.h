/* What only the platform domain's files share. */
#ifndef LECTERN_MODEL_PLATFORM_INTERNAL_H
#define LECTERN_MODEL_PLATFORM_INTERNAL_H

#include "platform.h"
#include "../internal.h"

#endif
