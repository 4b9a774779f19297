/* userns.c - user namespaces: who is root, which ids a container's
 * namespace maps, and running a step inside such a namespace.
 *
 * The parent writes the maps of a new user namespace held by a
 * short-lived child (only a process outside it may map ids it owns
 * there: the parent with the privilege, or newuidmap and newgidmap),
 * and keeps it by fd for the container to join (open_userns); a map of
 * our own id alone the container writes itself (map_own_id). */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capabilities.h"
#include "process.h"

/* What subordinate ids need: the setuid helpers from the uidmap package. */
static const char newuidmap[] = "/usr/bin/newuidmap";
static const char newgidmap[] = "/usr/bin/newgidmap";

/* The initial user namespace's inode number is fixed (the kernel's
 * PROC_USER_INIT_INO, exported as USER_NS_INIT_INO in <linux/nsfs.h>
 * since 6.17); every other namespace gets one from 0xF0000000 up. */
#define INITIAL_USER_NS_INODE 0xEFFFFFFDUL

/* The one test that tells the initial namespace apart, whatever the
 * maps: root of a child namespace may have mapped every id to itself
 * ("0 0 4294967295" in /proc/self/uid_map, as --userns used to), and
 * /proc/1/ns/user may belong to a PID 1 in another namespace than ours,
 * or need ptrace rights over it to read. */
bool in_initial_userns(void)
{
	struct stat st;
	if (stat("/proc/self/ns/user", &st) < 0)
		return true; /* a kernel without user namespaces has one */
	return st.st_ino == INITIAL_USER_NS_INODE;
}

/* uid 0 alone says little: root inside `unshare -r` is uid 0 with every
 * capability, but they count only over what its namespace owns (no
 * overlayfs with trusted.* xattrs, no map of other ids). Root in the
 * initial namespace without CAP_SYS_ADMIN (a Docker container) cannot
 * mount either. */
bool is_host_root(void)
{
	return geteuid() == 0 && in_initial_userns() &&
	       has_capability(CAP_SYS_ADMIN);
}

int check_userns_kernel(struct failure *f)
{
	struct utsname u;
	int major = 0, minor = 0;
	if (uname(&u) == 0)
		sscanf(u.release, "%d.%d", &major, &minor);
	if (major > 5 || (major == 5 && minor >= 11))
		return 0;
	fail(f, "user namespace", u.release, 0);
	return add_hint(f, "a container without root needs Linux 5.11 or "
			   "later (overlayfs in user namespaces); run it "
			   "with sudo on this kernel");
}

static int check_access(const char *path, int mode, struct failure *f)
{
	if (faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0)
		return 0;
	fail(f, "access", path, errno);
	return add_hint(f, "without root, container-fs can use only layers "
			   "you may read and a writedir you may write");
}

int check_caller_access(const struct layer_stack *s, const struct writedir *w,
			struct failure *f)
{
	if (is_host_root())
		return 0;
	for (int i = 0; i < s->count; i++)
		if (check_access(s->layers[i].path, R_OK | X_OK, f) < 0)
			return -1;
	if (!w)
		return 0;
	/* The lock (and managed work) directory, and a missing WRITEDIR,
	 * are made in WRITEDIR's parent (w->path is canonical). */
	const char *slash = strrchr(w->path, '/');
	char *parent =
	    strndup(w->path, slash > w->path ? (size_t)(slash - w->path) : 1);
	int result = 0;
	if (!parent)
		result = fail(f, "access", w->path, errno);
	else if (check_access(parent, W_OK | X_OK, f) < 0)
		result = -1;
	else if (w->fd >= 0 && check_access(w->path, W_OK | X_OK, f) < 0)
		result = -1;
	else if (w->work_option &&
		 check_access(w->work_path, W_OK | X_OK, f) < 0)
		result = -1;
	free(parent);
	return result;
}

