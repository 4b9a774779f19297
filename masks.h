/* masks.h - the parts of /proc and /sys the container may not read or
 * write. */
#ifndef CONTAINER_FS_MASKS_H
#define CONTAINER_FS_MASKS_H

#include "utils.h"

/* Covers the host-revealing files of the container's /proc and /sys with
 * its own /dev/null, and their directories with an empty read-only tmpfs;
 * makes /proc/bus, fs, irq, sys and sysrq-trigger read-only. Paths this
 * kernel lacks are skipped. Runs after mount_proc, setup_dev and
 * mount_sys, with root_fd the new root. */
int mask_paths(int root_fd, struct failure *f);

#endif
