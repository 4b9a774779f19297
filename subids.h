/* subids.h - subordinate ids: the ranges /etc/subuid and /etc/subgid give
 * a user, and the block of ids root's --userns maps its container to. */
#ifndef CONTAINER_FS_SUBIDS_H
#define CONTAINER_FS_SUBIDS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "utils.h"

/* How many ids a container gets besides the caller's own (rootless:
 * 1..65536), or in all (root's --userns: 0..65535). */
#define CONTAINER_IDS 65536

/* The host ids a container's ids 0..count-1 map to (root's --userns). */
struct id_range {
	unsigned long uid; /* host uid of the container's root */
	unsigned long gid; /* host gid of the container's root */
	unsigned long count;
};

/* The first id of the range user (a name, or NULL) or id has in file
 * (/etc/subuid or /etc/subgid) with at least CONTAINER_IDS ids, or -1. */
long find_subordinate_range(const char *file, const char *user,
			    unsigned long id);

/* The name of uid in /etc/passwd, in name, or NULL. By hand, not
 * getpwuid: the binary is static, and NSS modules cannot be loaded. */
const char *user_name(uid_t uid, char *name, size_t size);

/* The range for root's --userns on a WRITEDIR that has none yet: root's
 * own entries in /etc/subuid and /etc/subgid, else a free block picked
 * as systemd-nspawn's --private-users=pick does. 0 or -1. */
int choose_root_range(struct id_range *r, struct failure *f);

#endif
