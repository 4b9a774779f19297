/* runtime.h - container-fs as an OCI runtime: runc's command line
 * (create, start, state, kill, delete, run, exec, list, features,
 * spec), the state directory, and a bundle's config.json as the
 * container's description. */
#ifndef CONTAINER_FS_OCI_RUNTIME_H
#define CONTAINER_FS_OCI_RUNTIME_H

#include "container.h"

/* main for container-fs-oci: c is init_container'd, fds 0-2 open.
 * Returns the exit status. */
int oci_main(struct container *c, int argc, char **argv);

#endif
