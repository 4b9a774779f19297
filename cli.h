/* cli.h - the command line: options, LAYERs, WRITEDIR and COMMAND, into
 * the container's description. */
#ifndef CONTAINER_FS_CLI_H
#define CONTAINER_FS_CLI_H

#include "spec.h"
#include "utils.h"

enum action { ACTION_RUN, ACTION_HELP, ACTION_VERSION };

/* Splits argv at the first "--": options (only before the first
 * directory), at least one LAYER (none needed with --image), WRITEDIR
 * (none with --rm or --read-only), then at least one COMMAND word (none
 * needed with --image, whose config then gives it); fills s (init_spec'd
 * here; free_spec it in any case). Returns 0, or -1 with f filled
 * (exit status 125). */
int parse_command_line(int argc, char **argv, enum action *action,
		       struct container_spec *s, struct failure *f);

/* The --help text. */
extern const char usage_text[];

#endif
