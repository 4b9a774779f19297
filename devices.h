/* devices.h - the device nodes of a container whose /dev a description
 * lists as mounts (an OCI bundle): the defaults every container has,
 * /dev's links, and the devices the description adds. */
#ifndef CONTAINER_FS_DEVICES_H
#define CONTAINER_FS_DEVICES_H

#include <stdbool.h>

#include "spec.h"
#include "utils.h"

/* Below root_fd, after the mounts: null, zero, full, random, urandom
 * and tty; the ptmx, fd, stdin, stdout and stderr links; then every
 * device of s. As root each is made with mknod (the /dev tmpfs of a
 * bundle allows devices); in a user namespace, which may not make
 * them, the host's node of the same path is bound instead. What
 * already exists is left as it is. 0 or -1. */
int make_devices(int root_fd, const struct container_spec *s, bool userns,
		 struct failure *f);

#endif