/* Reads a sysctl that can turn user namespaces off; -1 if absent. */
static long read_sysctl(const char *path)
{
	char text[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	return n > 0 ? strtol(text, NULL, 10) : -1;
}

int hint_userns_disabled(struct failure *f)
{
	if (read_sysctl("/proc/sys/user/max_user_namespaces") == 0)
		return add_hint(f, "user namespaces are off here "
				   "(user.max_user_namespaces=0): sudo sysctl "
				   "-w user.max_user_namespaces=15000, or run "
				   "with sudo");
	if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		return add_hint(f,
				"unprivileged user namespaces are off here "
				"(kernel.unprivileged_userns_clone=0): sudo "
				"sysctl -w kernel.unprivileged_userns_clone=1, "
				"or run with sudo");
	if (read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_"
			"userns") == 1)
		return add_hint(
		    f, "AppArmor blocks unprivileged user "
		       "namespaces (kernel.apparmor_restrict_"
		       "unprivileged_userns=1): sudo sysctl -w "
		       "kernel.apparmor_restrict_unprivileged_userns=0, "
		       "or run with sudo");
	return add_hint(f, "this system does not allow user namespaces to "
			   "this user; run with sudo");
}

/* Writes text to /proc/<process>/<file> (process: a pid, or "self"),
 * after checking the file lies on a procfs (a writable path that is not
 * procfs would be the wrong file). */
