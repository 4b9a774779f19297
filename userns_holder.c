/* userns_holder.c - one user namespace with the caller's subordinate
 * ranges mapped, kept between runs by a small process of the caller's
 * own (the "holder"), which later runs join instead of mapping a new
 * one: newuidmap and newgidmap are setuid programs whose start-up is
 * 1.2-1.7 ms a launch (bench/README.md), more than the rest of it.
 *
 * The first run with ranges makes the namespace as before (a child in
 * it, its maps written by the helpers) and turns that child into the
 * holder: it listens on an abstract unix socket whose name says whose
 * namespace, with which maps, and hands the namespace out by fd to
 * every process of the same user that connects. It exits after a
 * while without a connection (CONTAINER_FS_USERNS_IDLE seconds, 60 by
 * default; 0: no holder, a namespace of its own for every run). An
 * abstract name leaves no file behind and vanishes with the holder;
 * what another user may do to it, and which containers may share the
 * namespace, SECURITY.md says ("User namespaces without root"). */
#include "userns_holder.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "subids.h"

/* The holder's name in ps (argv[0]) and how main() knows it. */
const char userns_holder_name[] = "container-fs-userns";

#define IDLE_VARIABLE	     "CONTAINER_FS_USERNS_IDLE"
#define DEFAULT_IDLE_SECONDS 60
#define MAX_IDLE_SECONDS     86400
/* The holder's listening socket, across its exec. */
#define HOLDER_FD 3

long userns_idle_seconds(struct failure *f)
{
	const char *text = getenv(IDLE_VARIABLE);
	if (!text)
		return DEFAULT_IDLE_SECONDS;
	char *end;
	errno = 0;
	long seconds = strtol(text, &end, 10);
	if (errno || end == text || *end || seconds < 0 ||
	    seconds > MAX_IDLE_SECONDS) {
		fail(f, "arguments", IDLE_VARIABLE, 0);
		return add_hint(f,
				"\"%.64s\" is not a number of seconds from 0 "
				"to %d; 0 keeps no user namespace between runs",
				text, MAX_IDLE_SECONDS);
	}
	return seconds;
}

/* The holder's abstract socket name: the protocol, the user namespace
 * we are in, our ids and the ranges. A holder with other maps (after
 * an edit of /etc/subuid) or made from another namespace has another
 * name, and is simply left to go idle. Returns the address length. */
static socklen_t holder_address(const struct id_maps *m, ino_t own_userns,
				struct sockaddr_un *a)
{
	*a = (struct sockaddr_un){.sun_family = AF_UNIX};
	int n =
	    snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1,
		     "container-fs-userns/1/%lu/%u:%lu:%u:%lu:%d",
		     (unsigned long)own_userns, (unsigned)m->uid, m->uid_start,
		     (unsigned)m->gid, m->gid_start, CONTAINER_IDS);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			   (size_t)n);
}

/* Whether fd is a user namespace we may join and would have made
 * ourselves: ours (owned by our euid, so setns gives us every
 * capability in it) and a child of our own namespace. */
static bool is_our_child_userns(int fd, const struct stat *own)
{
	uid_t owner;
	struct stat parent_st;
	if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWUSER ||
	    ioctl(fd, NS_GET_OWNER_UID, &owner) < 0 || owner != geteuid())
		return false;
	int parent = ioctl(fd, NS_GET_PARENT);
	if (parent < 0)
		return false;
	bool ours = fstat(parent, &parent_st) == 0 &&
		    parent_st.st_dev == own->st_dev &&
		    parent_st.st_ino == own->st_ino;
	close(parent);
	return ours;
}

enum holder_answer { HOLDER_NONE = -1, HOLDER_UNUSABLE = -2 };

/* The namespace from the holder at a: its fd; HOLDER_NONE if nobody
 * listens there (a holder may be started); HOLDER_UNUSABLE if someone
 * does who is not our holder (another user's, say: a namespace of our
 * own, and no holder, this time). */
static int ask_holder(const struct sockaddr_un *a, socklen_t length,
		      const struct stat *own)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return HOLDER_UNUSABLE;
	/* A stopped holder must not stop us: a second, then our own (the
	 * send timeout bounds a connect to a full backlog, the receive
	 * one the answer). */
	struct timeval timeout = {.tv_sec = 1};
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	if (connect(s, (const struct sockaddr *)a, length) < 0) {
		int error = errno;
		close(s);
		return error == ECONNREFUSED || error == ENOENT
			   ? HOLDER_NONE
			   : HOLDER_UNUSABLE;
	}
	struct ucred peer;
	socklen_t size = sizeof(peer);
	int fd = HOLDER_UNUSABLE;
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &peer, &size) == 0 &&
	    peer.uid == geteuid() && (fd = receive_fd(s, 0, NULL, 0)) >= 0 &&
	    !is_our_child_userns(fd, own)) {
		close(fd);
		fd = HOLDER_UNUSABLE;
	}
	close(s);
	return fd < 0 ? HOLDER_UNUSABLE : fd;
}

