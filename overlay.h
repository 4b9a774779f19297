/* overlay.h - the overlay filesystem: LAYERs under WRITEDIR. */
#ifndef CONTAINER_FS_OVERLAY_H
#define CONTAINER_FS_OVERLAY_H

#include <stdbool.h>
#include <sys/types.h>

#include "layers.h"
#include "utils.h"
#include "writedir.h"

/* mount(2) takes its options as one page and silently cuts the rest. */
#define MOUNT_DATA_MAX 4096

/* Builds the overlay with the new mount API as a detached mount: it is
 * in no mount table until attach_overlay puts it in the container's.
 * Its changes go to WRITEDIR (w), or with w NULL to a tmpfs of its own
 * (--rm, --read-only), which vanishes with the container. Returns the
 * mount fd, -1 with f filled, or -2 when this kernel lacks the API or
 * the "lowerdir+" key (6.8+): then use mount_overlay_legacy. */
int create_overlay(const struct layer_stack *s, const struct writedir *w,
		   struct failure *f);

/* A fresh tmpfs (detached, nosuid, nodev) prepared as the upper side:
 * "upper" with the top layer's root mode, and "work". Its fd in
 * *tmpfs_fd; 0, -1, or -2 without the new mount API. */
int make_tmpfs_upper(const struct layer_stack *s, int *tmpfs_fd,
		     struct failure *f);

/* Makes "upper" (mode root_mode) and "work" in the tmpfs at tmpfs_fd. */
int prepare_tmpfs_upper(int tmpfs_fd, mode_t root_mode, struct failure *f);

/* The same, from inside a new user and mount namespace (rootless): the
 * directories are opened again here, as overlayfs refuses ones from
 * another mount namespace ("failed to clone upperpath"), and checked to
 * be the ones the parent opened. */
int create_overlay_here(const struct layer_stack *s, const struct writedir *w,
			struct failure *f);

/* In the container's mount namespace: mounts the detached overlay on the
 * namespace's root and makes it the working directory. 0 or -1. */
int attach_overlay(int mount_fd, struct failure *f);

/* The same with mount(2), for older kernels and --legacy-mount: builds the
 * lab's "lowerdir=...,upperdir=...,workdir=..." option string, mounts it
 * in the container's namespace and makes it the working directory. With
 * w NULL the changes go to a tmpfs; userns: we are in a user namespace,
 * where overlayfs keeps its marks in user.* xattrs. */
int mount_overlay_legacy(const struct layer_stack *s, const struct writedir *w,
			 bool userns, struct failure *f);

/* The lowerdir option value for layers named names[0..count) bottom to
 * top: overlayfs wants them top first, escaped, ':'-separated. */
int build_lowerdir(struct string *out, char **names, int count);

/* Shared by both mount paths. */

/* Opens the layers, WRITEDIR and the workdir again in this mount
 * namespace (in that order, count + 2 fds; the layers only without w),
 * checking each is the same directory as before. Returns a malloc'd
 * array, or NULL with f filled. */
int *reopen_directories(const struct layer_stack *s, const struct writedir *w,
			struct failure *f);

/* Opens path (below dir_fd) again in this mount namespace, O_PATH, and
 * checks it is still the directory open at expected_fd (same device and
 * inode): a path swapped since the parent checked it is refused
 * (ESTALE). Returns the fd, or -1 with errno set. */
int reopen_directory(int dir_fd, const char *path, int expected_fd);

/* Closes and frees what reopen_directories returned. */
void close_directories(int *fds, int count);

/* Fails when the overlay at fd came up read-only. 0 or -1. */
int check_writable(int fd, struct failure *f);

/* Adds a hint for a common overlayfs errno, if f has none yet. */
void hint_overlay_error(struct failure *f);

#endif
