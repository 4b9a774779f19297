/* handout.h - the handout's interface, ./container ID IMAGE CMD...: the
 * same program run by the name "container". */
#ifndef CONTAINER_FS_HANDOUT_H
#define CONTAINER_FS_HANDOUT_H

#include <stdbool.h>

#include "utils.h"

/* Whether argv[0]'s last component is "container". */
bool run_as_handout(const char *argv0);

/* Turns "container ID IMAGE CMD..." into container-fs's own command
 * line in *out: IMAGE is ./images/IMAGE (a root filesystem directory,
 * or one made by container-fs import), the writable layer and work
 * directory /tmp/container/ID/upper and /tmp/container/ID/work (made
 * as needed; see handout.c for whose /tmp/container it is). Returns the
 * new argc, or -1 with f filled (f->detail empty: print the usage). */
int handout_arguments(int argc, char **argv, char ***out, struct failure *f);

#endif
