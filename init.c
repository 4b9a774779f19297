/* init.c - --init: a small PID 1, the way tini works. A PID 1 gets only
 * the signals it has a handler for, and must reap orphans; a program
 * not written for that (a shell, most servers) ignores Ctrl-C and
 * leaves zombies. This PID 1 handles both for it. */
#include "init.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reaps every exited child; returns COMMAND's exit code once it is
 * among them, or -1. */
static int reap_children(pid_t command)
{
	int result = -1;
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0)
			return result;
		if (pid != command)
			continue;
		result = WIFSIGNALED(status) ? 128 + WTERMSIG(status)
					     : WEXITSTATUS(status);
	}
}

static void run_init(pid_t command)
{
	sigset_t all;
	sigfillset(&all);
	for (;;) {
		siginfo_t info;
		int signal_number = sigwaitinfo(&all, &info);
		if (signal_number < 0)
			continue;
		if (signal_number == SIGCHLD) {
			int status = reap_children(command);
			if (status >= 0)
				_exit(status);
			continue;
		}
		/* Sent by a process (container-fs relaying, or kill inside):
		 * pass it on. One the kernel sent is about PID 1 itself: it
		 * has no terminal, and no process group but its own. */
		if (info.si_code <= 0)
			kill(command, signal_number);
	}
}

int start_init(struct failure *f)
{
	/* Every signal stays pending for sigwaitinfo from here on; the
	 * child gets the caller's mask back before exec. */
	sigset_t all, previous;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &previous);
	pid_t command = fork();
	if (command < 0)
		return fail(f, "init", "fork", errno);
	if (command == 0) {
		sigprocmask(SIG_SETMASK, &previous, NULL);
		/* COMMAND's process leads a session of its own (and owns
		 * the container's terminal, if any): its ^C and job control
		 * never involve PID 1, and its kill(0) does not reach it. */
		if (setsid() < 0)
			return fail(f, "init", "setsid", errno);
		return 0;
	}
	/* PID 1 never execs, so close-on-exec does nothing here: close the
	 * layer, WRITEDIR and report fds by hand (the last makes COMMAND's
	 * exec the only thing container-fs waits for). */
	syscall(SYS_close_range, 3, ~0U, 0);
	/* This PID 1 runs the container-fs binary of the host: not
	 * dumpable, its /proc/1/exe, mem and fds are closed to the
	 * container (the runc CVE-2019-5736 route to the host binary). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	run_init(command);
	return -1; /* not reached */
}
