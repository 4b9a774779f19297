/* userns.c - rootless containers: the user namespace and its id maps.
 *
 * The parent writes the maps of the child's new user namespace (only a
 * process outside it may map ids it owns there), then releases the child,
 * which waits for them before its first mount. */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* What subordinate ids need: the setuid helpers from the uidmap package. */
static const char newuidmap[] = "/usr/bin/newuidmap";
static const char newgidmap[] = "/usr/bin/newgidmap";
#define SUBORDINATE_IDS 65536

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
	if (geteuid() == 0)
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

/* Writes text to /proc/<pid>/<file>, after checking the file lies on a
 * procfs (a writable path that is not procfs would be the wrong file). */
static int write_proc_file(pid_t pid, const char *file, const char *text,
			   struct failure *f)
{
	char path[64];
	struct statfs fs;
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
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

/* The first subordinate id of this user in /etc/subuid or /etc/subgid
 * with at least SUBORDINATE_IDS ids, or -1. */
static long find_subordinate_range(const char *file, const char *user,
				   unsigned id)
{
	FILE *in = fopen(file, "re");
	char line[256], owner[128];
	long start = -1;
	unsigned long first, count;
	while (in && start < 0 && fgets(line, sizeof(line), in)) {
		if (sscanf(line, "%127[^:]:%lu:%lu", owner, &first, &count) !=
			3 ||
		    count < SUBORDINATE_IDS)
			continue;
		char *end;
		unsigned long as_number = strtoul(owner, &end, 10);
		if ((user && strcmp(owner, user) == 0) ||
		    (*end == '\0' && as_number == id))
			start = (long)first;
	}
	if (in)
		fclose(in);
	return start;
}

/* The name of uid in /etc/passwd, or NULL. By hand, not getpwuid: the
 * binary is static, and NSS modules cannot be loaded into it. */
static const char *user_name(uid_t uid, char *name, size_t size)
{
	FILE *in = fopen("/etc/passwd", "re");
	char line[512];
	const char *found = NULL;
	unsigned long id;
	while (in && !found && fgets(line, sizeof(line), in)) {
		char *colon = strchr(line, ':');
		if (!colon || (size_t)(colon - line) >= size ||
		    sscanf(colon, ":%*[^:]:%lu:", &id) != 1 || id != uid)
			continue;
		memcpy(name, line, (size_t)(colon - line));
		name[colon - line] = '\0';
		found = name;
	}
	if (in)
		fclose(in);
	return found;
}

/* Starts newuidmap or newgidmap: PID 0 ID 1 1 START 65536. Returns its
 * pid, or -1. */
static pid_t start_map_helper(const char *helper, pid_t pid, unsigned id,
			      long start)
{
	char pid_text[16], id_text[16], start_text[24], count_text[16];
	snprintf(pid_text, sizeof(pid_text), "%d", (int)pid);
	snprintf(id_text, sizeof(id_text), "%u", id);
	snprintf(start_text, sizeof(start_text), "%ld", start);
	snprintf(count_text, sizeof(count_text), "%d", SUBORDINATE_IDS);
	char *argv[] = {(char *)helper, pid_text,   "0", id_text, "1", "1",
			start_text,	count_text, NULL};
	pid_t helper_pid = fork();
	if (helper_pid == 0) {
		execv(helper, argv);
		_exit(127);
	}
	return helper_pid;
}

/* Waits for a map helper; 0 if it succeeded, else -1 with f filled. */
static int wait_map_helper(const char *helper, pid_t helper_pid,
			   struct failure *f)
{
	int status;
	if (helper_pid < 0)
		return fail(f, "user namespace", helper, errno);
	while (waitpid(helper_pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail(f, "user namespace", helper, errno);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fail(f, "user namespace", helper, 0);
	return add_hint(f, "it could not map the ids of /etc/subuid and "
			   "/etc/subgid; check them, or remove this user's "
			   "ranges to map only your own id");
}

int write_id_maps(pid_t pid, struct failure *f)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	/* Root (with --userns) keeps every id as it is: the namespace only
	 * takes away its power over the host. */
	if (uid == 0) {
		if (write_proc_file(pid, "uid_map", "0 0 4294967295\n", f) < 0)
			return -1;
		return write_proc_file(pid, "gid_map", "0 0 4294967295\n", f);
	}
	char name[128];
	const char *user = user_name(uid, name, sizeof(name));
	long uid_start = find_subordinate_range("/etc/subuid", user, uid);
	long gid_start = find_subordinate_range("/etc/subgid", user, uid);
	if (uid_start >= 0 && gid_start >= 0 && access(newuidmap, X_OK) == 0 &&
	    access(newgidmap, X_OK) == 0) {
		/* Both at once: each is a setuid program's whole start-up. */
		pid_t uid_helper =
		    start_map_helper(newuidmap, pid, uid, uid_start);
		pid_t gid_helper =
		    start_map_helper(newgidmap, pid, gid, gid_start);
		int uid_result = wait_map_helper(newuidmap, uid_helper, f);
		int gid_result = wait_map_helper(newgidmap, gid_helper, f);
		return uid_result < 0 || gid_result < 0 ? -1 : 0;
	}
	/* Mapping our own gid needs setgroups denied first: otherwise
	 * dropping a group could grant access (a group-denied file). */
	if (write_proc_file(pid, "setgroups", "deny", f) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_proc_file(pid, "uid_map", map, f) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	return write_proc_file(pid, "gid_map", map, f);
}
