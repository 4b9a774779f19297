/* process_limits.h - the process attributes a description sets before COMMAND
 * starts: resource limits, the OOM score, the personality; and the
 * kernel parameters (sysctls) of its namespaces. */
#ifndef CONTAINER_FS_PROCESS_LIMITS_H
#define CONTAINER_FS_PROCESS_LIMITS_H

#include <stdbool.h>

#include "spec.h"
#include "utils.h"

/* RLIMIT_NOFILE and friends by the names the OCI spec uses
 * ("RLIMIT_NOFILE"); -1 for a name this system lacks. */
int resource_number(const char *name);

/* Whether s sets resource. */
bool has_limit(const struct container_spec *s, int resource);

/* In the container, still privileged (raising a hard limit, or lowering
 * the OOM score, takes CAP_SYS_RESOURCE): the limits, the OOM score
 * adjustment and the personality s gives. 0 or -1. */
int set_limits(const struct container_spec *s, struct failure *f);

/* The namespace a sysctl belongs to (CLONE_NEWIPC, CLONE_NEWNET,
 * CLONE_NEWUTS), or 0 for one of the host's whole kernel, which a
 * container may not change. */
int sysctl_namespace(const char *name);

/* In the child, in its new namespaces, before its mounts: writes each
 * sysctl through /proc/sys (still the host's procfs, which shows the
 * writer's own namespaces). 0 or -1. */
int set_sysctls(const struct container_spec *s, struct failure *f);

#endif
