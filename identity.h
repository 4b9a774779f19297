/* identity.h - who COMMAND runs as (-u USER[:GROUP], --group-add): names
 * looked up in the container's own /etc/passwd and /etc/group. */
#ifndef CONTAINER_FS_IDENTITY_H
#define CONTAINER_FS_IDENTITY_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"
#include "utils.h"

/* At most this many supplementary groups (NGROUPS_MAX is larger; no
 * real user is in more). */
#define MAX_GROUPS 256

struct identity {
	uid_t uid;
	gid_t gid;
	gid_t groups[MAX_GROUPS]; /* supplementary */
	int group_count;
	char home[4096]; /* from the passwd entry, else "/" */
};

/* Resolves s->user and s->groups after the switch to the new root, so
 * /etc/passwd and /etc/group are the container's (read with bounds, a
 * regular file only: an image's FIFO or device there is refused). A
 * user or group that is neither a number nor a name found is refused.
 * Without -u: root, with root's HOME. 0 or -1. */
int resolve_identity(const struct container_spec *s, struct identity *id,
		     struct failure *f);

/* Becomes id (groups, gid, uid), while still privileged; a user other
 * than root then keeps no capability, as with Docker. A no-op for root.
 * 0 or -1, with a hint when the id does not exist in this user
 * namespace. */
int switch_identity(const struct identity *id, struct failure *f);

#endif
