/* userns.h - rootless containers: the user namespace and its id maps. */
#ifndef CONTAINER_FS_USERNS_H
#define CONTAINER_FS_USERNS_H

#include <sys/types.h>

#include "layers.h"
#include "utils.h"
#include "writedir.h"

/* Refuses a kernel older than 5.11, where overlayfs cannot be mounted
 * in a user namespace. 0 or -1. */
int check_userns_kernel(struct failure *f);

/* Without root the kernel checks the caller's rights only once the
 * container runs; check them first, so a LAYER the caller may not read
 * or a WRITEDIR (or its parent) it may not write is refused up front
 * (w NULL: no WRITEDIR). 0 or -1. */
int check_caller_access(const struct layer_stack *s, const struct writedir *w,
			struct failure *f);

/* Adds the fix to a failed clone(CLONE_NEWUSER): which sysctl disables
 * user namespaces here. Returns -1. */
int hint_userns_disabled(struct failure *f);

/* Writes the id maps of the child pid's new user namespace. As root:
 * every id to itself. Otherwise the caller is 0 inside; with newuidmap
 * and newgidmap installed and a range in /etc/subuid and /etc/subgid,
 * ids 1..65536 map to that range, else only 0 is mapped. 0 or -1. */
int write_id_maps(pid_t pid, struct failure *f);

#endif
