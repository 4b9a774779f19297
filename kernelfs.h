/* kernelfs.h - /proc, /dev and /sys inside the container, and the switch
 * to the new root. Each takes root_fd, the new root (the overlay), and
 * mounts only below it: the image's own entries are never followed. */
#ifndef CONTAINER_FS_KERNELFS_H
#define CONTAINER_FS_KERNELFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "utils.h"

/* A fresh procfs, which shows the container's own PID namespace; with
 * bind_host the host's /proc, bound with its submounts. */
int mount_proc(int root_fd, bool bind_host, struct failure *f);

/* A fresh tmpfs holding only null, zero, full, random, urandom and tty
 * (bound from the host), a private devpts with ptmx (its ptys group 5's
 * with tty_group, where the namespace has that group), shm, mqueue, and
 * the fd, stdin, stdout and stderr links: never the host's whole /dev.
 * (terminal.c binds the container's pty at console.) */
int setup_dev(int root_fd, bool tty_group, struct failure *f);

/* /dev's links in dev_fd (ptmx to pts/ptmx, fd, stdin, stdout, stderr
 * to /proc/self/fd); one there already is kept. 0 or -1. */
int make_dev_links(int dev_fd, const char *step, struct failure *f);

/* Binds source (a trusted path: a host device, or /proc/self/fd/N)
 * onto a file name, made with mode in dev_fd. 0 or -1. */
int bind_device(int dev_fd, const char *name, const char *source, mode_t mode,
		struct failure *f);

/* sysfs, read-only unless writable; with bind_host (in a user
 * namespace, where a fresh sysfs is not allowed) the host's, bound. */
int mount_sys(int root_fd, bool writable, bool bind_host, struct failure *f);

/* Makes root_fd the root and detaches the host's root, so nothing
 * outside stays reachable; the working directory is then "/". */
int switch_root(int root_fd, struct failure *f);

/* openat2 of path below dir_fd with no symlink, magic link or ".." out
 * of it; flags as for open (O_PATH, ...). Returns an fd, or -1/errno. */
int open_beneath(int dir_fd, const char *path, int flags);

/* mount(2) onto the file target_fd holds (by its /proc/self/fd name);
 * target_name is for the error message. Returns 0 or -1 with f filled. */
int mount_on(int target_fd, const char *step, const char *target_name,
	     const char *source, const char *type, unsigned long flags,
	     const char *data, struct failure *f);

/* A read-only bind of source (a path below source_dir_fd, or "" for
 * that fd itself; recursive: with every mount below it) onto exactly
 * the file or directory target_fd holds, in three calls: a detached
 * clone (open_tree), made read-only before anything can see it
 * (mount_setattr; nosuid, nodev and noexec stay as the source has
 * them), then attached by fd (move_mount), no path looked up again. A
 * bind and a remount would cost twice as much: the remount must open
 * the new mount again first. Returns 0, -1 with f filled, or -2 before
 * Linux 5.12 (no mount_setattr), where the caller binds and remounts. */
int bind_read_only(int source_dir_fd, const char *source, int target_fd,
		   bool recursive, const char *step, const char *name,
		   struct failure *f);

/* bind_read_only of source (a path, not recursive) onto name, already
 * made below dir_fd; before Linux 5.12 a bind, then a remount of it.
 * 0 or -1 with f filled. */
int bind_read_only_at(int dir_fd, const char *name, const char *source,
		      const char *step, struct failure *f);

/* Makes the mount at fd (a bind, or the top of a mount) read-only,
 * keeping its nosuid, nodev and noexec: a user namespace may not drop
 * those the host set. 0 or -1 with f filled. */
int remount_read_only(int fd, const char *step, const char *name,
		      struct failure *f);

/* Makes the mount tree at fd read-only, every mount in it (a remount
 * changes the top one only, which is all kernels before 5.12 offer),
 * with lock_down also nosuid, nodev and noexec. 0 or -1 with f filled. */
int make_tree_read_only(int fd, bool lock_down, const char *step,
			const char *name, struct failure *f);

/* Makes the mount at fd (with recursive, every mount below it too)
 * read-only, nosuid, nodev, noexec as flags (MS_*) say, and sets its
 * atime mode if they name one; a flag not named is left as it is (a
 * user namespace may not clear what the host set). 0 or -1. */
int set_mount_flags(int fd, unsigned long flags, bool recursive,
		    const char *step, const char *name, struct failure *f);

/* Fails (EXDEV) unless fd is on a filesystem of type magic (statfs). */
int check_filesystem(int fd, long magic, const char *step, const char *name,
		     struct failure *f);

#endif
