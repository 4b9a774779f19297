/* probe.c - a static test program run inside containers: it reports what
 * busybox cannot (open fds, signal death) in a form tests can compare. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
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

/* The classic chroot escape: chroot into a subdirectory while keeping
 * the working directory outside it, walk up, and chroot there. Then
 * says whether path (a file on the host) is reachable. */
static int chroot_escape(const char *path)
{
	mkdir("/tmp/escape", 0755);
	if (chroot("/tmp/escape") < 0)
		return perror("chroot"), 1;
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0)
		return perror("chroot ."), 1;
	printf(access(path, F_OK) == 0 ? "reached\n" : "not reached\n");
	return 0;
}

/* clone with a namespace flag, and clone3: prints what each returned. */
static int clone_namespaces(void)
{
	long pid =
	    syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	printf("clone: %s\n", pid < 0 ? strerror(errno) : "created");
	long args[11] = {0};
	pid = syscall(SYS_clone3, args, sizeof(args));
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	printf("clone3: %s\n", pid < 0 ? strerror(errno) : "created");
	return 0;
}

/* Leaves a Unix socket file at path (for tests of bad layer types). */
static int make_socket(const char *path)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strncpy(address.sun_path, path, sizeof(address.sun_path) - 1);
	if (fd < 0 ||
	    bind(fd, (struct sockaddr *)&address, sizeof(address)) < 0)
		return perror(path), 1;
	return 0;
}

/* Pushes text and a newline into the input of a terminal (fd 0, or the
 * one at path, e.g. /dev/tty) with TIOCSTI, as if typed there: whoever
 * reads that terminal next gets it as a line. */
static int push_input(const char *text, const char *path)
{
	int fd = path ? open(path, O_RDWR | O_NOCTTY) : 0;
	if (fd < 0)
		return perror(path), 1;
	for (const char *p = text;; p++) {
		char c = *p ? *p : '\n';
		if (ioctl(fd, TIOCSTI, &c) < 0)
			return perror("TIOCSTI"), 1;
		if (!*p)
			break;
	}
	printf("pushed\n");
	return 0;
}

/* Becomes uid:gid and runs argv. */
static int run_as(const char *uid, char **argv)
{
	if (setgroups(0, NULL) < 0 || setgid((gid_t)atoi(uid)) < 0 ||
	    setuid((uid_t)atoi(uid)) < 0)
		return perror("setuid"), 1;
	execv(argv[0], argv);
	return perror(argv[0]), 127;
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
	if (strcmp(what, "ids") == 0)
		return printf("%d %d\n", (int)getuid(), (int)geteuid()), 0;
	if (strcmp(what, "as-user") == 0 && argc > 3)
		return run_as(argv[2], argv + 3);
	if (strcmp(what, "chroot-escape") == 0 && argc > 2)
		return chroot_escape(argv[2]);
	if (strcmp(what, "clone-namespaces") == 0)
		return clone_namespaces();
	if (strcmp(what, "tiocsti") == 0 && argc > 2)
		return push_input(argv[2], argc > 3 ? argv[3] : NULL);
	if (strcmp(what, "make-socket") == 0 && argc > 2)
		return make_socket(argv[2]);
	/* Run on the host too: busybox and Debian's base lack setfattr. */
	if (strcmp(what, "set-xattr") == 0 && argc > 4)
		return setxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0) <
			       0
			   ? (perror(argv[2]), 1)
			   : 0;
	fprintf(stderr, "usage: probe fds|segv|abort|wait-signal|ids|"
			"as-user UID PROGRAM...|chroot-escape PATH|"
			"clone-namespaces|make-socket PATH|"
			"set-xattr PATH NAME VALUE|tiocsti TEXT [PATH]\n");
	return 2;
}
