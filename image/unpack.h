/* unpack.h - one layer's tar stream into a directory, with its
 * whiteouts in overlayfs's own form. Every name is resolved beneath the
 * layer directory without following a symlink, so a hostile archive
 * writes nothing outside it. */
#ifndef CONTAINER_FS_IMAGE_UNPACK_H
#define CONTAINER_FS_IMAGE_UNPACK_H

#include <stdbool.h>
#include <stdint.h>

#include "../layers.h"
#include "../utils.h"
#include "tar.h"

/* Entries nested deeper than this are refused (no image needs more;
 * removing a tree then needs a bounded stack and fd count). */
#define UNPACK_MAX_DEPTH 512

/* How deletions are written (overlayfs reads each form only when the
 * overlay is mounted the matching way: see README, "Images"). */
enum whiteout_form {
	/* As root: 0/0 character devices, trusted.overlay.opaque=y. */
	WHITEOUT_TRUSTED,
	/* Without root, Linux 6.8+: empty files marked
	 * user.overlay.whiteout in a directory marked user.overlay.opaque=x,
	 * and user.overlay.opaque=y; read with userxattr. */
	WHITEOUT_USER_XATTR,
	/* Without root, before 6.8: 0/0 character devices (anyone may make
	 * those since 5.8) and user.overlay.opaque=y. */
	WHITEOUT_USER_DEVICE,
};

struct unpack_counts {
	uint64_t entries, bytes;
	unsigned whiteouts, opaque_dirs;
	unsigned devices_skipped; /* without root */
	unsigned xattrs_skipped;  /* overlay's own, or not ours to set */
};

/* Extracts the archive r into the empty directory open at layer_fd
 * (O_RDONLY). root: owners, devices, setuid bits and every xattr are
 * kept; without, files are the caller's, devices are skipped and
 * setuid/setgid bits dropped. Adds to counts; *marks says what the
 * layer's marks need. 0, or -1 with f filled (detail names the entry). */
int unpack_layer(struct tar_reader *r, int layer_fd, enum whiteout_form form,
		 bool root, struct unpack_counts *counts,
		 enum layer_marks *marks, struct failure *f);

/* The layer's record: an xattr on its directory saying what its marks
 * need (see layers.c, which reads it before a run). 0 or -1. */
int write_layer_record(int layer_fd, enum layer_marks marks, bool root,
		       struct failure *f);

#endif
