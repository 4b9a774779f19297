/* seccomp.h - the system calls the container may not make. */
#ifndef CONTAINER_FS_SECCOMP_H
#define CONTAINER_FS_SECCOMP_H

#include "utils.h"

/* Installs a classic-BPF filter that makes the calls Docker's default
 * profile refuses fail with EPERM (see SECURITY.md for the list), kills
 * a process calling through another architecture's table, and answers
 * clone3 with ENOSYS so libc falls back to clone, whose namespace flags
 * the filter can see. Needs CAP_SYS_ADMIN or no_new_privs; the filter
 * holds for COMMAND and everything it starts. */
int install_seccomp(struct failure *f);

#endif
