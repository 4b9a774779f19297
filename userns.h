/* userns.h - user namespaces: who is root, which ids a container's
 * namespace maps, and running a step inside such a namespace. */
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
 * or a WRITEDIR (or its parent) it may not write is refused up front
 * (w NULL: no WRITEDIR). 0 or -1. */
int check_caller_access(const struct layer_stack *s, const struct writedir *w,
			struct failure *f);

/* Adds the fix to a failed clone(CLONE_NEWUSER): which sysctl disables
 * user namespaces here. Returns -1. */
int hint_userns_disabled(struct failure *f);

/* The ids a container's user namespace maps. */
enum id_map_kind {
	IDS_SINGLE,	 /* the caller's own id is root, nothing else */
	IDS_SUBORDINATE, /* and 1..65536 its subordinate ids (newuidmap) */
	IDS_NESTED,	 /* every id of this (not initial) namespace, as is */
	IDS_RANGE, /* root's --userns: 0..65535 to an unprivileged block */
};

struct id_maps {
	enum id_map_kind kind;
	uid_t uid; /* the caller's ids, as this namespace sees them */
	gid_t gid;
	unsigned long uid_start; /* SUBORDINATE: the ranges; RANGE: the block */
	unsigned long gid_start;
	/* SUBORDINATE in a namespace that is not the initial one: if the
	 * helpers cannot write the maps there, fall back to SINGLE. */
	bool fallback;
	/* SINGLE although the caller has subordinate ranges (this
	 * namespace lacks them): a run says so in a note. */
	bool ranges_unused;
	char *uid_lines; /* NESTED: the maps to write, malloc'd */
	char *gid_lines;
};

/* Decides the maps of a run without root (or root inside a user
 * namespace): single_id (--single-id) maps only the caller; in a
 * namespace of our own with CAP_SETUID and CAP_SETGID, every id it has;
 * with subordinate ranges and newuidmap/newgidmap, the caller and its
 * ranges; else the caller alone. 0 or -1. */
int plan_id_maps(struct id_maps *m, bool single_id, struct failure *f);

/* Maps for root's --userns: ids 0..65535 to range's block. */
void plan_range_maps(struct id_maps *m, const struct id_range *range);

/* Switches a SUBORDINATE plan whose helpers were refused to SINGLE. */
void fall_back_to_single_id(struct id_maps *m);

/* Frees what plan_id_maps allocated. */
void free_id_maps(struct id_maps *m);

/* Writes the maps of the user namespace of process pid. 0, -1 with f
 * filled, or -2 when the helpers were refused and m->fallback is set:
 * the process is then beyond use, and a new one may be mapped SINGLE.
 * Allocates nothing and uses no stdio (the janitor may call it). */
int write_id_maps(pid_t pid, const struct id_maps *m, struct failure *f);

/* Writes a SINGLE map from inside the new namespace itself, as its
 * first step: the kernel lets a namespace's owner map its own id
 * without help (userns.c says where). 0, or -1 with f filled. */
int map_own_id(const struct id_maps *m, struct failure *f);

/* The id host uid or gid has inside a namespace with maps m (SINGLE or
 * SUBORDINATE), or -1 if it has none there. */
long uid_inside(const struct id_maps *m, uid_t uid);
long gid_inside(const struct id_maps *m, gid_t gid);

/* The group devpts gives the container's ptys (tty). */
#define TTY_GROUP 5

/* Whether group gid (as seen inside) exists in a namespace with maps
 * m: mapped to some host group. */
bool has_group_inside(const struct id_maps *m, unsigned long gid);

/* The note a run prints when it maps only the caller's id although the
 * caller has subordinate ranges. */
void note_single_id(void);

/* Runs fn(arg) in a child process in a new user namespace with maps m,
 * where the caller is root over every file those maps own: as `podman
 * unshare` does, to remove or chown files of subordinate ids. Returns
 * fn's result, -1 with f filled (fn's failure too). Allocates nothing
 * itself (the janitor may call it). */
int run_in_userns(const struct id_maps *m, int (*fn)(void *, struct failure *),
		  void *arg, struct failure *f);

/* A user namespace with maps m, as an fd (for idmapped mounts, or for
 * a container to join), or -1 with f filled (step names a failure to
 * make it), or -2 as write_id_maps. */
int open_userns(const struct id_maps *m, const char *step, struct failure *f);

/* The same, with fn(arg) run by the namespace's first process once its
 * maps are written (in a copy of our memory), before we go on. */
int open_userns_running(const struct id_maps *m,
			int (*fn)(void *, struct failure *), void *arg,
			const char *step, struct failure *f);

#endif
