/* cgroups.h - the cgroup a container runs in, and its limits: cgroup
 * v2, or the v1 hierarchies of a legacy or hybrid host. */
#ifndef CONTAINER_FS_CGROUPS_H
#define CONTAINER_FS_CGROUPS_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"
#include "utils.h"

/* Whether s asks for a cgroup of its own or for limits. */
bool needs_cgroup(const struct container_spec *s);

/* In the parent, before the child goes on: makes the cgroup s asks
 * for, sets its limits and moves pid there: in the unified hierarchy,
 * or where that has no controllers (a legacy or hybrid host) in every
 * cgroup v1 hierarchy. On a host with neither, nothing is applied and
 * one warning says so, as crun does with its cgroup manager disabled.
 * 0 or -1; on failure nothing of the v1 cgroups is left. */
int join_cgroup(const struct container_spec *s, pid_t pid, struct failure *f);

/* exec: moves the calling process into the container's cgroup, if it
 * has one (best effort: a host without cgroups has none). */
void enter_cgroup(const struct container_spec *s);

/* Removes the container's cgroup, if it made one (its process gone). */
void remove_cgroup(const struct container_spec *s);

#endif
