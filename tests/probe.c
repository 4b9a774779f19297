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

/* Swaps the names a and b (renameat2 RENAME_EXCHANGE) over and over for
 * seconds: a racing renamer, as a local user who may rename entries in
 * WRITEDIR's directory would run one. */
static int swap_names(const char *a, const char *b, const char *seconds)
{
	time_t end = time(NULL) + atoi(seconds);
	long swaps = 0;
	while (time(NULL) < end)
		if (syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b,
			    2 /* RENAME_EXCHANGE */) == 0)
			swaps++;
	printf("%ld swaps\n", swaps);
	return swaps > 0 ? 0 : 1;
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

/* Writes a map ("inside outside count" lines joined by ',') to path. */
static int write_map(const char *path, const char *map)
{
	char text[512];
	snprintf(text, sizeof(text), "%s\n", map);
	for (char *c = text; *c; c++)
		if (*c == ',')
			*c = '\n';
	int fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		return perror(path), -1;
	return close(fd);
}

/* Runs argv as uid and gid in a new user namespace whose maps we (root)
 * write from outside: a process there without any capability, in a
 * namespace that need not map root (unshare(1) execs in between, which
 * would drop the capabilities the switch to uid needs). */
static int userns_as(const char *uid_map, const char *gid_map, const char *uid,
		     const char *gid, char **argv)
{
	int ready[2], go[2];
	char byte = 0, path[64];
	if (pipe(ready) < 0 || pipe(go) < 0)
		return perror("pipe"), 1;
	pid_t pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWUSER) < 0)
			return perror("unshare"), 1;
		if (write(ready[1], "", 1) != 1 || read(go[0], &byte, 1) != 1)
			_exit(1);
		if (setgroups(0, NULL) < 0 ||
		    setresgid(atoi(gid), atoi(gid), atoi(gid)) < 0 ||
		    setresuid(atoi(uid), atoi(uid), atoi(uid)) < 0)
			return perror("set ids"), 1;
		execv(argv[0], argv);
		return perror(argv[0]), 127;
	}
	if (pid < 0 || read(ready[0], &byte, 1) != 1)
		return perror("fork"), 1;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	if (write_map(path, uid_map) < 0)
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	if (write_map(path, gid_map) < 0 || write(go[1], "", 1) != 1)
		return 1;
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
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
	if (strcmp(what, "userns-as") == 0 && argc > 6)
		return userns_as(argv[2], argv[3], argv[4], argv[5], argv + 6);
	if (strcmp(what, "chroot-escape") == 0 && argc > 2)
		return chroot_escape(argv[2]);
	if (strcmp(what, "clone-namespaces") == 0)
		return clone_namespaces();
	if (strcmp(what, "make-socket") == 0 && argc > 2)
		return make_socket(argv[2]);
	if (strcmp(what, "swap") == 0 && argc > 4)
		return swap_names(argv[2], argv[3], argv[4]);
	/* Run on the host too: busybox and Debian's base lack setfattr. */
	if (strcmp(what, "set-xattr") == 0 && argc > 4)
		return setxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0) <
			       0
			   ? (perror(argv[2]), 1)
			   : 0;
	fprintf(stderr, "usage: probe fds|segv|abort|wait-signal|ids|"
			"as-user UID PROGRAM...|chroot-escape PATH|"
			"clone-namespaces|make-socket PATH|swap A B SECONDS|"
			"set-xattr PATH NAME VALUE|"
			"userns-as UID_MAP GID_MAP UID GID PROGRAM...\n");
	return 2;
}
