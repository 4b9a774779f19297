/* apparmor.h - the AppArmor profile COMMAND runs under. */
#ifndef CONTAINER_FS_APPARMOR_H
#define CONTAINER_FS_APPARMOR_H

#include <stdbool.h>

#include "spec.h"
#include "utils.h"

/* Whether the host enforces AppArmor. */
bool apparmor_enabled(void);

/* Just before exec: COMMAND starts under s->apparmor_profile (when the
 * host enforces AppArmor; without it there is nothing to enter, as
 * runc does). 0 or -1. */
int set_apparmor_profile(const struct container_spec *s, bool enabled,
			 struct failure *f);

#endif
