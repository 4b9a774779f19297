/* masks.h - the parts of /proc and /sys the container may not read or
 * write. */
#ifndef CONTAINER_FS_MASKS_H
#define CONTAINER_FS_MASKS_H

#include "spec.h"
#include "utils.h"

/* Covers each of s's masked paths with the container's own /dev/null (a
 * directory with an empty read-only tmpfs), and makes each of its
 * read-only paths read-only: by default the host-revealing files of
 * /proc and /sys, and /proc/bus, fs, irq, sys and sysrq-trigger. Paths
 * that do not exist are skipped. Runs after the mounts of /proc, /dev
 * and /sys, with root_fd the new root. */
int mask_paths(int root_fd, const struct container_spec *s, struct failure *f);

#endif
