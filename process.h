/* process.h - starting a child process on a stack of its own. */
#ifndef CONTAINER_FS_PROCESS_H
#define CONTAINER_FS_PROCESS_H

#include <stddef.h>
#include <sys/types.h>

/* A child's stack: mapped before the clone, unmapped once the child no
 * longer runs on it. */
struct stack {
	void *base;
	size_t size;
};

/* Starts fn(arg) in a child process made by clone(2) with flags (plus
 * SIGCHLD) on a fresh stack of size bytes under a guard page. With
 * CLONE_VM the child shares our memory instead of copying it: no page
 * tables to copy, no copy-on-write faults afterwards (each costs tens
 * of microseconds in a VM). ASan builds start a copy on the current
 * stack instead (process.c says why). Returns the pid, or -1 with errno
 * set. */
pid_t start_process(int (*fn)(void *), void *arg, int flags, size_t size,
		    struct stack *stack);

/* Unmaps a stack start_process mapped; nothing if it mapped none. */
void free_stack(struct stack *stack);

#endif
