/* capabilities.h - the capability sets the container keeps. */
#ifndef CONTAINER_FS_CAPABILITIES_H
#define CONTAINER_FS_CAPABILITIES_H

#include <stdbool.h>
#include <stdint.h>

#include "utils.h"

/* One bit per capability number (CAP_CHOWN is bit 0). */
typedef uint64_t capability_mask;

/* Docker's default set: CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD,
 * NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE,
 * SYS_CHROOT, KILL, AUDIT_WRITE. */
capability_mask default_capabilities(void);

/* Every capability this program knows by name. */
capability_mask all_capabilities(void);

/* Reads NAME ("net_admin", "CAP_NET_ADMIN", or "ALL", any case) into
 * mask. Returns 0, or -1 for a name it does not know. */
int parse_capability(const char *name, capability_mask *mask);

/* Limits the bounding set to keep (what any later exec can gain), and
 * removes from keep what the bounding set did not have. Needs
 * CAP_SETPCAP. */
int limit_bounding_set(capability_mask *keep, struct failure *f);

/* Leaves the process exactly keep in its permitted, effective and
 * inheritable sets and an empty ambient set, so COMMAND (exec'd as
 * root) gets keep and nothing more; 0 for a user other than root. */
int set_capabilities(capability_mask keep, struct failure *f);

/* Whether this process has capability cap (CAP_SYS_ADMIN, ...) in its
 * effective set, in its own user namespace. */
bool has_capability(int cap);

#endif
