/* cgroups_v1.h - the container's cgroups on a host whose controllers
 * are cgroup v1 hierarchies (a legacy or hybrid host), for cgroups.c. */
#ifndef CONTAINER_FS_CGROUPS_V1_H
#define CONTAINER_FS_CGROUPS_V1_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"
#include "utils.h"

/* Whether any cgroup v1 hierarchy is mounted (/proc/self/mountinfo). */
bool v1_hierarchies_mounted(void);

/* Makes the cgroup subpath ("/a/b", below each hierarchy's root) in
 * every v1 hierarchy, writes s's v1 limits and device rules there, and
 * moves pid into each. A limit the host cannot take is an error naming
 * its field, and what was made is removed. 0 or -1. */
int join_cgroup_v1(const struct container_spec *s, const char *subpath,
		   pid_t pid, struct failure *f);

/* Moves the calling process into subpath in every hierarchy (best
 * effort). */
void enter_cgroup_v1(const char *subpath);

/* Removes subpath from every hierarchy, and the parents under
 * /container-fs it leaves empty. */
void remove_cgroup_v1(const char *subpath);

/* Inside the container, before its root is switched: at dir_fd (the
 * new tmpfs at /sys/fs/cgroup), the host's hierarchies as runc shows
 * them, each in a directory named as on the host ("cpu,cpuacct",
 * "systemd") holding the container's own cgroup: a new mount in its
 * cgroup namespace (in_namespace; root only), else a bind of its
 * cgroup's directory; co-mounted controllers also by their own names,
 * as symlinks ("cpu" -> "cpu,cpuacct"). 0 or -1. */
int mount_cgroup_v1_tree(int dir_fd, bool in_namespace, bool read_only,
			 struct failure *f);

#endif