static int write_proc_file(const char *process, const char *file,
			   const char *text, struct failure *f)
{
	char path[64];
	struct statfs fs;
	snprintf(path, sizeof(path), "/proc/%s/%s", process, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(f, "user namespace", path, errno);
	int result = 0;
	if (fstatfs(fd, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC)
		result = fail(f, "user namespace", path, EXDEV);
	else if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		result = fail(f, "user namespace", path, errno);
	close(fd);
	return result;
}

/* The text of a small /proc file, malloc'd, or NULL. */
static char *read_small_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t size = 16384, length = 0; /* 340 map lines fit */
	char *text = malloc(size + 1);
	ssize_t n = 0;
	while (text && length < size &&
	       (n = read(fd, text + length, size - length)) > 0)
		length += (size_t)n;
	close(fd);
	if (text && n < 0) {
		free(text);
		return NULL;
	}
	if (text)
		text[length] = '\0';
	return text;
}

/* Each id this namespace has, mapped to itself: the lines of
 * /proc/self/uid_map ("inside outside count") as "inside inside count".
 * malloc'd, or NULL. */
static char *identity_lines(const char *map_file)
{
	char *map = read_small_file(map_file);
	char *lines = map ? malloc(strlen(map) + 1) : NULL;
	size_t used = 0;
	unsigned long inside, outside, count;
	for (char *line = map; lines && line && *line;) {
		char *next = strchr(line, '\n');
		if (sscanf(line, "%lu %lu %lu", &inside, &outside, &count) == 3)
			/* Never longer than the line it comes from. */
			used += (size_t)sprintf(lines + used, "%lu %lu %lu\n",
						inside, inside, count);
		line = next ? next + 1 : NULL;
	}
	if (lines)
		lines[used] = '\0';
	free(map);
	return lines;
}

/* Whether ids [start, start + CONTAINER_IDS) all exist in this
 * namespace, by its map file. */
static bool mapped_here(const char *map_file, unsigned long start)
{
	char *map = read_small_file(map_file);
	bool mapped = false;
	unsigned long inside, outside, count;
	for (char *line = map; !mapped && line && *line;) {
		if (sscanf(line, "%lu %lu %lu", &inside, &outside, &count) ==
			3 &&
		    start >= inside && start + CONTAINER_IDS <= inside + count)
			mapped = true;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	free(map);
	return mapped;
}

int plan_id_maps(struct id_maps *m, bool single_id, struct failure *f)
{
	*m = (struct id_maps){
	    .kind = IDS_SINGLE, .uid = geteuid(), .gid = getegid()};
	/* Asked for (--single-id): nothing to look up, nothing to note. */
	if (single_id)
		return 0;
	bool initial = in_initial_userns();
	/* Root of a namespace of its own (unshare -r, a rootless
	 * container) may map every id that namespace has. */
	if (!initial && has_capability(CAP_SETUID) &&
	    has_capability(CAP_SETGID)) {
		m->kind = IDS_NESTED;
		m->uid_lines = identity_lines("/proc/self/uid_map");
		m->gid_lines = identity_lines("/proc/self/gid_map");
		if (!m->uid_lines || !m->gid_lines)
			return fail(f, "user namespace", "/proc/self/uid_map",
				    errno ? errno : EIO);
		return 0;
	}
	char name[128];
	const char *user = user_name(m->uid, name, sizeof(name));
	long uid_start = find_subordinate_range("/etc/subuid", user, m->uid);
	long gid_start = find_subordinate_range("/etc/subgid", user, m->uid);
	if (uid_start < 0 || gid_start < 0)
		return 0;
	/* The helpers map ids of the namespace they run in: inside another
	 * user namespace only if it has the ranges too. */
	bool helpers =
	    access(newuidmap, X_OK) == 0 && access(newgidmap, X_OK) == 0;
	if (helpers &&
	    (initial ||
	     (mapped_here("/proc/self/uid_map", (unsigned long)uid_start) &&
	      mapped_here("/proc/self/gid_map", (unsigned long)gid_start)))) {
		m->kind = IDS_SUBORDINATE;
		m->uid_start = (unsigned long)uid_start;
		m->gid_start = (unsigned long)gid_start;
		m->fallback = !initial;
		return 0;
	}
	m->ranges_unused = !initial;
	return 0;
}

void plan_range_maps(struct id_maps *m, const struct id_range *range)
{
	*m = (struct id_maps){.kind = IDS_RANGE,
			      .uid = geteuid(),
			      .gid = getegid(),
			      .uid_start = range->uid,
			      .gid_start = range->gid};
}

void fall_back_to_single_id(struct id_maps *m)
{
	m->kind = IDS_SINGLE;
	m->fallback = false;
	m->ranges_unused = true;
}

void free_id_maps(struct id_maps *m)
{
	free(m->uid_lines);
	free(m->gid_lines);
	m->uid_lines = m->gid_lines = NULL;
}

/* The id inside of host id id: the caller's is 0, a subordinate one
 * 1 + its place in the range; -1 for any other. */
static long id_inside(unsigned long caller, unsigned long start,
		      unsigned long id)
{
	if (id == caller)
		return 0;
	if (start && id >= start && id - start < CONTAINER_IDS)
		return (long)(id - start + 1);
	return -1;
}

long uid_inside(const struct id_maps *m, uid_t uid)
{
	return id_inside(m->uid, m->kind == IDS_SUBORDINATE ? m->uid_start : 0,
			 uid);
}

long gid_inside(const struct id_maps *m, gid_t gid)
{
	return id_inside(m->gid, m->kind == IDS_SUBORDINATE ? m->gid_start : 0,
			 gid);
}

bool has_group_inside(const struct id_maps *m, unsigned long gid)
{
	unsigned long inside, outside, count;
	switch (m->kind) {
	case IDS_SINGLE:
		return gid == 0;
	case IDS_SUBORDINATE: /* 0, then 1..65536 */
		return gid <= CONTAINER_IDS;
	case IDS_RANGE:
		return gid < CONTAINER_IDS;
	case IDS_NESTED:
		for (const char *line = m->gid_lines; line && *line;) {
			if (sscanf(line, "%lu %lu %lu", &inside, &outside,
				   &count) == 3 &&
			    gid >= inside && gid - inside < count)
				return true;
			line = strchr(line, '\n');
			if (line)
				line++;
		}
	}
	return false;
}

void note_single_id(void)
{
	static const char note[] =
	    "container-fs: note: your subordinate ids cannot be mapped from "
	    "this user namespace: only your own id is mapped (--single-id)\n";
	write_all(2, note, sizeof(note) - 1);
}

/* A map helper's start: stderr to a pipe, whose first line explains a
 * refusal. */
struct map_helper {
	const char *path;
	char *argv[9];
	int error_pipe[2];
	pid_t pid;
	struct stack stack;
};

static int exec_map_helper(void *arg)
{
	struct map_helper *h = arg;
	if (dup2(h->error_pipe[1], 2) < 0)
		_exit(127);
	execv(h->path, h->argv);
	_exit(127);
}

/* Starts newuidmap or newgidmap: PID 0 ID 1 1 START 65536, as posix_spawn
 * would (no fork: the janitor may call this). 0 or -1. */
static int start_map_helper(struct map_helper *h, const char *helper,
			    char text[4][24], pid_t pid, unsigned long id,
			    unsigned long start)
{
	snprintf(text[0], 24, "%d", (int)pid);
	snprintf(text[1], 24, "%lu", id);
	snprintf(text[2], 24, "%lu", start);
	snprintf(text[3], 24, "%d", CONTAINER_IDS);
	*h = (struct map_helper){.path = helper,
				 .argv = {(char *)helper, text[0], "0", text[1],
					  "1", "1", text[2], text[3], NULL},
				 .error_pipe = {-1, -1},
				 .pid = -1};
	if (pipe2(h->error_pipe, O_CLOEXEC) < 0)
		return -1;
	h->pid = start_process(exec_map_helper, h, CLONE_VM | CLONE_VFORK,
			       64 * 1024, &h->stack);
	int error = errno;
	free_stack(&h->stack);
	close(h->error_pipe[1]);
	errno = error;
	return h->pid < 0 ? -1 : 0;
}

/* Waits for a map helper; 0 if it succeeded, else -1 with f filled and
 * the helper's own first line of explanation in the hint. */
static int wait_map_helper(struct map_helper *h, struct failure *f)
{
	int status = 0, result = 0;
	char said[256] = "";
	if (h->pid < 0)
		result = fail(f, "user namespace", h->path, errno);
	while (h->pid >= 0 && waitpid(h->pid, &status, 0) < 0)
		if (errno != EINTR) {
			result = fail(f, "user namespace", h->path, errno);
			break;
		}
	if (h->error_pipe[0] >= 0) {
		ssize_t n = read(h->error_pipe[0], said, sizeof(said) - 1);
		said[n > 0 ? n : 0] = '\0';
		said[strcspn(said, "\n")] = '\0';
		close(h->error_pipe[0]);
	}
	if (result < 0 || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
		return result;
	fail(f, "user namespace", h->path, 0);
	return add_hint(f,
			"%.200s%sit could not map the ids of /etc/subuid and "
			"/etc/subgid; check them, or run with --single-id to "
			"map only your own id",
			said, said[0] ? ": " : "");
}

/* Both at once: each is a setuid program's whole start-up. */
static int run_map_helpers(pid_t pid, const struct id_maps *m,
			   struct failure *f)
{
	struct map_helper uid_helper, gid_helper;
	char uid_text[4][24], gid_text[4][24];
	start_map_helper(&uid_helper, newuidmap, uid_text, pid, m->uid,
			 m->uid_start);
	start_map_helper(&gid_helper, newgidmap, gid_text, pid, m->gid,
			 m->gid_start);
	int uid_result = wait_map_helper(&uid_helper, f);
	struct failure gid_failure;
	int gid_result = wait_map_helper(&gid_helper, &gid_failure);
	if (uid_result == 0 && gid_result < 0)
		*f = gid_failure;
	if (uid_result == 0 && gid_result == 0)
		return 0;
	return m->fallback ? -2 : -1;
}

/* The maps of process (a pid, or "self"): "0 <ours> 1" each, SINGLE.
 * Mapping our own gid needs setgroups denied first: otherwise dropping
 * a group could grant access (a group-denied file). */
static int write_single_maps(const char *process, const struct id_maps *m,
			     struct failure *f)
{
	char uid_map[64], gid_map[64];
	snprintf(uid_map, sizeof(uid_map), "0 %u 1\n", (unsigned)m->uid);
	snprintf(gid_map, sizeof(gid_map), "0 %u 1\n", (unsigned)m->gid);
	if (write_proc_file(process, "setgroups", "deny", f) < 0 ||
	    write_proc_file(process, "uid_map", uid_map, f) < 0)
		return -1;
	return write_proc_file(process, "gid_map", gid_map, f);
}

int write_id_maps(pid_t pid, const struct id_maps *m, struct failure *f)
{
	char process[24], uid_map[64], gid_map[64];
	const char *uids = uid_map, *gids = gid_map;
	snprintf(process, sizeof(process), "%d", (int)pid);
	switch (m->kind) {
	case IDS_SUBORDINATE:
		return run_map_helpers(pid, m, f);
	case IDS_NESTED:
		uids = m->uid_lines;
		gids = m->gid_lines;
		break;
	case IDS_RANGE:
		snprintf(uid_map, sizeof(uid_map), "0 %lu %d\n", m->uid_start,
			 CONTAINER_IDS);
		snprintf(gid_map, sizeof(gid_map), "0 %lu %d\n", m->gid_start,
			 CONTAINER_IDS);
		break;
	case IDS_SINGLE:
		return write_single_maps(process, m, f);
	}
	if (write_proc_file(process, "uid_map", uids, f) < 0)
		return -1;
	return write_proc_file(process, "gid_map", gids, f);
}

/* kernel/user_namespace.c, new_idmap_permitted(): a map of one id, our
 * own euid (for gid_map our egid, once setgroups is denied), written by
 * the namespace's owner needs no privilege outside it; map_write()
 * wants CAP_SYS_ADMIN over the namespace, which its creator holds
 * inside. So `unshare -r` maps itself, and so do we: the same maps the
 * parent would write, and no parent to wait for. "self", not our pid:
 * /proc is still the host's, and in the new PID namespace we are 1. */
int map_own_id(const struct id_maps *m, struct failure *f)
{
	return write_single_maps("self", m, f);
}

/* A step run in a child in a new user namespace: it waits until its
 * maps are written, runs fn, and reports a failure over a pipe. */
struct userns_task {
	int (*fn)(void *, struct failure *);
	void *arg;
	const char *step; /* named if the namespace cannot be made */
	int release[2];	  /* parent -> child: one byte once the maps are set */
	int report[2];	  /* child -> parent: a struct failure, or nothing */
};

static int run_userns_task(void *arg)
{
	struct userns_task *t = arg;
	struct failure f;
	char byte;
	ssize_t n;
	close(t->release[1]);
	close(t->report[0]);
	while ((n = read(t->release[0], &byte, 1)) < 0 && errno == EINTR)
		;
	if (n != 1)
		_exit(EXIT_SETUP_FAILED);
	if (!t->fn || t->fn(t->arg, &f) == 0)
		_exit(0);
	write_all(t->report[1], &f, sizeof(f));
	_exit(EXIT_SETUP_FAILED);
}

/* Starts t in a new user namespace with maps m; with userns_fd, opens
 * that namespace before releasing it. Returns fn's result, -1, or -2
 * as write_id_maps does. */
static int start_userns_task(const struct id_maps *m, struct userns_task *t,
			     int *userns_fd, struct failure *f)
{
	struct stack stack;
	if (pipe2(t->release, O_CLOEXEC) < 0)
		return fail(f, "user namespace", "pipe", errno);
	if (pipe2(t->report, O_CLOEXEC) < 0) {
		close(t->release[0]);
		close(t->release[1]);
		return fail(f, "user namespace", "pipe", errno);
	}
	/* With a step to run, its own copy of our memory: it runs while we
	 * write its maps. Only holding the namespace (no fn), it shares
	 * ours, so nothing is copied: it closes two fds, reads one byte and
	 * exits, touching nothing but its small stack (no errno: close
	 * cannot fail there, and no handler can interrupt the read). */
	pid_t pid =
	    t->fn ? start_process(run_userns_task, t, CLONE_NEWUSER,
				  8 * 1024 * 1024, &stack)
		  : start_process(run_userns_task, t, CLONE_NEWUSER | CLONE_VM,
				  64 * 1024, &stack);
	int error = errno;
	close(t->release[0]);
	close(t->report[1]);
	int result = 0;
	if (pid < 0) {
		result = fail(f, t->step, "clone", error);
		hint_userns_disabled(f);
	} else if ((result = write_id_maps(pid, m, f)) < 0) {
		/* -1, or -2: refused, a smaller map may do */
	} else if (userns_fd) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		*userns_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (*userns_fd < 0)
			result = fail(f, "user namespace", path, errno);
	}
	if (result == 0 && write_all(t->release[1], "", 1) < 0)
		result = fail(f, "user namespace", "release", errno);
	close(t->release[1]);
	int status = 0;
	while (pid >= 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	free_stack(&stack);
	struct failure reported;
	ssize_t n = read(t->report[0], &reported, sizeof(reported));
	close(t->report[0]);
	if (result < 0)
		return result;
	if (n == (ssize_t)sizeof(reported)) {
		*f = reported;
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return fail(f, "user namespace", "the step inside", EIO);
	return 0;
}

int run_in_userns(const struct id_maps *m, int (*fn)(void *, struct failure *),
		  void *arg, struct failure *f)
{
	struct userns_task t = {.fn = fn, .arg = arg, .step = "user namespace"};
	return start_userns_task(m, &t, NULL, f) < 0 ? -1 : 0;
}

int open_userns_running(const struct id_maps *m,
			int (*fn)(void *, struct failure *), void *arg,
			const char *step, struct failure *f)
{
	struct userns_task t = {.fn = fn, .arg = arg, .step = step};
	int fd = -1;
	int result = start_userns_task(m, &t, &fd, f);
	if (result < 0 && fd >= 0)
		close(fd);
	return result < 0 ? result : fd;
}

int open_userns(const struct id_maps *m, const char *step, struct failure *f)
{
	return open_userns_running(m, NULL, NULL, step, f);
}
