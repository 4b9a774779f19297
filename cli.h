/* cli.h - the command line: options, layers, WRITEDIR and COMMAND. */
#ifndef CONTAINER_FS_CLI_H
#define CONTAINER_FS_CLI_H

#include <stdbool.h>

#include "capabilities.h"
#include "utils.h"

enum action { ACTION_RUN, ACTION_RM, ACTION_HELP, ACTION_VERSION };

struct options {
	enum action action;
	char **layers; /* bottom to top, as given; points into argv */
	int layer_count;
	const char *writedir;
	const char *workdir; /* NULL: container-fs manages one */
	bool legacy_mount;   /* mount(2) instead of fsopen/fsconfig */
	/* Security defaults and what relaxes them (see SECURITY.md). */
	capability_mask capabilities; /* what COMMAND keeps */
	bool allow_new_privs;	      /* no PR_SET_NO_NEW_PRIVS */
	bool seccomp_unconfined;      /* no system call filter */
	bool unmask;		      /* no masked or read-only /proc paths */
	bool writable_sys;	      /* /sys read-write (--privileged) */
	bool init;		      /* a built-in PID 1 runs COMMAND */
	enum { USERNS_AUTO, USERNS_ON, USERNS_OFF } userns;
	bool single_id; /* map only the caller's own id (no root) */
	char **command; /* NULL-terminated, points into argv */
	/* rm: the WRITEDIRs to remove, pointing into argv. */
	char **targets;
	int target_count;
};

/* Splits argv at the first "--": options (only before the first
 * directory), at least one LAYER, WRITEDIR, then at least one COMMAND
 * word. Without "--", a verb: "rm WRITEDIR...". Returns 0, or -1 with f
 * filled (exit status 125). */
int parse_command_line(int argc, char **argv, struct options *o,
		       struct failure *f);

/* The --help text. */
extern const char usage_text[];

#endif
