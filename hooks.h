/* hooks.h - the programs a description runs at points of the
 * container's life (OCI hooks), each given the container's state as
 * JSON on its stdin. */
#ifndef CONTAINER_FS_HOOKS_H
#define CONTAINER_FS_HOOKS_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"
#include "utils.h"

/* The OCI runtime spec version whose state and config we speak. */
#define OCI_VERSION "1.2.0"

/* Appends the container's state, as the OCI runtime spec has it
 * (ociVersion, id, status, pid, bundle, annotations), to out. pid 0:
 * none (a stopped container). 0 or -1 (ENOMEM). */
int append_state(struct string *out, const struct container_spec *s, pid_t pid,
		 const char *status);

/* Runs the hooks of stage in order, each with the state on stdin, each
 * waited for (killed after its timeout). A hook that fails, exits
 * other than 0 or times out stops the rest, unless keep_going (then
 * the rest run, and the first failure is reported). 0 or -1. */
int run_hooks(const struct container_spec *s, enum hook_stage stage, pid_t pid,
	      const char *status, bool keep_going, struct failure *f);

#endif
