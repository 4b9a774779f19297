/* cli.h - the command line: options, LAYERs, WRITEDIR and COMMAND, into
 * the container's description. */
#ifndef CONTAINER_FS_CLI_H
#define CONTAINER_FS_CLI_H

#include "spec.h"
#include "utils.h"

enum action {
	ACTION_RUN,
	ACTION_RM,
	ACTION_IMPORT,
	ACTION_HELP,
	ACTION_VERSION
};

/* What the command line asks for: a container to run, described by
 * spec, or a verb (a command line without "--" whose first word names
 * one) and its operands. */
struct command_line {
	enum action action;
	struct container_spec spec; /* ACTION_RUN */
	char **operands;	    /* a verb's words, pointing into argv */
	int operand_count;
};

/* Splits argv at the first "--": options (only before the first
 * directory), at least one LAYER (none needed with --image), WRITEDIR
 * (none with --rm or --read-only), then at least one COMMAND word (none
 * needed with --image, whose config then gives it); fills cl->spec
 * (init_spec'd here; free_spec it in any case). Without "--", a verb:
 * "rm WRITEDIR..." or "import SOURCE[:NAME] DEST". Returns 0, or -1
 * with f filled (exit status 125). */
int parse_command_line(int argc, char **argv, struct command_line *cl,
		       struct failure *f);

/* The --help text. */
extern const char usage_text[];

#endif
