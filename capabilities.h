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

/* The sets a process has (bit N: capability N). */
struct capability_sets {
	capability_mask bounding, effective, permitted, inheritable, ambient;
};

/* The name of capability number cap ("CHOWN"), or NULL. */
const char *capability_name(int cap);

/* Limits the bounding set to keep->bounding (what any later exec can
 * gain), and removes from every set of keep what the bounding set did
 * not have, or (exact) refuses to: -1 naming the first one. Needs
 * CAP_SETPCAP. */
int limit_bounding_set(struct capability_sets *keep, bool exact,
		       struct failure *f);

/* Leaves the process exactly keep's permitted, effective, inheritable
 * and ambient sets, so COMMAND gets them and nothing more. */
int set_capabilities(const struct capability_sets *keep, struct failure *f);

/* Whether this process has capability cap (CAP_SYS_ADMIN, ...) in its
 * effective set, in its own user namespace. */
bool has_capability(int cap);

#endif
