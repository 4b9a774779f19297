/* init.h - --init: a small PID 1 that runs COMMAND as its child. */
#ifndef CONTAINER_FS_INIT_H
#define CONTAINER_FS_INIT_H

#include "utils.h"

/* Forks COMMAND's process. Returns 0 in that child, which leads a
 * session of its own and goes on to exec COMMAND; the caller (PID 1)
 * stays in a loop that forwards every signal sent to it, reaps every
 * zombie, and exits with COMMAND's status (128+N when it died of signal
 * N). PID 1 keeps fds 0-2 only, so the report pipe to container-fs ends
 * with COMMAND's exec. Returns -1 with f filled if the fork fails. */
int start_init(struct failure *f);

#endif
