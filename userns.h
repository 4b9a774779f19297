/* userns.h - user namespaces: who is root, and which ids a container's
 * namespace maps. */
#ifndef CONTAINER_FS_USERNS_H
#define CONTAINER_FS_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "layers.h"
#include "subids.h"
#include "utils.h"
#include "writedir.h"

/* Whether we are root on the host: uid 0 with CAP_SYS_ADMIN in the
 * initial user namespace, the only root that may mount overlayfs with
 * trusted.* xattrs and map every id. Root inside any other user
 * namespace (unshare -r, a rootless container) runs as a user does. */
bool is_host_root(void);

/* Whether this process is in the initial user namespace. */
bool in_initial_userns(void);

/* Refuses a kernel older than 5.11, where overlayfs cannot be mounted
 * in a user namespace. 0 or -1. */
int check_userns_kernel(struct failure *f);

/* Without root the kernel checks the caller's rights only once the
 * container runs; check them first, so a LAYER the caller may not read
 * or a WRITEDIR (or its parent) it may not write is refused up front.
 * 0 or -1. */
int check_caller_access(const struct layer_stack *s, const struct writedir *w,
			struct failure *f);

/* Adds the fix to a failed clone(CLONE_NEWUSER): which sysctl disables
 * user namespaces here. Returns -1. */
int hint_userns_disabled(struct failure *f);

/* The ids a container's user namespace maps. */
enum id_map_kind {
	IDS_SINGLE,	 /* the caller's own id is root, nothing else */
	IDS_SUBORDINATE, /* and 1..65536 its subordinate ids (newuidmap) */
	IDS_NESTED,	 /* every id of this namespace, as is */
};

struct id_maps {
	enum id_map_kind kind;
	uid_t uid; /* the caller's ids, as this namespace sees them */
	gid_t gid;
	unsigned long uid_start; /* SUBORDINATE: the ranges */
	unsigned long gid_start;
	char *uid_lines; /* NESTED: the maps to write, malloc'd */
	char *gid_lines;
};

/* Decides the maps of a run in a user namespace: in a namespace of our
 * own with CAP_SETUID and CAP_SETGID (and as the host's root, --userns),
 * every id it has, each to itself; with subordinate ranges (in this
 * namespace) and newuidmap/newgidmap, the caller and its ranges; else
 * the caller alone. 0 or -1. */
int plan_id_maps(struct id_maps *m, struct failure *f);

/* Frees what plan_id_maps allocated. */
void free_id_maps(struct id_maps *m);

/* Writes the maps of the user namespace of process pid. 0 or -1. */
int write_id_maps(pid_t pid, const struct id_maps *m, struct failure *f);

#endif
