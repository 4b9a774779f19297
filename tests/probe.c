/* probe.c - a static test program run inside containers: it reports what
 * busybox cannot (open fds, signal death) in a form tests can compare. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Prints the open file descriptors, one number a line. */
static int list_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return perror("/proc/self/fd"), 1;
	int own = dirfd(dir);
	struct dirent *entry;
	while ((entry = readdir(dir)))
		if (entry->d_name[0] != '.' && atoi(entry->d_name) != own)
			printf("%s\n", entry->d_name);
	closedir(dir);
	return 0;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	if (strcmp(what, "fds") == 0)
		return list_fds();
	if (strcmp(what, "segv") == 0) {
		/* A real fault: the kernel delivers it even to PID 1. */
		volatile int *null = NULL;
		return *null;
	}
	if (strcmp(what, "abort") == 0)
		abort();
	if (strcmp(what, "wait-signal") == 0) {
		/* Waits for one of the signals container-fs forwards and
		 * says which came. */
		static const int forwarded[] = {SIGINT,	 SIGTERM, SIGHUP,
						SIGQUIT, SIGUSR1, SIGUSR2};
		sigset_t set;
		int signal_number;
		sigemptyset(&set);
		for (size_t i = 0; i < sizeof(forwarded) / sizeof(*forwarded);
		     i++)
			sigaddset(&set, forwarded[i]);
		sigprocmask(SIG_BLOCK, &set, NULL);
		printf("ready\n");
		fflush(stdout);
		sigwait(&set, &signal_number);
		printf("got %d\n", signal_number);
		/* A signal delivered twice (relayed and also sent by the
		 * terminal) would show here. */
		struct timespec grace = {0, 300 * 1000 * 1000};
		signal_number = sigtimedwait(&set, NULL, &grace);
		if (signal_number > 0)
			printf("again %d\n", signal_number);
		return 0;
	}
	fprintf(stderr, "usage: probe fds|segv|abort|wait-signal\n");
	return 2;
}
