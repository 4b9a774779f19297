/* writedir.h - WRITEDIR, its lock, its record, and the overlayfs work
 * directory. */
#ifndef CONTAINER_FS_WRITEDIR_H
#define CONTAINER_FS_WRITEDIR_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "layers.h"
#include "process.h"
#include "subids.h"
#include "utils.h"

struct id_maps; /* userns.h */

struct writedir {
	const char *name; /* as the user gave it, for messages */
	char *path;	  /* canonical, even before it exists */
	int fd;		  /* the directory itself, O_RDONLY */
	int parent_fd;	  /* where WRITEDIR and the managed workdir live */
	char base[NAME_MAX + 1];
	bool created;	 /* by this run: removed again if COMMAND never ran */
	bool locked;	 /* the lock is ours: the end of the run is ours */
	bool removing;	 /* locked by `container-fs rm`, not by a run */
	bool userxattr;	 /* its overlay marks are user.overlay.* (see below) */
	struct stat own; /* its own mode and owner, given back after a run */

	/* Its record (writedir.c): how it was used before. */
	bool has_record; /* the record is there (else a run writes it) */
	bool recorded;	 /* the record or the mark before it is there */
	bool has_range;	 /* its container's ids are root's --userns block */
	struct id_range range;
	/* A run without root mapping subordinate ids: the namespace to give
	 * WRITEDIR its owner back from, when the container chowned "/" to
	 * one of them. Set before the janitor starts; NULL otherwise. */
	const struct id_maps *maps;

	/* The lock: a directory next to WRITEDIR, named for its inode, that
	 * each run makes afresh (mode 0700) and flocks; unless --workdir is
	 * given it is also overlayfs's work directory. */
	char lock_name[64];
	int lock_fd; /* O_RDONLY, flock'ed while we run */

	const char *work_option; /* --workdir, or NULL */
	char *work_path;	 /* canonical, for --workdir only */
	int work_fd;		 /* --workdir's, O_RDONLY, flock'ed too */

	int janitor_pipe;   /* write end; closing it without a byte = we died */
	int janitor_reader; /* read end, the janitor's stdin */
	pid_t janitor_pid;
	struct stack janitor_stack;
};

/* Nothing open yet: release_writedir after an early refusal closes
 * nothing. */
#define WRITEDIR_INIT                                                          \
	((struct writedir){.fd = -1,                                           \
			   .parent_fd = -1,                                    \
			   .lock_fd = -1,                                      \
			   .work_fd = -1,                                      \
			   .janitor_pipe = -1,                                 \
			   .janitor_pid = -1})

/* Finds WRITEDIR without creating it: opens it if it exists (never
 * through a symlink, never one another user planted where others may
 * write), else opens its parent, which must exist. Also opens
 * --workdir. 0 or -1. */
int open_writedir(struct writedir *w, const char *name, const char *workdir,
		  struct failure *f);

/* Creates WRITEDIR (mode 0700) if missing, refuses filesystems
 * overlayfs cannot write to and a --workdir holding anything but
 * overlayfs's own, and names the managed workdir. Call after
 * check_overlaps. 0 or -1. */
int prepare_writedir(struct writedir *w, struct failure *f);

/* Takes WRITEDIR's lock, so a second container-fs on it is refused: it
 * makes the lock directory, fresh and only ours (only once the janitor
 * runs, so a SIGKILL at any moment leaves none behind), and flocks it
 * and --workdir. Then reads WRITEDIR's record (read_record), which a
 * WRITEDIR used for the first time takes from the layers' marks (user.*
 * for layers imported without root) and an old one must agree with.
 * 0 or -1. */
int lock_writedir(struct writedir *w, bool userns, enum layer_marks marks,
		  struct failure *f);

/* Takes WRITEDIR's lock as a run does, for `container-fs rm`: refused
 * (in use) while a run holds it. Call after open_writedir; release
 * with release_writedir. 0 or -1. */
int lock_writedir_for_removal(struct writedir *w, struct failure *f);

/* Reads WRITEDIR's record: which xattrs hold its overlay marks (userns:
 * the overlay is mounted in a user namespace, so user.* only) and, for
 * root, the block of ids of an earlier --userns. A record it cannot
 * read, or one of root's to a run without root, is refused. 0 or -1. */
int read_record(struct writedir *w, bool userns, struct failure *f);

/* Root only: a WRITEDIR with a --userns block runs in it again (refused
 * with no_userns); with userns (--userns) one without a block gets one
 * (choose_root_range), unless it was used without --userns before:
 * then it is refused. 0 or -1. */
int choose_writedir_range(struct writedir *w, bool userns, bool no_userns,
			  struct failure *f);

/* Writes the record a WRITEDIR used for the first time lacks, once the
 * run is settled and before the container starts. 0 or -1. */
int record_writedir(struct writedir *w, struct failure *f);

/* Gives WRITEDIR, the container's "/", the mode of the top layer's root
 * while the container runs: users inside need to reach "/" however
 * private WRITEDIR is kept; with a --userns block, also its owner, the
 * container's root. 0 or -1. */
int open_writedir_for_run(struct writedir *w, int top_layer_fd,
			  struct failure *f);

/* The fd overlayfs gets as its work directory. */
int overlay_workdir_fd(const struct writedir *w);

/* The end of a run (clean_up_writedir), then closes everything, which
 * drops the lock. */
void release_writedir(struct writedir *w, bool command_ran);

#endif
