/* kernelfs.h - /proc, /dev and /sys inside the container, and the switch
 * to the new root. Each runs in the container's namespaces with the
 * overlay root as working directory, so targets are relative paths. */
#ifndef CONTAINER_FS_KERNELFS_H
#define CONTAINER_FS_KERNELFS_H

#include "utils.h"

/* A fresh procfs, which shows the container's own PID namespace. */
int mount_proc(struct failure *f);

/* A fresh tmpfs holding only null, zero, full, random, urandom and tty
 * (bound from the host), a private devpts with ptmx, shm, the fd, stdin,
 * stdout and stderr links, and console when stdin is a terminal: never
 * the host's whole /dev. */
int setup_dev(struct failure *f);

/* sysfs, read-only. */
int mount_sys(struct failure *f);

/* Makes the working directory (the overlay) the root and detaches the
 * host's root, so nothing outside stays reachable. */
int switch_root(struct failure *f);

#endif
