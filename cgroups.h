/* cgroups.h - the cgroup (v2) a container runs in, and its limits. */
#ifndef CONTAINER_FS_CGROUPS_H
#define CONTAINER_FS_CGROUPS_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"
#include "utils.h"

/* Whether s asks for a cgroup of its own or for limits. */
bool needs_cgroup(const struct container_spec *s);

/* The cgroup directory s's container runs in, under the unified
 * hierarchy, into path (size bytes). 0, or -1 when s asks for none or
 * the host has no usable cgroup v2. */
int cgroup_directory(const struct container_spec *s, char *path, size_t size);

/* In the parent, before the child goes on: makes the cgroup s asks
 * for, sets its limits and moves pid there. On a host without a usable
 * cgroup v2 (a v1 or hybrid one, whose unified hierarchy has no
 * controllers), nothing is applied and one warning says so, as crun
 * does with its cgroup manager disabled. 0 or -1. */
int join_cgroup(const struct container_spec *s, pid_t pid, struct failure *f);

/* exec: moves the calling process into the container's cgroup, if it
 * has one (best effort: a host without cgroup v2 has none). */
void enter_cgroup(const struct container_spec *s);

/* Removes the container's (empty) cgroup, if it made one. */
void remove_cgroup(const struct container_spec *s);

#endif
