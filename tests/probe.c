/* probe.c - a static test program run inside containers: it reports what
 * busybox cannot (open fds, signal death, raw system calls) in a form
 * tests can compare. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
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

/* Prints "what: ok", or "what: " and the error: its name for the ones
 * tests look for (the texts differ between libcs), else its number. */
static int report(const char *what, long result)
{
	static const struct {
		int error;
		const char *name;
	} names[] = {{EPERM, "EPERM"},	 {ENOSYS, "ENOSYS"},
		     {ENOTTY, "ENOTTY"}, {EINVAL, "EINVAL"},
		     {EBADF, "EBADF"},	 {EFAULT, "EFAULT"}};
	if (result >= 0)
		return printf("%s: ok\n", what), 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (names[i].error == errno)
			return printf("%s: %s\n", what, names[i].name), 0;
	return printf("%s: errno %d\n", what, errno), 0;
}

/* System calls with raw arguments, for the seccomp filter's tests: the
 * filter must judge what the kernel sees, high bits and all. */
static int raw_syscall(const char *nr)
{
	char what[64];
	snprintf(what, sizeof(what), "syscall %s", nr);
	return report(what, syscall(strtol(nr, NULL, 0), 0, 0, 0, 0, 0, 0));
}

static int set_personality(const char *value)
{
	char what[64];
	snprintf(what, sizeof(what), "personality %s", value);
	return report(what, syscall(SYS_personality,
				    (unsigned long)strtoull(value, NULL, 0)));
}

/* ioctl(0, request, "x"): with TIOCSTI, "x" would be typed into the
 * terminal on stdin (the tests give /dev/null: ENOTTY if it gets that
 * far). */
static int terminal_ioctl(const char *request)
{
	char what[64];
	snprintf(what, sizeof(what), "ioctl %s", request);
	return report(what,
		      syscall(SYS_ioctl, 0,
			      (unsigned long)strtoull(request, NULL, 0), "x"));
}

/* Reads this process's own memory the ptrace way. */
static int read_own_memory(void)
{
	char source[] = "probe", target[sizeof(source)] = "";
	struct iovec local = {target, sizeof(target)};
	struct iovec remote = {source, sizeof(source)};
	return report("process_vm_readv",
		      syscall(SYS_process_vm_readv, getpid(), &local, 1UL,
			      &remote, 1UL, 0UL));
}

/* Takes a copy of its own stdout through a pidfd (pidfd_getfd). */
static int copy_own_fd(void)
{
	long pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd < 0)
		return report("pidfd_open", pidfd);
	return report("pidfd_getfd", syscall(SYS_pidfd_getfd, pidfd, 1, 0));
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

/* Stands in for conmon or containerd's shim behind an OCI runtime's
 * --console-socket: listens at path, takes the pty's master the runtime
 * sends (SCM_RIGHTS), says so with the name that came with it, and
 * copies what the container writes to its terminal until it closes. */
static int console_socket(const char *path)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	int listener = socket(AF_UNIX, SOCK_STREAM, 0);
	strncpy(address.sun_path, path, sizeof(address.sun_path) - 1);
	if (listener < 0 ||
	    bind(listener, (struct sockaddr *)&address, sizeof(address)) < 0 ||
	    listen(listener, 1) < 0)
		return perror(path), 1;
	int connection = accept(listener, NULL, NULL);
	char name[256] = "";
	union {
		struct cmsghdr header;
		char buffer[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec data = {.iov_base = name, .iov_len = sizeof(name) - 1};
	struct msghdr message = {.msg_iov = &data,
				 .msg_iovlen = 1,
				 .msg_control = control.buffer,
				 .msg_controllen = sizeof(control.buffer)};
	if (connection < 0 || recvmsg(connection, &message, 0) <= 0)
		return perror("recvmsg"), 1;
	struct cmsghdr *header = CMSG_FIRSTHDR(&message);
	int master;
	if (!header || header->cmsg_type != SCM_RIGHTS)
		return fprintf(stderr, "no fd came\n"), 1;
	memcpy(&master, CMSG_DATA(header), sizeof(master));
	printf("got a terminal: %s\n", name);
	fflush(stdout);
	char buffer[4096];
	ssize_t n;
	while ((n = read(master, buffer, sizeof(buffer))) > 0)
		fwrite(buffer, 1, (size_t)n, stdout);
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

/* Listens on the abstract unix socket NAME and hands every caller our
 * own user namespace's fd, as a squatter on container-fs's holder name
 * would; says "ready" once listening. Runs until killed. */
static int squat_abstract(const char *name)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	size_t length = strlen(name);
	if (length + 1 >= sizeof(a.sun_path))
		return fprintf(stderr, "name too long\n"), 1;
	memcpy(a.sun_path + 1, name, length);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	int userns = open("/proc/self/ns/user", O_RDONLY);
	if (s < 0 || userns < 0 ||
	    bind(s, (struct sockaddr *)&a,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			     length)) < 0 ||
	    listen(s, 16) < 0)
		return perror(name), 1;
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		char byte = 0, space[CMSG_SPACE(sizeof(int))] = {0};
		struct iovec io = {.iov_base = &byte, .iov_len = 1};
		struct msghdr m = {.msg_iov = &io,
				   .msg_iovlen = 1,
				   .msg_control = space,
				   .msg_controllen = sizeof(space)};
		struct cmsghdr *h = CMSG_FIRSTHDR(&m);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &userns, sizeof(int));
		sendmsg(c, &m, MSG_NOSIGNAL);
		close(c);
	}
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
	if (strcmp(what, "syscall") == 0 && argc > 2)
		return raw_syscall(argv[2]);
	if (strcmp(what, "personality") == 0 && argc > 2)
		return set_personality(argv[2]);
	if (strcmp(what, "ioctl") == 0 && argc > 2)
		return terminal_ioctl(argv[2]);
	if (strcmp(what, "process-vm-readv") == 0)
		return read_own_memory();
	if (strcmp(what, "pidfd-getfd") == 0)
		return copy_own_fd();
	if (strcmp(what, "tiocsti") == 0 && argc > 2)
		return push_input(argv[2], argc > 3 ? argv[3] : NULL);
	if (strcmp(what, "make-socket") == 0 && argc > 2)
		return make_socket(argv[2]);
	if (strcmp(what, "console-socket") == 0 && argc > 2)
		return console_socket(argv[2]);
	if (strcmp(what, "squat-abstract") == 0 && argc > 2)
		return squat_abstract(argv[2]);
	if (strcmp(what, "swap") == 0 && argc > 4)
		return swap_names(argv[2], argv[3], argv[4]);
	/* Run on the host too: busybox and Debian's base lack setfattr. */
	if (strcmp(what, "set-xattr") == 0 && argc > 4)
		return setxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0) <
			       0
			   ? (perror(argv[2]), 1)
			   : 0;
	fprintf(stderr,
		"usage: probe fds|segv|abort|wait-signal|ids|"
		"as-user UID PROGRAM...|chroot-escape PATH|"
		"clone-namespaces|syscall NR|personality VALUE|"
		"ioctl REQUEST|process-vm-readv|pidfd-getfd|"
		"make-socket PATH|swap A B SECONDS|set-xattr PATH NAME VALUE|"
		"tiocsti TEXT [PATH]|console-socket PATH|"
		"userns-as UID_MAP GID_MAP UID GID PROGRAM...\n");
	return 2;
}
