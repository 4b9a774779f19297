/* mounts.h - the container's mounts after its root: volumes (-v) and
 * tmpfs (--tmpfs), parsed from the command line, their sources opened
 * by the parent, and made in order below the new root, every
 * destination resolved inside it. */
#ifndef CONTAINER_FS_MOUNTS_H
#define CONTAINER_FS_MOUNTS_H

#include <stdbool.h>

#include "spec.h"
#include "utils.h"

/* -v SRC:DEST[:ro|:rw]: a bind of the host's SRC (relative to the
 * current directory) at DEST, recursive, read-only with :ro. 0 or -1. */
int add_volume(struct container_spec *s, const char *option, struct failure *f);

/* --tmpfs DEST[:OPTIONS], OPTIONS as Docker's (size=, mode=, uid=, gid=,
 * nr_inodes=, ro, rw, exec, noexec, suid, nosuid, dev, nodev); nosuid
 * and nodev unless asked otherwise. 0 or -1. */
int add_tmpfs(struct container_spec *s, const char *option, struct failure *f);

/* In the parent, before any namespace exists: opens each volume's SRC,
 * so what is mounted is what was named now, whatever happens to the
 * path later. With clone (root, the container in no user namespace of
 * its own) each is cloned and sealed here too, and the child attaches
 * it. Otherwise the child reopens the path when it mounts the volume,
 * checks it is the same (device and inode) and clones it there
 * (open_tree clones only what lies in the caller's mount namespace).
 * 0 or -1. */
int open_volume_sources(struct container_spec *s, bool clone,
			struct failure *f);

/* A root written in place, opened in the parent: with clone, a
 * detached copy of the mount tree at path (recursive), else (in a user
 * namespace, where only the child may clone it) an O_PATH fd of the
 * directory. Returns the fd, or -1 with errno set. */
int open_tree_of(const char *path, bool clone);

/* In the child: path opened again, checked to be expected_fd's
 * directory (device and inode; else ESTALE), and its tree cloned.
 * Returns the clone's fd, or -1 with errno set. */
int clone_same_tree(const char *path, int expected_fd);

/* Closes what open_volume_sources opened. */
void close_volume_sources(struct container_spec *s);

/* Opens path (absolute, in the container) below root_fd as the kernel
 * would inside the container (symlinks resolved within it), making
 * what is missing in the writable layer: directories, and the last
 * component as type (S_IFDIR or S_IFREG). A path that ends on the
 * container's /proc or /sys is refused. Returns an O_PATH fd, or -1. */
int open_in_root(int root_fd, const char *path, mode_t type, const char *step,
		 struct failure *f);

/* Makes path (as open_in_root would) if it is missing; whatever is
 * there is left as it is. 0 or -1. */
int make_in_root(int root_fd, const char *path, mode_t type, const char *step,
		 struct failure *f);

/* Mounts a volume (MOUNT_BIND), a tmpfs (MOUNT_TMPFS) or a kernel
 * filesystem (MOUNT_FILESYSTEM) entry of s below root_fd. A missing
 * destination is made in the writable layer, never on a volume's
 * filesystem (which is the host's). 0 or -1. */
int mount_entry(int root_fd, const struct container_spec *s,
		const struct mount_entry *m, struct failure *f);

#endif