/* What become_holder needs: the name to listen on, the idle time. */
struct holder_plan {
	struct sockaddr_un address;
	socklen_t length;
	char idle[24];
};

/* In the new namespace's first process (open_userns_running), its
 * maps written: listens on the holder's name and leaves the holder
 * running it, a process of its own session with nothing of ours open
 * (an inherited pipe of our caller's would keep `| cat` waiting), its
 * own program (exec'd before we go on: no copy of ours, and ps names
 * it). Best effort: without a holder this run and the next go on with
 * a namespace of their own. Always 0. */
static int become_holder(void *arg, struct failure *f)
{
	(void)f;
	struct holder_plan *plan = arg;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* EADDRINUSE: another run's holder, started meanwhile. */
	if (s < 0 ||
	    bind(s, (const struct sockaddr *)&plan->address, plan->length) <
		0 ||
	    listen(s, 128) < 0)
		return 0;
	char *argv[] = {(char *)userns_holder_name, plan->idle, NULL};
	char *envp[] = {NULL};
	sigset_t none;
	sigemptyset(&none);
	/* Only system calls until the exec: we share the parent's memory,
	 * and it waits for the exec (or _exit) before it goes on. */
	pid_t pid = vfork();
	if (pid == 0) {
		/* The socket first (dup2 to itself would keep its
		 * close-on-exec: cleared either way), then /dev/null above
		 * it, then nothing else of ours. */
		int null = -1;
		if (setsid() < 0 || dup2(s, HOLDER_FD) != HOLDER_FD ||
		    fcntl(HOLDER_FD, F_SETFD, 0) < 0 ||
		    (null = open("/dev/null", O_RDWR)) < 0 ||
		    dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
		    dup2(null, 2) < 0 || chdir("/") < 0 ||
		    close_range(HOLDER_FD + 1, ~0U, 0) < 0 ||
		    sigprocmask(SIG_SETMASK, &none, NULL) < 0)
			_exit(1);
		execve("/proc/self/exe", argv, envp);
		_exit(1);
	}
	close(s);
	return 0;
}

int held_userns(const struct id_maps *m, long idle, const char *step,
		struct failure *f)
{
	struct stat own;
	if (idle == 0 || stat("/proc/self/ns/user", &own) < 0)
		return open_userns(m, step, f);
	struct holder_plan plan;
	plan.length = holder_address(m, own.st_ino, &plan.address);
	int fd = ask_holder(&plan.address, plan.length, &own);
	if (fd >= 0)
		return fd;
	if (fd == HOLDER_UNUSABLE)
		return open_userns(m, step, f);
	snprintf(plan.idle, sizeof(plan.idle), "%ld", idle);
	return open_userns_running(m, become_holder, &plan, step, f);
}

/* The holder, exec'd by become_holder: the namespace's one process,
 * with the listening socket at HOLDER_FD. Serves until idle. Anyone
 * may connect to an abstract name; only a process of our own user
 * (SO_PEERCRED, seen from here: our uid) gets the namespace. */
int userns_holder_main(int argc, char **argv)
{
	int accepting = 0;
	socklen_t size = sizeof(accepting);
	char *end = "";
	long idle = argc == 2 ? strtol(argv[1], &end, 10) : -1;
	if (idle <= 0 || idle > MAX_IDLE_SECONDS || *end ||
	    getsockopt(HOLDER_FD, SOL_SOCKET, SO_ACCEPTCONN, &accepting,
		       &size) < 0 ||
	    !accepting) {
		fprintf(stderr,
			"container-fs: %s is started by container-fs "
			"itself, not by hand\n",
			userns_holder_name);
		return 125;
	}
	prctl(PR_SET_NAME, "cfs-userns");
	int userns = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return 1;
	for (;;) {
		struct pollfd p = {.fd = HOLDER_FD, .events = POLLIN};
		int ready = poll(&p, 1, (int)idle * 1000);
		if (ready == 0)
			return 0; /* idle: the namespace goes with us */
		if (ready < 0 && errno != EINTR)
			return 1;
		int connection =
		    ready > 0 ? accept4(HOLDER_FD, NULL, NULL, SOCK_CLOEXEC)
			      : -1;
		if (connection < 0)
			continue;
		struct ucred peer;
		size = sizeof(peer);
		if (getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &peer,
			       &size) == 0 &&
		    peer.uid == getuid())
			send_fd(connection, userns, "");
		close(connection);
	}
}
