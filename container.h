/* container.h - running a container from its description: the parent's
 * steps (prepare and release in prepare.c; start and wait, with the
 * child's setup, in container.c), for the two front ends: the layered command
 * line (main, in container-fs.c) and the OCI runtime (oci/runtime.c), which
 * stops after start and lets a later `start` command release the container. */
#ifndef CONTAINER_FS_CONTAINER_H
#define CONTAINER_FS_CONTAINER_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "identity.h"
#include "layers.h"
#include "network.h"
#include "spec.h"
#include "terminal.h"
#include "userns.h"
#include "utils.h"
#include "writedir.h"

/* What the container's first process tells its parent, over the report
 * pipe, then (once started) over the start FIFO. */
enum report_kind {
	REPORT_FAILED, /* setup or exec failed: the failure */
	REPORT_HOOKS,  /* mounts made: run prestart and createRuntime */
	REPORT_READY,  /* set up, waiting at the start FIFO */
};

struct report {
	int kind; /* enum report_kind */
	struct failure failure;
};

struct container {
	struct container_spec spec; /* what to run: the only input */

	/* How it runs, set by the front end before prepare_container. */
	int console_socket; /* -1, or where the pty's master is sent */
	/* -1, or an O_PATH fd of a FIFO: once set up the container waits
	 * there until someone opens it to read (`start`), then reports
	 * there; it closes when COMMAND has been exec'd. */
	int start_fifo;
	bool detached; /* outlives us: no PDEATHSIG once set up */

	/* The parent's, from prepare_container on. */
	struct layer_stack layers;
	struct writedir writedir; /* WRITABLE_WRITEDIR only */
	struct terminal terminal; /* the container's own pty, if any */
	struct etc_files etc;	  /* /etc/hosts and /etc/resolv.conf */
	char hostname[65];	  /* the container's, for env and hosts */
	const char *term;	  /* the caller's TERM, for COMMAND's */
	bool apparmor;		  /* the host enforces AppArmor */
	int overlay_fd;		  /* detached overlay, or -1 for mount(2) */
	int root_tree_fd;	  /* WRITABLE_IN_PLACE: the root, cloned */
	int report_pipe[2];	  /* child -> parent: struct report, or EOF */
	int go_pipe[2];		  /* parent -> child: one byte per step done */
	int pid_pipe[2];	  /* go-between -> parent: the child's pid */
	int userns_fd;		  /* the namespace with maps we wrote */
	bool root;		  /* root on the host (is_host_root) */
	/* Root only of the user namespace we run in, which the container
	 * stays in (a bundle run by rootless podman): what a user namespace
	 * may not do (a fresh sysfs, device nodes) is done as in one. */
	bool nested_root;
	bool userns;	     /* rootless, or --userns, or a bundle's */
	struct id_maps maps; /* with userns: the ids its namespace maps */
	/* Without root: how long the holder of a namespace of ranges stays
	 * idle (userns_holder.c); 0: none. */
	long userns_idle;
	bool parent_steps;  /* the child waits for the parent (go_pipe) */
	sigset_t forwarded; /* signals the parent relays, plus SIGCHLD */
	sigset_t original_mask;
	pid_t pid;
	bool command_ran; /* exec'd (or, with start_fifo, set up) */

	/* The child's. */
	struct identity identity;  /* who COMMAND runs as */
	int root_fd;		   /* the new root, once mounted */
	int report_fd;		   /* report_pipe[1], then the start FIFO */
	int fd_directory;	   /* the host's /proc/self/fd, for the FIFO */
	pid_t host_pid;		   /* our pid in the host's namespace */
	bool became_root;	   /* in a new user namespace, its root */
	bool filter_pending;	   /* the seccomp filter is still to come */
	bool capabilities_pending; /* CAP_SYS_ADMIN kept for it until then */
	struct capability_sets final_capabilities;
};

/* Fills the run options with their defaults: nothing, -1 fds. */
void init_container(struct container *c);

/* The parent's checks and preparations, before any namespace: the user
 * namespace, the root's parts, the volume sources, the host facts, the
 * overlay, the signals and the terminal. 0 or -1. */
int prepare_container(struct container *c, struct failure *f);

/* Starts the container: clones its first process, writes its id maps,
 * puts it in its cgroup, runs the prestart and createRuntime hooks when
 * it asks, and returns once COMMAND runs, or (with start_fifo) once it
 * waits at the FIFO. 0 or -1. */
int start_container(struct container *c, struct failure *f);

/* Waits for the container, relaying signals (and its terminal, if it
 * has one of ours); returns its exit status (128+N for signal N). */
int wait_container(struct container *c);

/* Closes and frees what prepare_container opened, the spec too. */
void release_container(struct container *c);

/* Blocks the signals the parent relays (and SIGCHLD, SIGPIPE), keeping
 * the caller's mask for COMMAND. 0 or -1. */
int block_signals(struct container *c, struct failure *f);

/* exec: in a process already in the container's namespaces (its mount
 * namespace's root is ours), the last steps of the setup: a session of
 * its own, the terminal, the user, limits, privileges, environment, and
 * exec of c's command. Returns only on failure. */
int exec_in_container(struct container *c, struct failure *f);

/* Our own frames need a few dozen KiB of stack: raises the soft limit
 * if the caller's is smaller (COMMAND gets the caller's back), or says
 * why not in one line. 0 or -1. */
int ensure_stack(void);

/* Reads a report from fd into r: 1 if one came, 0 at EOF, -1 if only
 * part of one came. */
int read_report_from(int fd, struct report *r);

/* Shared by the two sides of the run, the child's (container.c) and the
 * parent's (start.c). */

/* The container's first process: its setup, then exec of COMMAND or a
 * report of what failed. arg: the struct container. */
int container_main(void *arg);

/* How the user namespace gets its maps: a bundle's own, written by the
 * parent once the child exists (given_maps); our own id alone, mapped
 * by the child itself (maps_itself); else a namespace made first, with
 * its maps, which the child joins (joins_userns). */
bool given_maps(const struct container *c);
bool maps_itself(const struct container *c);
bool joins_userns(const struct container *c);

/* Whether the child makes its cgroup namespace itself, after the parent
 * has moved it into its cgroup. */
bool late_cgroup_namespace(const struct container_spec *s);

#endif
