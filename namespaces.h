/* namespaces.h - namespaces a description joins by path (setns), and a
 * user namespace's maps as a description gives them. */
#ifndef CONTAINER_FS_NAMESPACES_H
#define CONTAINER_FS_NAMESPACES_H

#include <sys/types.h>

#include "spec.h"
#include "utils.h"

/* In the child, first thing: joins every namespace s names by path but
 * a PID namespace (the parent's part, below). Each path must be a
 * namespace of the type it is given for. 0 or -1. */
int join_namespaces(const struct container_spec *s, struct failure *f);

/* In the parent, just before the clone: a PID namespace is joined for
 * the children one makes after it (setns changes no process's own), so
 * the container's first process is born in it. Returns an fd of our
 * own PID namespace to go back to, -2 when s joins none, or -1. */
int enter_pid_namespace(const struct container_spec *s, struct failure *f);

/* Just after the clone: back in our own PID namespace (so the hooks we
 * run are not born in the container's); fd as enter_pid_namespace
 * returned it. */
void leave_pid_namespace(int fd);

/* Writes the uid_map and gid_map of pid's new user namespace as s gives
 * them (root may map any host ids). 0 or -1. */
int write_given_maps(pid_t pid, const struct container_spec *s,
		     struct failure *f);

#endif
