/* commands.h - the OCI runtime's command line (runc's), and what its
 * commands share (runtime.c, exec.c, features.c). */
#ifndef CONTAINER_FS_OCI_COMMANDS_H
#define CONTAINER_FS_OCI_COMMANDS_H

#include <stdbool.h>

#include "container.h"
#include "oci/state.h"
#include "utils.h"

enum oci_command_kind {
	OCI_NONE, /* --help or --version: printed */
	OCI_CREATE,
	OCI_START,
	OCI_STATE,
	OCI_KILL,
	OCI_DELETE,
	OCI_RUN,
	OCI_EXEC,
	OCI_LIST,
	OCI_FEATURES,
	OCI_SPEC,
};

/* The command line, parsed. Strings point into argv. */
struct oci_command {
	enum oci_command_kind command;
	const char *name; /* "create", ... */
	const char *root; /* --root */
	int root_fd;	  /* the state root, opened (-1 for none) */
	const char *id;
	/* create, run, exec */
	const char *bundle, *config, *pid_file, *console_socket;
	int preserve_fds;
	bool detach, force, all, tty, quiet, rootless;
	const char *format; /* list --format */
	/* exec */
	const char *process, *cwd, *user;
	char **env;
	size_t env_count;
	char **args; /* after the ID */
	int arg_count;
};

extern const char oci_usage_text[];

/* Reads argv: global options, the command and its options, the ID; opens
 * the log and the state root. Prints --help and --version. 0 or -1. */
int parse_oci_command_line(struct oci_command *o, int argc, char **argv,
			   struct failure *f);

/* A refusal of the command line (exit status 1). Returns -1. */
int usage_failure(struct failure *f, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Takes the ID at argv[optind] (and, unless more, nothing after it). */
int take_id(struct oci_command *o, int argc, char **argv, bool more,
	    struct failure *f);

/* Opens ROOT/ID (locked if lock) and reads its state. Returns the
 * directory's fd, or -1. */
int load_container(const struct oci_command *o, bool lock, struct oci_state *st,
		   struct failure *f);

/* The container's description, from its state directory's copy of its
 * config.json. 0 or -1. */
int load_spec(int dir_fd, const struct oci_state *st, struct container_spec *s,
	      struct failure *f);

/* A signal by number or name (15, TERM, SIGTERM, RTMIN+3), or -1. */
int signal_number(const char *text);

/* The terminal of c's process, as process.terminal (or exec --tty)
 * asks: a pty of its own on fds 0-2, its master sent to the console
 * socket (opened into c->console_socket), or (in the foreground without
 * one) relayed by us to our caller's terminal; none: fds 0-2 as they
 * are. A detached one (c->detached) needs the socket. 0 or -1. */
int choose_terminal(struct container *c, const struct oci_command *o,
		    struct failure *f);

/* The commands of other files. Each returns 0 or -1 (run and exec: the
 * process's exit status, or -1). */
int oci_exec(struct container *c, struct oci_command *o, struct failure *f);
int oci_features(struct failure *f);
int oci_spec(struct oci_command *o, struct failure *f);

#endif
