/* writedir.h - WRITEDIR, its lock, and the overlayfs work directory. */
#ifndef CONTAINER_FS_WRITEDIR_H
#define CONTAINER_FS_WRITEDIR_H

#include <limits.h>
#include <stdbool.h>

#include "process.h"
#include "utils.h"

struct writedir {
	const char *name; /* as the user gave it, for messages */
	char *path;	  /* canonical, even before it exists */
	int fd;		  /* the directory, flock'ed while we run */
	int parent_fd;	  /* where WRITEDIR and the managed workdir live */
	char base[NAME_MAX + 1];
	bool created;	/* by this run: removed again if COMMAND never ran */
	bool userxattr; /* its overlay marks are user.overlay.* (see below) */

	const char *work_option; /* --workdir, or NULL */
	char *work_path;	 /* canonical, for --workdir only */
	int work_fd;
	char work_name[64]; /* the managed workdir's name in parent_fd */

	int janitor_pipe;   /* write end; closing it without a byte = we died */
	int janitor_reader; /* read end, the janitor's stdin */
	pid_t janitor_pid;
	struct stack janitor_stack;
};

/* Finds WRITEDIR without creating it: opens it if it exists, else opens
 * its parent, which must exist. Also opens --workdir. 0 or -1. */
int open_writedir(struct writedir *w, const char *name, const char *workdir,
		  struct failure *f);

/* Creates WRITEDIR if missing, refuses filesystems overlayfs cannot
 * write to, locks it so a second container-fs is refused, decides which
 * xattrs hold its overlay marks (userns: the overlay is mounted in a user
 * namespace), and names the managed workdir. Call after check_overlaps.
 * 0 or -1. */
int prepare_writedir(struct writedir *w, bool userns, struct failure *f);

/* Makes the managed workdir: only once the janitor runs, so a SIGKILL
 * at any moment leaves none behind. 0 or -1. */
int create_workdir(struct writedir *w, struct failure *f);

/* Starts the janitor: a small process that removes the managed workdir
 * if container-fs itself is killed (SIGKILL leaves no chance to clean
 * up). It waits on a pipe and, once we are gone, for the WRITEDIR lock,
 * so it never touches a workdir another run is using. 0 or -1. */
int start_janitor(struct writedir *w, struct failure *f);

/* Removes the managed workdir and, when COMMAND never ran, a WRITEDIR
 * this run created. Closes everything and so drops the lock. */
void release_writedir(struct writedir *w, bool command_ran);

/* Tells the janitor COMMAND runs: a WRITEDIR this run created is kept
 * even if container-fs is killed. */
void tell_janitor_command_ran(struct writedir *w);

/* Tells the janitor the workdir is gone and reaps it. */
void stop_janitor(struct writedir *w);

#endif
